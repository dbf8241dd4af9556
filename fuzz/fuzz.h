/* fuzz.h: what the fuzz targets share. Each target defines
 * LLVMFuzzerTestOneInput (and may define LLVMFuzzerInitialize); it is
 * linked either with libFuzzer (meson -Dfuzz=true, clang) or with replay.c,
 * the plain driver that replays the regression and seed files in every
 * build (meson test --suite fuzz-regress). A broken oracle prints what it
 * saw and aborts, which both drivers report as a failure. */
#ifndef C1D_FUZZ_H
#define C1D_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_CHECK(cond, ...)                                                     \
    do {                                                                          \
        if (!(cond)) {                                                            \
            fprintf(stderr, "%s:%d: oracle failed: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                         \
            fputc('\n', stderr);                                                  \
            abort();                                                              \
        }                                                                         \
    } while (0)

#endif
