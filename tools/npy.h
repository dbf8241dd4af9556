/* npy.h: NumPy .npy files (format versions 1.0, 2.0 and 3.0) holding
 * float32 or float64 arrays, read for the c1d tool and its tests, written as
 * numpy 1.24's np.save writes a float32 array.
 *
 * The reader is written for hostile files (RELIABILITY.md rows N1-N17):
 *   - the header is at most NPY_MAX_HEADER_BYTES and is checked against the
 *     file size before anything is allocated;
 *   - the header dict is parsed by a strict parser for the Python literal
 *     forms numpy writes, never evaluated: exactly the keys descr,
 *     fortran_order and shape, each once; single- or double-quoted strings
 *     without escapes; True/False; a tuple of decimal integers (with the
 *     Python 2 `L` suffix in version 1.0 files);
 *   - descr '<f4', '<f8', '>f4' or '>f8': big-endian data is byte-swapped and
 *     float64 rounded to float32 (as Keras casts its inputs); any other
 *     dtype (float16, integers, objects, structured lists) is C1D_UNSUPPORTED;
 *   - fortran_order True is read correctly: the data is transposed into C
 *     order;
 *   - the element count is computed with overflow checks and the float32
 *     result is capped at C1D_MAX_ALLOC_BYTES (C1D_TOO_LARGE);
 *   - the file must hold exactly the data the header describes: fewer bytes
 *     is a truncated file and more bytes (which numpy ignores) is refused as
 *     well, both C1D_PARSE;
 *   - only regular files are read (C1D_IO for a directory, FIFO or device).
 * Every error message starts with the file's name. */
#ifndef C1D_NPY_H
#define C1D_NPY_H

#include <stdbool.h>
#include <stddef.h>

#include "c1d.h"

/* numpy 1.24's NPY_MAXDIMS. */
#define NPY_MAX_DIMS 32
/* Cap on the header text (numpy itself refuses to literal-eval more than
 * 10 000 bytes unless told otherwise). */
#define NPY_MAX_HEADER_BYTES ((size_t)64 * 1024)

/* A loaded array, converted to float32 in C order. */
typedef struct npy_array {
    size_t ndim;
    size_t shape[NPY_MAX_DIMS];
    size_t count; /* product of the shape; 0 for an empty array, 1 for shape () */
    float *data;  /* count floats (free with npy_array_free); NULL when count is 0 */
} npy_array;

/* What a header says, before any data is read. */
typedef struct npy_header {
    unsigned major, minor;  /* format version */
    size_t data_offset;     /* bytes before the data (magic, version, length, header) */
    size_t item_bytes;      /* 4 (float32) or 8 (float64) */
    bool big_endian;
    bool fortran_order;
    size_t ndim;
    size_t shape[NPY_MAX_DIMS];
    size_t count;           /* elements */
    size_t data_bytes;      /* count * item_bytes */
} npy_header;

/* Parses the preamble and header at the start of `bytes`. `len` is how many
 * bytes are available there and `file_size` the size of the whole file (equal
 * to `len` for a file held in memory); the header must fit in both.
 * `name` prefixes the messages. */
c1d_status npy_header_parse(const void *bytes, size_t len, size_t file_size, const char *name, npy_header *header);

/* Loads a whole .npy file held in memory (e.g. by a fuzzer). */
c1d_status npy_load_memory(const void *bytes, size_t len, const char *name, npy_array *array);

/* Loads a .npy file. On failure `*array` is left empty (data NULL). */
c1d_status npy_load(const char *path, npy_array *array);

/* Frees the data of an array and empties it. NULL is a no-op. */
void npy_array_free(npy_array *array);

/* Writes `"(2, 3)"`, `"(5,)"` or `"()"` into buf (always NUL-terminated,
 * truncated to buf_size). Returns buf. */
const char *npy_shape_format(size_t ndim, const size_t *shape, char *buf, size_t buf_size);

/* Room npy_header_encode needs at most (32 dimensions of 20 digits). */
#define NPY_HEADER_ENCODED_MAX 1024

/* The version 1.0 header numpy 1.24 writes for a little-endian float32
 * C-order array of this shape, magic and length included, padded with
 * spaces and a final '\n' so the data starts at a multiple of 64 bytes.
 * Writes at most buf_size bytes; `*length` gets the header's size.
 * C1D_INVALID_ARG when ndim > NPY_MAX_DIMS or buf is too small
 * (NPY_HEADER_ENCODED_MAX bytes are always enough). */
c1d_status npy_header_encode(size_t ndim, const size_t *shape, char *buf, size_t buf_size, size_t *length);

/* Saves a float32 array (C order, `data` holds the product of `shape`
 * floats, any alignment) as a version 1.0 '<f4' .npy file, byte for byte
 * what np.save writes. The file is replaced atomically: on failure the
 * previous file (if any) is untouched and no partial file is left. */
c1d_status npy_save(const char *path, size_t ndim, const size_t *shape, const float *data);

/* Test hook: the allocator npy_load and npy_load_memory use for the array
 * and their scratch buffers (malloc and free by default; NULL restores
 * them). The tests make the n-th allocation fail with it. */
void npy_set_allocator(void *(*alloc_fn)(size_t), void (*free_fn)(void *));

#endif
