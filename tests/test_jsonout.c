
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The CLIs' one JSON writer (common/mlclf_jsonout.h): numbers in the
 * shortest round-trip form, strings escaped, cJSON trees compact, and
 * the style checker of the CLI tests (json_style.h) on both sides of
 * the line.
 */


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include <mlclf.h>
#include <mlclf_jsonout.h>
#include "json_style.h"
#include "tap.h"


/* One number through mlclf_jsonout_number(). */
static void
t_number(double d, const char *want)
{
    mlclf_jsonout_t  b;

    memset(&b, 0, sizeof(b));
    mlclf_jsonout_number(&b, d);
    is_str(b.p, want, "number %.17g", d);
    mlclf_jsonout_free(&b);
}


static void
t_numbers(void)
{
    mlclf_jsonout_t  b;

    t_number(0.2, "0.2");
    t_number(0.1 + 0.2, "0.30000000000000004");
    t_number(1.0 / 3, "0.3333333333333333");
    t_number(150, "150");
    t_number(-2.5, "-2.5");
    t_number(-0.0, "0");
    t_number(1e-8, "1e-8");
    t_number(1e21, "1e+21");
    t_number(NAN, "null");
    t_number(INFINITY, "null");
    t_number(-INFINITY, "null");

    memset(&b, 0, sizeof(b));
    mlclf_jsonout_uint(&b, UINT64_MAX);
    is_str(b.p, "18446744073709551615", "uint64 exactly");
    mlclf_jsonout_free(&b);
}


static void
t_strings(void)
{
    mlclf_jsonout_t  b;

    memset(&b, 0, sizeof(b));
    mlclf_jsonout_string(&b, "a\"b\\c\n\t\r\b\f\x01\x1f/\xc3\xa9");
    is_str(b.p, "\"a\\\"b\\\\c\\n\\t\\r\\b\\f\\u0001\\u001f/\xc3\xa9\"",
           "escapes: quote, backslash, control bytes; UTF-8 kept");
    mlclf_jsonout_free(&b);

    memset(&b, 0, sizeof(b));
    mlclf_jsonout_put(&b, "{");
    mlclf_jsonout_key(&b, "a");
    mlclf_jsonout_number(&b, 1);
    mlclf_jsonout_key(&b, "b");
    mlclf_jsonout_put(&b, "[");
    mlclf_jsonout_number(&b, 0.5);
    mlclf_jsonout_put(&b, "]}");
    is_str(b.p, "{\"a\":1,\"b\":[0.5]}", "key() puts commas between "
           "members only");
    is_int(b.nomem, 0, "no allocation failure");
    mlclf_jsonout_free(&b);
}


/* s (cJSON's, freed here) and a newline: not in the style. */
static void
t_other(char *s, const char *what)
{
    char  why[256], *line;

    why[0] = '\0';
    line = malloc(s ? strlen(s) + 2 : 1);

    if (s != NULL && line != NULL) {
        strcpy(line, s);
        strcat(line, "\n");
    }

    ok(line && s && !json_style_ok(line, why, sizeof(why)),
       "%s: not the style (%s)", what, why);

    free(line);
    cJSON_free(s);
}


static void
t_tree(void)
{
    int     rc;
    char   *s, why[256];
    cJSON  *j, *a;
    FILE   *f;
    size_t  len;

    j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "name", "iris");
    cJSON_AddNumberToObject(j, "accuracy", 0.2);
    cJSON_AddNumberToObject(j, "third", 1.0 / 3);
    cJSON_AddNullToObject(j, "none");
    cJSON_AddBoolToObject(j, "t", 1);
    cJSON_AddBoolToObject(j, "f", 0);
    a = cJSON_AddArrayToObject(j, "list");
    cJSON_AddItemToArray(a, cJSON_CreateNumber(1));
    cJSON_AddItemToArray(a, cJSON_CreateString("x"));
    cJSON_AddItemToArray(a, cJSON_CreateObject());
    cJSON_AddItemToArray(a, cJSON_CreateArray());

    s = mlclf_jsonout_text(j, &len);
    is_str(s, "{\"name\":\"iris\",\"accuracy\":0.2,"
           "\"third\":0.3333333333333333,\"none\":null,\"t\":true,"
           "\"f\":false,\"list\":[1,\"x\",{},[]]}", "a tree, compact");
    is_int(len, s ? strlen(s) : 0, "its length");
    free(s);

    f = tmpfile();
    ok(f != NULL, "a temporary file");

    if (f != NULL) {
        rc = mlclf_jsonout_print(f, j);
        is_int(rc, 0, "print");
        rewind(f);
        s = calloc(1, 4096);
        len = s ? fread(s, 1, 4095, f) : 0;
        ok(len > 0 && s[len - 1] == '\n', "print ends in a newline");
        ok(json_style_ok(s, why, sizeof(why)), "in the style: %s",
           json_style_ok(s, why, sizeof(why)) ? "yes" : why);
        free(s);
        fclose(f);
    }

    s = cJSON_Print(j);
    t_other(s, "cJSON_Print()'s tabs and newlines");
    s = cJSON_PrintUnformatted(cJSON_GetObjectItem(j, "third"));
    t_other(s, "cJSON_PrintUnformatted()'s 17 digits for 1/3");

    cJSON_Delete(j);

    ok(!json_style_ok("{\"a\":0.20000000000000001}\n", why, sizeof(why)),
       "%%.17g is not the style: %s", why);
    ok(!json_style_ok("{\"a\":1}", why, sizeof(why)),
       "nor no final newline: %s", why);
    ok(!json_style_ok("{\"a\":1}\n\n", why, sizeof(why)),
       "nor two values or lines: %s", why);
    ok(json_style_ok("{\"a b\":\"c, d\",\"n\":18446744073709551615}\n",
                     why, sizeof(why)),
       "spaces in strings and an exact uint64 are");
}


int
main(void)
{
    t_numbers();
    t_strings();
    t_tree();

    return tap_done();
}
