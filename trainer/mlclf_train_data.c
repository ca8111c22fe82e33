
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The training data: one CSV file read whole, checked against the
 * configured schema, and turned into a dense row-major matrix plus class
 * indices.
 *
 * CSV dialect: the first record is the header; fields are separated by
 * commas; a field may be quoted with '"' ("" inside is one quote) and may
 * then hold commas and line breaks; records end in LF or CRLF; a UTF-8
 * byte order mark, a last record without a line break and blank lines
 * are accepted.  Columns are found by header name, other columns are
 * ignored.  An empty feature field is a missing value (handled by the
 * "missing" policy); "NA", "nan" and the like are errors.  Numbers are
 * decimal, with optional sign, fraction and exponent, and surrounding
 * blanks; they convert exactly as strtod() would.
 *
 * Speed: a file without any '"' is cut into one piece per core at line
 * breaks and parsed in parallel, while another thread hashes it; numbers
 * are read in place by the core's mlclf_double_parse(), whose exact fast
 * path takes the common ones; fields it cannot take whole (quoted,
 * blanks, not finite) are unquoted and trimmed first.
 */


#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <mlclf_train.h>
#include <mlclf_fanout.h>
#include <mlclf_file.h>
#include <mlclf_quote.h>
#include <mlclf_sha256.h>


#define MLCLF_DL_MAX_CLASSES   1024
#define MLCLF_DL_MAX_THREADS   16
#define MLCLF_DL_PAR_MIN       (4 * 1024 * 1024)

#define MLCLF_DL_IGNORE        -1
#define MLCLF_DL_LABEL         -2


/* label text -> dense id, open addressing */
typedef struct {
    uint32_t                 *slots;        /* 0 empty, else id + 1 */
    size_t                    mask;
    char                    **names;
    size_t                   *lens;
    size_t                    n;
    size_t                    names_cap;
} mlclf_dl_labels_t;


typedef struct {
    const mlclf_train_config_t  *cf;
    const char                  *path;
    const char                  *text;
    const char                  *text_end;
    const int32_t               *roles;     /* per header column */
    size_t                       n_cols;
    size_t                       label_col;
    const mlclf_dl_labels_t     *classes;   /* configured, or NULL */
    double                      *x;
    uint32_t                    *y;
    size_t                      *rec_off;
    uint32_t                    *rec_len;
} mlclf_dl_t;


typedef struct {
    const mlclf_dl_t         *dl;
    const char               *start;
    const char               *end;
    size_t                    line;         /* line number of start */
    size_t                    row0;         /* first row slot */
    size_t                    n_nl;
    size_t                    n_rows;
    size_t                    n_dropped;
    mlclf_dl_labels_t         labels;       /* seen, if not configured */
    char                     *scratch;      /* unescaped field */
    size_t                    scratch_size;
    int                       rc;
    mlclf_err_t               err;
} mlclf_dl_chunk_t;


/* a field: content span (inside the quotes if quoted) */
typedef struct {
    const char               *s;
    const char               *e;
    unsigned                  quoted:1;
    unsigned                  escaped:1;
} mlclf_dl_field_t;


typedef struct {
    const void               *data;
    size_t                    len;
    uint8_t                  *out;
    int                       rc;
} mlclf_dl_sha_t;


static int mlclf_dl_read(const char *path, mlclf_train_data_t *d,
    mlclf_err_t *err);
static uint64_t mlclf_dl_hash(const char *s, size_t len);
static int mlclf_dl_labels_init(mlclf_dl_labels_t *t, size_t cap);
static void mlclf_dl_labels_free(mlclf_dl_labels_t *t);
static int32_t mlclf_dl_labels_find(const mlclf_dl_labels_t *t,
    const char *s, size_t len);
static int32_t mlclf_dl_labels_add(mlclf_dl_labels_t *t, const char *s,
    size_t len);
