
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * CSV loading: the dialect (quotes, CRLF, BOM, no final newline, blank
 * lines, extra and reordered columns), exact number conversion, the
 * missing-value policies, the parallel path of large files, and every
 * kind of bad data, each of which must fail with "<file>:<line>:<col>:"
 * and its own reason.  Files are written into a mkdtemp() directory.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <tap.h>
#include <mlclf_sha256.h>
#include <mlclf_train.h>


static char                    dir[] = "/tmp/test_train_data.XXXXXX";
static char                    csv[256];
static mlclf_train_feature_t   feats[4];
static char                   *class_list[4];


typedef struct {
    const char  *csv;
    int          missing;
    int          classes;      /* configure classes a, b */
    const char  *want;         /* message after "<path>:" */
} bad_case_t;


/* features f1, f2 (integer in [0, 10]), f3; label y */
static const bad_case_t  bad[] = {

    { "f1,f2,f3,y\n1,2,3,a\n1,2,abc,b\n", 0, 0,
      "3:3: f3: \"abc\" is not a number" },

    { "f1,f2,f3,y\n1,2,3,a\nnan,2,3,b\n", 0, 0,
      "3:1: f1: \"nan\" is not a finite number" },

    { "f1,f2,f3,y\n1,2,3,a\n1,2,-Infinity,b\n", 0, 0,
      "3:3: f3: \"-Infinity\" is not a finite number" },

    { "f1,f2,f3,y\n1,2,3,a\n1,2,1e999,b\n", 0, 0,
      "3:3: f3: \"1e999\" is out of the range of a double" },

    { "f1,f2,f3,y\n1,2,3,a\n1,-1,3,b\n", 0, 0,
      "3:2: f2: \"-1\" is below min 0" },

    { "f1,f2,f3,y\n1,2,3,a\n1,11,3,b\n", 0, 0,
      "3:2: f2: \"11\" is above max 10" },

    { "f1,f2,f3,y\n1,2,3,a\n1,2.5,3,b\n", 0, 0,
      "3:2: f2: \"2.5\" is not an integer" },

    { "f1,f2,f3,y\n1,2,3,a\n1,2,3,c\n", 0, 1,
      "3:4: y: \"c\" is not one of the configured classes" },

    { "f1,f2,f3,y\n1,2,3,a\n1,2,3,\n", 0, 0,
      "3:4: y: empty label" },

    { "f1,f2,f3,y\n1,2,3,a\n1,2,3\n", 0, 0,
      "3:4: expected 4 fields, got 3" },

    { "f1,f2,f3,y\n1,2,3,a\n1,2,3,b,x,\"y\"\n", 0, 0,
      "3:5: expected 4 fields, got 6" },

    { "f1,f2,f3,y\n1,2,3,a\n1,2,3,\"b\n4,5,6,a\n", 0, 0,
      "3:4: unterminated quoted field" },

    { "f1,f2,f3,y\n1,2,3,a\n1,\"2\"x,3,b\n", 0, 0,
      "3:2: unexpected character after the closing quote" },

    { "f1,f2,f3,y\n1,2,3,a\n1,,3,b\n", 0, 0,
      "3:2: f2: missing value (missing: fail)" },

    { "f1,f2,f3,y\n1,2,3,a\n1,2,NA,b\n", 1, 0,
      "3:3: f3: \"NA\" is not a number" },

    { "f1,f3,y\n1,3,a\n", 0, 0,
      "1: no feature column \"f2\" in the header" },

    { "f1,f2,f3,label\n1,2,3,a\n", 0, 0,
      "1: no label column \"y\" in the header" },

    { "f1,f2,f3,y,f2\n1,2,3,a,4\n", 0, 0,
      "1:5: duplicate column \"f2\" (also column 2)" },

    { "", 0, 0,
      "1: empty file, expected a header" },

    { "f1,f2,f3,y\n", 0, 0,
      "2: no data rows" },

    { "f1,f2,f3,y\r\n\r\n1,2,3,a\r\n1,2, 0x10 ,a\r\n", 0, 0,
      "4:3: f3: \"0x10\" is not a number" },

    { "f1,f2,f3,y,n\n1,2,3,a,\"a\nb\"\n\"1\n2\",x,3,b,c\n", 0, 0,
      "4:1: f1: \"1\\x0a2\" is not a number" },

    /* shown on one line, without what a terminal would act on */
    { "f1,f2,f3,y\n1,2,\x1b[2J\\,a\n", 0, 0,
      "2:3: f3: \"\\x1b[2J\\x5c\" is not a number" },

    { "f1,f2,f3,y\n1,2,0123456789012345678901234567890123456789x,a\n",
      0, 0,
      "2:3: f3: \"0123456789012345678901234567890123456...\" is not a "
      "number" },

    { "f1,f2,f3,y,n\n1,2,3,a,\"a\nb\"\n1,x,3,b,c\n", 0, 0,
      "4:2: f2: \"x\" is not a number" },

    /* labels the model format cannot hold (mlclf_name_check()) */
    { "f1,f2,f3,y\n1,2,3,a\n1,2,3,caf\xc3\xa9\n", 0, 0,
      "3:4: y: \"caf\\xc3\\xa9\" cannot be a class label: byte 4 is "
      "0xc3, not printable ASCII" },

    { "f1,f2,f3,y\n1,2,3,a\n1,2,3,\"b\nc\"\n", 0, 0,
      "3:4: y: \"b\\x0ac\" cannot be a class label: byte 2 is 0x0a, not "
      "printable ASCII" },

    { "f1,f2,f3,y\n1,2,3,a\n1,2,3,\"\"\"b\"\"\t\"\n", 0, 0,
      "3:4: y: \"\\x22b\\x22\\x09\" cannot be a class label: byte 4 is "
      "0x09, not printable ASCII" },

    { "f1,f2,f3,y\r\n1,2,3,\x7f\r\n", 0, 0,
      "2:4: y: \"\\x7f\" cannot be a class label: byte 1 is 0x7f, not "
      "printable ASCII" },

    { "f1,f2,f3,y\n1,2,3,a\n1,2,3,\"b\"\"\"x\n", 0, 0,
      "3:4: unexpected character after the closing quote" },

    { "f1,f2,f3,y\n1,2,3e,a\n", 0, 0,
      "2:3: f3: \"3e\" is not a number" },

    { "f1,f2,f3,y\n1,2,.,a\n", 0, 0,
      "2:3: f3: \".\" is not a number" },
};


