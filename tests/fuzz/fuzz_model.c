
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * libFuzzer target: arbitrary bytes through mlclf_model_verify() and
 * mlclf_model_load(), twice: as they are (the magic, size and CRC checks)
 * and with both CRC-32 fields recomputed, so that mutations reach the
 * section, string, parameter and tree checks behind the CRCs.  A model
 * that loads is queried through every accessor, predicts a few fixed
 * rows (finite probabilities that sum to 1) and answers a fixed /predict
 * batch whose reply must be JSON within mlclf_reply_bound().  A model
 * with reference distributions bins fixed values and the batch's rows
 * into them, and gives finite PSIs.
 */


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include <mlclf.h>
#include <mlclf_format.h>
#include <mlclf_input.h>
#include "fuzz.h"


/* the /predict body is built only for models this narrow */
#define FUZZ_REQUEST_FEATURES  64


static void fuzz_bytes(const uint8_t *data, size_t size, int fix_crc);
static void fuzz_fix_crc(uint8_t *p, size_t size);
static void fuzz_model(const mlclf_model_t *m, size_t size);
static void fuzz_predict(const mlclf_model_t *m);
static void fuzz_explain(const mlclf_model_t *m, const double *x,
    double *phi, double *scratch);
static void fuzz_request(const mlclf_model_t *m);
static void fuzz_predict_inputs(const mlclf_model_t *m);
static void fuzz_drift(const mlclf_model_t *m);
static void fuzz_drift_rows(const mlclf_model_t *m,
    const mlclf_request_t *req);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static const double  fuzz_values[] = {
    0.0, 5.1, -3.5, 1.4, 0.2, 1e-300, -1e300, 1e300, 2.5, -0.0, 1.75, 7.0
};


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_bytes(data, size, 0);

    if (size >= MLCLF_HEADER_SIZE) {
        fuzz_bytes(data, size, 1);
    }

    return 0;
}


static void
fuzz_bytes(const uint8_t *data, size_t size, int fix_crc)
{
    int             rc, vrc;
    uint8_t        *buf;
    mlclf_err_t     err;
    mlclf_model_t  *m;

    /* malloc() memory is 8-aligned; exact size, so ASan sees overreads */

    buf = malloc(size ? size : 1);
    if (buf == NULL) {
        return;
    }

    memcpy(buf, data, size);

    if (fix_crc) {
        fuzz_fix_crc(buf, size);
    }

    memset(&err, 0, sizeof(err));
    vrc = mlclf_model_verify(buf, size, &err);

    FUZZ_CHECK(vrc <= 0);
    FUZZ_CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);

    if (vrc != MLCLF_OK) {
        FUZZ_CHECK(err.code == vrc);
        FUZZ_CHECK(err.msg[0] != '\0');
    }

    m = (mlclf_model_t *) 1;
    memset(&err, 0, sizeof(err));

    rc = mlclf_model_load(&m, buf, size, &err);

    if (getenv("FUZZ_VERBOSE") != NULL) {
        fprintf(stderr, "%s: %d %s\n", fix_crc ? "crc fixed" : "as is", rc,
                rc ? err.msg : "");
    }

    /* verify and load are the same checks */
    FUZZ_CHECK(rc == vrc || rc == MLCLF_ENOMEM || vrc == MLCLF_ENOMEM);

    if (rc != MLCLF_OK) {
        FUZZ_CHECK(m == NULL);
        FUZZ_CHECK(err.code == rc);
        free(buf);
        return;
    }

    FUZZ_CHECK(m != NULL);

    fuzz_model(m, size);
    fuzz_predict(m);
    fuzz_drift(m);
    fuzz_request(m);

    mlclf_model_close(&m);
    FUZZ_CHECK(m == NULL);

    mlclf_model_close(&m);

    free(buf);
}


/* Recomputes payload_crc32 and header_crc32 where the sizes allow. */
static void
fuzz_fix_crc(uint8_t *p, size_t size)
{
    uint32_t  header_size, crc;
    uint64_t  file_size;

    memcpy(&header_size, p + offsetof(mlclf_file_header_t, header_size),
           sizeof(uint32_t));
    memcpy(&file_size, p + offsetof(mlclf_file_header_t, file_size),
           sizeof(uint64_t));

    if (header_size > size || header_size < MLCLF_HEADER_SIZE) {
        header_size = MLCLF_HEADER_SIZE;
    }

    if (file_size >= header_size && file_size <= size) {
        crc = mlclf_crc32(0, p + header_size,
                          (size_t) file_size - header_size);
        memcpy(p + offsetof(mlclf_file_header_t, payload_crc32), &crc,
               sizeof(uint32_t));
    }

    crc = 0;
    memcpy(p + offsetof(mlclf_file_header_t, header_crc32), &crc,
           sizeof(uint32_t));

    crc = mlclf_crc32(0, p, header_size);
    memcpy(p + offsetof(mlclf_file_header_t, header_crc32), &crc,
           sizeof(uint32_t));
}


