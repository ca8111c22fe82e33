
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * End-to-end tests of mlclf-train ($MLCLF_BIN/mlclf-train, default
 * build/bin), the runs that fail: gate (a gbt's too), data, config and
 * usage failures exit with their codes, say where on stderr, and
 * publish nothing; bad inputs (a table of CSV and YAML cases), bad gbt
 * configurations, files that are not regular, a deeply nested
 * configuration and a huge label are refused at once.  The runs that
 * publish are in test_train_cli.c.
 * Runs from the repository root; every registry is a fresh mkdtemp
 * directory, removed at the end.
 */


#include <mlclf.h>
#include <mlclf_train.h>
#include "tap.h"
#include "train_cli.h"


static void
test_failures(const char *reg)
{
    char         data[128], conf[128], text[8192], *p;
    size_t       len;
    run_cmd_t    r;
    const char  *args[4];

    /* a gate that a coin-flip data set cannot pass */

    snprintf(data, sizeof(data), "%s/noise.csv", tmp);
    test_noise_csv(data);

    snprintf(conf, sizeof(conf), "%s/gate.yaml", tmp);
    test_small_config(conf, "noise", data, "gates: {min_accuracy: 0.999}\n");

    TEST_TRAIN(&r, EPOCH, conf, reg, NULL);
    is_int(r.status, MLCLF_TRAIN_EXIT_GATE, "failing gate exits 6");
    ok(strstr(r.err, "mlclf-train: gate: ") != NULL,
       "gate failure is explained on stderr");
    tap_diag("%.*s", (int) strcspn(r.err, "\n"), r.err);
    is_int(test_entries(reg, "noise"), 0, "failing gate publishes nothing");
    run_cmd_free(&r);

    test_small_config(conf, "noise", data, "gates: {min_macro_f1: 0.999}\n");
    TEST_TRAIN(&r, EPOCH, conf, reg, NULL);
    is_int(r.status, MLCLF_TRAIN_EXIT_GATE, "failing F1 gate exits 6");
    is_int(test_entries(reg, "noise"), 0, "... and publishes nothing");
    run_cmd_free(&r);

    /* the same data without gates publishes v1, then v2 */

    test_small_config(conf, "noise", data, "");
    TEST_TRAIN(&r, EPOCH, conf, reg, NULL);
    is_int(r.status, 0, "no gate: exits 0");
    ok(strstr(r.out, "accuracy") && strstr(r.out, "published"),
       "the summary names accuracy and where it was published");
    run_cmd_free(&r);

    /* bad data: line 6 (header is 1), column of b */

    p = files_read("data/raw/iris.csv", &len);

    if (p) {
        char  *q;
        int    line;

        q = p;

        for (line = 1; line < 6; line++) {
            q = strchr(q, '\n') + 1;
        }

        /* "5.0,3.6,1.4,0.2,setosa": damage the second value */
        q = strchr(q, ',') + 1;
        q[0] = 'x';

        snprintf(data, sizeof(data), "%s/bad.csv", tmp);
        files_write(data, p, len);
        free(p);
    }

    snprintf(conf, sizeof(conf), "%s/bad.yaml", tmp);
    snprintf(text, sizeof(text),
             "name: bad\n"
             "data: %s\n"
             "label: species\n"
             "features: [sepal_length, sepal_width, petal_length, "
             "petal_width]\n"
             "model: {kind: logreg}\n", data);
    files_write(conf, text, strlen(text));

    TEST_TRAIN(&r, EPOCH, conf, reg, NULL);
    is_int(r.status, MLCLF_TRAIN_EXIT_DATA, "bad value exits 4");
    snprintf(text, sizeof(text), "%s:6:", data);
    ok(strstr(r.err, text) != NULL && strncmp(r.err, "mlclf-train: ", 13)
       == 0, "stderr names file:line:column");
    tap_diag("%.*s", (int) strcspn(r.err, "\n"), r.err);
    is_int(test_entries(reg, "bad"), 0, "bad data publishes nothing");
    run_cmd_free(&r);

    /* bad configuration */

    snprintf(text, sizeof(text),
             "name: bad\n"
             "data: data/raw/iris.csv\n"
             "label: species\n"
             "features: [sepal_length, sepal_width, petal_length, "
             "petal_width]\n"
             "model: {kind: logreg, l3: 1}\n");
    files_write(conf, text, strlen(text));

    TEST_TRAIN(&r, EPOCH, conf, reg, NULL);
    is_int(r.status, MLCLF_TRAIN_EXIT_CONFIG, "unknown key exits 3");
    ok(strstr(r.err, "mlclf-train: config: ") != NULL,
       "config error on stderr");
    tap_diag("%.*s", (int) strcspn(r.err, "\n"), r.err);
    is_int(test_entries(reg, "bad"), 0, "bad config publishes nothing");
    run_cmd_free(&r);

    snprintf(conf, sizeof(conf), "%s/missing.yaml", tmp);
    TEST_TRAIN(&r, EPOCH, conf, reg, NULL);
    is_int(r.status, MLCLF_TRAIN_EXIT_CONFIG, "missing config exits 3");
    run_cmd_free(&r);

    snprintf(conf, sizeof(conf), "conf/iris.yaml");
    TEST_TRAIN(&r, "yesterday", conf, reg, NULL);
    ok(r.status != 0, "malformed SOURCE_DATE_EPOCH is refused");
    run_cmd_free(&r);

    /* usage */

    args[0] = "--config";
    args[1] = conf;
    args[2] = NULL;
    test_exec(&r, EPOCH, args);
    is_int(r.status, MLCLF_TRAIN_EXIT_USAGE, "no --registry exits 2");
    run_cmd_free(&r);

    args[0] = "--bogus";
    args[1] = NULL;
    test_exec(&r, EPOCH, args);
    is_int(r.status, MLCLF_TRAIN_EXIT_USAGE, "unknown option exits 2");
    run_cmd_free(&r);

    args[0] = "--help";
    test_exec(&r, NULL, args);
    is_int(r.status, 0, "--help exits 0");
    ok(strstr(r.out, "usage: mlclf-train") && strstr(r.out, "exit codes")
       && strstr(r.out, "6  a quality gate failed"),
       "--help prints usage and the exit codes on stdout");
    run_cmd_free(&r);

    args[0] = "--version";
    test_exec(&r, NULL, args);
    is_int(r.status, 0, "--version exits 0");
    is_str(r.out, "mlclf-train " MLCLF_RELEASE " (model format 5)\n",
           "--version names the release and the model format");
    run_cmd_free(&r);
}


/*
 * Bad inputs through the whole command: each exits with its code, names
 * the file, line and column (0: none) on stderr, and msg if set, and
 * leaves the registry without a trace.  A CSV case is the data of a
 * good config (with classes: [cat, dog], or none if free_labels); a
 * YAML case is the config.
 */
typedef struct {
    unsigned                  yaml:1;
    int                       line;
    int                       col;
    const char               *text;
    const char               *why;
    const char               *msg;
    unsigned                  free_labels:1;
} test_bad_t;


static const test_bad_t  bad_inputs[] = {
    { 0, 3, 2, "a,b,y\n1,2,cat\n1,x,dog\n", "not a number", NULL, 0 },
    { 0, 2, 3, "a,b,y\n1,2,cow\n", "unknown label", NULL, 0 },
    { 0, 3, 3, "a,b,y\n1,2,cat\n1,2\n", "too few fields", NULL, 0 },
    { 0, 2, 4, "a,b,y\n1,2,cat,9\n", "too many fields", NULL, 0 },
    { 0, 2, 2, "a,b,y\n1,,cat\n", "missing value, policy fail", NULL, 0 },
    { 0, 2, 2, "a,b,y\n1,nan,dog\n", "NaN text", NULL, 0 },
    { 0, 2, 2, "a,b,y\n1,inf,dog\n", "infinite text", NULL, 0 },
    { 0, 2, 1, "a,b,y\n\"1,2,cat\n", "unterminated quote", NULL, 0 },
    { 0, 2, 3, "a,b,y\n1,2,\n", "empty label", NULL, 0 },
    { 0, 1, 0, "a,c,y\n1,2,cat\n", "missing column b", NULL, 0 },
    { 1, 3, 8, "name: bad\ndata: D\nlabel: [y]\nfeatures: [a, b]\n"
               "model: {kind: logreg}\n", "label not a string", NULL, 0 },
    { 1, 2, 1, "name: bad\ndta: D\n", "unknown key", NULL, 0 },
    { 1, 6, 24, "name: bad\ndata: D\nlabel: y\nfeatures: [a, b]\n"
                "model: {kind: logreg}\nsplit: {test_fraction: 1.5}\n",
      "test_fraction out of range", NULL, 0 },
    { 1, 5, 15, "name: bad\ndata: D\nlabel: y\nfeatures: [a, b]\n"
                "model: {kind: tree}\n", "unknown model kind", NULL, 0 },
    { 1, 5, 23, "name: bad\ndata: D\nlabel: y\nfeatures: [a, b]\n"
                "model: {kind: logreg, n_trees: 3}\n",
      "forest key for logreg", NULL, 0 },
    { 1, 4, 15, "name: bad\ndata: D\nlabel: y\nfeatures: [a, a]\n"
                "model: {kind: logreg}\n", "duplicate feature", NULL, 0 },
    { 1, 5, 27, "name: bad\ndata: D\nlabel: y\nfeatures: [a, b]\n"
                "model: {kind: logreg, l2: abc}\n", "l2 not a number",
      NULL, 0 },

    /* labels and names that a model cannot hold: refused on reading */
    { 0, 3, 3, "a,b,y\n1,2,cat\n3,4,caf\xc3\xa9\n5,6,dog\n",
      "non-ASCII label", "cannot be a class label: byte 4 is 0xc3", 1 },
    { 0, 3, 3, "a,b,y\n1,2,cat\n3,4,\"do\ng\"\n5,6,dog\n",
      "label with a line break", "cannot be a class label: byte 3 is 0x0a",
      1 },
    { 1, 4, 15, "name: bad\ndata: D\nlabel: y\n"
                "features: [a, \"b\\u00e9\"]\nmodel: {kind: logreg}\n",
      "non-ASCII feature name",
      "cannot be a feature name: byte 2 is 0xc3", 0 },
    { 1, 5, 11, "name: bad\ndata: D\nlabel: y\nfeatures: [a, b]\n"
                "classes: [\"c\\nat\", dog]\nmodel: {kind: logreg}\n",
      "class with a line break",
      "cannot be a class label: byte 2 is 0x0a", 0 },
};


static void
test_bad_inputs(const char *reg)
{
    char         data[128], conf[128], good[128], text[4096], want[256];
    const char  *d;
    size_t       i;
    run_cmd_t    r;
    const char  *file, *expect;

    static const char  good_csv[] = "a,b,y\n1,2,cat\n3,4,dog\n5,6,cat\n"
                                    "7,8,dog\n";

    snprintf(good, sizeof(good), "%s/good.csv", tmp);
    files_write(good, good_csv, sizeof(good_csv) - 1);

    for (i = 0; i < sizeof(bad_inputs) / sizeof(bad_inputs[0]); i++) {
        snprintf(conf, sizeof(conf), "%s/bad-%zu.yaml", tmp, i);
        snprintf(data, sizeof(data), "%s/bad-%zu.csv", tmp, i);

        if (bad_inputs[i].yaml) {
            /* the config's "D" stands for a good data file */
            d = strstr(bad_inputs[i].text, "data: D");
            if (d != NULL) {
                snprintf(text, sizeof(text), "%.*sdata: %s%s",
                         (int) (d - bad_inputs[i].text),
                         bad_inputs[i].text, good, d + 7);

            } else {
                snprintf(text, sizeof(text), "%s", bad_inputs[i].text);
            }

            files_write(conf, text, strlen(text));
            file = conf;
            expect = "config";

        } else if (bad_inputs[i].free_labels) {
            files_write(data, bad_inputs[i].text,
                        strlen(bad_inputs[i].text));
            snprintf(text, sizeof(text), "name: bad\ndata: %s\nlabel: y\n"
                     "features: [a, b]\nmodel: {kind: logreg}\n", data);
            files_write(conf, text, strlen(text));
            file = data;
            expect = "data";

        } else {
            files_write(data, bad_inputs[i].text,
                        strlen(bad_inputs[i].text));
            test_small_config(conf, "bad", data, "");
            file = data;
            expect = "data";
        }

        TEST_TRAIN(&r, EPOCH, conf, reg, NULL);

        is_int(r.status, bad_inputs[i].yaml ? MLCLF_TRAIN_EXIT_CONFIG
                                            : MLCLF_TRAIN_EXIT_DATA,
               "%s: %s exits %d", expect, bad_inputs[i].why,
               bad_inputs[i].yaml ? 3 : 4);

        if (bad_inputs[i].col) {
            snprintf(want, sizeof(want), "%s:%d:%d: ", file,
                     bad_inputs[i].line, bad_inputs[i].col);

        } else {
            snprintf(want, sizeof(want), "%s:%d: ", file,
                     bad_inputs[i].line);
        }

        ok(strstr(r.err, want) != NULL, "%s: %s: stderr names %s",
           expect, bad_inputs[i].why, want);
        tap_diag("%.*s", (int) strcspn(r.err, "\n"), r.err);

        if (bad_inputs[i].msg) {
            ok(strstr(r.err, bad_inputs[i].msg) != NULL, "%s: %s: says %s",
               expect, bad_inputs[i].why, bad_inputs[i].msg);
        }

        snprintf(want, sizeof(want), "%s/bad", reg);
        ok(access(want, F_OK) != 0 && test_entries(reg, "bad") == 0,
           "%s: %s: nothing published", expect, bad_inputs[i].why);

        run_cmd_free(&r);
    }
}


/* a gbt's gate is the same gate: it fails, names itself, publishes nothing */
static void
test_gbt_gate(const char *reg)
{
    char        data[128], conf[128];
    run_cmd_t   r;

    snprintf(data, sizeof(data), "%s/noise.csv", tmp);
    test_noise_csv(data);

    snprintf(conf, sizeof(conf), "%s/gbt-gate.yaml", tmp);
    test_small_model_config(conf, "noise_gbt", data,
                            "{kind: gbt, n_estimators: 5, max_depth: 2}",
                            "gates: {min_accuracy: 0.999}\n");

    TEST_TRAIN(&r, EPOCH, conf, reg, NULL);
    is_int(r.status, MLCLF_TRAIN_EXIT_GATE, "failing gbt gate exits 6");
    ok(strstr(r.err, "mlclf-train: gate: ") != NULL,
       "... the gate is named on stderr");
    is_int(test_entries(reg, "noise_gbt"), 0, "... nothing is published");
    run_cmd_free(&r);
}


/*
 * A bad gbt configuration exits 3 and names the file, line and column
 * before any data is read: its data: file does not exist.
 */
static void
test_gbt_config(const char *reg)
{
    char         conf[128], data[128], text[1024], want[512];
    size_t       i;
    run_cmd_t    r;

    static const struct {
        const char           *model;        /* from line 5 on */
        const char           *want;         /* after "<conf>:" */
    } cases[] = {
        { "model:\n  kind: gbt\n  max_depth: 3\n  n_trees: 10\n",
          "8:3: model.n_trees: not a parameter of kind gbt" },
        { "model:\n  kind: gbt\n  max_depth: 3\n"
          "  early_stopping: {rounds: 5}\n",
          "8:19: model.early_stopping: needs validation_fraction" },
        { "model:\n  kind: gbt\n  learning_rate: 0.1\n",
          "6:3: model: a gbt needs max_depth, max_leaves or both" },
        { "missing: allow\nmodel: {kind: forest}\n",
          "5:10: missing: allow needs model.kind gbt" },
    };

    snprintf(conf, sizeof(conf), "%s/gbt-bad.yaml", tmp);
    snprintf(data, sizeof(data), "%s/no-such.csv", tmp);

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(text, sizeof(text), "name: gbt_bad\ndata: %s\nlabel: y\n"
                 "features: [a, b]\n%s", data, cases[i].model);
        files_write(conf, text, strlen(text));

        TEST_TRAIN(&r, EPOCH, conf, reg, NULL);
        is_int(r.status, MLCLF_TRAIN_EXIT_CONFIG, "gbt case %zu: exits 3", i);
        snprintf(want, sizeof(want), "mlclf-train: config: %s:%s\n", conf,
                 cases[i].want);
        is_str(r.err, want, "gbt case %zu: file:line:col on stderr", i);
        ok(access(data, F_OK) != 0 && strstr(r.err, data) == NULL,
           "gbt case %zu: refused before the data is read", i);
        is_int(test_entries(reg, "gbt_bad"), 0,
               "gbt case %zu: nothing published", i);
        run_cmd_free(&r);
    }
}


