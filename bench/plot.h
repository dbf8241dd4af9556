/* plot.h: `--plot FILE.svg`, a self-contained SVG bar chart of GFLOP/s per
 * shape (c1d, naive, and oneDNN when measured) on a log axis, with the
 * sgemm peak as a reference line. */
#ifndef C1D_BENCH_PLOT_H
#define C1D_BENCH_PLOT_H

#include <stddef.h>

#include "machine.h"
#include "result.h"

/* Writes the chart to `path` (through a temporary file renamed on success,
 * so a failed write leaves no partial file). Returns 0, or -1 with err. */
int bench_plot_write(const char *path, const bench_result *results, size_t count, const bench_machine *m,
                     char *err, size_t err_len);

#endif
