#ifndef INTERVEN_CZLIB_SHIM_H
#define INTERVEN_CZLIB_SHIM_H
// zlib (Debian: zlib1g-dev): the DEFLATE of HdrHistogram's compressed encoding, which the
// load generator's interval logs (.hlog) carry.
#include <zlib.h>
#endif
