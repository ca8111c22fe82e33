
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The files of a registry version: model.mlclf, meta.json, train.csv,
 * test.csv.  They are written into the staging directory, each
 * fsync'd; the directory becomes visible as versions/v<N> only when
 * mlclf_registry_commit() renames it, so no half-written file is ever
 * published and no per-file rename is needed.
 */


#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <mlclf_train.h>
#include <mlclf_registry_store.h>


typedef struct {
    int                       fd;
    char                     *buf;
    size_t                    len;
    size_t                    size;
} mlclf_train_out_t;


static int mlclf_train_publish_path(char *path, size_t size, const char *dir,
    const char *file, mlclf_err_t *err);
static int mlclf_train_out_flush(mlclf_train_out_t *o);
static int mlclf_train_out_put(mlclf_train_out_t *o, const char *p,
    size_t n);
static int mlclf_train_out_line(mlclf_train_out_t *o, const char *p,
    size_t n);
static int mlclf_train_size_cmp(const void *a, const void *b);


static int
mlclf_train_publish_path(char *path, size_t size, const char *dir,
    const char *file, mlclf_err_t *err)
{
    int  n;

    n = snprintf(path, size, "%s/%s", dir, file);

    if (n < 0 || (size_t) n >= size) {
        return mlclf_err_set(err, MLCLF_EINVAL, "%s/%s: path too long",
                             dir, file);
    }

    return MLCLF_OK;
}


static int
mlclf_train_out_flush(mlclf_train_out_t *o)
{
    if (mlclf_registry_write_all(o->fd, o->buf, o->len) != 0) {
        return -1;
    }

    o->len = 0;

    return 0;
}


static int
mlclf_train_out_put(mlclf_train_out_t *o, const char *p, size_t n)
{
    if (n > o->size - o->len && mlclf_train_out_flush(o) != 0) {
        return -1;
    }

    if (n > o->size) {
        return mlclf_registry_write_all(o->fd, p, n);
    }

    memcpy(o->buf + o->len, p, n);
    o->len += n;

    return 0;
}


/* One record, with its line terminator (LF or CRLF) replaced by LF. */
static int
mlclf_train_out_line(mlclf_train_out_t *o, const char *p, size_t n)
{
    while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\r')) {
        n--;
    }

    if (mlclf_train_out_put(o, p, n) != 0) {
        return -1;
    }

    return mlclf_train_out_put(o, "\n", 1);
}


static int
mlclf_train_size_cmp(const void *a, const void *b)
{
    size_t  x, y;

    x = *(const size_t *) a;
    y = *(const size_t *) b;

    return (x > y) - (x < y);
}


int
mlclf_train_publish_rows(const char *dir, const char *file,
    const mlclf_train_data_t *d, const size_t *rows, size_t n,
    mlclf_err_t *err)
{
    int                 fd, e;
    char                path[4096];
    size_t              i, r;
    size_t             *sorted;
    const char         *op, *rec, *done;
    mlclf_train_out_t   o;

    if (mlclf_train_publish_path(path, sizeof(path), dir, file, err)
        != MLCLF_OK)
    {
        return MLCLF_EINVAL;
    }

    sorted = malloc((n ? n : 1) * sizeof(size_t));
    o.buf = malloc(65536);

    if (sorted == NULL || o.buf == NULL) {
        free(sorted);
        free(o.buf);
        return mlclf_err_set(err, MLCLF_ENOMEM, "%s: out of memory", path);
    }

    if (n) {
        memcpy(sorted, rows, n * sizeof(size_t));
        qsort(sorted, n, sizeof(size_t), mlclf_train_size_cmp);
    }

    o.len = 0;
    o.size = 65536;

    op = "open";
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
              0644);
    if (fd == -1) {
        goto failed;
    }

    o.fd = fd;

    op = "write";
    if (mlclf_train_out_line(&o, d->header, d->header_len) != 0) {
        goto failed;
    }

    done = d->text;

    for (i = 0; i < n; i++) {
        r = sorted[i];
        rec = d->text + d->rec_off[r];

        /* a mapped file's pages given back behind the records written */
        if (d->text_mapped && (size_t) (rec - done) > MLCLF_TRAIN_TEXT_WINDOW) {
            mlclf_train_text_release(done, rec);
            done = rec;
        }

        if (mlclf_train_out_line(&o, rec, d->rec_len[r]) != 0) {
            goto failed;
        }
    }

    if (d->text_mapped) {
        mlclf_train_text_release(done, d->text + d->text_len);
    }

    if (mlclf_train_out_flush(&o) != 0) {
        goto failed;
    }

    op = "fsync";
    if (fsync(fd) != 0) {
        goto failed;
    }

    op = "close";
    e = close(fd);
    fd = -1;
    if (e != 0) {
        goto failed;
    }

    free(sorted);
    free(o.buf);

    return MLCLF_OK;

failed:

    e = errno;

    if (fd != -1) {
        (void) close(fd);
        (void) unlink(path);
    }

    free(sorted);
    free(o.buf);

    return mlclf_err_set(err, MLCLF_EIO, "%s \"%s\": %s", op, path,
                         strerror(e));
}
