/* plot.c: the SVG bar chart. See plot.h. */
#include "plot.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"

#define SERIES 3
#define BAR_W 16.0
#define BAR_GAP 2.0
#define GROUP_GAP 28.0
#define LEFT 80.0
#define RIGHT 30.0
#define TOP 120.0
#define PLOT_H 360.0
#define BOTTOM 160.0
#define MIN_WIDTH 960.0

static const char *const series_name[SERIES] = {"c1d", "naive (double-precision reference)", "oneDNN"};
static const char *const series_color[SERIES] = {"#1f77b4", "#9e9e9e", "#ff7f0e"};

static int fail(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t len, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, len, fmt, ap);
    va_end(ap);
    return -1;
}

/* GFLOP/s of series s for a result; false when not measured. */
static bool value(const bench_result *r, int s, double *v) {
    bool have = false;
    double ms = 0;
    if (s == 0) have = r->timed, ms = r->c1d_ms;
    if (s == 1) have = r->naive_measured, ms = r->naive_ms;
    if (s == 2) have = r->peer.measured, ms = r->peer.ms;
    if (!have || !(ms > 0)) return false;
    *v = bench_gflops(r->flops, ms);
    return *v > 0 && isfinite(*v);
}

/* Escapes the XML specials of a free-text string (CPU names). */
static void xml_text(FILE *f, const char *s) {
    for (; *s; s++) {
        if (*s == '&')
            fputs("&amp;", f);
        else if (*s == '<')
            fputs("&lt;", f);
        else if (*s == '>')
            fputs("&gt;", f);
        else
            fputc(*s, f);
    }
}

