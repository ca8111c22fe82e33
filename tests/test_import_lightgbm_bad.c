
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The LightGBM importer on bad model.txt files: each is a small valid
 * model (t_base, written by hand from the format's rules: no LightGBM is
 * packaged here) with one or two edits, and must be refused with
 * MLCLF_EINVAL and the exact message, "bad.txt:<line>:<col>: ...",
 * naming the line of the key and the column of the bad value.  Every
 * prefix of the model is refused too (truncation), and mlclf-import
 * exits with its source-error code and publishes nothing.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mlclf.h>
#include <mlclf_import.h>
#include "files.h"
#include "import_check.h"
#include "run_cmd.h"
#include "tap.h"


#define T_PATH       "bad.txt"
#define T_DIR        1024
#define T_FILE       4096


/* An edit (old1 -> new1, then old2 -> new2 if set) and its message. */
typedef struct {
    const char               *old1;
    const char               *new1;
    const char               *old2;
    const char               *new2;
    const char               *want;         /* after "bad.txt:" */
} t_case_t;


static int t_import(const char *buf, size_t len, mlclf_err_t *err,
    uint32_t *n_trees);
static char *t_edit(const char *text, const char *old, const char *new);
static void t_refused(const char *what, const char *buf, size_t len,
    const char *want);
static void t_cases(void);
static void t_good_variants(void);
static void t_truncated(void);
static void t_special(void);
static void t_sizes(void);
static void t_cli(void);


/*
 * Two trees: "a <= 0.5" (None type, default left) over a leaf and
 * "c <= -1.25" (NaN type); "b <= 0" (Zero type).  Line numbers matter:
 * the messages below name them.
 */
static const char  t_base[] =
    "tree\n"                                    /*  1 */
    "version=v4\n"
    "num_class=1\n"
    "num_tree_per_iteration=1\n"
    "label_index=0\n"                           /*  5 */
    "max_feature_idx=2\n"
    "objective=binary sigmoid:1\n"
    "feature_names=a b c\n"
    "feature_infos=none none none\n"
    "\n"                                        /* 10 */
    "Tree=0\n"
    "num_leaves=3\n"
    "num_cat=0\n"
    "split_feature=0 2\n"
    "threshold=0.5 -1.25\n"                     /* 15 */
    "decision_type=2 8\n"
    "left_child=1 -2\n"
    "right_child=-1 -3\n"
    "leaf_value=0.25 -0.5 0.125\n"
    "is_linear=0\n"                             /* 20 */
    "shrinkage=1\n"
    "\n"
    "\n"
    "Tree=1\n"
    "num_leaves=2\n"                            /* 25 */
    "num_cat=0\n"
    "split_feature=1\n"
    "threshold=0\n"
    "decision_type=4\n"
    "left_child=-1\n"                           /* 30 */
    "right_child=-2\n"
    "leaf_value=0.1 -0.1\n"
    "is_linear=0\n"
    "shrinkage=0.1\n"
    "\n"                                        /* 35 */
    "\n"
    "end of trees\n"
    "\n"
    "parameters:\n"
    "[objective: binary]\n"                     /* 40 */
    "end of parameters\n";


