/* path.c: c1d's path for a problem. See path.h. */
#include "path.h"

bench_path bench_path_of(const c1d_conv *conv) {
    c1d_path path = C1D_PATH_AUTO;
    const char *reason = "unknown";
    if (c1d_conv_path(conv, &path, &reason) != C1D_OK) return (bench_path){"unknown", c1d_last_error()};
    return (bench_path){c1d_path_name(path), reason};
}
