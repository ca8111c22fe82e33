
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Training YAML, the features: list: the types float, integer,
 * category and text, their keys and defaults, and every mistake in
 * them (a key of another type or vectorizer, a value of the wrong
 * type or out of range, keys that contradict each other), each of
 * which must fail with "<file>:<line>:<col>:" and its own reason.
 * Then the refusal of category and text features by the data reader
 * and the run.  The files are written into a mkdtemp() directory.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <tap.h>
#include <mlclf_train.h>
#include "train_config_cases.h"
#include "files.h"


/* the first feature is line 5 */
#define HEAD   "data: d.csv\nlabel: y\nmodel: {kind: logreg}\nfeatures:\n"

/* a text, a vocabulary text, a category feature: line 7 is next */
#define TEXT   HEAD "  - name: t\n    type: text\n"
#define VOCAB  TEXT "    vectorizer: vocabulary\n"
#define CAT    HEAD "  - name: c\n    type: category\n"


static char  dir[64];


static const bad_case_t  bad[] = {

    /* keys of another type */
    { HEAD "  - {name: a, ngram_range: [1, 2]}\n",
      "5:15: features[0].ngram_range: applies to text features, not float" },

    { HEAD "  - {name: a, type: integer, min_df: 2}\n",
      "5:30: features[0].min_df: applies to text features, not integer" },

    { TEXT "    min: 0\n",
      "7:5: features[0].min: applies to float and integer features, not "
      "text" },

    { CAT "    max: 10\n",
      "7:5: features[0].max: applies to float and integer features, not "
      "category" },

    { CAT "    norm: l2\n",
      "7:5: features[0].norm: applies to text features, not category" },

    { TEXT "    unknown: ignore\n",
      "7:5: features[0].unknown: applies to category features, not text" },

    { HEAD "  - a\n  - name: b\n    min_frequency: 3\n",
      "7:5: features[1].min_frequency: applies to category features, not "
      "float" },

    /* keys of the other vectorizer */
    { TEXT "    min_df: 2\n",
      "7:5: features[0].min_df: applies to vectorizer vocabulary, not "
      "hashing" },

    { TEXT "    max_features: 100\n",
      "7:5: features[0].max_features: applies to vectorizer vocabulary, "
      "not hashing" },

    { VOCAB "    alternate_sign: false\n",
      "8:5: features[0].alternate_sign: applies to vectorizer hashing, not "
      "vocabulary" },

    { VOCAB "    n_features: 1024\n",
      "8:5: features[0].n_features: applies to vectorizer hashing, not "
      "vocabulary" },

    { VOCAB "    hash_norm: none\n",
      "8:5: features[0].hash_norm: applies to vectorizer hashing, not "
      "vocabulary" },

    /* text values */
    { TEXT "    vectorizer: bag\n",
      "7:17: features[0].vectorizer: expected hashing or vocabulary, got "
      "\"bag\"" },

    { TEXT "    n_features: 1000\n",
      "7:17: features[0].n_features: expected a power of two in [2, "
      "16777216], got \"1000\"" },

    { TEXT "    n_features: 1\n",
      "7:17: features[0].n_features: expected a power of two in [2, "
      "16777216], got \"1\"" },

    { TEXT "    n_features: 33554432\n",
      "7:17: features[0].n_features: expected a power of two in [2, "
      "16777216], got \"33554432\"" },

    { TEXT "    n_features: \"1024\"\n",
      "7:17: features[0].n_features: expected a power of two in [2, "
      "16777216], got a quoted string \"1024\"" },

    { TEXT "    alternate_sign: yes\n",
      "7:21: features[0].alternate_sign: expected true or false, got "
      "\"yes\"" },

    { VOCAB "    max_features: 0\n",
      "8:19: features[0].max_features: expected an integer in [1, "
      "4294967295], got \"0\"" },

    { VOCAB "    min_df: -1\n",
      "8:13: features[0].min_df: expected an integer >= 1 or a number in "
      "[0, 1], got \"-1\"" },

    { VOCAB "    min_df: 0\n",
      "8:13: features[0].min_df: expected an integer >= 1 or a number in "
      "[0, 1], got \"0\"" },

    { VOCAB "    max_df: 1.5\n",
      "8:13: features[0].max_df: expected an integer >= 1 or a number in "
      "[0, 1], got \"1.5\"" },

    { VOCAB "    max_df: 2.0\n",
      "8:13: features[0].max_df: expected an integer >= 1 or a number in "
      "[0, 1], got \"2.0\"" },

    { VOCAB "    min_df: [1]\n",
      "8:13: features[0].min_df: expected an integer >= 1 or a number in "
      "[0, 1], got a list" },

    { VOCAB "    min_df: 99999999999999999999\n",
      "8:13: features[0].min_df: expected an integer >= 1 or a number in "
      "[0, 1], got \"99999999999999999999\"" },

    { VOCAB "    min_df: 5\n    max_df: 2\n",
      "9:13: features[0].max_df: 2 is less than min_df 5" },

    { VOCAB "    max_df: 0.25\n    min_df: 0.5\n",
      "8:13: features[0].max_df: 0.25 is less than min_df 0.5" },

    { TEXT "    ngram_range: [2, 1]\n",
      "7:18: features[0].ngram_range: min 2 is more than max 1" },

    { TEXT "    ngram_range: [0, 1]\n",
      "7:19: features[0].ngram_range[0]: expected an integer in [1, 8], "
      "got \"0\"" },

    { TEXT "    ngram_range: [1, 9]\n",
      "7:22: features[0].ngram_range[1]: expected an integer in [1, 8], "
      "got \"9\"" },

    { TEXT "    ngram_range: 2\n",
      "7:18: features[0].ngram_range: expected a list [min, max], got \"2\"" },

    { TEXT "    ngram_range: [1, 2, 3]\n",
      "7:18: features[0].ngram_range: expected a list [min, max], got a "
      "list" },

    { TEXT "    lowercase: 1\n",
      "7:16: features[0].lowercase: expected true or false, got \"1\"" },

    { TEXT "    binary: maybe\n",
      "7:13: features[0].binary: expected true or false, got \"maybe\"" },

    { TEXT "    sublinear_tf: true\n",
      "7:19: features[0].sublinear_tf: needs alternate_sign false: a "
      "signed count can be negative, and its log is undefined" },

    { TEXT "    alternate_sign: true\n    sublinear_tf: True\n",
      "8:19: features[0].sublinear_tf: needs alternate_sign false: a "
      "signed count can be negative, and its log is undefined" },

    { TEXT "    sublinear_tf: true\n    alternate_sign: false\n"
      "    hash_norm: l2\n",
      "7:19: features[0].sublinear_tf: needs hash_norm none: the log of a "
      "normalised count can be negative" },

    { TEXT "    idf: 0\n",
      "7:10: features[0].idf: expected true or false, got \"0\"" },

    { TEXT "    norm: l3\n",
      "7:11: features[0].norm: expected l2, l1 or none, got \"l3\"" },

    { TEXT "    hash_norm: max\n",
      "7:16: features[0].hash_norm: expected l2, l1 or none, got \"max\"" },

    { VOCAB "    norm: ~\n",
      "8:11: features[0].norm: expected l2, l1 or none, got nothing" },

    { TEXT "    stop_words: english\n",
      "7:5: unknown key \"stop_words\" in features[0]" },

    { TEXT "    ngram_range: [1, 2]\n    ngram_range: [1, 3]\n",
      "8:5: duplicate key \"ngram_range\" in features[0] (first on line 7)" },

    /* category values */
    { CAT "    min_frequency: 0\n",
      "7:20: features[0].min_frequency: expected an integer >= 1 or a "
      "number in (0, 1), got \"0\"" },

    { CAT "    min_frequency: 1.0\n",
      "7:20: features[0].min_frequency: expected an integer >= 1 or a "
      "number in (0, 1), got \"1.0\"" },

    { CAT "    min_frequency: 0.0\n",
      "7:20: features[0].min_frequency: expected an integer >= 1 or a "
      "number in (0, 1), got \"0.0\"" },

    { CAT "    min_frequency: -2\n",
      "7:20: features[0].min_frequency: expected an integer >= 1 or a "
      "number in (0, 1), got \"-2\"" },

    { CAT "    min_frequency: \"5\"\n",
      "7:20: features[0].min_frequency: expected an integer >= 1 or a "
      "number in (0, 1), got a quoted string \"5\"" },

    { CAT "    max_categories: 1\n",
      "7:21: features[0].max_categories: expected an integer in [2, "
      "4294967295], got \"1\"" },

    { CAT "    max_categories: 2.5\n",
      "7:21: features[0].max_categories: expected an integer in [2, "
      "4294967295], got \"2.5\"" },

    { CAT "    unknown: skip\n",
      "7:14: features[0].unknown: expected error, ignore or infrequent, "
      "got \"skip\"" },

    { CAT "    unknown: infrequent\n",
      "7:14: features[0].unknown: infrequent needs min_frequency or "
      "max_categories" },

    /* the type itself */
    { HEAD "  - {name: a, type: string}\n",
      "5:21: features[0].type: expected float, integer, category or text, "
      "got \"string\"" },

    { HEAD "  - name: a\n    type: [text]\n",
      "6:11: features[0].type: expected float, integer, category or text, "
      "got a list" },

    { HEAD "  - name: a\n    type: Text\n",
      "6:11: features[0].type: expected float, integer, category or text, "
      "got \"Text\"" },
};


