/* heap.h - how the hub's processes keep the memory they allocate: the C
 * library's allocator set once here, not at each place that allocates. */
#ifndef LINLI_HUB_HEAP_H
#define LINLI_HUB_HEAP_H

#include <stddef.h>

/* Keep up to bytes of freed memory in the process instead of giving it back
 * to the kernel (which zeroes it again, page by page, when it is asked for
 * again).  Only ever raises what is kept: the largest value asked stands. */
void hub_heap_keep(size_t bytes);

/* For a long-running server whose requests each touch megabytes; once, at its
 * start, before it starts any thread or allocates much (the heap grows here,
 * and what it grows by is what is advised: a heap that already has a megabyte
 * free does not grow, and then nothing is).  Every thread allocates from one
 * heap, which grows 64 MB at a time and keeps up to 128 MB free; blocks under
 * 32 MB come from it, not from fresh mappings; its first 64 MB are advised as
 * huge pages (2 MB) and faulted in here (64 MB resident from the start, a
 * few milliseconds): the first requests after a start do not pay for it.
 * Under an allocator that is not the C library's (a sanitizer's), or on a
 * kernel without transparent huge pages, it changes nothing else. */
void hub_heap_serve(void);

#endif
