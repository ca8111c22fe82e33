
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Input files of the CLIs (mlclf_file.h).
 */


#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <mlclf_file.h>


/* one read(2) asks for at most this much (Linux stops near 2 GiB) */
#define MLCLF_FILE_CHUNK  ((size_t) 1 << 30)


/*
 * O_NONBLOCK: open(2) of a FIFO waits for a writer, and a device may
 * wait too; the type is known only once it is open.  O_NOCTTY: a
 * terminal named as input must not become ours.
 */
int
mlclf_file_open(const char *path, struct stat *st, mlclf_err_t *err)
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


int
mlclf_file_read_fd(int fd, const char *path, size_t size, char **buf,
    size_t *len, mlclf_err_t *err)
{
    int      e;
    char    *p;
    size_t   n, want;
    ssize_t  r;

    *buf = NULL;
    *len = 0;

    p = size < SIZE_MAX ? malloc(size + 1) : NULL;
    if (p == NULL) {
        (void) close(fd);
        return mlclf_err_set(err, MLCLF_ENOMEM, "%s: out of memory for "
                             "%zu bytes", path, size);
    }

    n = 0;

    while (n < size) {
        want = size - n;
        if (want > MLCLF_FILE_CHUNK) {
            want = MLCLF_FILE_CHUNK;
        }

        r = read(fd, p + n, want);

        if (r == -1 && errno == EINTR) {
            continue;
        }

        if (r <= 0) {
            e = errno;
            free(p);
            (void) close(fd);
            return mlclf_err_set(err, MLCLF_EIO, "%s: read: %s", path,
                                 r == 0 ? "file shrank while reading"
                                        : strerror(e));
        }

        n += (size_t) r;
    }

    (void) close(fd);

    p[n] = '\0';
    *buf = p;
    *len = n;

    return MLCLF_OK;
}


int
mlclf_file_read(const char *path, size_t max, char **buf, size_t *len,
    mlclf_err_t *err)
{
    int          fd;
    struct stat  st;

    *buf = NULL;
    *len = 0;

    fd = mlclf_file_open(path, &st, err);
    if (fd == -1) {
        return MLCLF_EIO;
    }

    if ((uintmax_t) st.st_size > max) {
        (void) close(fd);
        return mlclf_err_set(err, MLCLF_EINVAL, "%s: larger than %zu bytes",
                             path, max);
    }

    return mlclf_file_read_fd(fd, path, (size_t) st.st_size, buf, len, err);
}


int
mlclf_file_error(mlclf_err_t *err, int code, const char *path,
    size_t line, size_t col, const char *fmt, va_list ap)
{
    char  msg[MLCLF_ERR_MSG_LEN];

    vsnprintf(msg, sizeof(msg), fmt, ap);

    return mlclf_err_set(err, code, "%s:%zu:%zu: %s", path, line, col, msg);
}