/* yaml written as dir/name and loaded into cf; MLCLF_OK or a failure */
static int
load(mlclf_train_config_t *cf, const char *name, const char *yaml)
{
    int          rc;
    char        *path;
    mlclf_err_t  err;

    path = test_config_file(dir, name, yaml);

    memset(&err, 0, sizeof(err));
    rc = mlclf_train_config_load(cf, path, &err);

    is_int(rc, MLCLF_OK, "%s loads", name);
    if (rc != MLCLF_OK) {
        tap_diag("%s", err.msg);
    }

    free(path);

    return rc;
}


/* a text feature with nothing but its type: the defaults */
static void
test_text_defaults(void)
{
    mlclf_train_config_t       cf;
    const mlclf_train_text_t  *t;

    if (load(&cf, "hashing.yaml", TEXT) != MLCLF_OK) {
        return;
    }

    is_int(cf.features[0].type, MLCLF_TRAIN_TYPE_TEXT, "type text");
    ok(cf.features[0].type_line == 6 && cf.features[0].type_col == 11,
       "type at 6:11");
    ok(!cf.features[0].has_min && !cf.features[0].has_max,
       "text: no range");

    t = &cf.features[0].text;
    is_int(t->core.vectorizer, MLCLF_TRAIN_TEXT_HASHING,
           "default vectorizer: hashing");
    is_int(t->core.n_features, 1048576, "default n_features: 2^20");
    ok(t->core.ngram_min == 1 && t->core.ngram_max == 1,
       "default ngram_range: [1, 1]");
    is_int(t->core.flags,
           MLCLF_TRAIN_TEXT_LOWERCASE | MLCLF_TRAIN_TEXT_ALTERNATE_SIGN,
           "default flags: lowercase, alternate_sign");
    is_int(t->core.hash_norm, MLCLF_TRAIN_TEXT_NORM_NONE,
           "default hash_norm: none");
    is_int(t->core.norm, MLCLF_TRAIN_TEXT_NORM_L2, "default norm: l2");
    is_int(t->use_idf, 1, "default idf: true");
    is_int(t->max_features, 0, "hashing: no max_features");
    ok(t->min_df.kind == MLCLF_TRAIN_FREQ_NONE
       && t->max_df.kind == MLCLF_TRAIN_FREQ_NONE,
       "hashing: no min_df, max_df");
    mlclf_train_config_free(&cf);

    if (load(&cf, "vocabulary.yaml", VOCAB) != MLCLF_OK) {
        return;
    }

    t = &cf.features[0].text;
    is_int(t->core.vectorizer, MLCLF_TRAIN_TEXT_VOCABULARY,
           "vectorizer: vocabulary");
    is_int(t->core.n_features, 0, "vocabulary: n_features 0 until fit");
    is_int(t->core.flags, MLCLF_TRAIN_TEXT_LOWERCASE,
           "vocabulary: default flags: lowercase only");
    is_int(t->core.hash_norm, MLCLF_TRAIN_TEXT_NORM_NONE,
           "vocabulary: hash_norm none");
    is_int(t->core.norm, MLCLF_TRAIN_TEXT_NORM_L2, "default norm: l2");
    is_int(t->use_idf, 1, "default idf: true");
    is_int(t->max_features, 0, "default max_features: none");
    ok(t->min_df.kind == MLCLF_TRAIN_FREQ_COUNT && t->min_df.count == 1,
       "default min_df: count 1");
    ok(t->max_df.kind == MLCLF_TRAIN_FREQ_SHARE && t->max_df.share == 1.0,
       "default max_df: share 1.0");
    mlclf_train_config_free(&cf);
}


