
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * /predict bodies through the JSON tokenizer and the shared fixtures:
 * the bad-input catalogue (fixtures/bad-requests.txt, against the iris
 * forest and the raw-input model of model_spec.h), the valid corpus
 * with exact reply bytes (fixtures/requests/, also served by NGINX in
 * t/009-parity.t), string escapes byte by byte, and random edits of
 * valid bodies.  Request validation is in test_request.c, replies in
 * test_reply.c, number formatting in test_double.c.
 */


#include <ctype.h>
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "tap.h"
#include "mlclf.h"
#include "mlclf_file.h"
#include "request_helpers.h"
#include "v2_helpers.h"


#define BAD_REQUESTS   "tests/fixtures/bad-requests.txt"
#define REQUESTS_DIR   "tests/fixtures/requests"


/* a whole fixture with a NUL after it, or NULL */

static char *
read_file(const char *path, size_t *len)
{
    char  *buf;

    if (mlclf_file_read(path, SIZE_MAX, &buf, len, NULL) != MLCLF_OK) {
        return NULL;
    }

    return buf;
}


/* the valid row of the text model, for "@rows:N" in its section */
#define TEXT_ROW       "[1,\"a.com\",\"free money\",\"x\",\"win\"]"


static int
hex_digit(int c)
{
    return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}


/*
 * The body of a catalogue line's marker (bad-requests.txt's header) in
 * a malloc()ed *big, or *big NULL and body itself; *blen its length,
 * *json_len the JSON part's of "@binary:" (else SIZE_MAX).  body is
 * changed in place by "@bytes:" and "@binary:".  NULL if no such marker.
 */

static const char *
catalogue_body(char *body, int text, char **big, size_t *blen,
    size_t *json_len)
{
    char    *p, *q;
    size_t   n;

    *big = NULL;
    *json_len = SIZE_MAX;

    if (strncmp(body, "@tensor:", 8) == 0 && !text) {
        *big = v2_tensor_body(strtoul(body + 8, NULL, 10), blen);
        return *big;
    }

    if (strncmp(body, "@binary:", 8) == 0) {
        *json_len = strtoul(body + 8, &p, 10);

        if (*p != ':') {
            return NULL;
        }

        /* the rest as "@bytes:", escapes or not */
        body = p - 6;
        memcpy(body, "@bytes:", 7);

        if (strstr(body, "\\x") == NULL) {
            *blen = strlen(body + 7);
            return body + 7;
        }
    }

    if (strcmp(body, "@empty") == 0) {
        *blen = 0;
        return body;
    }

    if (strcmp(body, "@ws") == 0) {
        *blen = 5;
        return " \t\r\n ";
    }

    if (strncmp(body, "@rows:", 6) == 0) {
        *big = batch_body(strtoul(body + 6, NULL, 10),
                          text ? TEXT_ROW : ROW, blen);
        return *big;
    }

    if (strncmp(body, "@text:", 6) == 0 && text) {
        n = strtoul(body + 6, NULL, 10);
        *big = malloc(n + 64);
        p = *big + sprintf(*big, "{\"features\":[1,\"a.com\",\"");
        memset(p, 'a', n);
        p += n;
        p += sprintf(p, "\",\"x\",\"win\"]}");
        *blen = p - *big;
        return *big;
    }

    if (strncmp(body, "@bytes:", 7) == 0) {
        n = 0;

        for (p = body + 7, q = body; *p != '\0'; q++) {
            if (p[0] == '\\' && p[1] == 'x' && isxdigit((unsigned char) p[2])
                && isxdigit((unsigned char) p[3]))
            {
                *q = (char) (hex_digit(p[2]) * 16 + hex_digit(p[3]));
                p += 4;
                n++;

            } else {
                *q = *p++;
            }
        }

        /* without a byte it says nothing the line could not say */
        *blen = q - body;
        return n ? body : NULL;
    }

    if (body[0] == '@') {
        return NULL;
    }

    *blen = strlen(body);
    return body;
}


