/* replay.c: runs a fuzz target's LLVMFuzzerTestOneInput on files, without
 * libFuzzer, so that every build (gcc included) replays the inputs that
 * once crashed a target (fuzz/regressions/<target>/) and the seed corpus
 * (fuzz/corpus/<target>/). Arguments: files or directories (their regular
 * files, in name order; names starting with '.' or "README" are skipped).
 * Exit 0 when every input ran; a failing oracle aborts. */
#define _XOPEN_SOURCE 700

#include <dirent.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Targets that need no setup do not define it. */
#pragma weak LLVMFuzzerInitialize

static int replay_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    size_t cap = 4096, n = 0;
    unsigned char *buf = malloc(cap);
    for (size_t got; buf && (got = fread(buf + n, 1, cap - n, f)) > 0;) {
        n += got;
        if (n == cap) {
            unsigned char *bigger = realloc(buf, cap *= 2);
            if (!bigger) free(buf);
            buf = bigger;
        }
    }
    int err = ferror(f);
    fclose(f);
    if (!buf || err) {
        fprintf(stderr, "%s: cannot read\n", path);
        free(buf);
        return -1;
    }
    /* An exact-size copy, so that ASan sees reads past the input's end. */
    unsigned char *exact = malloc(n ? n : 1);
    if (!exact) {
        free(buf);
        return -1;
    }
    memcpy(exact, buf, n);
    free(buf);
    LLVMFuzzerTestOneInput(exact, n);
    free(exact);
    return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b) { return strcmp((*a)->d_name, (*b)->d_name); }

static int skip_entry(const struct dirent *e) { return e->d_name[0] != '.' && strncmp(e->d_name, "README", 6) != 0; }

int main(int argc, char **argv) {
    if (&LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
    size_t replayed = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            perror(argv[i]);
            return 1;
        }
        if (!S_ISDIR(st.st_mode)) {
            if (replay_file(argv[i])) return 1;
            replayed++;
            continue;
        }
        struct dirent **names;
        int n = scandir(argv[i], &names, skip_entry, by_name);
        if (n < 0) {
            perror(argv[i]);
            return 1;
        }
        for (int k = 0; k < n; k++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], names[k]->d_name);
            free(names[k]);
            if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
                if (replay_file(path)) return 1;
                replayed++;
            }
        }
        free(names);
    }
    printf("replayed %zu inputs\n", replayed);
    return replayed > 0 ? 0 : 1;
}