/* every text key given, for each vectorizer, and the ends of ranges */
static void
test_text_full(void)
{
    mlclf_train_config_t       cf;
    const mlclf_train_text_t  *t;

    if (load(&cf, "hashing-full.yaml",
             TEXT
             "    vectorizer: hashing\n"
             "    n_features: 16777216\n"
             "    alternate_sign: false\n"
             "    hash_norm: none\n"
             "    ngram_range: [2, 8]\n"
             "    lowercase: false\n"
             "    binary: true\n"
             "    sublinear_tf: true\n"
             "    idf: false\n"
             "    norm: l1\n")
        != MLCLF_OK)
    {
        return;
    }

    t = &cf.features[0].text;
    is_int(t->core.vectorizer, MLCLF_TRAIN_TEXT_HASHING, "hashing");
    is_int(t->core.n_features, 16777216, "n_features 2^24");
    ok(t->core.ngram_min == 2 && t->core.ngram_max == 8, "ngram [2, 8]");
    is_int(t->core.flags,
           MLCLF_TRAIN_TEXT_BINARY | MLCLF_TRAIN_TEXT_SUBLINEAR_TF,
           "flags: binary, sublinear_tf; no lowercase, no sign");
    is_int(t->core.hash_norm, MLCLF_TRAIN_TEXT_NORM_NONE, "hash_norm none");
    is_int(t->core.norm, MLCLF_TRAIN_TEXT_NORM_L1, "norm l1");
    is_int(t->use_idf, 0, "idf false");
    mlclf_train_config_free(&cf);

    if (load(&cf, "hashing-2.yaml",
             TEXT
             "    n_features: 2\n"
             "    hash_norm: l2\n"
             "    norm: none\n"
             "    ngram_range: [8, 8]\n")
        != MLCLF_OK)
    {
        return;
    }

    t = &cf.features[0].text;
    is_int(t->core.n_features, 2, "n_features 2");
    is_int(t->core.hash_norm, MLCLF_TRAIN_TEXT_NORM_L2, "hash_norm l2");
    is_int(t->core.norm, MLCLF_TRAIN_TEXT_NORM_NONE, "norm none");
    ok(t->core.ngram_min == 8 && t->core.ngram_max == 8, "ngram [8, 8]");
    mlclf_train_config_free(&cf);

    if (load(&cf, "vocabulary-full.yaml",
             "data: d.csv\nlabel: y\nmodel: {kind: gbt, max_depth: 3}\n"
             "features:\n"
             "  - x\n"
             "  - {name: review, type: text, vectorizer: vocabulary,"
             " max_features: 5000, min_df: 0.1, max_df: 0.9,"
             " ngram_range: [1, 3], lowercase: true, binary: false,"
             " sublinear_tf: true, idf: true, norm: l2}\n"
             "  - {name: title, type: text, vectorizer: vocabulary,"
             " min_df: 2, max_df: 0.5}\n"
             "  - {name: body, type: text, vectorizer: vocabulary,"
             " min_df: +3, max_df: 3}\n"
             "  - {name: tags, type: text, vectorizer: vocabulary,"
             " min_df: 0.5, max_df: 0.5}\n")
        != MLCLF_OK)
    {
        return;
    }

    is_int(cf.features[0].type, MLCLF_TRAIN_TYPE_FLOAT, "x: float");
    t = &cf.features[1].text;
    is_int(t->max_features, 5000, "max_features");
    ok(t->min_df.kind == MLCLF_TRAIN_FREQ_SHARE && t->min_df.share == 0.1,
       "min_df: share 0.1");
    ok(t->max_df.kind == MLCLF_TRAIN_FREQ_SHARE && t->max_df.share == 0.9,
       "max_df: share 0.9");
    ok(t->core.ngram_min == 1 && t->core.ngram_max == 3, "ngram [1, 3]");
    is_int(t->core.flags,
           MLCLF_TRAIN_TEXT_LOWERCASE | MLCLF_TRAIN_TEXT_SUBLINEAR_TF,
           "vocabulary: sublinear_tf without alternate_sign");

    t = &cf.features[2].text;
    ok(t->min_df.kind == MLCLF_TRAIN_FREQ_COUNT && t->min_df.count == 2
       && t->max_df.kind == MLCLF_TRAIN_FREQ_SHARE
       && t->max_df.share == 0.5,
       "min_df count 2, max_df share 0.5: kinds apart, not compared");

    t = &cf.features[3].text;
    ok(t->min_df.kind == MLCLF_TRAIN_FREQ_COUNT && t->min_df.count == 3
       && t->max_df.kind == MLCLF_TRAIN_FREQ_COUNT
       && t->max_df.count == 3, "min_df +3 = max_df 3: counts");

    t = &cf.features[4].text;
    ok(t->min_df.share == 0.5 && t->max_df.share == 0.5,
       "min_df = max_df: shares");
    mlclf_train_config_free(&cf);
}


