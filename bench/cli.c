/* cli.c: option parsing. See cli.h. */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: c1d-bench [--suite FILE] [--shape \"key=value ...\"] [--threads N] [--repeat R]\n"
    "                 [--min-time SECONDS] [--format table|json|csv] [--no-naive]\n"
    "                 [--plot FILE.svg] [--peers] [--bar FILE]\n";

static const char help[] =
    "Checks c1d's Conv1D against the naive double-precision reference, then times it.\n"
    "\n"
    "  --suite FILE       shapes to run, one per line of key=value words (default: bench/shapes.txt)\n"
    "  --shape \"K=V ...\"  run this one shape instead (repeatable), e.g.\n"
    "                     --shape \"name=s batch=1 steps=128 channels=32 filters=32 kernel_size=3\"\n"
    "  --threads N        threads for the whole run: c1d's own (the BLAS at 1 inside), the sgemm peak's\n"
    "                     BLAS threads, and oneDNN's with --peers (default: the BLAS's default)\n"
    "  --repeat R         timed measurements per shape, median reported (default 5)\n"
    "  --min-time S       each measurement runs calls for at least S seconds (default 0.2)\n"
    "  --format F         table (default), json (one object per line) or csv\n"
    "  --no-naive         do not time the naive reference (the correctness check still runs)\n"
    "  --plot FILE.svg    also write a bar chart of GFLOP/s per shape\n"
    "  --peers            also check and time oneDNN when the build found it\n"
    "  --bar FILE         print reference times per shape name and thread count next to c1d's\n"
    "                     (bench/bar.txt: the bar of issue 7 for bench/shapes.txt, see its header)\n"
    "\n"
    "Shape keys: name batch steps channels filters kernel_size strides padding data_format\n"
    "dilation_rate groups activation use_bias (Keras names and defaults; batch defaults to 1).\n"
    "Exit status: 0 all shapes within tolerance, 1 a shape FAILED or a runtime error, 2 usage error.\n";

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("c1d-bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fputs(usage, stderr);
    return BENCH_EXIT_USAGE;
}

/* Integer in [lo, hi], digits only. */
static int parse_int(const char *s, long lo, long hi, long *out) {
    if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 9) return -1;
    long v = strtol(s, NULL, 10);
    if (v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

int bench_cli_parse(int argc, char **argv, bench_options *o) {
    memset(o, 0, sizeof *o);
    o->repeat = 5;
    o->min_time = 0.2;
    o->format = BENCH_TABLE;
    o->naive = true;
    o->shapes = calloc((size_t)(argc > 0 ? argc : 1), sizeof *o->shapes);
    if (!o->shapes) return usage_error("out of memory");
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            fputs(usage, stdout);
            fputs(help, stdout);
            return -1;
        }
        if (!strcmp(arg, "--no-naive")) {
            o->naive = false;
            continue;
        }
        if (!strcmp(arg, "--peers")) {
            o->peers = true;
            continue;
        }
        /* The options that take a value: --opt value or --opt=value. */
        static const char *const with_value[] = {"--suite",  "--shape",  "--threads", "--repeat",
                                                 "--min-time", "--format", "--plot", "--bar"};
        const char *opt = NULL, *value = NULL;
        for (size_t k = 0; k < sizeof with_value / sizeof with_value[0]; k++) {
            const size_t n = strlen(with_value[k]);
            if (!strncmp(arg, with_value[k], n) && (arg[n] == '\0' || arg[n] == '=')) {
                opt = with_value[k];
                if (arg[n] == '=')
                    value = arg + n + 1;
                else if (i + 1 < argc)
                    value = argv[++i];
                else
                    return usage_error("%s: missing its value", opt);
            }
        }
        if (!opt) return usage_error("unknown option '%s'", arg);
        long v;
        if (!strcmp(opt, "--suite")) {
            if (o->suite) return usage_error("%s: given twice", opt);
            o->suite = value;
        } else if (!strcmp(opt, "--shape")) {
            o->shapes[o->shape_count++] = value;
        } else if (!strcmp(opt, "--threads")) {
            if (parse_int(value, 1, 1024, &v))
                return usage_error("--threads: expected an integer from 1 to 1024, got '%s'", value);
            o->threads = (int)v;
        } else if (!strcmp(opt, "--repeat")) {
            if (parse_int(value, 1, 1000, &v))
                return usage_error("--repeat: expected an integer from 1 to 1000, got '%s'", value);
            o->repeat = (size_t)v;
        } else if (!strcmp(opt, "--min-time")) {
            char *end;
            errno = 0;
            const double t = strtod(value, &end);
            if (!*value || *end || errno || !isfinite(t) || t < 0 || t > 3600)
                return usage_error("--min-time: expected seconds from 0 to 3600, got '%s'", value);
            o->min_time = t;
        } else if (!strcmp(opt, "--format")) {
            if (!strcmp(value, "table"))
                o->format = BENCH_TABLE;
            else if (!strcmp(value, "json"))
                o->format = BENCH_JSON;
            else if (!strcmp(value, "csv"))
                o->format = BENCH_CSV;
            else
                return usage_error("--format: expected table, json or csv, got '%s'", value);
        } else if (!strcmp(opt, "--bar")) {
            if (!*value) return usage_error("--bar: expected a file name");
            o->bar = value;
        } else {
            if (!*value) return usage_error("--plot: expected a file name");
            o->plot = value;
        }
    }
    if (o->suite && o->shape_count)
        return usage_error("--suite and --shape exclude each other");
    return 0;
}

void bench_cli_free(bench_options *o) {
    free(o->shapes);
    o->shapes = NULL;
}
