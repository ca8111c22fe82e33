
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The request tree builder (mlclf_json_tree.c: the cJSON tree made from
 * the strict pass's tokens) against cJSON_Parse(): on the request
 * corpora (the valid requests of fixtures/requests/, the fuzz seeds of
 * /predict and V2, good and bad, the V2 ones after their two-byte
 * length), on bodies written here for every
 * escape, number form and nesting, and on random edits of them, every
 * tree it builds is cJSON's, field by field (fuzz/json_tree_check.h).
 * The bodies it must build, and those it must leave to cJSON, are
 * checked by name.
 */


#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "files.h"
#include "fuzz/json_tree_check.h"


/* bodies the builder must build: every token and nesting */
static const char  *built[] = {
    "{}",
    "[]",
    " \t\r\n{ } \n",
    "{\"features\": {\"a\": 1, \"b\": \"x\", \"c\": null, \"d\": true,"
        " \"e\": false}}",
    "{\"instances\": [[1, 2.5, -3e2], [0, -0, 1E-2], []]}",
    "[1, [2, [3, [4, {}]]], {\"k\": []}]",
    "\"a lone string\"",
    "-0",
    "1e999",
    "-1e999",
    "2147483647",
    "2147483648",
    "-2147483648",
    "-2147483649",
    "0.1000000000000000055511151231257827",
    "123456789012345678901234567890123456789",
    "true",
    "false",
    "null",
    "{\"\": \"\"}",
    "{\"esc\": \"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"}",
    "{\"u\": \"\\u0041\\u00e9\\u20ac\\ud83d\\ude00\\uFFFF\"}",
    "{\"nul\": \"a\\u0000b\", \"a\\u0000b\": 1}",
    "{\"\\u0066eatures\": {\"s\\u00e9\": \"caf\\u00e9 \\n\"}}",
    "{\"raw\": \"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \x7f\"}",
    "{\"dup\": 1, \"dup\": 2}",
};

/* bodies it must leave to cJSON_Parse() (cJSON decides those) */
static const char  *left[] = {
    "",
    "   ",
    "{",
    "}",
    "[1, 2",
    "[1 2]",
    "[1,]",
    "{\"a\" 1}",
    "{\"a\": 1,}",
    "{1: 2}",
    "{\"a\": 1]",
    "[1}",
    "1 2",
    "{} {}",
    "tru",
    "nul",
    "truex",
    "\xef\xbb\xbf{}",
    "1234567890123456789012345678901234567890.5",
    "0.1000000000000000055511151231257827021181583404541015625e0",
    "[01]",
    "\"\\x\"",
    "\"\\ud800\"",
    "\"\xff\"",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
};


static unsigned    n_built;
static unsigned    n_left;
static unsigned    n_bodies;
static unsigned    n_differ;
static uint64_t    rng = 0x9e3779b97f4a7c15ull;


/* the body's two trees: 1 if the builder built one, 0 if it left it */
static int
compare(const char *body, size_t len, const char *name)
{
    char   *copy;
    cJSON  *ours, *theirs;
    int     same;

    /* exactly len bytes: a read past the body is caught */
    copy = malloc(len ? len : 1);
    memcpy(copy, body, len);

    n_bodies++;
    ours = json_tree_build(copy, len);

    if (ours == NULL) {
        free(copy);
        n_left++;
        return 0;
    }

    n_built++;
    theirs = json_tree_cjson(copy, len);
    same = (theirs != NULL && json_tree_same(ours, theirs));

    if (!same) {
        n_differ++;
        tap_diag("%s: the built tree is not cJSON's (%s)", name,
                 theirs ? "they differ" : "cJSON refuses the body");
    }

    cJSON_Delete(ours);
    cJSON_Delete(theirs);
    free(copy);

    return 1;
}


static uint32_t
next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;

    return (uint32_t) (rng >> 32);
}


/* edits of body: a byte changed, dropped, doubled, or a token put in */
static void
mutate(const char *body, size_t len, const char *name)
{
    char         *buf;
    size_t        i, k, at, n, tl;
    const char   *tok;
    static const char  *toks[] = {
        "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud83d",
        "0", "-", "1e5", "null", "true", "\"x\"", " ", "\xc3\xa9"
    };

    buf = malloc(len + 16);

    for (k = 0; k < 64; k++) {
        at = len ? next_random() % len : 0;
        n = 0;

        switch (next_random() % 4) {
        case 0:
            memcpy(buf, body, len);
            if (len) {
                buf[at] = (char) (next_random() & 0xff);
            }
            n = len;
            break;

        case 1:
            memcpy(buf, body, at);
            i = len ? at + 1 : 0;
            memcpy(buf + at, body + i, len - i);
            n = len - (i - at);
            break;

        case 2:
            memcpy(buf, body, at);
            buf[at] = body[at];
            memcpy(buf + at + 1, body + at, len - at);
            n = len + (len ? 1 : 0);
            break;

        default:
            tok = toks[next_random() % (sizeof(toks) / sizeof(toks[0]))];
            tl = strlen(tok);
            memcpy(buf, body, at);
            memcpy(buf + at, tok, tl);
            memcpy(buf + at + tl, body + at, len - at);
            n = len + tl;
            break;
        }

        (void) compare(buf, n, name);
    }

    free(buf);
}


/*
 * every file of dir (with the suffix, or any) as a body, after its
 * first skip bytes, and its edits
 */
static void
corpus(const char *dir, const char *suffix, size_t skip)
{
    DIR            *d;
    char            path[1024], *body;
    size_t          len, sl, nl;
    unsigned        files;
    struct dirent  *e;

    d = opendir(dir);
    ok(d != NULL, "%s can be read", dir);
    if (d == NULL) {
        return;
    }

    files = 0;
    sl = suffix ? strlen(suffix) : 0;

    while ((e = readdir(d)) != NULL) {
        nl = strlen(e->d_name);

        if (e->d_name[0] == '.'
            || (suffix && (nl < sl
                           || strcmp(e->d_name + nl - sl, suffix) != 0)))
        {
            continue;
        }

        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);

        body = files_read(path, &len);
        if (body == NULL || len < skip) {
            free(body);
            continue;
        }

        (void) compare(body + skip, len - skip, path);
        mutate(body + skip, len - skip, path);
        free(body);
        files++;
    }

    closedir(d);

    ok(files > 0, "%s: %u bodies and their edits", dir, files);
}


int
main(void)
{
    size_t    i;
    unsigned  differ;

    for (i = 0; i < sizeof(built) / sizeof(built[0]); i++) {
        differ = n_differ;
        ok(compare(built[i], strlen(built[i]), built[i]) == 1
           && n_differ == differ, "built, as cJSON's: %.60s", built[i]);
        mutate(built[i], strlen(built[i]), built[i]);
    }

    for (i = 0; i < sizeof(left) / sizeof(left[0]); i++) {
        ok(compare(left[i], strlen(left[i]), left[i]) == 0,
           "left to cJSON: %.60s", left[i]);
    }

    corpus("tests/fixtures/requests", ".json", 0);
    corpus("tests/fuzz/corpus/request", NULL, 0);
    corpus("tests/fuzz/corpus/v2", NULL, 2);     /* its length first */

    ok(n_differ == 0, "every tree built is cJSON's: %u of %u differ",
       n_differ, n_built);

    /* the corpora's valid bodies are built, not all left to cJSON */
    ok(n_built > 1000 && n_left > 1000,
       "of %u bodies, %u built and %u left to cJSON", n_bodies, n_built,
       n_left);

    return tap_done();
}