/*
 * A FIFO, a directory or a device as the data or the configuration is
 * refused at once (a FIFO used to block the trainer forever), with the
 * data or config exit code; nothing is published.
 */
static void
test_not_regular(const char *reg)
{
    int          i;
    char         fifo[128], conf[128], text[512], want[256];
    run_cmd_t    r;

    static const struct {
        const char           *config;       /* NULL: conf */
        const char           *data;         /* NULL: the FIFO */
        int                   status;
        const char           *what;
        const char           *msg;
    } cases[] = {
        { NULL, NULL, MLCLF_TRAIN_EXIT_DATA, "FIFO as data",
          "a FIFO, not a regular file" },
        { NULL, "/dev/zero", MLCLF_TRAIN_EXIT_DATA, "/dev/zero as data",
          "/dev/zero: a character device, not a regular file" },
        { NULL, "/tmp", MLCLF_TRAIN_EXIT_DATA, "directory as data",
          "/tmp: a directory, not a regular file" },
        { "", NULL, MLCLF_TRAIN_EXIT_CONFIG, "FIFO as --config",
          "a FIFO, not a regular file" },
    };

    snprintf(fifo, sizeof(fifo), "%s/input.fifo", tmp);
    snprintf(conf, sizeof(conf), "%s/not-regular.yaml", tmp);

    if (!ok(mkfifo(fifo, 0600) == 0, "mkfifo %s", fifo)) {
        return;
    }

    test_alarm = 30;

    for (i = 0; i < (int) (sizeof(cases) / sizeof(cases[0])); i++) {
        snprintf(text, sizeof(text), "name: not_regular\ndata: %s\n"
                 "label: y\nfeatures: [a, b]\nmodel: {kind: logreg}\n",
                 cases[i].data ? cases[i].data : fifo);
        files_write(conf, text, strlen(text));

        TEST_TRAIN(&r, EPOCH, cases[i].config ? fifo : conf, reg, NULL);
        is_int(r.status, cases[i].status, "%s: exits %d", cases[i].what,
               cases[i].status);
        snprintf(want, sizeof(want), "mlclf-train: %s: ",
                 cases[i].config ? "config" : "data");
        ok(strncmp(r.err, want, strlen(want)) == 0
           && strstr(r.err, cases[i].msg) != NULL, "%s: says %s",
           cases[i].what, cases[i].msg);
        tap_diag("%.*s", (int) strcspn(r.err, "\n"), r.err);
        snprintf(want, sizeof(want), "%s/not_regular", reg);
        ok(access(want, F_OK) != 0, "%s: nothing published", cases[i].what);
        run_cmd_free(&r);
    }

    test_alarm = 0;
    unlink(fifo);
}