static void
fuzz_model(const mlclf_model_t *m, size_t size)
{
    size_t          len;
    cJSON          *meta;
    int32_t         j;
    uint32_t        i, nf, nc;
    const char     *s;
    const double   *impute;

    nf = mlclf_model_n_inputs(m);
    nc = mlclf_model_n_classes(m);

    FUZZ_CHECK(nf >= 1 && nf <= MLCLF_MAX_FEATURES);
    FUZZ_CHECK(mlclf_model_n_features(m) >= 1
               && mlclf_model_n_features(m)
                  <= (mlclf_model_has_inputs(m) ? MLCLF_MAX_COLUMNS
                                                : MLCLF_MAX_FEATURES));
    FUZZ_CHECK(mlclf_model_has_inputs(m)
               || mlclf_model_n_features(m) == nf);
    FUZZ_CHECK(nc >= MLCLF_MIN_CLASSES && nc <= MLCLF_MAX_CLASSES);
    FUZZ_CHECK(mlclf_model_size(m) == size);

    switch (mlclf_model_kind(m)) {

    case MLCLF_KIND_LOGREG:
        FUZZ_CHECK(mlclf_model_n_trees(m) == 0);
        break;

    case MLCLF_KIND_FOREST:
    case MLCLF_KIND_GBT:
        FUZZ_CHECK(mlclf_model_n_trees(m) >= 1);
        break;

    default:
        FUZZ_CHECK(0);
    }

    /* a model that routes missing values has nothing to impute */
    FUZZ_CHECK(!mlclf_model_routes_missing(m)
               || mlclf_model_impute(m) == NULL);

    s = mlclf_model_kind_name(m);
    FUZZ_CHECK(s != NULL && s[0] != '\0');

    (void) mlclf_model_version(m);

    for (i = 0; i < nf; i++) {
        s = mlclf_model_feature_name(m, i);
        FUZZ_CHECK(s != NULL);

        len = strlen(s);
        FUZZ_CHECK(len >= 1 && len <= MLCLF_MAX_NAME_LEN);

        j = mlclf_model_feature_index(m, s, len);
        FUZZ_CHECK(j == (int32_t) i);
    }

    FUZZ_CHECK(mlclf_model_feature_index(m, "", 0) == -1);

    for (i = 0; i < nc; i++) {
        s = mlclf_model_class_label(m, i);
        FUZZ_CHECK(s != NULL);

        len = strlen(s);
        FUZZ_CHECK(len >= 1 && len <= MLCLF_MAX_NAME_LEN);
    }

    impute = mlclf_model_impute(m);

    if (impute != NULL) {
        for (i = 0; i < mlclf_model_n_features(m); i++) {
            FUZZ_CHECK(isfinite(impute[i]));
        }
    }

    len = 0;
    s = mlclf_model_metadata(m, &len);

    if (s != NULL) {
        FUZZ_CHECK(strlen(s) == len);

        meta = cJSON_ParseWithLength(s, len);
        FUZZ_CHECK(meta != NULL && cJSON_IsObject(meta));
        cJSON_Delete(meta);
    }
}