static void
config(mlclf_train_config_t *cf, int missing, int classes)
{
    memset(cf, 0, sizeof(*cf));
    memset(feats, 0, sizeof(feats));

    feats[0].name = "f1";
    feats[1].name = "f2";
    feats[1].type = MLCLF_TRAIN_TYPE_INTEGER;
    feats[1].has_min = 1;
    feats[1].has_max = 1;
    feats[1].min = 0;
    feats[1].max = 10;
    feats[2].name = "f3";

    class_list[0] = "a";
    class_list[1] = "b";

    cf->data = csv;
    cf->label = "y";
    cf->features = feats;
    cf->n_features = 3;
    cf->missing = missing;

    if (classes) {
        cf->classes = class_list;
        cf->n_classes = 2;
    }
}


static void
write_csv(const char *name, const char *text, size_t len)
{
    FILE  *f;

    snprintf(csv, sizeof(csv), "%s/%s", dir, name);

    f = fopen(csv, "w");
    if (fwrite(text, 1, len, f) != len) {
        tap_diag("short write");
    }

    fclose(f);
}


static int
load(mlclf_train_data_t *d, const char *text, int missing, int classes,
    mlclf_err_t *err)
{
    mlclf_train_config_t  cf;

    write_csv("d.csv", text, strlen(text));
    config(&cf, missing, classes);
    memset(err, 0, sizeof(*err));

    return mlclf_train_data_load(d, &cf, err);
}


static int
rec_is(const mlclf_train_data_t *d, size_t i, const char *want)
{
    return d->rec_len[i] == strlen(want)
           && memcmp(d->text + d->rec_off[i], want, strlen(want)) == 0;
}