static const t_case_t  t_bad[] = {
    /* node 0 counts 12 rows, its children 4 (node 1, damaged) + 4 */
    { "leaf_value=0.25 -0.5 0.125\n",
      "leaf_value=0.25 -0.5 0.125\nleaf_count=4 4 4\n"
      "internal_count=12 4\n", NULL, NULL,
      " tree 0 node 0: cover 12, but its children's covers sum to 8" },
    { "tree\nversion", "trees\nversion", NULL, NULL,
      "1:1: not a LightGBM model.txt: the first line is not \"tree\"" },
    { "version=v4", "version=v2", NULL, NULL,
      "2:9: version \"v2\" is not supported (v3, v4)" },
    { "version=v4\n", "", NULL, NULL,
      "10:1: the header has no version line (it ends here)" },
    { "num_class=1", "num_class=x", NULL, NULL,
      "3:11: num_class \"x\" is not an integer (1..65535)" },
    { "num_class=1", "num_class=0", NULL, NULL,
      "3:11: num_class \"0\" is out of range (1..65535)" },
    { "label_index=0\n", "label_index=0\nnum_class=1\n", NULL, NULL,
      "6:1: header: a second \"num_class\" (the first is on line 3)" },
    { "max_feature_idx=2", "max_feature_idx=-1", NULL, NULL,
      "6:17: max_feature_idx \"-1\" is out of range (0..65534)" },
    { "objective=binary sigmoid:1", "objective=regression", NULL, NULL,
      "7:11: objective \"regression\" is not supported (binary, "
      "multiclass, multiclassova)" },
    { "objective=binary sigmoid:1", "objective=lambdarank", NULL, NULL,
      "7:11: objective \"lambdarank\" is not supported (binary, "
      "multiclass, multiclassova)" },
    { "objective=binary sigmoid:1", "objective=cross_entropy", NULL, NULL,
      "7:11: objective \"cross_entropy\" is not supported (binary, "
      "multiclass, multiclassova)" },
    { "sigmoid:1", "sigmoid:0", NULL, NULL,
      "7:18: objective \"binary\" needs sigmoid:<s> with s > 0" },
    { "binary sigmoid:1", "binary", NULL, NULL,
      "7:11: objective \"binary\" needs sigmoid:<s> with s > 0" },
    { "sigmoid:1", "sigmoid:nan", NULL, NULL,
      "7:18: objective: \"sigmoid:nan\" is NaN" },
    { "sigmoid:1", "sigmoid:1 sigmoid:2", NULL, NULL,
      "7:28: objective: \"sigmoid:2\" is a second sigmoid" },
    { "sigmoid:1", "sigmoid:1 \x1b[2J", NULL, NULL,
      "7:28: objective: byte 0x1b is not printable ASCII" },
    { "threshold=0.5 -1.25", "threshold=0.5 \"\x1b\xff", NULL, NULL,
      "15:15: tree 0 node 1: threshold \"\\x22\\x1b\\xff\" is not a "
      "number" },
    { "objective=binary sigmoid:1\n", "", NULL, NULL,
      "10:1: the header has no objective line (it ends here): a custom "
      "objective gives raw scores, not probabilities" },
    { "num_class=1", "num_class=2", NULL, NULL,
      "3:11: objective binary needs num_class=1 and "
      "num_tree_per_iteration=1, not 2 and 1" },
    { "num_class=1", "num_class=3",
      "binary sigmoid:1", "multiclass num_class:4",
      "7:22: objective num_class:4, but the header has num_class=3 and "
      "num_tree_per_iteration=1 (all three the same, at least 2)" },
    { "binary sigmoid:1", "multiclass num_class:1", NULL, NULL,
      "7:22: objective num_class:1, but the header has num_class=1 and "
      "num_tree_per_iteration=1 (all three the same, at least 2)" },
    { "binary sigmoid:1", "multiclassova sigmoid:1", NULL, NULL,
      "7:11: objective \"multiclassova\" needs num_class:<K>" },
    { "num_class=1\nnum_tree_per_iteration=1\n", "num_class=3\n",
      "binary sigmoid:1", "multiclass num_class:3",
      "36:1: 2 trees are not whole iterations of "
      "num_tree_per_iteration=3" },
    { "feature_names=a b c", "feature_names=a b", NULL, NULL,
      "8:15: feature_names has 2 names, but max_feature_idx=2 needs 3" },
    { "feature_names=a b c\n", "", NULL, NULL,
      "10:1: the header has no feature_names line (it ends here)" },
    { "feature_infos=none none none", "feature_infos=none none", NULL,
      NULL,
      "9:15: feature_infos has 2 values, but max_feature_idx=2 needs 3" },
    { "sigmoid:1\n", "sigmoid:1\naverage_output=1\n", NULL, NULL,
      "8:16: average_output takes no value" },

    /* trees */
    { "Tree=1", "Tree=7", NULL, NULL,
      "24:6: \"Tree=7\" where tree 1 comes" },
    { "Tree=1", "Tree=x", NULL, NULL,
      "24:6: \"Tree=x\" where tree 1 comes" },
    { "end of trees", "end of tree", NULL, NULL,
      "37:1: \"Tree=2\" or \"end of trees\" expected" },
    { "num_leaves=2\n", "", NULL, NULL,
      "24:1: tree 1 has no num_leaves line" },
    { "split_feature=0 2\n", "", NULL, NULL,
      "11:1: tree 0 has no split_feature line" },
    { "num_cat=0\nsplit_feature=1\n",
      "num_cat=0\nnum_cat=0\nsplit_feature=1\n", NULL, NULL,
      "27:1: tree 1: a second \"num_cat\" (the first is on line 26)" },
    { "num_cat=0\nsplit_feature=0 2", "num_cat=0\nfoo\nsplit_feature=0 2",
      NULL, NULL,
      "14:1: tree 0: a line without '=' (trees end with an empty line)" },
    { "num_leaves=3", "num_leaves=1000000", NULL, NULL,
      "19:12: tree 0: leaf_value has 3 values, but num_leaves=1000000 "
      "needs 1000000" },
    { "num_leaves=3", "num_leaves=0", NULL, NULL,
      "12:12: tree 0: num_leaves \"0\" is out of range" },
    { "num_leaves=3", "num_leaves=3 4", NULL, NULL,
      "12:12: tree 0: num_leaves needs one integer" },
    { "threshold=0.5 -1.25", "threshold=0.5", NULL, NULL,
      "15:11: tree 0: threshold has 1 values, but num_leaves=3 needs 2" },
    { "num_leaves=2", "num_leaves=1", "leaf_value=0.1 -0.1",
      "leaf_value=0.1",
      "27:15: tree 1: split_feature has 1 values, but num_leaves=1 "
      "needs 0" },
    { "split_feature=0 2", "split_feature=0 3", NULL, NULL,
      "14:17: tree 0 node 1: split_feature \"3\" is past the last "
      "feature (max_feature_idx=2)" },
    { "split_feature=0 2", "split_feature=-1 2", NULL, NULL,
      "14:15: tree 0 node 0: split_feature \"-1\" is out of range "
      "(max_feature_idx=2)" },
    { "left_child=1 -2", "left_child=2 -2", NULL, NULL,
      "17:12: tree 0 node 0: left_child 2 is outside the tree (split "
      "nodes 0..1)" },
    { "right_child=-1 -3", "right_child=-1 -4", NULL, NULL,
      "18:16: tree 0 node 1: right_child -4 is leaf 3, outside the tree "
      "(leaves 0..2)" },
    { "left_child=1 -2", "left_child=1 0", NULL, NULL,
      "17:14: tree 0 node 1: left_child 0 points back up (a child comes "
      "after its parent)" },
    { "left_child=1 -2", "left_child=1 1", NULL, NULL,
      "17:14: tree 0 node 1: left_child 1 points back up (a child comes "
      "after its parent)" },
    { "right_child=-1 -3", "right_child=-1 -1", NULL, NULL,
      "18:16: tree 0 node 1: right_child -1 is reached twice (a node with "
      "two parents)" },
    { "left_child=1 -2", "left_child=1 x", NULL, NULL,
      "17:14: tree 0 node 1: left_child \"x\" is not an integer" },
    { "left_child=1 -2", "left_child=1 -99999999999", NULL, NULL,
      "17:14: tree 0 node 1: left_child \"-99999999999\" is out of range" },
    { "0.25 -0.5 0.125", "0.25 nan 0.125", NULL, NULL,
      "19:17: tree 0 leaf 1: leaf_value \"nan\" is NaN" },
    { "0.25 -0.5 0.125", "0.25 -inf 0.125", NULL, NULL,
      "19:17: tree 0 leaf 1: leaf_value \"-inf\" is infinite" },
    { "0.25 -0.5 0.125", "0.25 1e999 0.125", NULL, NULL,
      "19:17: tree 0 leaf 1: leaf_value \"1e999\" is infinite" },
    { "0.25 -0.5 0.125", "0.25 0x1p3 0.125", NULL, NULL,
      "19:17: tree 0 leaf 1: leaf_value \"0x1p3\" is not a number" },
    { "0.25 -0.5 0.125", "0.25 -0.5 1e", NULL, NULL,
      "19:22: tree 0 leaf 2: leaf_value \"1e\" is not a number" },
    { "threshold=0.5 -1.25", "threshold=nan -1.25", NULL, NULL,
      "15:11: tree 0 node 0: threshold \"nan\" is NaN" },
    { "threshold=0.5 -1.25", "threshold=0.5 inf", NULL, NULL,
      "15:15: tree 0 node 1: threshold \"inf\" is infinite" },
    { "threshold=0.5 -1.25", "threshold=0.5 1.2.3", NULL, NULL,
      "15:15: tree 0 node 1: threshold \"1.2.3\" is not a number" },
    { "decision_type=2 8", "decision_type=2 9", NULL, NULL,
      "16:17: tree 0 node 1: a categorical split (decision_type=9): "
      "categorical splits are not supported" },
    { "decision_type=2 8", "decision_type=2 40", NULL, NULL,
      "16:17: tree 0 node 1: decision_type \"40\" has bits LightGBM does "
      "not define" },
    { "decision_type=2 8", "decision_type=2 12", NULL, NULL,
      "16:17: tree 0 node 1: decision_type \"12\" has missing type 3, "
      "which LightGBM does not define" },
    { "is_linear=0\nshrinkage=1\n", "is_linear=1\nshrinkage=1\n", NULL,
      NULL,
      "20:11: tree 0 is a linear tree (is_linear=1): linear trees are not "
      "supported" },
    { "is_linear=0\nshrinkage=1\n", "is_linear=2\nshrinkage=1\n", NULL,
      NULL,
      "20:11: tree 0: is_linear \"2\" is out of range" },
};


