
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The scikit-learn interchange file (tools/mlclf-sklearn-export,
 * docs/sklearn-interchange.md): its header, names and logistic
 * regression.  The trees are read by mlclf_import_sklearn_trees.c.
 */


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlclf_import_sklearn.h"


static int mlclf_import_skl_parse_error(mlclf_import_skl_t *ctx,
    const char *buf, size_t len, const char *at, int trailing);
static int mlclf_import_skl_header(mlclf_import_skl_t *ctx);
static int mlclf_import_skl_estimator(mlclf_import_skl_t *ctx);
static int mlclf_import_skl_strings(mlclf_import_skl_t *ctx,
    const char *key, uint32_t n, char ***out);
static int mlclf_import_skl_logreg(mlclf_import_skl_t *ctx);
static int mlclf_import_skl_logreg_row(mlclf_import_skl_t *ctx,
    const cJSON *row, uint32_t r, double *w);


/* Members of the file, by estimator (docs/sklearn-interchange.md). */
#define MLCLF_IMPORT_SKL_COMMON                                              \
    "format", "format_version", "sklearn_version", "estimator",              \
    "n_features", "feature_names", "classes"

static const char *const  mlclf_import_skl_logreg_keys[] = {
    MLCLF_IMPORT_SKL_COMMON, "multi_class", "coef", "intercept", NULL
};

static const char *const  mlclf_import_skl_forest_keys[] = {
    MLCLF_IMPORT_SKL_COMMON, "n_trees", "trees", NULL
};

static const char *const  mlclf_import_skl_gb_keys[] = {
    MLCLF_IMPORT_SKL_COMMON, "loss", "learning_rate", "init", "base",
    "trees_per_stage", "n_trees", "trees", NULL
};

static const char *const  mlclf_import_skl_hgb_keys[] = {
    MLCLF_IMPORT_SKL_COMMON, "loss", "learning_rate", "base",
    "trees_per_stage", "n_trees", "trees", NULL
};


int
mlclf_import_sklearn(mlclf_import_t *im, const char *buf, size_t len,
    mlclf_err_t *err)
{
    int                  rc;
    const char          *end;
    mlclf_import_skl_t   ctx;

    memset(&ctx, 0, sizeof(ctx));
    ctx.im = im;
    ctx.err = err;

    /*
     * len + 1: cJSON reads the NUL after the text; the end of the value
     * must be the end of the file, bar white space
     */
    end = NULL;
    ctx.root = cJSON_ParseWithLengthOpts(buf, len + 1, &end, 0);

    if (ctx.root == NULL) {
        return mlclf_import_skl_parse_error(&ctx, buf, len, end, 0);
    }

    while (end < buf + len && strchr(" \t\r\n", *end) != NULL) {
        end++;
    }

    if (end != buf + len) {
        rc = mlclf_import_skl_parse_error(&ctx, buf, len, end, 1);
        goto done;
    }

    rc = mlclf_import_skl_header(&ctx);
    if (rc != MLCLF_OK) {
        goto done;
    }

    switch (ctx.estimator) {

    case MLCLF_IMPORT_SKL_LOGREG:
        rc = mlclf_import_skl_logreg(&ctx);
        break;

    case MLCLF_IMPORT_SKL_FOREST:
        rc = mlclf_import_skl_forest(&ctx);
        break;

    default:
        rc = mlclf_import_skl_boosting(&ctx);
        break;
    }

done:

    cJSON_Delete(ctx.root);
    free(ctx.nodes);
    free(ctx.values);

    return rc;
}


/*
 * A message at the line and column of at, a place in buf: where cJSON
 * stopped, or (trailing) the first byte after the value.
 */
static int
mlclf_import_skl_parse_error(mlclf_import_skl_t *ctx, const char *buf,
    size_t len, const char *at, int trailing)
{
    size_t       line, col;
    const char  *p, *why;

    if (at == NULL || at < buf || at > buf + len) {
        at = buf + len;
    }

    line = 1;
    col = 1;

    for (p = buf; p < at; p++) {
        if (*p == '\n') {
            line++;
            col = 1;

        } else {
            col++;
        }
    }

    if (trailing) {
        why = "text after the JSON value";

    } else if (at == buf + len) {
        why = "not valid JSON: the file ends inside it (truncated?)";

    } else if (*at == 'N' || *at == 'I'
               || (*at == '-' && at[1] == 'I'))
    {
        why = "not valid JSON: NaN and Infinity are not JSON numbers";

    } else {
        why = "not valid JSON";
    }

    return mlclf_import_fail(ctx->err, MLCLF_EINVAL, ctx->im, line, col,
                             "%s", why);
}


