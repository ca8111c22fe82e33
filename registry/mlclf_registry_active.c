
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The active pointer of a registry model: reading it, and swapping it
 * to a version (promote) or back to the one before (rollback, by the
 * rule of mlclf_registry_history.c), each under the lock and logged.
 */


#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <mlclf.h>
#include "mlclf_registry_int.h"


static int mlclf_registry_lock_model(const char *root, const char *name,
    char *dir, int *fd, mlclf_err_t *err);
static int mlclf_registry_swap(const char *dir, uint32_t version,
    mlclf_err_t *err);
static int mlclf_registry_activate(const char *dir, const char *action,
    uint32_t cur, uint32_t version, uint32_t *from, uint32_t *to,
    mlclf_err_t *err);


int
mlclf_registry_active_dir(const char *dir, uint32_t *version,
    mlclf_err_t *err)
{
    int      rc;
    char     path[MLCLF_REGISTRY_PATH_MAX], target[256];
    ssize_t  n;

    *version = 0;

    rc = mlclf_registry_path(path, err, "%s/active", dir);
    if (rc != MLCLF_OK) {
        return rc;
    }

    n = readlink(path, target, sizeof(target) - 1);
    if (n == -1) {
        if (errno == ENOENT) {
            return MLCLF_OK;
        }

        return mlclf_err_set(err, errno == EINVAL ? MLCLF_REGISTRY_EACTIVE
                                                  : MLCLF_EIO,
                             "%s: readlink: %s", path, strerror(errno));
    }

    target[n] = '\0';

    if (strncmp(target, "versions/", 9) != 0
        || !mlclf_registry_version_parse(target + 9, version))
    {
        *version = 0;
        return mlclf_err_set(err, MLCLF_REGISTRY_EACTIVE,
                             "%s: points to \"%.64s\", not versions/v<N>",
                             path, target);
    }

    return MLCLF_OK;
}