int
main(void)
{
    t_cases();
    t_good_variants();
    t_truncated();
    t_special();
    t_sizes();
    t_cli();

    return tap_done();
}


static int
t_import(const char *buf, size_t len, mlclf_err_t *err, uint32_t *n_trees)
{
    int             rc;
    mlclf_import_t  im;

    memset(err, 0, sizeof(*err));
    mlclf_import_init(&im, T_PATH, MLCLF_IMPORT_LIGHTGBM);

    rc = mlclf_import_lightgbm(&im, buf, len, err);

    if (n_trees != NULL) {
        *n_trees = im.n_trees;
    }

    mlclf_import_free(&im);

    return rc;
}


/* text with the first old replaced by new, malloc()ed; NULL: no old. */
static char *
t_edit(const char *text, const char *old, const char *new)
{
    char    *p, *out;
    size_t   a, on, nn, tn;

    p = strstr(text, old);
    if (p == NULL) {
        return NULL;
    }

    a = (size_t) (p - text);
    on = strlen(old);
    nn = strlen(new);
    tn = strlen(text);

    out = malloc(tn - on + nn + 1);
    if (out == NULL) {
        return NULL;
    }

    memcpy(out, text, a);
    memcpy(out + a, new, nn);
    memcpy(out + a + nn, p + on, tn - a - on + 1);

    return out;
}


