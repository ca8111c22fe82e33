
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * A strict, bounded UBJSON reader (ubjson.org, draft 12) for the files
 * XGBoost's save_model("m.ubj") writes: the document becomes the same
 * cJSON tree as the JSON file would, and one reader serves both.
 *
 * XGBoost (src/common/json.cc, UBJWriter) writes big-endian values,
 * object keys and strings with an 'L' (int64) length, arrays as counted
 * "[#L n" followed by n values, and the node arrays as typed, counted
 * "[$d#L n" (float32), "[$l#L n" (int32), "[$L#L n" (int64) or
 * "[$U#L n" (uint8) followed by the n raw values.  Read here: every
 * marker of the draft but 'H' (high-precision numbers), containers
 * counted or not, typed or not, with a length of any integer type.
 *
 * Bounds: a count or length is checked against the bytes left before
 * anything is allocated for it (each item takes one byte at least, so
 * a small file cannot claim 10^6 trees), containers nest at most
 * MLCLF_UBJSON_MAX_DEPTH deep, strings hold no NUL, and the document
 * ends where the file does.  A typed container of a type that takes no
 * bytes ('Z', 'T', 'F', 'N') is refused: it would let a count stand
 * for items the file does not hold.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlclf_import_xgboost.h"


/* The reader's place in the document. */
typedef struct {
    const mlclf_import_t     *im;
    mlclf_err_t              *err;
    const unsigned char      *p;
    size_t                    len;
    size_t                    pos;
    unsigned                  depth;
} mlclf_ubj_t;


