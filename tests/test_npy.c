/* test_npy.c: the tool's .npy reader and writer (tools/npy.c): round trips,
 * files written by numpy (tests/cli/data/numpy_fixtures.h), and every .npy
 * row of RELIABILITY.md (N1-N17) with its status and message. Hostile files
 * are built byte by byte here. Each input is read both from memory and from
 * a file, and both paths must agree. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/data/numpy_fixtures.h"
#include "tools/cli.h"
#include "tools/npy.h"

/* ---- scratch directory ---------------------------------------------- */

static char tmp_dir[64];

static void tmp_setup(void) {
    const char *base = getenv("TMPDIR");
    snprintf(tmp_dir, sizeof tmp_dir, "%s/c1d-npy-XXXXXX", base && strlen(base) < 40 ? base : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(tmp_dir));
}

/* Removes the scratch directory and everything in it (tests create only
 * plain files, FIFOs and one level of subdirectories). */
static void remove_tree(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    char path[512];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (unlink(path) != 0) remove_tree(path);
    }
    closedir(d);
    rmdir(dir);
}

static void tmp_teardown(void) { remove_tree(tmp_dir); }

static const char *tmp_path(const char *name, char *buf, size_t size) {
    snprintf(buf, size, "%s/%s", tmp_dir, name);
    return buf;
}

