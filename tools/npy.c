/* npy.c: the .npy reader and writer (see npy.h for the rules it enforces).
 *
 * File layout (numpy's format.py): the 6-byte magic "\x93NUMPY", major and
 * minor version bytes, the header length (little-endian uint16 in 1.0,
 * uint32 in 2.0 and 3.0), the header (a Python dict literal padded with
 * spaces and ended by '\n'; latin-1 in 1.0/2.0, UTF-8 in 3.0), then the
 * raw data. */
#include "npy.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const unsigned char npy_magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};

/* Longest descr string kept; longer ones are unsupported anyway. */
#define DESCR_MAX 32
/* Nesting accepted inside a structured descr (which is then refused). */
#define NEST_MAX 16
/* float64 bytes converted per step when loading from a file. */
#define F8_CHUNK_BYTES ((size_t)64 * 1024)

static void *(*npy_alloc)(size_t) = malloc;
static void (*npy_release)(void *) = free;

void npy_set_allocator(void *(*alloc_fn)(size_t), void (*free_fn)(void *)) {
    npy_alloc = alloc_fn ? alloc_fn : malloc;
    npy_release = free_fn ? free_fn : free;
}

static bool host_is_big_endian(void) {
    const uint16_t one = 1;
    unsigned char first;
    memcpy(&first, &one, 1);
    return first == 0;
}

/* ---- preamble -------------------------------------------------------- */

/* Magic, version and header length; checks the header fits the file and the
 * cap before the caller reads or allocates it. `*prefix` is the preamble
 * size (10 or 12). */
static c1d_status parse_preamble(const unsigned char *b, size_t len, size_t file_size, const char *name,
                                 unsigned *major, unsigned *minor, size_t *prefix, size_t *header_len) {
    if (file_size == 0) return cli_fail(C1D_PARSE, "%s: empty file, expected a .npy array", name);
    if (len < 10 || file_size < 10)
        return cli_fail(C1D_PARSE, "%s: %zu bytes, too short for a .npy file (at least 10)", name, file_size);
    if (memcmp(b, npy_magic, sizeof npy_magic) != 0)
        return cli_fail(C1D_PARSE, "%s: not a .npy file (it does not start with \"\\x93NUMPY\")", name);
    *major = b[6];
    *minor = b[7];
    if (!((*major == 1 || *major == 2 || *major == 3) && *minor == 0))
        return cli_fail(C1D_PARSE, "%s: .npy format version %u.%u is not supported (c1d reads 1.0, 2.0 and 3.0)",
                        name, *major, *minor);
    if (*major == 1) {
        *prefix = 10;
        *header_len = (size_t)b[8] | (size_t)b[9] << 8;
    } else {
        if (len < 12 || file_size < 12)
            return cli_fail(C1D_PARSE, "%s: %zu bytes, too short for a version %u.0 .npy file (at least 12)", name,
                            file_size, *major);
        *prefix = 12;
        *header_len = (size_t)b[8] | (size_t)b[9] << 8 | (size_t)b[10] << 16 | (size_t)b[11] << 24;
    }
    if (*header_len > NPY_MAX_HEADER_BYTES)
        return cli_fail(C1D_PARSE, "%s: header_len %zu is above the %zu-byte limit for a .npy header", name,
                        *header_len, NPY_MAX_HEADER_BYTES);
    if (*header_len > file_size - *prefix)
        return cli_fail(C1D_PARSE, "%s: truncated: header_len is %zu but only %zu bytes follow the preamble", name,
                        *header_len, file_size - *prefix);
    return C1D_OK;
}

/* ---- header dict ----------------------------------------------------- */

typedef struct scanner {
    const char *name;
    const unsigned char *start; /* the header text (after the preamble) */
    const unsigned char *p, *end;
    size_t base;                /* file offset of start, for messages */
    bool long_suffix;           /* accept Python 2's 3L (versions 1.0 and 2.0) */
} scanner;

static size_t offset_of(const scanner *s, const unsigned char *p) { return s->base + (size_t)(p - s->start); }

