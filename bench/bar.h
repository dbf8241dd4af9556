/* bar.h: reference times per shape and thread count to print next to
 * c1d's (c1d-bench --bar FILE; bench/bar.txt holds issue 7's bar).
 *
 * File format: one entry per line (at most 1022 characters), `key=value`
 * words: name=NAME (a shape name, once per file) and threadsN=MS for thread
 * counts N from 1 to BENCH_BAR_MAX_THREADS, plus peer=WHO (who set it).
 * `#` starts a comment; blank lines are skipped. An entry applies to every
 * shape of that name, whatever its sizes: the bar file and the suite must
 * describe the same shapes. */
#ifndef C1D_BENCH_BAR_H
#define C1D_BENCH_BAR_H

#include <stddef.h>

#define BENCH_BAR_MAX_THREADS 8

typedef struct bench_bar_entry {
    char name[64];
    char peer[64];
    double ms[BENCH_BAR_MAX_THREADS + 1]; /* ms[n]: n threads; 0 where absent */
} bench_bar_entry;

typedef struct bench_bar {
    bench_bar_entry *entries;
    size_t count;
} bench_bar;

/* Reads path into bar. Returns 0, or -1 with a message naming the file,
 * line and word in err. */
int bench_bar_load(bench_bar *bar, const char *path, char *err, size_t err_len);

/* The entry of shape `name` with a time for `threads` threads (ms and peer
 * set), or NULL. */
const bench_bar_entry *bench_bar_find(const bench_bar *bar, const char *name, int threads);

void bench_bar_free(bench_bar *bar);

#endif