static void
fuzz_predict(const mlclf_model_t *m)
{
    size_t     r, n, ns;
    double    *x, *proba, *phi, *scratch, sum;
    uint32_t   i, k, nf, nc;

    if (mlclf_model_has_inputs(m)) {
        fuzz_predict_inputs(m);
        return;
    }

    /* explanations too, when the model has them and they fit */
    phi = NULL;
    scratch = NULL;

    if (mlclf_explain_ready(m) == MLCLF_OK) {
        ns = mlclf_explain_scratch(m);

        if (ns < (1u << 22)) {
            phi = malloc((size_t) mlclf_explain_n_outputs(m)
                         * (mlclf_model_n_features(m) + 1) * sizeof(double));
            scratch = malloc((ns + 1) * sizeof(double));
            FUZZ_CHECK(phi != NULL && scratch != NULL);
        }
    }

    nf = mlclf_model_n_features(m);
    nc = mlclf_model_n_classes(m);
    n = sizeof(fuzz_values) / sizeof(fuzz_values[0]);

    x = malloc(nf * sizeof(double));
    proba = malloc(nc * sizeof(double));
    FUZZ_CHECK(x != NULL && proba != NULL);

    /*
     * row r: feature i gets value (i + r) of the table, or r alone; then,
     * for a model that routes missing values, the first rows again with
     * every third value missing
     */

    for (r = 0; r < 3 * n; r++) {
        if (r >= 2 * n && !mlclf_model_routes_missing(m)) {
            break;
        }

        for (i = 0; i < nf; i++) {
            x[i] = (r < n) ? fuzz_values[(i + r) % n]
                   : (r < 2 * n) ? fuzz_values[r - n]
                   : (i + r) % 3 == 0 ? NAN : fuzz_values[(i + r) % n];
        }

        k = mlclf_predict_proba(m, x, proba);
        FUZZ_CHECK(k < nc);

        sum = 0.0;

        for (i = 0; i < nc; i++) {
            FUZZ_CHECK(isfinite(proba[i]));
            FUZZ_CHECK(proba[i] >= 0.0 && proba[i] <= 1.0);
            FUZZ_CHECK(proba[i] <= proba[k]);

            sum += proba[i];
        }

        /* a gbt model's per-class sigmoids need not sum to 1 */
        FUZZ_CHECK(fabs(sum - 1.0) < 1e-6
                   || (mlclf_model_kind(m) == MLCLF_KIND_GBT && nc > 2));

        if (phi != NULL) {
            fuzz_explain(m, x, phi, scratch);
        }
    }

    free(x);
    free(proba);
    free(phi);
    free(scratch);
}


/*
 * The explanation of x, run for the sanitizers; a forest's is also
 * checked: its leaves are probabilities, so each contribution is finite
 * and each output's sum a probability (its margin).  A logreg's or a
 * gbt's may overflow as its margin does (1e300 in the table, any leaf
 * value in a fuzzed file).
 */
static void
fuzz_explain(const mlclf_model_t *m, const double *x, double *phi,
    double *scratch)
{
    double    sum;
    uint32_t  k, j, no, nf;

    mlclf_explain(m, x, phi, scratch);

    if (mlclf_model_kind(m) != MLCLF_KIND_FOREST) {
        return;
    }

    no = mlclf_explain_n_outputs(m);
    nf = mlclf_model_n_features(m);

    for (k = 0; k < no; k++) {
        sum = 0.0;

        for (j = 0; j <= nf; j++) {
            FUZZ_CHECK(isfinite(phi[(size_t) k * (nf + 1) + j]));
            sum += phi[(size_t) k * (nf + 1) + j];
        }

        FUZZ_CHECK(sum >= -1e-6 && sum <= 1.0 + 1e-6);
    }
}


/*
 * A model with inputs: each input's value featurized alone (numbers
 * from the table, every category of the value table and a few texts),
 * the row scored through mlclf_predict_terms().
 */