static void
test_basic(void)
{
    int                 rc;
    uint8_t             md[32];
    const char         *text;
    mlclf_err_t         err;
    mlclf_train_data_t  d;

    text = "f1,f2,f3,y\n1.5,2,-3,b\n0,10,4e2,a\n-0.25,0,1,c\n";
    rc = load(&d, text, 0, 0, &err);
    is_int(rc, MLCLF_OK, "basic: loads");
    if (rc != MLCLF_OK) {
        tap_diag("%s", err.msg);
        return;
    }

    is_int(d.n_rows, 3, "basic: 3 rows");
    is_int(d.n_features, 3, "basic: 3 features");
    is_int(d.n_classes, 3, "basic: 3 classes");
    ok(strcmp(d.classes[0], "a") == 0 && strcmp(d.classes[1], "b") == 0
       && strcmp(d.classes[2], "c") == 0, "basic: classes sorted");
    ok(d.y[0] == 1 && d.y[1] == 0 && d.y[2] == 2, "basic: y");
    ok(d.x[0] == 1.5 && d.x[1] == 2 && d.x[2] == -3 && d.x[3] == 0
       && d.x[4] == 10 && d.x[5] == 400 && d.x[6] == -0.25,
       "basic: x row-major");
    ok(d.header_len == 10 && memcmp(d.header, "f1,f2,f3,y", 10) == 0,
       "basic: header span");
    ok(rec_is(&d, 0, "1.5,2,-3,b") && rec_is(&d, 2, "-0.25,0,1,c"),
       "basic: record spans");
    is_int(d.text_len, strlen(text), "basic: text is the file");
    mlclf_sha256(text, strlen(text), md);
    ok(memcmp(md, d.sha256, 32) == 0, "basic: sha256 of the file");
    is_int(d.n_dropped, 0, "basic: nothing dropped");

    mlclf_train_data_free(&d);
    ok(d.x == NULL && d.text == NULL, "free clears");
    mlclf_train_data_free(&d);
}


static void
test_dialect(void)
{
    int                 rc;
    mlclf_err_t         err;
    mlclf_train_data_t  d;

    /* quoted fields, a quoted label with a comma and an escaped quote */
    rc = load(&d, "\"f1\",f2,\"f3\",y\n\"1.5\",\"2\",3,\"x,\"\"q\"\"\"\n"
              "4,5,6,plain\n", 0, 0, &err);
    is_int(rc, MLCLF_OK, "quoted: loads");
    if (rc == MLCLF_OK) {
        ok(d.x[0] == 1.5 && d.x[1] == 2, "quoted: numbers");
        is_str(d.classes[1], "x,\"q\"", "quoted: label unescaped");
        ok(rec_is(&d, 0, "\"1.5\",\"2\",3,\"x,\"\"q\"\"\""),
           "quoted: record span is the source text");
        mlclf_train_data_free(&d);
    }

    /* CRLF */
    rc = load(&d, "f1,f2,f3,y\r\n1,2,3,a\r\n4,5,6,b\r\n", 0, 0, &err);
    is_int(rc, MLCLF_OK, "CRLF: loads");
    if (rc == MLCLF_OK) {
        ok(d.header_len == 10, "CRLF: header without CR");
        ok(rec_is(&d, 1, "4,5,6,b"), "CRLF: record without CR");
        is_str(d.classes[1], "b", "CRLF: label without CR");
        ok(d.x[5] == 6, "CRLF: last value");
        mlclf_train_data_free(&d);
    }

    /* BOM, no final newline */
    rc = load(&d, "\xef\xbb\xbf" "f1,f2,f3,y\n1,2,3,a\n4,5,6,b", 0, 0, &err);
    is_int(rc, MLCLF_OK, "BOM: loads");
    if (rc == MLCLF_OK) {
        ok(d.header == d.text + 3, "BOM: header after the BOM");
        ok(rec_is(&d, 1, "4,5,6,b"), "no final newline: record");
        ok(d.x[5] == 6, "no final newline: value");
        mlclf_train_data_free(&d);
    }

    /* CRLF without a final newline, blank lines, trailing blank lines */
    rc = load(&d, "f1,f2,f3,y\r\n1,2,3,a\r\n\r\n\n4,5,6,b\r\n\n\r\n\n",
              0, 0, &err);
    is_int(rc, MLCLF_OK, "blank lines: loads");
    if (rc == MLCLF_OK) {
        is_int(d.n_rows, 2, "blank lines: skipped");
        mlclf_train_data_free(&d);
    }

    rc = load(&d, "f1,f2,f3,y\r\n1,2,3,a\r\n4,5,6,b\r", 0, 0, &err);
    is_int(rc, MLCLF_OK, "final CR: loads");
    if (rc == MLCLF_OK) {
        ok(rec_is(&d, 1, "4,5,6,b"), "final CR: not in the record");
        mlclf_train_data_free(&d);
    }

    /* extra columns anywhere, reordered columns, multi-line ignored field */
    rc = load(&d, "id,f3,note,y,f1,f2\n"
              "7,3,\"two\nlines\",a,1,2\n"
              "8,6,,b,4,5\n"
              "9,9,\"x\",a,7,8\n", 0, 0, &err);
    is_int(rc, MLCLF_OK, "extra columns: loads");
    if (rc == MLCLF_OK) {
        is_int(d.n_rows, 3, "extra columns: rows");
        ok(d.x[0] == 1 && d.x[1] == 2 && d.x[2] == 3 && d.x[3] == 4
           && d.x[8] == 9, "extra columns: feature order from config");
        ok(rec_is(&d, 0, "7,3,\"two\nlines\",a,1,2"),
           "multi-line record span");
        mlclf_train_data_free(&d);
    }

    /* blanks around numbers, signs, integer written with a fraction */
    rc = load(&d, "f1,f2,f3,y\n 1.5 ,\t3.0,+7,a\n\" -2\",1e1,.5,b\n",
              0, 0, &err);
    is_int(rc, MLCLF_OK, "blanks, signs: loads");
    if (rc == MLCLF_OK) {
        ok(d.x[0] == 1.5 && d.x[1] == 3 && d.x[2] == 7 && d.x[3] == -2
           && d.x[4] == 10 && d.x[5] == 0.5, "blanks, signs: values");
        mlclf_train_data_free(&d);
    }

    /* configured classes: their order, one not in the data */
    rc = load(&d, "f1,f2,f3,y\n1,2,3,b\n1,2,3,a\n", 0, 1, &err);
    is_int(rc, MLCLF_OK, "classes: loads");
    if (rc == MLCLF_OK) {
        is_int(d.n_classes, 2, "classes: configured count");
        ok(d.y[0] == 1 && d.y[1] == 0, "classes: configured order");
        mlclf_train_data_free(&d);
    }
}


