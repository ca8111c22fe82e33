
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * One mlclf-import run: read and hash the source file, parse it, then
 * publish model.mlclf and meta.json as the next registry version
 * (staged, verified, renamed into place: nothing half-made is ever
 * visible), and promote it if asked.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include <mlclf_file.h>
#include <mlclf_sha256.h>
#include <mlclf_time.h>
#include <mlclf_header.h>
#include <mlclf_jsonout.h>
#include <mlclf_registry_store.h>

#include "mlclf_import.h"
#include "mlclf_import_run.h"


/* What one run has made so far; mlclf_import_done() frees it all. */
typedef struct {
    const mlclf_import_opts_t  *o;
    char                       *src;        /* the source file */
    size_t                      src_len;
    char                        src_sha[65];
    char                        created[21];
    mlclf_import_t              im;
    mlclf_spec_t                spec;
    mlclf_import_ref_t          ref;        /* --reference */
    cJSON                      *meta;
    char                       *meta_text;  /* meta.json */
    char                       *model_meta; /* the model's METADATA */
    void                       *model;      /* model.mlclf */
    size_t                      model_len;
    mlclf_registry_pub_t        pub;
    unsigned                    staged:1;
} mlclf_import_ctx_t;


static int mlclf_import_read(mlclf_import_ctx_t *c);
static int mlclf_import_meta(mlclf_import_ctx_t *c);
static cJSON *mlclf_import_meta_names(char **names, uint32_t n);
static char *mlclf_import_command(const mlclf_import_opts_t *o);
static int mlclf_import_publish(mlclf_import_ctx_t *c);
static void mlclf_import_report(mlclf_import_ctx_t *c);
static void mlclf_import_done(mlclf_import_ctx_t *c);


mlclf_import_format_e
mlclf_import_format_parse(const char *s)
{
    mlclf_import_format_e  f;

    for (f = MLCLF_IMPORT_XGBOOST; f <= MLCLF_IMPORT_SKLEARN; f++) {
        if (strcmp(s, mlclf_import_format_name(f)) == 0) {
            return f;
        }
    }

    return MLCLF_IMPORT_UNKNOWN;
}


int
mlclf_import_parse(mlclf_import_t *im, const char *buf, size_t len,
    mlclf_err_t *err)
{
    if (im->format == MLCLF_IMPORT_UNKNOWN) {
        im->format = mlclf_import_detect(buf, len);
    }

    switch (im->format) {

    case MLCLF_IMPORT_XGBOOST:
        return mlclf_import_xgboost(im, buf, len, err);

    case MLCLF_IMPORT_LIGHTGBM:
        return mlclf_import_lightgbm(im, buf, len, err);

    case MLCLF_IMPORT_SKLEARN:
        return mlclf_import_sklearn(im, buf, len, err);

    default:
        return mlclf_import_fail(err, MLCLF_EINVAL, im, 0, 0,
                                 "not a model this tool reads (XGBoost JSON "
                                 "or UBJSON, LightGBM model.txt, or the "
                                 "scikit-learn exporter's file); name it "
                                 "with --format to see why");
    }
}


/* The source file, its SHA-256 and the run's created_at. */
static int
mlclf_import_read(mlclf_import_ctx_t *c)
{
    int          rc;
    int64_t      t;
    uint8_t      digest[32];
    mlclf_err_t  err;

    rc = mlclf_time_epoch(&t, &err);
    if (rc != MLCLF_OK) {
        fprintf(stderr, "mlclf-import: %s\n", err.msg);
        return MLCLF_IMPORT_EXIT_USAGE;
    }

    mlclf_time_iso(t, c->created);

    rc = mlclf_file_read(c->o->path, MLCLF_IMPORT_MAX_FILE, &c->src,
                         &c->src_len, &err);
    if (rc != MLCLF_OK) {
        fprintf(stderr, "mlclf-import: %s\n", err.msg);
        return rc == MLCLF_ENOMEM ? MLCLF_IMPORT_EXIT_INTERNAL
                                  : MLCLF_IMPORT_EXIT_IO;
    }

    if (mlclf_sha256(c->src, c->src_len, digest) != MLCLF_OK) {
        fprintf(stderr, "mlclf-import: out of memory\n");
        return MLCLF_IMPORT_EXIT_INTERNAL;
    }

    mlclf_sha256_hex(digest, c->src_sha);

    return MLCLF_IMPORT_EXIT_OK;
}