static int
mlclf_import_skl_header(mlclf_import_skl_t *ctx)
{
    int              rc;
    double           v;
    uint32_t         i;
    const cJSON     *j;
    mlclf_import_t  *im;

    im = ctx->im;

    if (!cJSON_IsObject(ctx->root)) {
        return mlclf_import_skl_fail(ctx, "the file is %s, not a JSON "
                                     "object",
                                     mlclf_import_skl_show(ctx, ctx->root));
    }

    j = mlclf_import_skl_member(ctx, ctx->root, "", "format");
    if (j == NULL) {
        return MLCLF_EINVAL;
    }

    if (!cJSON_IsString(j) || strcmp(j->valuestring, MLCLF_IMPORT_SKL_FORMAT))
    {
        return mlclf_import_skl_fail(ctx, "format: %s, not \"%s\"",
                                     mlclf_import_skl_show(ctx, j),
                                     MLCLF_IMPORT_SKL_FORMAT);
    }

    j = mlclf_import_skl_member(ctx, ctx->root, "", "format_version");
    if (j == NULL) {
        return MLCLF_EINVAL;
    }

    if (mlclf_import_skl_int(j, 1, 1e9, &v) != MLCLF_OK) {
        return mlclf_import_skl_fail(ctx, "format_version: %s is not a "
                                     "version number",
                                     mlclf_import_skl_show(ctx, j));
    }

    if (v > MLCLF_IMPORT_SKL_VERSION) {
        return mlclf_import_skl_fail(ctx, "format_version %.0f: written by "
                                     "a newer exporter (this mlclf-import "
                                     "reads format_version %d)", v,
                                     MLCLF_IMPORT_SKL_VERSION);
    }

    rc = mlclf_import_skl_estimator(ctx);
    if (rc != MLCLF_OK) {
        return rc;
    }

    j = mlclf_import_skl_member(ctx, ctx->root, "", "sklearn_version");
    if (j == NULL) {
        return MLCLF_EINVAL;
    }

    if (!cJSON_IsString(j)) {
        return mlclf_import_skl_fail(ctx, "sklearn_version: %s, not a "
                                     "string", mlclf_import_skl_show(ctx, j));
    }

    (void) snprintf(im->library_version, sizeof(im->library_version), "%s",
                    j->valuestring);

    j = mlclf_import_skl_member(ctx, ctx->root, "", "n_features");
    if (j == NULL) {
        return MLCLF_EINVAL;
    }

    if (mlclf_import_skl_int(j, 1, MLCLF_MAX_FEATURES, &v) != MLCLF_OK) {
        return mlclf_import_skl_fail(ctx, "n_features: %s is not a number "
                                     "of features (1..%d)",
                                     mlclf_import_skl_show(ctx, j),
                                     MLCLF_MAX_FEATURES);
    }

    im->n_features = (uint32_t) v;

    j = mlclf_import_skl_member(ctx, ctx->root, "", "classes");
    if (j == NULL) {
        return MLCLF_EINVAL;
    }

    i = cJSON_IsArray(j) ? (uint32_t) cJSON_GetArraySize(j) : 0;

    if (i < MLCLF_MIN_CLASSES || i > MLCLF_MAX_CLASSES) {
        return mlclf_import_skl_fail(ctx, "classes: %s, not an array of "
                                     "%d to %d labels",
                                     mlclf_import_skl_show(ctx, j),
                                     MLCLF_MIN_CLASSES, MLCLF_MAX_CLASSES);
    }

    im->n_classes = i;

    rc = mlclf_import_skl_strings(ctx, "classes", im->n_classes,
                                  &im->class_labels);
    if (rc != MLCLF_OK) {
        return rc;
    }

    j = mlclf_import_skl_member(ctx, ctx->root, "", "feature_names");
    if (j == NULL) {
        return MLCLF_EINVAL;
    }

    if (cJSON_IsNull(j)) {
        return MLCLF_OK;
    }

    return mlclf_import_skl_strings(ctx, "feature_names", im->n_features,
                                    &im->feature_names);
}


