
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Text features in the tests (text_ref.h).
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mlclf.h>
#include <mlclf_text.h>
#include <mlclf_text_vocab.h>
#include <mlclf_train_text.h>
#include "text_ref.h"


static int text_spec_word(text_spec_t *s, const char *k, const char *v,
    mlclf_err_t *err);
static int text_spec_bound(mlclf_train_freq_t *b, const char *v);
static int text_spec_flag(text_spec_t *s, const char *v, uint32_t flag);
static int text_spec_norm(uint32_t *norm, const char *v);
static int text_model_hashing(text_model_t *m, const text_docs_t *d,
    mlclf_err_t *err);
static int text_model_vocabulary(text_model_t *m, const text_docs_t *d,
    mlclf_err_t *err);
static char *text_read_stdin(size_t *len);
static void text_print(text_model_t *m, const text_docs_t *d);


int
text_docs_split(text_docs_t *d, char *data, size_t len)
{
    size_t  i, n, s;

    memset(d, 0, sizeof(*d));
    d->data = data;

    n = 0;
    for (i = 0; i < len; i++) {
        n += (data[i] == '\0');
    }

    n += (len > 0 && data[len - 1] != '\0');

    d->doc = malloc((n ? n : 1) * sizeof(char *));
    d->len = malloc((n ? n : 1) * sizeof(size_t));

    if (d->doc == NULL || d->len == NULL) {
        return -1;
    }

    s = 0;
    for (i = 0; i <= len && d->n < n; i++) {
        if (i == len || data[i] == '\0') {
            d->doc[d->n] = data + s;
            d->len[d->n] = i - s;
            d->n++;
            s = i + 1;
        }
    }

    return 0;
}


void
text_docs_free(text_docs_t *d)
{
    free(d->data);
    free(d->doc);
    free(d->len);
    memset(d, 0, sizeof(*d));
}


int
text_spec_parse(text_spec_t *s, const char *line, mlclf_err_t *err)
{
    char    buf[4096], *w, *v, *save;
    size_t  n;

    memset(s, 0, sizeof(*s));

    s->p.vectorizer = MLCLF_TEXT_HASHING;
    s->p.n_features = 1u << 20;
    s->p.ngram_min = 1;
    s->p.ngram_max = 1;
    s->p.flags = MLCLF_TEXT_LOWERCASE | MLCLF_TEXT_ALTERNATE_SIGN;
    s->p.hash_norm = MLCLF_TEXT_NORM_L2;
    s->p.norm = MLCLF_TEXT_NORM_L2;
    s->use_idf = 1;

    n = strlen(line);
    if (n >= sizeof(buf)) {
        return mlclf_err_set(err, MLCLF_EINVAL, "setting too long");
    }

    memcpy(buf, line, n + 1);

    w = strtok_r(buf, " \t\n", &save);
    if (w == NULL || strchr(w, '=') != NULL || strlen(w) >= sizeof(s->name)) {
        return mlclf_err_set(err, MLCLF_EINVAL, "setting: no name first");
    }

    strcpy(s->name, w);

    while ((w = strtok_r(NULL, " \t\n", &save)) != NULL) {
        v = strchr(w, '=');
        if (v == NULL) {
            return mlclf_err_set(err, MLCLF_EINVAL, "%s: \"%s\" is no "
                                 "key=value", s->name, w);
        }

        *v++ = '\0';

        if (text_spec_word(s, w, v, err) != 0) {
            return -1;
        }
    }

    if (s->p.vectorizer == MLCLF_TEXT_VOCABULARY) {
        s->p.flags &= ~MLCLF_TEXT_ALTERNATE_SIGN;
        s->p.hash_norm = MLCLF_TEXT_NORM_NONE;
        s->p.n_features = 1;
    }

    return 0;
}


