#ifndef INTERVEN_CPLATFORM_H
#define INTERVEN_CPLATFORM_H
// Two things of the C platform that Swift does not expose: a cache prefetch hint, and the
// O_DIRECT open flag (defined by the C library only with _GNU_SOURCE, and different per
// architecture).

/// Asks the CPU to start loading the cache line at `address` for reading; a hint only.
static inline __attribute__((always_inline)) void iv_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 0);
}

/// O_DIRECT where the system has it (Linux), otherwise 0.
int iv_direct_io_flag(void);

/// Gives the whole pages between `start` and `start + length` back to the system while the
/// memory stays mapped (madvise MADV_DONTNEED): their contents are lost, the next touch finds
/// zeros. Partial pages at either end are kept. Does nothing where the system lacks it.
void iv_discard_pages(void *start, unsigned long length);

#endif