/* "estimator": which one, and the members its file has. */
static int
mlclf_import_skl_estimator(mlclf_import_skl_t *ctx)
{
    size_t        i;
    const cJSON  *j;

    static const struct {
        const char                    *name;
        mlclf_import_skl_estimator_e   kind;
        const char *const             *keys;
    } known[] = {
        { "LogisticRegression", MLCLF_IMPORT_SKL_LOGREG,
          mlclf_import_skl_logreg_keys },
        { "RandomForestClassifier", MLCLF_IMPORT_SKL_FOREST,
          mlclf_import_skl_forest_keys },
        { "ExtraTreesClassifier", MLCLF_IMPORT_SKL_FOREST,
          mlclf_import_skl_forest_keys },
        { "GradientBoostingClassifier", MLCLF_IMPORT_SKL_GB,
          mlclf_import_skl_gb_keys },
        { "HistGradientBoostingClassifier", MLCLF_IMPORT_SKL_HGB,
          mlclf_import_skl_hgb_keys }
    };

    j = mlclf_import_skl_member(ctx, ctx->root, "", "estimator");
    if (j == NULL) {
        return MLCLF_EINVAL;
    }

    if (!cJSON_IsString(j)) {
        return mlclf_import_skl_fail(ctx, "estimator: %s, not a class name",
                                     mlclf_import_skl_show(ctx, j));
    }

    for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        if (strcmp(j->valuestring, known[i].name) == 0) {
            break;
        }
    }

    if (i == sizeof(known) / sizeof(known[0])) {
        return mlclf_import_skl_fail(ctx, "estimator \"%.64s\" is not "
                                     "supported (LogisticRegression, "
                                     "RandomForestClassifier, "
                                     "ExtraTreesClassifier, "
                                     "GradientBoostingClassifier, "
                                     "HistGradientBoostingClassifier)",
                                     j->valuestring);
    }

    ctx->estimator = known[i].kind;

    (void) snprintf(ctx->im->library, sizeof(ctx->im->library),
                    "scikit-learn");
    (void) snprintf(ctx->im->source_kind, sizeof(ctx->im->source_kind),
                    "%s", known[i].name);

    return mlclf_import_skl_members(ctx, ctx->root, "", known[i].keys);
}


/* The member key of the root: an array of n strings, copied into *out. */
static int
mlclf_import_skl_strings(mlclf_import_skl_t *ctx, const char *key,
    uint32_t n, char ***out)
{
    char         **s;
    uint32_t       i;
    const cJSON   *a, *j;

    a = cJSON_GetObjectItemCaseSensitive(ctx->root, key);

    if (!cJSON_IsArray(a) || (uint32_t) cJSON_GetArraySize(a) != n) {
        return mlclf_import_skl_fail(ctx, "%s: %s, not an array of %u "
                                     "strings", key,
                                     mlclf_import_skl_show(ctx, a), n);
    }

    s = calloc(n, sizeof(char *));
    if (s == NULL) {
        return mlclf_err_set(ctx->err, MLCLF_ENOMEM, "%s: out of memory",
                             ctx->im->path);
    }

    *out = s;
    i = 0;

    cJSON_ArrayForEach(j, a) {
        if (!cJSON_IsString(j)) {
            return mlclf_import_skl_fail(ctx, "%s[%u]: %s, not a string",
                                         key, i,
                                         mlclf_import_skl_show(ctx, j));
        }

        s[i] = strdup(j->valuestring);
        if (s[i] == NULL) {
            return mlclf_err_set(ctx->err, MLCLF_ENOMEM,
                                 "%s: out of memory", ctx->im->path);
        }

        i++;
    }

    return MLCLF_OK;
}


/*
 * LogisticRegression.predict_proba (sklearn/linear_model/_logistic.py):
 * one-vs-rest with two classes is expit(d), d = coef . x + intercept;
 * multinomial is softmax over the rows' decisions, and with two classes
 * (one row) softmax over [-d, d], which is logreg with the rows -w, w.
 * One-vs-rest with more classes normalises sigmoids, which the model
 * format has no link for: refused.
 */