static c1d_status syntax_error(const scanner *s, const char *expected) {
    if (s->p >= s->end)
        return cli_fail(C1D_PARSE, "%s: header is not a .npy dict literal: expected %s at byte %zu, got the end",
                        s->name, expected, offset_of(s, s->p));
    unsigned char c = *s->p;
    if (c >= 0x20 && c < 0x7F)
        return cli_fail(C1D_PARSE, "%s: header is not a .npy dict literal: expected %s at byte %zu, got '%c'",
                        s->name, expected, offset_of(s, s->p), c);
    return cli_fail(C1D_PARSE, "%s: header is not a .npy dict literal: expected %s at byte %zu, got byte 0x%02x",
                    s->name, expected, offset_of(s, s->p), (unsigned)c);
}

static void skip_space(scanner *s) {
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t')) s->p++;
}

static bool peek(const scanner *s, char c) { return s->p < s->end && *s->p == (unsigned char)c; }

static bool is_atom_char(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.';
}

/* A quoted string without escapes: sets [*text, *text + *len). */
static c1d_status scan_string(scanner *s, const unsigned char **text, size_t *len) {
    unsigned char quote = *s->p;
    const unsigned char *q = s->p + 1;
    while (q < s->end && *q != quote) {
        if (*q == '\\')
            return cli_fail(C1D_PARSE, "%s: header string at byte %zu uses an escape sequence; c1d reads only "
                            "the plain strings numpy writes", s->name, offset_of(s, s->p));
        q++;
    }
    if (q >= s->end)
        return cli_fail(C1D_PARSE, "%s: header string at byte %zu is not terminated", s->name, offset_of(s, s->p));
    *text = s->p + 1;
    *len = (size_t)(q - (s->p + 1));
    s->p = q + 1;
    return C1D_OK;
}

/* Skips one literal (a string, a number or name, or a tuple or list of
 * literals) so that a value of the wrong kind can be quoted in a message and
 * a structured descr can be recognised. */
static c1d_status skip_literal(scanner *s, unsigned depth) {
    if (s->p >= s->end) return syntax_error(s, "a value");
    unsigned char c = *s->p;
    if (c == '\'' || c == '"') {
        const unsigned char *t;
        size_t n;
        return scan_string(s, &t, &n);
    }
    if (c == '-' || c == '+' || is_atom_char(c)) {
        s->p++;
        while (s->p < s->end && is_atom_char(*s->p)) s->p++;
        return C1D_OK;
    }
    if (c == '(' || c == '[') {
        if (depth >= NEST_MAX)
            return cli_fail(C1D_PARSE, "%s: header nests deeper than %d levels at byte %zu", s->name, NEST_MAX,
                            offset_of(s, s->p));
        unsigned char close = c == '(' ? ')' : ']';
        s->p++;
        skip_space(s);
        while (!peek(s, (char)close)) {
            c1d_status st = skip_literal(s, depth + 1);
            if (st) return st;
            skip_space(s);
            if (peek(s, ',')) {
                s->p++;
                skip_space(s);
            } else if (!peek(s, (char)close)) {
                return syntax_error(s, close == ')' ? "',' or ')'" : "',' or ']'");
            }
        }
        s->p++;
        return C1D_OK;
    }
    return syntax_error(s, "a value");
}

/* Parses the text of one shape entry: decimal digits without leading zeros
 * (optionally Python 2's L suffix). */
static c1d_status parse_dimension(const scanner *s, const unsigned char *t, size_t n, size_t *value) {
    if (n > 0 && t[0] == '-')
        return cli_fail(C1D_PARSE, "%s: shape: negative dimensions are not allowed, got %.*s", s->name, (int)n,
                        (const char *)t);
    size_t digits = n;
    if (s->long_suffix && digits > 1 && t[digits - 1] == 'L') digits--;
    bool ok = digits > 0 && !(digits > 1 && t[0] == '0');
    for (size_t i = 0; ok && i < digits; i++) ok = t[i] >= '0' && t[i] <= '9';
    if (!ok)
        return cli_fail(C1D_PARSE, "%s: shape: expected non-negative integers, got %.*s", s->name,
                        (int)(n > 40 ? 40 : n), (const char *)t);
    size_t v = 0;
    for (size_t i = 0; i < digits; i++)
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, (size_t)(t[i] - '0'), &v))
            return cli_fail(C1D_TOO_LARGE, "%s: shape: dimension %.*s does not fit in %zu bits", s->name,
                            (int)(digits > 40 ? 40 : digits), (const char *)t, sizeof(size_t) * CHAR_BIT);
    *value = v;
    return C1D_OK;
}

