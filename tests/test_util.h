/* test_util.h: seeded data, canaries and the tolerance checks every suite
 * shares (RELIABILITY.md, "Tolerance for fp32 comparisons"). */
#ifndef C1D_TEST_UTIL_H
#define C1D_TEST_UTIL_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "c1d.h"

/* Asserts that `call` returns `status` and that c1d_last_error() then
 * contains `word` (the argument or value the message must name). */
#define ASSERT_FAILS(call, status, word)                                                                  \
    do {                                                                                                  \
        c1d_status st_ = (call);                                                                          \
        ck_assert_msg(st_ == (status), "%s gave %s (%s), expected %s", #call, c1d_status_name(st_),       \
                      c1d_last_error(), c1d_status_name(status));                                         \
        ck_assert_msg(strstr(c1d_last_error(), (word)) != NULL, "message '%s' lacks '%s'", c1d_last_error(), \
                      (word));                                                                            \
    } while (0)

/* The file `name` of the test data directory ($C1D_TEST_DATA, which meson
 * test sets to tests/data), NUL-terminated, in a new buffer; *len gets its
 * size. Fails the test when it cannot be read. */
char *tu_read_data(const char *name, size_t *len);

/* Runs every test of suite s (which it frees) and returns the exit status
 * of the test program: EXIT_SUCCESS when none failed. */
int tu_run_suite(Suite *s);

/* splitmix64: a small seeded generator, the same stream on every machine. */
uint64_t tu_next(uint64_t *state);
/* Uniform floats in [lo, hi). */
void tu_fill_uniform(float *x, size_t n, uint64_t *state, float lo, float hi);
/* Integers in [lo, hi] stored as floats (the exact tier). */
void tu_fill_int(float *x, size_t n, uint64_t *state, int lo, int hi);

/* A float buffer of n elements followed by guard elements, all set to a
 * canary bit pattern; tu_canary_intact checks the first n + guard floats. */
#define TU_GUARD 16
float *tu_canary_alloc(size_t n);
bool tu_canary_intact(const float *p, size_t n);
bool tu_guard_intact(const float *p, size_t n); /* only the guard after n */
bool tu_is_canary(const float *p);               /* one element */

/* Outcome of comparing one forward call with the reference. */
typedef struct tu_report {
    size_t checked;      /* elements compared */
    size_t failures;     /* elements outside their tolerance */
    double worst_ratio;  /* max |got - expected| / tolerance over finite elements */
    char first_failure[320];
} tu_report;

/* Runs the layer (config cfg, kernel w, bias b or NULL) on x with c1d and
 * compares with the reference, tier 2 ("random float") tolerance:
 * pre-activation |got - r| <= u|r| + 4 sqrt(n) u S, propagated through the
 * activation (elementwise ones, softmax, log_softmax and glu). For the
 * axis-wise activations the pre-activation of a linear twin of the layer is
 * checked first; sparsemax, whose Keras form jumps when its support changes,
 * is then checked on that twin's output with rounding-only tolerances.
 * Returns false when c1d itself failed (report.first_failure holds c1d's
 * message). */
bool tu_check_forward(const c1d_config *cfg, size_t c_in, size_t batch, size_t steps, const float *x,
                      const float *w, const float *b, tu_report *report);

/* The path tu_run forces on every layer it creates (C1D_PATH_AUTO: c1d's
 * choice). A layer the path cannot compute runs on c1d's choice. */
extern c1d_path tu_forced_path;

/* c1d output for a layer, in a new buffer (NULL and message on failure). */
float *tu_run(const c1d_config *cfg, size_t c_in, size_t batch, size_t steps, const float *x, const float *w,
              const float *b, size_t *out_elems);

#endif
