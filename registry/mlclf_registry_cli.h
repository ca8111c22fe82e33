
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The mlclf-registry command line, shared by its files:
 *
 *   mlclf_registry.c           main(): options, usage; show, promote,
 *                              rollback, history, --reload
 *   mlclf_registry_cli.c       messages, exit codes, JSON and text output
 *   mlclf_registry_cli_list.c  list (of a model, of the registry), verify
 *   mlclf_registry_cli_drift.c show's reference distributions
 */


#ifndef _MLCLF_REGISTRY_CLI_H_INCLUDED_
#define _MLCLF_REGISTRY_CLI_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include <mlclf.h>
#include "mlclf_registry_store.h"


#define MLCLF_REGISTRY_ARGS_MAX  3


typedef struct {
    const char               *root;         /* --registry, else
                                               $MLCLF_REGISTRY */
    const char               *reload;       /* pid file, NULL: no reload */
    const char               *cmd;
    const char               *args[MLCLF_REGISTRY_ARGS_MAX];
    size_t                    nargs;
    unsigned                  json:1;
    unsigned                  verify:1;     /* list --verify */
} mlclf_registry_opts_t;


/* "mlclf-registry: <ctx>: <reason>" on stderr; returns code. */
int mlclf_registry_fail(const char *ctx, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* err's message as mlclf_registry_fail(); returns rc's exit code. */
int mlclf_registry_err(const char *ctx, int rc, const mlclf_err_t *err);

/* args[i] as a version into *v, or a usage error (its exit code). */
int mlclf_registry_version(mlclf_registry_opts_t *o, size_t i, uint32_t *v);

/*
 * j on stdout in the CLIs' one JSON style (mlclf_jsonout.h), then
 * frees it; j NULL (out of memory) is an internal error.
 */
int mlclf_registry_print_json(cJSON *j);

/* "v<N>", or null for 0. */
cJSON *mlclf_registry_json_version(uint32_t v);

/* A number, null for NaN (unknown). */
void mlclf_registry_json_number(cJSON *obj, const char *key, double d);

/* A string, null for NULL or "". */
void mlclf_registry_json_string(cJSON *obj, const char *key, const char *s);

/* "key:" padded to a column, then the value, on stdout. */
void mlclf_registry_kv(const char *key, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

int mlclf_registry_list_cmd(mlclf_registry_opts_t *o);

/*
 * show: j (a version's meta.json) gets "reference", the reference
 * distributions of the version's model, when it has them; printed as
 * text lines.
 */
void mlclf_registry_show_drift(const char *root, const char *name,
    uint32_t v, cJSON *j);
void mlclf_registry_print_drift(const cJSON *j);
int mlclf_registry_verify_cmd(mlclf_registry_opts_t *o);


#endif /* _MLCLF_REGISTRY_CLI_H_INCLUDED_ */