static void mlclf_dl_fail(mlclf_dl_chunk_t *ch, size_t line, size_t col,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int mlclf_dl_scan(const char **pp, const char *end,
    mlclf_dl_field_t *f, size_t *line);
static int mlclf_dl_unescape(mlclf_dl_chunk_t *ch, mlclf_dl_field_t *f,
    const char **s, size_t *len);
static int mlclf_dl_slow(const char *s, size_t len, double *out);
static int mlclf_dl_value(mlclf_dl_chunk_t *ch, mlclf_dl_field_t *f,
    size_t k, size_t line, size_t col, double *out, int *missing);
static int mlclf_dl_check(mlclf_dl_chunk_t *ch, size_t k, double v,
    const char *s, size_t len, size_t line, size_t col);
static size_t mlclf_dl_field_len(const mlclf_dl_field_t *f);
static int mlclf_dl_label(mlclf_dl_chunk_t *ch, mlclf_dl_field_t *f,
    size_t line, size_t col, uint32_t *id);
static void mlclf_dl_parse(mlclf_dl_chunk_t *ch);
static void *mlclf_dl_count_thread(void *arg);
static void *mlclf_dl_parse_thread(void *arg);
static void *mlclf_dl_sha_thread(void *arg);
static int mlclf_dl_header(mlclf_train_data_t *d,
    const mlclf_train_config_t *cf, const char **body, size_t *line,
    int32_t **roles, size_t *n_cols, size_t *label_col, mlclf_err_t *err);
static int mlclf_dl_cmp_names(const void *a, const void *b);


/*
 * The file is mapped (MAP_POPULATE: no copy, no page zeroing, ten times
 * faster than read() for 500 MB) when a byte after the last record is
 * readable: either the size is not a multiple of the page size (the
 * rest of the last page reads as zeros) or the file ends in '\n', where
 * every scan stops.  Otherwise it is read into a buffer with a NUL.
 */
static int
mlclf_dl_read(const char *path, mlclf_train_data_t *d, mlclf_err_t *err)
{
    int          fd, rc;
    char        *p, last;
    size_t       size;
    struct stat  st;

    fd = mlclf_file_open(path, &st, err);
    if (fd == -1) {
        return MLCLF_EIO;
    }

    size = (size_t) st.st_size;

    if (size > 0
        && (size % (size_t) sysconf(_SC_PAGESIZE) != 0
            || (pread(fd, &last, 1, st.st_size - 1) == 1 && last == '\n')))
    {
        p = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);

        if (p != MAP_FAILED) {
            close(fd);
            d->text = p;
            d->text_len = size;
            d->text_mapped = 1;
            return MLCLF_OK;
        }
    }

    rc = mlclf_file_read_fd(fd, path, size, &d->text, &d->text_len, err);
    d->text_mapped = 0;

    return rc;
}


static uint64_t
mlclf_dl_hash(const char *s, size_t len)
{
    size_t    i;
    uint64_t  h;

    h = 0xcbf29ce484222325ULL;

    for (i = 0; i < len; i++) {
        h = (h ^ (uint8_t) s[i]) * 0x100000001b3ULL;
    }

    return h ^ (h >> 29);
}


static int
mlclf_dl_labels_init(mlclf_dl_labels_t *t, size_t cap)
{
    size_t  n;

    memset(t, 0, sizeof(*t));

    for (n = 16; n < cap * 2; n *= 2) { /* void */ }

    t->slots = calloc(n, sizeof(uint32_t));
    if (t->slots == NULL) {
        return MLCLF_ENOMEM;
    }

    t->mask = n - 1;

    return MLCLF_OK;
}


static void
mlclf_dl_labels_free(mlclf_dl_labels_t *t)
{
    size_t  i;

    if (t->names) {
        for (i = 0; i < t->n; i++) {
            free(t->names[i]);
        }
    }

    free(t->names);
    free(t->lens);
    free(t->slots);
    memset(t, 0, sizeof(*t));
}


static int32_t
mlclf_dl_labels_find(const mlclf_dl_labels_t *t, const char *s, size_t len)
{
    size_t    i;
    uint32_t  v;

    i = (size_t) mlclf_dl_hash(s, len) & t->mask;

    while ((v = t->slots[i]) != 0) {
        if (t->lens[v - 1] == len && memcmp(t->names[v - 1], s, len) == 0) {
            return (int32_t) (v - 1);
        }

        i = (i + 1) & t->mask;
    }

    return -1;
}


/* returns the new id, or -1 out of memory; the table must not be full */
static int32_t
mlclf_dl_labels_add(mlclf_dl_labels_t *t, const char *s, size_t len)
{
    char     **names;
    size_t     i, cap, *lens;
    uint32_t   v, *slots;

    if ((t->n + 1) * 2 > t->mask + 1) {
        cap = (t->mask + 1) * 2;
        slots = calloc(cap, sizeof(uint32_t));
        if (slots == NULL) {
            return -1;
        }

        for (v = 0; v < t->n; v++) {
            i = (size_t) mlclf_dl_hash(t->names[v], t->lens[v]) & (cap - 1);
            while (slots[i] != 0) {
                i = (i + 1) & (cap - 1);
            }

            slots[i] = v + 1;
        }

        free(t->slots);
        t->slots = slots;
        t->mask = cap - 1;
    }

    if (t->n == t->names_cap) {
        cap = t->names_cap ? t->names_cap * 2 : 16;

        names = realloc(t->names, cap * sizeof(char *));
        if (names == NULL) {
            return -1;
        }

        t->names = names;

        lens = realloc(t->lens, cap * sizeof(size_t));
        if (lens == NULL) {
            return -1;
        }

        t->lens = lens;
        t->names_cap = cap;
    }

    t->names[t->n] = strndup(s, len);
    if (t->names[t->n] == NULL) {
        return -1;
    }

    t->lens[t->n] = len;

    i = (size_t) mlclf_dl_hash(s, len) & t->mask;
    while (t->slots[i] != 0) {
        i = (i + 1) & t->mask;
    }

    t->slots[i] = (uint32_t) ++t->n;

    return (int32_t) (t->n - 1);
}


static void
mlclf_dl_fail(mlclf_dl_chunk_t *ch, size_t line, size_t col,
    const char *fmt, ...)
{
    char     msg[MLCLF_ERR_MSG_LEN];
    va_list  ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    ch->rc = mlclf_err_set(&ch->err, MLCLF_EINVAL, "%s:%zu:%zu: %s",
                           ch->dl->path, line, col + 1, msg);
}