static void write_bytes(const char *path, const void *bytes, size_t len) {
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(bytes, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

static unsigned char *read_bytes(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    unsigned char *buf = malloc(1 << 20);
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

/* Number of entries in the scratch directory (to catch left-over
 * temporary files). */
static size_t tmp_entries(void) {
    DIR *d = opendir(tmp_dir);
    ck_assert_ptr_nonnull(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) n++;
    closedir(d);
    return n;
}

/* ---- building .npy bytes -------------------------------------------- */

/* A .npy file: version major.minor, the header text exactly as given
 * (length field = its length), then `data_len` bytes of data. */
static unsigned char *npy_build(unsigned major, unsigned minor, const char *header, const void *data, size_t data_len,
                                size_t *len) {
    size_t h = strlen(header);
    size_t prefix = major == 1 ? 10 : 12;
    unsigned char *b = malloc(prefix + h + data_len + 1);
    memcpy(b, "\x93NUMPY", 6);
    b[6] = (unsigned char)major;
    b[7] = (unsigned char)minor;
    b[8] = (unsigned char)(h & 0xFF);
    b[9] = (unsigned char)(h >> 8 & 0xFF);
    if (prefix == 12) {
        b[10] = (unsigned char)(h >> 16 & 0xFF);
        b[11] = (unsigned char)(h >> 24 & 0xFF);
    }
    memcpy(b + prefix, header, h);
    if (data_len) memcpy(b + prefix + h, data, data_len);
    *len = prefix + h + data_len;
    return b;
}

/* The dict padded with spaces to a 64-byte data offset and ended by '\n'
 * (version 1.0), as numpy lays it out. */
static const char *padded(const char *dict, char *buf, size_t size) {
    size_t n = strlen(dict);
    size_t total = (10 + n + 1 + 63) / 64 * 64 - 10;
    ck_assert_uint_lt(total, size);
    memcpy(buf, dict, n);
    memset(buf + n, ' ', total - n - 1);
    buf[total - 1] = '\n';
    buf[total] = '\0';
    return buf;
}

/* Six float32 values for a (2, 3) array: i * 0.25 - 1.5. */
static const float six[6] = {-1.5f, -1.25f, -1.0f, -0.75f, -0.5f, -0.25f};

/* ---- loading both ways ---------------------------------------------- */

/* Expects `bytes` to be refused with `status` and a message containing
 * `needle`, from memory and from a file; nothing is returned. */
static void expect_reject(const void *bytes, size_t len, c1d_status status, const char *needle) {
    npy_array a;
    c1d_status st = npy_load_memory(bytes, len, "mem.npy", &a);
    ck_assert_msg(st == status, "memory: got %s (%s), expected %s", c1d_status_name(st), cli_last_error(),
                  c1d_status_name(status));
    ck_assert_msg(strstr(cli_last_error(), needle) != NULL, "memory: message '%s' lacks '%s'", cli_last_error(),
                  needle);
    ck_assert_msg(strncmp(cli_last_error(), "mem.npy: ", 9) == 0, "message '%s' does not name the file",
                  cli_last_error());
    ck_assert_ptr_null(a.data);
    ck_assert_uint_eq(a.count, 0);

    char path[128];
    write_bytes(tmp_path("hostile.npy", path, sizeof path), bytes, len);
    st = npy_load(path, &a);
    ck_assert_msg(st == status, "file: got %s (%s), expected %s", c1d_status_name(st), cli_last_error(),
                  c1d_status_name(status));
    ck_assert_msg(strstr(cli_last_error(), needle) != NULL, "file: message '%s' lacks '%s'", cli_last_error(),
                  needle);
    ck_assert_msg(strncmp(cli_last_error(), path, strlen(path)) == 0, "message '%s' does not name the file",
                  cli_last_error());
    ck_assert_ptr_null(a.data);
}

static void expect_reject_header(unsigned major, const char *header, const void *data, size_t data_len,
                                 c1d_status status, const char *needle) {
    size_t len;
    unsigned char *b = npy_build(major, 0, header, data, data_len, &len);
    expect_reject(b, len, status, needle);
    free(b);
}

/* Loads from memory and from a file, checks both give `ndim`/`shape`, and
 * returns the file one (the memory one must have identical bits). */
static npy_array expect_load(const void *bytes, size_t len, size_t ndim, const size_t *shape) {
    npy_array m, f;
    c1d_status st = npy_load_memory(bytes, len, "mem.npy", &m);
    ck_assert_msg(st == C1D_OK, "memory: %s", cli_last_error());
    char path[128];
    write_bytes(tmp_path("good.npy", path, sizeof path), bytes, len);
    st = npy_load(path, &f);
    ck_assert_msg(st == C1D_OK, "file: %s", cli_last_error());
    ck_assert_uint_eq(f.ndim, ndim);
    ck_assert_uint_eq(m.ndim, ndim);
    size_t count = 1;
    for (size_t i = 0; i < ndim; i++) {
        ck_assert_uint_eq(f.shape[i], shape[i]);
        ck_assert_uint_eq(m.shape[i], shape[i]);
        count *= shape[i];
    }
    ck_assert_uint_eq(f.count, count);
    ck_assert_uint_eq(m.count, count);
    if (count == 0) {
        ck_assert_ptr_null(f.data);
        ck_assert_ptr_null(m.data);
    } else {
        ck_assert_int_eq(memcmp(f.data, m.data, count * sizeof(float)), 0);
    }
    npy_array_free(&m);
    return f;
}

/* ---- round trips and numpy's own files ------------------------------ */

static uint64_t rng_next(uint64_t *s) {
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

START_TEST(round_trip_keeps_every_bit) {
    static const size_t shapes[][4] = {{0}, {1, 5}, {2, 2, 3}, {3, 3, 4, 5}, {2, 0, 3}, {3, 2, 0, 4}, {1, 1000}};
    uint64_t seed = 42;
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
        size_t ndim = shapes[s][0], count = 1;
        const size_t *shape = shapes[s] + 1;
        for (size_t i = 0; i < ndim; i++) count *= shape[i];
        float *x = malloc((count + 1) * sizeof(float));
        /* Random bit patterns cover NaN payloads, infinities, -0 and subnormals. */
        for (size_t i = 0; i < count; i++) {
            uint32_t bits = (uint32_t)(rng_next(&seed) >> 32);
            memcpy(x + i, &bits, sizeof bits);
        }
        char path[128];
        tmp_path("round.npy", path, sizeof path);
        ck_assert_msg(npy_save(path, ndim, shape, x) == C1D_OK, "%s", cli_last_error());
        size_t len;
        unsigned char *bytes = read_bytes(path, &len);
        /* numpy's layout: data at a multiple of 64, header ends with '\n'. */
        size_t header_len = (size_t)bytes[8] | (size_t)bytes[9] << 8;
        ck_assert_uint_eq((10 + header_len) % 64, 0);
        ck_assert_int_eq(bytes[9 + header_len], '\n');
        ck_assert_uint_eq(len, 10 + header_len + count * sizeof(float));
        npy_array a = expect_load(bytes, len, ndim, shape);
        if (count) ck_assert_int_eq(memcmp(a.data, x, count * sizeof(float)), 0);
        npy_array_free(&a);
        free(bytes);
        free(x);
    }
}
END_TEST

/* The writer produces exactly np.save's bytes for float32 C-order arrays. */
START_TEST(writer_matches_numpy_bytes) {
    static const struct {
        const unsigned char *bytes;
        size_t len;
    } files[] = {
        {np_f4_2x3, sizeof np_f4_2x3},       {np_f4_3x4x5, sizeof np_f4_3x4x5},
        {np_f4_5, sizeof np_f4_5},           {np_scalar_f4, sizeof np_scalar_f4},
        {np_empty_f4_0x3, sizeof np_empty_f4_0x3},
    };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        npy_array a;
        ck_assert_int_eq(npy_load_memory(files[i].bytes, files[i].len, "numpy.npy", &a), C1D_OK);
        char path[128];
        tmp_path("mine.npy", path, sizeof path);
        ck_assert_int_eq(npy_save(path, a.ndim, a.shape, a.data), C1D_OK);
        size_t len;
        unsigned char *mine = read_bytes(path, &len);
        ck_assert_uint_eq(len, files[i].len);
        ck_assert_int_eq(memcmp(mine, files[i].bytes, len), 0);
        free(mine);
        npy_array_free(&a);
    }
}
END_TEST

static void expect_quarters(const npy_array *a) {
    for (size_t i = 0; i < a->count; i++) ck_assert_float_eq(a->data[i], (float)((double)i * 0.25 - 1.5));
}

static void expect_tenths(const npy_array *a) {
    /* numpy computed i * 0.1 in float64; loading rounds it to float32. */
    for (size_t i = 0; i < a->count; i++) ck_assert_float_eq(a->data[i], (float)((double)i * 0.1));
}

START_TEST(numpy_float32_files_load) {
    static const size_t s23[] = {2, 3}, s345[] = {3, 4, 5}, s5[] = {5};
    npy_array a = expect_load(np_f4_2x3, sizeof np_f4_2x3, 2, s23);
    expect_quarters(&a);
    ck_assert_int_eq(memcmp(a.data, six, sizeof six), 0);
    npy_array_free(&a);
    a = expect_load(np_f4_3x4x5, sizeof np_f4_3x4x5, 3, s345);
    expect_quarters(&a);
    npy_array_free(&a);
    a = expect_load(np_f4_5, sizeof np_f4_5, 1, s5);
    expect_quarters(&a);
    npy_array_free(&a);
}
END_TEST

/* N2: versions 2.0 and 3.0 (numpy writes them for big or UTF-8 headers). */
START_TEST(numpy_versions_2_and_3_load) {
    static const size_t s23[] = {2, 3};
    npy_array a = expect_load(np_v2_f4_2x3, sizeof np_v2_f4_2x3, 2, s23);
    expect_quarters(&a);
    npy_array_free(&a);
    a = expect_load(np_v3_f4_2x3, sizeof np_v3_f4_2x3, 2, s23);
    expect_quarters(&a);
    npy_array_free(&a);
}
END_TEST

/* N6 (float64 is converted, as Keras casts), N7 (big-endian is swapped). */
START_TEST(numpy_float64_and_big_endian_convert) {
    static const size_t s23[] = {2, 3};
    npy_array a = expect_load(np_f8_2x3, sizeof np_f8_2x3, 2, s23);
    expect_tenths(&a);
    npy_array_free(&a);
    a = expect_load(np_be_f4_2x3, sizeof np_be_f4_2x3, 2, s23);
    expect_quarters(&a);
    npy_array_free(&a);
    a = expect_load(np_be_f8_2x3, sizeof np_be_f8_2x3, 2, s23);
    expect_tenths(&a);
    npy_array_free(&a);
}
END_TEST

/* N9: fortran_order True is transposed into C order. */
START_TEST(numpy_fortran_order_is_transposed) {
    static const size_t s345[] = {3, 4, 5}, s23[] = {2, 3};
    npy_array a = expect_load(np_fortran_f4_3x4x5, sizeof np_fortran_f4_3x4x5, 3, s345);
    expect_quarters(&a);
    npy_array_free(&a);
    a = expect_load(np_fortran_be_f8_2x3, sizeof np_fortran_be_f8_2x3, 2, s23);
    expect_tenths(&a);
    npy_array_free(&a);
}
END_TEST

/* N14: a scalar and a zero-size array load; the consumer judges the shape. */
START_TEST(numpy_scalar_and_empty_load) {
    static const size_t s03[] = {0, 3};
    npy_array a = expect_load(np_scalar_f4, sizeof np_scalar_f4, 0, NULL);
    ck_assert_uint_eq(a.count, 1);
    ck_assert_float_eq(a.data[0], -1.5f);
    npy_array_free(&a);
    a = expect_load(np_empty_f4_0x3, sizeof np_empty_f4_0x3, 2, s03);
    npy_array_free(&a);
}
END_TEST

/* N6, N8: dtypes numpy loads but c1d refuses, never reinterpreting bytes. */
START_TEST(numpy_other_dtypes_are_unsupported) {
    expect_reject(np_f2_2x3, sizeof np_f2_2x3, C1D_UNSUPPORTED, "'<f2' is not supported");
    expect_reject(np_u1_2x3, sizeof np_u1_2x3, C1D_UNSUPPORTED, "'|u1' is not supported");
    expect_reject(np_i4_2x3, sizeof np_i4_2x3, C1D_UNSUPPORTED, "'<i4' is not supported");
    expect_reject(np_object_3, sizeof np_object_3, C1D_UNSUPPORTED, "pickled Python objects");
    expect_reject(np_struct_2, sizeof np_struct_2, C1D_UNSUPPORTED, "structured dtype");
}
END_TEST

/* ---- hostile files, row by row -------------------------------------- */

START_TEST(n1_bad_magic_short_and_empty) {
    unsigned char b[sizeof np_f4_2x3];
    memcpy(b, np_f4_2x3, sizeof b);
    b[5] = 'X';
    expect_reject(b, sizeof b, C1D_PARSE, "not a .npy file");
    expect_reject(np_f4_2x3, 9, C1D_PARSE, "9 bytes, too short");
    expect_reject(np_f4_2x3, 0, C1D_PARSE, "empty file");
    /* A version 2.0 preamble is 12 bytes. */
    expect_reject(np_v2_f4_2x3, 11, C1D_PARSE, "too short for a version 2.0");
}
END_TEST

START_TEST(n2_unknown_versions) {
    char h[256];
    padded("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", h, sizeof h);
    expect_reject_header(9, h, six, sizeof six, C1D_PARSE, "version 9.0 is not supported");
    size_t len;
    unsigned char *b = npy_build(1, 1, h, six, sizeof six, &len);
    expect_reject(b, len, C1D_PARSE, "version 1.1 is not supported");
    b[6] = 9;
    b[7] = 9;
    expect_reject(b, len, C1D_PARSE, "version 9.9");
    free(b);
}
END_TEST

static size_t allocations, largest_allocation;
static void *counting_alloc(size_t n) {
    allocations++;
    if (n > largest_allocation) largest_allocation = n;
    return malloc(n);
}

START_TEST(n3_header_length_checked_before_allocating) {
    npy_set_allocator(counting_alloc, free);
    /* v1: 0xFFFF bytes announced, 1 present (numpy: "EOF: reading array header"). */
    unsigned char v1[11] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0xFF, 0xFF, '{'};
    expect_reject(v1, sizeof v1, C1D_PARSE, "header_len is 65535 but only 1 bytes follow");
    /* v2: 0xFFFFFFF0 announced in a 12-byte file. */
    unsigned char v2[12] = {0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, 0xF0, 0xFF, 0xFF, 0xFF};
    expect_reject(v2, sizeof v2, C1D_PARSE, "header_len 4294967280 is above the 65536-byte limit");
    ck_assert_uint_eq(allocations, 0);
    /* A header really longer than the cap is refused too. */
    size_t big = NPY_MAX_HEADER_BYTES + 64;
    char *h = malloc(big + 1);
    memset(h, ' ', big);
    const char *dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    memcpy(h, dict, strlen(dict));
    h[big - 1] = '\n';
    h[big] = '\0';
    expect_reject_header(2, h, six, sizeof six, C1D_PARSE, "above the 65536-byte limit");
    free(h);
    ck_assert_uint_eq(allocations, 0);
    npy_set_allocator(NULL, NULL);
}
END_TEST

START_TEST(n4_header_must_be_a_plain_dict_literal) {
    char h[256];
    expect_reject_header(1, padded("__import__('os').system('echo hacked')", h, sizeof h), NULL, 0, C1D_PARSE,
                         "expected '{'");
    expect_reject_header(1, padded("['descr', 'fortran_order', 'shape']", h, sizeof h), NULL, 0, C1D_PARSE,
                         "expected '{'");
    expect_reject_header(1, padded("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } + 1", h, sizeof h),
                         six, sizeof six, C1D_PARSE, "only spaces after the dict");
    expect_reject_header(1, padded("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), ", h, sizeof h), six,
                         sizeof six, C1D_PARSE, "a quoted key or '}'");
    /* Not terminated by '\n'. */
    expect_reject_header(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }     ", six, sizeof six,
                         C1D_PARSE, "does not end with a newline");
    /* Non-ASCII in version 1.0 / 2.0; a control byte anywhere. */
    expect_reject_header(1, padded("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), '\xc3\xa9': 1}", h,
                                   sizeof h), six, sizeof six, C1D_PARSE, "non-ASCII byte 0xc3");
    expect_reject_header(2, padded("{'descr': '<f4',\r 'fortran_order': False, 'shape': (2, 3), }", h, sizeof h),
                         six, sizeof six, C1D_PARSE, "control byte 0x0d");
    /* Version 3.0: UTF-8 only inside strings, and well formed. */
    expect_reject_header(3, padded("{'descr': '\xc3\xa9', 'fortran_order': False, 'shape': (2, 3), }", h, sizeof h),
                         six, sizeof six, C1D_UNSUPPORTED, "dtype '\xc3\xa9' is not supported");
    expect_reject_header(3, padded("{'descr': '\xc3(', 'fortran_order': False, 'shape': (2, 3), }", h, sizeof h),
                         six, sizeof six, C1D_PARSE, "not valid UTF-8");
    expect_reject_header(3, padded("{\xc3\xa9'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", h,
                                   sizeof h), six, sizeof six, C1D_PARSE, "a quoted key or '}'");
    /* Escapes would need evaluating; unterminated strings. */
    expect_reject_header(1, padded("{'descr': '\\x3cf4', 'fortran_order': False, 'shape': (2, 3), }", h, sizeof h),
                         six, sizeof six, C1D_PARSE, "escape sequence");
    expect_reject_header(1, padded("{'descr: '<f4', 'fortran_order': False, 'shape': (2, 3), }", h, sizeof h), six,
                         sizeof six, C1D_PARSE, "expected ':'");
    expect_reject_header(1, padded("{'descr': '<f4", h, sizeof h), six, sizeof six, C1D_PARSE, "not terminated");
    /* Deep nesting inside descr stops at a fixed depth. */
    char deep[200] = "{'descr': ";
    for (int i = 0; i < 40; i++) strcat(deep, "[");
    expect_reject_header(1, padded(deep, h, sizeof h), NULL, 0, C1D_PARSE, "nests deeper than 16 levels");
}
END_TEST