/*
 * One catalogue case through /predict's parser, or with v2 the V2
 * parser (json_len bytes of JSON): refused with status and reason, and
 * a message.
 */

static int
catalogue_parse(const mlclf_model_t *m, int v2, const char *b, size_t blen,
    size_t json_len, const char *shown, int status, const char *reason)
{
    int                  rc;
    mlclf_err_t          err;
    mlclf_request_t      req, *r;
    mlclf_v2_request_t   v2req;

    if (v2) {
        rc = v2_parse(&v2req, m, b, blen, json_len, &err);
        r = &v2req.req;

    } else {
        rc = parse(&req, m, b, blen, NULL, &err);
        r = &req;
    }

    is_int(rc, MLCLF_EREQUEST, "%s: rejected", shown);
    is_int(r->status, status, "%s: status %d", shown, status);
    is_str(mlclf_reason_name(r->reason), reason, "%s: reason %s", shown,
           reason);
    ok(err.code == MLCLF_EREQUEST && err.msg[0] != '\0',
       "%s: message \"%s\"", shown, show(err.msg, strlen(err.msg)));

    if (v2) {
        mlclf_v2_request_free(&v2req);

    } else {
        mlclf_request_free(&req);
    }

    return rc;
}


/*
 * Every line of the catalogue, each parsed against the model of its
 * section: iris until "@model text", the text model after it.
 */

static void
test_catalogue(const mlclf_model_t *iris, const mlclf_model_t *text)
{
    int                   status, n, v2, counts[32];
    char                 *all, *line, *next, *reason, *body, *big;
    char                  shown[256];
    size_t                len, blen, jl;
    const char           *b;
    const mlclf_model_t  *m;
    static const char *const  reasons[] = {
        "bad_json", "bad_shape", "unknown_feature", "missing_feature",
        "duplicate_feature", "missing_value", "not_a_number", "non_finite",
        "too_many_rows", "empty_batch", "empty_body", "too_deep",
        "not_a_string", "bad_text", "text_too_long", "unknown_category",
        "bad_tensor", "cannot_explain"
    };
    size_t                i;

    all = read_file(BAD_REQUESTS, &len);
    ok(all != NULL, "read %s", BAD_REQUESTS);

    if (all == NULL) {
        return;
    }

    memset(counts, 0, sizeof(counts));
    n = 0;
    v2 = 0;
    m = iris;

    for (line = all; line != NULL && *line != '\0'; line = next) {
        next = strchr(line, '\n');
        if (next != NULL) {
            *next++ = '\0';
        }

        if (line[0] == '#' || line[0] == '\0') {
            continue;
        }

        if (strncmp(line, "@model ", 7) == 0
            || strncmp(line, "@v2 ", 4) == 0)
        {
            v2 = line[1] == 'v';
            b = line + (v2 ? 4 : 7);
            m = strcmp(b, "iris") == 0 ? iris
                : strcmp(b, "text") == 0 ? text : NULL;
            ok(m != NULL, "catalogue: %s", line);

            if (m == NULL) {
                break;
            }

            continue;
        }

        status = atoi(line);
        reason = strchr(line, ' ');
        body = reason ? strchr(reason + 1, ' ') : NULL;

        if (reason == NULL || body == NULL) {
            ok(0, "catalogue line \"%s\" has status, reason, body", line);
            continue;
        }

        *reason++ = '\0';
        *body++ = '\0';

        b = catalogue_body(body, m == text, &big, &blen, &jl);

        if (b == NULL) {
            ok(0, "catalogue: no marker %s here", body);
            continue;
        }

        n++;

        snprintf(shown, sizeof(shown), "%s%s%s", v2 ? "v2: " : "",
                 m == text ? "text: " : "", show(b, blen));

        (void) catalogue_parse(m, v2, b, blen, jl == SIZE_MAX ? blen : jl,
                               shown, status, reason);

        free(big);

        for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
            if (strcmp(reason, reasons[i]) == 0) {
                counts[i]++;
            }
        }
    }

    ok(n >= 60, "catalogue has %d cases", n);

    for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
        ok(counts[i] > 0, "catalogue covers %s (%d)", reasons[i], counts[i]);
    }

    free(all);
}