static void
test_numbers(void)
{
    int                 rc;
    char                text[4096], *p;
    size_t              i, n;
    mlclf_err_t         err;
    mlclf_train_data_t  d;

    static const char  *nums[] = {
        "0.1", "0.2", "0.3", "123456789012345", "1234567890123456",
        "9007199254740993", "1.7976931348623157e308", "4.9e-324",
        "2.2250738585072014e-308", "-0", "-0.0", "1e22", "1e23", "1e-22",
        "1e-23", "0.000001234", "123.456e-5", "3.14159265358979323846",
        "100000000000000000000000", "0.1e1", "5e-1", "7.", "00012.5000",
        "-1.5E+3", "8.98846567431158e307", "1.00000000000000011",
        "0.30000000000000004", "2.675", "1e0", "999999999999999e-7",
        "123456789012345678901234567890", "4.35", "-17.0000000001",
        "0.1000000000000000055511151231257827", "12345.6789e-3",
    };

    n = sizeof(nums) / sizeof(nums[0]);
    p = text;
    p += sprintf(p, "f1,f2,f3,y\n");

    for (i = 0; i < n; i++) {
        p += sprintf(p, "%s,1,%s,%c\n", nums[i], nums[n - 1 - i],
                     i % 2 ? 'a' : 'b');
    }

    rc = load(&d, text, 0, 0, &err);
    is_int(rc, MLCLF_OK, "numbers: loads");
    if (rc != MLCLF_OK) {
        tap_diag("%s", err.msg);
        return;
    }

    for (i = 0; i < n; i++) {
        double  want, got;

        want = strtod(nums[i], NULL);
        got = d.x[i * 3];
        ok(memcmp(&want, &got, sizeof(double)) == 0
           && d.x[(n - 1 - i) * 3 + 2] == want,
           "numbers: %s as strtod", nums[i]);
    }

    mlclf_train_data_free(&d);
}