/* The literal forms numpy (and Python 2 numpy) wrote, in any key order. */
START_TEST(header_literal_forms_accepted) {
    static const size_t s23[] = {2, 3}, s6[] = {6};
    static const char *const dicts[] = {
        "{'shape': (2, 3), 'fortran_order': False, 'descr': '<f4'}",
        "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2,3)}",
        "{'descr':'<f4','fortran_order':False,'shape':(2L, 3L),}",
        "  {\t'descr' : '<f4' , 'fortran_order' : False , 'shape' : ( 2 , 3 , ) }",
    };
    char h[256];
    for (size_t i = 0; i < sizeof dicts / sizeof *dicts; i++) {
        size_t len;
        unsigned char *b = npy_build(1, 0, padded(dicts[i], h, sizeof h), six, sizeof six, &len);
        npy_array a = expect_load(b, len, 2, s23);
        ck_assert_int_eq(memcmp(a.data, six, sizeof six), 0);
        npy_array_free(&a);
        free(b);
    }
    /* The L suffix is Python 2's, so only versions 1.0 and 2.0 have it. */
    expect_reject_header(3, padded("{'descr': '<f4', 'fortran_order': False, 'shape': (6L,), }", h, sizeof h), six,
                         sizeof six, C1D_PARSE, "expected non-negative integers, got 6L");
    size_t len;
    unsigned char *b = npy_build(2, 0, padded("{'descr': '<f4', 'fortran_order': False, 'shape': (6L,), }", h,
                                              sizeof h), six, sizeof six, &len);
    npy_array a = expect_load(b, len, 1, s6);
    npy_array_free(&a);
    free(b);
}
END_TEST

