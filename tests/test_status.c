/* test_status.c: status names, the thread-local error message, version. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "c1d.h"
#include "test_util.h"

START_TEST(every_status_has_its_name) {
    static const struct {
        c1d_status status;
        const char *name;
    } pinned[] = {
        {C1D_OK, "C1D_OK"},           {C1D_INVALID_ARG, "C1D_INVALID_ARG"}, {C1D_SHAPE_MISMATCH, "C1D_SHAPE_MISMATCH"},
        {C1D_TOO_LARGE, "C1D_TOO_LARGE"}, {C1D_NOMEM, "C1D_NOMEM"},       {C1D_PARSE, "C1D_PARSE"},
        {C1D_UNSUPPORTED, "C1D_UNSUPPORTED"}, {C1D_IO, "C1D_IO"},         {C1D_ALIAS, "C1D_ALIAS"},
        {C1D_NOT_READY, "C1D_NOT_READY"},
    };
    for (size_t i = 0; i < sizeof pinned / sizeof *pinned; i++) {
        /* Values are pinned: the enum order is part of the ABI. */
        ck_assert_int_eq((int)pinned[i].status, (int)i);
        ck_assert_str_eq(c1d_status_name(pinned[i].status), pinned[i].name);
    }
    ck_assert_str_eq(c1d_status_name((c1d_status)99), "unknown status");
}
END_TEST

START_TEST(version_matches_header) {
    char expected[64];
    snprintf(expected, sizeof expected, "%d.%d.%d", C1D_VERSION_MAJOR, C1D_VERSION_MINOR, C1D_VERSION_PATCH);
    ck_assert_str_eq(c1d_version(), expected);
    ck_assert_str_eq(c1d_version(), C1D_VERSION_STRING);
}
END_TEST

static void *fail_in_thread(void *arg) {
    (void)arg;
    c1d_config cfg = c1d_config_default(0, 3);
    c1d_conv *conv = NULL;
    c1d_status st = c1d_conv_create(&cfg, 4, &conv);
    return (void *)(st == C1D_INVALID_ARG && strstr(c1d_last_error(), "filters") != NULL ? (void *)1 : NULL);
}

/* The message is per thread: another thread's failure does not change ours. */
START_TEST(last_error_is_thread_local) {
    c1d_config cfg = c1d_config_default(8, 0);
    c1d_conv *conv = NULL;
    ck_assert_int_eq(c1d_conv_create(&cfg, 4, &conv), C1D_INVALID_ARG);
    ck_assert_ptr_null(conv);
    char mine[512];
    snprintf(mine, sizeof mine, "%s", c1d_last_error());
    ck_assert_ptr_nonnull(strstr(mine, "kernel_size"));
    pthread_t th;
    void *ok = NULL;
    ck_assert_int_eq(pthread_create(&th, NULL, fail_in_thread, NULL), 0);
    ck_assert_int_eq(pthread_join(th, &ok), 0);
    ck_assert_ptr_nonnull(ok);
    ck_assert_str_eq(c1d_last_error(), mine);
}
END_TEST

START_TEST(isa_is_named) {
    const char *isa = c1d_isa();
    ck_assert(strcmp(isa, "scalar") == 0 || strcmp(isa, "avx2") == 0 || strcmp(isa, "avx512") == 0);
}
END_TEST

int main(void) {
    Suite *s = suite_create("status");
    TCase *tc = tcase_create("status");
    tcase_add_test(tc, every_status_has_its_name);
    tcase_add_test(tc, version_matches_header);
    tcase_add_test(tc, last_error_is_thread_local);
    tcase_add_test(tc, isa_is_named);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
