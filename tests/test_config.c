/* test_config.c: Keras defaults, the constructor's validation rules and
 * messages, enum names, and the output length / padding table. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "reference.h"
#include "test_util.h"

START_TEST(defaults_are_keras) {
    c1d_config c = c1d_config_default(16, 3);
    ck_assert_uint_eq(c.filters, 16);
    ck_assert_uint_eq(c.kernel_size, 3);
    ck_assert_uint_eq(c.strides, 1);
    ck_assert_int_eq(c.padding, C1D_PADDING_VALID);
    ck_assert_int_eq(c.data_format, C1D_CHANNELS_LAST);
    ck_assert_uint_eq(c.dilation_rate, 1);
    ck_assert_uint_eq(c.groups, 1);
    ck_assert_int_eq(c.activation, C1D_ACTIVATION_LINEAR);
    ck_assert(c.use_bias);
    ck_assert_int_eq(c1d_config_validate(&c), C1D_OK);
}
END_TEST

/* Each Keras rule alone (RELIABILITY C1, C2/C3 for the unsigned API, C4, C5, C15). */
START_TEST(keras_rules) {
    c1d_config c;
    ASSERT_FAILS(c1d_config_validate(NULL), C1D_INVALID_ARG, "config");
    c = c1d_config_default(0, 3);
    ASSERT_FAILS(c1d_config_validate(&c), C1D_INVALID_ARG, "Received filters=0.");
    c = c1d_config_default(8, 0);
    ASSERT_FAILS(c1d_config_validate(&c), C1D_INVALID_ARG, "Received kernel_size=0, including values {0}");
    c = c1d_config_default(8, 3);
    c.strides = 0;
    ASSERT_FAILS(c1d_config_validate(&c), C1D_INVALID_ARG, "Received strides=0");
    c = c1d_config_default(8, 3);
    c.dilation_rate = 0;
    ASSERT_FAILS(c1d_config_validate(&c), C1D_INVALID_ARG, "Received dilation_rate=0");
    c = c1d_config_default(8, 3);
    c.groups = 0;
    ASSERT_FAILS(c1d_config_validate(&c), C1D_INVALID_ARG, "groups=0.");
    c = c1d_config_default(8, 3);
    c.groups = 3;
    ASSERT_FAILS(c1d_config_validate(&c), C1D_INVALID_ARG, "Received: groups=3, filters=8.");
    c = c1d_config_default(8, 3);
    c.strides = 2;
    c.dilation_rate = 2;
    ASSERT_FAILS(c1d_config_validate(&c), C1D_INVALID_ARG, "strides=(2,) and dilation_rate=(2,)");
    c = c1d_config_default(8, 3);
    c.padding = (c1d_padding)7;
    ASSERT_FAILS(c1d_config_validate(&c), C1D_INVALID_ARG, "padding");
    c = c1d_config_default(8, 3);
    c.data_format = (c1d_data_format)2;
    ASSERT_FAILS(c1d_config_validate(&c), C1D_INVALID_ARG, "data_format");
    c = c1d_config_default(8, 3);
    c.activation = C1D_ACTIVATION_COUNT_;
    ASSERT_FAILS(c1d_config_validate(&c), C1D_INVALID_ARG, "activation");
    c = c1d_config_default(7, 3);
    c.activation = C1D_ACTIVATION_GLU;
    ASSERT_FAILS(c1d_config_validate(&c), C1D_INVALID_ARG, "filters=7");
    c.data_format = C1D_CHANNELS_FIRST; /* glu then halves time, checked per call */
    ck_assert_int_eq(c1d_config_validate(&c), C1D_OK);
}
END_TEST

