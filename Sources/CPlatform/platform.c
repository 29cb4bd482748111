#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>
#include "CPlatform.h"

int iv_direct_io_flag(void) {
#ifdef O_DIRECT
    return O_DIRECT;
#else
    return 0;
#endif
}

void iv_discard_pages(void *start, unsigned long length) {
#ifdef MADV_DONTNEED
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t from = ((uintptr_t)start + page - 1) & ~(page - 1);
    uintptr_t to = ((uintptr_t)start + length) & ~(page - 1);
    if (to > from) madvise((void *)from, to - from, MADV_DONTNEED);
#else
    (void)start; (void)length;
#endif
}
