/* test_alloc_cli.c: allocation failure in the .npy reader and in the c1d
 * tool's whole `run` path (RELIABILITY.md row A1; the torture loop of
 * test_alloc.c), built only with meson -Dalloc_fault=true and the tools.
 *
 * The tool runs in this process: tools/main.c is compiled with
 * -Dmain=c1d_tool_main, and the executable is linked with
 * -Wl,--wrap=malloc, so every malloc of the tool's and the reader's code
 * (the .npy reader, the config file, the output buffer and file names)
 * goes through __wrap_malloc below. While a test has armed it, that
 * wrapper, jansson (json_set_alloc_funcs) and c1d_alloc share the one
 * countdown of src/alloc_fault.h. A run with allocation i failing must exit
 * with status 1 and one message, leave the existing output file as it was
 * and no temporary file behind; the next run must write the right output.
 * (realpath's own allocation happens inside libc and is not counted.) */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc_fault.h"
#include "cli.h"
#include "npy.h"
#include "test_util.h"

int c1d_tool_main(int argc, char **argv);
void *__real_malloc(size_t n);
void *__wrap_malloc(size_t n);

static bool armed; /* count (and fail) the tool's mallocs */

void *__wrap_malloc(size_t n) {
    if (armed && c1d_alloc_should_fail()) return NULL;
    return __real_malloc(n);
}

static void *counted_malloc(size_t n) { return armed && c1d_alloc_should_fail() ? NULL : __real_malloc(n); }

static void arm(size_t fail_at) {
    c1d_alloc_fail_after(fail_at);
    armed = true;
}

/* Disarms; returns the allocations counted since arm(). */
static size_t disarm(void) {
    armed = false;
    size_t n = c1d_alloc_calls();
    c1d_alloc_fail_after(0);
    return n;
}

static void setup(void) { json_set_alloc_funcs(counted_malloc, free); }
static void teardown(void) {
    disarm();
    json_set_alloc_funcs(malloc, free);
}

static const char *data_path(const char *name, char *buf, size_t size) {
    const char *dir = getenv("C1D_CLI_DATA");
    ck_assert_msg(dir != NULL, "C1D_CLI_DATA is not set (meson test sets it to tests/cli/data)");
    snprintf(buf, size, "%s/%s", dir, name);
    return buf;
}

static unsigned char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    unsigned char *buf = malloc(1 << 20);
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

/* ---- The .npy reader ---- */

START_TEST(npy_load_every_allocation) {
    char path[1024];
    data_path("input_fortran_be_f8.npy", path, sizeof path);
    size_t len;
    unsigned char *bytes = read_file(path, &len);
    for (int from_memory = 0; from_memory < 2; from_memory++) {
        npy_array want, a;
        arm(0);
        c1d_status st = from_memory ? npy_load_memory(bytes, len, "mem", &want) : npy_load(path, &want);
        const size_t n = disarm();
        ck_assert_int_eq(st, C1D_OK);
        ck_assert_uint_ge(n, 2); /* data and the Fortran-order copy (and header, chunk from a file) */
        for (size_t i = 1; i <= n; i++) {
            arm(i);
            st = from_memory ? npy_load_memory(bytes, len, "mem", &a) : npy_load(path, &a);
            disarm();
            ck_assert_msg(st == C1D_NOMEM, "%s, allocation %zu of %zu: %s (%s)", from_memory ? "memory" : "file", i,
                          n, c1d_status_name(st), cli_last_error());
            ck_assert_ptr_null(a.data);
            ck_assert_uint_eq(a.count, 0);
            ck_assert_ptr_nonnull(strstr(cli_last_error(), "cannot allocate"));
            st = from_memory ? npy_load_memory(bytes, len, "mem", &a) : npy_load(path, &a);
            ck_assert_int_eq(st, C1D_OK);
            ck_assert_uint_eq(a.count, want.count);
            ck_assert_mem_eq(a.data, want.data, want.count * sizeof(float));
            npy_array_free(&a);
        }
        printf("%-40s %3zu allocation points\n", from_memory ? "npy_load_memory (Fortran, >f8)" : "npy_load (Fortran, >f8)",
               n);
        npy_array_free(&want);
    }
    free(bytes);
}
END_TEST

