/* dispatch.c: builds the kernel table once per process (BLIS's scheme): the
 * scalar kernels first, then each vector ISA up to the chosen one overwrites
 * the entries it implements (avx2, then avx512).
 *
 * The chosen ISA is the best one the CPU supports, according to
 * __builtin_cpu_supports (which also checks, through XGETBV, that the OS
 * saves the YMM/ZMM registers): avx512 needs AVX-512F/DQ/VL/BW and FMA, avx2
 * needs AVX2 and FMA. The environment variable C1D_MAX_ISA caps it when it is
 * exactly one of "scalar", "avx2", "avx512"; any other value (a typo, another
 * case, empty) is ignored, i.e. no cap, so that the variable can never make
 * the library fail. It is read once, by the first call that needs the table
 * (layer creation or c1d_isa()); later changes have no effect.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef enum isa_level { ISA_SCALAR, ISA_AVX2, ISA_AVX512, ISA_COUNT } isa_level;

static const char *const isa_names[ISA_COUNT] = {"scalar", "avx2", "avx512"};

static isa_level cpu_level(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("fma"))
        return ISA_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return ISA_AVX2;
#endif
    return ISA_SCALAR;
}

/* The cap named by C1D_MAX_ISA, or the highest level when it names none. */
static isa_level cap_level(void) {
    const char *cap = getenv("C1D_MAX_ISA");
    for (int i = 0; cap != NULL && i < ISA_COUNT; i++)
        if (strcmp(cap, isa_names[i]) == 0) return (isa_level)i;
    return ISA_AVX512;
}

static c1d_kernels table;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void build_table(void) {
    isa_level cpu = cpu_level(), cap = cap_level();
    isa_level level = cpu < cap ? cpu : cap;
    c1d_kernels_init__scalar(&table);
#if defined(__x86_64__) || defined(__i386__)
    if (level >= ISA_AVX2) c1d_kernels_init__avx2(&table);
    if (level >= ISA_AVX512) c1d_kernels_init__avx512(&table);
#else
    (void)level;
#endif
}

const c1d_kernels *c1d_kernels_get(void) {
    pthread_once(&table_once, build_table);
    return &table;
}

const char *c1d_isa(void) { return c1d_kernels_get()->isa; }
