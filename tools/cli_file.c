/* cli_file.c: reading only regular files with size caps (so /dev/zero, a
 * FIFO or a directory gives a message instead of a hang), and writing an
 * output through a temporary file that is renamed into place only once
 * every byte is on disk. */
/* realpath is an XSI function: POSIX 2008 with the X/Open extension. */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* Largest single read() or write(): Linux moves at most about 2 GiB per call. */
#define IO_CHUNK ((size_t)1 << 30)

static const char *file_kind(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

c1d_status cli_file_open_read(const char *path, int *fd, size_t *size) {
    /* O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused
     * below anyway. The flag changes nothing for regular files. */
    int f = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (f < 0) return cli_fail(C1D_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(f, &st) != 0) {
        int e = errno;
        close(f);
        return cli_fail(C1D_IO, "%s: cannot stat: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode) || st.st_size < 0) {
        close(f);
        return cli_fail(C1D_IO, "%s: is %s, expected a regular file", path, file_kind(st.st_mode));
    }
    *fd = f;
    *size = (size_t)st.st_size;
    return C1D_OK;
}

c1d_status cli_file_read(int fd, const char *path, void *buf, size_t n, size_t *got) {
    unsigned char *p = buf;
    size_t done = 0;
    while (done < n) {
        size_t want = n - done < IO_CHUNK ? n - done : IO_CHUNK;
        ssize_t r = read(fd, p + done, want);
        if (r < 0) {
            if (errno == EINTR) continue;
            return cli_fail(C1D_IO, "%s: read failed: %s", path, strerror(errno));
        }
        if (r == 0) break;
        done += (size_t)r;
    }
    *got = done;
    return C1D_OK;
}

c1d_status cli_file_slurp(const char *path, size_t cap, char **data, size_t *length) {
    int fd;
    size_t size;
    c1d_status st = cli_file_open_read(path, &fd, &size);
    if (st) return st;
    if (size > cap) {
        close(fd);
        return cli_fail(C1D_TOO_LARGE, "%s: %zu bytes, above the %zu-byte limit for this file", path, size, cap);
    }
    /* One byte more than fstat promised, to notice a file that grew. */
    char *buf = malloc(size + 1);
    if (!buf) {
        close(fd);
        return cli_fail(C1D_NOMEM, "%s: cannot allocate %zu bytes", path, size + 1);
    }
    size_t got;
    st = cli_file_read(fd, path, buf, size + 1, &got);
    close(fd);
    if (!st && got != size)
        st = cli_fail(C1D_IO, "%s: the file changed size while being read (%zu bytes, then %zu%s)", path, size,
                      got, got > size ? " or more" : "");
    if (st) {
        free(buf);
        return st;
    }
    buf[size] = '\0';
    *data = buf;
    *length = size;
    return C1D_OK;
}

bool cli_file_same(const char *a, const char *b) {
    if (strcmp(a, b) == 0) return true;
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static char *copy_string(const char *s) {
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    if (c) memcpy(c, s, n);
    return c;
}

/* "<directory of target>/.c1d-XXXXXX", the template mkstemp fills in. */
static char *temp_template(const char *target) {
    static const char name[] = ".c1d-XXXXXX";
    const char *slash = strrchr(target, '/');
    size_t dir_len = slash ? (size_t)(slash - target) + 1 : 0;
    char *t = malloc(dir_len + sizeof name);
    if (!t) return NULL;
    memcpy(t, target, dir_len);
    memcpy(t + dir_len, name, sizeof name);
    return t;
}

static void output_release(cli_output *out) {
    free(out->target);
    free(out->temp);
    out->target = NULL;
    out->temp = NULL;
    out->fd = -1;
}

/* An existing device or FIFO: written in place. O_NONBLOCK makes the open
 * fail (ENXIO) instead of waiting when no process reads the FIFO; writes
 * then block normally. */
static c1d_status output_open_in_place(cli_output *out) {
    int fd = open(out->path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return cli_fail(C1D_IO, "%s: cannot open for writing: %s", out->path, strerror(errno));
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
        int e = errno;
        close(fd);
        return cli_fail(C1D_IO, "%s: cannot set blocking mode: %s", out->path, strerror(e));
    }
    out->fd = fd;
    return C1D_OK;
}

c1d_status cli_output_open(cli_output *out, const char *path) {
    out->path = path;
    out->target = NULL;
    out->temp = NULL;
    out->fd = -1;
    mode_t mask = umask(0);
    umask(mask);
    mode_t mode = 0666 & ~mask;
    struct stat st;
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) return cli_fail(C1D_IO, "%s: is a directory, expected a file name", path);
        if (!S_ISREG(st.st_mode)) return output_open_in_place(out);
        /* Replace what a symbolic link points to, not the link; keep the
         * existing file's permissions. */
        out->target = realpath(path, NULL);
        if (!out->target) return cli_fail(C1D_IO, "%s: cannot resolve the path: %s", path, strerror(errno));
        mode = st.st_mode & 07777;
    } else if (errno == ENOENT) {
        out->target = copy_string(path);
        if (!out->target) return cli_fail(C1D_NOMEM, "%s: out of memory", path);
    } else {
        return cli_fail(C1D_IO, "%s: cannot stat: %s", path, strerror(errno));
    }
    out->temp = temp_template(out->target);
    if (!out->temp) {
        output_release(out);
        return cli_fail(C1D_NOMEM, "%s: out of memory", path);
    }
    out->fd = mkstemp(out->temp);
    if (out->fd < 0) {
        int e = errno;
        char *slash = strrchr(out->temp, '/');
        if (slash) *slash = '\0';
        cli_fail(C1D_IO, "%s: cannot create a temporary file in the directory %s: %s", path,
                 slash ? (slash == out->temp ? "/" : out->temp) : ".", strerror(e));
        output_release(out);
        return C1D_IO;
    }
    if (fchmod(out->fd, mode) != 0) {
        int e = errno;
        cli_output_abort(out);
        return cli_fail(C1D_IO, "%s: cannot set permissions of the temporary file: %s", path, strerror(e));
    }
    return C1D_OK;
}

c1d_status cli_output_write(cli_output *out, const void *buf, size_t n) {
    const unsigned char *p = buf;
    size_t done = 0;
    while (done < n) {
        size_t want = n - done < IO_CHUNK ? n - done : IO_CHUNK;
        ssize_t w = write(out->fd, p + done, want);
        if (w < 0) {
            if (errno == EINTR) continue;
            return cli_fail(C1D_IO, "%s: write failed: %s", out->path, strerror(errno));
        }
        if (w == 0) return cli_fail(C1D_IO, "%s: write failed: no progress", out->path);
        done += (size_t)w;
    }
    return C1D_OK;
}

c1d_status cli_output_commit(cli_output *out) {
    if (!out->temp) {
        /* In place (a device or FIFO): nothing to sync or rename. */
        int rc = close(out->fd);
        int e = errno;
        out->fd = -1;
        output_release(out);
        if (rc != 0) return cli_fail(C1D_IO, "%s: close failed: %s", out->path, strerror(e));
        return C1D_OK;
    }
    if (fsync(out->fd) != 0) {
        int e = errno;
        cli_output_abort(out);
        return cli_fail(C1D_IO, "%s: fsync failed: %s", out->path, strerror(e));
    }
    int rc = close(out->fd);
    out->fd = -1;
    if (rc != 0) {
        int e = errno;
        cli_output_abort(out);
        return cli_fail(C1D_IO, "%s: close failed: %s", out->path, strerror(e));
    }
    if (rename(out->temp, out->target) != 0) {
        int e = errno;
        cli_output_abort(out);
        return cli_fail(C1D_IO, "%s: cannot rename the temporary file into place: %s", out->path, strerror(e));
    }
    output_release(out);
    return C1D_OK;
}

void cli_output_abort(cli_output *out) {
    if (out->fd >= 0) close(out->fd);
    if (out->temp) unlink(out->temp);
    output_release(out);
}
