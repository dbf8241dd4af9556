/* report.c: table, JSON lines and CSV output. See report.h. */
#include "report.h"

#include <math.h>
#include <string.h>

#include "c1d.h"

double bench_gflops(double flops, double ms) { return flops / ms * 1e-6; }

/* One column of the JSON/CSV rows. */
typedef enum field_kind { FIELD_NUM, FIELD_COUNT, FIELD_STR, FIELD_BOOL } field_kind;

typedef struct field {
    const char *key;
    field_kind kind;
    bool present; /* false: null (JSON) / empty (CSV) */
    double num;
    size_t count;
    const char *str;
} field;

#define MAX_FIELDS 48

static field num(const char *key, bool present, double v) {
    return (field){key, FIELD_NUM, present && isfinite(v), v, 0, NULL};
}
static field count(const char *key, bool present, size_t v) { return (field){key, FIELD_COUNT, present, 0, v, NULL}; }
static field str(const char *key, const char *v) { return (field){key, FIELD_STR, v && *v, 0, 0, v}; }
static field flag(const char *key, bool v) { return (field){key, FIELD_BOOL, true, v ? 1 : 0, 0, NULL}; }

static const char *status_name(bench_status s) {
    return s == BENCH_OK ? "ok" : s == BENCH_FAILED ? "FAILED" : "error";
}

/* The row's fields, in output order; returns how many. */
static size_t row_fields(const bench_report *r, const bench_result *res, char *shape_buf, size_t shape_len,
                         field *f) {
    const bench_machine *m = r->machine;
    const bool t = res->timed, nv = res->naive_measured, pm = res->peer.measured;
    const double gf = t ? bench_gflops(res->flops, res->c1d_ms) : NAN;
    const double pgf = pm ? bench_gflops(res->flops, res->peer.ms) : NAN;
    if (res->shape) bench_shape_describe(res->shape, shape_buf, shape_len);
    size_t n = 0;
    f[n++] = str("name", res->shape ? res->shape->name : NULL);
    f[n++] = str("shape", res->shape ? shape_buf : NULL);
    f[n++] = str("status", status_name(res->status));
    f[n++] = str("error", res->error);
    f[n++] = count("threads", true, (size_t)m->threads);
    f[n++] = num("c1d_ms", t, res->c1d_ms);
    f[n++] = num("c1d_ms_min", t, res->c1d_min_ms);
    f[n++] = num("c1d_ms_max", t, res->c1d_max_ms);
    f[n++] = count("c1d_calls", t, res->c1d_calls);
    f[n++] = count("repeat", true, r->repeat);
    f[n++] = num("naive_ms", nv, res->naive_ms);
    f[n++] = str("naive_note", res->naive_note);
    f[n++] = num("gflops", t, gf);
    f[n++] = num("naive_gflops", nv, bench_gflops(res->flops, res->naive_ms));
    f[n++] = num("peak_pct", t && m->peak_gflops > 0, 100.0 * gf / m->peak_gflops);
    f[n++] = num("speedup", t && nv, res->naive_ms / res->c1d_ms);
    f[n++] = num("max_error", res->checked, res->max_error);
    f[n++] = num("checked_fraction", res->checked, res->checked_fraction);
    f[n++] = str("check_note", res->check_note);
    f[n++] = str("path", res->path.name);
    f[n++] = str("path_reason", res->path.reason);
    f[n++] = count("workspace_bytes", res->shape != NULL, res->workspace_bytes);
    f[n++] = num("flops", res->shape != NULL, res->flops);
    f[n++] = num("onednn_ms", pm, res->peer.ms);
    f[n++] = num("onednn_ms_min", pm, res->peer.min_ms);
    f[n++] = num("onednn_ms_max", pm, res->peer.max_ms);
    f[n++] = num("onednn_gflops", pm, pgf);
    f[n++] = str("onednn_layout", res->peer.layout);
    f[n++] = str("onednn_desc", res->peer.desc);
    f[n++] = num("onednn_max_error", pm, res->peer.max_error);
    f[n++] = str("onednn_note", res->peer.note);
    f[n++] = num("speedup_vs_onednn", pm && t, res->peer.ms / res->c1d_ms);
    f[n++] = num("sgemm_peak_gflops", m->peak_gflops > 0, m->peak_gflops);
    f[n++] = str("cpu", m->cpu);
    f[n++] = str("blas_core", m->blas_core);
    f[n++] = str("isa", m->isa);
    f[n++] = str("c1d_version", c1d_version());
    f[n++] = flag("naive_timed", r->naive);
    /* Columns added after the first release go last, so that CSV readers
     * that index columns keep working. */
    f[n++] = str("blas", m->blas_name);
    f[n++] = num("bar_ms", res->bar_ms > 0, res->bar_ms);
    f[n++] = str("bar_peer", res->bar_peer);
    f[n++] = num("speedup_vs_bar", res->bar_ms > 0 && t, res->bar_ms / res->c1d_ms);
    return n;
}

