/* cli_error.c: the message of the step that failed. The tool is single
 * threaded, but the buffer is thread-local so that the .npy code stays safe
 * to call from threaded tests. */
#include <stdarg.h>
#include <stdio.h>

#include "cli.h"

/* Long enough for two PATH_MAX paths and a library message. */
static _Thread_local char last_error[10240];
static _Thread_local bool last_is_usage;

static void record(const char *fmt, va_list ap) { vsnprintf(last_error, sizeof last_error, fmt, ap); }

c1d_status cli_fail(c1d_status status, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    record(fmt, ap);
    va_end(ap);
    last_is_usage = false;
    return status;
}

c1d_status cli_usage(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    record(fmt, ap);
    va_end(ap);
    last_is_usage = true;
    return C1D_INVALID_ARG;
}

const char *cli_last_error(void) { return last_error; }

bool cli_last_error_is_usage(void) { return last_is_usage; }