/*
 * Scans the field at *pp.  On return *pp is at the delimiter: ',', '\n',
 * the '\n' of a CRLF, or end.  Returns 0, or 1 for an unterminated quote,
 * 2 for text after a closing quote.
 */
static int
mlclf_dl_scan(const char **pp, const char *end, mlclf_dl_field_t *f,
    size_t *line)
{
    const char  *p, *q;

    p = *pp;
    f->quoted = 0;
    f->escaped = 0;

    if (p < end && *p == '"') {
        f->quoted = 1;
        f->s = ++p;

        for ( ;; ) {
            q = memchr(p, '"', (size_t) (end - p));

            while (p < (q ? q : end)) {
                p = memchr(p, '\n', (size_t) ((q ? q : end) - p));
                if (p == NULL) {
                    break;
                }

                (*line)++;
                p++;
            }

            if (q == NULL) {
                return 1;
            }

            if (q + 1 < end && q[1] == '"') {
                f->escaped = 1;
                p = q + 2;
                continue;
            }

            f->e = q;
            p = q + 1;
            break;
        }

        if (p < end && *p == '\r' && (p + 1 == end || p[1] == '\n')) {
            p++;
        }

        *pp = p;

        if (p < end && *p != ',' && *p != '\n') {
            return 2;
        }

        return 0;
    }

    f->s = p;

    while (p < end && *p != ',' && *p != '\n') {
        p++;
    }

    f->e = p;

    if (p > f->s && p[-1] == '\r' && (p == end || *p == '\n')) {
        f->e--;
    }

    *pp = p;

    return 0;
}


/* the field's content without "" escapes, in ch->scratch if needed */
static int
mlclf_dl_unescape(mlclf_dl_chunk_t *ch, mlclf_dl_field_t *f,
    const char **s, size_t *len)
{
    char        *b;
    size_t       n, size;
    const char  *p;

    if (!f->escaped) {
        *s = f->s;
        *len = (size_t) (f->e - f->s);
        return MLCLF_OK;
    }

    size = (size_t) (f->e - f->s);

    if (size > ch->scratch_size) {
        b = realloc(ch->scratch, size);
        if (b == NULL) {
            return MLCLF_ENOMEM;
        }

        ch->scratch = b;
        ch->scratch_size = size;
    }

    n = 0;

    for (p = f->s; p < f->e; p++) {
        ch->scratch[n++] = *p;
        if (*p == '"') {
            p++;
        }
    }

    *s = ch->scratch;
    *len = n;

    return MLCLF_OK;
}


/*
 * Any decimal number (already trimmed): 0 ok, 1 not a number, 2 NaN or
 * infinity text, 3 out of the range of a double.
 */
static int
mlclf_dl_slow(const char *s, size_t len, double *out)
{
    double       v;
    size_t       i;
    const char  *p, *t;

    p = s;
    t = s + len;

    if (p < t && (*p == '+' || *p == '-')) {
        p++;
    }

    if ((size_t) (t - p) >= 3
        && (strncasecmp(p, "nan", 3) == 0 || strncasecmp(p, "inf", 3) == 0))
    {
        i = (size_t) (t - p);
        if (i == 3 || (i == 8 && strncasecmp(p, "infinity", 8) == 0)) {
            return 2;
        }
    }

    if (mlclf_double_parse(s, t, MLCLF_DOUBLE_DECIMAL, &v) != t
        || isnan(v))
    {
        return 1;
    }

    if (!isfinite(v)) {
        return 3;
    }

    *out = v;

    return 0;
}


static int
mlclf_dl_check(mlclf_dl_chunk_t *ch, size_t k, double v, const char *s,
    size_t len, size_t line, size_t col)
{
    char                          show[MLCLF_QUOTE_LEN];
    const mlclf_train_feature_t  *f;

    f = &ch->dl->cf->features[k];

    if (f->has_min && v < f->min) {
        mlclf_dl_fail(ch, line, col, "%s: %s is below min %g", f->name,
                      mlclf_quote(s, len, show), f->min);
        return MLCLF_EINVAL;
    }

    if (f->has_max && v > f->max) {
        mlclf_dl_fail(ch, line, col, "%s: %s is above max %g", f->name,
                      mlclf_quote(s, len, show), f->max);
        return MLCLF_EINVAL;
    }

    if (f->integer && v != floor(v)) {
        mlclf_dl_fail(ch, line, col, "%s: %s is not an integer", f->name,
                      mlclf_quote(s, len, show));
        return MLCLF_EINVAL;
    }

    return MLCLF_OK;
}


