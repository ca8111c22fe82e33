
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * test_text's code point checks (text_unicode.h).  Besides agreeing with
 * Python, every character must keep to what mlclf_text.c sizes its
 * buffers by: its lowercase takes at most 3/2 of its bytes and holds at
 * most one word character.
 */


#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>
#include <mlclf.h>
#include <mlclf_text.h>
#include "files.h"
#include "text_unicode.h"


#define TEXT_CP_END      0x110000
#define TEXT_SIGMA_DEF   1              /* T1 0, T2 0, T3 1 */


/* Python's facts: \w, the lowercase where it is not the character */
typedef struct {
    uint8_t                  *word;         /* TEXT_CP_END */
    uint8_t                  *sigma;        /* T1 << 2 | T2 << 1 | T3 */
    uint32_t                 *lower;        /* 1 + index in low, or 0 */
    char                    (*low)[16];     /* UTF-8, NUL-terminated */
    size_t                    n_low;
} text_facts_t;


static int text_facts_read(text_facts_t *f, const char *dir);
static void text_facts_line(text_facts_t *f, char *line);
static void text_one(const text_facts_t *f, uint32_t cp, text_unicode_t *bad);
static int text_sigma(const uint8_t *x, int xl);
static int text_final_at(const char *s, size_t n, size_t at);


int
text_unicode_check(const char *dir, text_unicode_t *r)
{
    uint32_t      cp;
    text_facts_t  f;

    memset(r, 0, sizeof(*r));

    if (text_facts_read(&f, dir) != 0) {
        free(f.word);
        free(f.sigma);
        free(f.lower);
        free(f.low);
        return -1;
    }

    for (cp = 0; cp < TEXT_CP_END; cp++) {
        if (cp < 0xd800 || cp > 0xdfff) {
            text_one(&f, cp, r);
        }
    }

    r->n_lower = f.n_low;

    free(f.word);
    free(f.sigma);
    free(f.lower);
    free(f.low);

    return 0;
}


static int
text_facts_read(text_facts_t *f, const char *dir)
{
    char    path[512], *text, *line, *save;

    (void) snprintf(path, sizeof(path), "%s/unicode.txt", dir);

    memset(f, 0, sizeof(*f));

    text = files_read(path, NULL);
    f->word = calloc(TEXT_CP_END, 1);
    f->sigma = malloc(TEXT_CP_END);
    f->lower = calloc(TEXT_CP_END, sizeof(uint32_t));
    f->low = malloc(4096 * sizeof(*f->low));

    if (text == NULL || f->word == NULL || f->sigma == NULL
        || f->lower == NULL || f->low == NULL)
    {
        free(text);
        return -1;
    }

    memset(f->sigma, TEXT_SIGMA_DEF, TEXT_CP_END);

    for (line = strtok_r(text, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save))
    {
        text_facts_line(f, line);
    }

    free(text);

    return f->n_low > 1000 ? 0 : -1;
}


/* "w START END", "l CP HEX,HEX...", "s CP T1T2T3" */
static void
text_facts_line(text_facts_t *f, char *line)
{
    int            k;
    char          *p;
    uint8_t       *o;
    size_t         n;
    unsigned long  a, b, cp;

    a = strtoul(line + 2, &p, 16);

    if (a >= TEXT_CP_END) {
        return;
    }

    if (line[0] == 'w') {
        b = strtoul(p, NULL, 16);

        while (a <= b && a < TEXT_CP_END) {
            f->word[a++] = 1;
        }

        return;
    }

    if (line[0] == 's') {
        f->sigma[a] = (uint8_t) (((p[1] - '0') << 2) | ((p[2] - '0') << 1)
                                 | (p[3] - '0'));
        return;
    }

    if (line[0] != 'l' || f->n_low == 4096) {
        return;
    }

    o = (uint8_t *) f->low[f->n_low];
    n = 0;

    while (*p != '\0') {
        cp = strtoul(p + 1, &p, 16);
        k = u8_uctomb(o + n, (ucs4_t) cp, (int) (15 - n));
        if (k < 0) {
            return;
        }

        n += (size_t) k;
    }

    o[n] = '\0';
    f->lower[a] = (uint32_t) ++f->n_low;
}


static void
text_one(const text_facts_t *f, uint32_t cp, text_unicode_t *bad)
{
    int          k, words, sig;
    char         out[64];
    uint8_t      x[8];
    ucs4_t       c;
    ptrdiff_t    n, i;
    const char  *want;

    bad->n++;

    if (mlclf_text_is_word(cp) != f->word[cp]) {
        if (bad->word++ < 3) {
            printf("# U+%04X: \\w %d, Python %d\n", cp,
                     mlclf_text_is_word(cp), f->word[cp]);
        }
    }

    k = u8_uctomb(x, cp, sizeof(x));
    n = mlclf_text_lower((const char *) x, (size_t) k, out);

    want = f->lower[cp] ? f->low[f->lower[cp] - 1] : NULL;

    if (n < 0
        || (want == NULL && (n != k || memcmp(out, x, (size_t) k) != 0))
        || (want != NULL
            && ((size_t) n != strlen(want) || memcmp(out, want, n) != 0)))
    {
        if (bad->lower++ < 3) {
            printf("# U+%04X: lowercase of %td bytes differs\n", cp, n);
        }

        return;
    }

    if (2 * n > 3 * k) {
        bad->size++;
    }

    words = 0;
    i = 0;

    while (i < n) {
        i += u8_mbtouc(&c, (uint8_t *) out + i, (size_t) (n - i));
        words += mlclf_text_is_word(c);
    }

    bad->words += (words > 1);

    sig = text_sigma(x, k);

    if (sig != f->sigma[cp] && bad->sigma++ < 3) {
        printf("# U+%04X: sigma tests %d%d%d, Python %d%d%d\n", cp,
                 sig >> 2, (sig >> 1) & 1, sig & 1, f->sigma[cp] >> 2,
                 (f->sigma[cp] >> 1) & 1, f->sigma[cp] & 1);
    }
}


/*
 * T1: x + "Σ" lowercases to a final sigma at its end; T2: the same for
 * "A" + x + "Σ"; T3: "AΣ" + x has it after the "a".
 */
static int
text_sigma(const uint8_t *x, int xl)
{
    int     t1, t2, t3;
    char    s[16];
    size_t  n;

    memcpy(s, x, xl);
    memcpy(s + xl, "\xce\xa3", 2);
    t1 = text_final_at(s, xl + 2, SIZE_MAX);

    s[0] = 'A';
    memcpy(s + 1, x, xl);
    memcpy(s + 1 + xl, "\xce\xa3", 2);
    t2 = text_final_at(s, xl + 3, SIZE_MAX);

    memcpy(s, "A\xce\xa3", 3);
    memcpy(s + 3, x, xl);
    n = (size_t) xl + 3;
    t3 = text_final_at(s, n, 1);

    return (t1 << 2) | (t2 << 1) | t3;
}


/* 1 if s lowercased has U+03C2 at byte at (SIZE_MAX: at its end) */
static int
text_final_at(const char *s, size_t n, size_t at)
{
    char       out[64];
    ptrdiff_t  m;

    m = mlclf_text_lower(s, n, out);
    if (m < 2) {
        return 0;
    }

    if (at == SIZE_MAX) {
        at = (size_t) m - 2;
    }

    return at + 2 <= (size_t) m && memcmp(out + at, "\xcf\x82", 2) == 0;
}