static c1d_status wrong_value(scanner *s, const char *key, const char *expected) {
    const unsigned char *v = s->p;
    c1d_status st = skip_literal(s, 0);
    if (st) return st;
    size_t n = (size_t)(s->p - v);
    return cli_fail(C1D_PARSE, "%s: %s: expected %s, got %.*s%s", s->name, key, expected, (int)(n > 40 ? 40 : n),
                    (const char *)v, n > 40 ? "..." : "");
}

static c1d_status parse_shape(scanner *s, npy_header *h) {
    if (!peek(s, '(')) return wrong_value(s, "shape", "a tuple of integers");
    const unsigned char *open = s->p;
    s->p++;
    skip_space(s);
    size_t n = 0;
    bool comma = false; /* a comma followed the last entry */
    while (!peek(s, ')')) {
        const unsigned char *t = s->p;
        c1d_status st = skip_literal(s, 1);
        if (st) return st;
        if (n == NPY_MAX_DIMS)
            return cli_fail(C1D_PARSE, "%s: shape has more than %d dimensions", s->name, NPY_MAX_DIMS);
        if ((st = parse_dimension(s, t, (size_t)(s->p - t), &h->shape[n]))) return st;
        n++;
        skip_space(s);
        comma = peek(s, ',');
        if (comma) {
            s->p++;
            skip_space(s);
        } else if (!peek(s, ')')) {
            return syntax_error(s, "',' or ')' in the shape tuple");
        }
    }
    s->p++;
    if (n == 1 && !comma)
        return cli_fail(C1D_PARSE, "%s: shape: %.*s is a parenthesised integer, not a tuple (write (%zu,))", s->name,
                        (int)(s->p - open), (const char *)open, h->shape[0]);
    h->ndim = n;
    return C1D_OK;
}

/* The dict values as found; checked once the whole dict has parsed. */
typedef struct header_fields {
    bool have_descr, have_fortran, have_shape;
    bool structured;               /* descr was a list of fields */
    char descr[DESCR_MAX + 4];     /* string descr, "..." appended if cut */
} header_fields;

static c1d_status parse_value(scanner *s, const unsigned char *key, size_t key_len, npy_header *h,
                              header_fields *f) {
    bool *seen;
    if (key_len == 5 && memcmp(key, "descr", 5) == 0)
        seen = &f->have_descr;
    else if (key_len == 13 && memcmp(key, "fortran_order", 13) == 0)
        seen = &f->have_fortran;
    else if (key_len == 5 && memcmp(key, "shape", 5) == 0)
        seen = &f->have_shape;
    else
        return cli_fail(C1D_PARSE,
                        "%s: header has the key '%.*s'; a .npy header has exactly descr, fortran_order and shape",
                        s->name, (int)(key_len > 40 ? 40 : key_len), (const char *)key);
    if (*seen)
        return cli_fail(C1D_PARSE, "%s: header repeats the key '%.*s'", s->name, (int)key_len, (const char *)key);
    *seen = true;

    if (seen == &f->have_descr) {
        if (peek(s, '[')) {
            f->structured = true;
            return skip_literal(s, 0);
        }
        if (!peek(s, '\'') && !peek(s, '"')) return wrong_value(s, "descr", "a dtype string such as '<f4'");
        const unsigned char *t;
        size_t n;
        c1d_status st = scan_string(s, &t, &n);
        if (st) return st;
        size_t keep = n > DESCR_MAX ? DESCR_MAX : n;
        memcpy(f->descr, t, keep);
        memcpy(f->descr + keep, n > keep ? "..." : "", n > keep ? 4 : 1);
        return C1D_OK;
    }
    if (seen == &f->have_fortran) {
        const unsigned char *t = s->p;
        while (s->p < s->end && is_atom_char(*s->p)) s->p++;
        size_t n = (size_t)(s->p - t);
        if (n == 4 && memcmp(t, "True", 4) == 0) {
            h->fortran_order = true;
            return C1D_OK;
        }
        if (n == 5 && memcmp(t, "False", 5) == 0) {
            h->fortran_order = false;
            return C1D_OK;
        }
        s->p = t;
        return wrong_value(s, "fortran_order", "True or False");
    }
    return parse_shape(s, h);
}

