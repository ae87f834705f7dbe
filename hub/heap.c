/* heap.c - the hub's use of the C library's allocator (hub/heap.h).
 *
 * Why: a page of memory costs a page fault the first time it is touched, and
 * on the virtual machines and old PCs hubs run on a fault costs microseconds.
 * With the C library's defaults each thread has its own heap, gives memory
 * back once a few megabytes lie free and maps each large block afresh, so a
 * dashboard answer computed again, or a push of a few thousand entries,
 * touched its megabytes anew (2,000-2,500 faults for a 2,000-organisation
 * hierarchy: docs/decisions/0058), and in a new process every page is new.
 * One heap kept between requests, in 2 MB pages, takes one fault per 2 MB
 * (docs/decisions/0064).  One heap for every thread costs no waiting: the hub
 * does its work under one lock (hub_ctx.lock) anyway. */
#include "heap.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#ifdef __GLIBC__
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

#define HEAP_GROW (64u << 20)
#define HEAP_KEEP (128u << 20)
#define HEAP_BLOCK_MAX (32u << 20)
#define HUGE_PAGE ((uintptr_t)2 << 20)

void hub_heap_keep(size_t bytes) {
#ifdef __GLIBC__
  static _Atomic size_t kept;
  if (bytes <= atomic_load(&kept) || bytes > (size_t)INT32_MAX) return;
  atomic_store(&kept, bytes);
  mallopt(M_TRIM_THRESHOLD, (int)bytes);
#else
  (void)bytes;
#endif
}

void hub_heap_serve(void) {
#ifdef __GLIBC__
  mallopt(M_ARENA_MAX, 1);
  mallopt(M_MMAP_THRESHOLD, (int)HEAP_BLOCK_MAX);
  mallopt(M_TOP_PAD, (int)HEAP_GROW);
  hub_heap_keep(HEAP_KEEP);
  /* Grow the heap now, by more than it has free (volatile: a compiler may
   * drop a malloc whose block nobody uses), and advise what it grew by: the
   * kernel then backs each 2 MB of it with one page when first touched. */
  uintptr_t lo = (uintptr_t)sbrk(0);
  void *volatile p = malloc(1 << 20);
  uintptr_t hi = (uintptr_t)sbrk(0);
  free(p);
  if (lo == (uintptr_t)-1 || hi == (uintptr_t)-1 || hi <= lo) return;
  lo = (lo + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
  hi &= ~(HUGE_PAGE - 1);
  if (hi <= lo || madvise((void *)lo, hi - lo, MADV_HUGEPAGE) != 0) return;
#ifdef MADV_POPULATE_WRITE
  /* Faulted in now, as if written, without changing a byte of it (the
   * allocator's own words in it stay as they are): in a hub that has run a
   * while it is resident already, so the first push or answer after a start
   * is spared zeroing it, 2 MB at a time, mid-request (a sixth of a first
   * sync's CPU at the street; docs/decisions/0070).  A kernel older than
   * 5.14 refuses the advice: then the first requests fault it in. */
  (void)madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE);
#endif
#endif
}