static void
test_missing(void)
{
    int                 rc;
    size_t              train[2] = { 0, 2 };
    double              impute[3];
    const char         *text;
    mlclf_err_t         err;
    mlclf_train_data_t  d;

    text = "f1,f2,f3,y\n1,2,3,a\n,2,3,b\n5,,7,a\n4,6, ,b\n9,8,7,b\n";

    rc = load(&d, text, MLCLF_TRAIN_MISSING_DROP, 0, &err);
    is_int(rc, MLCLF_OK, "drop: loads");
    if (rc == MLCLF_OK) {
        is_int(d.n_rows, 2, "drop: 2 rows kept");
        is_int(d.n_dropped, 3, "drop: 3 dropped");
        ok(rec_is(&d, 0, "1,2,3,a") && rec_is(&d, 1, "9,8,7,b"),
           "drop: the right rows kept");
        ok(d.y[0] == 0 && d.y[1] == 1, "drop: labels");
        mlclf_train_data_free(&d);
    }

    rc = load(&d, text, MLCLF_TRAIN_MISSING_IMPUTE, 0, &err);
    is_int(rc, MLCLF_OK, "impute: loads");
    if (rc == MLCLF_OK) {
        is_int(d.n_rows, 5, "impute: all rows kept");
        ok(isnan(d.x[3]) && isnan(d.x[7]) && isnan(d.x[11]),
           "impute: NaN before imputation");

        /* train rows 0 and 2: f1 mean (1+5)/2, f2 only row 0, f3 (3+7)/2 */
        mlclf_train_data_impute(&d, train, 2, impute);
        ok(impute[0] == 3 && impute[1] == 2 && impute[2] == 5,
           "impute: means over the train rows only");
        ok(d.x[3] == 3 && d.x[7] == 2 && d.x[11] == 5,
           "impute: written into x for every row");
        ok(d.x[12] == 9, "impute: other values untouched");
        mlclf_train_data_free(&d);
    }

    /* allow: every row kept, NaN where the value is missing, for good */

    rc = load(&d, text, MLCLF_TRAIN_MISSING_ALLOW, 0, &err);
    is_int(rc, MLCLF_OK, "allow: loads");
    if (rc == MLCLF_OK) {
        is_int(d.n_rows, 5, "allow: all rows kept");
        is_int(d.n_dropped, 0, "allow: none dropped");
        ok(isnan(d.x[3]) && isnan(d.x[7]) && isnan(d.x[11]),
           "allow: NaN where missing");
        ok(d.x[0] == 1 && d.x[4] == 2 && d.x[6] == 5 && d.x[9] == 4
           && d.x[10] == 6, "allow: other values read");
        ok(rec_is(&d, 1, ",2,3,b") && rec_is(&d, 3, "4,6, ,b"),
           "allow: source records kept");
        mlclf_train_data_free(&d);
    }

    rc = load(&d, "f1,f2,f3,y\n,2,3,a\n1,,3,b\n", MLCLF_TRAIN_MISSING_DROP,
              0, &err);
    is_int(rc, MLCLF_EINVAL, "drop: all rows dropped");
    ok(strstr(err.msg, ": no rows left after dropping 2 with missing "
              "values") != NULL, "drop: all rows dropped: message");

    rc = load(&d, "f1,f2,f3,y\n1,2,3,a\n4,5,6,a\n", 0, 0, &err);
    is_int(rc, MLCLF_EINVAL, "a single class");
    ok(strstr(err.msg, ": y: every row has the class \"a\", need at least "
              "2 classes") != NULL, "a single class: message");
}


/*
 * A file of a whole number of pages that does not end in a line break
 * is read, not mapped (nothing readable follows its last byte); one
 * ending in '\n' is mapped.
 */
static void
test_page_sized(void)
{
    int                   rc;
    char                 *text, *p;
    size_t                len, i;
    mlclf_err_t           err;
    mlclf_train_data_t    d;
    mlclf_train_config_t  cf;

    len = 2 * (size_t) sysconf(_SC_PAGESIZE);
    text = malloc(len + 1);
    p = text;
    p += sprintf(p, "y,f1,f2,f3\n");

    for (i = 0; (size_t) (p - text) < len - 40; i++) {
        p += sprintf(p, "%c,1,2,3\n", i % 2 ? 'a' : 'b');
    }

    p += sprintf(p, "a,1,2,");
    while ((size_t) (p - text) < len - 2) {
        *p++ = '0';
    }

    *p++ = '7';
    *p++ = '5';

    write_csv("page.csv", text, len);
    config(&cf, 0, 0);
    rc = mlclf_train_data_load(&d, &cf, &err);
    is_int(rc, MLCLF_OK, "page-sized file without final newline: loads");
    if (rc == MLCLF_OK) {
        is_int(d.text_mapped, 0, "page-sized: read, not mapped");
        ok(d.x[(d.n_rows - 1) * 3 + 2] == 75, "page-sized: last value");
        mlclf_train_data_free(&d);
    }

    text[len - 1] = '\n';
    write_csv("page.csv", text, len);
    rc = mlclf_train_data_load(&d, &cf, &err);
    is_int(rc, MLCLF_OK, "page-sized file with final newline: loads");
    if (rc == MLCLF_OK) {
        is_int(d.text_mapped, 1, "page-sized, newline: mapped");
        ok(d.x[(d.n_rows - 1) * 3 + 2] == 7, "page-sized, newline: value");
        mlclf_train_data_free(&d);
    }

    free(text);
}


