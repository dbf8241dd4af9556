/* shape.c: the suite file parser. See shape.h for the format. */
#include "shape.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum shape_key {
    KEY_NAME,
    KEY_BATCH,
    KEY_STEPS,
    KEY_CHANNELS,
    KEY_FILTERS,
    KEY_KERNEL_SIZE,
    KEY_STRIDES,
    KEY_PADDING,
    KEY_DATA_FORMAT,
    KEY_DILATION_RATE,
    KEY_GROUPS,
    KEY_ACTIVATION,
    KEY_USE_BIAS,
    KEY_COUNT
};

static const char *const key_names[KEY_COUNT] = {
    "name",    "batch",       "steps",         "channels", "filters",    "kernel_size", "strides",
    "padding", "data_format", "dilation_rate", "groups",   "activation", "use_bias",
};

static int fail(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t len, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, len, fmt, ap);
    va_end(ap);
    return -1;
}

/* A decimal integer >= 1 that fits size_t; digits only (no sign, no spaces). */
static bool parse_count(const char *s, size_t *out) {
    if (!*s) return false;
    for (const char *c = s; *c; c++)
        if (!isdigit((unsigned char)*c)) return false;
    errno = 0;
    unsigned long long v = strtoull(s, NULL, 10);
    if (errno == ERANGE || v == 0 || v > (unsigned long long)SIZE_MAX) return false;
    *out = (size_t)v;
    return true;
}

static bool parse_name(const char *s, char *out) {
    size_t n = strlen(s);
    if (n == 0 || n >= BENCH_NAME_MAX) return false;
    for (const char *c = s; *c; c++)
        if (!isalnum((unsigned char)*c) && !strchr("._+-", *c)) return false;
    memcpy(out, s, n + 1);
    return true;
}

/* One key=value word into the shape. Returns 0 or -1 with err set. */
static int apply_word(bench_shape *sh, enum shape_key key, const char *value, const char *where, char *err,
                      size_t len) {
    const char *name = key_names[key];
    size_t *count = NULL;
    switch (key) {
    case KEY_NAME:
        if (!parse_name(value, sh->name))
            return fail(err, len,
                        "%s: key 'name': expected 1 to %d characters from [A-Za-z0-9._+-], got '%s'", where,
                        BENCH_NAME_MAX - 1, value);
        return 0;
    case KEY_BATCH: count = &sh->batch; break;
    case KEY_STEPS: count = &sh->steps; break;
    case KEY_CHANNELS: count = &sh->channels; break;
    case KEY_FILTERS: count = &sh->cfg.filters; break;
    case KEY_KERNEL_SIZE: count = &sh->cfg.kernel_size; break;
    case KEY_STRIDES: count = &sh->cfg.strides; break;
    case KEY_DILATION_RATE: count = &sh->cfg.dilation_rate; break;
    case KEY_GROUPS: count = &sh->cfg.groups; break;
    case KEY_PADDING:
        if (c1d_padding_from_name(value, &sh->cfg.padding) != C1D_OK)
            return fail(err, len, "%s: key 'padding': expected valid, same or causal, got '%s'", where, value);
        return 0;
    case KEY_DATA_FORMAT:
        if (c1d_data_format_from_name(value, &sh->cfg.data_format) != C1D_OK)
            return fail(err, len, "%s: key 'data_format': expected channels_last or channels_first, got '%s'",
                        where, value);
        return 0;
    case KEY_ACTIVATION:
        if (c1d_activation_from_name(value, &sh->cfg.activation) != C1D_OK)
            return fail(err, len, "%s: %s", where, c1d_last_error());
        return 0;
    case KEY_USE_BIAS:
        if (!strcmp(value, "true") || !strcmp(value, "True"))
            sh->cfg.use_bias = true;
        else if (!strcmp(value, "false") || !strcmp(value, "False"))
            sh->cfg.use_bias = false;
        else
            return fail(err, len, "%s: key 'use_bias': expected true or false, got '%s'", where, value);
        return 0;
    case KEY_COUNT: break;
    }
    if (!count || !parse_count(value, count))
        return fail(err, len, "%s: key '%s': expected an integer >= 1, got '%s'", where, name, value);
    return 0;
}

/* Runs the shape past the library: config rules, channels vs groups, the
 * output length, and buffer sizes within C1D_MAX_ALLOC_BYTES each. */
static int validate(const bench_shape *sh, const char *where, char *err, size_t len) {
    if (c1d_config_validate(&sh->cfg) != C1D_OK) return fail(err, len, "%s: %s", where, c1d_last_error());
    c1d_conv *conv = NULL;
    if (c1d_conv_create(&sh->cfg, sh->channels, &conv) != C1D_OK)
        return fail(err, len, "%s: %s", where, c1d_last_error());
    size_t shape[3], ws;
    int rc = 0;
    if (c1d_conv_output_shape(conv, sh->batch, sh->steps, shape) != C1D_OK ||
        c1d_conv_workspace_size(conv, sh->batch, sh->steps, &ws) != C1D_OK) {
        rc = fail(err, len, "%s: %s", where, c1d_last_error());
    } else {
        /* Each of input and output must fit the cap as floats; the
         * reference's doubles are computed on slices. */
        const size_t cap = C1D_MAX_ALLOC_BYTES / sizeof(double);
        size_t in = 0, out = 0;
        bool ok = !__builtin_mul_overflow(sh->batch, sh->steps, &in) &&
                  !__builtin_mul_overflow(in, sh->channels, &in) && in <= cap &&
                  !__builtin_mul_overflow(shape[0], shape[1], &out) &&
                  !__builtin_mul_overflow(out, shape[2], &out) && out <= cap;
        if (!ok)
            rc = fail(err, len,
                      "%s: batch=%zu steps=%zu channels=%zu: input or output exceeds the bench's limit of %zu "
                      "elements per buffer",
                      where, sh->batch, sh->steps, sh->channels, cap);
    }
    c1d_conv_destroy(conv);
    return rc;
}

