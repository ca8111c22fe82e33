
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Checking the CLIs' JSON style (json_style.h).
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include <mlclf.h>
#include "json_style.h"


static int json_style_number(const char *p, size_t n, size_t at, char *why,
    size_t size);


/* The number token p[n] at byte at: the shortest round-trip form? */
static int
json_style_number(const char *p, size_t n, size_t at, char *why,
    size_t size)
{
    char    tok[64], want[32];
    size_t  i;
    double  d;

    if (n >= sizeof(tok)) {
        (void) snprintf(why, size, "byte %zu: a number of %zu bytes", at, n);
        return 0;
    }

    memcpy(tok, p, n);
    tok[n] = '\0';

    d = strtod(tok, NULL);
    (void) mlclf_double_format(want, d);

    if (strcmp(tok, want) == 0) {
        return 1;
    }

    /* a count printed exactly (%PRIu64), beyond a double's integers */
    for (i = 0; i < n && tok[i] >= '0' && tok[i] <= '9'; i++) {
        /* void */
    }

    if (i == n && n >= 16) {
        return 1;
    }

    (void) snprintf(why, size, "byte %zu: number %s, the shortest form is "
                    "%s", at, tok, want);

    return 0;
}


int
json_style_ok(const char *text, char *why, size_t size)
{
    int          in_str;
    size_t       i, n, len;
    cJSON       *j;
    const char  *end;

    if (text == NULL) {
        (void) snprintf(why, size, "no output");
        return 0;
    }

    len = strlen(text);

    if (len < 2 || text[len - 1] != '\n') {
        (void) snprintf(why, size, "does not end in a newline");
        return 0;
    }

    len--;

    j = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    cJSON_Delete(j);

    if (j == NULL || end != text + len) {
        (void) snprintf(why, size, "not one JSON value (byte %zu)",
                        (size_t) (end ? end - text : 0));
        return 0;
    }

    in_str = 0;

    for (i = 0; i < len; i++) {
        if (in_str) {
            if (text[i] == '\\') {
                i++;

            } else if (text[i] == '"') {
                in_str = 0;
            }

            continue;
        }

        if (text[i] == '"') {
            in_str = 1;

        } else if (strchr(" \t\r\n", text[i]) != NULL) {
            (void) snprintf(why, size, "byte %zu: white space", i);
            return 0;

        } else if (text[i] == '-' || (text[i] >= '0' && text[i] <= '9')) {
            n = strspn(text + i, "+-0123456789.eE");

            if (!json_style_number(text + i, n, i, why, size)) {
                return 0;
            }

            i += n - 1;
        }
    }

    return 1;
}
