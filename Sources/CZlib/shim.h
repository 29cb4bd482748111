#ifndef INTERVEN_CZLIB_SHIM_H
#define INTERVEN_CZLIB_SHIM_H
// zlib (Debian: zlib1g-dev): gzip activity logs (`run --activity log.csv.gz`), and the
// DEFLATE of HdrHistogram's compressed encoding in the load generator's interval logs (.hlog).
#include <zlib.h>
#endif