static int
cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}


static void
test_corpus(const mlclf_model_t *m)
{
    int               rc;
    DIR              *dir;
    char             *body, *want, *names[256], path[512], *buf;
    double           *scratch;
    size_t            blen, wlen, n, i, l, bound;
    mlclf_err_t       err;
    mlclf_reply_t     rep;
    struct dirent    *de;
    mlclf_request_t   req;

    dir = opendir(REQUESTS_DIR);
    ok(dir != NULL, "open %s", REQUESTS_DIR);

    if (dir == NULL) {
        return;
    }

    n = 0;

    while ((de = readdir(dir)) != NULL && n < 256) {
        l = strlen(de->d_name);

        if (l > 5 && strcmp(de->d_name + l - 5, ".json") == 0) {
            names[n++] = strndup(de->d_name, l - 5);
        }
    }

    closedir(dir);

    qsort(names, n, sizeof(char *), cmp_names);

    ok(n >= 15, "corpus has %zu requests", n);

    scratch = malloc(mlclf_reply_scratch(m) * sizeof(double));

    for (i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "%s/%s.json", REQUESTS_DIR, names[i]);
        body = read_file(path, &blen);

        snprintf(path, sizeof(path), "%s/%s.reply", REQUESTS_DIR, names[i]);
        want = read_file(path, &wlen);

        if (body == NULL || want == NULL) {
            ok(0, "%s: read .json and .reply", names[i]);
            free(body);
            free(want);
            continue;
        }

        if (wlen && want[wlen - 1] == '\n') {
            want[--wlen] = '\0';
        }

        rc = parse(&req, m, body, blen, NULL, &err);
        is_int(rc, MLCLF_OK, "%s: accepted (%s)", names[i],
               rc ? err.msg : "");

        if (rc == MLCLF_OK) {
            bound = reply_prepare(&rep, m, &req, scratch);
            buf = rep.buf;

            rc = mlclf_reply_write(&rep, m, &req, &err);
            is_int(rc, MLCLF_OK, "%s: reply written", names[i]);

            if (rc == MLCLF_OK) {
                ok(rep.len < bound, "%s: len %zu < bound %zu", names[i],
                   rep.len, bound);
                is_str(buf, want, "%s: reply bytes", names[i]);
                is_int(rep.len, wlen, "%s: reply length", names[i]);
            }

            free(buf);
        }

        mlclf_request_free(&req);

        free(body);
        free(want);
        free(names[i]);
    }

    free(scratch);
}


/*
 * Escapes, one byte and one code unit at a time: after a backslash only
 * the nine of RFC 8259; \u with four hex digits of either case; every
 * code unit but U+0000 and the surrogates names a (here unknown) member,
 * a surrogate only as a high + low pair.  Then \u0000: refused in a name
 * at any depth, not in a value; and decoded escapes still name features.
 */

