
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The text featurizer's tokens: validation, Python's str.lower() and
 * scikit-learn's token_pattern (?u)\b\w\w+\b.  ASCII bytes go through a
 * table that libunistring fills (and are lowered eight at a time);
 * libunistring sees the other characters one by one.
 */


#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <unistr.h>

#include "mlclf.h"
#include "mlclf_text.h"
#include "mlclf_text_token.h"


/* byte classes, mlclf_text_class[] */
#define MLCLF_TEXT_OTHER  0
#define MLCLF_TEXT_WORD   1
#define MLCLF_TEXT_MULTI  2

/* the high bit of each of eight bytes */
#define MLCLF_TEXT_HIGH_BITS  0x8080808080808080ull


static uint64_t mlclf_text_token_lower8(uint64_t w);
static ptrdiff_t mlclf_text_token_lower_run(const uint8_t *text, size_t len,
    size_t i, size_t e, uint8_t *out, size_t room);
static size_t mlclf_text_token_decode(const uint8_t *p, ucs4_t *cp);
static int mlclf_text_token_final(const uint8_t *text, size_t len, size_t i);


/*
 * A byte's class for the tokenizer: MLCLF_TEXT_OTHER an ASCII character
 * that is not a word character, MLCLF_TEXT_WORD one that is,
 * MLCLF_TEXT_MULTI a byte of a longer UTF-8 sequence.  Filled once from
 * mlclf_text_is_word(), so that libunistring decides every character.
 */
static uint8_t         mlclf_text_class[256];
static pthread_once_t  mlclf_text_class_once = PTHREAD_ONCE_INIT;


int
mlclf_text_is_word(uint32_t cp)
{
    /*
     * Python's \w is str.isalnum() or "_": isalpha() is the categories
     * L*, and isdecimal(), isdigit() and isnumeric() together give the
     * characters with a numeric type, which in Unicode 14 are exactly
     * the categories N* (tests/test_text_ref.c checks every code point)
     */

    if (cp == '_') {
        return 1;
    }

    return uc_is_general_category_withtable(cp, UC_CATEGORY_MASK_L
                                                | UC_CATEGORY_MASK_N)
           ? 1 : 0;
}


static void
mlclf_text_class_fill(void)
{
    uint32_t  c;

    for (c = 0; c < 0x80; c++) {
        mlclf_text_class[c] = mlclf_text_is_word(c) ? MLCLF_TEXT_WORD
                                                    : MLCLF_TEXT_OTHER;
    }

    for (c = 0x80; c < 0x100; c++) {
        mlclf_text_class[c] = MLCLF_TEXT_MULTI;
    }
}


size_t
mlclf_text_lower_size(size_t len)
{
    if (len > MLCLF_TEXT_MAX_LEN) {
        return 0;
    }

    return len + (len + 1) / 2 + 8;
}


ptrdiff_t
mlclf_text_lower(const char *text, size_t len, char *out)
{
    if (len > MLCLF_TEXT_MAX_LEN) {
        return -1;
    }

    return mlclf_text_token_prepare((const uint8_t *) text, len, 1,
                                    (uint8_t *) out);
}


ptrdiff_t
mlclf_text_token_prepare(const uint8_t *text, size_t len, int lower,
    uint8_t *out)
{
    size_t     i, e, n, room;
    uint8_t    c;
    uint64_t   w;
    ptrdiff_t  m;

    room = mlclf_text_lower_size(len);
    n = 0;
    i = 0;

    while (i < len) {
        /* eight ASCII bytes at a time, A-Z lowered in one go */

        if (len - i >= 8) {
            memcpy(&w, text + i, 8);

            if ((w & MLCLF_TEXT_HIGH_BITS) == 0) {
                if (lower) {
                    w = mlclf_text_token_lower8(w);
                }

                memcpy(out + n, &w, 8);
                n += 8;
                i += 8;
                continue;
            }
        }

        c = text[i];

        if (c < 0x80) {
            out[n++] = (lower && (uint8_t) (c - 'A') < 26) ? c + 32 : c;
            i++;
            continue;
        }

        /* a stretch of other characters: bytes never below 0x80 */

        for (e = i + 1; e < len && text[e] >= 0x80; e++) {
            /* void */
        }

        if (u8_check(text + i, e - i) != NULL) {
            return -1;
        }

        if (lower) {
            m = mlclf_text_token_lower_run(text, len, i, e, out + n,
                                           room - n);
            if (m < 0) {
                return -1;
            }

            n += (size_t) m;

        } else {
            memcpy(out + n, text + i, e - i);
            n += e - i;
        }

        i = e;
    }

    return (ptrdiff_t) n;
}


/*
 * Eight ASCII bytes with A-Z lowered: a byte plus 0x3f reaches 0x80
 * from "A" on, plus 0x25 from "[" on, and no sum carries into the next
 * byte (0x7f + 0x3f < 0x100); 0x80 >> 2 is the 0x20 between the cases.
 */
static uint64_t
mlclf_text_token_lower8(uint64_t w)
{
    uint64_t  upper;

    upper = (w + 0x3f3f3f3f3f3f3f3full) & ~(w + 0x2525252525252525ull)
            & MLCLF_TEXT_HIGH_BITS;

    return w | (upper >> 2);
}


/*
 * text[i .. e), valid UTF-8, lowercased into out (room bytes).  A
 * character whose simple lowercase (uc_tolower()) is itself has no
 * other lowercase either (tests/test_text_ref.c checks every code
 * point against Python), and is copied; each stretch of the others
 * goes to libunistring's full mapping without a language, but capital
 * sigma.  Its Final_Sigma context is worked out here as Python does it,
 * from the whole text: libunistring 1.0's own takes U+0027 for not
 * case-ignorable, and U+0345 and 199 modifier letters (U+02B0..), which
 * are cased and case-ignorable, for cased letters before the sigma.
 */
