
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * mlclf-train with category and text features: a logreg, a forest and
 * a vocabulary text train, publish a model with raw inputs that the
 * core reads back, the same bytes on every run; bad text data exits 4
 * with file:line:col and publishes nothing.
 */


#include <mlclf_format.h>
#include <mlclf_input.h>
#include <mlclf_train.h>

#include "tap.h"
#include "train_cli.h"


static void test_csv(const char *path, const char *body_of_row_7);
static void test_config(const char *path, const char *name,
    const char *data, const char *model, const char *text_keys,
    const char *unknown);
static void test_good(const char *reg);
static void test_drift(const mlclf_model_t *m, const char *name);
static void test_same_bytes(const char *reg);
static void test_bad(const char *reg);
static void test_refused(const char *reg, const char *name,
    const char *conf, const char *want, const char *why);


static const char *const  words_cat[] = {
    "purr", "whisker", "mouse", "nap", "\xc3\xa9t\xc3\xa9", "sofa"
};

static const char *const  words_dog[] = {
    "bark", "fetch", "walk", "bone", "stra\xc3\x9f" "e", "park"
};


/*
 * 80 rows: a subject of three words, mostly of the label's own list, a
 * sender domain (one of four), a number; row 7's body is given, the
 * others hold a quoted comma, a doubled quote and a line break.
 */
static void
test_csv(const char *path, const char *body_of_row_7)
{
    int          i, j, dog;
    char        *p, *text;
    size_t       len, cap;
    uint32_t     s;

    cap = 65536;
    text = malloc(cap);
    p = text;
    p += sprintf(p, "subject,body,sender,n,y\n");
    s = 17;

    for (i = 0; i < 80; i++) {
        dog = i % 2;
        p += sprintf(p, "\"");

        for (j = 0; j < 3; j++) {
            s = s * 1103515245u + 12345u;
            p += sprintf(p, "%s%s", j ? " " : "",
                         ((s >> 16) % 5 == 0) != dog
                         ? words_dog[(s >> 8) % 6] : words_cat[(s >> 8) % 6]);
        }

        if (i == 7) {
            p += sprintf(p, "\",%s,", body_of_row_7);

        } else {
            p += sprintf(p, "\",\"said \"\"%s\"\", then,\nbye\",",
                         dog ? "woof" : "meow");
        }

        p += sprintf(p, "%s,%d,%s\n",
                     (const char *[]) { "a.com", "b.org", "c.net",
                                        "d.io" }[i % 4],
                     i % 7, dog ? "dog" : "cat");
    }

    len = (size_t) (p - text);
    files_write(path, text, len);
    free(text);
}


static void
test_config(const char *path, const char *name, const char *data,
    const char *model, const char *text_keys, const char *unknown)
{
    char  text[2048];

    snprintf(text, sizeof(text),
             "name: %s\n"
             "data: %s\n"
             "label: y\n"
             "classes: [cat, dog]\n"
             "features:\n"
             "  - {name: subject, type: text, %s}\n"
             "  - {name: body, type: text, n_features: 16}\n"
             "  - {name: sender, type: category, unknown: %s}\n"
             "  - {name: n, type: float}\n"
             "split: {test_fraction: 0.25, seed: 7, stratify: true}\n"
             "model: %s\n",
             name, data, text_keys, unknown, model);

    (void) files_write(path, text, strlen(text));
}


