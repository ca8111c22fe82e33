
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Small helpers for mlclf-train: a monotonic clock, the number of cores
 * this process may run on, and the window a reader of a mapped CSV
 * holds.
 */


#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
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