static ptrdiff_t
mlclf_text_token_lower_run(const uint8_t *text, size_t len, size_t i,
    size_t e, uint8_t *out, size_t room)
{
    size_t    n, m, k, s, t;
    ucs4_t    cp;
    uint8_t  *r;

    n = 0;
    s = i;

    while (s < e) {
        k = mlclf_text_token_decode(text + s, &cp);

        if (cp == 0x3a3) {
            out[n++] = 0xcf;
            out[n++] = mlclf_text_token_final(text, len, s) ? 0x82 : 0x83;
            s += k;
            continue;
        }

        if (uc_tolower(cp) == cp) {
            memcpy(out + n, text + s, k);
            n += k;
            s += k;
            continue;
        }

        for (t = s + k; t < e; t += k) {
            k = mlclf_text_token_decode(text + t, &cp);

            if (cp == 0x3a3 || uc_tolower(cp) == cp) {
                break;
            }
        }

        m = room - n;

        r = u8_tolower(text + s, t - s, NULL, NULL, out + n, &m);

        if (r == NULL) {
            return -1;
        }

        if (r != out + n) {
            /*
             * libunistring allocated because room was too small, which
             * no character of Unicode 14 can make happen
             * (mlclf_text_lower_size)
             */
            free(r);
            return -1;
        }

        n += m;
        s = t;
    }

    return (ptrdiff_t) n;
}


/* the character at p, valid UTF-8 of 2 to 4 bytes: its length */
static size_t
mlclf_text_token_decode(const uint8_t *p, ucs4_t *cp)
{
    if (p[0] < 0xe0) {
        *cp = ((ucs4_t) (p[0] & 0x1f) << 6) | (p[1] & 0x3f);
        return 2;
    }

    if (p[0] < 0xf0) {
        *cp = ((ucs4_t) (p[0] & 0x0f) << 12) | ((ucs4_t) (p[1] & 0x3f) << 6)
              | (p[2] & 0x3f);
        return 3;
    }

    *cp = ((ucs4_t) (p[0] & 0x07) << 18) | ((ucs4_t) (p[1] & 0x3f) << 12)
          | ((ucs4_t) (p[2] & 0x3f) << 6) | (p[3] & 0x3f);
    return 4;
}


/*
 * 1 if the capital sigma at text[i] is final: a cased character before
 * it and none after it, case-ignorable ones skipped.  The scans stop at
 * the sigma before and after at the latest (it is cased and not
 * case-ignorable), so all of them read the text about once.  The text
 * before i is valid; after it, it may not be, and then is refused
 * later: u8_mbtouc() reads it safely.
 */
static int
mlclf_text_token_final(const uint8_t *text, size_t len, size_t i)
{
    int             n;
    ucs4_t          c;
    const uint8_t  *p, *end;

    p = text + i;

    do {
        p = u8_prev(&c, p, text);
        if (p == NULL) {
            return 0;
        }

    } while (uc_is_property_case_ignorable(c));

    if (!uc_is_property_cased(c)) {
        return 0;
    }

    end = text + len;

    for (p = text + i + 2; p < end; p += n) {
        n = u8_mbtouc(&c, p, end - p);

        if (!uc_is_property_case_ignorable(c)) {
            return !uc_is_property_cased(c);
        }
    }

    return 1;
}


size_t
mlclf_text_token_join(uint8_t *buf, size_t len, size_t *ntok)
{
    size_t   r, r0, w, k, mark, chars, n;
    ucs4_t   cp;
    uint8_t  c, cls;

    (void) pthread_once(&mlclf_text_class_once, mlclf_text_class_fill);

    /*
     * w never passes r: a separator is written only after a token, and
     * at least one character that is not copied stood between the two
     */

    r = 0;
    w = 0;
    mark = 0;
    chars = 0;
    n = 0;

    /* a byte that is no word character ends the last run of them */
    buf[len] = '\0';

    while (r < len) {
        c = buf[r];
        cls = mlclf_text_class[c];
        k = 1;

        if (cls == MLCLF_TEXT_MULTI) {
            k = mlclf_text_token_decode(buf + r, &cp);
            cls = mlclf_text_is_word(cp) ? MLCLF_TEXT_WORD
                                         : MLCLF_TEXT_OTHER;
        }

        if (cls == MLCLF_TEXT_OTHER) {
            /* a run of one character is no token */

            if (chars >= 2) {
                n++;

            } else if (chars == 1) {
                w = mark;
            }

            chars = 0;
            r += k;

            /* the ASCII characters of no word that follow */

            while (r < len && mlclf_text_class[buf[r]] == MLCLF_TEXT_OTHER) {
                r++;
            }

            continue;
        }

        if (chars == 0) {
            mark = w;
            if (n) {
                buf[w++] = ' ';
            }
        }

        if (k > 1) {
            /* forward, byte by byte: w may be r */
            do {
                buf[w++] = buf[r++];
            } while (--k);

            chars++;
            continue;
        }

        /*
         * the ASCII word characters that follow, in a tight loop, which
         * the NUL at buf[len] ends
         */

        r0 = r;

        do {
            buf[w++] = c;
            c = buf[++r];
        } while (mlclf_text_class[c] == MLCLF_TEXT_WORD);

        chars += r - r0;
    }

    if (chars >= 2) {
        n++;

    } else if (chars == 1) {
        w = mark;
    }

    /* a space ends the last token too: w <= len */
    buf[w] = ' ';

    *ntok = n;

    return w;
}