START_TEST(n5_keys_exactly_descr_fortran_order_shape) {
    char h[256];
    expect_reject_header(1, padded("{'descr': '<f4', 'fortran_order': False}", h, sizeof h), six, sizeof six,
                         C1D_PARSE, "lacks the key 'shape'");
    expect_reject_header(1, padded("{'descr': '<f4', 'shape': (2, 3)}", h, sizeof h), six, sizeof six, C1D_PARSE,
                         "lacks the key 'fortran_order'");
    expect_reject_header(1, padded("{'fortran_order': False, 'shape': (2, 3)}", h, sizeof h), six, sizeof six,
                         C1D_PARSE, "lacks the key 'descr'");
    expect_reject_header(1, padded("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'extra': 1}", h,
                                   sizeof h), six, sizeof six, C1D_PARSE, "has the key 'extra'");
    expect_reject_header(1, padded("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'shape': (6,)}", h,
                                   sizeof h), six, sizeof six, C1D_PARSE, "repeats the key 'shape'");
    expect_reject_header(1, padded("{}", h, sizeof h), NULL, 0, C1D_PARSE, "lacks the key 'descr'");
    expect_reject_header(1, padded("{'descr': 3, 'fortran_order': False, 'shape': (2, 3)}", h, sizeof h), six,
                         sizeof six, C1D_PARSE, "descr: expected a dtype string");
}
END_TEST