static void
t_refused(const char *what, const char *buf, size_t len, const char *want)
{
    int          rc;
    char         full[MLCLF_ERR_MSG_LEN];
    mlclf_err_t  err;

    rc = t_import(buf, len, &err, NULL);
    (void) snprintf(full, sizeof(full), "%s:%s", T_PATH, want);

    is_int(rc, MLCLF_EINVAL, "%s: refused", what);
    is_str(err.msg, full, "%s: the message", what);
}


static void
t_cases(void)
{
    char            *a, *b, what[64];
    size_t           i;
    const t_case_t  *c;

    for (i = 0; i < sizeof(t_bad) / sizeof(t_bad[0]); i++) {
        c = &t_bad[i];
        (void) snprintf(what, sizeof(what), "case %zu (%.*s)", i,
                        (int) strcspn(c->want, " "), c->want);

        a = t_edit(t_base, c->old1, c->new1);
        b = (a != NULL && c->old2 != NULL) ? t_edit(a, c->old2, c->new2)
                                           : NULL;

        if (!ok(a != NULL && (c->old2 == NULL || b != NULL),
                "%s: the edit applies", what))
        {
            free(a);
            continue;
        }

        t_refused(what, b ? b : a, strlen(b ? b : a), c->want);
        free(a);
        free(b);
    }
}