static void
test_category(void)
{
    mlclf_train_config_t                cf;
    const mlclf_train_category_conf_t  *c;

    if (load(&cf, "category.yaml",
             CAT
             "  - {name: d, type: category, min_frequency: 5,"
             " max_categories: 10, unknown: infrequent}\n"
             "  - {name: e, type: category, min_frequency: 0.05,"
             " unknown: ignore}\n"
             "  - {name: f, type: category, max_categories: 2,"
             " unknown: infrequent}\n"
             "  - {name: g, type: category, min_frequency: 0.999,"
             " unknown: error}\n"
             "  - {name: h, type: integer, min: 0}\n")
        != MLCLF_OK)
    {
        return;
    }

    c = &cf.features[0].category;
    ok(cf.features[0].type == MLCLF_TRAIN_TYPE_CATEGORY
       && cf.features[0].type_line == 6 && cf.features[0].type_col == 11,
       "type category at 6:11");
    ok(c->min_frequency.kind == MLCLF_TRAIN_FREQ_NONE
       && c->max_categories == 0 && c->unknown == MLCLF_TRAIN_UNKNOWN_ERROR,
       "category defaults: no limits, unknown error");

    c = &cf.features[1].category;
    ok(c->min_frequency.kind == MLCLF_TRAIN_FREQ_COUNT
       && c->min_frequency.count == 5 && c->max_categories == 10
       && c->unknown == MLCLF_TRAIN_UNKNOWN_INFREQUENT,
       "min_frequency count 5, max_categories 10, unknown infrequent");

    c = &cf.features[2].category;
    ok(c->min_frequency.kind == MLCLF_TRAIN_FREQ_SHARE
       && c->min_frequency.share == 0.05 && c->max_categories == 0
       && c->unknown == MLCLF_TRAIN_UNKNOWN_IGNORE,
       "min_frequency share 0.05, unknown ignore");

    c = &cf.features[3].category;
    ok(c->min_frequency.kind == MLCLF_TRAIN_FREQ_NONE
       && c->max_categories == 2
       && c->unknown == MLCLF_TRAIN_UNKNOWN_INFREQUENT,
       "max_categories 2 alone lets unknown be infrequent");

    c = &cf.features[4].category;
    ok(c->min_frequency.kind == MLCLF_TRAIN_FREQ_SHARE
       && c->min_frequency.share == 0.999
       && c->unknown == MLCLF_TRAIN_UNKNOWN_ERROR,
       "min_frequency 0.999, unknown error");

    ok(cf.features[5].type == MLCLF_TRAIN_TYPE_INTEGER
       && cf.features[5].has_min && cf.features[5].min == 0,
       "an integer feature among them keeps its range");
    mlclf_train_config_free(&cf);
}


static void
test_type_names(void)
{
    is_str(mlclf_train_type_name(MLCLF_TRAIN_TYPE_FLOAT), "float",
           "type name float");
    is_str(mlclf_train_type_name(MLCLF_TRAIN_TYPE_INTEGER), "integer",
           "type name integer");
    is_str(mlclf_train_type_name(MLCLF_TRAIN_TYPE_CATEGORY), "category",
           "type name category");
    is_str(mlclf_train_type_name(MLCLF_TRAIN_TYPE_TEXT), "text",
           "type name text");
    is_str(mlclf_train_type_name((mlclf_train_type_e) 4), "unknown",
           "type name out of range");
}


int
main(void)
{
    files_tmpdir(dir, sizeof(dir), "test_train_config_feature");

    test_text_defaults();
    test_text_full();
    test_category();
    test_type_names();
    test_config_bad(dir, bad, sizeof(bad) / sizeof(bad[0]));

    files_tmpdir_done(dir, tap_failed);

    return tap_done();
}