/* a feature field that did not take the fast path */
static int
mlclf_dl_value(mlclf_dl_chunk_t *ch, mlclf_dl_field_t *f, size_t k,
    size_t line, size_t col, double *out, int *missing)
{
    int          rc;
    char         show[MLCLF_QUOTE_LEN];
    size_t       len;
    const char  *s, *name;

    name = ch->dl->cf->features[k].name;

    if (mlclf_dl_unescape(ch, f, &s, &len) != MLCLF_OK) {
        mlclf_dl_fail(ch, line, col, "out of memory");
        return MLCLF_ENOMEM;
    }

    while (len && (*s == ' ' || *s == '\t')) {
        s++;
        len--;
    }

    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) {
        len--;
    }

    if (len == 0) {
        if (ch->dl->cf->missing == MLCLF_TRAIN_MISSING_FAIL) {
            mlclf_dl_fail(ch, line, col, "%s: missing value (missing: "
                          "fail)", name);
            return MLCLF_EINVAL;
        }

        *missing = 1;
        *out = NAN;
        return MLCLF_OK;
    }

    rc = mlclf_dl_slow(s, len, out);

    switch (rc) {

    case 0:
        return mlclf_dl_check(ch, k, *out, s, len, line, col);

    case 2:
        mlclf_dl_fail(ch, line, col, "%s: %s is not a finite number", name,
                      mlclf_quote(s, len, show));
        break;

    case 3:
        mlclf_dl_fail(ch, line, col, "%s: %s is out of the range of a "
                      "double", name,
                      mlclf_quote(s, len, show));
        break;

    default:
        mlclf_dl_fail(ch, line, col, "%s: %s is not a number", name,
                      mlclf_quote(s, len, show));
    }

    return MLCLF_EINVAL;
}


/* a field's length without its "" escapes, counted in place */
static size_t
mlclf_dl_field_len(const mlclf_dl_field_t *f)
{
    size_t       n;
    const char  *p;

    n = (size_t) (f->e - f->s);

    if (!f->escaped) {
        return n;
    }

    /* inside a quoted field every '"' is the first of a pair */
    for (p = f->s; p < f->e; p += 2) {
        p = memchr(p, '"', (size_t) (f->e - p));
        if (p == NULL) {
            break;
        }

        n--;
    }

    return n;
}


/*
 * A label becomes a class label of the model: one the format cannot
 * hold fails here, where it is, and one too long fails on its length
 * alone, before anything is copied (a 100 MB field costs no more than
 * its scan).
 */
static int
mlclf_dl_label(mlclf_dl_chunk_t *ch, mlclf_dl_field_t *f, size_t line,
    size_t col, uint32_t *id)
{
    char         show[MLCLF_QUOTE_LEN];
    size_t       len;
    int32_t      i;
    const char  *s, *name;
    mlclf_err_t  why;

    name = ch->dl->cf->label;
    len = mlclf_dl_field_len(f);

    if (len == 0) {
        mlclf_dl_fail(ch, line, col, "%s: empty label", name);
        return MLCLF_EINVAL;
    }

    if (mlclf_name_check(NULL, len, &why) != MLCLF_OK) {
        mlclf_dl_fail(ch, line, col, "%s: %s cannot be a class label: %s",
                      name,
                      mlclf_quote(f->s, (size_t) (f->e - f->s), show),
                      why.msg);
        return MLCLF_EINVAL;
    }

    if (mlclf_dl_unescape(ch, f, &s, &len) != MLCLF_OK) {
        mlclf_dl_fail(ch, line, col, "out of memory");
        return MLCLF_ENOMEM;
    }

    if (ch->dl->classes) {
        i = mlclf_dl_labels_find(ch->dl->classes, s, len);

        if (i < 0) {
            mlclf_dl_fail(ch, line, col, "%s: %s is not one of the "
                          "configured classes", name,
                          mlclf_quote(s, len, show));
            return MLCLF_EINVAL;
        }

        *id = (uint32_t) i;
        return MLCLF_OK;
    }

    i = mlclf_dl_labels_find(&ch->labels, s, len);

    if (i < 0) {
        if (mlclf_name_check(s, len, &why) != MLCLF_OK) {
            mlclf_dl_fail(ch, line, col, "%s: %s cannot be a class label: "
                          "%s", name, mlclf_quote(s, len, show),
                          why.msg);
            return MLCLF_EINVAL;
        }

        if (ch->labels.n >= MLCLF_DL_MAX_CLASSES) {
            mlclf_dl_fail(ch, line, col, "%s: more than %d distinct labels",
                          name, MLCLF_DL_MAX_CLASSES);
            return MLCLF_EINVAL;
        }

        i = mlclf_dl_labels_add(&ch->labels, s, len);
        if (i < 0) {
            mlclf_dl_fail(ch, line, col, "out of memory");
            return MLCLF_ENOMEM;
        }
    }

    *id = (uint32_t) i;

    return MLCLF_OK;
}


