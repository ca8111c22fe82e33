
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Small helpers for mlclf-train: a monotonic clock, the number of cores
 * this process may run on, opening input files, and text quoted for
 * messages.
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


/*
 * O_NONBLOCK: open(2) of a FIFO waits for a writer, and a device may
 * wait too; the type is known only once it is open.  O_NOCTTY: a
 * terminal named as input must not become ours.
 */
int
mlclf_train_open(const char *path, struct stat *st, mlclf_err_t *err)
{
    int          fd, e, fl;
    const char  *type;

    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd == -1) {
        mlclf_err_set(err, MLCLF_EIO, "%s: %s", path, strerror(errno));
        return -1;
    }

    if (fstat(fd, st) == -1) {
        e = errno;
        close(fd);
        mlclf_err_set(err, MLCLF_EIO, "%s: %s", path, strerror(e));
        return -1;
    }

    if (!S_ISREG(st->st_mode)) {
        close(fd);

        type = S_ISDIR(st->st_mode) ? "a directory, "
               : S_ISFIFO(st->st_mode) ? "a FIFO, "
               : S_ISCHR(st->st_mode) ? "a character device, "
               : S_ISBLK(st->st_mode) ? "a block device, "
               : S_ISSOCK(st->st_mode) ? "a socket, " : "";

        mlclf_err_set(err, MLCLF_EIO, "%s: %snot a regular file", path,
                      type);
        return -1;
    }

    /* reads block again, as a regular file's always do */
    fl = fcntl(fd, F_GETFL);
    if (fl == -1 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1) {
        e = errno;
        close(fd);
        mlclf_err_set(err, MLCLF_EIO, "%s: fcntl: %s", path, strerror(e));
        return -1;
    }

    return fd;
}


/*
 * Data and configuration files may hold anything: a message shows their
 * text on one line, with nothing a terminal would act on.
 */
const char *
mlclf_train_quote(const char *s, size_t len, char *buf)
{
    size_t         i, k, n;
    unsigned char  c;

    n = len > MLCLF_TRAIN_QUOTE_MAX ? MLCLF_TRAIN_QUOTE_MAX - 3 : len;
    k = 0;

    buf[k++] = '"';

    for (i = 0; i < n; i++) {
        c = (unsigned char) s[i];

        if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
            k += (size_t) snprintf(buf + k, MLCLF_TRAIN_QUOTE_LEN - k,
                                   "\\x%02x", c);

        } else {
            buf[k++] = (char) c;
        }
    }

    if (n < len) {
        memcpy(buf + k, "...", 3);
        k += 3;
    }

    buf[k++] = '"';
    buf[k] = '\0';

    return buf;
}