/* The base model, and harmless variants of it, are accepted. */
static void
t_good_variants(void)
{
    int          rc;
    char        *a, *b, *crlf;
    size_t       i, n;
    uint32_t     trees;
    mlclf_err_t  err;

    rc = t_import(t_base, sizeof(t_base) - 1, &err, &trees);
    ok(rc == MLCLF_OK && trees == 2, "the base model imports (%s)",
       err.msg);

    /* unknown keys, in the header and in a tree, are ignored */
    a = t_edit(t_base, "label_index=0\n", "label_index=0\nfoo=bar\nbare\n");
    b = a ? t_edit(a, "num_cat=0\n", "num_cat=0\nmy_key=1 2 3\n") : NULL;
    rc = b ? t_import(b, strlen(b), &err, &trees) : MLCLF_ENOMEM;
    ok(rc == MLCLF_OK && trees == 2, "unknown keys are ignored (%s)",
       err.msg);
    free(a);
    free(b);

    /* Windows line ends */
    n = 0;
    crlf = malloc(2 * sizeof(t_base));

    for (i = 0; crlf != NULL && t_base[i] != '\0'; i++) {
        if (t_base[i] == '\n') {
            crlf[n++] = '\r';
        }

        crlf[n++] = t_base[i];
    }

    rc = crlf ? t_import(crlf, n, &err, &trees) : MLCLF_ENOMEM;
    ok(rc == MLCLF_OK && trees == 2, "CR LF line ends (%s)", err.msg);
    free(crlf);

    /* no decision_type line: every node 0 (numerical, None, right) */
    a = t_edit(t_base, "decision_type=2 8\n", "");
    rc = a ? t_import(a, strlen(a), &err, &trees) : MLCLF_ENOMEM;
    ok(rc == MLCLF_OK, "decision_type may be left out (%s)", err.msg);
    free(a);

    /* a file that ends at "end of trees", without its newline */
    n = (size_t) (strstr(t_base, "end of trees") - t_base) + 12;
    rc = t_import(t_base, n, &err, &trees);
    ok(rc == MLCLF_OK && trees == 2, "ends at \"end of trees\" (%s)",
       err.msg);
}


/*
 * Every prefix of the model short of "end of trees" is refused with a
 * message naming the file and a place.
 */