/* N6, N8 with hand-made headers: the dtype is judged by its descr only. */
START_TEST(n6_n8_descr_other_than_float) {
    char h[256];
    static const struct {
        const char *dict, *needle;
    } cases[] = {
        {"{'descr': '<f2', 'fortran_order': False, 'shape': (2, 3), }", "'<f2'"},
        {"{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", "'<i4'"},
        {"{'descr': '=f4', 'fortran_order': False, 'shape': (2, 3), }", "'=f4'"},
        {"{'descr': 'float32', 'fortran_order': False, 'shape': (2, 3), }", "'float32'"},
        {"{'descr': '<f16', 'fortran_order': False, 'shape': (2, 3), }", "'<f16'"},
        {"{'descr': '<c8', 'fortran_order': False, 'shape': (2, 3), }", "'<c8'"},
        {"{'descr': '|O', 'fortran_order': False, 'shape': (2, 3), }", "pickled"},
        {"{'descr': [('a', '<f4'), ('b', '<f4', (2,))], 'fortran_order': False, 'shape': (3,), }", "structured"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        expect_reject_header(1, padded(cases[i].dict, h, sizeof h), six, sizeof six, C1D_UNSUPPORTED,
                             cases[i].needle);
}
END_TEST

START_TEST(n9_fortran_order_must_be_a_bool) {
    char h[256];
    expect_reject_header(1, padded("{'descr': '<f4', 'fortran_order': 'yes', 'shape': (2, 3), }", h, sizeof h), six,
                         sizeof six, C1D_PARSE, "fortran_order: expected True or False, got 'yes'");
    expect_reject_header(1, padded("{'descr': '<f4', 'fortran_order': 1, 'shape': (2, 3), }", h, sizeof h), six,
                         sizeof six, C1D_PARSE, "fortran_order: expected True or False, got 1");
    expect_reject_header(1, padded("{'descr': '<f4', 'fortran_order': true, 'shape': (2, 3), }", h, sizeof h), six,
                         sizeof six, C1D_PARSE, "got true");
    /* A hand-made Fortran (2, 3): column-major bytes come back row-major. */
    const float col_major[6] = {six[0], six[3], six[1], six[4], six[2], six[5]};
    size_t len;
    static const size_t s23[] = {2, 3};
    unsigned char *b = npy_build(1, 0, padded("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", h,
                                              sizeof h), col_major, sizeof col_major, &len);
    npy_array a = expect_load(b, len, 2, s23);
    ck_assert_int_eq(memcmp(a.data, six, sizeof six), 0);
    npy_array_free(&a);
    free(b);
}
END_TEST

START_TEST(n10_shape_entries_must_be_non_negative_ints) {
    char h[256];
    static const struct {
        const char *shape, *needle;
    } cases[] = {
        {"(-1, 3)", "negative dimensions are not allowed, got -1"},
        {"(2.0,)", "expected non-negative integers, got 2.0"},
        {"(True,)", "expected non-negative integers, got True"},
        {"(2, None)", "got None"},
        {"('2', 3)", "got '2'"},
        {"(012,)", "got 012"},
        {"(0x2, 3)", "got 0x2"},
        {"(1e3,)", "got 1e3"},
        {"(6)", "(6) is a parenthesised integer, not a tuple"},
        {"[2, 3]", "shape: expected a tuple of integers, got [2, 3]"},
        {"6", "shape: expected a tuple of integers, got 6"},
        {"(,)", "expected a value"},
        {"(2 3)", "',' or ')' in the shape tuple"},
    };
    char dict[160];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        snprintf(dict, sizeof dict, "{'descr': '<f4', 'fortran_order': False, 'shape': %s, }", cases[i].shape);
        expect_reject_header(1, padded(dict, h, sizeof h), six, sizeof six, C1D_PARSE, cases[i].needle);
    }
    /* More dimensions than numpy allows. */
    char many[400] = "{'descr': '<f4', 'fortran_order': False, 'shape': (";
    for (int i = 0; i < 33; i++) strcat(many, "1, ");
    strcat(many, "), }");
    char hh[512];
    expect_reject_header(1, padded(many, hh, sizeof hh), six, 4, C1D_PARSE, "more than 32 dimensions");
}
END_TEST

/* Only the (small) header is ever allocated for these. */
START_TEST(n11_sizes_overflow_or_exceed_the_cap) {
    npy_set_allocator(counting_alloc, free);
    largest_allocation = 0;
    char h[256];
    expect_reject_header(1, padded("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 8), }", h,
                                   sizeof h), six, sizeof six, C1D_TOO_LARGE, "element count overflows");
    expect_reject_header(1, padded("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904,), }", h,
                                   sizeof h), six, sizeof six, C1D_TOO_LARGE, "above the 1073741824-byte limit");
    expect_reject_header(1, padded("{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776,), }", h,
                                   sizeof h), six, sizeof six, C1D_TOO_LARGE, "above the 1073741824-byte limit");
    expect_reject_header(1, padded("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,), }",
                                   h, sizeof h), six, sizeof six, C1D_TOO_LARGE, "does not fit in 64 bits");
    /* A zero axis makes the product 0 whatever the others are. */
    static const size_t big0[] = {4611686018427387904u, 0};
    size_t len;
    const char *zero_axis = "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 0), }";
    unsigned char *b = npy_build(1, 0, padded(zero_axis, h, sizeof h), NULL, 0, &len);
    npy_array a = expect_load(b, len, 2, big0);
    npy_array_free(&a);
    free(b);
    ck_assert_uint_le(largest_allocation, 256);
    npy_set_allocator(NULL, NULL);
}
END_TEST

START_TEST(n12_truncated_data) {
    /* numpy: "EOF: reading array data, expected 24 bytes got 20". */
    expect_reject(np_f4_2x3, sizeof np_f4_2x3 - 4, C1D_PARSE, "needs 24 bytes of data, the file has 20");
    expect_reject(np_f8_2x3, sizeof np_f8_2x3 - 1, C1D_PARSE, "needs 48 bytes of data, the file has 47");
    expect_reject(np_f4_2x3, 10 + 0x76 - 1, C1D_PARSE, "truncated");
}
END_TEST

/* N13: numpy ignores trailing bytes; c1d refuses them (a file with extra
 * bytes was not written as this array). */
START_TEST(n13_trailing_bytes_are_refused) {
    unsigned char b[sizeof np_f4_2x3 + 3];
    memcpy(b, np_f4_2x3, sizeof np_f4_2x3);
    memset(b + sizeof np_f4_2x3, 0, 3);
    expect_reject(b, sizeof b, C1D_PARSE, "3 unexpected bytes after the 24 bytes of data of shape (2, 3)");
    unsigned char e[sizeof np_empty_f4_0x3 + 1];
    memcpy(e, np_empty_f4_0x3, sizeof np_empty_f4_0x3);
    e[sizeof np_empty_f4_0x3] = 0;
    expect_reject(e, sizeof e, C1D_PARSE, "1 unexpected bytes after the 0 bytes of data of shape (0, 3)");
}
END_TEST

/* N15: data at an odd offset is copied, never read through a cast. */
START_TEST(n15_unaligned_data_offset) {
    static const size_t s23[] = {2, 3};
    double d[6];
    for (int i = 0; i < 6; i++) d[i] = (double)i * 0.1;
    const char *dict_f4 = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }   \n";
    const char *dict_f8 = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }\n";
    ck_assert_uint_eq((10 + strlen(dict_f4)) % 2, 1);
    ck_assert_uint_ne((10 + strlen(dict_f8)) % 4, 0);
    size_t len;
    unsigned char *b = npy_build(1, 0, dict_f4, six, sizeof six, &len);
    npy_array a = expect_load(b, len, 2, s23);
    ck_assert_int_eq(memcmp(a.data, six, sizeof six), 0);
    npy_array_free(&a);
    free(b);
    b = npy_build(1, 0, dict_f8, d, sizeof d, &len);
    a = expect_load(b, len, 2, s23);
    expect_tenths(&a);
    npy_array_free(&a);
    free(b);
}
END_TEST

