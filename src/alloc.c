/* alloc.c: the single allocation point of the library. Every buffer is
 * 64-byte aligned and capped at C1D_MAX_ALLOC_BYTES, so a hostile size can
 * never reach malloc.
 *
 * Test builds (meson -Dalloc_fault=true, which defines C1D_ALLOC_FAULT) add
 * a countdown that makes the n-th allocation fail (see alloc_fault.h), so
 * the tests can fail every allocation of an entry point in turn. Release
 * builds do not contain it. jansson allocates on its own (json_loadb,
 * json_dumpb): routing it here with json_set_alloc_funcs would change the
 * allocator of every jansson user in the process, so the library leaves it
 * alone and the tests route it through the same countdown themselves. */
#include <stdlib.h>

#include "internal.h"

#ifdef C1D_ALLOC_FAULT
#include <stdatomic.h>

#include "alloc_fault.h"

/* Counted allocation attempts since c1d_alloc_fail_after, and the one that
 * fails (0: none). Atomic so that threaded tests stay race-free. */
static atomic_size_t fault_calls;
static atomic_size_t fault_at;

void c1d_alloc_fail_after(size_t n) {
    atomic_store(&fault_calls, 0);
    atomic_store(&fault_at, n);
}

size_t c1d_alloc_calls(void) { return atomic_load(&fault_calls); }

bool c1d_alloc_should_fail(void) {
    size_t call = atomic_fetch_add(&fault_calls, 1) + 1;
    return call == atomic_load(&fault_at);
}
#endif

void *c1d_alloc(size_t bytes) {
    if (bytes == 0 || bytes > C1D_MAX_ALLOC_BYTES) return NULL;
#ifdef C1D_ALLOC_FAULT
    if (c1d_alloc_should_fail()) return NULL;
#endif
    /* aligned_alloc needs a multiple of the alignment; the cap keeps this from overflowing. */
    size_t rounded = (bytes + C1D_ALIGN - 1) / C1D_ALIGN * C1D_ALIGN;
    return aligned_alloc(C1D_ALIGN, rounded);
}

void c1d_free(void *p) { free(p); }