static int
mlclf_import_skl_logreg(mlclf_import_skl_t *ctx)
{
    int              rc, multinomial;
    double          *w, *b, v;
    uint32_t         rows, r, k, nf;
    const cJSON     *j, *coef, *icpt;
    mlclf_import_t  *im;

    im = ctx->im;
    nf = im->n_features;

    j = mlclf_import_skl_member(ctx, ctx->root, "", "multi_class");
    if (j == NULL) {
        return MLCLF_EINVAL;
    }

    if (cJSON_IsString(j) && strcmp(j->valuestring, "ovr") == 0) {
        multinomial = 0;

    } else if (cJSON_IsString(j)
               && strcmp(j->valuestring, "multinomial") == 0)
    {
        multinomial = 1;

    } else {
        return mlclf_import_skl_fail(ctx, "multi_class: %s, not \"ovr\" or "
                                     "\"multinomial\"",
                                     mlclf_import_skl_show(ctx, j));
    }

    if (!multinomial && im->n_classes > 2) {
        return mlclf_import_skl_fail(ctx, "multi_class \"ovr\" with %u "
                                     "classes is not supported (one-vs-rest"
                                     " normalises sigmoids): fit with "
                                     "multi_class=\"multinomial\"",
                                     im->n_classes);
    }

    rows = im->n_classes > 2 ? im->n_classes : 1;

    coef = mlclf_import_skl_member(ctx, ctx->root, "", "coef");
    icpt = mlclf_import_skl_member(ctx, ctx->root, "", "intercept");
    if (coef == NULL || icpt == NULL) {
        return MLCLF_EINVAL;
    }

    if (!cJSON_IsArray(coef) || (uint32_t) cJSON_GetArraySize(coef) != rows)
    {
        return mlclf_import_skl_fail(ctx, "coef: %s, not an array of %u "
                                     "rows", mlclf_import_skl_show(ctx, coef),
                                     rows);
    }

    if (!cJSON_IsArray(icpt) || (uint32_t) cJSON_GetArraySize(icpt) != rows)
    {
        return mlclf_import_skl_fail(ctx, "intercept: %s, not an array of "
                                     "%u numbers",
                                     mlclf_import_skl_show(ctx, icpt), rows);
    }

    im->kind = MLCLF_KIND_LOGREG;
    im->n_outputs = (multinomial && rows == 1) ? 2 : rows;

    im->weights = malloc((size_t) im->n_outputs * nf * sizeof(double));
    im->bias = malloc((size_t) im->n_outputs * sizeof(double));

    if (im->weights == NULL || im->bias == NULL) {
        return mlclf_err_set(ctx->err, MLCLF_ENOMEM, "%s: out of memory",
                             im->path);
    }

    /* the rows land after the negated row of a binary multinomial */
    w = im->weights + (im->n_outputs - rows) * nf;
    b = im->bias + (im->n_outputs - rows);
    r = 0;

    cJSON_ArrayForEach(j, coef) {
        rc = mlclf_import_skl_logreg_row(ctx, j, r, w + (size_t) r * nf);
        if (rc != MLCLF_OK) {
            return rc;
        }

        r++;
    }

    r = 0;

    cJSON_ArrayForEach(j, icpt) {
        if (mlclf_import_skl_num(j, &v) != MLCLF_OK) {
            return mlclf_import_skl_fail(ctx, "intercept[%u]: %s, not a "
                                         "finite number", r,
                                         mlclf_import_skl_show(ctx, j));
        }

        b[r++] = v;
    }

    if (im->n_outputs != rows) {
        /* negation is exact: -w . x is -(w . x), bit for bit */
        for (k = 0; k < nf; k++) {
            im->weights[k] = -w[k];
        }

        im->bias[0] = -b[0];
    }

    return MLCLF_OK;
}


static int
mlclf_import_skl_logreg_row(mlclf_import_skl_t *ctx, const cJSON *row,
    uint32_t r, double *w)
{
    double        v;
    uint32_t      k;
    const cJSON  *j;

    if (!cJSON_IsArray(row)
        || (uint32_t) cJSON_GetArraySize(row) != ctx->im->n_features)
    {
        return mlclf_import_skl_fail(ctx, "coef[%u]: %s, not an array of %u "
                                     "numbers", r,
                                     mlclf_import_skl_show(ctx, row),
                                     ctx->im->n_features);
    }

    k = 0;

    cJSON_ArrayForEach(j, row) {
        if (mlclf_import_skl_num(j, &v) != MLCLF_OK) {
            return mlclf_import_skl_fail(ctx, "coef[%u][%u]: %s, not a "
                                         "finite number", r, k,
                                         mlclf_import_skl_show(ctx, j));
        }

        w[k++] = v;
    }

    return MLCLF_OK;
}