/* Values that wrap a 64-bit computation or exceed the BLAS int (C3, C8). */
START_TEST(huge_values) {
    const size_t huge[] = {(size_t)1 << 31, (size_t)1 << 32, SIZE_MAX / 2, SIZE_MAX};
    for (size_t i = 0; i < 4; i++) {
        c1d_config c = c1d_config_default(8, huge[i]);
        c.dilation_rate = 3;
        ck_assert_int_eq(c1d_config_validate(&c), i < 2 ? C1D_OK : C1D_TOO_LARGE);
        c = c1d_config_default(huge[i], 3);
        ASSERT_FAILS(c1d_config_validate(&c), C1D_TOO_LARGE, "filters");
        c = c1d_config_default(8, 3);
        c.strides = huge[i];
        ck_assert_int_eq(c1d_config_validate(&c), C1D_OK); /* a huge stride is legal: one output step */
    }
    /* A legal dilated extent near the top of size_t still cannot take steps. */
    c1d_config c = c1d_config_default(8, 2);
    c.dilation_rate = SIZE_MAX - 1;
    ck_assert_int_eq(c1d_config_validate(&c), C1D_OK);
    size_t l_out = 7, pad = 7;
    ASSERT_FAILS(c1d_output_length(&c, SIZE_MAX, 2, &l_out, &pad), C1D_TOO_LARGE, "overflows");
    ck_assert_uint_eq(l_out, 7);
}
END_TEST

START_TEST(names_round_trip) {
    for (int i = 0; i < C1D_ACTIVATION_COUNT_; i++) {
        c1d_activation a = C1D_ACTIVATION_COUNT_;
        const char *name = c1d_activation_name((c1d_activation)i);
        ck_assert_ptr_nonnull(name);
        ck_assert_int_eq(c1d_activation_from_name(name, &a), C1D_OK);
        ck_assert_int_eq(a, i);
    }
    ck_assert_ptr_null(c1d_activation_name(C1D_ACTIVATION_COUNT_));
    ck_assert_ptr_null(c1d_padding_name((c1d_padding)3));
    ck_assert_ptr_null(c1d_data_format_name((c1d_data_format)2));
    c1d_activation a;
    ck_assert_int_eq(c1d_activation_from_name("swish", &a), C1D_OK);
    ck_assert_int_eq(a, C1D_ACTIVATION_SILU);
    ck_assert_int_eq(c1d_activation_from_name("hard_swish", &a), C1D_OK);
    ck_assert_int_eq(a, C1D_ACTIVATION_HARD_SILU);
    /* Keras looks activations up case-sensitively. */
    ASSERT_FAILS(c1d_activation_from_name("ReLU", &a), C1D_UNSUPPORTED, "ReLU");
    ASSERT_FAILS(c1d_activation_from_name("gelu_custom", &a), C1D_UNSUPPORTED, "gelu_custom");
    ASSERT_FAILS(c1d_activation_from_name("threshold", &a), C1D_UNSUPPORTED, "threshold");
    ASSERT_FAILS(c1d_activation_from_name(NULL, &a), C1D_INVALID_ARG, "activation");
    ck_assert_int_eq(a, C1D_ACTIVATION_HARD_SILU);
}
END_TEST

/* Keras lower-cases padding and data_format (RELIABILITY J5, J6). */
START_TEST(padding_and_format_any_case) {
    const char *ok[] = {"valid", "SAME", "Causal", "cAuSaL"};
    const c1d_padding want[] = {C1D_PADDING_VALID, C1D_PADDING_SAME, C1D_PADDING_CAUSAL, C1D_PADDING_CAUSAL};
    for (int i = 0; i < 4; i++) {
        c1d_padding p = (c1d_padding)9;
        ck_assert_int_eq(c1d_padding_from_name(ok[i], &p), C1D_OK);
        ck_assert_int_eq(p, want[i]);
    }
    c1d_padding p = C1D_PADDING_SAME;
    const char *bad[] = {"full", "reflect", "", "valid ", "s\xc3\xa1me"};
    for (int i = 0; i < 5; i++) ASSERT_FAILS(c1d_padding_from_name(bad[i], &p), C1D_INVALID_ARG, "padding");
    ck_assert_int_eq(p, C1D_PADDING_SAME);
    c1d_data_format f = C1D_CHANNELS_LAST;
    ck_assert_int_eq(c1d_data_format_from_name("Channels_First", &f), C1D_OK);
    ck_assert_int_eq(f, C1D_CHANNELS_FIRST);
    ASSERT_FAILS(c1d_data_format_from_name("channels_middle", &f), C1D_INVALID_ARG, "channels_middle");
    ck_assert_int_eq(f, C1D_CHANNELS_FIRST);
}
END_TEST