static void json_string(FILE *out, const char *s) {
    fputc('"', out);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(out, "\\%c", *c);
        else if (*c < 0x20)
            fprintf(out, "\\u%04x", *c);
        else
            fputc(*c, out);
    }
    fputc('"', out);
}

static void csv_string(FILE *out, const char *s) {
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (const char *c = s; *c; c++) {
        if (*c == '"') fputc('"', out);
        fputc(*c, out);
    }
    fputc('"', out);
}

static void field_value(FILE *out, const field *f, bool json) {
    if (!f->present) {
        if (json) fputs("null", out);
        return;
    }
    switch (f->kind) {
    case FIELD_NUM: fprintf(out, "%.6g", f->num); break;
    case FIELD_COUNT: fprintf(out, "%zu", f->count); break;
    case FIELD_BOOL: fputs(f->num != 0 ? "true" : "false", out); break;
    case FIELD_STR:
        if (json)
            json_string(out, f->str);
        else
            csv_string(out, f->str);
        break;
    }
}

/* Table cells: v with `decimals` decimals and a suffix, or "-" when not
 * measured. */
static void cell(char *buf, size_t len, bool present, double v, int decimals, const char *suffix) {
    if (present && isfinite(v))
        snprintf(buf, len, "%.*f%s", decimals, v, suffix);
    else
        snprintf(buf, len, "-");
}

void bench_report_begin(bench_report *r, const bench_shape *shapes, size_t n) {
    const bench_machine *m = r->machine;
    r->name_width = 5;
    for (size_t i = 0; i < n; i++) {
        const int w = (int)strlen(shapes[i].name);
        if (w > r->name_width) r->name_width = w;
    }
    if (r->format == BENCH_CSV) {
        field f[MAX_FIELDS];
        bench_result empty;
        char shape_buf[8];
        memset(&empty, 0, sizeof empty);
        const size_t k = row_fields(r, &empty, shape_buf, sizeof shape_buf, f);
        for (size_t i = 0; i < k; i++) fprintf(r->out, "%s%s", i ? "," : "", f[i].key);
        fputc('\n', r->out);
    }
    if (r->format != BENCH_TABLE) return;
    fprintf(r->out, "c1d-bench: c1d %s, ISA %s\n", c1d_version(), m->isa);
    fprintf(r->out, "machine:   %s, %ld CPUs online; %s core %s (%s)\n", m->cpu, m->cpus, m->blas_name, m->blas_core,
            m->blas_config);
    fprintf(r->out, "threads:   %d (c1d's own threads, each calling a 1-thread BLAS; the sgemm peak uses %d "
                    "BLAS threads%s)\n",
            m->threads, m->threads, r->peers && r->peer_name ? "; oneDNN uses as many OpenMP threads" : "");
    fprintf(r->out,
            "peak:      %.1f GFLOP/s: cblas_sgemm %zu^3, median of %zu (%.1f to %.1f) after a warm-up, %d threads\n",
            m->peak_gflops, m->peak_n, m->peak_runs, m->peak_lo, m->peak_hi, m->threads);
    fprintf(r->out,
            "timing:    median per call of %zu runs of >= %g s of back-to-back calls after a warm-up; caller-owned "
            "workspace\n",
            r->repeat, r->min_time);
    fprintf(r->out,
            "naive:     tests/reference.c (direct loops in double precision, then the activation)%s\n",
            r->naive ? "; * = timed on a slice and scaled (see notes)" : ": not timed (--no-naive)");
    fprintf(r->out,
            "check:     err/tol = worst |c1d - reference| / tolerance over the checked outputs (FAILED above 1)\n");
    fprintf(r->out, "columns:   spread = (max - min) / median of the runs; speedup = naive time / c1d time%s\n",
            r->peers && r->peer_name ? "; c1d/oneDNN = oneDNN time / c1d time (> 1: c1d faster)" : "");
    if (r->bar)
        fprintf(r->out, "bar:       reference times from --bar (not measured here); c1d/bar = bar time / c1d time\n");
    if (r->peers && !r->peer_name)
        fprintf(r->out, "peers:     this build has no oneDNN (install libdnnl-dev and reconfigure); skipped\n");
    fputc('\n', r->out);
    /* The path and its reason come last: their width is open. */
    fprintf(r->out, "%-*s %10s %7s %11s %8s %6s %9s %9s  %10s", r->name_width, "shape", "c1d ms", "spread",
            "naive ms", "GFLOP/s", "%peak", "speedup", "err/tol", "workspace");
    if (r->peers && r->peer_name) fprintf(r->out, " %10s %10s  %-13s", "oneDNN ms", "c1d/oneDNN", "oneDNN layout");
    if (r->bar) fprintf(r->out, " %9s %8s  %-15s", "bar ms", "c1d/bar", "bar peer");
    fputs("  path (why)\n", r->out);
    fflush(r->out);
}

