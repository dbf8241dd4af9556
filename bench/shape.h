/* shape.h: one benchmark problem (one line of a suite file) and the suite
 * parser.
 *
 * A line is whitespace-separated `key=value` words; `#` starts a comment
 * anywhere on the line. Keys are the Keras Conv1D argument names (filters,
 * kernel_size, strides, padding, data_format, dilation_rate, groups,
 * activation, use_bias) plus `name`, `batch`, `steps` (input length) and
 * `channels` (input channels). Omitted keys take Keras's defaults; `batch`
 * defaults to 1 and `name` to `shape<N>`; filters, kernel_size, steps and
 * channels are required. */
#ifndef C1D_BENCH_SHAPE_H
#define C1D_BENCH_SHAPE_H

#include <stddef.h>

#include "c1d.h"

#define BENCH_NAME_MAX 48

typedef struct bench_shape {
    char name[BENCH_NAME_MAX]; /* [A-Za-z0-9._+-], so it needs no escaping */
    char where[256];           /* "FILE:LINE", for messages */
    c1d_config cfg;
    size_t batch, steps, channels;
} bench_shape;

typedef struct bench_suite {
    bench_shape *shapes;
    size_t count, capacity;
} bench_suite;

/* Parses `line` (from `where`, e.g. "shapes.txt:7") and appends the shape to
 * the suite; blank and comment-only lines add nothing. The shape is checked
 * with the library (config rules, channels vs groups, output length), so a
 * suite that loads runs. Returns 0, or -1 with a message in err. */
int bench_suite_add_line(bench_suite *suite, const char *line, const char *where, char *err, size_t err_len);

/* Reads a whole suite file. Returns 0, or -1 with a message in err (the
 * suite keeps what was added before the error; free it either way). */
int bench_suite_load(bench_suite *suite, const char *path, char *err, size_t err_len);

void bench_suite_free(bench_suite *suite);

/* The shape as one canonical line of key=value words (every key spelled
 * out), for the reports. */
void bench_shape_describe(const bench_shape *shape, char *buf, size_t len);

#endif