/*
 * Label lengths: 255 bytes is a class label, 256 is refused where it
 * stands, and so is a 100 MB one, quoted with "" escapes, whose length
 * is counted in place.
 */
static void
test_long_labels(void)
{
    int                 rc;
    char               *text, *p, *q, want[512];
    size_t              n;
    mlclf_err_t         err;
    mlclf_train_data_t  d;

    text = malloc(1024);
    p = text + sprintf(text, "f1,f2,f3,y\n1,2,3,a\n1,2,3,");
    memset(p, 'L', 255);
    strcpy(p + 255, "\n");

    rc = load(&d, text, 0, 0, &err);
    is_int(rc, MLCLF_OK, "255-byte label: loads");
    if (rc == MLCLF_OK) {
        is_int(strlen(d.classes[0]), 255, "255-byte label: kept whole");
        mlclf_train_data_free(&d);
    }

    strcpy(p + 255, "M\n");
    rc = load(&d, text, 0, 0, &err);
    is_int(rc, MLCLF_EINVAL, "256-byte label: refused");
    mlclf_train_data_free(&d);
    snprintf(want, sizeof(want), "%s:3:4: y: \"%.37s...\" cannot be a "
             "class label: 256 bytes, more than 255", csv, p);
    is_str(err.msg, want, "256-byte label: message");
    free(text);

    /* "xx""xx""xx..." unescapes to 100 MB of xx"xx"xx... */
    n = 100 * 1024 * 1024;
    text = malloc(n / 5 * 6 + 64);
    q = text + sprintf(text, "f1,f2,f3,y\n1,2,3,a\n1,2,3,\"");

    for (p = q; (size_t) (p - q) < n / 5 * 6; p += 6) {
        memcpy(p, "xx\"\"xx", 6);
    }

    strcpy(p, "\"\n4,5,6,b\n");

    write_csv("long.csv", text, strlen(text));
    {
        mlclf_train_config_t  cf;

        config(&cf, 0, 0);
        rc = mlclf_train_data_load(&d, &cf, &err);
    }

    is_int(rc, MLCLF_EINVAL, "100 MB label: refused");
    mlclf_train_data_free(&d);
    snprintf(want, sizeof(want), "%s:3:4: y: \"xx\\x22\\x22xxxx\\x22\\x22xxxx"
             "\\x22\\x22xxxx\\x22\\x22xxxx\\x22\\x22xxxx\\x22\\x22xxx...\" "
             "cannot be a class label: %zu bytes, more than 255", csv,
             (size_t) (p - q) / 6 * 5);
    is_str(err.msg, want, "100 MB label: message, length without escapes");
    free(text);
}