static c1d_status parse_dict(scanner *s, npy_header *h, header_fields *f) {
    skip_space(s);
    if (!peek(s, '{')) return syntax_error(s, "'{'");
    s->p++;
    skip_space(s);
    while (!peek(s, '}')) {
        if (!peek(s, '\'') && !peek(s, '"')) return syntax_error(s, "a quoted key or '}'");
        const unsigned char *key;
        size_t key_len;
        c1d_status st = scan_string(s, &key, &key_len);
        if (st) return st;
        skip_space(s);
        if (!peek(s, ':')) return syntax_error(s, "':'");
        s->p++;
        skip_space(s);
        if ((st = parse_value(s, key, key_len, h, f))) return st;
        skip_space(s);
        if (peek(s, ',')) {
            s->p++;
            skip_space(s);
        } else if (!peek(s, '}')) {
            return syntax_error(s, "',' or '}'");
        }
    }
    s->p++;
    skip_space(s);
    if (s->p != s->end) return syntax_error(s, "only spaces after the dict");
    if (!f->have_descr) return cli_fail(C1D_PARSE, "%s: header lacks the key 'descr'", s->name);
    if (!f->have_fortran) return cli_fail(C1D_PARSE, "%s: header lacks the key 'fortran_order'", s->name);
    if (!f->have_shape) return cli_fail(C1D_PARSE, "%s: header lacks the key 'shape'", s->name);
    return C1D_OK;
}

/* Well-formed UTF-8 (no overlongs, surrogates or values above U+10FFFF). */
static bool utf8_valid(const unsigned char *p, size_t n) {
    size_t i = 0;
    while (i < n) {
        unsigned char c = p[i];
        size_t extra;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            extra = 1;
            cp = c & 0x1Fu;
        } else if (c >= 0xE0 && c <= 0xEF) {
            extra = 2;
            cp = c & 0x0Fu;
        } else if (c >= 0xF0 && c <= 0xF4) {
            extra = 3;
            cp = c & 0x07u;
        } else {
            return false;
        }
        if (n - i <= extra) return false;
        for (size_t k = 1; k <= extra; k++) {
            if ((p[i + k] & 0xC0) != 0x80) return false;
            cp = cp << 6 | (p[i + k] & 0x3Fu);
        }
        if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += extra + 1;
    }
    return true;
}

/* Header bytes: '\n' last and nowhere else, no other control characters;
 * non-ASCII only in version 3.0 (UTF-8) and only inside strings, which the
 * grammar enforces since no other token admits such bytes. */
static c1d_status check_header_bytes(const unsigned char *t, size_t n, unsigned major, size_t base,
                                     const char *name) {
    if (n == 0 || t[n - 1] != '\n')
        return cli_fail(C1D_PARSE, "%s: header does not end with a newline", name);
    for (size_t i = 0; i + 1 < n; i++) {
        unsigned char c = t[i];
        if ((c < 0x20 && c != '\t') || c == 0x7F)
            return cli_fail(C1D_PARSE, "%s: header has the control byte 0x%02x at byte %zu", name, (unsigned)c,
                            base + i);
        if (c >= 0x80 && major < 3)
            return cli_fail(C1D_PARSE, "%s: header has the non-ASCII byte 0x%02x at byte %zu (only version 3.0 "
                            "headers may hold UTF-8)", name, (unsigned)c, base + i);
    }
    if (major == 3 && !utf8_valid(t, n - 1))
        return cli_fail(C1D_PARSE, "%s: version 3.0 header is not valid UTF-8", name);
    return C1D_OK;
}

