#ifndef MOOR_CZLIB_SHIM_H
#define MOOR_CZLIB_SHIM_H

#include <zlib.h>

/// `inflateInit2` is a macro, which Swift cannot call; this passes the library version and the
/// stream size the same way.
static inline int moor_inflateInit2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}

#endif
