
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
#include <sys/types.h>
#include <mlclf.h>


/* Exit codes of mlclf-registry: documented in --help and docs/cli.md. */
typedef enum {
    MLCLF_REGISTRY_EXIT_OK = 0,
    MLCLF_REGISTRY_EXIT_INTERNAL = 1,
    MLCLF_REGISTRY_EXIT_USAGE = 2,
    MLCLF_REGISTRY_EXIT_NOT_FOUND = 3,      /* no such model / version */
    MLCLF_REGISTRY_EXIT_INVALID = 4,        /* damaged, incomplete */
    MLCLF_REGISTRY_EXIT_IO = 5,
    MLCLF_REGISTRY_EXIT_NO_HISTORY = 6,     /* nothing to roll back to */
    MLCLF_REGISTRY_EXIT_RELOAD = 7          /* nginx could not be told */
} mlclf_registry_exit_e;


#define MLCLF_REGISTRY_NAME_MAX  MLCLF_MODEL_NAME_MAX


/* 1 if v matches v<N> with N in 1..UINT32_MAX, no leading zero; *n = N. */
int mlclf_registry_version_parse(const char *v, uint32_t *n);

/* Same, but also accepts a bare "<N>" (command-line arguments). */
int mlclf_registry_version_arg(const char *s, uint32_t *n);

/* Version v as shown to people: "v<N>", or "-" for 0 (none). */
void mlclf_registry_vstr(char *buf, size_t size, uint32_t v);


/*
 * Publishing a version.  stage() takes <root>/<name>/.lock (flock), picks
 * N = highest existing + 1 and creates an empty staging directory
 * <root>/<name>/versions/.staging-v<N>-<pid>; the caller writes the files
 * into pub->dir (each with fsync), then commit() fsyncs the directory,
 * renames it to versions/v<N>, fsyncs versions/, appends "publish" to
 * history.log and drops the lock.  abort() removes the staging directory
 * and drops the lock.  A crash at any point leaves either no v<N> or a
 * complete one; staging leftovers are never listed as versions.
 * commit() first fsyncs every file and runs mlclf_registry_verify()'s
 * checks on the staging directory; if anything fails before the rename
 * it cleans up as abort() does (calling abort() afterwards is harmless).
 * A linked model directory, versions/, .lock or history.log, a name
 * v<N> or staging directory already taken, or a staging directory
 * replaced before commit() is refused: MLCLF_REGISTRY_EUNSAFE.
 */
typedef struct {
    char                      dir[4096];    /* staging dir to write into */
    char                      root[4096];
    char                      name[MLCLF_REGISTRY_NAME_MAX + 1];
    uint32_t                  version;
    int                       lock_fd;
    dev_t                     dir_dev;      /* dir as stage() made it */
    ino_t                     dir_ino;
} mlclf_registry_pub_t;

/*
 * Into a staging directory: creates dir/file (it must not exist)
 * holding len bytes, then fsync and a checked close; on failure the
 * file is removed.  MLCLF_OK, MLCLF_EINVAL (path too long), MLCLF_EIO.
 */
int mlclf_registry_write_file(const char *dir, const char *file,
    const void *data, size_t len, mlclf_err_t *err);

/* write(2) until all n bytes are written (EINTR retried); 0 or -1. */
int mlclf_registry_write_all(int fd, const void *data, size_t n);

int mlclf_registry_stage(mlclf_registry_pub_t *pub, const char *root,
    const char *name, mlclf_err_t *err);
int mlclf_registry_commit(mlclf_registry_pub_t *pub, mlclf_err_t *err);
void mlclf_registry_abort(mlclf_registry_pub_t *pub);


/*
 * Swaps active to v<N> (temp symlink + rename) and logs "promote"; *from
 * (if not NULL) gets the version it replaced, read under the lock as
 * the log line is (0: none; version: it was active already, no swap).
 */
int mlclf_registry_promote(const char *root, const char *name,
    uint32_t version, uint32_t *from, mlclf_err_t *err);

/* Active version number, 0 if none. */
int mlclf_registry_active(const char *root, const char *name,
    uint32_t *version, mlclf_err_t *err);


/*
 * Registry error codes, beyond the core's MLCLF_E*: negative, distinct.
 * mlclf_registry_exit_code() maps any code to the CLI exit code.
 */