/* N17: only regular files are read; nothing blocks or reads forever. */
START_TEST(n17_directories_fifos_and_devices) {
    npy_array a;
    ck_assert_int_eq(npy_load(tmp_dir, &a), C1D_IO);
    ck_assert_ptr_nonnull(strstr(cli_last_error(), "is a directory, expected a regular file"));
    char fifo[128];
    tmp_path("fifo.npy", fifo, sizeof fifo);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    ck_assert_int_eq(npy_load(fifo, &a), C1D_IO);
    ck_assert_ptr_nonnull(strstr(cli_last_error(), "is a FIFO"));
    ck_assert_int_eq(npy_load("/dev/zero", &a), C1D_IO);
    ck_assert_str_eq(cli_last_error(), "/dev/zero: is a character device, expected a regular file");
    ck_assert_int_eq(npy_load("/dev/urandom", &a), C1D_IO);
    ck_assert_ptr_nonnull(strstr(cli_last_error(), "/dev/urandom: is a character device"));
    char missing[128];
    ck_assert_int_eq(npy_load(tmp_path("missing.npy", missing, sizeof missing), &a), C1D_IO);
    ck_assert_ptr_nonnull(strstr(cli_last_error(), "missing.npy: cannot open: No such file or directory"));
    ck_assert_ptr_null(a.data);
}
END_TEST

