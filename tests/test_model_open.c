
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Models in files: mlclf_model_open() errors, mlclf_write()'s atomic
 * publishing (only the model file in its directory, whatever fails),
 * and the sealed copy mlclf_model_open() reads into, with its size
 * checks.  The reader against damaged bytes is in test_model.c.
 */


#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mlclf.h"
#include "mlclf_format.h"
#include "mlclf_model.h"
#include "files.h"
#include "model_spec.h"
#include "tap.h"


static void
test_files(void)
{
    int             rc, fd;
    char            dir[64], path[160], sub[96];
    mlclf_err_t     err;
    mlclf_spec_t    spec;
    mlclf_model_t  *m;

    files_tmpdir(dir, sizeof(dir), "mlclf-model");

    snprintf(path, sizeof(path), "%s/missing.mlclf", dir);
    m = (mlclf_model_t *) 1;
    rc = mlclf_model_open(&m, path, 0, &err);
    is_int(rc, MLCLF_EIO, "open a missing file");
    ok(m == NULL, "no model on failure");
    ok(strstr(err.msg, "open") != NULL && strstr(err.msg, path) != NULL
       && strstr(err.msg, strerror(ENOENT)) != NULL,
       "message names the call, the path and errno: %s", err.msg);

    rc = mlclf_model_open(&m, dir, 0, &err);
    is_int(rc, MLCLF_EIO, "open a directory");

    snprintf(path, sizeof(path), "%s/empty.mlclf", dir);
    fd = open(path, O_WRONLY | O_CREAT, 0644);
    close(fd);
    is_int(mlclf_model_open(&m, path, 0, &err), MLCLF_ETRUNCATED,
           "open an empty file");
    unlink(path);

    snprintf(path, sizeof(path), "%s/model.mlclf", dir);
    model_spec_logreg(&spec);
    rc = mlclf_write(path, &spec, &err);
    is_int(rc, MLCLF_OK, "write a model");
    is_int(files_count(dir, ""), 1, "only the model file in the directory");

    rc = mlclf_model_open(&m, path, 0, &err);
    is_int(rc, MLCLF_OK, "open it");
    is_int(mlclf_model_kind(m), MLCLF_KIND_LOGREG, "it is the logreg");
    mlclf_model_close(&m);

    /* replace it: the open mapping of the old file is not disturbed */
    rc = mlclf_model_open(&m, path, 0, &err);
    model_spec_forest(&spec);
    is_int(mlclf_write(path, &spec, &err), MLCLF_OK, "replace the model");
    is_int(files_count(dir, ""), 1, "still only the model file");
    is_int(mlclf_model_kind(m), MLCLF_KIND_LOGREG, "old mapping unchanged");
    mlclf_model_close(&m);

    rc = mlclf_model_open(&m, path, 0, &err);
    is_int(rc == MLCLF_OK ? (int) mlclf_model_kind(m) : rc,
           MLCLF_KIND_FOREST, "the new file is the forest");
    mlclf_model_close(&m);

    /* an invalid spec writes nothing */
    spec.n_leaves = 4;
    is_int(mlclf_write(path, &spec, &err), MLCLF_ETREE,
           "invalid spec is refused");
    is_int(files_count(dir, ""), 1, "no temp file after a refused spec");
    model_spec_forest(&spec);

    snprintf(path, sizeof(path), "%s/nodir/model.mlclf", dir);
    rc = mlclf_write(path, &spec, &err);
    is_int(rc, MLCLF_EIO, "write into a missing directory");
    ok(strstr(err.msg, "open") != NULL, "message names open: %s", err.msg);
    is_int(files_count(dir, ""), 1, "nothing created");

    /* rename over a directory fails after the temp file was written */
    snprintf(sub, sizeof(sub), "%s/sub", dir);
    mkdir(sub, 0755);
    snprintf(path, sizeof(path), "%s/x", sub);
    mkdir(path, 0755);
    rc = mlclf_write(path, &spec, &err);
    is_int(rc, MLCLF_EIO, "rename over a directory fails");
    ok(strstr(err.msg, "rename") != NULL, "message names rename: %s",
       err.msg);
    is_int(files_count(sub, ""), 1, "temp file removed after the failure");

    is_int(mlclf_write("", &spec, &err), MLCLF_EINVAL, "empty path");

    snprintf(path, sizeof(path), "%s/x", sub);
    rmdir(path);
    rmdir(sub);
    snprintf(path, sizeof(path), "%s/model.mlclf", dir);
    unlink(path);
    ok(rmdir(dir) == 0, "temp dir empty at the end");
}


