/* dispatch.c: builds the kernel table once per process. The table starts
 * as the scalar one; vector ISAs overwrite the entries they implement (none
 * yet: the AVX2/AVX-512 kernels come with the performance work, together
 * with CPU detection and the C1D_MAX_ISA cap). */
#include <pthread.h>

#include "internal.h"

static c1d_kernels table;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void build_table(void) { c1d_kernels_init__scalar(&table); }

const c1d_kernels *c1d_kernels_get(void) {
    pthread_once(&table_once, build_table);
    return &table;
}

const char *c1d_isa(void) { return c1d_kernels_get()->isa; }