/* Each kind trains; the model's inputs are the configuration's. */
static void
test_good(const char *reg)
{
    int             rc;
    char            data[128], conf[128], path[512], *p;
    size_t          i, len;
    cJSON          *meta, *imp;
    run_cmd_t       r;
    mlclf_err_t     err;
    mlclf_model_t  *m;

    static const struct {
        const char  *name;
        const char  *model;
        const char  *keys;
        uint32_t     columns;
    } cases[] = {
        { "text_lr", "{kind: logreg}",
          "n_features: 64, ngram_range: [1, 2]", 64 + 16 + 4 + 1 },
        { "text_rf", "{kind: forest, n_trees: 5}", "n_features: 32",
          32 + 16 + 4 + 1 },
        { "text_voc", "{kind: logreg}",
          "vectorizer: vocabulary, min_df: 2", 0 },
        { "text_gbt", "{kind: gbt, n_estimators: 5, max_depth: 2}",
          "n_features: 32", 32 + 16 + 4 + 1 },
        /* max_features counts columns, more than the four features */
        { "text_mtry", "{kind: forest, n_trees: 3, max_features: 20}",
          "n_features: 32", 32 + 16 + 4 + 1 },
    };

    snprintf(data, sizeof(data), "%s/good.csv", tmp);
    test_csv(data, "\"plain\"");

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(conf, sizeof(conf), "%s/%s.yaml", tmp, cases[i].name);
        test_config(conf, cases[i].name, data, cases[i].model,
                    cases[i].keys, "ignore");

        TEST_TRAIN(&r, EPOCH, conf, reg, NULL);
        is_int(r.status, 0, "%s: trains", cases[i].name);
        tap_diag("%.*s", (int) strcspn(r.err, "\n"), r.err);
        run_cmd_free(&r);

        snprintf(path, sizeof(path), "%s/%s/versions/v1/model.mlclf", reg,
                 cases[i].name);

        rc = mlclf_model_open(&m, path, 0, &err);
        is_int(rc, MLCLF_OK, "%s: the model reads back", cases[i].name);
        if (rc != MLCLF_OK) {
            tap_diag("%s", err.msg);
            continue;
        }

        ok(mlclf_model_has_inputs(m) && mlclf_model_n_inputs(m) == 4,
           "%s: four inputs", cases[i].name);
        ok(mlclf_model_input_type(m, 0) == MLCLF_INPUT_TEXT
           && mlclf_model_input_type(m, 1) == MLCLF_INPUT_TEXT
           && mlclf_model_input_type(m, 2) == MLCLF_INPUT_CATEGORY
           && mlclf_model_input_type(m, 3) == MLCLF_INPUT_NUMBER,
           "%s: text, text, category, number", cases[i].name);
        is_str(mlclf_model_feature_name(m, 2), "sender",
               "%s: inputs by the features' names", cases[i].name);

        test_drift(m, cases[i].name);

        if (cases[i].columns != 0) {
            is_int(mlclf_model_n_features(m), cases[i].columns,
                   "%s: %u columns", cases[i].name, cases[i].columns);

        } else {
            ok(mlclf_model_input_text(m, 0)->vectorizer
               == MLCLF_TEXT_VOCABULARY
               && mlclf_model_input_text(m, 0)->n_features >= 2,
               "%s: a vocabulary of %u terms", cases[i].name,
               mlclf_model_input_text(m, 0)->n_features);
        }

        mlclf_model_close(&m);
    }

    /* a gbt's importance is per feature: its columns' gains summed */
    snprintf(path, sizeof(path), "%s/text_gbt/versions/v1/meta.json", reg);
    p = files_read(path, &len);
    meta = p ? cJSON_Parse(p) : NULL;
    imp = cJSON_GetObjectItemCaseSensitive(meta, "feature_importance");
    ok(cJSON_GetArraySize(imp) == 4
       && test_num(imp, "subject", NULL) + test_num(imp, "body", NULL)
          + test_num(imp, "sender", NULL) + test_num(imp, "n", NULL) > 0,
       "gbt: feature_importance by feature, not all 0");
    cJSON_Delete(meta);
    free(p);
}


/*
 * The reference of the train rows: the sender's four domains, each
 * its own bin, none other or missing; the bodies all 22 bytes long but
 * row 7's "plain" (5), which the 60 train rows' first decile does not
 * reach: one cut point at 22; the labels stratified half and half.
 */
static void
test_drift(const mlclf_model_t *m, const char *name)
{
    int            four;
    size_t         len;
    uint32_t       b, n;
    const char    *v;
    const double  *q, *e;

    if (!ok(mlclf_drift_ready(m) == MLCLF_OK, "%s: has a reference", name))
    {
        return;
    }

    ok(mlclf_drift_kind(m, 0) == MLCLF_DRIFT_TEXT
       && mlclf_drift_kind(m, 2) == MLCLF_DRIFT_CATEGORY
       && mlclf_drift_kind(m, 3) == MLCLF_DRIFT_NUMBER,
       "%s: text, category and number bins", name);

    q = mlclf_drift_shares(m, 2);
    four = mlclf_drift_n_bins(m, 2) == 6 && q[4] == 0.0 && q[5] == 0.0;

    for (b = 0; four && b < 4; b++) {
        v = mlclf_drift_value(m, 2, b, &len);
        four = v != NULL && len >= 4 && v[1] == '.' && q[b] > 0.2
               && q[b] < 0.3;
    }

    ok(four, "%s: sender: four domains, nothing other or missing", name);

    e = mlclf_drift_edges(m, 1, &n);
    q = mlclf_drift_shares(m, 1);
    ok(n == 1 && e[0] == 22.0 && q[0] == 1.0 && q[2] == 0.0,
       "%s: body: cut at 22 bytes, every train row at or below", name);

    q = mlclf_drift_class_prior(m);
    ok(q != NULL && q[0] == 0.5 && q[1] == 0.5,
       "%s: the label prior, stratified", name);
}