/*
 * A configuration nested 100,000 deep is refused at its 65th level, at
 * once (it took half a minute before nesting was bounded).
 */
static void
test_deep_yaml(const char *reg)
{
    char         conf[128], want[256], *yaml, *p;
    size_t       n;
    run_cmd_t    r;

    n = 100000;
    yaml = malloc(2 * n + 64);
    p = yaml + sprintf(yaml, "name: deep\nx: ");
    memset(p, '[', n);
    memset(p + n, ']', n);
    strcpy(p + 2 * n, "\n");

    snprintf(conf, sizeof(conf), "%s/deep.yaml", tmp);
    files_write(conf, yaml, strlen(yaml));
    free(yaml);

    test_alarm = 30;
    TEST_TRAIN(&r, EPOCH, conf, reg, NULL);
    test_alarm = 0;

    is_int(r.status, MLCLF_TRAIN_EXIT_CONFIG, "100,000 levels exit 3");
    snprintf(want, sizeof(want), "mlclf-train: config: %s:2:67: lists and "
             "mappings nested more than 64 deep\n", conf);
    is_str(r.err, want, "100,000 levels: file:line:col on stderr");
    snprintf(want, sizeof(want), "%s/deep", reg);
    ok(access(want, F_OK) != 0, "100,000 levels: nothing published");
    run_cmd_free(&r);
}


