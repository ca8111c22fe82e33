
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The registry tests' fixture (test_registry*.c): a scratch directory
 * with a registry root in it, complete versions published through the
 * store as mlclf-train publishes them, and mlclf-registry run from
 * $MLCLF_BIN (default build/bin).
 */


#ifndef _REG_H_INCLUDED_
#define _REG_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <mlclf_registry_store.h>


#define REG_PATH  4096

/* Bytes of a file outside the registry that no command may change. */
#define REG_VICTIM  "not the registry's: never written by it\n"

/* What a refusal to go through a link says after the path. */
#define REG_LINK    "is a symbolic link, refused"


extern char  reg_tmp[REG_PATH];     /* the scratch directory */
extern char  reg_root[REG_PATH];    /* the registry root, in reg_tmp */
extern char  reg_bin[REG_PATH];     /* where mlclf-registry is */


/*
 * Makes reg_tmp ($TMPDIR/<name>.XXXXXX), names reg_root <reg_tmp>/<root>
 * (not created: stage() creates it) and sets reg_bin.
 */
void reg_setup(const char *name, const char *root);

/* Removes reg_tmp unless a test failed (failed: tap_failed). */
void reg_done(int failed);

/* snprintf() into a REG_PATH buffer. */
void reg_path(char *buf, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Writes a complete version into the staging directory of pub:
 * model.mlclf and a meta.json as mlclf-train writes them.  0 or -1.
 */
int reg_fill(const mlclf_registry_pub_t *pub, const char *name,
    double accuracy);

/* Publishes a complete version through stage/commit; the version or 0. */
uint32_t reg_publish(const char *root, const char *name, double accuracy);

/* The number of staging directories of name (0 if none can be read). */
size_t reg_staging(const char *root, const char *name);

/* The active version of name in reg_root, 0 if none, -1 on error. */
uint32_t reg_active(const char *name);

/* 1 if the file path holds the string want, and nothing else. */
int reg_same(const char *path, const char *want);

/*
 * Runs mlclf-registry with args (NULL-terminated) and MLCLF_REGISTRY
 * unset; stdout and stderr go to *out, *errout (malloc()ed).  Returns
 * the exit status, or -1.
 */
int reg_run(char **out, char **errout, const char *const *args);

/* The same, with the environment changes env (as run_cmd_opts_t's). */
int reg_run_env(char **out, char **errout, const char *const *env,
    const char *const *args);

/*
 * Starts mlclf-registry with args and MLCLF_REGISTRY unset, output to
 * opath, epath: pid or -1.
 */
pid_t reg_spawn(const char *opath, const char *epath,
    const char *const *args);


#endif /* _REG_H_INCLUDED_ */