/* Helpers shared with mlclf_import_sklearn_trees.c */


int
mlclf_import_skl_fail(mlclf_import_skl_t *ctx, const char *fmt, ...)
{
    va_list  ap;
    char     msg[MLCLF_ERR_MSG_LEN];

    va_start(ap, fmt);
    (void) vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    return mlclf_import_fail(ctx->err, MLCLF_EINVAL, ctx->im, 0, 0, "%s",
                             msg);
}


/* What j is, for a message: a number as written, else its type. */
const char *
mlclf_import_skl_show(mlclf_import_skl_t *ctx, const cJSON *j)
{
    if (j == NULL) {
        return "missing";
    }

    if (cJSON_IsNumber(j)) {
        (void) snprintf(ctx->show, sizeof(ctx->show), "%.17g",
                        j->valuedouble);
        return ctx->show;
    }

    if (cJSON_IsString(j)) {
        (void) snprintf(ctx->show, sizeof(ctx->show), "\"%.40s%s\"",
                        j->valuestring,
                        strlen(j->valuestring) > 40 ? "..." : "");
        return ctx->show;
    }

    if (cJSON_IsNull(j)) {
        return "null";
    }

    if (cJSON_IsTrue(j)) {
        return "true";
    }

    if (cJSON_IsFalse(j)) {
        return "false";
    }

    if (cJSON_IsArray(j)) {
        (void) snprintf(ctx->show, sizeof(ctx->show), "an array of %d",
                        cJSON_GetArraySize(j));
        return ctx->show;
    }

    return "an object";
}


/*
 * The member key of obj (whose JSON path is where, "" for the root), or
 * NULL with a message when it is missing.
 */
const cJSON *
mlclf_import_skl_member(mlclf_import_skl_t *ctx, const cJSON *obj,
    const char *where, const char *key)
{
    const cJSON  *j;

    j = cJSON_GetObjectItemCaseSensitive(obj, key);

    if (j == NULL) {
        (void) mlclf_import_skl_fail(ctx, "%s%smissing member \"%s\"",
                                     where, where[0] ? ": " : "", key);
    }

    return j;
}


/* Every member of obj is one of keys (NULL-terminated), none twice. */
int
mlclf_import_skl_members(mlclf_import_skl_t *ctx, const cJSON *obj,
    const char *where, const char *const *keys)
{
    size_t        i;
    const cJSON  *j, *k;

    cJSON_ArrayForEach(j, obj) {
        for (i = 0; keys[i] != NULL; i++) {
            if (strcmp(j->string, keys[i]) == 0) {
                break;
            }
        }

        if (keys[i] == NULL) {
            return mlclf_import_skl_fail(ctx, "%s%sunknown member \"%.64s\" "
                                         "for %s", where,
                                         where[0] ? ": " : "", j->string,
                                         ctx->im->source_kind[0]
                                         ? ctx->im->source_kind
                                         : "this estimator");
        }

        for (k = obj->child; k != j; k = k->next) {
            if (strcmp(k->string, j->string) == 0) {
                return mlclf_import_skl_fail(ctx, "%s%smember \"%.64s\" "
                                             "given twice", where,
                                             where[0] ? ": " : "",
                                             j->string);
            }
        }
    }

    return MLCLF_OK;
}


/* A finite number, else MLCLF_EINVAL (no message). */
int
mlclf_import_skl_num(const cJSON *j, double *v)
{
    if (!cJSON_IsNumber(j) || !isfinite(j->valuedouble)) {
        return MLCLF_EINVAL;
    }

    *v = j->valuedouble;

    return MLCLF_OK;
}


/* An integer in [lo, hi], else MLCLF_EINVAL (no message). */
int
mlclf_import_skl_int(const cJSON *j, double lo, double hi, double *v)
{
    double  d;

    if (!cJSON_IsNumber(j)) {
        return MLCLF_EINVAL;
    }

    d = j->valuedouble;

    /* NaN fails every comparison */
    if (!(d >= lo && d <= hi) || d != floor(d)) {
        return MLCLF_EINVAL;
    }

    *v = d;

    return MLCLF_OK;
}