static void table_row(const bench_report *r, const bench_result *res) {
    if (res->status == BENCH_ERROR && !res->timed) {
        fprintf(r->out, "%-*s ERROR: %s\n", r->name_width, res->shape->name, res->error);
        return;
    }
    const bench_machine *m = r->machine;
    const double gf = bench_gflops(res->flops, res->c1d_ms);
    char ms[32], spread[32], naive[32], gfs[32], peak[32], speed[32], err[48];
    cell(ms, sizeof ms, res->timed, res->c1d_ms, 3, "");
    cell(spread, sizeof spread, res->timed, 100.0 * (res->c1d_max_ms - res->c1d_min_ms) / res->c1d_ms, 1, "%");
    cell(naive, sizeof naive, res->naive_measured, res->naive_ms, 1, res->naive_note[0] ? "*" : " ");
    cell(gfs, sizeof gfs, res->timed, gf, 2, "");
    cell(peak, sizeof peak, res->timed && m->peak_gflops > 0, 100.0 * gf / m->peak_gflops, 1, "");
    cell(speed, sizeof speed, res->timed && res->naive_measured, res->naive_ms / res->c1d_ms, 1, "x");
    cell(err, sizeof err, res->checked, res->max_error, 3, "");
    if (res->checked && res->max_error >= 1e6) snprintf(err, sizeof err, "%.2e", res->max_error);
    fprintf(r->out, "%-*s %10s %7s %11s %8s %6s %9s %9s%s %10zu", r->name_width, res->shape->name, ms, spread,
            naive, gfs, peak, speed, err, res->status == BENCH_FAILED ? "!" : " ", res->workspace_bytes);
    if (r->peers && r->peer_name) {
        char pms[32], ratio[32];
        cell(pms, sizeof pms, res->peer.measured, res->peer.ms, 3, "");
        cell(ratio, sizeof ratio, res->peer.measured && res->timed, res->peer.ms / res->c1d_ms, 2, "x");
        fprintf(r->out, " %10s %10s  %-13s", pms, ratio, res->peer.measured ? res->peer.layout : "-");
    }
    if (r->bar) {
        char bms[32], ratio[32];
        cell(bms, sizeof bms, res->bar_ms > 0, res->bar_ms, 4, "");
        cell(ratio, sizeof ratio, res->bar_ms > 0 && res->timed, res->bar_ms / res->c1d_ms, 2, "x");
        fprintf(r->out, " %9s %8s  %-15s", bms, ratio, res->bar_ms > 0 ? res->bar_peer : "-");
    }
    fprintf(r->out, "  %s (%s)%s\n", res->path.name, res->path.reason, res->status == BENCH_FAILED ? "  FAILED" : "");
}

void bench_report_row(const bench_report *r, const bench_result *res) {
    if (r->format == BENCH_TABLE) {
        table_row(r, res);
    } else {
        field f[MAX_FIELDS];
        char shape_buf[512];
        const size_t k = row_fields(r, res, shape_buf, sizeof shape_buf, f);
        const bool json = r->format == BENCH_JSON;
        if (json) fputc('{', r->out);
        for (size_t i = 0; i < k; i++) {
            if (i) fputc(',', r->out);
            if (json) fprintf(r->out, "\"%s\":", f[i].key);
            field_value(r->out, &f[i], json);
        }
        fputs(json ? "}\n" : "\n", r->out);
    }
    fflush(r->out);
}

void bench_report_end(const bench_report *r, const bench_result *results, size_t n) {
    if (r->format != BENCH_TABLE) return;
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        const bench_result *res = &results[i];
        const char *name = res->shape->name;
        const char *lines[6] = {NULL};
        char buf[6][320];
        size_t k = 0;
        if (res->status == BENCH_FAILED) {
            snprintf(buf[k], sizeof buf[k], "FAILED: worst error %.3g x the tolerance", res->max_error);
            lines[k] = buf[k];
            k++;
        }
        if (res->status == BENCH_ERROR && res->timed) lines[k++] = res->error;
        if (res->checked && res->checked_fraction < 1.0) {
            snprintf(buf[k], sizeof buf[k], "checked on %.2g%% of the outputs (%s)", 100.0 * res->checked_fraction,
                     res->check_note);
            lines[k] = buf[k];
            k++;
        }
        if (res->naive_measured && res->naive_note[0]) lines[k++] = res->naive_note;
        if (res->peers_requested && r->peer_name) {
            if (res->peer.measured) {
                snprintf(buf[k], sizeof buf[k], "oneDNN: %s; err/tol %.3f", res->peer.desc, res->peer.max_error);
                lines[k] = buf[k];
                k++;
            }
            if (res->peer.note[0]) lines[k++] = res->peer.note;
        }
        for (size_t j = 0; j < k; j++) {
            if (!any) fputs("\nnotes:\n", r->out);
            any = true;
            fprintf(r->out, "  %-*s %s\n", r->name_width, j == 0 ? name : "", lines[j]);
        }
    }
    fflush(r->out);
}
