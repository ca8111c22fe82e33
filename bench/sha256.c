
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Hashing speed of common/mlclf_sha256.c on one file, the figure of
 * bench/RESULTS.md:
 *
 *   cc -O2 -Icommon -Ilibmlclf -o build/bench/sha256 bench/sha256.c \
 *       common/mlclf_sha256.c -lcrypto
 *   build/bench/sha256 FILE [REPEATS]
 *
 * Maps FILE, hashes it whole in one call REPEATS times (default 10) and
 * prints the digest and the best MB/s by the thread's CPU time, which
 * other processes on the machine do not inflate.
 */


#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <mlclf.h>
#include "mlclf_sha256.h"


static double
sha256_cpu(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);

    return ts.tv_sec + ts.tv_nsec / 1e9;
}


int
main(int argc, char **argv)
{
    int           fd, i, repeats;
    char          hex[65];
    void         *map;
    double        t, best;
    uint8_t       digest[32];
    struct stat   st;

    if (argc < 2) {
        fprintf(stderr, "usage: sha256 FILE [REPEATS]\n");
        return 2;
    }

    repeats = (argc > 2) ? atoi(argv[2]) : 10;

    if (repeats < 1) {
        repeats = 10;
    }

    fd = open(argv[1], O_RDONLY);

    if (fd == -1 || fstat(fd, &st) == -1 || st.st_size == 0) {
        perror(argv[1]);
        return 1;
    }

    map = mmap(NULL, (size_t) st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) {
        perror("mmap");
        return 1;
    }

    best = 0.0;

    for (i = 0; i < repeats; i++) {
        t = sha256_cpu();

        if (mlclf_sha256(map, (size_t) st.st_size, digest) != MLCLF_OK) {
            fprintf(stderr, "sha256: out of memory\n");
            return 1;
        }

        t = sha256_cpu() - t;

        if (best == 0.0 || t < best) {
            best = t;
        }
    }

    mlclf_sha256_hex(digest, hex);

    printf("%s  %lld bytes  %.0f MB/s (best of %d by CPU time)\n", hex,
           (long long) st.st_size, st.st_size / best / 1e6, repeats);

    return 0;
}
