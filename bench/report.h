/* report.h: the results as a table for people, or JSON lines / CSV for
 * scripts (the same fields, null or empty where nothing was measured). */
#ifndef C1D_BENCH_REPORT_H
#define C1D_BENCH_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "machine.h"
#include "result.h"

typedef enum bench_format { BENCH_TABLE, BENCH_JSON, BENCH_CSV } bench_format;

typedef struct bench_report {
    FILE *out;
    bench_format format;
    const bench_machine *machine;
    size_t repeat;
    double min_time;
    bool naive;             /* the naive reference is timed (no --no-naive) */
    bool peers;             /* --peers */
    const char *peer_name;  /* "oneDNN 2.6.3", or NULL when the build has none */
    bool bar;               /* --bar: the bar columns */
    int name_width;         /* table: width of the name column */
} bench_report;

/* Table: the machine header and the column titles; CSV: the header row. */
void bench_report_begin(bench_report *r, const bench_shape *shapes, size_t count);

/* One shape's row (printed as soon as it is measured). */
void bench_report_row(const bench_report *r, const bench_result *res);

/* Table: the notes (slices, peers, failures) after the rows. */
void bench_report_end(const bench_report *r, const bench_result *results, size_t count);

/* Derived figures shared with the plot: GFLOP/s of a time per call in ms
 * (flops / ms * 1e-6). */
double bench_gflops(double flops, double ms);

#endif
