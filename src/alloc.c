/* alloc.c: the single allocation point of the library. Every buffer is
 * 64-byte aligned and capped at C1D_MAX_ALLOC_BYTES, so a hostile size can
 * never reach malloc. */
#include <stdlib.h>

#include "internal.h"

void *c1d_alloc(size_t bytes) {
    if (bytes == 0 || bytes > C1D_MAX_ALLOC_BYTES) return NULL;
    /* aligned_alloc needs a multiple of the alignment; the cap keeps this from overflowing. */
    size_t rounded = (bytes + C1D_ALIGN - 1) / C1D_ALIGN * C1D_ALIGN;
    return aligned_alloc(C1D_ALIGN, rounded);
}

void c1d_free(void *p) { free(p); }
