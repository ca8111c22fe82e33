
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Publishing a registry version (mlclf_registry_store.h): stage() takes
 * the lock and makes a staging directory, commit() checks it and renames
 * it to versions/v<N>, abort() removes it.  Crash safety and links: the
 * top comment of mlclf_registry_store.c.
 */


#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <mlclf.h>
#include "mlclf_registry_int.h"


static int mlclf_registry_fsync_files(const char *dir, mlclf_err_t *err);
static int mlclf_registry_stage_versions(const char *dir, const char *path,
    mlclf_err_t *err);
static int mlclf_registry_stage_next(const char *dir, uint32_t *version,
    mlclf_err_t *err);
static int mlclf_registry_stage_dir(mlclf_registry_pub_t *pub,
    const char *dir, mlclf_err_t *err);


/* fsync every regular file in dir (the caller's writes are durable). */
static int
mlclf_registry_fsync_files(const char *dir, mlclf_err_t *err)
{
    DIR            *d;
    int             rc;
    char            path[MLCLF_REGISTRY_PATH_MAX];
    struct stat     st;
    struct dirent  *de;

    d = opendir(dir);
    if (d == NULL) {
        return mlclf_err_set(err, MLCLF_EIO, "%s: opendir: %s", dir,
                             strerror(errno));
    }

    rc = MLCLF_OK;

    while ((de = readdir(d)) != NULL) {
        if (mlclf_registry_path(path, NULL, "%s/%s", dir, de->d_name)
            != MLCLF_OK
            || lstat(path, &st) == -1 || !S_ISREG(st.st_mode))
        {
            continue;
        }

        rc = mlclf_registry_fsync_path(path, O_NOFOLLOW, err);
        if (rc != MLCLF_OK) {
            break;
        }
    }

    (void) closedir(d);

    if (rc != MLCLF_OK) {
        return rc;
    }

    return mlclf_registry_fsync_path(dir, O_NOFOLLOW | O_DIRECTORY, err);
}


/*
 * With the lock held: makes versions/ (path) in the model directory dir
 * if it is not there, and refuses it if it is a link or no directory.
 */
static int
mlclf_registry_stage_versions(const char *dir, const char *path,
    mlclf_err_t *err)
{
    int          rc;
    struct stat  st;

    /* versions/ is made under the lock, in a model dir that is no link */
    if (mkdir(path, 0755) == 0) {
        rc = mlclf_registry_fsync_path(dir, O_NOFOLLOW | O_DIRECTORY, err);
        if (rc != MLCLF_OK) {
            return rc;
        }

    } else if (errno != EEXIST) {
        return mlclf_err_set(err, MLCLF_EIO, "%s: mkdir: %s", path,
                             strerror(errno));
    }

    if (lstat(path, &st) == -1) {
        return mlclf_err_set(err, MLCLF_EIO, "%s: lstat: %s", path,
                             strerror(errno));
    }

    if (S_ISLNK(st.st_mode)) {
        return mlclf_err_set(err, MLCLF_REGISTRY_EUNSAFE,
                             MLCLF_REGISTRY_LINK_MSG, path);
    }

    if (!S_ISDIR(st.st_mode)) {
        return mlclf_err_set(err, MLCLF_REGISTRY_EUNSAFE,
                             "%s: not a directory, refused", path);
    }

    return MLCLF_OK;
}