/*
 * A label longer than a model can hold is refused where it stands in
 * the CSV, by its length, as data (exit 4): never trained on.
 */
static void
test_long_label(const char *reg)
{
    char         data[128], conf[128], text[512], want[256], *csv, *p;
    size_t       n;
    run_cmd_t    r;

    n = 1024 * 1024;
    csv = malloc(n + 64);
    p = csv + sprintf(csv, "a,b,y\n1,2,cat\n3,4,");
    memset(p, 'x', n);
    strcpy(p + n, "\n5,6,dog\n7,8,cat\n");

    snprintf(data, sizeof(data), "%s/long-label.csv", tmp);
    snprintf(conf, sizeof(conf), "%s/long-label.yaml", tmp);
    files_write(data, csv, strlen(csv));
    free(csv);

    snprintf(text, sizeof(text), "name: long_label\ndata: %s\nlabel: y\n"
             "features: [a, b]\nmodel: {kind: logreg}\n", data);
    files_write(conf, text, strlen(text));

    TEST_TRAIN(&r, EPOCH, conf, reg, NULL);
    is_int(r.status, MLCLF_TRAIN_EXIT_DATA, "1 MB label exits 4");
    snprintf(want, sizeof(want), "mlclf-train: data: %s:3:3: y: ", data);
    ok(strncmp(r.err, want, strlen(want)) == 0
       && strstr(r.err, "cannot be a class label: 1048576 bytes, more "
                 "than 255\n") != NULL,
       "1 MB label: file:line:col and its length on stderr");
    tap_diag("%.*s", (int) strcspn(r.err, "\n"), r.err);
    snprintf(want, sizeof(want), "%s/long_label", reg);
    ok(access(want, F_OK) != 0, "1 MB label: nothing published");
    run_cmd_free(&r);
}


int
main(void)
{
    char  reg[128];

    test_setup("mlclf-train-cli-errors");

    snprintf(reg, sizeof(reg), "%s/reg", tmp);

    test_failures(reg);
    test_bad_inputs(reg);
    test_gbt_config(reg);
    test_gbt_gate(reg);
    test_long_label(reg);
    test_not_regular(reg);
    test_deep_yaml(reg);

    files_tmpdir_done(tmp, tap_failed);

    return tap_done();
}
