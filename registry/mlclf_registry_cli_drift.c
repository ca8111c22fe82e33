
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * mlclf-registry show: a version's reference distributions
 * (docs/monitoring.md), read from its model.mlclf: per input its cut
 * points or categories and its bin shares, the missing bin last, then
 * the predicted-class shares and the label prior.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include <mlclf.h>
#include <mlclf_format.h>
#include "mlclf_registry_cli.h"


static cJSON *mlclf_registry_drift_input(const mlclf_model_t *m,
    uint32_t i);
static void mlclf_registry_drift_list(char *buf, size_t size,
    const cJSON *a);


void
mlclf_registry_show_drift(const char *root, const char *name, uint32_t v,
    cJSON *j)
{
    int             ok;
    char            path[4096];
    cJSON          *ref, *in;
    uint32_t        i, nc;
    mlclf_err_t     err;
    mlclf_model_t  *m;

    (void) snprintf(path, sizeof(path), "%s/%s/versions/v%u/model.mlclf",
                    root, name, v);

    /* a model that does not open is verify's business, not show's */
    if (mlclf_model_open(&m, path, 0, &err) != MLCLF_OK) {
        return;
    }

    if (mlclf_drift_ready(m) != MLCLF_OK) {
        mlclf_model_close(&m);
        return;
    }

    nc = mlclf_model_n_classes(m);
    ref = cJSON_AddObjectToObject(j, "reference");
    in = cJSON_AddArrayToObject(ref, "inputs");
    ok = in != NULL;

    for (i = 0; ok && i < mlclf_drift_n_inputs(m); i++) {
        ok = cJSON_AddItemToArray(in, mlclf_registry_drift_input(m, i));
    }

    if (ok) {
        (void) cJSON_AddItemToObject(ref, "predicted_classes",
                 cJSON_CreateDoubleArray(mlclf_drift_class_shares(m),
                                         (int) nc));
    }

    if (ok && mlclf_drift_class_prior(m) != NULL) {
        (void) cJSON_AddItemToObject(ref, "label_prior",
                 cJSON_CreateDoubleArray(mlclf_drift_class_prior(m),
                                         (int) nc));
    }

    mlclf_model_close(&m);
}


/* {"name", "kind", "edges" or "categories", "shares"} of input i. */
static cJSON *
mlclf_registry_drift_input(const mlclf_model_t *m, uint32_t i)
{
    char          *s;
    cJSON         *o, *a;
    size_t         len;
    uint32_t       n, b, kind;
    const char    *v;
    const double  *e;

    kind = mlclf_drift_kind(m, i);

    o = cJSON_CreateObject();
    (void) cJSON_AddStringToObject(o, "name", mlclf_model_feature_name(m, i));
    (void) cJSON_AddStringToObject(o, "kind",
                                   kind == MLCLF_DRIFT_NUMBER ? "number"
                                   : kind == MLCLF_DRIFT_TEXT ? "text_length"
                                   : "category");

    if (kind == MLCLF_DRIFT_CATEGORY) {
        a = cJSON_AddArrayToObject(o, "categories");

        for (b = 0; b + 2 < mlclf_drift_n_bins(m, i); b++) {
            v = mlclf_drift_value(m, i, b, &len);
            s = malloc(len + 1);

            if (s != NULL) {
                memcpy(s, v, len);
                s[len] = '\0';
                (void) cJSON_AddItemToArray(a, cJSON_CreateString(s));
                free(s);
            }
        }

    } else {
        e = mlclf_drift_edges(m, i, &n);
        (void) cJSON_AddItemToObject(o, "edges",
                                     cJSON_CreateDoubleArray(e, (int) n));
    }

    (void) cJSON_AddItemToObject(o, "shares",
                 cJSON_CreateDoubleArray(mlclf_drift_shares(m, i),
                                         (int) mlclf_drift_n_bins(m, i)));

    return o;
}


/* The reference that mlclf_registry_show_drift() added, as text. */
void
mlclf_registry_print_drift(const cJSON *j)
{
    char          edges[1024], shares[1024];
    const cJSON  *ref, *in;

    ref = cJSON_GetObjectItemCaseSensitive(j, "reference");

    if (ref == NULL) {
        mlclf_registry_kv("reference", "none (docs/monitoring.md)");
        return;
    }

    cJSON_ArrayForEach(in, cJSON_GetObjectItemCaseSensitive(ref, "inputs")) {
        mlclf_registry_drift_list(edges, sizeof(edges),
            cJSON_GetObjectItemCaseSensitive(in, "edges") != NULL
            ? cJSON_GetObjectItemCaseSensitive(in, "edges")
            : cJSON_GetObjectItemCaseSensitive(in, "categories"));
        mlclf_registry_drift_list(shares, sizeof(shares),
            cJSON_GetObjectItemCaseSensitive(in, "shares"));

        mlclf_registry_kv(cJSON_GetStringValue(
                              cJSON_GetObjectItemCaseSensitive(in, "name")),
                          "%s [%s]; shares [%s], missing last",
                          cJSON_GetStringValue(
                              cJSON_GetObjectItemCaseSensitive(in, "kind")),
                          edges, shares);
    }

    mlclf_registry_drift_list(shares, sizeof(shares),
        cJSON_GetObjectItemCaseSensitive(ref, "predicted_classes"));
    mlclf_registry_kv("predicted", "[%s]", shares);

    if (cJSON_GetObjectItemCaseSensitive(ref, "label_prior") != NULL) {
        mlclf_registry_drift_list(shares, sizeof(shares),
            cJSON_GetObjectItemCaseSensitive(ref, "label_prior"));
        mlclf_registry_kv("label prior", "[%s]", shares);
    }
}


/* The numbers (4 decimals) or strings of a, comma-separated, cut short. */
static void
mlclf_registry_drift_list(char *buf, size_t size, const cJSON *a)
{
    int           n;
    size_t        len;
    const cJSON  *it;

    buf[0] = '\0';
    len = 0;

    cJSON_ArrayForEach(it, a) {
        n = cJSON_IsString(it)
            ? snprintf(buf + len, size - len, "%s\"%.32s\"",
                       len ? ", " : "", it->valuestring)
            : snprintf(buf + len, size - len, "%s%.4g", len ? ", " : "",
                       it->valuedouble);

        if (n < 0 || (size_t) n >= size - len) {
            buf[len] = '\0';
            return;
        }

        len += (size_t) n;
    }
}
