
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * JSON text of the CLIs in one style (mlclf_jsonout.h).  Numbers go
 * through the core's mlclf_double_format(), the formatter of the NGINX
 * replies, so a value reads the same in a reply, a meta.json and a
 * --json output.
 */


#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mlclf.h>
#include <mlclf_jsonout.h>


static void mlclf_jsonout_grow(mlclf_jsonout_t *b, size_t need);


static void
mlclf_jsonout_grow(mlclf_jsonout_t *b, size_t need)
{
    char    *p;
    size_t   size;

    if (b->nomem || b->len + need < b->size) {
        return;
    }

    size = b->size ? b->size : 1024;

    while (size <= b->len + need) {
        if (size > SIZE_MAX / 2) {
            b->nomem = 1;
            return;
        }

        size *= 2;
    }

    p = realloc(b->p, size);
    if (p == NULL) {
        b->nomem = 1;
        return;
    }

    b->p = p;
    b->size = size;
}


void
mlclf_jsonout_raw(mlclf_jsonout_t *b, const char *s, size_t n)
{
    mlclf_jsonout_grow(b, n);

    if (b->nomem) {
        return;
    }

    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}


void
mlclf_jsonout_put(mlclf_jsonout_t *b, const char *s)
{
    mlclf_jsonout_raw(b, s, strlen(s));
}


void
mlclf_jsonout_string(mlclf_jsonout_t *b, const char *s)
{
    char                  esc[8];
    const char           *run;
    const unsigned char  *p;

    mlclf_jsonout_put(b, "\"");

    /* runs of bytes that need no escape are copied at once */
    run = s;

    for (p = (const unsigned char *) s; *p; p++) {
        if (*p >= 0x20 && *p != '"' && *p != '\\') {
            continue;
        }

        mlclf_jsonout_raw(b, run, (const char *) p - run);
        run = (const char *) p + 1;

        switch (*p) {
        case '"':
            mlclf_jsonout_put(b, "\\\"");
            break;
        case '\\':
            mlclf_jsonout_put(b, "\\\\");
            break;
        case '\b':
            mlclf_jsonout_put(b, "\\b");
            break;
        case '\f':
            mlclf_jsonout_put(b, "\\f");
            break;
        case '\n':
            mlclf_jsonout_put(b, "\\n");
            break;
        case '\r':
            mlclf_jsonout_put(b, "\\r");
            break;
        case '\t':
            mlclf_jsonout_put(b, "\\t");
            break;
        default:
            (void) snprintf(esc, sizeof(esc), "\\u%04x", *p);
            mlclf_jsonout_put(b, esc);
        }
    }

    mlclf_jsonout_raw(b, run, (const char *) p - run);
    mlclf_jsonout_put(b, "\"");
}


void
mlclf_jsonout_number(mlclf_jsonout_t *b, double d)
{
    char    buf[32];
    size_t  n;

    if (!isfinite(d)) {
        mlclf_jsonout_put(b, "null");
        return;
    }

    if (d == 0.0) {
        d = 0.0;                        /* no "-0" */
    }

    n = mlclf_double_format(buf, d);
    mlclf_jsonout_raw(b, buf, n);
}


void
mlclf_jsonout_uint(mlclf_jsonout_t *b, uint64_t v)
{
    char  buf[24];
    int   n;

    n = snprintf(buf, sizeof(buf), "%" PRIu64, v);
    mlclf_jsonout_raw(b, buf, (size_t) n);
}


void
mlclf_jsonout_key(mlclf_jsonout_t *b, const char *k)
{
    if (b->len > 0 && b->p[b->len - 1] != '{' && b->p[b->len - 1] != '[') {
        mlclf_jsonout_put(b, ",");
    }

    mlclf_jsonout_string(b, k);
    mlclf_jsonout_put(b, ":");
}


void
mlclf_jsonout_tree(mlclf_jsonout_t *b, const cJSON *j)
{
    const cJSON  *it;

    if (j == NULL || cJSON_IsNull(j) || cJSON_IsInvalid(j)) {
        mlclf_jsonout_put(b, "null");

    } else if (cJSON_IsTrue(j)) {
        mlclf_jsonout_put(b, "true");

    } else if (cJSON_IsFalse(j)) {
        mlclf_jsonout_put(b, "false");

    } else if (cJSON_IsNumber(j)) {
        mlclf_jsonout_number(b, j->valuedouble);

    } else if (cJSON_IsString(j)) {
        mlclf_jsonout_string(b, j->valuestring);

    } else if (cJSON_IsRaw(j)) {
        mlclf_jsonout_put(b, j->valuestring);

    } else if (cJSON_IsArray(j)) {
        mlclf_jsonout_put(b, "[");

        cJSON_ArrayForEach(it, j) {
            if (it != j->child) {
                mlclf_jsonout_put(b, ",");
            }

            mlclf_jsonout_tree(b, it);
        }

        mlclf_jsonout_put(b, "]");

    } else {
        mlclf_jsonout_put(b, "{");

        cJSON_ArrayForEach(it, j) {
            mlclf_jsonout_key(b, it->string ? it->string : "");
            mlclf_jsonout_tree(b, it);
        }

        mlclf_jsonout_put(b, "}");
    }
}


void
mlclf_jsonout_free(mlclf_jsonout_t *b)
{
    free(b->p);
    memset(b, 0, sizeof(*b));
}


char *
mlclf_jsonout_text(const cJSON *j, size_t *len)
{
    mlclf_jsonout_t  b;

    memset(&b, 0, sizeof(b));

    mlclf_jsonout_tree(&b, j);

    if (b.nomem) {
        mlclf_jsonout_free(&b);
        return NULL;
    }

    if (len != NULL) {
        *len = b.len;
    }

    return b.p;
}


int
mlclf_jsonout_print(FILE *f, const cJSON *j)
{
    int      rc;
    char    *s;
    size_t   len;

    s = mlclf_jsonout_text(j, &len);
    if (s == NULL) {
        return -1;
    }

    rc = fwrite(s, 1, len, f) == len && fputc('\n', f) != EOF ? 0 : -1;
    free(s);

    return rc;
}
