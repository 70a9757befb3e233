#ifndef GM_CZLIB_SHIM_H
#define GM_CZLIB_SHIM_H
#include <zlib.h>

/* inflateInit2 is a macro; Swift cannot call macros. windowBits 15 + 32: zlib or gzip header. */
static inline int gm_inflate_init(z_streamp stream) {
    return inflateInit2(stream, 15 + 32);
}

/* deflateInit2 with a gzip header (windowBits 15 + 16), for tools and tests that send gzip. */
static inline int gm_deflate_init_gzip(z_streamp stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
#endif
