#ifndef INTERVEN_CZLIB_SHIM_H
#define INTERVEN_CZLIB_SHIM_H
// zlib, for the gzip activity logs (`run --activity log.csv.gz`); Debian: zlib1g-dev.
#include <zlib.h>
#endif