static void
mlclf_dl_parse(mlclf_dl_chunk_t *ch)
{
    int                 missing, rc;
    double             *xr, v;
    size_t              line, rec_line, row, col, n_cols, got, nf, fline;
    int32_t             role;
    uint32_t            id;
    const char         *p, *end, *rec, *rec_end, *s;
    const int32_t      *roles;
    const mlclf_dl_t   *dl;
    mlclf_dl_field_t    f;

    dl = ch->dl;
    p = ch->start;
    end = ch->end;
    line = ch->line;
    row = ch->row0;
    roles = dl->roles;
    n_cols = dl->n_cols;
    nf = dl->cf->n_features;
    id = 0;

    while (p < end) {

        /* blank lines are skipped */

        if (*p == '\n') {
            p++;
            line++;
            continue;
        }

        if (*p == '\r' && (p + 1 == end || p[1] == '\n')) {
            p += (p + 1 == end) ? 1 : 2;
            line++;
            continue;
        }

        rec = p;
        rec_line = line;
        xr = dl->x + row * nf;
        missing = 0;

        for (col = 0; /* void */; col++) {

            if (col == n_cols) {
                /* count the extra fields for the message */
                got = col;

                for ( ;; ) {
                    got++;

                    if (mlclf_dl_scan(&p, end, &f, &line) != 0
                        || p >= end || *p != ',')
                    {
                        break;
                    }

                    p++;
                }

                mlclf_dl_fail(ch, rec_line, n_cols, "expected %zu fields, "
                              "got %zu", n_cols, got);
                return;
            }

            role = roles[col];

            if (role >= 0
                && (s = mlclf_double_parse(p, end, MLCLF_DOUBLE_DECIMAL, &v))
                   != NULL
                && isfinite(v)
                && (s == end || *s == ',' || *s == '\n'
                    || (*s == '\r' && (s + 1 == end || s[1] == '\n'))))
            {
                if (*s == '\r') {
                    s++;
                }

                xr[role] = v;

                if (dl->cf->features[role].has_min
                    || dl->cf->features[role].has_max
                    || dl->cf->features[role].integer)
                {
                    if (mlclf_dl_check(ch, (size_t) role, v, p,
                                       (size_t) (s - p)
                                       - (s[-1] == '\r'),
                                       line, col)
                        != MLCLF_OK)
                    {
                        return;
                    }
                }

                p = s;

            } else {
                fline = line;
                rc = mlclf_dl_scan(&p, end, &f, &line);

                if (rc == 1) {
                    mlclf_dl_fail(ch, fline, col, "unterminated quoted "
                                  "field");
                    return;
                }

                if (rc == 2) {
                    mlclf_dl_fail(ch, line, col, "unexpected character "
                                  "after the closing quote");
                    return;
                }

                if (role >= 0) {
                    if (mlclf_dl_value(ch, &f, (size_t) role, fline, col,
                                       &xr[role], &missing)
                        != MLCLF_OK)
                    {
                        return;
                    }

                } else if (role == MLCLF_DL_LABEL) {
                    if (mlclf_dl_label(ch, &f, fline, col, &id) != MLCLF_OK)
                    {
                        return;
                    }
                }
            }

            if (p < end && *p == ',') {
                p++;
                continue;
            }

            break;
        }

        if (col + 1 < n_cols) {
            mlclf_dl_fail(ch, rec_line, col + 1, "expected %zu fields, got "
                          "%zu", n_cols, col + 1);
            return;
        }

        rec_end = p;
        if (rec_end > rec && rec_end[-1] == '\r') {
            rec_end--;
        }

        if (p < end) {
            p++;        /* '\n' */
        }

        line++;

        if (missing && dl->cf->missing == MLCLF_TRAIN_MISSING_DROP) {
            ch->n_dropped++;
            continue;
        }

        if ((size_t) (rec_end - rec) > UINT32_MAX) {
            mlclf_dl_fail(ch, rec_line, 0, "record longer than 4 GiB");
            return;
        }

        dl->y[row] = id;
        dl->rec_off[row] = (size_t) (rec - dl->text);
        dl->rec_len[row] = (uint32_t) (rec_end - rec);
        row++;
    }

    ch->n_rows = row - ch->row0;
}


static void *
mlclf_dl_count_thread(void *arg)
{
    mlclf_dl_chunk_t  *ch = arg;

    size_t       n;
    const char  *p;

    n = 0;
    p = ch->start;

    while (p < ch->end) {
        p = memchr(p, '\n', (size_t) (ch->end - p));
        if (p == NULL) {
            break;
        }

        n++;
        p++;
    }

    ch->n_nl = n;

    return NULL;
}


static void *
mlclf_dl_parse_thread(void *arg)
{
    mlclf_dl_parse(arg);

    return NULL;
}


static void *
mlclf_dl_sha_thread(void *arg)
{
    mlclf_dl_sha_t  *sh = arg;

    sh->rc = mlclf_sha256(sh->data, sh->len, sh->out);

    return NULL;
}


/*
 * Parses the header record and maps each column to its role: a feature
 * index, the label, or ignored.
 */
