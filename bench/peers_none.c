/* peers_none.c: the build found no peer library (see bench/meson.build). */
#include <stdio.h>
#include <string.h>

#include "peers.h"

const char *bench_peers_name(void) { return NULL; }

int bench_peers_init(int threads, char *err, size_t err_len) {
    (void)threads;
    (void)err;
    (void)err_len;
    return 0;
}

int bench_peers_run(const bench_problem *p, const bench_reference *ref, size_t repeat, double min_time,
                    bench_peer *out, char *err, size_t err_len) {
    (void)p;
    (void)ref;
    (void)repeat;
    (void)min_time;
    (void)err;
    (void)err_len;
    memset(out, 0, sizeof *out);
    snprintf(out->note, sizeof out->note, "no peer library in this build");
    return 0;
}

void bench_peers_finish(void) {}
