/* status.c: status names, the per-thread error message, the version. */
#include <stdarg.h>
#include <stdio.h>

#include "internal.h"

static _Thread_local char last_error[512];

c1d_status c1d_fail(c1d_status status, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    return status;
}

const char *c1d_last_error(void) { return last_error; }

const char *c1d_status_name(c1d_status status) {
    switch (status) {
    case C1D_OK: return "C1D_OK";
    case C1D_INVALID_ARG: return "C1D_INVALID_ARG";
    case C1D_SHAPE_MISMATCH: return "C1D_SHAPE_MISMATCH";
    case C1D_TOO_LARGE: return "C1D_TOO_LARGE";
    case C1D_NOMEM: return "C1D_NOMEM";
    case C1D_PARSE: return "C1D_PARSE";
    case C1D_UNSUPPORTED: return "C1D_UNSUPPORTED";
    case C1D_IO: return "C1D_IO";
    case C1D_ALIAS: return "C1D_ALIAS";
    case C1D_NOT_READY: return "C1D_NOT_READY";
    }
    return "unknown status";
}

const char *c1d_version(void) { return C1D_VERSION_STRING; }