static void
t_truncated(void)
{
    int          rc, all;
    size_t       n, end;
    char        *buf;
    mlclf_err_t  err;

    end = (size_t) (strstr(t_base, "end of trees") - t_base) + 12;
    all = 1;

    for (n = 0; n < end; n++) {
        /* its own allocation, so that ASan sees a read past the end */
        buf = malloc(n + 1);
        if (buf == NULL) {
            all = 0;
            break;
        }

        memcpy(buf, t_base, n);
        buf[n] = '\0';

        rc = t_import(buf, n, &err, NULL);
        free(buf);

        if (rc != MLCLF_EINVAL || strncmp(err.msg, T_PATH ":", 8) != 0) {
            printf("# prefix of %zu bytes: %d %s\n", n, rc, err.msg);
            all = 0;
        }
    }

    ok(all, "all %zu prefixes short of \"end of trees\" are refused", end);

    n = (size_t) (strstr(t_base, "leaf_value=0.1") - t_base) + 20;
    t_refused("cut inside tree 1", t_base, n,
              "32:20: the file ends inside tree 1, before the empty line "
              "that closes it and \"end of trees\" (truncated?)");

    n = (size_t) (strstr(t_base, "end of trees") - t_base);
    t_refused("cut before end of trees", t_base, n,
              "36:1: the file ends after tree 1, without \"end of trees\" "
              "(truncated?)");

    n = (size_t) (strstr(t_base, "max_feature_idx") - t_base);
    t_refused("cut in the header", t_base, n,
              "5:14: the file ends in the header, before any \"Tree=\" or "
              "\"end of trees\" (truncated?)");

    t_refused("an empty file", "", 0,
              "1:1: not a LightGBM model.txt: the first line is not "
              "\"tree\"");
}


static void
t_special(void)
{
    char    *buf, *p;
    size_t   n;

    /* no trees at all */
    p = strstr(t_base, "Tree=0");
    n = (size_t) (p - t_base);
    buf = malloc(n + sizeof("end of trees\n"));

    if (buf != NULL) {
        memcpy(buf, t_base, n);
        memcpy(buf + n, "end of trees\n", sizeof("end of trees\n"));
        t_refused("no trees", buf, strlen(buf),
                  "11:1: the model has no trees");
        free(buf);
    }

    /* a NUL byte inside the header */
    buf = malloc(sizeof(t_base));

    if (buf != NULL) {
        memcpy(buf, t_base, sizeof(t_base));
        p = strstr(buf, "a b c");
        p[2] = '\0';
        t_refused("a NUL byte", buf, sizeof(t_base) - 1,
                  "8:17: a NUL byte");
        free(buf);
    }
}


/*
 * tree_sizes: the exact bytes of each block (LightGBM reads tree i at
 * their sum), as many sizes as trees, and a claim of 10^6 trees by a
 * small file refused without allocating for them.
 */
