
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * What the fuzz targets share: FUZZ_CHECK() for their invariants and,
 * for the targets whose reader takes a path (fuzz_csv.c, fuzz_yaml.c),
 * a file of their own per process, written anew for each input.  The
 * targets link nothing of tests/ (tap.h, files.h): a fuzzer reports by
 * crashing.
 */


#ifndef _FUZZ_H_INCLUDED_
#define _FUZZ_H_INCLUDED_


#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>


/* a broken invariant stops the run, and libFuzzer keeps the input */
#define FUZZ_CHECK(c)  do { if (!(c)) { __builtin_trap(); } } while (0)


/*
 * "<dir>/mlclf_fuzz_<target>_<pid>.<ext>" into buf: dir is $TMPDIR if
 * set, else tmpfs if there is one (the file is rewritten every run),
 * else /tmp.
 */
static inline void
fuzz_file_path(char *buf, size_t size, const char *target, const char *ext)
{
    const char  *tmp;

    tmp = getenv("TMPDIR");
    if (tmp == NULL || tmp[0] == '\0') {
        tmp = (access("/dev/shm", W_OK) == 0) ? "/dev/shm" : "/tmp";
    }

    snprintf(buf, size, "%s/mlclf_fuzz_%s_%ld.%s", tmp, target,
             (long) getpid(), ext);
}


/*
 * Writes size bytes of data to path, as a new file each time: ext4
 * flushes a truncated file's new data on close (auto_da_alloc), which
 * makes the fuzzer wait on the disk.  0 or -1.
 */
static inline int
fuzz_file_write(const char *path, const void *data, size_t size)
{
    FILE  *f;

    (void) unlink(path);

    f = fopen(path, "wb");
    if (f == NULL) {
        return -1;
    }

    if (size && fwrite(data, 1, size, f) != size) {
        fclose(f);
        return -1;
    }

    return fclose(f) == 0 ? 0 : -1;
}


#endif /* _FUZZ_H_INCLUDED_ */