static int
text_spec_word(text_spec_t *s, const char *k, const char *v,
    mlclf_err_t *err)
{
    int            rc;
    char          *end;
    unsigned long  a, b;

    rc = 0;

    if (strcmp(k, "vectorizer") == 0) {
        if (strcmp(v, "hashing") == 0) {
            s->p.vectorizer = MLCLF_TEXT_HASHING;

        } else if (strcmp(v, "vocabulary") == 0) {
            s->p.vectorizer = MLCLF_TEXT_VOCABULARY;

        } else {
            rc = -1;
        }

    } else if (strcmp(k, "n_features") == 0) {
        s->p.n_features = (uint32_t) strtoul(v, &end, 10);
        rc = (*end == '\0') ? 0 : -1;

    } else if (strcmp(k, "ngram") == 0) {
        a = strtoul(v, &end, 10);
        b = (*end == ',') ? strtoul(end + 1, &end, 10) : 0;
        s->p.ngram_min = (uint32_t) a;
        s->p.ngram_max = (uint32_t) b;
        rc = (*end == '\0') ? 0 : -1;

    } else if (strcmp(k, "max_features") == 0) {
        s->lim.max_features = (uint32_t) strtoul(v, &end, 10);
        rc = (*end == '\0') ? 0 : -1;

    } else if (strcmp(k, "lowercase") == 0) {
        rc = text_spec_flag(s, v, MLCLF_TEXT_LOWERCASE);

    } else if (strcmp(k, "alternate_sign") == 0) {
        rc = text_spec_flag(s, v, MLCLF_TEXT_ALTERNATE_SIGN);

    } else if (strcmp(k, "binary") == 0) {
        rc = text_spec_flag(s, v, MLCLF_TEXT_BINARY);

    } else if (strcmp(k, "sublinear_tf") == 0) {
        rc = text_spec_flag(s, v, MLCLF_TEXT_SUBLINEAR_TF);

    } else if (strcmp(k, "use_idf") == 0) {
        s->use_idf = (strcmp(v, "1") == 0);
        rc = (s->use_idf || strcmp(v, "0") == 0) ? 0 : -1;

    } else if (strcmp(k, "hash_norm") == 0) {
        rc = text_spec_norm(&s->p.hash_norm, v);

    } else if (strcmp(k, "norm") == 0) {
        rc = text_spec_norm(&s->p.norm, v);

    } else if (strcmp(k, "min_df") == 0) {
        rc = text_spec_bound(&s->lim.min_df, v);

    } else if (strcmp(k, "max_df") == 0) {
        rc = text_spec_bound(&s->lim.max_df, v);

    } else {
        return mlclf_err_set(err, MLCLF_EINVAL, "%s: unknown key \"%s\"",
                             s->name, k);
    }

    if (rc != 0) {
        return mlclf_err_set(err, MLCLF_EINVAL, "%s: bad %s \"%s\"", s->name,
                             k, v);
    }

    return 0;
}


/* with a "." a share (Python's float), else documents (int) */
static int
text_spec_bound(mlclf_train_freq_t *b, const char *v)
{
    char  *end;

    if (strchr(v, '.') != NULL) {
        b->kind = MLCLF_TRAIN_FREQ_SHARE;
        b->share = strtod(v, &end);

    } else {
        b->kind = MLCLF_TRAIN_FREQ_COUNT;
        b->count = strtoull(v, &end, 10);
    }

    return (*end == '\0' && end != v) ? 0 : -1;
}


static int
text_spec_flag(text_spec_t *s, const char *v, uint32_t flag)
{
    if (strcmp(v, "1") == 0) {
        s->p.flags |= flag;
        return 0;
    }

    if (strcmp(v, "0") == 0) {
        s->p.flags &= ~flag;
        return 0;
    }

    return -1;
}


static int
text_spec_norm(uint32_t *norm, const char *v)
{
    if (strcmp(v, "none") == 0) {
        *norm = MLCLF_TEXT_NORM_NONE;

    } else if (strcmp(v, "l1") == 0) {
        *norm = MLCLF_TEXT_NORM_L1;

    } else if (strcmp(v, "l2") == 0) {
        *norm = MLCLF_TEXT_NORM_L2;

    } else {
        return -1;
    }

    return 0;
}


