/* peers.h: timing another library on the same problem (`--peers`). The
 * build provides one implementation: peers_onednn.c when the `peers`
 * feature found oneDNN, peers_none.c otherwise. */
#ifndef C1D_BENCH_PEERS_H
#define C1D_BENCH_PEERS_H

#include <stdbool.h>
#include <stddef.h>

#include "check.h"
#include "problem.h"

typedef struct bench_peer {
    bool measured;
    double ms, min_ms, max_ms; /* median, min and max per call of the fastest description */
    double max_error;          /* worst error as a fraction of the tolerance */
    char layout[16];           /* the fastest description: "1d", "2d-h1", "... blocked" */
    char desc[320];            /* every description tried: layout, implementation, time */
    char note[192];            /* why not measured, or what differs (no fused activation) */
} bench_peer;

/* "oneDNN 2.6.3", or NULL when the build has no peer. */
const char *bench_peers_name(void);

/* Gives the peer `threads` threads (its own pool). Returns 0 or -1 with err. */
int bench_peers_init(int threads, char *err, size_t err_len);

/* Checks the peer's output against the reference, then times it as c1d is
 * timed. A problem the peer cannot run leaves out->measured false with a
 * note and returns 0; -1 (with err) is a runtime failure. */
int bench_peers_run(const bench_problem *p, const bench_reference *ref, size_t repeat, double min_time,
                    bench_peer *out, char *err, size_t err_len);

/* Releases what bench_peers_init made. */
void bench_peers_finish(void);

#endif
