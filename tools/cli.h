/* cli.h: what the c1d tool's files share: the one-line error message of the
 * failing step (and whether it was a usage error), reading capped regular
 * files, and writing an output file that appears whole or not at all. */
#ifndef C1D_CLI_H
#define C1D_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "c1d.h"

/* Exit statuses of the tool (README documents them). */
enum { CLI_EXIT_OK = 0, CLI_EXIT_FAILURE = 1, CLI_EXIT_USAGE = 2 };

/* Records the message of a failure (printf-style, one line, naming the file,
 * key or argument) and returns `status`. The last call wins. */
c1d_status cli_fail(c1d_status status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Same, for a command line that cannot be parsed: the tool then exits with
 * CLI_EXIT_USAGE instead of CLI_EXIT_FAILURE. Returns C1D_INVALID_ARG. */
c1d_status cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The recorded message ("" before any failure), and whether it came from
 * cli_usage. */
const char *cli_last_error(void);
bool cli_last_error_is_usage(void);

/* Opens `path` for reading and checks it is a regular file (a directory,
 * FIFO, socket or device such as /dev/zero is refused with C1D_IO, so no
 * read can block or run forever; the open itself does not wait for a FIFO's
 * writer). `*size` gets the file size from fstat. */
c1d_status cli_file_open_read(const char *path, int *fd, size_t *size);

/* Reads up to `n` bytes, retrying short reads and EINTR; `*got < n` only at
 * end of file. C1D_IO with strerror on a read error. */
c1d_status cli_file_read(int fd, const char *path, void *buf, size_t n, size_t *got);

/* Reads a whole regular file of at most `cap` bytes into a new buffer
 * (free()) with a NUL after the `*length` bytes. C1D_TOO_LARGE above the
 * cap. */
c1d_status cli_file_slurp(const char *path, size_t cap, char **data, size_t *length);

/* True when `a` and `b` name the same existing file (same st_dev and st_ino,
 * following symbolic links) or are the same string. */
bool cli_file_same(const char *a, const char *b);

/* An output being written. A regular file (new or existing) is written to a
 * temporary file in the same directory and renamed over the target only by
 * cli_output_commit, so a failed run leaves the target as it was and no
 * temporary behind. An existing device or FIFO (/dev/stdout, /dev/full) is
 * written in place, as nothing can replace it atomically. */
typedef struct cli_output {
    const char *path; /* the path as given, for messages */
    char *target;     /* where the data ends up (symbolic links resolved) */
    char *temp;       /* the temporary file, or NULL when writing in place */
    int fd;
} cli_output;

/* Opens the output. On failure nothing was created. */
c1d_status cli_output_open(cli_output *out, const char *path);

/* Writes all `n` bytes or fails (C1D_IO with strerror, e.g. ENOSPC). */
c1d_status cli_output_write(cli_output *out, const void *buf, size_t n);

/* Flushes to disk (fsync), closes and renames the temporary file over the
 * target. On failure the temporary file is removed. Either way `out` is
 * released. */
c1d_status cli_output_commit(cli_output *out);

/* Closes and removes the temporary file (after a failed write); releases
 * `out`. Safe on an output that cli_output_open failed to open. */
void cli_output_abort(cli_output *out);

#endif