int
text_model_fit(text_model_t *m, const text_spec_t *s, const text_docs_t *d,
    mlclf_err_t *err)
{
    int  rc;

    memset(m, 0, sizeof(*m));
    m->spec = *s;
    m->p = s->p;

    if (s->p.vectorizer == MLCLF_TEXT_HASHING) {
        rc = text_model_hashing(m, d, err);

    } else {
        rc = text_model_vocabulary(m, d, err);
    }

    if (rc != MLCLF_OK) {
        return rc;
    }

    m->p.idf = m->idf;

    return mlclf_text_params_check(&m->p, err);
}


/* TfidfTransformer.fit on HashingVectorizer's output */
static int
text_model_hashing(text_model_t *m, const text_docs_t *d, mlclf_err_t *err)
{
    int     rc;
    size_t  i, n;

    if (!m->spec.use_idf) {
        return MLCLF_OK;
    }

    if (mlclf_train_text_df_init(&m->df, m->p.n_features) != MLCLF_OK) {
        return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
    }

    for (i = 0; i < d->n; i++) {
        rc = mlclf_train_text_count(&m->buf, &m->p, d->doc[i], d->len[i],
                                    &n, err);
        if (rc != MLCLF_OK) {
            return rc;
        }

        rc = mlclf_train_text_df_add(&m->df, m->buf.terms, n, err);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    m->idf = malloc(m->p.n_features * sizeof(double));
    if (m->idf == NULL) {
        return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
    }

    mlclf_train_text_idf(m->df.df, m->p.n_features, m->df.n_docs, m->idf);

    return MLCLF_OK;
}


/* TfidfVectorizer.fit */
static int
text_model_vocabulary(text_model_t *m, const text_docs_t *d,
    mlclf_err_t *err)
{
    int                       rc;
    size_t                    i;
    mlclf_train_text_vocab_t  v;

    if (mlclf_train_text_vocab_init(&v, &m->p) != MLCLF_OK) {
        mlclf_train_text_vocab_free(&v);
        return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
    }

    rc = MLCLF_OK;

    for (i = 0; i < d->n && rc == MLCLF_OK; i++) {
        rc = mlclf_train_text_vocab_add(&v, d->doc[i], d->len[i], err);
    }

    if (rc == MLCLF_OK) {
        rc = mlclf_train_text_vocab_finish(&v, &m->spec.lim, &m->vocab, err);
    }

    mlclf_train_text_vocab_free(&v);

    if (rc != MLCLF_OK) {
        return rc;
    }

    m->p.n_features = m->vocab.n;
    m->p.vocab = m->vocab.vocab;
    m->p.vocab_offsets = m->vocab.offsets;

    m->index = malloc(mlclf_text_vocab_slots(&m->p)
                      * sizeof(mlclf_text_slot_t));
    if (m->index == NULL) {
        return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
    }

    mlclf_text_vocab_index(&m->p, m->index);

    if (m->spec.use_idf) {
        m->idf = malloc(m->vocab.n * sizeof(double));
        if (m->idf == NULL) {
            return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
        }

        mlclf_train_text_idf(m->vocab.df, m->vocab.n, m->vocab.n_docs,
                             m->idf);
    }

    return MLCLF_OK;
}


void
text_model_free(text_model_t *m)
{
    free(m->idf);
    free(m->index);
    mlclf_train_text_df_free(&m->df);
    mlclf_train_text_result_free(&m->vocab);
    mlclf_train_text_buf_free(&m->buf);
    memset(m, 0, sizeof(*m));
}


ptrdiff_t
text_model_vector(text_model_t *m, const char *text, size_t len)
{
    size_t       n;
    mlclf_err_t  err;

    if (mlclf_train_text_count(&m->buf, &m->p, text, len, &n, &err)
        != MLCLF_OK)
    {
        return -1;
    }

    mlclf_text_weigh(&m->p, m->buf.terms, n);

    return (ptrdiff_t) n;
}


static char *
text_read_stdin(size_t *len)
{
    char    *p, *q;
    size_t   n, cap, k;

    n = 0;
    cap = 1 << 16;
    p = malloc(cap + 1);

    while (p != NULL) {
        k = fread(p + n, 1, cap - n, stdin);
        n += k;

        if (n < cap) {
            break;
        }

        cap *= 2;
        q = realloc(p, cap + 1);
        if (q == NULL) {
            free(p);
        }

        p = q;
    }

    if (p != NULL) {
        p[n] = '\0';
        *len = n;
    }

    return p;
}


int
text_vectors_main(int argc, char **argv)
{
    char          *data;
    size_t         len;
    mlclf_err_t    err;
    text_docs_t    d;
    text_spec_t    s;
    text_model_t   m;

    if (argc != 3) {
        fprintf(stderr, "usage: test_text --vectors \"NAME key=value ...\" "
                "< documents (each ended by a NUL)\n");
        return 2;
    }

    if (text_spec_parse(&s, argv[2], &err) != 0) {
        fprintf(stderr, "test_text: %s\n", err.msg);
        return 2;
    }

    data = text_read_stdin(&len);
    if (data == NULL || text_docs_split(&d, data, len) != 0) {
        fprintf(stderr, "test_text: out of memory\n");
        return 1;
    }

    if (text_model_fit(&m, &s, &d, &err) != MLCLF_OK) {
        fprintf(stderr, "test_text: %s: %s\n", s.name, err.msg);
        text_model_free(&m);
        text_docs_free(&d);
        return 1;
    }

    text_print(&m, &d);

    text_model_free(&m);
    text_docs_free(&d);

    return (fflush(stdout) == 0 && !ferror(stdout)) ? 0 : 1;
}


static void
text_print(text_model_t *m, const text_docs_t *d)
{
    double      v;
    uint32_t    c, zero, *off;
    size_t      i;
    ptrdiff_t   n, k;

    off = m->vocab.offsets;

    for (c = 0; m->p.vectorizer == MLCLF_TEXT_VOCABULARY
                && c < m->p.n_features; c++)
    {
        printf("term %u %.*s\n", c, (int) (off[c + 1] - off[c]),
               m->vocab.vocab + off[c]);
    }

    for (c = 0; m->idf != NULL && c < m->p.n_features; c++) {
        if (m->p.vectorizer == MLCLF_TEXT_HASHING && m->df.df[c] == 0) {
            continue;
        }

        printf("idf %u %.17g\n", c, m->idf[c]);
    }

    if (m->idf != NULL && m->p.vectorizer == MLCLF_TEXT_HASHING) {
        zero = 0;
        mlclf_train_text_idf(&zero, 1, m->df.n_docs, &v);
        printf("idf default %.17g\n", v);
    }

    for (i = 0; i < d->n; i++) {
        n = text_model_vector(m, d->doc[i], d->len[i]);

        printf("doc %zu %td", i, n);

        for (k = 0; k < n; k++) {
            printf(" %u:%.17g", m->buf.terms[k].column,
                   m->buf.terms[k].value);
        }

        printf("\n");
    }
}


void
text_grams_add(void *ctx, const char *gram, size_t len)
{
    char             *p;
    size_t            cap;
    text_grams_t     *b;

    b = ctx;

    if (b->len + len + 2 > b->cap) {
        cap = 2 * (b->len + len + 2);

        p = realloc(b->text, cap);
        if (p == NULL) {
            printf("Bail out! out of memory\n");
            exit(1);
        }

        b->text = p;
        b->cap = cap;
    }

    memcpy(b->text + b->len, gram, len);
    b->len += len;
    b->text[b->len++] = '\n';
    b->text[b->len] = '\0';
    b->n++;
}