static void write_svg(FILE *f, const bench_result *res, size_t n, const bench_machine *m) {
    bool shown[SERIES] = {false};
    double lo = INFINITY, hi = m->peak_gflops > 0 ? m->peak_gflops : 0;
    for (size_t i = 0; i < n; i++)
        for (int s = 0; s < SERIES; s++) {
            double v;
            if (!value(&res[i], s, &v)) continue;
            shown[s] = true;
            lo = fmin(lo, v);
            hi = fmax(hi, v);
        }
    if (!isfinite(lo)) lo = hi > 0 ? hi : 1.0;
    if (!(hi > 0)) hi = 1.0;
    /* Whole decades around the data, with room above the tallest bar for its label. */
    const double d_lo = floor(log10(lo)), d_hi = fmax(ceil(log10(hi * 2.5)), d_lo + 1);
    int series = 0;
    for (int s = 0; s < SERIES; s++) series += shown[s];
    if (series == 0) series = 1;
    /* Groups of bars spread over the plot, at least GROUP_GAP apart. */
    const double bars_w = series * (BAR_W + BAR_GAP) - BAR_GAP;
    double plot_w = (double)n * (bars_w + GROUP_GAP);
    if (plot_w < MIN_WIDTH - LEFT - RIGHT) plot_w = MIN_WIDTH - LEFT - RIGHT;
    const double group_w = plot_w / (double)(n ? n : 1);
    const double width = LEFT + plot_w + RIGHT, height = TOP + PLOT_H + BOTTOM;
    const double base = TOP + PLOT_H;
#define Y_OF(v) (base - (log10(v) - d_lo) / (d_hi - d_lo) * PLOT_H)

    fprintf(f,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
            "font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\">\n"
            "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
            width, height, width, height);
    fprintf(f, "<text x=\"%.0f\" y=\"28\" font-size=\"18\" font-weight=\"bold\">c1d-bench: GFLOP/s per shape "
               "(higher is better)</text>\n", LEFT);
    fprintf(f, "<text x=\"%.0f\" y=\"48\" font-size=\"12\" fill=\"#444\">", LEFT);
    xml_text(f, m->cpu);
    fprintf(f, ", %d thread%s, %s core %s, c1d ISA %s</text>\n", m->threads, m->threads == 1 ? "" : "s", m->blas_name,
            m->blas_core, m->isa);

    /* Legend */
    double lx = LEFT;
    for (int s = 0; s < SERIES; s++) {
        if (!shown[s]) continue;
        fprintf(f, "<rect x=\"%.1f\" y=\"64\" width=\"14\" height=\"14\" fill=\"%s\"/>\n", lx, series_color[s]);
        fprintf(f, "<text x=\"%.1f\" y=\"76\" font-size=\"13\">%s</text>\n", lx + 20, series_name[s]);
        lx += 36 + 7.0 * (double)strlen(series_name[s]);
    }
    if (m->peak_gflops > 0) {
        fprintf(f, "<line x1=\"%.1f\" y1=\"71\" x2=\"%.1f\" y2=\"71\" stroke=\"#d62728\" stroke-width=\"2\" "
                   "stroke-dasharray=\"6,4\"/>\n", lx, lx + 24);
        fprintf(f, "<text x=\"%.1f\" y=\"76\" font-size=\"13\">sgemm peak %.1f GFLOP/s</text>\n", lx + 30,
                m->peak_gflops);
    }
    fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\" fill=\"#444\">GFLOP/s = 2 * batch * out_steps * "
               "filters * kernel_size * channels / groups per call, over the median time per call.</text>\n", LEFT,
            height - 28);
    fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\" fill=\"#444\">Naive values marked * were timed on a "
               "slice of the problem and scaled (see the table's notes).</text>\n", LEFT, height - 12);

    /* Axes, decade grid lines and labels */
    for (double d = d_lo; d <= d_hi + 1e-9; d += 1) {
        const double y = Y_OF(pow(10, d));
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", LEFT, y,
                LEFT + plot_w, y);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" text-anchor=\"end\">%g</text>\n", LEFT - 8, y + 4,
                pow(10, d));
        for (int k = 2; k <= 9 && d < d_hi; k++) {
            const double ym = Y_OF(k * pow(10, d));
            fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999\"/>\n", LEFT - 4, ym,
                    LEFT, ym);
        }
    }
    fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n", LEFT, TOP, LEFT, base);
    fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n", LEFT, base,
            LEFT + plot_w, base);
    fprintf(f, "<text transform=\"translate(24,%.1f) rotate(-90)\" font-size=\"14\" text-anchor=\"middle\">"
               "GFLOP/s (log scale)</text>\n", TOP + PLOT_H / 2);
    if (m->peak_gflops > 0) {
        const double y = Y_OF(m->peak_gflops);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#d62728\" stroke-width=\"2\" "
                   "stroke-dasharray=\"6,4\"/>\n", LEFT, y, LEFT + plot_w, y);
    }

    /* Bars, their values, and the shape names */
    for (size_t i = 0; i < n; i++) {
        const double gx = LEFT + (double)i * group_w + (group_w - bars_w) / 2;
        int slot = 0;
        for (int s = 0; s < SERIES; s++) {
            if (!shown[s]) continue;
            const double x = gx + slot * (BAR_W + BAR_GAP);
            slot++;
            double v;
            if (!value(&res[i], s, &v)) continue;
            const double y = Y_OF(v);
            fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s %s: "
                       "%.3g GFLOP/s</title></rect>\n",
                    x, y, BAR_W, base - y, series_color[s], res[i].shape->name, series_name[s], v);
            /* A white halo keeps the value readable over grid and peak lines. */
            fprintf(f, "<text transform=\"translate(%.1f,%.1f) rotate(-90)\" font-size=\"11\" stroke=\"white\" "
                       "stroke-width=\"3\" paint-order=\"stroke\">%.3g%s</text>\n",
                    x + BAR_W / 2 + 4, y - 4, v, s == 1 && res[i].naive_note[0] ? "*" : "");
        }
        const bool failed = res[i].status != BENCH_OK;
        const double cx = gx + bars_w / 2;
        fprintf(f, "<text transform=\"translate(%.1f,%.1f) rotate(-40)\" font-size=\"12\" text-anchor=\"end\"%s>"
                   "%s%s</text>\n",
                cx + 4, base + 16, failed ? " fill=\"#d62728\"" : "", res[i].shape->name,
                res[i].status == BENCH_FAILED ? " (FAILED)" : res[i].status == BENCH_ERROR ? " (error)" : "");
    }
    fputs("</svg>\n", f);
#undef Y_OF
}

int bench_plot_write(const char *path, const bench_result *results, size_t count, const bench_machine *m,
                     char *err, size_t err_len) {
    const size_t len = strlen(path) + 16;
    char *tmp = malloc(len);
    if (!tmp) return fail(err, err_len, "%s: out of memory", path);
    snprintf(tmp, len, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) {
        fail(err, err_len, "%s: cannot write: %s", tmp, strerror(errno));
        free(tmp);
        return -1;
    }
    write_svg(f, results, count, m);
    int bad = ferror(f);
    if (fclose(f) != 0) bad = 1;
    if (bad || rename(tmp, path) != 0) {
        fail(err, err_len, "%s: cannot write: %s", path, strerror(errno));
        unlink(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}