/* descr -> element size and byte order; everything but f4/f8 is refused. */
static c1d_status check_descr(const header_fields *f, const char *name, npy_header *h) {
    if (f->structured)
        return cli_fail(C1D_UNSUPPORTED,
                        "%s: structured dtype (descr is a list of fields) is not supported; c1d reads float32 and "
                        "float64 arrays", name);
    const char *d = f->descr;
    if ((d[0] == '<' || d[0] == '>') && d[1] == 'f' && (d[2] == '4' || d[2] == '8') && d[3] == '\0') {
        h->big_endian = d[0] == '>';
        h->item_bytes = d[2] == '4' ? 4 : 8;
        return C1D_OK;
    }
    if (strchr(d, 'O'))
        return cli_fail(C1D_UNSUPPORTED, "%s: dtype '%s' holds pickled Python objects, which c1d never loads", name,
                        d);
    return cli_fail(C1D_UNSUPPORTED,
                    "%s: dtype '%s' is not supported; c1d reads float32 and float64 ('<f4', '>f4', '<f8', '>f8'): "
                    "convert with a.astype(np.float32)", name, d);
}

c1d_status npy_header_parse(const void *bytes, size_t len, size_t file_size, const char *name, npy_header *header) {
    const unsigned char *b = bytes;
    npy_header h;
    memset(&h, 0, sizeof h);
    size_t prefix, header_len;
    c1d_status st = parse_preamble(b, len, file_size, name, &h.major, &h.minor, &prefix, &header_len);
    if (st) return st;
    if (header_len > len - prefix)
        return cli_fail(C1D_PARSE, "%s: truncated: header_len is %zu but only %zu bytes follow the preamble", name,
                        header_len, len - prefix);
    const unsigned char *text = b + prefix;
    if ((st = check_header_bytes(text, header_len, h.major, prefix, name))) return st;

    scanner s = {name, text, text, text + header_len - 1, prefix, h.major < 3};
    header_fields f;
    memset(&f, 0, sizeof f);
    if ((st = parse_dict(&s, &h, &f))) return st;
    if ((st = check_descr(&f, name, &h))) return st;

    char shape_text[64];
    size_t count = 1;
    for (size_t i = 0; i < h.ndim; i++)
        if (__builtin_mul_overflow(count, h.shape[i], &count))
            return cli_fail(C1D_TOO_LARGE, "%s: shape %s: the element count overflows", name,
                            npy_shape_format(h.ndim, h.shape, shape_text, sizeof shape_text));
    size_t data_bytes, float_bytes;
    if (__builtin_mul_overflow(count, h.item_bytes, &data_bytes) ||
        __builtin_mul_overflow(count, sizeof(float), &float_bytes) || float_bytes > C1D_MAX_ALLOC_BYTES)
        return cli_fail(C1D_TOO_LARGE, "%s: shape %s: %zu elements, above the %zu-byte limit for an array", name,
                        npy_shape_format(h.ndim, h.shape, shape_text, sizeof shape_text), count,
                        C1D_MAX_ALLOC_BYTES);
    h.count = count;
    h.data_bytes = data_bytes;
    h.data_offset = prefix + header_len;
    size_t have = file_size - h.data_offset;
    if (have < data_bytes)
        return cli_fail(C1D_PARSE, "%s: truncated: shape %s needs %zu bytes of data, the file has %zu", name,
                        npy_shape_format(h.ndim, h.shape, shape_text, sizeof shape_text), data_bytes, have);
    if (have > data_bytes)
        return cli_fail(C1D_PARSE, "%s: %zu unexpected bytes after the %zu bytes of data of shape %s", name,
                        have - data_bytes, data_bytes,
                        npy_shape_format(h.ndim, h.shape, shape_text, sizeof shape_text));
    *header = h;
    return C1D_OK;
}

/* ---- data ------------------------------------------------------------ */

static void swap_f4(float *x, size_t n) {
    for (size_t i = 0; i < n; i++) {
        uint32_t v;
        memcpy(&v, x + i, sizeof v);
        v = __builtin_bswap32(v);
        memcpy(x + i, &v, sizeof v);
    }
}