static void
fuzz_predict_inputs(const mlclf_model_t *m)
{
    size_t              r, n, cap, k, scratch_len;
    double             *x, *proba;
    void               *scratch;
    uint32_t            i, ni, type, c;
    ptrdiff_t           got;
    const char         *text;
    mlclf_text_term_t  *terms;

    static const char  *texts[] = {
        "", "Free money, FREE!", "win win win the prize", "x",
        "\xce\xa3\xce\x9f\xce\xa3 \xe2\x82\xac 12 __ a_b"
    };

    ni = mlclf_model_n_inputs(m);
    cap = 0;
    scratch_len = 8;

    for (i = 0; i < ni; i++) {
        cap += mlclf_model_input_type(m, i) == MLCLF_INPUT_TEXT
               ? mlclf_input_text_terms(m, i, 64) : 1;

        if (mlclf_model_input_type(m, i) == MLCLF_INPUT_TEXT
            && mlclf_input_text_scratch(m, i, 64) > scratch_len)
        {
            scratch_len = mlclf_input_text_scratch(m, i, 64);
        }
    }

    x = calloc(mlclf_model_kind(m) == MLCLF_KIND_LOGREG ? 1
               : mlclf_model_n_features(m), sizeof(double));
    proba = malloc(mlclf_model_n_classes(m) * sizeof(double));
    terms = malloc(cap * sizeof(mlclf_text_term_t));
    scratch = malloc(scratch_len);
    FUZZ_CHECK(x != NULL && proba != NULL && terms != NULL
               && scratch != NULL);

    for (r = 0; r < 5; r++) {
        n = 0;

        for (i = 0; i < ni; i++) {
            type = mlclf_model_input_type(m, i);
            c = mlclf_input_column(m, i);

            if (type == MLCLF_INPUT_NUMBER) {
                terms[n].column = c;
                terms[n++].value = fuzz_values[(i + r) % 12];
                continue;
            }

            text = texts[(i + r) % 5];

            if (type == MLCLF_INPUT_CATEGORY) {
                got = mlclf_input_category(m, i, text, strlen(text),
                                           &terms[n]);
                FUZZ_CHECK(got >= -1 && got <= 1);

            } else {
                got = mlclf_input_text(m, i, text, strlen(text), scratch,
                                       &terms[n]);
                FUZZ_CHECK(got >= 0
                           && (size_t) got
                              <= mlclf_input_text_terms(m, i, strlen(text)));
            }

            for (k = n; got > 0 && k < n + (size_t) got; k++) {
                FUZZ_CHECK(terms[k].column >= c
                           && terms[k].column < mlclf_model_n_features(m)
                           && isfinite(terms[k].value));
                FUZZ_CHECK(k == n || terms[k].column > terms[k - 1].column);
            }

            n += got > 0 ? (size_t) got : 0;
        }

        FUZZ_CHECK(n <= cap);
        FUZZ_CHECK(mlclf_predict_terms(m, terms, n, x, proba)
                   < mlclf_model_n_classes(m));
    }

    free(x);
    free(proba);
    free(terms);
    free(scratch);
}


/*
 * {"instances":[[row 0],[row 1]],"probabilities":true} by position and
 * by name through the parser, then the reply.
 */
static void
fuzz_request(const mlclf_model_t *m)
{
    int              rc;
    char            *body, *p;
    cJSON           *root, *names, *row;
    size_t           bound, len;
    double          *scratch;
    uint32_t         i, nf;
    mlclf_err_t      err;
    mlclf_reply_t    rep;
    mlclf_request_t  req;

    nf = mlclf_model_n_inputs(m);

    if (nf > FUZZ_REQUEST_FEATURES) {
        return;
    }

    root = cJSON_CreateObject();
    names = cJSON_CreateObject();
    row = cJSON_CreateArray();
    FUZZ_CHECK(root != NULL && names != NULL && row != NULL);

    for (i = 0; i < nf; i++) {
        if (mlclf_model_input_type(m, i) != MLCLF_INPUT_NUMBER) {
            cJSON_AddItemToArray(row, cJSON_CreateString("a.com"));
            cJSON_AddItemToObject(names, mlclf_model_feature_name(m, i),
                                  cJSON_CreateString("Free money, win"));
            continue;
        }

        cJSON_AddItemToArray(row, cJSON_CreateNumber(fuzz_values[i % 5]));
        cJSON_AddItemToObject(names, mlclf_model_feature_name(m, i),
                              cJSON_CreateNumber(fuzz_values[(i + 2) % 5]));
    }

    cJSON_AddItemToObject(root, "instances", cJSON_CreateArray());
    cJSON_AddItemToArray(cJSON_GetObjectItem(root, "instances"), row);
    cJSON_AddItemToArray(cJSON_GetObjectItem(root, "instances"), names);
    cJSON_AddTrueToObject(root, "probabilities");

    body = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    FUZZ_CHECK(body != NULL);

    memset(&err, 0, sizeof(err));

    rc = mlclf_request_parse(&req, m, body, strlen(body), NULL, &err);

    /*
     * only a too deep body (never) or bad names could be refused, and a
     * category that the model does not know
     */
    if (rc == MLCLF_EREQUEST
        && req.reason == MLCLF_REASON_UNKNOWN_CATEGORY)
    {
        mlclf_request_free(&req);
        free(body);
        return;
    }

    FUZZ_CHECK(rc == MLCLF_OK);
    FUZZ_CHECK(req.n_rows == 2 && req.batch && req.probabilities);

    fuzz_drift_rows(m, &req);

    bound = mlclf_reply_bound(m, &req, "v1");
    scratch = malloc(mlclf_reply_scratch_for(m, &req) * sizeof(double));
    p = malloc(bound);
    FUZZ_CHECK(scratch != NULL && p != NULL);

    memset(&rep, 0, sizeof(rep));
    rep.buf = p;
    rep.size = bound;
    rep.scratch = scratch;
    rep.version = "v1";

    rc = mlclf_reply_write(&rep, m, &req, &err);
    FUZZ_CHECK(rc == MLCLF_OK);

    len = rep.len;
    FUZZ_CHECK(len < bound);

    root = cJSON_ParseWithLength(p, len);
    FUZZ_CHECK(root != NULL);
    FUZZ_CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(root, "predictions"))
               == 2);

    cJSON_Delete(root);
    mlclf_request_free(&req);
    free(scratch);
    free(p);
    free(body);
}