int
mlclf_registry_active(const char *root, const char *name,
    uint32_t *version, mlclf_err_t *err)
{
    int   rc;
    char  dir[MLCLF_REGISTRY_PATH_MAX];

    *version = 0;

    rc = mlclf_registry_model_path(root, name, dir, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    return mlclf_registry_active_dir(dir, version, err);
}


/*
 * <root>/<name> into dir, locked (*fd) and rid of what a killed writer
 * left behind, before active is changed.
 */
static int
mlclf_registry_lock_model(const char *root, const char *name, char *dir,
    int *fd, mlclf_err_t *err)
{
    int  rc;

    rc = mlclf_registry_model_dir(root, name, dir, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_registry_lock(dir, fd, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    mlclf_registry_clean(dir);

    return MLCLF_OK;
}


/* With the lock held: active.tmp.<pid> -> versions/v<N>, rename, fsync. */
static int
mlclf_registry_swap(const char *dir, uint32_t version, mlclf_err_t *err)
{
    int   rc;
    char  tmp[MLCLF_REGISTRY_PATH_MAX], active[MLCLF_REGISTRY_PATH_MAX];
    char  target[32];

    rc = mlclf_registry_path(tmp, err, "%s/active.tmp.%ld", dir,
                             (long) getpid());
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_registry_path(active, err, "%s/active", dir);
    if (rc != MLCLF_OK) {
        return rc;
    }

    (void) snprintf(target, sizeof(target), "versions/v%u", version);

    /* clean() removed our stale links: whatever is left is not ours */
    if (symlink(target, tmp) == -1) {
        if (errno == EEXIST) {
            return mlclf_err_set(err, MLCLF_REGISTRY_EUNSAFE,
                                 "%s: exists and is not a stale link, "
                                 "refused", tmp);
        }

        return mlclf_err_set(err, MLCLF_EIO, "%s: symlink: %s", tmp,
                             strerror(errno));
    }

    if (rename(tmp, active) == -1) {
        rc = mlclf_err_set(err, MLCLF_EIO, "%s: rename to %s: %s", tmp,
                           active, strerror(errno));
        (void) unlink(tmp);
        return rc;
    }

    return mlclf_registry_fsync_path(dir, O_NOFOLLOW | O_DIRECTORY, err);
}


/*
 * With the lock held and version verified: makes version active in
 * place of cur and logs action.  *from and *to (if not NULL) get cur
 * and version once active has changed, even if the log write fails.
 */
static int
mlclf_registry_activate(const char *dir, const char *action, uint32_t cur,
    uint32_t version, uint32_t *from, uint32_t *to, mlclf_err_t *err)
{
    int  rc, log_fd;

    rc = mlclf_registry_history_open(dir, &log_fd, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_registry_swap(dir, version, err);
    if (rc != MLCLF_OK) {
        mlclf_registry_close(&log_fd);
        return rc;
    }

    if (from != NULL) {
        *from = cur;
    }

    if (to != NULL) {
        *to = version;
    }

    rc = mlclf_registry_history_append(&log_fd, dir, action, cur, version,
                                       err);

    mlclf_registry_close(&log_fd);

    return rc;
}


int
mlclf_registry_promote(const char *root, const char *name,
    uint32_t version, uint32_t *from, mlclf_err_t *err)
{
    int          rc, fd;
    char         dir[MLCLF_REGISTRY_PATH_MAX];
    char         vdir[MLCLF_REGISTRY_PATH_MAX];
    uint32_t     cur;
    struct stat  st;

    if (from != NULL) {
        *from = 0;
    }

    rc = mlclf_registry_lock_model(root, name, dir, &fd, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_registry_path(vdir, err, "%s/versions/v%u", dir, version);
    if (rc != MLCLF_OK) {
        goto done;
    }

    if (version == 0 || lstat(vdir, &st) == -1 || !S_ISDIR(st.st_mode)) {
        rc = mlclf_err_set(err, MLCLF_REGISTRY_ENOENT,
                           "no version v%u of model \"%s\"", version, name);
        goto done;
    }

    rc = mlclf_registry_verify_dir(vdir, version, err);
    if (rc != MLCLF_OK) {
        goto done;
    }

    /*
     * Read under the lock: what this promote replaces, which is what
     * the log says and the caller reports, even with others queued.
     */
    if (mlclf_registry_active_dir(dir, &cur, NULL) != MLCLF_OK) {
        cur = 0;
    }

    if (cur == version) {
        /* already active: nothing to swap or to log */
        if (from != NULL) {
            *from = cur;
        }

        rc = MLCLF_OK;
        goto done;
    }

    rc = mlclf_registry_activate(dir, "promote", cur, version, from, NULL,
                                 err);

done:

    mlclf_registry_close(&fd);

    return rc;
}


int
mlclf_registry_rollback(const char *root, const char *name,
    uint32_t *from, uint32_t *to, mlclf_err_t *err)
{
    int                      rc, fd;
    char                     dir[MLCLF_REGISTRY_PATH_MAX];
    char                     vdir[MLCLF_REGISTRY_PATH_MAX];
    size_t                   n;
    uint32_t                 cur, target;
    mlclf_registry_event_t  *ev;

    if (from != NULL) {
        *from = 0;
    }

    if (to != NULL) {
        *to = 0;
    }

    rc = mlclf_registry_lock_model(root, name, dir, &fd, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    ev = NULL;

    rc = mlclf_registry_active_dir(dir, &cur, err);
    if (rc != MLCLF_OK) {
        goto done;
    }

    rc = mlclf_registry_history_dir(dir, &ev, &n, err);
    if (rc != MLCLF_OK) {
        goto done;
    }

    rc = mlclf_registry_history_previous(ev, n, cur, &target, err);
    if (rc != MLCLF_OK) {
        goto done;
    }

    if (target == 0) {
        rc = mlclf_err_set(err, MLCLF_REGISTRY_ENOHISTORY,
                           "model \"%s\": no earlier active version in "
                           "history.log to roll back to", name);
        goto done;
    }

    rc = mlclf_registry_path(vdir, err, "%s/versions/v%u", dir, target);
    if (rc != MLCLF_OK) {
        goto done;
    }

    if (access(vdir, F_OK) == -1) {
        rc = mlclf_err_set(err, MLCLF_REGISTRY_ENOENT,
                           "cannot roll back to v%u: %s is gone", target,
                           vdir);
        goto done;
    }

    rc = mlclf_registry_verify_dir(vdir, target, err);
    if (rc != MLCLF_OK) {
        goto done;
    }

    rc = mlclf_registry_activate(dir, "rollback", cur, target, from, to,
                                 err);

done:

    free(ev);
    mlclf_registry_close(&fd);

    return rc;
}
