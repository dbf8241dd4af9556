/* main.c: c1d-bench. For each shape of the suite: make seeded random data,
 * check c1d's output against the naive reference, time c1d, then the naive
 * reference and (with --peers) oneDNN, and report. See cli.c for usage. */
#include "blas_control.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bar.h"
#include "bench_config.h"
#include "check.h"
#include "cli.h"
#include "machine.h"
#include "naive.h"
#include "path.h"
#include "peers.h"
#include "plot.h"
#include "problem.h"
#include "reference.h"
#include "report.h"
#include "result.h"
#include "shape.h"
#include "timing.h"
#include "tolerance.h"

#define PEAK_N 2048     /* sgemm peak: a 2048^3 product, ~17 GFLOP per call */
#define PEAK_RUNS 5
#define PEER_SETTLE_S 0.2 /* OpenBLAS's pool spins ~0.1 s after its last job */

static bool progress_tty;

/* Progress on stderr: the phase on a terminal, one line per shape otherwise. */
static void progress(size_t i, size_t n, const char *name, const char *phase) {
    if (progress_tty)
        fprintf(stderr, "\r\033[Kc1d-bench: [%zu/%zu] %s: %s", i + 1, n, name, phase);
    else if (!strcmp(phase, "checking"))
        fprintf(stderr, "c1d-bench: [%zu/%zu] %s\n", i + 1, n, name);
}

static void progress_done(void) {
    if (progress_tty) fputs("\r\033[K", stderr);
}

/* Seed from the shape's canonical text (FNV-1a), so a shape gets the same
 * data wherever it sits in a suite. */
static uint64_t shape_seed(const bench_shape *sh) {
    char text[512];
    bench_shape_describe(sh, text, sizeof text);
    uint64_t h = 0xcbf29ce484222325ull;
    for (const char *c = text; *c; c++) h = (h ^ (uint8_t)*c) * 0x100000001b3ull;
    return h;
}

static int forward_call(void *ctx) {
    const bench_problem *p = ctx;
    return c1d_conv_forward(p->conv, p->batch, p->steps, p->x, p->y, p->workspace, p->workspace_bytes) == C1D_OK
               ? 0
               : -1;
}

static void set_error(bench_result *res, const char *msg) {
    res->status = BENCH_ERROR;
    snprintf(res->error, sizeof res->error, "%s", msg);
}

/* The correctness check of c1d's output p->y (already computed). */
static int check_c1d(const bench_problem *p, const bench_reference *ref, bench_result *res, char *err,
                     size_t err_len) {
    const c1d_activation act = p->cfg.activation;
    if (!ref_activation_is_axiswise(act)) {
        res->max_error = bench_check_elementwise(ref, p, act, p->y);
        return 0;
    }
    /* Axis-wise: c1d's own pre-activation output, from a linear twin, is
     * checked first; the activation is then judged on it. */
    c1d_conv *linear = NULL;
    float *z = malloc(p->lin_floats * sizeof *z);
    int rc = z ? bench_problem_layer(p, C1D_ACTIVATION_LINEAR, &linear, err, err_len) : -1;
    if (!z) snprintf(err, err_len, "%s: out of memory", p->shape->name);
    if (rc == 0 && c1d_conv_forward(linear, p->batch, p->steps, p->x, z, NULL, 0) != C1D_OK) {
        snprintf(err, err_len, "%s: c1d_conv_forward (linear twin): %s", p->shape->name, c1d_last_error());
        rc = -1;
    }
    if (rc == 0) rc = bench_check_axiswise(ref, p, z, p->y, &res->max_error, err, err_len);
    c1d_conv_destroy(linear);
    free(z);
    return rc;
}

/* Runs one shape: c1d splits each call over `threads` threads of its own
 * (c1d_conv_set_threads) while OpenBLAS runs single-threaded inside them. */
static void run_shape(const bench_options *o, const bench_shape *sh, size_t i, size_t n, size_t threads,
                      bench_result *res) {
    char err[512];
    bench_problem p;
    bench_reference ref;
    memset(&ref, 0, sizeof ref);
    res->shape = sh;
    res->peers_requested = o->peers;
    progress(i, n, sh->name, "checking");
    if (bench_problem_create(&p, sh, shape_seed(sh), threads, err, sizeof err)) {
        set_error(res, err);
        return;
    }
    res->flops = p.flops;
    res->workspace_bytes = p.workspace_bytes;
    res->path = bench_path_of(p.conv);

    if (forward_call(&p)) {
        snprintf(err, sizeof err, "%s: c1d_conv_forward: %s", sh->name, c1d_last_error());
        set_error(res, err);
        goto done;
    }
    if (bench_reference_build(&ref, &p, err, sizeof err) || check_c1d(&p, &ref, res, err, sizeof err)) {
        set_error(res, err);
        goto done;
    }
    res->checked = true;
    res->checked_fraction = ref.fraction;
    snprintf(res->check_note, sizeof res->check_note, "%s", ref.note);
    res->status = res->max_error <= 1.0 ? BENCH_OK : BENCH_FAILED;

    progress(i, n, sh->name, "timing c1d");
    bench_timing t;
    if (bench_time_calls(forward_call, &p, o->repeat, o->min_time, true, &t)) {
        snprintf(err, sizeof err, "%s: c1d_conv_forward: %s", sh->name, c1d_last_error());
        set_error(res, err);
        goto done;
    }
    res->timed = true;
    res->c1d_ms = t.median_s * 1e3;
    res->c1d_min_ms = t.min_s * 1e3;
    res->c1d_max_ms = t.max_s * 1e3;
    res->c1d_calls = t.calls;

    if (o->naive) {
        progress(i, n, sh->name, "timing the naive reference");
        bench_naive nv;
        if (bench_naive_time(&p, o->repeat, &nv, err, sizeof err)) {
            set_error(res, err);
            goto done;
        }
        res->naive_measured = true;
        res->naive_ms = nv.ms;
        snprintf(res->naive_note, sizeof res->naive_note, "%s", nv.note);
    }
    if (o->peers) {
        /* Without a peer in the build this only records why. */
        if (bench_peers_name()) {
            progress(i, n, sh->name, "timing oneDNN");
            bench_settle(PEER_SETTLE_S);
        }
        if (bench_peers_run(&p, &ref, o->repeat, o->min_time, &res->peer, err, sizeof err)) set_error(res, err);
    }
done:
    bench_reference_free(&ref);
    bench_problem_destroy(&p);
}