/* n float64 values (any alignment, swapped when `swap`) rounded to float32. */
static void convert_f8(const unsigned char *src, size_t n, bool swap, float *dst) {
    for (size_t i = 0; i < n; i++) {
        uint64_t v;
        memcpy(&v, src + 8 * i, sizeof v);
        if (swap) v = __builtin_bswap64(v);
        double d;
        memcpy(&d, &v, sizeof d);
        dst[i] = (float)d;
    }
}

/* Fortran (column-major) order to C order. src element (i0, ..., i_{n-1})
 * sits at i0 + shape0 * (i1 + shape1 * (...)); dst is walked in C order with
 * an odometer that keeps the matching src offset. */
static void fortran_to_c(const npy_header *h, const float *src, float *dst) {
    size_t idx[NPY_MAX_DIMS] = {0}, stride[NPY_MAX_DIMS];
    size_t nd = h->ndim, off = 0;
    for (size_t k = 0; k < nd; k++) stride[k] = k == 0 ? 1 : stride[k - 1] * h->shape[k - 1];
    for (size_t i = 0; i < h->count; i++) {
        dst[i] = src[off];
        /* Last axis first; counting kk down from nd keeps k = kk - 1 from
         * wrapping below 0 when the odometer rolls over entirely. */
        for (size_t kk = nd; kk > 0; kk--) {
            const size_t k = kk - 1;
            if (++idx[k] < h->shape[k]) {
                off += stride[k];
                break;
            }
            idx[k] = 0;
            off -= (h->shape[k] - 1) * stride[k];
        }
    }
}

/* After the raw data is in `*data` as float32 in file order: reorders a
 * Fortran-order array (a new buffer replaces *data). */
static c1d_status finish_order(const npy_header *h, const char *name, float **data) {
    if (!h->fortran_order || h->ndim < 2 || h->count == 0) return C1D_OK;
    float *c = npy_alloc(h->count * sizeof(float));
    if (!c) return cli_fail(C1D_NOMEM, "%s: cannot allocate %zu bytes to reorder the Fortran-order data", name,
                            h->count * sizeof(float));
    fortran_to_c(h, *data, c);
    npy_release(*data);
    *data = c;
    return C1D_OK;
}

static void array_init(npy_array *a) {
    memset(a, 0, sizeof *a);
    a->data = NULL;
}

static void array_fill(npy_array *a, const npy_header *h, float *data) {
    a->ndim = h->ndim;
    memcpy(a->shape, h->shape, h->ndim * sizeof *h->shape);
    a->count = h->count;
    a->data = data;
}

c1d_status npy_load_memory(const void *bytes, size_t len, const char *name, npy_array *array) {
    array_init(array);
    npy_header h;
    c1d_status st = npy_header_parse(bytes, len, len, name, &h);
    if (st) return st;
    float *data = NULL;
    if (h.count > 0) {
        data = npy_alloc(h.count * sizeof(float));
        if (!data) return cli_fail(C1D_NOMEM, "%s: cannot allocate %zu bytes", name, h.count * sizeof(float));
        const unsigned char *src = (const unsigned char *)bytes + h.data_offset;
        bool swap = h.big_endian != host_is_big_endian();
        if (h.item_bytes == 4) {
            memcpy(data, src, h.data_bytes);
            if (swap) swap_f4(data, h.count);
        } else {
            convert_f8(src, h.count, swap, data);
        }
        if ((st = finish_order(&h, name, &data))) {
            npy_release(data);
            return st;
        }
    }
    array_fill(array, &h, data);
    return C1D_OK;
}

