/* test_dispatch.c: the kernel table dispatch (src/dispatch.c): c1d_isa()
 * names the best ISA the CPU has, C1D_MAX_ISA caps it (unknown values are
 * ignored), the table is complete at every level.
 *
 * The table is built once per process, so every C1D_MAX_ISA case runs in a
 * fresh process: this executable re-executes itself with `--print-isa`
 * under the wanted environment and reads back what it printed. The child
 * also prints the level its own CPU detection finds, so the expectation
 * holds even where the child sees another CPU than the parent (valgrind
 * hides AVX-512 from the parent only).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "test_util.h"

enum { ISA_SCALAR, ISA_AVX2, ISA_AVX512, ISA_COUNT };
static const char *const isa_names[ISA_COUNT] = {"scalar", "avx2", "avx512"};
static const char *self_path;

/* The best level this CPU supports, detected here independently of
 * src/dispatch.c with the requirements it documents. */
static int cpu_level(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("fma"))
        return ISA_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return ISA_AVX2;
#endif
    return ISA_SCALAR;
}

static int level_of(const char *name) {
    for (int i = 0; i < ISA_COUNT; i++)
        if (name != NULL && strcmp(name, isa_names[i]) == 0) return i;
    return -1;
}

/* Runs `self --print-isa` with C1D_MAX_ISA set to cap (unset when NULL);
 * fills the ISA the child's library chose and the child's CPU level. */
