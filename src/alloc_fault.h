/* alloc_fault.h: the allocation-failure countdown of test builds (meson
 * -Dalloc_fault=true defines C1D_ALLOC_FAULT; RELIABILITY.md row A1). Not
 * part of the API: the symbols exist only in such builds, hidden in the
 * shared library, so only tests linked with the static library call them.
 *
 * One countdown serves every allocator of a test process: c1d_alloc checks
 * it, and a test routes jansson (json_set_alloc_funcs), the .npy reader
 * (npy_set_allocator) or the tool's malloc calls through wrappers that
 * check it too, so "the n-th allocation" counts all of them in call order. */
#ifndef C1D_ALLOC_FAULT_H
#define C1D_ALLOC_FAULT_H

#include <stdbool.h>
#include <stddef.h>

/* Restarts the count; the n-th counted allocation from now fails (1: the
 * next one), every later one succeeds. 0 disarms. */
void c1d_alloc_fail_after(size_t n);

/* Allocations counted since the last c1d_alloc_fail_after. */
size_t c1d_alloc_calls(void);

/* Counts one allocation; true when it is the one that must fail. */
bool c1d_alloc_should_fail(void);

#endif
