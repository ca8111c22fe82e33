
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Reads a model file into sealed read-only memory and verifies it
 * there: what the module serves cannot change after the master read it.
 */


/* memfd_create() and the F_SEAL_* fcntl()s */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mlclf.h"
#include "mlclf_model_parse.h"


static int mlclf_check_size(int fd, const char *path, size_t size,
    mlclf_err_t *err);
static int mlclf_read_sealed(int fd, const char *path, size_t size,
    void **map, size_t *map_size, mlclf_err_t *err);


/*
 * Reads the first header's worth of fd and checks the size it declares
 * against the file's, before anything else is read: a header that lies
 * about a huge file costs one pread, not the whole read.
 */
static int
mlclf_check_size(int fd, const char *path, size_t size, mlclf_err_t *err)
{
    ssize_t              n;
    mlclf_file_header_t  h;

    if (size < MLCLF_HEADER_SIZE) {
        return MLCLF_OK;    /* mlclf_model_parse_header() says what is wrong */
    }

    n = pread(fd, &h, sizeof(h), 0);

    if (n != (ssize_t) sizeof(h)) {
        return mlclf_err_set(err, MLCLF_EIO, "read \"%s\": %s", path,
                             n == -1 ? strerror(errno) : "short read");
    }

    if (memcmp(h.magic, MLCLF_MAGIC, MLCLF_MAGIC_LEN) != 0
        || h.file_size == size)
    {
        return MLCLF_OK;
    }

    if (h.file_size > size) {
        return mlclf_err_set(err, MLCLF_ETRUNCATED,
                             "file is %zu bytes, its header says %llu",
                             size, (mlclf_ull_t) h.file_size);
    }

    return mlclf_err_set(err, MLCLF_EHEADER,
                         "%llu bytes of trailing garbage after the "
                         "declared file size %llu",
                         (mlclf_ull_t) (size - h.file_size),
                         (mlclf_ull_t) h.file_size);
}


/*
 * Copies size bytes of fd into a new memfd, seals it against any change
 * and maps it read-only.  The memfd itself is closed: the mapping keeps
 * the pages, and a fork() shares them.
 */

static int
mlclf_read_sealed(int fd, const char *path, size_t size, void **map,
    size_t *map_size, mlclf_err_t *err)
{
    int       mfd, rc;
    char     *w;
    size_t    done;
    ssize_t   n;

    *map = NULL;
    *map_size = 0;

    mfd = memfd_create("mlclf-model", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (mfd == -1) {
        return mlclf_err_set(err, MLCLF_EIO, "memfd_create: %s",
                             strerror(errno));
    }

    w = MAP_FAILED;

    if (ftruncate(mfd, (off_t) size) == -1) {
        rc = mlclf_err_set(err, errno == ENOMEM || errno == ENOSPC
                                ? MLCLF_ENOMEM : MLCLF_EIO,
                           "ftruncate(memfd, %zu): %s", size,
                           strerror(errno));
        goto failed;
    }

    w = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
    if (w == MAP_FAILED) {
        rc = mlclf_err_set(err, MLCLF_ENOMEM, "mmap(memfd, %zu): %s", size,
                           strerror(errno));
        goto failed;
    }

    for (done = 0; done < size; done += (size_t) n) {
        n = pread(fd, w + done, size - done, (off_t) done);

        if (n == -1 && errno == EINTR) {
            n = 0;
            continue;
        }

        if (n == -1) {
            rc = mlclf_err_set(err, MLCLF_EIO, "read \"%s\": %s", path,
                               strerror(errno));
            goto failed;
        }

        if (n == 0) {
            rc = mlclf_err_set(err, MLCLF_ETRUNCATED,
                               "\"%s\" shrank to %zu bytes while it was read",
                               path, done);
            goto failed;
        }
    }

    /* F_SEAL_WRITE needs the writable mapping gone first */

    (void) munmap(w, size);
    w = MAP_FAILED;

    if (fcntl(mfd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW
                                | F_SEAL_SEAL)
        == -1)
    {
        rc = mlclf_err_set(err, MLCLF_EIO, "fcntl(memfd, F_ADD_SEALS): %s",
                           strerror(errno));
        goto failed;
    }

    /*
     * Exactly the model's pages: the kernels walk a layout made from the
     * verified bytes (mlclf_model_pack.c), never an index read from here.
     */

    *map_size = size;
    *map = mmap(NULL, size, PROT_READ, MAP_SHARED, mfd, 0);

    if (*map == MAP_FAILED) {
        rc = mlclf_err_set(err, MLCLF_ENOMEM, "mmap(memfd, %zu): %s", size,
                           strerror(errno));
        goto failed;
    }

    (void) close(mfd);

    return MLCLF_OK;

failed:

    if (w != MAP_FAILED) {
        (void) munmap(w, size);
    }

    (void) close(mfd);

    return rc;
}


int
mlclf_model_open(mlclf_model_t **mp, const char *path, size_t max_size,
    mlclf_err_t *err)
{
    int             fd, rc;
    void           *map;
    size_t          size, map_size;
    struct stat     st;
    mlclf_model_t  *m;

    if (mp == NULL || path == NULL) {
        return mlclf_err_set(err, MLCLF_EINVAL, "NULL argument");
    }

    *mp = NULL;

    /* O_NONBLOCK: opening a FIFO must not wait for a writer */

    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd == -1) {
        return mlclf_err_set(err, MLCLF_EIO, "open \"%s\": %s", path,
                             strerror(errno));
    }

    if (fstat(fd, &st) == -1) {
        rc = mlclf_err_set(err, MLCLF_EIO, "fstat \"%s\": %s", path,
                           strerror(errno));
        goto done;
    }

    if (!S_ISREG(st.st_mode)) {
        rc = mlclf_err_set(err, MLCLF_EIO, "\"%s\" is not a regular file",
                           path);
        goto done;
    }

    if (st.st_size == 0) {
        rc = mlclf_err_set(err, MLCLF_ETRUNCATED, "file is empty");
        goto done;
    }

    if ((max_size != 0 && (uint64_t) st.st_size > max_size)
        || (uint64_t) st.st_size > SIZE_MAX)
    {
        rc = mlclf_err_set(err, MLCLF_ETOOBIG,
                           "\"%s\" is %llu bytes, more than the limit of %zu",
                           path, (mlclf_ull_t) st.st_size,
                           max_size ? max_size : SIZE_MAX);
        goto done;
    }

    size = (size_t) st.st_size;

    rc = mlclf_check_size(fd, path, size, err);
    if (rc != MLCLF_OK) {
        goto done;
    }

    rc = mlclf_read_sealed(fd, path, size, &map, &map_size, err);
    if (rc != MLCLF_OK) {
        goto done;
    }

    m = calloc(1, sizeof(mlclf_model_t));
    if (m == NULL) {
        (void) munmap(map, map_size);
        rc = mlclf_err_set(err, MLCLF_ENOMEM, "cannot allocate a model");
        goto done;
    }

    /* what is verified is the sealed copy: exactly what will be read */

    rc = mlclf_model_parse(m, map, size, err);

    m->base = map;
    m->size = size;
    m->map_size = map_size;

    if (rc != MLCLF_OK) {
        mlclf_model_free(m);
        goto done;
    }

    *mp = m;

done:

    (void) close(fd);

    return rc;
}