static void
test_escapes(const mlclf_model_t *m)
{
    int               rc, c, bad;
    char              body[160];
    double            x[4];
    uint32_t          u;
    mlclf_err_t       err;
    mlclf_request_t   req;
    const char       *want;

#define ESC_HEAD  "{\"features\":{\"sepal_length\":1,\"sepal_width\":2," \
                  "\"petal_length\":3,\"petal_width\":4,\"x"

    bad = 0;

    for (c = 0; c < 256; c++) {
        snprintf(body, sizeof(body), ESC_HEAD "\\%c\":1}}", c);
        body[sizeof(ESC_HEAD)] = (char) c;

        rc = parse(&req, m, body, sizeof(ESC_HEAD) + 6, NULL, &err);
        want = (c != 0 && strchr("\"\\/bfnrt", c) != NULL)
               ? "unknown_feature" : "bad_json";

        if (rc != MLCLF_EREQUEST || strcmp(REQ_REASON, want) != 0) {
            if (bad++ < 5) {
                tap_diag("\\x%02x: %s, want %s", c, REQ_REASON, want);
            }
        }

        mlclf_request_free(&req);
    }

    is_int(bad, 0, "256 bytes after a backslash: only \" \\ / b f n r t");

    bad = 0;

    for (c = 0; c < 256; c++) {
        snprintf(body, sizeof(body), ESC_HEAD "\\u00%c1\":1}}", c);
        body[sizeof(ESC_HEAD) + 3] = (char) c;

        rc = parse(&req, m, body, sizeof(ESC_HEAD) + 10, NULL, &err);
        want = (c != 0 && strchr("0123456789abcdefABCDEF", c) != NULL)
               ? "unknown_feature" : "bad_json";

        if (rc != MLCLF_EREQUEST || strcmp(REQ_REASON, want) != 0) {
            if (bad++ < 5) {
                tap_diag("\\u00?1 with \\x%02x: %s, want %s", c, REQ_REASON,
                         want);
            }
        }

        mlclf_request_free(&req);
    }

    is_int(bad, 0, "256 bytes as a hex digit: only 0-9 a-f A-F");

    bad = 0;

    for (u = 0; u <= 0xffff; u++) {
        snprintf(body, sizeof(body), ESC_HEAD "\\u%04X\":1}}", (unsigned) u);

        rc = parse(&req, m, body, strlen(body), NULL, &err);
        want = (u == 0 || (u >= 0xd800 && u <= 0xdfff))
               ? "bad_json" : "unknown_feature";

        if (rc != MLCLF_EREQUEST || strcmp(REQ_REASON, want) != 0) {
            if (bad++ < 5) {
                tap_diag("\\u%04X: %s, want %s", (unsigned) u, REQ_REASON,
                         want);
            }
        }

        mlclf_request_free(&req);
    }

    is_int(bad, 0, "65536 \\u code units: all but 0000 and D800-DFFF");

    bad = 0;

    for (u = 0xd800; u <= 0xdbff; u += 0x3f) {
        snprintf(body, sizeof(body), ESC_HEAD "\\u%04x\\u%04x\":1}}",
                 (unsigned) u, (unsigned) (0xdc00 + (u & 0x3ff)));

        rc = parse(&req, m, body, strlen(body), NULL, &err);

        if (rc != MLCLF_EREQUEST || strcmp(REQ_REASON, "unknown_feature")) {
            if (bad++ < 5) {
                tap_diag("%s: %s", body, REQ_REASON);
            }
        }

        mlclf_request_free(&req);
    }

    is_int(bad, 0, "surrogate pairs name a member");

#undef ESC_HEAD

    check_message(m, "{\"features\\uZZZZ\":[1,2,3,4]}", NULL, "bad_json",
                  "invalid JSON: bad escape at byte 10");
    check_message(m, "{\"features\":[1,2,3,4],\"x\\ud800\\u0041\":1}", NULL,
                  "bad_json", "invalid JSON: bad escape at byte 24");
    check_message(m, "{\"features\":[1,2,3,4],\"x\\udc00\":1}", NULL,
                  "bad_json", "invalid JSON: bad escape at byte 24");
    check_message(m, "{\"features\":[\"\\u12\",2,3,4]}", NULL,
                  "bad_json", "invalid JSON: bad escape at byte 14");
    check_message(m, "{\"a\\ud800\\uDC0", NULL, "bad_json",
                  "invalid JSON: it ends early, at byte 14");
    check_message(m, "{\"a\\ud800", NULL, "bad_json",
                  "invalid JSON: it ends early, at byte 9");
    check_message(m, "{\"a\\", NULL, "bad_json",
                  "invalid JSON: it ends early, at byte 4");
    check_message(m, "{\"features\":{\"sepal_length\\u0000junk\":1,"
                  "\"sepal_width\":1,\"petal_length\":1,\"petal_width\":1}}",
                  NULL, "bad_json",
                  "\\u0000 in a member name, at byte 26");
    check_message(m, "{\"features\":[1,2,3,4],\"x\":{\"y\\u0000\" \n:1}}",
                  NULL, "bad_json", "\\u0000 in a member name, at byte 29");
    check_message(m, "{\"features\":[\"\\u0000\",2,3,4]}", NULL,
                  "not_a_number", "feature 0 is not a number");

    /* escapes that decode to a feature's name are that feature */

    rc = parse(&req, m, LIT("{\"feature\\u0073\":{\"\\u0073epal_length\":1,"
                            "\"sepal\\u005Fwidth\":2,\"petal_length\\/\":3,"
                            "\"petal_width\":4}}"), NULL, &err);
    ok(rc == MLCLF_EREQUEST && strcmp(REQ_REASON, "unknown_feature") == 0,
       "\\/ is a slash: \"petal_length/\" is unknown");
    mlclf_request_free(&req);

    rc = parse(&req, m, LIT("{\"feature\\u0073\":{\"\\u0073epal_length\":1,"
                            "\"sepal\\u005Fwidth\":2,\"petal_lengt\\u0068\":3,"
                            "\"petal_width\":4}}"), NULL, &err);
    is_int(rc, MLCLF_OK, "escaped member and feature names accepted (%s)",
           rc ? err.msg : "");

    if (rc == MLCLF_OK) {
        mlclf_request_row(&req, m, 0, x);
        ok(x[0] == 1 && x[1] == 2 && x[2] == 3 && x[3] == 4,
           "escaped names: values in place");
    }

    mlclf_request_free(&req);
}


