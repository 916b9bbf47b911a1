#ifndef HOSTATTEST_CZLIB_SHIM_H
#define HOSTATTEST_CZLIB_SHIM_H
// zlib (zlib1g-dev), for gunzip of VIB payloads. Reached only from AttestCore (internal import).
#include <zlib.h>

// inflateInit2 is a macro; expose it as a function.
static inline int CZlib_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}
static inline int CZlib_deflateInit2(z_streamp strm, int level, int method, int windowBits, int memLevel, int strategy) {
    return deflateInit2(strm, level, method, windowBits, memLevel, strategy);
}
#endif