#define MLCLF_REGISTRY_ENOENT      -100 /* no such model / version */
#define MLCLF_REGISTRY_EINCOMPLETE -101 /* a file missing, bad meta.json */
#define MLCLF_REGISTRY_ECHECKSUM   -102 /* sha256 differs from meta.json */
#define MLCLF_REGISTRY_ENOHISTORY  -103 /* nothing to roll back to */
#define MLCLF_REGISTRY_EACTIVE     -104 /* active is not versions/v<N> */
#define MLCLF_REGISTRY_EUNSAFE     -105 /* a link or foreign entry: refused */
#define MLCLF_REGISTRY_ENOTMASTER  -106 /* --reload: the pid file names no
                                           running NGINX master */

mlclf_registry_exit_e mlclf_registry_exit_code(int rc);


/*
 * What is known of a version.  "complete" and "verified" differ in what
 * was read: complete is the cheap check of mlclf_registry_list(), which
 * reads meta.json and the 128-byte header of model.mlclf but not its
 * payload, so a flipped payload byte still lists as complete; verified
 * is mlclf_registry_verify()'s full check (the core's verification,
 * every CRC, the sha256 of meta.json).
 */
typedef enum {
    MLCLF_REGISTRY_INCOMPLETE = 0,  /* a file missing, meta.json not an
                                       object or without model_sha256,
                                       the version numbers disagree */
    MLCLF_REGISTRY_INVALID,         /* model.mlclf refused: its header
                                       (cheap) or any check (full) */
    MLCLF_REGISTRY_COMPLETE,        /* the cheap check passed */
    MLCLF_REGISTRY_VERIFIED         /* the full check passed */
} mlclf_registry_status_e;

/* "incomplete", "invalid", "complete", "verified". */
const char *mlclf_registry_status_name(mlclf_registry_status_e status);

/* One version as listed. */
typedef struct {
    uint32_t                  version;
    mlclf_registry_status_e   status;
    unsigned                  active:1;
    char                      created_at[64];   /* "" if unknown */
    double                    accuracy;     /* NaN if unknown */
    double                    macro_f1;     /* NaN if unknown */
    char                      reason[MLCLF_ERR_MSG_LEN];    /* why not
                                               complete or verified, the
                                               file's path first; "" */
} mlclf_registry_version_t;

/*
 * Versions in increasing order, each with the cheap check's status
 * (COMPLETE at best); *vs is malloc()ed (NULL if *n is 0).
 */
int mlclf_registry_list(const char *root, const char *name,
    mlclf_registry_version_t **vs, size_t *n, mlclf_err_t *err);

/*
 * The full check (mlclf_registry_verify()) of each of vs[n], as listed
 * by mlclf_registry_list(): status becomes VERIFIED, INCOMPLETE or
 * INVALID, reason the error's message.
 */
void mlclf_registry_list_verify(const char *root, const char *name,
    mlclf_registry_version_t *vs, size_t n);

/*
 * The models of a registry: the entries of root that are valid model
 * names and hold a versions/ directory (links are not followed), sorted.
 * mlclf_registry_models_free() releases *names.  MLCLF_EIO if root
 * cannot be read, MLCLF_ENOMEM.
 */
int mlclf_registry_models(const char *root, char ***names, size_t *n,
    mlclf_err_t *err);
void mlclf_registry_models_free(char **names, size_t n);

/*
 * Full check of one version: meta.json is a JSON object, model.mlclf
 * passes the core's verification, its sha256 equals meta.json's
 * "model_sha256", the version numbers agree.  err->msg starts with the
 * path of the offending file.
 */
int mlclf_registry_verify(const char *root, const char *name,
    uint32_t version, mlclf_err_t *err);

/* meta.json of a version as NUL-terminated malloc()ed text. */
int mlclf_registry_meta_read(const char *root, const char *name,
    uint32_t version, char **text, size_t *len, mlclf_err_t *err);

/*
 * Swaps active back to the version that was active before the current
 * one (rule: mlclf_registry_history.c) and logs "rollback"; *from and *to
 * (either may be NULL) get the old and new active versions, read under
 * the lock as the log line is.
 */
int mlclf_registry_rollback(const char *root, const char *name,
    uint32_t *from, uint32_t *to, mlclf_err_t *err);


/* One history.log line; version 0 stands for "-". */
typedef struct {
    char                      time[32];     /* 2026-11-24T13:00:00Z */
    char                      action[16];   /* publish|promote|rollback */
    uint32_t                  from;
    uint32_t                  to;
} mlclf_registry_event_t;

/* Events oldest first; *ev is malloc()ed; no history.log: *n = 0. */
int mlclf_registry_history(const char *root, const char *name,
    mlclf_registry_event_t **ev, size_t *n, mlclf_err_t *err);


#endif /* _MLCLF_REGISTRY_STORE_H_INCLUDED_ */