/*
 * Random edits of valid bodies: every result is either accepted, with a
 * reply that is valid JSON within its bound, or rejected with a known
 * status, a reason and a message.  ASan watches the reads.
 */

static void
test_mutations(const mlclf_model_t *m)
{
    int               rc, i, k, edits, bad, accepted;
    char             *body, *buf;
    cJSON            *json;
    double           *scratch;
    size_t            len, bound, pos;
    uint64_t          r;
    mlclf_err_t       err;
    mlclf_reply_t     rep;
    mlclf_request_t   req;
    static const char  alphabet[] = "{}[]\",:-+.eE0123456789 \\tfnul\x01\xc3";
    static const char *const  seeds[] = {
        "{\"features\": [5.1, 3.5, 1.4, 0.2]}",
        "{\"features\":{\"sepal_length\":5.1,\"sepal_width\":3.5,"
        "\"petal_length\":1.4,\"petal_width\":0.2},\"probabilities\":true}",
        "{\"instances\":[[5.1,3.5,1.4,0.2],{\"petal_length\":4.5,"
        "\"petal_width\":1.5,\"sepal_length\":6.0,\"sepal_width\":2.9},"
        "[6.5,3.0,5.5,2.0]],\"probabilities\":false}",
        "{\"instances\":[[1e-3,-0,2E+1,0.5e1]],\"probabilities\":true}",
    };

    scratch = malloc(mlclf_reply_scratch(m) * sizeof(double));
    body = malloc(512);

    bad = 0;
    accepted = 0;

    for (i = 0; i < 30000; i++) {
        r = xorshift();
        len = strlen(seeds[r % 4]);
        memcpy(body, seeds[r % 4], len);

        edits = 1 + (int) ((r >> 8) % 3);

        for (k = 0; k < edits; k++) {
            if (len == 0) {
                break;
            }

            r = xorshift();
            pos = (size_t) ((r >> 16) % len);

            switch (r % 4) {
            case 0:
                body[pos] = alphabet[(r >> 40) % (sizeof(alphabet) - 1)];
                break;
            case 1:
                memmove(body + pos, body + pos + 1, len - pos - 1);
                len--;
                break;
            case 2:
                if (len < 500) {
                    memmove(body + pos + 1, body + pos, len - pos);
                    body[pos] = alphabet[(r >> 40) % (sizeof(alphabet) - 1)];
                    len++;
                }
                break;
            default:
                len = pos;
            }
        }

        rc = parse(&req, m, body, len, NULL, &err);

        if (rc == MLCLF_EREQUEST) {
            if (req.reason == MLCLF_REASON_NONE || err.msg[0] == '\0'
                || (req.status != 400 && req.status != 413))
            {
                if (bad++ < 5) {
                    tap_diag("%s: no reason or status", show(body, len));
                }
            }

            mlclf_request_free(&req);
            continue;
        }

        if (rc != MLCLF_OK) {
            if (bad++ < 5) {
                tap_diag("%s: rc %d", show(body, len), rc);
            }

            mlclf_request_free(&req);
            continue;
        }

        accepted++;

        bound = reply_prepare(&rep, m, &req, scratch);
        buf = rep.buf;

        rc = mlclf_reply_write(&rep, m, &req, &err);
        json = (rc == MLCLF_OK) ? cJSON_Parse(buf) : NULL;

        if (json == NULL || rep.len >= bound) {
            if (bad++ < 5) {
                tap_diag("%s: reply %s", show(body, len),
                         rc == MLCLF_OK ? buf : err.msg);
            }
        }

        cJSON_Delete(json);
        free(buf);
        mlclf_request_free(&req);
    }

    is_int(bad, 0, "30000 edited bodies: %d accepted, the rest rejected "
           "with a reason", accepted);

    free(body);
    free(scratch);
}