/*
 * mlclf_model_open() reads into sealed memory: writing, truncating or
 * deleting the file afterwards changes nothing the model reads, and the
 * copy cannot be made writable.  Sizes are checked before reading.
 */
static void
test_sealed(void)
{
    int                   rc;
    char                  dir[64], path[160];
    size_t                len, page;
    double                x[2], p[3], q[3];
    uint8_t              *g, *z;
    uint32_t              c, d;
    mlclf_err_t           err;
    mlclf_model_t        *m;
    mlclf_file_header_t  *h;

    files_tmpdir(dir, sizeof(dir), "mlclf-sealed");

    snprintf(path, sizeof(path), "%s/model.mlclf", dir);

    g = model_spec_good(MLCLF_KIND_FOREST, &len);
    z = calloc(1, len + 64);

    if (z == NULL || files_write(path, g, len) != 0) {
        ok(0, "write %s", path);
        return;
    }

    rc = mlclf_model_open(&m, path, 0, &err);
    is_int(rc, MLCLF_OK, "open a forest");

    if (rc != MLCLF_OK) {
        return;
    }

    x[0] = 0.25;
    x[1] = -2.0;
    c = mlclf_predict_proba(m, x, p);

    /* the same size, every node and leaf zero: trees pointing at roots */
    memcpy(z, g, MLCLF_HEADER_SIZE);
    ok(files_write(path, z, len) == 0, "file overwritten in place, same size");
    d = mlclf_predict_proba(m, x, q);
    ok(c == d && memcmp(p, q, sizeof(p)) == 0,
       "the model still answers as verified");

    ok(truncate(path, 10) == 0, "file truncated under the model");
    d = mlclf_predict_proba(m, x, q);
    ok(c == d && memcmp(p, q, sizeof(p)) == 0, "still the same answer");

    ok(unlink(path) == 0, "file deleted");
    is_str(mlclf_model_class_label(m, 2), "c", "labels still readable");

    page = (size_t) sysconf(_SC_PAGESIZE);
    ok(mprotect((void *) m->base, page, PROT_READ | PROT_WRITE) == -1,
       "the copy cannot be made writable: %s", strerror(errno));

    mlclf_model_close(&m);

    /* the size limit, checked before reading */
    ok(files_write(path, g, len) == 0, "file written again");
    is_int(mlclf_model_open(&m, path, len, &err), MLCLF_OK,
           "a limit of exactly the file's size");
    mlclf_model_close(&m);

    is_int(mlclf_model_open(&m, path, len - 1, &err), MLCLF_ETOOBIG,
           "one byte over the limit: %s", err.msg);
    ok(m == NULL, "no model");

    /* a header claiming more than the file, or less */
    h = (mlclf_file_header_t *) g;
    h->file_size = (uint64_t) 20 << 30;
    ok(files_write(path, g, len) == 0, "header claims 20 GiB");
    rc = mlclf_model_open(&m, path, 0, &err);
    is_int(rc, MLCLF_ETRUNCATED, "refused before reading: %s", err.msg);

    h->file_size = len;
    memset(g + len, 0, 8);
    ok(files_write(path, g, len + 8) == 0, "8 bytes appended");
    rc = mlclf_model_open(&m, path, 0, &err);
    is_int(rc, MLCLF_EHEADER, "trailing bytes: %s", err.msg);
    ok(strstr(err.msg, "trailing") != NULL, "message says trailing");

    /* a sparse file as long as its header claims: bounded by the limit */
    h->file_size = (uint64_t) 1 << 30;
    ok(files_write(path, g, len) == 0 && truncate(path, (off_t) 1 << 30) == 0,
       "a sparse 1 GiB file whose header claims 1 GiB");
    rc = mlclf_model_open(&m, path, 256 << 20, &err);
    is_int(rc, MLCLF_ETOOBIG, "refused by a 256 MiB limit: %s", err.msg);
    unlink(path);

    /* a FIFO nobody writes to: refused at once, no wait for a writer */
    ok(mkfifo(path, 0600) == 0, "a FIFO");
    rc = mlclf_model_open(&m, path, 0, &err);
    is_int(rc, MLCLF_EIO, "a FIFO is refused: %s", err.msg);
    ok(strstr(err.msg, "not a regular file") != NULL,
       "as not a regular file");
    unlink(path);

    free(g);
    free(z);
    ok(rmdir(dir) == 0, "temp dir empty at the end");
}


int
main(void)
{
    test_files();
    test_sealed();

    return tap_done();
}
