
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Small helpers for mlclf-train: a monotonic clock and the number of
 * cores this process may run on.
 */


#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
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