/* A1: each allocation of a load fails in turn: C1D_NOMEM, nothing returned,
 * and the next load works. */
static long fail_at;
static void *failing_alloc(size_t n) {
    allocations++;
    return (long)allocations == fail_at ? NULL : malloc(n);
}

START_TEST(allocation_failures_are_reported) {
    char path[128];
    write_bytes(tmp_path("fortran.npy", path, sizeof path), np_fortran_be_f8_2x3, sizeof np_fortran_be_f8_2x3);
    npy_set_allocator(failing_alloc, free);
    fail_at = 0;
    allocations = 0;
    npy_array a;
    ck_assert_int_eq(npy_load(path, &a), C1D_OK);
    npy_array_free(&a);
    size_t total = allocations;
    ck_assert_uint_ge(total, 3); /* header, data, float64 chunk, transpose */
    for (size_t i = 1; i <= total; i++) {
        allocations = 0;
        fail_at = (long)i;
        ck_assert_int_eq(npy_load(path, &a), C1D_NOMEM);
        ck_assert_ptr_null(a.data);
        ck_assert_ptr_nonnull(strstr(cli_last_error(), "cannot allocate"));
        allocations = 0;
        fail_at = (long)i;
        c1d_status st = npy_load_memory(np_fortran_be_f8_2x3, sizeof np_fortran_be_f8_2x3, "m", &a);
        ck_assert(st == C1D_NOMEM || (st == C1D_OK && i > allocations));
        npy_array_free(&a);
    }
    fail_at = 0;
    ck_assert_int_eq(npy_load(path, &a), C1D_OK);
    expect_tenths(&a);
    npy_array_free(&a);
    npy_set_allocator(NULL, NULL);
}
END_TEST

/* ---- writer failures ------------------------------------------------- */

START_TEST(save_failures_leave_no_file) {
    static const size_t s23[] = {2, 3};
    char path[128];
    ck_assert_int_eq(npy_save(tmp_path("no/such/dir/x.npy", path, sizeof path), 2, s23, six), C1D_IO);
    ck_assert_ptr_nonnull(strstr(cli_last_error(), "cannot create a temporary file"));
    ck_assert_ptr_nonnull(strstr(cli_last_error(), "No such file or directory"));
    ck_assert_int_eq(npy_save("/dev/full", 2, s23, six), C1D_IO);
    ck_assert_str_eq(cli_last_error(), "/dev/full: write failed: No space left on device");
    ck_assert_int_eq(npy_save(tmp_dir, 2, s23, six), C1D_IO);
    ck_assert_ptr_nonnull(strstr(cli_last_error(), "is a directory"));
    ck_assert_uint_eq(tmp_entries(), 0);
}
END_TEST

