/* cli.h: the c1d-bench command line.
 *
 *   c1d-bench [--suite FILE] [--shape "key=value ..."] [--threads N] [--repeat R]
 *             [--min-time SECONDS] [--format table|json|csv] [--no-naive]
 *             [--plot FILE.svg] [--peers] [--bar FILE]
 *
 * Options taking a value accept `--opt value` and `--opt=value`. */
#ifndef C1D_BENCH_CLI_H
#define C1D_BENCH_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "report.h"

typedef struct bench_options {
    const char *suite;      /* --suite, NULL for the default (unless --shape) */
    const char **shapes;    /* --shape values (repeatable), in order */
    size_t shape_count;
    int threads;            /* --threads, 0 keeps OpenBLAS's default */
    size_t repeat;          /* --repeat, default 5 */
    double min_time;        /* --min-time in seconds, default 0.2 */
    bench_format format;    /* --format, default table */
    bool naive;             /* false with --no-naive */
    const char *plot;       /* --plot FILE.svg or NULL */
    bool peers;             /* --peers */
    const char *bar;        /* --bar FILE or NULL */
} bench_options;

/* Exit status of a usage error. */
#define BENCH_EXIT_USAGE 2

/* Returns 0 to run, -1 when --help was printed (exit 0), or
 * BENCH_EXIT_USAGE after printing a one-line error and the usage to stderr. */
int bench_cli_parse(int argc, char **argv, bench_options *o);

void bench_cli_free(bench_options *o);

#endif
