/* bar.c: see bar.h. */
#include "bar.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One word `key=value` of line `ln` into e. */
static int parse_word(const char *path, size_t ln, const char *word, bench_bar_entry *e, char *err, size_t err_len) {
    const char *eq = strchr(word, '=');
    if (!eq || eq == word || !eq[1]) {
        snprintf(err, err_len, "%s:%zu: '%s': expected key=value", path, ln, word);
        return -1;
    }
    const size_t klen = (size_t)(eq - word);
    const char *value = eq + 1;
    if (klen == 4 && !strncmp(word, "name", 4)) {
        if (strlen(value) >= sizeof e->name) {
            snprintf(err, err_len, "%s:%zu: name: longer than %zu characters", path, ln, sizeof e->name - 1);
            return -1;
        }
        snprintf(e->name, sizeof e->name, "%s", value);
        return 0;
    }
    if (klen == 4 && !strncmp(word, "peer", 4)) {
        if (strlen(value) >= sizeof e->peer) {
            snprintf(err, err_len, "%s:%zu: peer: longer than %zu characters", path, ln, sizeof e->peer - 1);
            return -1;
        }
        snprintf(e->peer, sizeof e->peer, "%s", value);
        return 0;
    }
    if (klen == 8 && !strncmp(word, "threads", 7) && word[7] >= '1' && word[7] <= '0' + BENCH_BAR_MAX_THREADS) {
        char *end;
        errno = 0;
        const double ms = strtod(value, &end);
        if (*end || errno || !isfinite(ms) || ms <= 0) {
            snprintf(err, err_len, "%s:%zu: %.*s: expected a positive time in ms, got '%s'", path, ln, (int)klen,
                     word, value);
            return -1;
        }
        e->ms[word[7] - '0'] = ms;
        return 0;
    }
    snprintf(err, err_len, "%s:%zu: unknown key '%.*s' (name, peer, threads1 .. threads%d)", path, ln, (int)klen,
             word, BENCH_BAR_MAX_THREADS);
    return -1;
}

int bench_bar_load(bench_bar *bar, const char *path, char *err, size_t err_len) {
    memset(bar, 0, sizeof *bar);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, err_len, "%s: %s", path, strerror(errno));
        return -1;
    }
    char line[1024];
    size_t ln = 0;
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        ln++;
        if (!strchr(line, '\n') && !feof(f)) {
            snprintf(err, err_len, "%s:%zu: longer than %zu characters", path, ln, sizeof line - 2);
            rc = -1;
            break;
        }
        line[strcspn(line, "#\r\n")] = '\0';
        bench_bar_entry e;
        memset(&e, 0, sizeof e);
        bool any = false;
        for (char *save = NULL, *w = strtok_r(line, " \t", &save); w && rc == 0; w = strtok_r(NULL, " \t", &save)) {
            rc = parse_word(path, ln, w, &e, err, err_len);
            any = true;
        }
        if (rc || !any) continue;
        if (!e.name[0]) {
            snprintf(err, err_len, "%s:%zu: no name=", path, ln);
            rc = -1;
            break;
        }
        for (size_t i = 0; i < bar->count && rc == 0; i++)
            if (!strcmp(bar->entries[i].name, e.name)) {
                snprintf(err, err_len, "%s:%zu: name=%s: given twice", path, ln, e.name);
                rc = -1;
            }
        if (rc) break;
        bench_bar_entry *grown = realloc(bar->entries, (bar->count + 1) * sizeof *grown);
        if (!grown) {
            snprintf(err, err_len, "%s: out of memory", path);
            rc = -1;
            break;
        }
        bar->entries = grown;
        bar->entries[bar->count++] = e;
    }
    if (rc == 0 && ferror(f)) {
        snprintf(err, err_len, "%s: read error", path);
        rc = -1;
    }
    fclose(f);
    if (rc) bench_bar_free(bar);
    return rc;
}

const bench_bar_entry *bench_bar_find(const bench_bar *bar, const char *name, int threads) {
    if (threads < 1 || threads > BENCH_BAR_MAX_THREADS) return NULL;
    for (size_t i = 0; i < bar->count; i++)
        if (!strcmp(bar->entries[i].name, name) && bar->entries[i].ms[threads] > 0) return &bar->entries[i];
    return NULL;
}

void bench_bar_free(bench_bar *bar) {
    free(bar->entries);
    bar->entries = NULL;
    bar->count = 0;
}