/* The command line, each argument shell-quoted when it needs it. */
static char *
mlclf_import_command(const mlclf_import_opts_t *o)
{
    int          i;
    char        *out, *p;
    size_t       n;
    const char  *a;

    n = 1;

    for (i = 0; i < o->argc; i++) {
        n += strlen(o->argv[i]) * 4 + 3;
    }

    out = malloc(n);
    if (out == NULL) {
        return NULL;
    }

    p = out;

    for (i = 0; i < o->argc; i++) {
        a = o->argv[i];

        if (i > 0) {
            *p++ = ' ';
        }

        if (*a != '\0' && strspn(a, "abcdefghijklmnopqrstuvwxyz"
                                    "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                    "0123456789-_=.,/:+@%")
                          == strlen(a))
        {
            p = stpcpy(p, a);
            continue;
        }

        /* 'it'\''s' */
        *p++ = '\'';

        for ( /* void */ ; *a != '\0'; a++) {
            if (*a == '\'') {
                p = stpcpy(p, "'\\''");

            } else {
                *p++ = *a;
            }
        }

        *p++ = '\'';
    }

    *p = '\0';

    return out;
}


static cJSON *
mlclf_import_meta_names(char **names, uint32_t n)
{
    cJSON     *a;
    uint32_t   i;

    a = cJSON_CreateArray();

    for (i = 0; a != NULL && i < n; i++) {
        if (!cJSON_AddItemToArray(a, cJSON_CreateString(names[i]))) {
            cJSON_Delete(a);
            return NULL;
        }
    }

    return a;
}


/*
 * The metadata: the model's own METADATA section first (everything but
 * the model's hash, which cannot be inside the model), then meta.json
 * (the same plus model_sha256, tool, tool_version, format_version and
 * promoted), both in the CLIs' one JSON style (mlclf_jsonout.h).
 */
static int
mlclf_import_meta(mlclf_import_ctx_t *c)
{
    char            *cmd, ver[16];
    cJSON           *m, *src;
    mlclf_import_t  *im;

    im = &c->im;
    cmd = mlclf_import_command(c->o);
    m = cJSON_CreateObject();
    c->meta = m;
    (void) snprintf(ver, sizeof(ver), "v%u", c->pub.version);

    if (cmd == NULL || m == NULL) {
        goto nomem;
    }

    if (!cJSON_AddStringToObject(m, "name", c->o->name)
        || !cJSON_AddStringToObject(m, "version", ver)
        || !cJSON_AddStringToObject(m, "created_at", c->created)
        || !cJSON_AddStringToObject(m, "kind",
                                    im->kind == MLCLF_KIND_LOGREG ? "logreg"
                                    : im->kind == MLCLF_KIND_FOREST
                                    ? "forest" : "gbt")
        || !cJSON_AddNumberToObject(m, "n_features", im->n_features)
        || !cJSON_AddNumberToObject(m, "n_classes", im->n_classes)
        || !cJSON_AddNumberToObject(m, "n_trees", im->n_trees)
        || !cJSON_AddItemToObject(m, "features",
                                  mlclf_import_meta_names(im->feature_names,
                                                          im->n_features))
        || !cJSON_AddItemToObject(m, "classes",
                                  mlclf_import_meta_names(im->class_labels,
                                                          im->n_classes))
        || (src = cJSON_AddObjectToObject(m, "source")) == NULL
        || !cJSON_AddStringToObject(src, "format",
                                    mlclf_import_format_name(im->format))
        || !cJSON_AddStringToObject(src, "library", im->library)
        || !cJSON_AddStringToObject(src, "library_version",
                                    im->library_version)
        || !cJSON_AddStringToObject(src, "kind", im->source_kind)
        || !cJSON_AddStringToObject(src, "file", c->o->path)
        || !cJSON_AddStringToObject(src, "sha256", c->src_sha)
        || !cJSON_AddStringToObject(src, "command", cmd))
    {
        goto nomem;
    }

    free(cmd);

    c->model_meta = mlclf_jsonout_text(m, NULL);

    return c->model_meta != NULL ? MLCLF_IMPORT_EXIT_OK
                                 : MLCLF_IMPORT_EXIT_INTERNAL;

nomem:

    free(cmd);

    fprintf(stderr, "mlclf-import: out of memory\n");

    return MLCLF_IMPORT_EXIT_INTERNAL;
}


/* Stage, write both files, commit, promote if asked. */
static int
mlclf_import_publish(mlclf_import_ctx_t *c)
{
    int              ex, rc;
    char             hex[65];
    uint8_t          digest[32];
    uint32_t         from;
    mlclf_err_t      err;
    mlclf_header_t   h;
    mlclf_jsonout_t  b;

    memset(&b, 0, sizeof(b));

    rc = mlclf_registry_stage(&c->pub, c->o->registry, c->o->name, &err);
    if (rc != MLCLF_OK) {
        goto failed;
    }

    c->staged = 1;

    ex = mlclf_import_meta(c);
    if (ex != MLCLF_IMPORT_EXIT_OK) {
        return ex;
    }

    c->spec.version = c->pub.version;
    c->spec.metadata = c->model_meta;

    rc = mlclf_write_buffer(&c->spec, &c->model, &c->model_len, &err);
    if (rc != MLCLF_OK) {
        /* the parsers and the builder should have refused it first */
        fprintf(stderr, "mlclf-import: %s: the converted model is refused: "
                "%s\n", c->o->path, err.msg);
        return rc == MLCLF_ENOMEM ? MLCLF_IMPORT_EXIT_INTERNAL
                                  : MLCLF_IMPORT_EXIT_SOURCE;
    }

    if (mlclf_sha256(c->model, c->model_len, digest) != MLCLF_OK) {
        goto nomem;
    }

    mlclf_sha256_hex(digest, hex);

    /* the builder's bytes: their header is what mlclf_write made */
    rc = mlclf_header_parse(c->model, c->model_len, &h, &err);
    if (rc != MLCLF_OK) {
        fprintf(stderr, "mlclf-import: %s: the converted model is refused: "
                "%s\n", c->o->path, err.msg);
        return MLCLF_IMPORT_EXIT_INTERNAL;
    }

    if (!cJSON_AddStringToObject(c->meta, "model_sha256", hex)
        || !cJSON_AddStringToObject(c->meta, "tool", "mlclf-import")
        || !cJSON_AddStringToObject(c->meta, "tool_version", MLCLF_RELEASE)
        || !cJSON_AddNumberToObject(c->meta, "format_version",
                                    h.format_version)
        || !cJSON_AddBoolToObject(c->meta, "promoted", c->o->promote))
    {
        goto nomem;
    }

    /* meta.json ends in a newline, as mlclf-train's does */
    mlclf_jsonout_tree(&b, c->meta);
    mlclf_jsonout_put(&b, "\n");

    if (b.nomem) {
        mlclf_jsonout_free(&b);
        goto nomem;
    }

    c->meta_text = b.p;

    rc = mlclf_registry_write_file(c->pub.dir, "model.mlclf", c->model,
                                   c->model_len, &err);
    if (rc == MLCLF_OK) {
        rc = mlclf_registry_write_file(c->pub.dir, "meta.json", c->meta_text,
                                       strlen(c->meta_text), &err);
    }

    if (rc == MLCLF_OK) {
        rc = mlclf_registry_commit(&c->pub, &err);
    }

    if (rc != MLCLF_OK) {
        goto failed;
    }

    c->staged = 0;

    if (c->o->promote) {
        rc = mlclf_registry_promote(c->o->registry, c->o->name,
                                    c->pub.version, &from, &err);
        if (rc != MLCLF_OK) {
            fprintf(stderr, "mlclf-import: published %s v%u, but cannot "
                    "promote it: %s\n", c->o->name, c->pub.version, err.msg);
            return MLCLF_IMPORT_EXIT_REGISTRY;
        }
    }

    return MLCLF_IMPORT_EXIT_OK;

failed:

    fprintf(stderr, "mlclf-import: %s\n", err.msg);

    return rc == MLCLF_ENOMEM ? MLCLF_IMPORT_EXIT_INTERNAL
                              : MLCLF_IMPORT_EXIT_REGISTRY;

nomem:

    fprintf(stderr, "mlclf-import: out of memory\n");

    return MLCLF_IMPORT_EXIT_INTERNAL;
}


static void
mlclf_import_report(mlclf_import_ctx_t *c)
{
    if (c->o->json) {
        fputs(c->meta_text, stdout);
        return;
    }

    printf("%s: imported %s %s model (%s, %u features, %u classes",
           c->o->path, mlclf_import_format_name(c->im.format),
           c->im.source_kind, c->spec.kind == MLCLF_KIND_LOGREG ? "logreg"
           : c->spec.kind == MLCLF_KIND_FOREST ? "forest" : "gbt",
           c->im.n_features, c->im.n_classes);

    if (c->im.n_trees != 0) {
        printf(", %u trees", c->im.n_trees);
    }

    printf(") as %s v%u%s\n", c->o->name, c->pub.version,
           c->o->promote ? ", active" : "");
}


static void
mlclf_import_done(mlclf_import_ctx_t *c)
{
    if (c->staged) {
        mlclf_registry_abort(&c->pub);
    }

    cJSON_Delete(c->meta);
    free(c->meta_text);
    free(c->model_meta);
    free(c->model);
    free(c->src);
    mlclf_import_ref_free(&c->ref);
    mlclf_import_free(&c->im);
}


int
mlclf_import_run(const mlclf_import_opts_t *o)
{
    int                 ex, rc;
    mlclf_err_t         err;
    mlclf_import_ctx_t  c;

    memset(&c, 0, sizeof(c));
    c.o = o;
    mlclf_import_init(&c.im, o->path, o->format);

    ex = mlclf_import_read(&c);
    if (ex != MLCLF_IMPORT_EXIT_OK) {
        goto done;
    }

    ex = MLCLF_IMPORT_EXIT_SOURCE;

    rc = mlclf_import_parse(&c.im, c.src, c.src_len, &err);

    if (rc == MLCLF_OK) {
        /* a bad list is the command line's fault, a bad name the file's */
        if (o->features != NULL || o->classes != NULL) {
            ex = MLCLF_IMPORT_EXIT_USAGE;
        }

        rc = mlclf_import_names(&c.im, o->features, o->classes, &err);
    }

    if (rc == MLCLF_OK) {
        ex = MLCLF_IMPORT_EXIT_SOURCE;
        rc = mlclf_import_spec(&c.im, &c.spec, &err);
    }

    if (rc == MLCLF_OK && o->reference != NULL) {
        rc = mlclf_import_reference(&c.ref, o->reference, o->reference_label,
                                    &c.spec, &err);
        ex = rc == MLCLF_EIO ? MLCLF_IMPORT_EXIT_IO : MLCLF_IMPORT_EXIT_SOURCE;
    }

    if (rc != MLCLF_OK) {
        fprintf(stderr, "mlclf-import: %s\n", err.msg);
        ex = rc == MLCLF_ENOMEM ? MLCLF_IMPORT_EXIT_INTERNAL : ex;
        goto done;
    }

    ex = mlclf_import_publish(&c);

    if (ex == MLCLF_IMPORT_EXIT_OK) {
        mlclf_import_report(&c);
    }

done:

    mlclf_import_done(&c);

    return ex;
}