/* Reads the data of a file whose header is `h` (fd positioned after it). */
static c1d_status read_data(int fd, const char *path, const npy_header *h, float *data) {
    bool swap = h->big_endian != host_is_big_endian();
    size_t got;
    c1d_status st;
    if (h->item_bytes == 4) {
        if ((st = cli_file_read(fd, path, data, h->data_bytes, &got))) return st;
        if (got < h->data_bytes)
            return cli_fail(C1D_PARSE, "%s: truncated while reading: expected %zu bytes of data, got %zu", path,
                            h->data_bytes, got);
        if (swap) swap_f4(data, h->count);
        return C1D_OK;
    }
    size_t chunk = h->data_bytes < F8_CHUNK_BYTES ? h->data_bytes : F8_CHUNK_BYTES;
    unsigned char *buf = npy_alloc(chunk);
    if (!buf) return cli_fail(C1D_NOMEM, "%s: cannot allocate %zu bytes", path, chunk);
    for (size_t done = 0; done < h->data_bytes;) {
        size_t want = h->data_bytes - done < chunk ? h->data_bytes - done : chunk;
        if ((st = cli_file_read(fd, path, buf, want, &got))) break;
        if (got < want) {
            st = cli_fail(C1D_PARSE, "%s: truncated while reading: expected %zu bytes of data, got %zu", path,
                          h->data_bytes, done + got);
            break;
        }
        convert_f8(buf, want / 8, swap, data + done / 8);
        done += want;
    }
    npy_release(buf);
    return st;
}

c1d_status npy_load(const char *path, npy_array *array) {
    array_init(array);
    int fd;
    size_t size;
    c1d_status st = cli_file_open_read(path, &fd, &size);
    if (st) return st;
    unsigned char pre[12], extra;
    size_t got, prefix, header_len, rest;
    unsigned major, minor;
    npy_header h;
    unsigned char *head = NULL;
    float *data = NULL;
    /* 10 preamble bytes, then the 2 more of a 4-byte header length only for
     * versions 2.0 and 3.0: reading 12 at once would take 2 header bytes
     * that a version 1.0 header of length 0 or 1 has no room for. */
    if ((st = cli_file_read(fd, path, pre, size < 10 ? size : 10, &got))) goto done;
    if (got == 10 && (pre[6] == 2 || pre[6] == 3) && size >= sizeof pre) {
        size_t more;
        if ((st = cli_file_read(fd, path, pre + 10, 2, &more))) goto done;
        got += more;
    }
    if ((st = parse_preamble(pre, got, size, path, &major, &minor, &prefix, &header_len))) goto done;
    /* The header is at most NPY_MAX_HEADER_BYTES and fits the file (checked). */
    head = npy_alloc(prefix + header_len);
    if (!head) {
        st = cli_fail(C1D_NOMEM, "%s: cannot allocate %zu bytes for the header", path, prefix + header_len);
        goto done;
    }
    memcpy(head, pre, got);
    rest = prefix + header_len - got;
    if ((st = cli_file_read(fd, path, head + got, rest, &got))) goto done;
    if (got < rest) {
        st = cli_fail(C1D_PARSE, "%s: truncated while reading the header", path);
        goto done;
    }
    if ((st = npy_header_parse(head, prefix + header_len, size, path, &h))) goto done;
    if (h.count > 0) {
        data = npy_alloc(h.count * sizeof(float));
        if (!data) {
            st = cli_fail(C1D_NOMEM, "%s: cannot allocate %zu bytes", path, h.count * sizeof(float));
            goto done;
        }
        if ((st = read_data(fd, path, &h, data))) goto done;
    }
    /* The size was checked against fstat; a file growing meanwhile is caught here. */
    if ((st = cli_file_read(fd, path, &extra, 1, &got))) goto done;
    if (got != 0) {
        st = cli_fail(C1D_PARSE, "%s: unexpected bytes after the data (the file grew while being read)", path);
        goto done;
    }
    if ((st = finish_order(&h, path, &data))) goto done;
    array_fill(array, &h, data);
    data = NULL;
done:
    npy_release(data);
    npy_release(head);
    close(fd);
    return st;
}

void npy_array_free(npy_array *array) {
    if (!array) return;
    npy_release(array->data);
    array_init(array);
}

/* ---- writer ---------------------------------------------------------- */

const char *npy_shape_format(size_t ndim, const size_t *shape, char *buf, size_t buf_size) {
    size_t used = 0;
    if (buf_size == 0) return buf;
    buf[0] = '\0';
#define APPEND(...)                                                                 \
    do {                                                                            \
        int w_ = snprintf(buf + used, buf_size - used, __VA_ARGS__);                \
        if (w_ < 0 || (size_t)w_ >= buf_size - used) return buf;                    \
        used += (size_t)w_;                                                         \
    } while (0)
    APPEND("(");
    for (size_t i = 0; i < ndim; i++) APPEND(i ? ", %zu" : "%zu", shape[i]);
    APPEND(ndim == 1 ? ",)" : ")");
#undef APPEND
    return buf;
}