/* the file --write-model makes serves the corpus replies too */

static void
test_model_file(void)
{
    int               rc;
    char              path[64], out[512];
    double            scratch[7];
    mlclf_err_t       err;
    mlclf_spec_t      spec;
    mlclf_reply_t     rep;
    mlclf_model_t    *m;
    mlclf_request_t   req;
    const char       *body;

    snprintf(path, sizeof(path), "/tmp/test_json.%d.mlclf", (int) getpid());

    forest_spec(&spec, iris_classes, NULL);

    rc = mlclf_write(path, &spec, &err);
    is_int(rc, MLCLF_OK, "corpus model written to a file");

    m = NULL;
    rc = mlclf_model_open(&m, path, 0, &err);
    is_int(rc, MLCLF_OK, "corpus model file opens");

    unlink(path);

    if (rc != MLCLF_OK) {
        return;
    }

    body = "{\"features\":[6.5,3.0,5.5,2.0],\"probabilities\":true}";
    rc = parse(&req, m, body, strlen(body), NULL, &err);

    memset(&rep, 0, sizeof(rep));
    rep.buf = out;
    rep.size = sizeof(out);
    rep.scratch = scratch;
    rep.version = "v3";

    rc = mlclf_reply_write(&rep, m, &req, &err);
    is_str(out, "{\"prediction\":\"virginica\",\"confidence\":0.75,"
           "\"probabilities\":{\"setosa\":0,\"versicolor\":0.25,"
           "\"virginica\":0.75},\"model_version\":\"v3\"}",
           "reply from the model file");

    mlclf_request_free(&req);
    mlclf_model_close(&m);
}


/*
 * "test_json --write-model PATH" writes the corpus model (see
 * fixtures/requests/README) so that the Test::Nginx suite can serve it
 * and compare its replies with the .reply files.
 */

int
main(int argc, char **argv)
{
    void           *buf, *tbuf;
    mlclf_err_t     err;
    mlclf_spec_t    spec;
    mlclf_model_t  *m, *text;

    if (argc == 3 && strcmp(argv[1], "--write-model") == 0) {
        forest_spec(&spec, iris_classes, NULL);

        if (mlclf_write(argv[2], &spec, &err) != MLCLF_OK) {
            fprintf(stderr, "test_json: %s\n", err.msg);
            return 1;
        }

        return 0;
    }

    m = forest_model(iris_classes, NULL, &buf);
    ok(m != NULL, "iris forest model");

    model_spec_inputs(&spec, MLCLF_KIND_LOGREG);
    text = model_spec_load(&spec, &tbuf);

    if (m != NULL) {
        test_catalogue(m, text);
        test_corpus(m);
        test_escapes(m);
        test_mutations(m);
    }

    test_model_file();

    mlclf_model_close(&m);
    mlclf_model_close(&text);
    free(buf);
    free(tbuf);

    return tap_done();
}