static int
mlclf_dl_header(mlclf_train_data_t *d, const mlclf_train_config_t *cf,
    const char **body, size_t *line, int32_t **roles, size_t *n_cols,
    size_t *label_col, mlclf_err_t *err)
{
    int                rc;
    char               show[MLCLF_QUOTE_LEN];
    size_t             n, cap, k, col, len, *where;
    int32_t           *r, *nr;
    const char        *p, *end, *s, *name;
    mlclf_dl_chunk_t   tmp;
    mlclf_dl_field_t   f;

    p = d->text;
    end = d->text + d->text_len;

    if (end - p >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
        p += 3;
    }

    if (p == end) {
        return mlclf_err_set(err, MLCLF_EINVAL, "%s:1: empty file, expected "
                             "a header", cf->data);
    }

    where = malloc((cf->n_features + 1) * sizeof(size_t));
    if (where == NULL) {
        return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
    }

    for (k = 0; k <= cf->n_features; k++) {
        where[k] = SIZE_MAX;
    }

    memset(&tmp, 0, sizeof(tmp));
    d->header = p;
    r = NULL;
    n = 0;
    cap = 0;
    rc = MLCLF_OK;

    for (col = 0; /* void */; col++) {
        if (mlclf_dl_scan(&p, end, &f, line) != 0) {
            rc = mlclf_err_set(err, MLCLF_EINVAL, "%s:1:%zu: bad quoting in "
                               "the header", cf->data, col + 1);
            goto done;
        }

        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            nr = realloc(r, cap * sizeof(int32_t));
            if (nr == NULL) {
                rc = mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
                goto done;
            }

            r = nr;
        }

        if (mlclf_dl_unescape(&tmp, &f, &s, &len) != MLCLF_OK) {
            rc = mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
            goto done;
        }

        r[n] = MLCLF_DL_IGNORE;

        for (k = 0; k <= cf->n_features; k++) {
            name = k < cf->n_features ? cf->features[k].name : cf->label;

            if (strlen(name) == len && memcmp(name, s, len) == 0) {
                if (where[k] != SIZE_MAX) {
                    rc = mlclf_err_set(err, MLCLF_EINVAL, "%s:1:%zu: "
                                       "duplicate column %s (also column "
                                       "%zu)", cf->data, col + 1,
                                       mlclf_quote(s, len, show),
                                       where[k] + 1);
                    goto done;
                }

                where[k] = col;
                r[n] = k < cf->n_features ? (int32_t) k : MLCLF_DL_LABEL;
                break;
            }
        }

        n++;

        if (p < end && *p == ',') {
            p++;
            continue;
        }

        break;
    }

    d->header_len = (size_t) (p - d->header);
    if (d->header_len && d->header[d->header_len - 1] == '\r') {
        d->header_len--;
    }

    if (p < end) {
        p++;
    }

    (*line)++;

    for (k = 0; k <= cf->n_features; k++) {
        if (where[k] == SIZE_MAX) {
            name = k < cf->n_features ? cf->features[k].name : cf->label;
            rc = mlclf_err_set(err, MLCLF_EINVAL, "%s:1: no %s column %s "
                               "in the header", cf->data,
                               k < cf->n_features ? "feature" : "label",
                               mlclf_quote(name, strlen(name), show));

            goto done;
        }
    }

    *label_col = where[cf->n_features];
    *body = p;

done:

    free(where);
    free(tmp.scratch);

    if (rc != MLCLF_OK) {
        free(r);
        return rc;
    }

    *roles = r;
    *n_cols = n;

    return MLCLF_OK;
}


static int
mlclf_dl_cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}