/* A write that fails half way (EFBIG from a file size limit, as ENOSPC would)
 * leaves the previous file as it was and no temporary file. */
START_TEST(save_failing_mid_write_keeps_the_old_file) {
    char path[128];
    tmp_path("old.npy", path, sizeof path);
    write_bytes(path, "previous contents", 17);
    static const size_t shape[] = {4096};
    float *x = calloc(4096, sizeof(float));
    struct rlimit old, lim;
    ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
    lim = old;
    lim.rlim_cur = 1000;
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
    c1d_status st = npy_save(path, 1, shape, x);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, prev);
    ck_assert_int_eq(st, C1D_IO);
    ck_assert_ptr_nonnull(strstr(cli_last_error(), "write failed: File too large"));
    size_t len;
    unsigned char *b = read_bytes(path, &len);
    ck_assert_uint_eq(len, 17);
    ck_assert_int_eq(memcmp(b, "previous contents", 17), 0);
    ck_assert_uint_eq(tmp_entries(), 1);
    free(b);
    free(x);
}
END_TEST

/* Saving over an existing file replaces it atomically and keeps its mode;
 * a symbolic link is written through. */
START_TEST(save_replaces_through_links) {
    static const size_t s23[] = {2, 3};
    char path[128], link_path[128];
    tmp_path("target.npy", path, sizeof path);
    write_bytes(path, "x", 1);
    ck_assert_int_eq(chmod(path, 0640), 0);
    ck_assert_int_eq(symlink("target.npy", tmp_path("link.npy", link_path, sizeof link_path)), 0);
    ck_assert_int_eq(npy_save(link_path, 2, s23, six), C1D_OK);
    struct stat st;
    ck_assert_int_eq(lstat(link_path, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0640);
    npy_array a;
    ck_assert_int_eq(npy_load(path, &a), C1D_OK);
    ck_assert_int_eq(memcmp(a.data, six, sizeof six), 0);
    npy_array_free(&a);
    ck_assert_uint_eq(tmp_entries(), 2);
}
END_TEST

START_TEST(shape_format_is_pythons) {
    char buf[64];
    static const size_t s[] = {2, 3, 4};
    ck_assert_str_eq(npy_shape_format(0, s, buf, sizeof buf), "()");
    ck_assert_str_eq(npy_shape_format(1, s, buf, sizeof buf), "(2,)");
    ck_assert_str_eq(npy_shape_format(3, s, buf, sizeof buf), "(2, 3, 4)");
    ck_assert_str_eq(npy_shape_format(3, s, buf, 5), "(2, ");
}
END_TEST

int main(void) {
    Suite *s = suite_create("npy");
    TCase *tc = tcase_create("npy");
    tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
    tcase_add_test(tc, round_trip_keeps_every_bit);
    tcase_add_test(tc, writer_matches_numpy_bytes);
    tcase_add_test(tc, numpy_float32_files_load);
    tcase_add_test(tc, numpy_versions_2_and_3_load);
    tcase_add_test(tc, numpy_float64_and_big_endian_convert);
    tcase_add_test(tc, numpy_fortran_order_is_transposed);
    tcase_add_test(tc, numpy_scalar_and_empty_load);
    tcase_add_test(tc, numpy_other_dtypes_are_unsupported);
    tcase_add_test(tc, n1_bad_magic_short_and_empty);
    tcase_add_test(tc, n2_unknown_versions);
    tcase_add_test(tc, n3_header_length_checked_before_allocating);
    tcase_add_test(tc, n4_header_must_be_a_plain_dict_literal);
    tcase_add_test(tc, header_literal_forms_accepted);
    tcase_add_test(tc, n5_keys_exactly_descr_fortran_order_shape);
    tcase_add_test(tc, n6_n8_descr_other_than_float);
    tcase_add_test(tc, n9_fortran_order_must_be_a_bool);
    tcase_add_test(tc, n10_shape_entries_must_be_non_negative_ints);
    tcase_add_test(tc, n11_sizes_overflow_or_exceed_the_cap);
    tcase_add_test(tc, n12_truncated_data);
    tcase_add_test(tc, n13_trailing_bytes_are_refused);
    tcase_add_test(tc, n15_unaligned_data_offset);
    tcase_add_test(tc, n17_directories_fifos_and_devices);
    tcase_add_test(tc, allocation_failures_are_reported);
    tcase_add_test(tc, save_failures_leave_no_file);
    tcase_add_test(tc, save_failing_mid_write_keeps_the_old_file);
    tcase_add_test(tc, save_replaces_through_links);
    tcase_add_test(tc, shape_format_is_pythons);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
