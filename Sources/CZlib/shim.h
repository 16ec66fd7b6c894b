#ifndef ZONEPLANNER_CZLIB_SHIM_H
#define ZONEPLANNER_CZLIB_SHIM_H
#include <zlib.h>

// deflateInit2 is a macro (it passes ZLIB_VERSION and the struct size), which Swift
// cannot call; this wrapper can. windowBits 15 + 16 selects the gzip wrapper (RFC 1952).
static inline int zp_deflate_init_gzip(z_streamp stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
#endif