/* Two runs at one SOURCE_DATE_EPOCH: the same model bytes. */
static void
test_same_bytes(const char *reg)
{
    char        data[128], conf[128], path[512], a[65], b[65], reg2[256];
    run_cmd_t   r;

    snprintf(data, sizeof(data), "%s/good.csv", tmp);
    snprintf(conf, sizeof(conf), "%s/again.yaml", tmp);
    test_config(conf, "again", data, "{kind: logreg}", "n_features: 64",
                "infrequent, min_frequency: 21");

    /* two registries: a second version's header would say v2 */
    snprintf(reg2, sizeof(reg2), "%s2", reg);

    TEST_TRAIN(&r, EPOCH, conf, reg, NULL);
    run_cmd_free(&r);
    TEST_TRAIN(&r, EPOCH, conf, reg2, NULL);
    is_int(r.status, 0, "trained twice");
    run_cmd_free(&r);

    snprintf(path, sizeof(path), "%s/again/versions/v1/model.mlclf", reg);
    test_sha_file(path, a);
    snprintf(path, sizeof(path), "%s/again/versions/v1/model.mlclf", reg2);
    test_sha_file(path, b);

    ok(a[0] != '\0' && strcmp(a, b) == 0, "the same bytes twice: %s", a);
}


static void
test_refused(const char *reg, const char *name, const char *conf,
    const char *want, const char *why)
{
    run_cmd_t  r;

    TEST_TRAIN(&r, EPOCH, conf, reg, NULL);

    is_int(r.status, MLCLF_TRAIN_EXIT_DATA, "%s: exits 4", why);
    ok(strstr(r.err, want) != NULL, "%s: stderr says %s", why, want);
    tap_diag("%.*s", (int) strcspn(r.err, "\n"), r.err);
    is_int(test_entries(reg, name), 0, "%s: nothing published", why);

    run_cmd_free(&r);
}


static void
test_bad(const char *reg)
{
    int    i;
    char   data[128], conf[128], want[512], csv[4096], *p;

    static const char  empty_csv[] =
        "subject,body,sender,n,y\n,x,a,1,cat\n,y,b,2,dog\n,z,a,3,cat\n"
        ",w,b,4,dog\n,v,a,5,cat\n,u,b,6,dog\n,t,a,7,cat\n,s,b,8,dog\n";

    /* row 7 is on line 2 + 7 * 2 = 16 (each other body has a line break) */
    snprintf(data, sizeof(data), "%s/utf8.csv", tmp);
    test_csv(data, "\"ok \xc3\x28 not\"");
    snprintf(conf, sizeof(conf), "%s/utf8.yaml", tmp);
    test_config(conf, "utf8", data, "{kind: logreg}", "n_features: 64",
                "ignore");
    snprintf(want, sizeof(want), "%s:16:2: body: invalid UTF-8 at byte 4 "
             "of the text", data);
    test_refused(reg, "utf8", conf, want, "invalid UTF-8 in a text");

    snprintf(data, sizeof(data), "%s/empty.csv", tmp);
    files_write(data, empty_csv, sizeof(empty_csv) - 1);
    snprintf(conf, sizeof(conf), "%s/empty.yaml", tmp);
    test_config(conf, "empty", data, "{kind: logreg}", "n_features: 64",
                "ignore");
    snprintf(want, sizeof(want), "%s:1:1: subject: the text is empty in "
             "every train row", data);
    test_refused(reg, "empty", conf, want, "an empty text column");

    /* every sender once: the test rows' are unknown to the train rows */
    p = csv + sprintf(csv, "subject,body,sender,n,y\n");
    for (i = 0; i < 40; i++) {
        p += sprintf(p, "w%d x,b,s%d.org,%d,%s\n", i % 5, i, i,
                     i % 2 ? "dog" : "cat");
    }

    snprintf(data, sizeof(data), "%s/unseen.csv", tmp);
    files_write(data, csv, (size_t) (p - csv));
    snprintf(conf, sizeof(conf), "%s/unseen.yaml", tmp);
    test_config(conf, "unseen", data, "{kind: logreg}", "n_features: 64",
                "error");
    test_refused(reg, "unseen", conf, "a category the train rows do not "
                 "have, and unknown: error refuses it",
                 "a test row's category under unknown: error");

    snprintf(data, sizeof(data), "%s/good.csv", tmp);
    snprintf(conf, sizeof(conf), "%s/wide.yaml", tmp);
    test_config(conf, "wide", data, "{kind: forest, n_trees: 2}",
                "n_features: 16777216", "ignore");
    test_refused(reg, "wide", conf, "give the texts fewer n_features",
                 "a forest too wide to fit");

    snprintf(conf, sizeof(conf), "%s/mtry.yaml", tmp);
    test_config(conf, "mtry", data,
                "{kind: forest, n_trees: 2, max_features: 54}",
                "n_features: 32", "ignore");
    test_refused(reg, "mtry", conf, "model.max_features: 54 is more than "
                 "the 53 columns the features make",
                 "max_features past the columns");
}


int
main(void)
{
    char  reg[128];

    test_setup("test_train_inputs");
    snprintf(reg, sizeof(reg), "%s/reg", tmp);

    test_good(reg);
    test_same_bytes(reg);
    test_bad(reg);

    return tap_done();
}