c1d_status npy_header_encode(size_t ndim, const size_t *shape, char *buf, size_t buf_size, size_t *length) {
    if (ndim > NPY_MAX_DIMS)
        return cli_fail(C1D_INVALID_ARG, "ndim: at most %d dimensions, got %zu", NPY_MAX_DIMS, ndim);
    /* numpy 1.24's _write_array_header: the sorted dict, then spaces so the
     * first axis can grow to 21 digits in place, then _wrap_header's padding
     * to a multiple of 64 bytes (at least one space) and '\n'. */
    char dict[64 + NPY_MAX_DIMS * 24];
    char shape_text[NPY_MAX_DIMS * 24];
    npy_shape_format(ndim, shape, shape_text, sizeof shape_text);
    int n = snprintf(dict, sizeof dict, "{'descr': '<f4', 'fortran_order': False, 'shape': %s, }", shape_text);
    if (n < 0 || (size_t)n >= sizeof dict) return cli_fail(C1D_INVALID_ARG, "shape: too long to encode");
    size_t dict_len = (size_t)n, growth = 0;
    if (ndim > 0) {
        char first[24];
        int digits = snprintf(first, sizeof first, "%zu", shape[0]);
        growth = digits > 0 && digits < 21 ? 21 - (size_t)digits : 0;
    }
    size_t text = dict_len + growth + 1; /* with the '\n' */
    size_t pad = 64 - (10 + text) % 64;
    size_t total = 10 + text + pad;
    if (total > buf_size)
        return cli_fail(C1D_INVALID_ARG, "buf_size: the header needs %zu bytes, got %zu", total, buf_size);
    memcpy(buf, npy_magic, sizeof npy_magic);
    buf[6] = 1;
    buf[7] = 0;
    size_t header_len = total - 10;
    buf[8] = (char)(header_len & 0xFF);
    buf[9] = (char)(header_len >> 8);
    memcpy(buf + 10, dict, dict_len);
    memset(buf + 10 + dict_len, ' ', growth + pad);
    buf[total - 1] = '\n';
    *length = total;
    return C1D_OK;
}

c1d_status npy_save(const char *path, size_t ndim, const size_t *shape, const float *data) {
    if (ndim > NPY_MAX_DIMS)
        return cli_fail(C1D_INVALID_ARG, "%s: at most %d dimensions, got %zu", path, NPY_MAX_DIMS, ndim);
    char header[NPY_HEADER_ENCODED_MAX];
    size_t header_bytes;
    c1d_status st = npy_header_encode(ndim, shape, header, sizeof header, &header_bytes);
    if (st) return st;
    size_t count = 1, data_bytes;
    for (size_t i = 0; i < ndim; i++)
        if (__builtin_mul_overflow(count, shape[i], &count))
            return cli_fail(C1D_TOO_LARGE, "%s: the element count overflows", path);
    if (__builtin_mul_overflow(count, sizeof(float), &data_bytes))
        return cli_fail(C1D_TOO_LARGE, "%s: the data size overflows", path);
    if (data_bytes > 0 && !data) return cli_fail(C1D_INVALID_ARG, "%s: data is NULL for %zu elements", path, count);

    cli_output out;
    if ((st = cli_output_open(&out, path))) return st;
    st = cli_output_write(&out, header, header_bytes);
    if (!st && data_bytes > 0) {
        if (!host_is_big_endian()) {
            st = cli_output_write(&out, data, data_bytes);
        } else {
            /* '<f4' on a big-endian host: swap a chunk at a time. */
            float chunk[4096];
            for (size_t done = 0; !st && done < count;) {
                size_t n = count - done < 4096 ? count - done : 4096;
                memcpy(chunk, data + done, n * sizeof(float));
                swap_f4(chunk, n);
                st = cli_output_write(&out, chunk, n * sizeof(float));
                done += n;
            }
        }
    }
    if (st) {
        cli_output_abort(&out);
        return st;
    }
    return cli_output_commit(&out);
}