/* Shapes from --shape words or from the suite file. Returns 0 or exit 2. */
static int load_shapes(const bench_options *o, bench_suite *suite) {
    char err[512];
    int rc = 0;
    if (o->shape_count) {
        for (size_t k = 0; rc == 0 && k < o->shape_count; k++) {
            char where[32];
            snprintf(where, sizeof where, "--shape #%zu", k + 1);
            const size_t before = suite->count;
            rc = bench_suite_add_line(suite, o->shapes[k], where, err, sizeof err);
            if (rc == 0 && suite->count == before) {
                snprintf(err, sizeof err, "%s: no key=value words", where);
                rc = -1;
            }
        }
    } else {
        rc = bench_suite_load(suite, o->suite ? o->suite : C1D_BENCH_DEFAULT_SUITE, err, sizeof err);
    }
    if (rc) fprintf(stderr, "c1d-bench: %s\n", err);
    return rc ? BENCH_EXIT_USAGE : 0;
}

int main(int argc, char **argv) {
    bench_options o;
    int rc = bench_cli_parse(argc, argv, &o);
    if (rc) {
        bench_cli_free(&o);
        return rc < 0 ? 0 : rc;
    }
    bench_suite suite;
    memset(&suite, 0, sizeof suite);
    if ((rc = load_shapes(&o, &suite)) != 0) {
        bench_suite_free(&suite);
        bench_cli_free(&o);
        return rc;
    }
    progress_tty = isatty(STDERR_FILENO);

    char err[512];
    bench_bar bar = {NULL, 0};
    if (o.bar && bench_bar_load(&bar, o.bar, err, sizeof err)) {
        fprintf(stderr, "c1d-bench: --bar: %s\n", err);
        bench_suite_free(&suite);
        bench_cli_free(&o);
        return BENCH_EXIT_USAGE;
    }
    bench_machine m;
    bench_machine_probe(&m, o.threads);
    const char *peer = bench_peers_name();
    if (o.peers && !peer)
        fprintf(stderr, "c1d-bench: --peers: this build has no oneDNN (install libdnnl-dev and reconfigure "
                        "with -Dpeers=enabled); continuing without it\n");
    if (o.peers && peer && bench_peers_init(m.threads, err, sizeof err)) {
        fprintf(stderr, "c1d-bench: %s\n", err);
        bench_bar_free(&bar);
        bench_suite_free(&suite);
        bench_cli_free(&o);
        return 1;
    }
    fprintf(stderr, "c1d-bench: measuring the sgemm peak (%d^3, %d threads)\n", PEAK_N, m.threads);
    if (bench_machine_sgemm_peak(&m, PEAK_N, PEAK_RUNS))
        fprintf(stderr, "c1d-bench: out of memory for the sgemm peak; %%peak not reported\n");

    /* From here on c1d does the threading: one BLAS thread inside each of its threads. */
    blas_control_set_threads(1);
    const size_t c1d_threads = m.threads < C1D_MAX_THREADS ? (size_t)m.threads : C1D_MAX_THREADS;

    bench_report report = {stdout, o.format, &m, o.repeat, o.min_time, o.naive, o.peers, peer, o.bar != NULL, 0};
    bench_report_begin(&report, suite.shapes, suite.count);
    bench_result *results = calloc(suite.count, sizeof *results);
    if (!results) {
        fprintf(stderr, "c1d-bench: out of memory\n");
        rc = 1;
        goto out;
    }
    for (size_t i = 0; i < suite.count; i++) {
        run_shape(&o, &suite.shapes[i], i, suite.count, c1d_threads, &results[i]);
        const bench_bar_entry *e = bench_bar_find(&bar, suite.shapes[i].name, m.threads);
        if (e) {
            results[i].bar_ms = e->ms[m.threads];
            snprintf(results[i].bar_peer, sizeof results[i].bar_peer, "%s", e->peer);
        }
        progress_done();
        if (results[i].status == BENCH_ERROR) fprintf(stderr, "c1d-bench: error: %s\n", results[i].error);
        if (results[i].status != BENCH_OK) rc = 1;
        bench_report_row(&report, &results[i]);
    }
    bench_report_end(&report, results, suite.count);
    if (o.plot) {
        if (bench_plot_write(o.plot, results, suite.count, &m, err, sizeof err)) {
            fprintf(stderr, "c1d-bench: --plot: %s\n", err);
            rc = 1;
        } else {
            fprintf(stderr, "c1d-bench: wrote %s\n", o.plot);
        }
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "c1d-bench: writing the report failed\n");
        rc = 1;
    }
out:
    free(results);
    bench_bar_free(&bar);
    if (o.peers && peer) bench_peers_finish();
    bench_suite_free(&suite);
    bench_cli_free(&o);
    return rc;
}