/*
 * The reference: each input's bins and shares as the verifier let
 * them through, fixed values binned within them, and finite PSIs.
 */
static void
fuzz_drift(const mlclf_model_t *m)
{
    double         sum, psi;
    size_t         k, n;
    uint32_t       i, b, nb;
    uint64_t       counts[MLCLF_DRIFT_MAX_BINS];
    const double  *q;

    static const char  *strings[] = { "", "a.com", "Free money, win", "x" };

    if (mlclf_drift_ready(m) != MLCLF_OK) {
        FUZZ_CHECK(mlclf_drift_class_shares(m) == NULL);
        return;
    }

    FUZZ_CHECK(mlclf_drift_n_inputs(m) == mlclf_model_n_inputs(m));
    FUZZ_CHECK(mlclf_drift_class_shares(m) != NULL);
    n = sizeof(fuzz_values) / sizeof(fuzz_values[0]);

    for (i = 0; i < mlclf_drift_n_inputs(m); i++) {
        nb = mlclf_drift_n_bins(m, i);
        FUZZ_CHECK(nb >= 2 && nb <= MLCLF_DRIFT_MAX_BINS);

        q = mlclf_drift_shares(m, i);
        sum = 0.0;

        for (b = 0; b < nb; b++) {
            FUZZ_CHECK(q[b] >= 0.0 && q[b] <= 1.0);
            sum += q[b];
            counts[b] = b % 3;
        }

        FUZZ_CHECK(fabs(sum - 1.0) <= 1e-9);

        psi = mlclf_psi(q, counts, nb);
        FUZZ_CHECK(isfinite(psi) && psi >= 0.0);

        if (mlclf_model_input_type(m, i) == MLCLF_INPUT_NUMBER) {
            for (k = 0; k < n; k++) {
                FUZZ_CHECK(mlclf_drift_bin_number(m, i, fuzz_values[k])
                           < nb - 1);
            }

            FUZZ_CHECK(mlclf_drift_bin_number(m, i, NAN) == nb - 1);
            continue;
        }

        for (k = 0; k < sizeof(strings) / sizeof(strings[0]); k++) {
            FUZZ_CHECK(mlclf_drift_bin_string(m, i, strings[k],
                                              strlen(strings[k]))
                       < nb - 1);
        }

        FUZZ_CHECK(mlclf_drift_bin_string(m, i, NULL, 0) == nb - 1);
    }
}


/* The bins of the batch's two rows, none missing, within each input's. */
static void
fuzz_drift_rows(const mlclf_model_t *m, const mlclf_request_t *req)
{
    size_t       r;
    uint8_t     *bins;
    uint32_t     i, n, total, *off, *want, *got;
    const void  *row;

    if (mlclf_drift_ready(m) != MLCLF_OK) {
        return;
    }

    n = mlclf_drift_n_inputs(m);
    bins = malloc(n + 1);
    off = malloc((n + 1) * sizeof(uint32_t));
    FUZZ_CHECK(bins != NULL && off != NULL);

    total = 0;

    for (i = 0; i < n; i++) {
        off[i] = total;
        total += mlclf_drift_n_bins(m, i);
    }

    want = calloc(total + 1, sizeof(uint32_t));
    got = calloc(total + 1, sizeof(uint32_t));
    FUZZ_CHECK(want != NULL && got != NULL);

    row = NULL;

    for (r = 0; r < req->n_rows; r++) {
        row = mlclf_request_next_row(req, row);
        mlclf_drift_row_bins(m, req, r, row, bins);

        for (i = 0; i < n; i++) {
            FUZZ_CHECK(bins[i] + 1u < mlclf_drift_n_bins(m, i));
            want[off[i] + bins[i]]++;
        }
    }

    /* the batch path, dense rows' own included, counts the same */

    mlclf_drift_count_rows(m, req, off, got, bins);
    FUZZ_CHECK(memcmp(want, got, total * sizeof(uint32_t)) == 0);

    free(got);
    free(want);
    free(off);
    free(bins);
}
