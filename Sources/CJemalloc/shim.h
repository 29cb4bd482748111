#ifndef INTERVEN_CJEMALLOC_SHIM_H
#define INTERVEN_CJEMALLOC_SHIM_H
// Debian's libjemalloc is built without a symbol prefix, so linking it replaces malloc/free
// for the whole process; mallctl gives us its statistics (allocation counts for `bench`).
#include <jemalloc/jemalloc.h>
#endif