static void
t_sizes(void)
{
    int          rc;
    char        *a, *big, line[128], want[192];
    size_t       s0, s1, i, j, k, n;
    uint32_t     trees;
    const char  *t0, *t1, *end, *rest;
    mlclf_err_t  err;

    t0 = strstr(t_base, "Tree=0");
    t1 = strstr(t_base, "Tree=1");
    end = strstr(t_base, "end of trees");
    s0 = (size_t) (t1 - t0);
    s1 = (size_t) (end - t1);

    /* "tree_sizes=" goes in as line 10, after feature_infos */
    (void) snprintf(line, sizeof(line), "none none none\ntree_sizes=%zu %zu",
                    s0, s1);
    a = t_edit(t_base, "none none none", line);
    rc = a ? t_import(a, strlen(a), &err, &trees) : MLCLF_ENOMEM;
    ok(rc == MLCLF_OK && trees == 2, "the right tree_sizes (%s)", err.msg);
    free(a);

    (void) snprintf(line, sizeof(line), "none none none\ntree_sizes=%zu 5",
                    s0);
    (void) snprintf(want, sizeof(want), "10:%d: tree_sizes: tree 1's size "
                    "\"5\" is not the size of the tree (%zu bytes from line "
                    "25)", 12 + snprintf(NULL, 0, "%zu ", s0), s1);
    a = t_edit(t_base, "none none none", line);
    t_refused("a wrong size", a, strlen(a), want);
    free(a);

    (void) snprintf(line, sizeof(line), "none none none\ntree_sizes=%zu",
                    s0);
    a = t_edit(t_base, "none none none", line);
    t_refused("one size for two trees", a, strlen(a),
              "10:12: tree_sizes lists 1 trees, but the file has more "
              "(tree 1 on line 25)");
    free(a);

    (void) snprintf(line, sizeof(line),
                    "none none none\ntree_sizes=%zu %zu 7", s0, s1);
    a = t_edit(t_base, "none none none", line);
    t_refused("three sizes for two trees", a, strlen(a),
              "10:12: tree_sizes lists 3 trees, but the file has 2");
    free(a);

    /* 10^6 trees claimed, 2 there; then more than the limit claimed */
    for (i = 0; i < 2; i++) {
        n = i == 0 ? 1000000 : MLCLF_IMPORT_MAX_TREES + 1;
        (void) snprintf(line, sizeof(line),
                        "none none none\ntree_sizes=%zu %zu", s0, s1);
        a = t_edit(t_base, "none none none", line);
        big = a != NULL ? malloc(strlen(a) + 2 * n + 1) : NULL;

        if (!ok(big != NULL, "memory for %zu sizes", n)) {
            free(a);
            continue;
        }

        rest = strstr(a, "\n\nTree=0");
        k = (size_t) (rest - a);
        memcpy(big, a, k);

        for (j = 2; j < n; j++) {
            big[k++] = ' ';
            big[k++] = '0';
        }

        memcpy(big + k, rest, strlen(rest) + 1);
        free(a);

        if (i == 0) {
            (void) snprintf(want, sizeof(want), "10:12: tree_sizes lists "
                            "1000000 trees, but the file has 2");

        } else {
            (void) snprintf(want, sizeof(want), "10:12: tree_sizes lists %u "
                            "trees, more than %u", MLCLF_IMPORT_MAX_TREES + 1,
                            MLCLF_IMPORT_MAX_TREES);
        }

        t_refused(i == 0 ? "10^6 trees claimed" : "too many trees claimed",
                  big, strlen(big), want);
        free(big);
    }
}


/* mlclf-import refuses a bad file: exit 3, the message, nothing kept. */
static void
t_cli(void)
{
    char          dir[T_DIR], path[T_FILE], reg[T_FILE], bin[T_FILE];
    char         *bad;
    const char   *env, *args[8];
    run_cmd_t     r;

    files_tmpdir(dir, sizeof(dir), "test_import_lightgbm_bad");
    env = getenv("MLCLF_BIN");
    (void) snprintf(bin, sizeof(bin), "%s/mlclf-import",
                    env ? env : "build/bin");
    (void) snprintf(path, sizeof(path), "%s/model.txt", dir);
    (void) snprintf(reg, sizeof(reg), "%s/registry", dir);

    bad = t_edit(t_base, "decision_type=2 8", "decision_type=2 9");

    if (!ok(bad != NULL && files_write(path, bad, strlen(bad)) == 0,
            "a model with a categorical split written"))
    {
        free(bad);
        files_tmpdir_done(dir, tap_failed);
        return;
    }

    args[0] = "--registry";
    args[1] = reg;
    args[2] = "--name";
    args[3] = "lgbm";
    args[4] = path;
    args[5] = NULL;

    run_cmd(&r, bin, args, dir, NULL);
    is_int(r.status, MLCLF_IMPORT_EXIT_SOURCE, "mlclf-import exits %d",
           MLCLF_IMPORT_EXIT_SOURCE);
    ok(r.err != NULL && strstr(r.err, "model.txt:16:17: tree 0 node 1: a "
                               "categorical split") != NULL,
       "its message names the file, line and column");
    ok(files_count(reg, "") <= 0, "nothing published");
    run_cmd_free(&r);
    free(bad);

    files_tmpdir_done(dir, tap_failed);
}
