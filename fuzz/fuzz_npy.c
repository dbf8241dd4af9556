/* fuzz_npy.c: bytes -> the tool's .npy reader (tools/npy.c), from memory
 * and from a file. Oracles:
 *   - both readers agree on the status, and on success on every bit;
 *   - success: the header says exactly this many bytes follow
 *     (data_offset + count * item_size == size, counted with overflow
 *     checks), count == the product of the shape, count * 4 is within
 *     C1D_MAX_ALLOC_BYTES, and the floats are what an independent decoding
 *     of the data (byte order, float64 rounding, Fortran order) gives;
 *   - what npy_header_encode writes for the shape loads back the same.
 * Run with -max_len=4096 and fuzz/npy.dict. */
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fuzz.h"
#include "npy.h"

static char path[] = "/tmp/c1d-fuzz-npy-XXXXXX";
static int fd = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    fd = mkstemp(path);
    FUZZ_CHECK(fd >= 0, "cannot create %s", path);
    /* The name stays valid while the process runs; nothing else uses it. */
    return 0;
}

static void to_file(const uint8_t *data, size_t size) {
    FUZZ_CHECK(ftruncate(fd, 0) == 0, "ftruncate %s", path);
    size_t done = 0;
    while (done < size) {
        ssize_t w = pwrite(fd, data + done, size - done, (off_t)done);
        FUZZ_CHECK(w > 0, "write %s", path);
        done += (size_t)w;
    }
}

/* Element `i` (C order) of the array described by h, decoded from the file bytes. */
static float decode(const npy_header *h, const uint8_t *data, size_t i) {
    size_t src = i;
    if (h->fortran_order && h->ndim > 1) {
        /* C index -> multi-index -> Fortran (first axis fastest) offset. */
        size_t rest = i, off = 0, stride = 1, idx[NPY_MAX_DIMS];
        for (size_t k = h->ndim; k-- > 0;) {
            idx[k] = rest % h->shape[k];
            rest /= h->shape[k];
        }
        for (size_t k = 0; k < h->ndim; k++) {
            off += idx[k] * stride;
            stride *= h->shape[k];
        }
        src = off;
    }
    const uint8_t *p = data + h->data_offset + src * h->item_bytes;
    uint8_t b[8];
    for (size_t k = 0; k < h->item_bytes; k++) b[k] = h->big_endian ? p[h->item_bytes - 1 - k] : p[k];
    if (h->item_bytes == 4) {
        float f;
        memcpy(&f, b, 4);
        return f;
    }
    double d;
    memcpy(&d, b, 8);
    return (float)d;
}

static void check_array(const npy_array *a, const uint8_t *data, size_t size) {
    npy_header h;
    FUZZ_CHECK(npy_header_parse(data, size, size, "fuzz", &h) == C1D_OK, "loaded but the header does not parse");
    FUZZ_CHECK(h.item_bytes == 4 || h.item_bytes == 8, "item size %zu", h.item_bytes);
    size_t count = 1, bytes, end;
    for (size_t k = 0; k < h.ndim; k++) FUZZ_CHECK(!__builtin_mul_overflow(count, h.shape[k], &count), "overflow");
    FUZZ_CHECK(!__builtin_mul_overflow(count, h.item_bytes, &bytes) && !__builtin_add_overflow(h.data_offset, bytes, &end),
               "size overflow");
    FUZZ_CHECK(end == size, "data_offset %zu + %zu data bytes != file size %zu", h.data_offset, bytes, size);
    FUZZ_CHECK(count == h.count && count == a->count && bytes == h.data_bytes, "count %zu / %zu / %zu", count, h.count,
               a->count);
    FUZZ_CHECK(count <= C1D_MAX_ALLOC_BYTES / 4, "count %zu above the cap", count);
    FUZZ_CHECK(a->ndim == h.ndim && memcmp(a->shape, h.shape, h.ndim * sizeof *h.shape) == 0, "shape differs");
    FUZZ_CHECK((count == 0) == (a->data == NULL), "data pointer vs count %zu", count);
    for (size_t i = 0; i < count; i++) {
        float want = decode(&h, data, i);
        FUZZ_CHECK(memcmp(&want, a->data + i, sizeof want) == 0, "element %zu: got %a, want %a", i, (double)a->data[i],
                   (double)want);
    }
    /* The writer's header for this shape, followed by the float32 data, reads back the same. */
    char head[NPY_HEADER_ENCODED_MAX];
    size_t head_len;
    FUZZ_CHECK(npy_header_encode(a->ndim, a->shape, head, sizeof head, &head_len) == C1D_OK, "encode failed");
    uint8_t *copy = malloc(head_len + count * 4);
    FUZZ_CHECK(copy != NULL, "malloc");
    memcpy(copy, head, head_len);
    if (count) memcpy(copy + head_len, a->data, count * 4);
    npy_array b;
    FUZZ_CHECK(npy_load_memory(copy, head_len + count * 4, "copy", &b) == C1D_OK, "own file: %s", cli_last_error());
    FUZZ_CHECK(b.ndim == a->ndim && memcmp(b.shape, a->shape, a->ndim * sizeof *a->shape) == 0 && b.count == count,
               "own file: shape differs");
    FUZZ_CHECK(count == 0 || memcmp(b.data, a->data, count * 4) == 0, "own file: data differs");
    npy_array_free(&b);
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    npy_array mem, file;
    c1d_status st_mem = npy_load_memory(data, size, "fuzz", &mem);
    if (st_mem != C1D_OK) FUZZ_CHECK(mem.data == NULL && mem.count == 0, "failed load returned data");
    to_file(data, size);
    c1d_status st_file = npy_load(path, &file);
    FUZZ_CHECK(st_mem == st_file, "memory reader: %s, file reader: %s (%s)", c1d_status_name(st_mem),
               c1d_status_name(st_file), cli_last_error());
    if (st_mem == C1D_OK) {
        check_array(&mem, data, size);
        FUZZ_CHECK(file.ndim == mem.ndim && file.count == mem.count &&
                       memcmp(file.shape, mem.shape, mem.ndim * sizeof *mem.shape) == 0,
                   "the file reader gives another shape");
        FUZZ_CHECK(mem.count == 0 || memcmp(file.data, mem.data, mem.count * 4) == 0, "the readers' data differ");
    } else {
        FUZZ_CHECK(cli_last_error()[0] != '\0', "failure without a message");
    }
    npy_array_free(&mem);
    npy_array_free(&file);
    return 0;
}