/* With the lock held: the number of the version to stage in dir. */
static int
mlclf_registry_stage_next(const char *dir, uint32_t *version,
    mlclf_err_t *err)
{
    int                      rc;
    char                     path[MLCLF_REGISTRY_PATH_MAX];
    size_t                   n, i;
    uint32_t                *vs, max;
    struct stat              st;
    mlclf_registry_event_t  *ev;

    /*
     * N is above every version directory and every version history.log
     * names, so a deleted version's number is never given out again.
     */
    rc = mlclf_registry_scan(dir, &vs, &n, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    max = n ? vs[n - 1] : 0;
    free(vs);

    rc = mlclf_registry_history_dir(dir, &ev, &n, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    for (i = 0; i < n; i++) {
        if (ev[i].to > max) {
            max = ev[i].to;
        }
    }

    free(ev);

    if (max == UINT32_MAX) {
        return mlclf_err_set(err, MLCLF_EINVAL, "%s: no version numbers left",
                             dir);
    }

    *version = max + 1;

    /* scan() counts directories only: a link or file may hold the name */
    rc = mlclf_registry_path(path, err, "%s/versions/v%u", dir, *version);
    if (rc != MLCLF_OK) {
        return rc;
    }

    if (lstat(path, &st) == 0) {
        return mlclf_err_set(err, MLCLF_REGISTRY_EUNSAFE,
                             "%s: exists and is not a version directory, "
                             "refused", path);
    }

    return MLCLF_OK;
}


/* With the lock held: creates pub->dir for pub->version in dir. */
static int
mlclf_registry_stage_dir(mlclf_registry_pub_t *pub, const char *dir,
    mlclf_err_t *err)
{
    int          rc;
    struct stat  st;

    rc = mlclf_registry_path(pub->dir, err, "%s/versions/.staging-v%u-%ld",
                             dir, pub->version, (long) getpid());
    if (rc != MLCLF_OK) {
        return rc;
    }

    /* mkdir() never follows a link; clean() removed any stale one */
    if (mkdir(pub->dir, 0755) == -1) {
        if (errno == EEXIST) {
            return mlclf_err_set(err, MLCLF_REGISTRY_EUNSAFE,
                                 "%s: exists after the clean-up, refused",
                                 pub->dir);
        }

        return mlclf_err_set(err, MLCLF_EIO, "%s: mkdir: %s", pub->dir,
                             strerror(errno));
    }

    if (lstat(pub->dir, &st) == -1) {
        rc = mlclf_err_set(err, MLCLF_EIO, "%s: lstat: %s", pub->dir,
                           strerror(errno));
        (void) rmdir(pub->dir);
        return rc;
    }

    pub->dir_dev = st.st_dev;
    pub->dir_ino = st.st_ino;

    return MLCLF_OK;
}


int
mlclf_registry_stage(mlclf_registry_pub_t *pub, const char *root,
    const char *name, mlclf_err_t *err)
{
    int   rc;
    char  dir[MLCLF_REGISTRY_PATH_MAX], path[MLCLF_REGISTRY_PATH_MAX];

    memset(pub, 0, sizeof(mlclf_registry_pub_t));
    pub->lock_fd = -1;

    rc = mlclf_registry_model_path(root, name, dir, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    if (strlen(root) >= sizeof(pub->root)) {
        return mlclf_err_set(err, MLCLF_EINVAL, "path too long");
    }

    rc = mlclf_registry_path(path, err, "%s/versions", dir);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_registry_mkdir(dir, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_registry_lock(dir, &pub->lock_fd, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_registry_stage_versions(dir, path, err);
    if (rc != MLCLF_OK) {
        goto failed;
    }

    mlclf_registry_clean(dir);

    rc = mlclf_registry_stage_next(dir, &pub->version, err);
    if (rc != MLCLF_OK) {
        goto failed;
    }

    rc = mlclf_registry_stage_dir(pub, dir, err);
    if (rc != MLCLF_OK) {
        goto failed;
    }

    (void) snprintf(pub->root, sizeof(pub->root), "%s", root);
    (void) snprintf(pub->name, sizeof(pub->name), "%s", name);

    return MLCLF_OK;

failed:

    pub->dir[0] = '\0';
    mlclf_registry_close(&pub->lock_fd);

    return rc;
}


int
mlclf_registry_commit(mlclf_registry_pub_t *pub, mlclf_err_t *err)
{
    int          rc, log_fd;
    char         dir[MLCLF_REGISTRY_PATH_MAX], final[MLCLF_REGISTRY_PATH_MAX];
    char         versions[MLCLF_REGISTRY_PATH_MAX];
    struct stat  st;

    log_fd = -1;

    if (pub->lock_fd < 0 || pub->dir[0] == '\0') {
        return mlclf_err_set(err, MLCLF_EINVAL, "commit without stage");
    }

    rc = mlclf_registry_path(dir, err, "%s/%s", pub->root, pub->name);

    if (rc == MLCLF_OK) {
        rc = mlclf_registry_path(versions, err, "%s/versions", dir);
    }

    if (rc == MLCLF_OK) {
        rc = mlclf_registry_path(final, err, "%s/v%u", versions,
                                 pub->version);
    }

    if (rc != MLCLF_OK) {
        goto failed;
    }

    /* still the directory stage() made, not a link put in its place */
    if (lstat(pub->dir, &st) == -1) {
        rc = mlclf_err_set(err, MLCLF_EIO, "%s: lstat: %s", pub->dir,
                           strerror(errno));
        goto failed;
    }

    if (S_ISLNK(st.st_mode)) {
        rc = mlclf_err_set(err, MLCLF_REGISTRY_EUNSAFE,
                           MLCLF_REGISTRY_LINK_MSG, pub->dir);
        goto failed;
    }

    if (!S_ISDIR(st.st_mode) || st.st_dev != pub->dir_dev
        || st.st_ino != pub->dir_ino)
    {
        rc = mlclf_err_set(err, MLCLF_REGISTRY_EUNSAFE,
                           "%s: replaced while staging, refused", pub->dir);
        goto failed;
    }

    rc = mlclf_registry_fsync_files(pub->dir, err);
    if (rc != MLCLF_OK) {
        goto failed;
    }

    /* only a version that passes verify may ever be named v<N> */
    rc = mlclf_registry_verify_dir(pub->dir, pub->version, err);
    if (rc != MLCLF_OK) {
        goto failed;
    }

    rc = mlclf_registry_history_open(dir, &log_fd, err);
    if (rc != MLCLF_OK) {
        goto failed;
    }

    if (rename(pub->dir, final) == -1) {
        rc = mlclf_err_set(err, MLCLF_EIO, "%s: rename to %s: %s",
                           pub->dir, final, strerror(errno));
        goto failed;
    }

    (void) snprintf(pub->dir, sizeof(pub->dir), "%s", final);

    rc = mlclf_registry_fsync_path(versions, O_NOFOLLOW | O_DIRECTORY, err);

    if (rc == MLCLF_OK) {
        rc = mlclf_registry_history_append(&log_fd, dir, "publish", 0,
                                           pub->version, err);
    }

    mlclf_registry_close(&log_fd);
    mlclf_registry_close(&pub->lock_fd);

    return rc;

failed:

    mlclf_registry_close(&log_fd);

    /* as abort(): a later abort() by the caller is harmless */
    mlclf_registry_abort(pub);

    return rc;
}


void
mlclf_registry_abort(mlclf_registry_pub_t *pub)
{
    const char  *base;

    if (pub->lock_fd < 0) {
        return;
    }

    /* after a failed commit's rename pub->dir names v<N>: keep it */
    base = strrchr(pub->dir, '/');

    if (base != NULL && strncmp(base + 1, ".staging-", 9) == 0) {
        (void) mlclf_registry_rmtree(AT_FDCWD, pub->dir,
                                     MLCLF_REGISTRY_RM_DEPTH);
    }

    mlclf_registry_close(&pub->lock_fd);
}


int
mlclf_registry_write_all(int fd, const void *data, size_t n)
{
    ssize_t      w;
    const char  *p;

    p = data;

    while (n > 0) {
        w = write(fd, p, n);

        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }

            return -1;
        }

        p += w;
        n -= (size_t) w;
    }

    return 0;
}


int
mlclf_registry_write_file(const char *dir, const char *file,
    const void *data, size_t len, mlclf_err_t *err)
{
    int          fd, e;
    char         path[MLCLF_REGISTRY_PATH_MAX];
    const char  *op;

    if (mlclf_registry_path(path, err, "%s/%s", dir, file) != MLCLF_OK) {
        return MLCLF_EINVAL;
    }

    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
              0644);
    if (fd == -1) {
        e = errno;
        return mlclf_err_set(err, MLCLF_EIO, "open \"%s\": %s", path,
                             strerror(e));
    }

    op = "write";
    if (mlclf_registry_write_all(fd, data, len) != 0) {
        goto failed;
    }

    op = "fsync";
    if (fsync(fd) != 0) {
        goto failed;
    }

    op = "close";
    if (close(fd) != 0) {
        fd = -1;
        goto failed;
    }

    return MLCLF_OK;

failed:

    e = errno;

    if (fd != -1) {
        (void) close(fd);
    }

    (void) unlink(path);

    return mlclf_err_set(err, MLCLF_EIO, "%s \"%s\": %s", op, path,
                         strerror(e));
}