int
mlclf_train_data_load(mlclf_train_data_t *d, const mlclf_train_config_t *cf,
    mlclf_err_t *err)
{
    int                  rc, sha_started, i;
    char               **names, **hit;
    size_t               line, n_cols, label_col, nt, c, total, n, dst, k;
    size_t               rows, seen, nf;
    int32_t             *roles, *map;
    uint8_t             *present;
    char                 show[MLCLF_QUOTE_LEN];
    pthread_t            sha_tid;
    const char          *body, *end, *q;
    mlclf_dl_t           dl;
    mlclf_dl_sha_t       sh;
    mlclf_dl_chunk_t    *ch;
    mlclf_dl_labels_t    classes;

    memset(d, 0, sizeof(*d));
    memset(&classes, 0, sizeof(classes));

    roles = NULL;
    ch = NULL;
    nt = 0;
    map = NULL;
    present = NULL;
    names = NULL;
    sha_started = 0;
    sh.rc = MLCLF_OK;
    nf = cf->n_features;

    if (nf == 0 || cf->data == NULL || cf->label == NULL) {
        return mlclf_err_set(err, MLCLF_EINVAL, "no data, label or features "
                             "configured");
    }

    rc = mlclf_dl_read(cf->data, d, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    d->n_features = nf;

    sh.data = d->text;
    sh.len = d->text_len;
    sh.out = d->sha256;

    if (pthread_create(&sha_tid, NULL, mlclf_dl_sha_thread, &sh) == 0) {
        sha_started = 1;

    } else {
        sh.rc = mlclf_sha256(d->text, d->text_len, d->sha256);
    }

    line = 1;
    body = NULL;
    n_cols = 0;
    label_col = 0;

    rc = mlclf_dl_header(d, cf, &body, &line, &roles, &n_cols, &label_col,
                         err);
    if (rc != MLCLF_OK) {
        goto failed;
    }

    if (cf->classes) {
        if (mlclf_dl_labels_init(&classes, cf->n_classes) != MLCLF_OK) {
            rc = mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
            goto failed;
        }

        for (c = 0; c < cf->n_classes; c++) {
            if (mlclf_dl_labels_add(&classes, cf->classes[c],
                                    strlen(cf->classes[c])) < 0)
            {
                rc = mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
                goto failed;
            }
        }
    }

    /* pieces: one per core if no field can hold a line break */

    end = d->text + d->text_len;
    nt = 1;

    if ((size_t) (end - body) >= MLCLF_DL_PAR_MIN
        && memchr(body, '"', (size_t) (end - body)) == NULL)
    {
        nt = mlclf_train_ncpu();
        if (nt > MLCLF_DL_MAX_THREADS) {
            nt = MLCLF_DL_MAX_THREADS;
        }
    }

    ch = calloc(nt, sizeof(mlclf_dl_chunk_t));
    if (ch == NULL) {
        rc = mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
        goto failed;
    }

    memset(&dl, 0, sizeof(dl));
    dl.cf = cf;
    dl.path = cf->data;
    dl.text = d->text;
    dl.text_end = end;
    dl.roles = roles;
    dl.n_cols = n_cols;
    dl.label_col = label_col;
    dl.classes = cf->classes ? &classes : NULL;

    q = body;

    for (c = 0; c < nt; c++) {
        ch[c].dl = &dl;
        ch[c].start = q;

        if (c == nt - 1) {
            q = end;

        } else {
            q = body + (size_t) (end - body) / nt * (c + 1);
            if (q < ch[c].start) {
                q = ch[c].start;
            }

            q = memchr(q, '\n', (size_t) (end - q));
            q = q ? q + 1 : end;
        }

        ch[c].end = q;
    }

    mlclf_fanout(mlclf_dl_count_thread, ch, sizeof(mlclf_dl_chunk_t), nt);

    total = 0;

    for (c = 0; c < nt; c++) {
        ch[c].line = line;
        ch[c].row0 = total;
        line += ch[c].n_nl;

        /* records end in '\n', but the last may have none */
        total += ch[c].n_nl
                 + (ch[c].end > ch[c].start && ch[c].end[-1] != '\n');

        if (cf->classes == NULL
            && mlclf_dl_labels_init(&ch[c].labels, 16) != MLCLF_OK)
        {
            rc = mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
            goto failed;
        }
    }

    if (total == 0) {
        total = 1;      /* no rows: still valid pointers */
    }

    dl.x = malloc(total * nf * sizeof(double));
    dl.y = malloc(total * sizeof(uint32_t));
    dl.rec_off = malloc(total * sizeof(size_t));
    dl.rec_len = malloc(total * sizeof(uint32_t));

    d->x = dl.x;
    d->y = dl.y;
    d->rec_off = dl.rec_off;
    d->rec_len = dl.rec_len;

    if (dl.x == NULL || dl.y == NULL || dl.rec_off == NULL
        || dl.rec_len == NULL)
    {
        rc = mlclf_err_set(err, MLCLF_ENOMEM, "%s: out of memory for %zu "
                           "rows", cf->data, total);
        goto failed;
    }

    mlclf_fanout(mlclf_dl_parse_thread, ch, sizeof(mlclf_dl_chunk_t), nt);

    for (c = 0; c < nt; c++) {
        if (ch[c].rc != MLCLF_OK) {
            rc = ch[c].rc;
            if (err) {
                *err = ch[c].err;
            }

            goto failed;
        }
    }

    /* class ids: configured order, or the sorted distinct labels */

    if (cf->classes) {
        d->n_classes = cf->n_classes;

        names = calloc(cf->n_classes, sizeof(char *));
        if (names == NULL) {
            rc = mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
            goto failed;
        }

        d->classes = names;

        for (c = 0; c < cf->n_classes; c++) {
            names[c] = strdup(cf->classes[c]);
            if (names[c] == NULL) {
                rc = mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
                goto failed;
            }
        }

    } else {
        n = 0;
        for (c = 0; c < nt; c++) {
            n += ch[c].labels.n;
        }

        names = calloc(n + 1, sizeof(char *));
        if (names == NULL) {
            rc = mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
            goto failed;
        }

        d->classes = names;
        k = 0;

        for (c = 0; c < nt; c++) {
            for (i = 0; (size_t) i < ch[c].labels.n; i++) {
                names[k++] = ch[c].labels.names[i];
            }
        }

        qsort(names, n, sizeof(char *), mlclf_dl_cmp_names);

        /* drop duplicates; the strings stay owned by the chunk tables */
        dst = 0;
        for (k = 0; k < n; k++) {
            if (dst == 0 || strcmp(names[dst - 1], names[k]) != 0) {
                names[dst++] = names[k];
            }
        }

        n = dst;

        if (n > MLCLF_DL_MAX_CLASSES) {
            d->classes = NULL;
            free(names);
            names = NULL;
            rc = mlclf_err_set(err, MLCLF_EINVAL, "%s: %s: more than %d "
                               "distinct labels", cf->data, cf->label,
                               MLCLF_DL_MAX_CLASSES);
            goto failed;
        }

        for (k = 0; k < n; k++) {
            names[k] = strdup(names[k]);
            if (names[k] == NULL) {
                while (k--) {
                    free(names[k]);
                }

                d->classes = NULL;
                free(names);
                names = NULL;
                rc = mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
                goto failed;
            }
        }

        d->n_classes = n;
    }

    /* remap chunk-local ids, close the gaps between chunks */

    dst = 0;

    for (c = 0; c < nt; c++) {
        rows = ch[c].n_rows;

        if (cf->classes == NULL && rows) {
            map = malloc(ch[c].labels.n * sizeof(int32_t));
            if (map == NULL) {
                rc = mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
                goto failed;
            }

            for (k = 0; k < ch[c].labels.n; k++) {
                hit = bsearch(&ch[c].labels.names[k], d->classes,
                              d->n_classes, sizeof(char *),
                              mlclf_dl_cmp_names);
                map[k] = hit ? (int32_t) (hit - d->classes) : 0;
            }

            for (k = ch[c].row0; k < ch[c].row0 + rows; k++) {
                d->y[k] = (uint32_t) map[d->y[k]];
            }

            free(map);
            map = NULL;
        }

        if (dst != ch[c].row0 && rows) {
            memmove(d->x + dst * nf, d->x + ch[c].row0 * nf,
                    rows * nf * sizeof(double));
            memmove(d->y + dst, d->y + ch[c].row0, rows * sizeof(uint32_t));
            memmove(d->rec_off + dst, d->rec_off + ch[c].row0,
                    rows * sizeof(size_t));
            memmove(d->rec_len + dst, d->rec_len + ch[c].row0,
                    rows * sizeof(uint32_t));
        }

        dst += rows;
        d->n_dropped += ch[c].n_dropped;
    }

    d->n_rows = dst;

    if (d->n_rows == 0) {
        if (d->n_dropped) {
            rc = mlclf_err_set(err, MLCLF_EINVAL, "%s: no rows left after "
                               "dropping %zu with missing values", cf->data,
                               d->n_dropped);

        } else {
            rc = mlclf_err_set(err, MLCLF_EINVAL, "%s:%zu: no data rows",
                               cf->data, line);
        }

        goto failed;
    }

    present = calloc(d->n_classes, 1);
    if (present == NULL) {
        rc = mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
        goto failed;
    }

    seen = 0;
    for (k = 0; k < d->n_rows && seen < 2; k++) {
        if (!present[d->y[k]]) {
            present[d->y[k]] = 1;
            seen++;
        }
    }

    if (seen < 2) {
        rc = mlclf_err_set(err, MLCLF_EINVAL, "%s: %s: every row has the "
                           "class %s, need at least 2 classes", cf->data,
                           cf->label,
                           mlclf_quote(d->classes[d->y[0]],
                                       strlen(d->classes[d->y[0]]), show));
        goto failed;
    }

    rc = MLCLF_OK;

failed:

    if (sha_started) {
        pthread_join(sha_tid, NULL);
    }

    if (rc == MLCLF_OK && sh.rc != MLCLF_OK) {
        rc = mlclf_err_set(err, sh.rc, "%s: out of memory for its sha256",
                           cf->data);
    }

    if (ch) {
        for (c = 0; c < nt; c++) {
            mlclf_dl_labels_free(&ch[c].labels);
            free(ch[c].scratch);
        }

        free(ch);
    }

    mlclf_dl_labels_free(&classes);
    free(roles);
    free(present);

    if (rc != MLCLF_OK) {
        mlclf_train_data_free(d);
    }

    return rc;
}


void
mlclf_train_data_free(mlclf_train_data_t *d)
{
    size_t  i;

    if (d == NULL) {
        return;
    }

    if (d->classes) {
        for (i = 0; i < d->n_classes; i++) {
            free(d->classes[i]);
        }
    }

    free(d->classes);
    if (d->text_mapped) {
        munmap(d->text, d->text_len);

    } else {
        free(d->text);
    }

    free(d->x);
    free(d->y);
    free(d->rec_off);
    free(d->rec_len);

    memset(d, 0, sizeof(*d));
}


void
mlclf_train_data_impute(mlclf_train_data_t *d, const size_t *train,
    size_t n_train, double *impute)
{
    size_t   i, j, nf, *cnt;
    double  *sum, *xr, mean;

    nf = d->n_features;

    sum = calloc(nf, sizeof(double));
    cnt = calloc(nf, sizeof(size_t));

    if (sum == NULL || cnt == NULL) {
        free(sum);
        free(cnt);

        /* out of memory: still leave no NaN behind */
        for (i = 0; i < d->n_rows * nf; i++) {
            if (isnan(d->x[i])) {
                d->x[i] = 0.0;
            }
        }

        if (impute) {
            for (j = 0; j < nf; j++) {
                impute[j] = 0.0;
            }
        }

        return;
    }

    for (i = 0; i < n_train; i++) {
        xr = d->x + train[i] * nf;

        for (j = 0; j < nf; j++) {
            if (!isnan(xr[j])) {
                sum[j] += xr[j];
                cnt[j]++;
            }
        }
    }

    for (j = 0; j < nf; j++) {
        mean = cnt[j] ? sum[j] / (double) cnt[j] : 0.0;
        sum[j] = mean;

        if (impute) {
            impute[j] = mean;
        }
    }

    for (i = 0; i < d->n_rows; i++) {
        xr = d->x + i * nf;

        for (j = 0; j < nf; j++) {
            if (isnan(xr[j])) {
                xr[j] = sum[j];
            }
        }
    }

    free(sum);
    free(cnt);
}