/* ---- The tool's run path ---- */

static bool temp_files_left(const char *dir) {
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    bool found = false;
    for (struct dirent *e; (e = readdir(d));) found |= strncmp(e->d_name, ".c1d-", 5) == 0;
    closedir(d);
    return found;
}

/* Runs the tool with stderr sent to /dev/null (one line per failing run). */
static int run_tool(char **argv, int argc) {
    fflush(stderr);
    int saved = dup(2), null = open("/dev/null", O_WRONLY);
    dup2(null, 2);
    close(null);
    int rc = c1d_tool_main(argc, argv);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    return rc;
}

START_TEST(tool_run_every_allocation) {
    char cfg[1024], kernel[1024], bias[1024], input[1024];
    data_path("conv_same_relu.json", cfg, sizeof cfg);
    data_path("kernel.npy", kernel, sizeof kernel);
    data_path("bias.npy", bias, sizeof bias);
    data_path(_i ? "input_fortran_be_f8.npy" : "input_f4.npy", input, sizeof input);
    char dir[] = "/tmp/c1d-alloc-cli-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char out[1100];
    snprintf(out, sizeof out, "%s/out.npy", dir);
    char *argv[] = {"c1d", "run", "--config", cfg, "--kernel", kernel, "--bias", bias, "--input", input,
                    "--output", out, NULL};
    const int argc = (int)(sizeof argv / sizeof *argv) - 1;

    arm(0);
    int rc = run_tool(argv, argc);
    const size_t n = disarm();
    ck_assert_int_eq(rc, 0);
    size_t want_len;
    unsigned char *want = read_file(out, &want_len);
    ck_assert_uint_gt(want_len, 128);
    ck_assert_uint_gt(n, 20);

    static const char previous[] = "previous output";
    size_t failed = 0;
    for (size_t i = 1; i <= n; i++) {
        FILE *f = fopen(out, "wb");
        fputs(previous, f);
        fclose(f);
        arm(i);
        rc = run_tool(argv, argc);
        disarm();
        /* jansson#362 can swallow a failure (the run then succeeds with the same config, checked below). */
        ck_assert_msg(rc == 1 || rc == 0, "allocation %zu of %zu: exit %d", i, n, rc);
        size_t got_len;
        unsigned char *got = read_file(out, &got_len);
        if (rc == 1) {
            failed++;
            ck_assert_msg(got_len == sizeof previous - 1 && memcmp(got, previous, got_len) == 0,
                          "allocation %zu: a failed run changed the output (%s)", i, cli_last_error());
            ck_assert_msg(cli_last_error()[0] != '\0', "allocation %zu: no message", i);
        } else {
            ck_assert_msg(got_len == want_len && memcmp(got, want, want_len) == 0,
                          "allocation %zu: a run that succeeded wrote another output", i);
        }
        free(got);
        ck_assert_msg(!temp_files_left(dir), "allocation %zu: a temporary file was left in %s", i, dir);
        rc = run_tool(argv, argc);
        ck_assert_msg(rc == 0, "the run after allocation %zu failed: %s", i, cli_last_error());
        got = read_file(out, &got_len);
        ck_assert(got_len == want_len && memcmp(got, want, want_len) == 0);
        free(got);
    }
    printf("%-40s %3zu allocation points, %zu failed runs\n",
           _i ? "c1d run (Fortran >f8 input)" : "c1d run (<f4 input)", n, failed);
    ck_assert_uint_gt(failed, n / 2);
    free(want);
    unlink(out);
    rmdir(dir);
}
END_TEST

static Suite *alloc_cli_suite(void) {
    Suite *s = suite_create("alloc_cli");
    TCase *tc = tcase_create("torture");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, npy_load_every_allocation);
    tcase_add_loop_test(tc, tool_run_every_allocation, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    return tu_run_suite(alloc_cli_suite());
}
