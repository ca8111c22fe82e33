
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The file-based model registry (DESIGN.md §4): layout, publishing,
 * the active pointer and its history.  Used by mlclf-registry and by
 * mlclf-train to publish.
 *
 *   <root>/<name>/versions/v<N>/{model.mlclf,meta.json,train.csv,test.csv}
 *   <root>/<name>/active -> versions/v<N>
 *   <root>/<name>/history.log
 */


#ifndef _MLCLF_REGISTRY_STORE_H_INCLUDED_
#define _MLCLF_REGISTRY_STORE_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <mlclf.h>


/* Exit codes of mlclf-registry: documented in --help and README. */
typedef enum {
    MLCLF_REGISTRY_EXIT_OK = 0,
    MLCLF_REGISTRY_EXIT_INTERNAL = 1,
    MLCLF_REGISTRY_EXIT_USAGE = 2,
    MLCLF_REGISTRY_EXIT_NOT_FOUND = 3,      /* no such model / version */
    MLCLF_REGISTRY_EXIT_INVALID = 4,        /* verify found damage */
    MLCLF_REGISTRY_EXIT_IO = 5,
    MLCLF_REGISTRY_EXIT_NO_HISTORY = 6,     /* nothing to roll back to */
    MLCLF_REGISTRY_EXIT_RELOAD = 7          /* nginx could not be told */
} mlclf_registry_exit_e;


#define MLCLF_REGISTRY_NAME_MAX  64


/* 1 if name matches [a-z0-9_-]{1,64}, else 0. */
int mlclf_registry_name_valid(const char *name);

/* 1 if v matches v<N> with N in 1..UINT32_MAX, no leading zero; *n = N. */
int mlclf_registry_version_parse(const char *v, uint32_t *n);


/*
 * Publishing a version.  stage() takes <root>/<name>/.lock (flock), picks
 * N = highest existing + 1 and creates an empty staging directory
 * <root>/<name>/versions/.staging-v<N>-<pid>; the caller writes the files
 * into pub->dir (each with fsync), then commit() fsyncs the directory,
 * renames it to versions/v<N>, fsyncs versions/, appends "publish" to
 * history.log and drops the lock.  abort() removes the staging directory
 * and drops the lock.  A crash at any point leaves either no v<N> or a
 * complete one; staging leftovers are never listed as versions.
 */
typedef struct {
    char                      dir[4096];    /* staging dir to write into */
    char                      root[4096];
    char                      name[MLCLF_REGISTRY_NAME_MAX + 1];
    uint32_t                  version;
    int                       lock_fd;
} mlclf_registry_pub_t;

int mlclf_registry_stage(mlclf_registry_pub_t *pub, const char *root,
    const char *name, mlclf_err_t *err);
int mlclf_registry_commit(mlclf_registry_pub_t *pub, mlclf_err_t *err);
void mlclf_registry_abort(mlclf_registry_pub_t *pub);


/* Swaps active to v<N> (temp symlink + rename) and logs "promote". */
int mlclf_registry_promote(const char *root, const char *name,
    uint32_t version, mlclf_err_t *err);

/* Active version number, 0 if none. */
int mlclf_registry_active(const char *root, const char *name,
    uint32_t *version, mlclf_err_t *err);


#endif /* _MLCLF_REGISTRY_STORE_H_INCLUDED_ */
