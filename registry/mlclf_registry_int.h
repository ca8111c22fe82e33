
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Private to the registry store: what its files share.  The public API
 * is mlclf_registry_store.h; the rules every change follows (the lock,
 * crash safety, links) are in the top comment of mlclf_registry_store.c.
 *
 *   mlclf_registry_store.c    paths, names, opening, locking, fsync,
 *                             clean-up, scanning and reading versions
 *   mlclf_registry_publish.c  stage, commit, abort of a version
 *   mlclf_registry_history.c  history.log and the rollback rule
 *   mlclf_registry_active.c   the active pointer: promote, rollback
 *   mlclf_registry_verify.c   the full check of a version
 *   mlclf_registry_list.c     list, meta.json of a version
 */


#ifndef _MLCLF_REGISTRY_INT_H_INCLUDED_
#define _MLCLF_REGISTRY_INT_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <mlclf.h>
#include "mlclf_registry_store.h"


#define MLCLF_REGISTRY_PATH_MAX  4096
#define MLCLF_REGISTRY_RM_DEPTH  16

#define MLCLF_REGISTRY_LINK_MSG  "%s: is a symbolic link, refused"


/* mlclf_registry_store.c */
int mlclf_registry_path(char *buf, mlclf_err_t *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int mlclf_registry_open(const char *path, int flags, int *fd,
    mlclf_err_t *err);
void mlclf_registry_close(int *fd);
int mlclf_registry_mkdir(const char *path, mlclf_err_t *err);
int mlclf_registry_fsync_path(const char *path, int flags,
    mlclf_err_t *err);
int mlclf_registry_model_path(const char *root, const char *name,
    char *dir, mlclf_err_t *err);
int mlclf_registry_model_dir(const char *root, const char *name,
    char *dir, mlclf_err_t *err);
int mlclf_registry_version_dir(const char *root, const char *name,
    uint32_t version, char *dir, mlclf_err_t *err);
int mlclf_registry_lock(const char *dir, int *fd, mlclf_err_t *err);
int mlclf_registry_rmtree(int dfd, const char *name, int depth);
void mlclf_registry_clean(const char *dir);
int mlclf_registry_scan(const char *dir, uint32_t **vs, size_t *n,
    mlclf_err_t *err);
int mlclf_registry_read_file(const char *path, int flags, char **buf,
    size_t *len, mlclf_err_t *err);

/* mlclf_registry_history.c */
int mlclf_registry_history_open(const char *dir, int *fd, mlclf_err_t *err);
int mlclf_registry_history_append(int *fd, const char *dir,
    const char *action, uint32_t from, uint32_t to, mlclf_err_t *err);
int mlclf_registry_history_dir(const char *dir, mlclf_registry_event_t **ev,
    size_t *n, mlclf_err_t *err);
int mlclf_registry_history_previous(const mlclf_registry_event_t *ev,
    size_t n, uint32_t cur, uint32_t *prev, mlclf_err_t *err);

/* mlclf_registry_active.c */
int mlclf_registry_active_dir(const char *dir, uint32_t *version,
    mlclf_err_t *err);

/* mlclf_registry_verify.c */
int mlclf_registry_verify_dir(const char *dir, uint32_t version,
    mlclf_err_t *err);


#endif /* _MLCLF_REGISTRY_INT_H_INCLUDED_ */
