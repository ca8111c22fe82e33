
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Small helpers for mlclf-train: a monotonic clock, the number of cores
 * this process may run on, the window a reader of a mapped CSV holds,
 * and the allocation of large arrays.
 */


#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <mlclf_train.h>


double
mlclf_train_now(void)
{
    struct timespec  ts;

    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        return 0.0;
    }

    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}


/*
 * The affinity mask is what counts under taskset or a container's cpuset;
 * the online count is the fallback.
 */
uint32_t
mlclf_train_ncpu(void)
{
    long       n;
    cpu_set_t  set;

    n = 0;

    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) == 0) {
        n = CPU_COUNT(&set);
    }

    if (n <= 0) {
        n = sysconf(_SC_NPROCESSORS_ONLN);
    }

    if (n <= 0) {
        n = 1;
    }

    if (n > 1024) {
        n = 1024;
    }

    return (uint32_t) n;
}


#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ  22          /* Linux 5.14 */
#endif


void
mlclf_train_text_fetch(const char *from, const char *to)
{
    uintptr_t  a, b, pg;

    pg = (uintptr_t) sysconf(_SC_PAGESIZE);
    a = (uintptr_t) from & ~(pg - 1);
    b = (uintptr_t) to;

    if (b <= a) {
        return;
    }

    /* an older kernel: read ahead at least, the pages fault in */
    if (madvise((void *) a, b - a, MADV_POPULATE_READ) != 0) {
        (void) madvise((void *) a, b - a, MADV_WILLNEED);
    }
}


void
mlclf_train_text_release(const char *from, const char *to)
{
    uintptr_t  a, b, pg;

    pg = (uintptr_t) sysconf(_SC_PAGESIZE);
    a = ((uintptr_t) from + pg - 1) & ~(pg - 1);
    b = (uintptr_t) to & ~(pg - 1);

    if (b > a) {
        (void) madvise((void *) a, b - a, MADV_DONTNEED);
    }
}


#define MLCLF_TRAIN_HUGE  (2 * 1024 * 1024)


void *
mlclf_train_alloc_large(size_t size)
{
    void  *p;

    if (size < 4 * MLCLF_TRAIN_HUGE) {
        return malloc(size ? size : 1);
    }

    if (posix_memalign(&p, MLCLF_TRAIN_HUGE, size) != 0) {
        return NULL;
    }

    /* a kernel without transparent huge pages refuses: small pages */
    (void) madvise(p, size, MADV_HUGEPAGE);

    return p;
}