/* a file big enough for the parallel path, with an error near its end */
static void
test_large(void)
{
    int                 rc, good;
    char               *text, *p, want[512];
    size_t              i, n, len;
    mlclf_err_t         err;
    mlclf_train_data_t  d;
    mlclf_train_config_t  cf;

    n = 180000;
    text = malloc(n * 64 + 64);
    p = text;
    p += sprintf(p, "f1,f2,f3,y\n");

    for (i = 0; i < n; i++) {
        p += sprintf(p, "%zu.%03zu,%zu,%zu.5e-3,c%zu\n", i, i % 1000,
                     i % 11, i * 7, i % 3);
    }

    len = (size_t) (p - text);
    ok(len > 4 * 1024 * 1024, "large: %zu bytes", len);

    write_csv("large.csv", text, len);
    config(&cf, 0, 0);
    rc = mlclf_train_data_load(&d, &cf, &err);
    is_int(rc, MLCLF_OK, "large: loads");

    if (rc == MLCLF_OK) {
        is_int(d.n_rows, n, "large: every row");
        is_int(d.n_classes, 3, "large: 3 classes");
        good = 1;

        for (i = 0; i < n; i++) {
            char  rec[64];

            snprintf(rec, sizeof(rec), "%zu.%03zu,%zu,%zu.5e-3,c%zu", i,
                     i % 1000, i % 11, i * 7, i % 3);

            if (d.x[i * 3] != strtod(rec, NULL)
                || d.x[i * 3 + 1] != (double) (i % 11)
                || d.y[i] != i % 3 || !rec_is(&d, i, rec))
            {
                good = 0;
                tap_diag("row %zu differs", i);
                break;
            }
        }

        ok(good, "large: every value, label and record span");
        mlclf_train_data_free(&d);
    }

    /* row n - 10 is on line n - 8 */
    p = text;
    for (i = 0; i < n - 9; i++) {
        p = strchr(p, '\n') + 1;
    }

    p = strchr(p, ',') + 1;
    *p = 'x';

    write_csv("large.csv", text, len);
    rc = mlclf_train_data_load(&d, &cf, &err);
    is_int(rc, MLCLF_EINVAL, "large: bad value");
    snprintf(want, sizeof(want), "%s:%zu:2: f2: \"x\" is not a number",
             csv, n - 8);
    is_str(err.msg, want, "large: line number of the bad value");

    free(text);
}


int
main(void)
{
    int                   rc;
    char                  want[1024], name[32];
    size_t                i;
    mlclf_err_t           err;
    mlclf_train_data_t    d;
    mlclf_train_config_t  cf;

    if (mkdtemp(dir) == NULL) {
        printf("Bail out! mkdtemp\n");
        return 1;
    }

    test_basic();
    test_dialect();
    test_numbers();
    test_missing();
    test_page_sized();
    test_long_labels();
    test_large();

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(name, sizeof(name), "bad%zu.csv", i);
        write_csv(name, bad[i].csv, strlen(bad[i].csv));
        config(&cf, bad[i].missing, bad[i].classes);

        memset(&err, 0, sizeof(err));
        rc = mlclf_train_data_load(&d, &cf, &err);

        snprintf(want, sizeof(want), "%s:%s", csv, bad[i].want);
        is_int(rc, MLCLF_EINVAL, "bad case %zu: EINVAL", i);
        is_str(err.msg, want, "bad case %zu: message", i);
        ok(d.text == NULL && d.x == NULL, "bad case %zu: nothing kept", i);
    }

    snprintf(csv, sizeof(csv), "%s/none.csv", dir);
    config(&cf, 0, 0);
    rc = mlclf_train_data_load(&d, &cf, &err);
    is_int(rc, MLCLF_EIO, "missing file: EIO");
    snprintf(want, sizeof(want), "%s: No such file or directory", csv);
    is_str(err.msg, want, "missing file: message");

    /*
     * Not regular files: refused without waiting for a writer (the
     * alarm ends the test if opening the FIFO blocks).
     */
    snprintf(csv, sizeof(csv), "%s/fifo.csv", dir);
    if (mkfifo(csv, 0600) == 0) {
        alarm(20);
        rc = mlclf_train_data_load(&d, &cf, &err);
        alarm(0);
        is_int(rc, MLCLF_EIO, "FIFO: EIO");
        snprintf(want, sizeof(want), "%s: a FIFO, not a regular file", csv);
        is_str(err.msg, want, "FIFO: message");
        unlink(csv);

    } else {
        ok(0, "mkfifo %s", csv);
    }

    snprintf(csv, sizeof(csv), "%s", dir);
    rc = mlclf_train_data_load(&d, &cf, &err);
    is_int(rc, MLCLF_EIO, "directory: EIO");
    snprintf(want, sizeof(want), "%s: a directory, not a regular file", dir);
    is_str(err.msg, want, "directory: message");

    snprintf(csv, sizeof(csv), "/dev/zero");
    rc = mlclf_train_data_load(&d, &cf, &err);
    is_int(rc, MLCLF_EIO, "character device: EIO");
    is_str(err.msg, "/dev/zero: a character device, not a regular file",
           "character device: message");

    snprintf(want, sizeof(want), "rm -rf %s", dir);
    if (system(want) != 0) {
        tap_diag("cannot remove %s", dir);
    }

    return tap_done();
}