static int suite_push(bench_suite *suite, const bench_shape *sh, char *err, size_t len) {
    if (suite->count == suite->capacity) {
        size_t cap = suite->capacity ? 2 * suite->capacity : 16;
        bench_shape *grown = realloc(suite->shapes, cap * sizeof *grown);
        if (!grown) return fail(err, len, "out of memory reading the suite");
        suite->shapes = grown;
        suite->capacity = cap;
    }
    suite->shapes[suite->count++] = *sh;
    return 0;
}

int bench_suite_add_line(bench_suite *suite, const char *line, const char *where, char *err, size_t err_len) {
    size_t n = strcspn(line, "#"); /* a comment runs to the end of the line */
    char *text = malloc(n + 1);
    if (!text) return fail(err, err_len, "out of memory reading the suite");
    memcpy(text, line, n);
    text[n] = '\0';

    bench_shape sh;
    memset(&sh, 0, sizeof sh);
    sh.cfg = c1d_config_default(0, 0);
    sh.batch = 1;
    snprintf(sh.where, sizeof sh.where, "%s", where);
    snprintf(sh.name, sizeof sh.name, "shape%zu", suite->count + 1);
    bool seen[KEY_COUNT] = {false};
    size_t words = 0;
    int rc = 0;
    char *save = NULL;
    for (char *word = strtok_r(text, " \t\r\n\v\f", &save); word && rc == 0;
         word = strtok_r(NULL, " \t\r\n\v\f", &save)) {
        words++;
        char *eq = strchr(word, '=');
        if (!eq || eq == word) {
            rc = fail(err, err_len, "%s: '%s': expected a key=value word", where, word);
            break;
        }
        *eq = '\0';
        const char *value = eq + 1;
        int key = -1;
        for (int k = 0; k < KEY_COUNT; k++)
            if (!strcmp(word, key_names[k])) key = k;
        if (key < 0)
            rc = fail(err, err_len,
                      "%s: unknown key '%s' (known: name batch steps channels filters kernel_size strides "
                      "padding data_format dilation_rate groups activation use_bias)",
                      where, word);
        else if (seen[key])
            rc = fail(err, err_len, "%s: key '%s' given twice", where, word);
        else if (!*value)
            rc = fail(err, err_len, "%s: key '%s': empty value", where, word);
        else {
            seen[key] = true;
            rc = apply_word(&sh, (enum shape_key)key, value, where, err, err_len);
        }
    }
    free(text);
    if (rc || words == 0) return rc;

    static const enum shape_key required[] = {KEY_FILTERS, KEY_KERNEL_SIZE, KEY_STEPS, KEY_CHANNELS};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!seen[required[i]])
            return fail(err, err_len, "%s: missing key '%s'", where, key_names[required[i]]);
    for (size_t i = 0; i < suite->count; i++)
        if (!strcmp(suite->shapes[i].name, sh.name))
            return fail(err, err_len, "%s: key 'name': '%s' is already used by %s", where, sh.name,
                        suite->shapes[i].where);
    if (validate(&sh, where, err, err_len)) return -1;
    return suite_push(suite, &sh, err, err_len);
}

int bench_suite_load(bench_suite *suite, const char *path, char *err, size_t err_len) {
    FILE *f = fopen(path, "r");
    if (!f) return fail(err, err_len, "%s: cannot open: %s", path, strerror(errno));
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    int rc = 0;
    char where[256];
    while (rc == 0 && getline(&line, &cap, f) >= 0) {
        lineno++;
        snprintf(where, sizeof where, "%s:%zu", path, lineno);
        rc = bench_suite_add_line(suite, line, where, err, err_len);
    }
    if (rc == 0 && ferror(f)) rc = fail(err, err_len, "%s: read error: %s", path, strerror(errno));
    free(line);
    fclose(f);
    if (rc == 0 && suite->count == 0) rc = fail(err, err_len, "%s: no shapes in the file", path);
    return rc;
}

void bench_suite_free(bench_suite *suite) {
    free(suite->shapes);
    suite->shapes = NULL;
    suite->count = suite->capacity = 0;
}

void bench_shape_describe(const bench_shape *sh, char *buf, size_t len) {
    const c1d_config *c = &sh->cfg;
    snprintf(buf, len,
             "name=%s batch=%zu steps=%zu channels=%zu filters=%zu kernel_size=%zu strides=%zu padding=%s "
             "data_format=%s dilation_rate=%zu groups=%zu activation=%s use_bias=%s",
             sh->name, sh->batch, sh->steps, sh->channels, c->filters, c->kernel_size, c->strides,
             c1d_padding_name(c->padding), c1d_data_format_name(c->data_format), c->dilation_rate, c->groups,
             c1d_activation_name(c->activation), c->use_bias ? "true" : "false");
}