/* The pad amounts of spec section 4, by example. */
START_TEST(padding_table) {
    static const struct {
        c1d_padding padding;
        size_t k, s, d, L, l_out, pad_l;
    } rows[] = {
        {C1D_PADDING_SAME, 2, 1, 1, 10, 10, 0},   /* P=1: (0, 1), extra on the right */
        {C1D_PADDING_SAME, 4, 1, 1, 10, 10, 1},   /* P=3: (1, 2) */
        {C1D_PADDING_SAME, 3, 1, 2, 10, 10, 2},   /* keff 5, P=4: (2, 2) */
        {C1D_PADDING_SAME, 3, 2, 1, 10, 5, 0},    /* P = max(3 - 2, 0) = 1: (0, 1) */
        {C1D_PADDING_SAME, 3, 2, 1, 11, 6, 1},    /* L%s=1: P=2: (1, 1) */
        {C1D_PADDING_SAME, 2, 4, 1, 8, 2, 0},     /* P = max(2 - 4, 0) = 0 */
        {C1D_PADDING_SAME, 5, 3, 1, 1, 1, 2},     /* one step: P = 4 */
        {C1D_PADDING_CAUSAL, 3, 1, 2, 1, 1, 4},   /* d(k-1) on the left */
        {C1D_PADDING_CAUSAL, 3, 2, 1, 9, 5, 2},   /* whatever the stride */
        {C1D_PADDING_VALID, 3, 1, 1, 3, 1, 0},
        {C1D_PADDING_VALID, 3, 2, 1, 10, 4, 0},
        {C1D_PADDING_VALID, 2, 1, 8, 9, 1, 0},
        {C1D_PADDING_SAME, 3, 1, 1, 0, 0, 0},     /* L = 0: empty output */
        {C1D_PADDING_CAUSAL, 3, 1, 1, 0, 0, 2},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        c1d_config c = c1d_config_default(1, rows[i].k);
        c.padding = rows[i].padding;
        c.strides = rows[i].s;
        c.dilation_rate = rows[i].d;
        size_t l_out, pad_l;
        ck_assert_int_eq(c1d_output_length(&c, rows[i].d * (rows[i].k - 1) + 1, rows[i].L, &l_out, &pad_l), C1D_OK);
        ck_assert_msg(l_out == rows[i].l_out && pad_l == rows[i].pad_l, "row %zu: got (%zu, %zu)", i, l_out, pad_l);
    }
}
END_TEST

/* The library's table agrees with the reference's independent formulas. */
START_TEST(lengths_agree_with_reference) {
    size_t checked = 0;
    for (int pad = 0; pad < 3; pad++)
        for (size_t k = 1; k <= 9; k++)
            for (size_t s = 1; s <= 5; s++)
                for (size_t d = 1; d <= (s == 1 ? 5u : 1u); d++)
                    for (size_t L = 0; L <= 60; L++) {
                        c1d_config c = c1d_config_default(1, k);
                        c.padding = (c1d_padding)pad;
                        c.strides = s;
                        c.dilation_rate = d;
                        size_t lo1 = 0, pl1 = 0, lo2 = 0, pl2 = 0;
                        bool ok_ref = ref_output_length(&c, L, &lo2, &pl2);
                        c1d_status st = c1d_output_length(&c, d * (k - 1) + 1, L, &lo1, &pl1);
                        ck_assert_int_eq(st == C1D_OK, ok_ref);
                        if (ok_ref) {
                            ck_assert_uint_eq(lo1, lo2);
                            /* With no output step the pad is never used. */
                            if (lo1 > 0) ck_assert_msg(pl1 == pl2, "pad %zu vs %zu: k=%zu s=%zu d=%zu L=%zu", pl1, pl2, k, s, d, L);
                        }
                        checked++;
                    }
    ck_assert_uint_gt(checked, 10000);
}
END_TEST

int main(void) {
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("config");
    tcase_add_test(tc, defaults_are_keras);
    tcase_add_test(tc, keras_rules);
    tcase_add_test(tc, huge_values);
    tcase_add_test(tc, names_round_trip);
    tcase_add_test(tc, padding_and_format_any_case);
    tcase_add_test(tc, padding_table);
    tcase_add_test(tc, lengths_agree_with_reference);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