static void run_child(const char *cap, char *isa, size_t isa_cap, int *child_cpu) {
    int fd[2];
    ck_assert(pipe(fd) == 0);
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        close(fd[0]);
        if (dup2(fd[1], STDOUT_FILENO) < 0) _exit(126);
        if (cap != NULL ? setenv("C1D_MAX_ISA", cap, 1) != 0 : unsetenv("C1D_MAX_ISA") != 0) _exit(125);
        execl(self_path, self_path, "--print-isa", (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    char buf[64] = {0};
    size_t got = 0;
    ssize_t r;
    while (got + 1 < sizeof buf && (r = read(fd[0], buf + got, sizeof buf - 1 - got)) > 0) got += (size_t)r;
    close(fd[0]);
    int status = 0;
    ck_assert(waitpid(pid, &status, 0) == pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child for C1D_MAX_ISA=%s failed (status %d)",
                  cap ? cap : "(unset)", status);
    char name[32] = {0};
    ck_assert_msg(sscanf(buf, "%31s %d", name, child_cpu) == 2, "child printed '%s'", buf);
    snprintf(isa, isa_cap, "%s", name);
}

START_TEST(test_isa_is_cpu_capped_by_env) {
    /* In this process: whatever C1D_MAX_ISA the test run was given. */
    int cap = level_of(getenv("C1D_MAX_ISA"));
    int want = cpu_level();
    if (cap >= 0 && cap < want) want = cap;
    ck_assert_str_eq(c1d_isa(), isa_names[want]);
    ck_assert_str_eq(c1d_kernels_get()->isa, c1d_isa());
}
END_TEST

/* Each value of C1D_MAX_ISA in a fresh process. */
static const struct {
    const char *value; /* NULL: unset */
    int cap;           /* level it caps to, ISA_COUNT for none */
} caps[] = {
    {NULL, ISA_COUNT},     {"scalar", ISA_SCALAR}, {"avx2", ISA_AVX2}, {"avx512", ISA_AVX512},
    {"AVX2", ISA_COUNT},   {"bogus", ISA_COUNT},   {"", ISA_COUNT},    {"scalar ", ISA_COUNT},
    {"avx", ISA_COUNT},
};

START_TEST(test_env_cap) {
    char isa[32];
    int child_cpu = -1;
    run_child(caps[_i].value, isa, sizeof isa, &child_cpu);
    ck_assert(child_cpu >= ISA_SCALAR && child_cpu < ISA_COUNT);
    int want = caps[_i].cap < child_cpu ? caps[_i].cap : child_cpu;
    ck_assert_msg(strcmp(isa, isa_names[want]) == 0, "C1D_MAX_ISA=%s: chose %s, want %s",
                  caps[_i].value ? caps[_i].value : "(unset)", isa, isa_names[want]);
}
END_TEST

/* The environment is read once: changing it later changes nothing. */
START_TEST(test_env_read_once) {
    const char *before = c1d_isa();
    const char *old = getenv("C1D_MAX_ISA");
    char saved[32] = {0};
    if (old != NULL) snprintf(saved, sizeof saved, "%s", old);
    ck_assert_int_eq(setenv("C1D_MAX_ISA", strcmp(before, "scalar") == 0 ? "avx512" : "scalar", 1), 0);
    const char *after = c1d_isa();
    /* restore first: without fork mode the next tests share this process */
    ck_assert_int_eq(old != NULL ? setenv("C1D_MAX_ISA", saved, 1) : unsetenv("C1D_MAX_ISA"), 0);
    ck_assert_ptr_eq(after, before);
}
END_TEST

static void assert_complete(const c1d_kernels *t, const char *what) {
    ck_assert_msg(t->isa != NULL, "%s: isa", what);
    ck_assert_msg(t->im2col_nwc != NULL && t->im2col_ncw != NULL, "%s: im2col", what);
    ck_assert_msg(t->dwconv_nwc != NULL && t->dwconv_ncw != NULL, "%s: dwconv", what);
    ck_assert_msg(t->add_vector != NULL && t->add_scalar != NULL && t->glu != NULL, "%s: bias/glu", what);
    for (int a = 0; a < C1D_ACTIVATION_COUNT_; a++)
        ck_assert_msg(t->activation[a] != NULL, "%s: activation %s", what, c1d_activation_name((c1d_activation)a));
}

START_TEST(test_table_complete) {
    assert_complete(c1d_kernels_get(), "c1d_kernels_get()");
    /* Every level up to the CPU's, built as dispatch builds it. */
    c1d_kernels t;
    memset(&t, 0, sizeof t);
    c1d_kernels_init__scalar(&t);
    assert_complete(&t, "scalar");
#if defined(__x86_64__) || defined(__i386__)
    if (cpu_level() >= ISA_AVX2) {
        c1d_kernels_init__avx2(&t);
        assert_complete(&t, "avx2");
        ck_assert_str_eq(t.isa, "avx2");
    }
    if (cpu_level() >= ISA_AVX512) {
        c1d_kernels_init__avx512(&t);
        assert_complete(&t, "avx512");
        ck_assert_str_eq(t.isa, "avx512");
    }
#endif
}
END_TEST

/* A layer runs whatever ISA the environment caps to (a smoke test that
 * every level is wired into the forward pass; test_forward checks values). */
START_TEST(test_forward_runs) {
    c1d_config cfg = c1d_config_default(3, 2);
    cfg.activation = C1D_ACTIVATION_TANH;
    c1d_conv *conv = NULL;
    ck_assert_int_eq(c1d_conv_create(&cfg, 1, &conv), C1D_OK);
    float w[2 * 1 * 3] = {0.5f, -1.0f, 2.0f, 1.5f, 0.25f, -0.75f}, x[4] = {1.0f, -2.0f, 0.5f, 3.0f}, y[3 * 3];
    ck_assert_int_eq(c1d_conv_set_kernel(conv, w, 2, 1, 3), C1D_OK);
    ck_assert_int_eq(c1d_conv_forward(conv, 1, 4, x, y, NULL, 0), C1D_OK);
    for (int t = 0; t < 3; t++)
        for (int f = 0; f < 3; f++) {
            double z = (double)w[f] * x[t] + (double)w[3 + f] * x[t + 1];
            ck_assert_msg(fabs(y[t * 3 + f] - tanh(z)) <= 4e-7 * (1 + fabs(z)), "t=%d f=%d", t, f);
        }
    c1d_conv_destroy(conv);
}
END_TEST

static Suite *dispatch_suite(void) {
    Suite *s = suite_create("dispatch");
    TCase *tc = tcase_create("dispatch");
    tcase_add_test(tc, test_isa_is_cpu_capped_by_env);
    tcase_add_loop_test(tc, test_env_cap, 0, (int)(sizeof caps / sizeof caps[0]));
    tcase_add_test(tc, test_env_read_once);
    tcase_add_test(tc, test_table_complete);
    tcase_add_test(tc, test_forward_runs);
    suite_add_tcase(s, tc);
    return s;
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "--print-isa") == 0) {
        printf("%s %d\n", c1d_isa(), cpu_level());
        return 0;
    }
    self_path = argv[0];
    return tu_run_suite(dispatch_suite());
}