static int mlclf_ubj_fail(mlclf_ubj_t *u, size_t at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static int mlclf_ubj_oom(mlclf_ubj_t *u);
static int mlclf_ubj_need(mlclf_ubj_t *u, size_t n, const char *what);
static int mlclf_ubj_marker(mlclf_ubj_t *u, uint8_t *m);
static size_t mlclf_ubj_size(uint8_t m);
static uint64_t mlclf_ubj_be(const unsigned char *p, size_t n);
static int mlclf_ubj_int(mlclf_ubj_t *u, uint8_t m, int64_t *v);
static int mlclf_ubj_length(mlclf_ubj_t *u, const char *what, size_t *n);
static int mlclf_ubj_string(mlclf_ubj_t *u, const char *what, char **s);
static int mlclf_ubj_value(mlclf_ubj_t *u, uint8_t m, cJSON **out);
static int mlclf_ubj_number(mlclf_ubj_t *u, uint8_t m, cJSON **out);
static int mlclf_ubj_header(mlclf_ubj_t *u, int object, uint8_t *type,
    size_t *count);
static int mlclf_ubj_container(mlclf_ubj_t *u, int object, cJSON **out);


int
mlclf_import_ubjson(const mlclf_import_t *im, const char *buf, size_t len,
    cJSON **root, mlclf_err_t *err)
{
    int          rc;
    uint8_t      m;
    mlclf_ubj_t  u;

    u.im = im;
    u.err = err;
    u.p = (const unsigned char *) buf;
    u.len = len;
    u.pos = 0;
    u.depth = 0;

    *root = NULL;

    rc = mlclf_ubj_marker(&u, &m);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_ubj_value(&u, m, root);
    if (rc != MLCLF_OK) {
        return rc;
    }

    if (u.pos != u.len) {
        cJSON_Delete(*root);
        *root = NULL;
        return mlclf_ubj_fail(&u, u.pos, "%zu bytes after the end of the "
                              "document", u.len - u.pos);
    }

    return MLCLF_OK;
}


/* "<path>: byte <at>: <message>", MLCLF_EINVAL. */
static int
mlclf_ubj_fail(mlclf_ubj_t *u, size_t at, const char *fmt, ...)
{
    va_list  ap;
    char     msg[MLCLF_ERR_MSG_LEN];

    va_start(ap, fmt);
    (void) vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    return mlclf_import_fail(u->err, MLCLF_EINVAL, u->im, 0, 0,
                             "byte %zu: %s", at, msg);
}


static int
mlclf_ubj_oom(mlclf_ubj_t *u)
{
    return mlclf_import_fail(u->err, MLCLF_ENOMEM, u->im, 0, 0,
                             "byte %zu: out of memory", u->pos);
}


/* n more bytes are there, or the file ends inside what. */
static int
mlclf_ubj_need(mlclf_ubj_t *u, size_t n, const char *what)
{
    if (n > u->len - u->pos) {
        return mlclf_ubj_fail(u, u->pos, "the file ends inside %s (%zu "
                              "bytes needed, %zu left)", what, n,
                              u->len - u->pos);
    }

    return MLCLF_OK;
}


/* The next type marker, past any no-op ('N'). */
static int
mlclf_ubj_marker(mlclf_ubj_t *u, uint8_t *m)
{
    while (u->pos < u->len && u->p[u->pos] == 'N') {
        u->pos++;
    }

    if (u->pos == u->len) {
        return mlclf_ubj_fail(u, u->pos, "the file ends where a value "
                              "should begin");
    }

    *m = u->p[u->pos++];

    return MLCLF_OK;
}


/* Bytes of a value of fixed size after its marker m; 0 for others. */
static size_t
mlclf_ubj_size(uint8_t m)
{
    switch (m) {

    case 'i':
    case 'U':
    case 'C':
        return 1;
    case 'I':
        return 2;
    case 'l':
    case 'd':
        return 4;
    case 'L':
    case 'D':
        return 8;
    default:
        return 0;
    }
}


static uint64_t
mlclf_ubj_be(const unsigned char *p, size_t n)
{
    size_t    i;
    uint64_t  v;

    v = 0;

    for (i = 0; i < n; i++) {
        v = (v << 8) | p[i];
    }

    return v;
}


/* The integer of marker m ('i', 'U', 'I', 'l', 'L') at pos. */
static int
mlclf_ubj_int(mlclf_ubj_t *u, uint8_t m, int64_t *v)
{
    int       rc;
    size_t    n;
    uint64_t  x, sign, mag;

    n = mlclf_ubj_size(m);

    rc = mlclf_ubj_need(u, n, "an integer");
    if (rc != MLCLF_OK) {
        return rc;
    }

    x = mlclf_ubj_be(u->p + u->pos, n);
    u->pos += n;

    if (m == 'U') {
        *v = (int64_t) x;
        return MLCLF_OK;
    }

    /* two's complement of n bytes, without implementation-defined casts */
    sign = (uint64_t) 1 << (n * 8 - 1);

    if (x & sign) {
        mag = (~x + 1) & ((sign << 1) - 1);
        *v = -(int64_t) (mag - 1) - 1;

    } else {
        *v = (int64_t) x;
    }

    return MLCLF_OK;
}


/* A length or count: an integer marker and a value >= 0. */
static int
mlclf_ubj_length(mlclf_ubj_t *u, const char *what, size_t *n)
{
    int      rc;
    size_t   at;
    int64_t  v;
    uint8_t  m;

    at = u->pos;

    rc = mlclf_ubj_need(u, 1, what);
    if (rc != MLCLF_OK) {
        return rc;
    }

    m = u->p[u->pos++];

    if (m != 'i' && m != 'U' && m != 'I' && m != 'l' && m != 'L') {
        return mlclf_ubj_fail(u, at, "%s has no integer type (marker "
                              "0x%02x)", what, m);
    }

    rc = mlclf_ubj_int(u, m, &v);
    if (rc != MLCLF_OK) {
        return rc;
    }

    if (v < 0) {
        return mlclf_ubj_fail(u, at, "%s is negative (%lld)", what,
                              (long long) v);
    }

    *n = (size_t) v;

    return MLCLF_OK;
}


/* A key or string value: its length, then that many bytes. */
static int
mlclf_ubj_string(mlclf_ubj_t *u, const char *what, char **s)
{
    int     rc;
    size_t  n, at;

    at = u->pos;

    rc = mlclf_ubj_length(u, what, &n);
    if (rc != MLCLF_OK) {
        return rc;
    }

    if (n > u->len - u->pos) {
        return mlclf_ubj_fail(u, at, "%s of %zu bytes, but %zu are left",
                              what, n, u->len - u->pos);
    }

    if (memchr(u->p + u->pos, '\0', n) != NULL) {
        return mlclf_ubj_fail(u, at, "%s holds a NUL byte", what);
    }

    *s = malloc(n + 1);
    if (*s == NULL) {
        return mlclf_ubj_oom(u);
    }

    memcpy(*s, u->p + u->pos, n);
    (*s)[n] = '\0';
    u->pos += n;

    return MLCLF_OK;
}


/* The value whose marker m was just read (or a typed container's). */
static int
mlclf_ubj_value(mlclf_ubj_t *u, uint8_t m, cJSON **out)
{
    int    rc;
    char  *s;

    switch (m) {

    case '{':
    case '[':
        return mlclf_ubj_container(u, m == '{', out);

    case 'Z':
        *out = cJSON_CreateNull();
        break;

    case 'T':
    case 'F':
        *out = cJSON_CreateBool(m == 'T');
        break;

    case 'S':
    case 'C':
        if (m == 'S') {
            rc = mlclf_ubj_string(u, "a string", &s);
            if (rc != MLCLF_OK) {
                return rc;
            }

        } else {
            rc = mlclf_ubj_need(u, 1, "a char");
            if (rc != MLCLF_OK) {
                return rc;
            }

            if (u->p[u->pos] == '\0') {
                return mlclf_ubj_fail(u, u->pos, "a NUL char");
            }

            s = strndup((const char *) u->p + u->pos++, 1);
            if (s == NULL) {
                return mlclf_ubj_oom(u);
            }
        }

        *out = cJSON_CreateString(s);
        free(s);
        break;

    case 'H':
        return mlclf_ubj_fail(u, u->pos - 1, "high-precision numbers "
                              "('H') are not supported");

    default:
        if (mlclf_ubj_size(m) == 0) {
            return mlclf_ubj_fail(u, u->pos - 1, "unknown type marker "
                                  "0x%02x", m);
        }

        return mlclf_ubj_number(u, m, out);
    }

    return *out != NULL ? MLCLF_OK : mlclf_ubj_oom(u);
}


/* An integer or float of marker m; float32 widens to double exactly. */
static int
mlclf_ubj_number(mlclf_ubj_t *u, uint8_t m, cJSON **out)
{
    int       rc;
    float     f;
    double    d;
    int64_t   v;
    uint32_t  b32;
    uint64_t  b64;

    if (m == 'd' || m == 'D') {
        rc = mlclf_ubj_need(u, mlclf_ubj_size(m), "a float");
        if (rc != MLCLF_OK) {
            return rc;
        }

        if (m == 'd') {
            b32 = (uint32_t) mlclf_ubj_be(u->p + u->pos, 4);
            memcpy(&f, &b32, sizeof(f));
            d = (double) f;

        } else {
            b64 = mlclf_ubj_be(u->p + u->pos, 8);
            memcpy(&d, &b64, sizeof(d));
        }

        u->pos += mlclf_ubj_size(m);

    } else {
        rc = mlclf_ubj_int(u, m, &v);
        if (rc != MLCLF_OK) {
            return rc;
        }

        d = (double) v;
    }

    *out = cJSON_CreateNumber(d);

    return *out != NULL ? MLCLF_OK : mlclf_ubj_oom(u);
}


/*
 * The optional "$type" and "#count" after '[' or '{'.  *count is
 * SIZE_MAX when there is none (the container ends with ']' or '}').
 */
static int
mlclf_ubj_header(mlclf_ubj_t *u, int object, uint8_t *type, size_t *count)
{
    int     rc;
    size_t  at, least;

    *type = 0;
    *count = SIZE_MAX;
    at = u->pos;

    if (u->pos < u->len && u->p[u->pos] == '$') {
        u->pos++;

        rc = mlclf_ubj_need(u, 1, "a container's type");
        if (rc != MLCLF_OK) {
            return rc;
        }

        *type = u->p[u->pos++];

        if (mlclf_ubj_size(*type) == 0 && *type != 'S') {
            return mlclf_ubj_fail(u, at, "containers typed 0x%02x are not "
                                  "supported", *type);
        }

        if (u->pos == u->len || u->p[u->pos] != '#') {
            return mlclf_ubj_fail(u, at, "a typed container without a "
                                  "count");
        }
    }

    if (u->pos < u->len && u->p[u->pos] == '#') {
        at = u->pos++;

        rc = mlclf_ubj_length(u, "a container's count", count);
        if (rc != MLCLF_OK) {
            return rc;
        }

        /* the fewest bytes an item takes: a value, a key before it */
        least = *type == 0 ? 1 : *type == 'S' ? 2 : mlclf_ubj_size(*type);
        least += object ? 2 : 0;

        if (*count > (u->len - u->pos) / least) {
            return mlclf_ubj_fail(u, at, "a count of %zu items, but %zu "
                                  "bytes are left", *count,
                                  u->len - u->pos);
        }
    }

    return MLCLF_OK;
}


/* An array or object whose '[' or '{' was just read. */
static int
mlclf_ubj_container(mlclf_ubj_t *u, int object, cJSON **out)
{
    int          rc;
    char        *key;
    size_t       i, count, at;
    cJSON       *c, *item;
    uint8_t      type, m, close;

    at = u->pos - 1;

    if (u->depth >= MLCLF_UBJSON_MAX_DEPTH) {
        return mlclf_ubj_fail(u, at, "containers nested deeper than %d",
                              MLCLF_UBJSON_MAX_DEPTH);
    }

    rc = mlclf_ubj_header(u, object, &type, &count);
    if (rc != MLCLF_OK) {
        return rc;
    }

    c = object ? cJSON_CreateObject() : cJSON_CreateArray();
    if (c == NULL) {
        return mlclf_ubj_oom(u);
    }

    close = object ? '}' : ']';
    u->depth++;

    for (i = 0; ; i++) {
        if (count == SIZE_MAX) {
            while (u->pos < u->len && u->p[u->pos] == 'N') {
                u->pos++;
            }

            rc = mlclf_ubj_need(u, 1, object ? "an object" : "an array");
            if (rc != MLCLF_OK) {
                break;
            }

            if (u->p[u->pos] == close) {
                u->pos++;
                break;
            }

        } else if (i == count) {
            break;
        }

        key = NULL;
        item = NULL;

        if (object) {
            rc = mlclf_ubj_string(u, "a key", &key);
        }

        if (rc == MLCLF_OK) {
            m = type;
            rc = type != 0 ? MLCLF_OK : mlclf_ubj_marker(u, &m);
        }

        if (rc == MLCLF_OK) {
            rc = mlclf_ubj_value(u, m, &item);
        }

        if (rc == MLCLF_OK
            && !(object ? cJSON_AddItemToObject(c, key, item)
                        : cJSON_AddItemToArray(c, item)))
        {
            cJSON_Delete(item);
            rc = mlclf_ubj_oom(u);
        }

        free(key);

        if (rc != MLCLF_OK) {
            break;
        }
    }

    u->depth--;

    if (rc != MLCLF_OK) {
        cJSON_Delete(c);
        return rc;
    }

    *out = c;

    return MLCLF_OK;
}
