
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The text featurizer's tokens: validation, Python's str.lower() and
 * scikit-learn's token_pattern (?u)\b\w\w+\b.  ASCII bytes go through a
 * table; libunistring sees only the stretches of other characters.
 */


#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <unistr.h>

#include "mlclf.h"
#include "mlclf_text.h"
#include "mlclf_text_token.h"


static ptrdiff_t mlclf_text_token_lower_run(const uint8_t *text, size_t len,
    size_t i, size_t e, uint8_t *out, size_t room);
static size_t mlclf_text_token_sigma(const uint8_t *text, size_t s, size_t e);
static int mlclf_text_token_final(const uint8_t *text, size_t len, size_t i);


/*
 * \w below 0x80: digits, letters and "_" (Python's str.isalnum() agrees
 * with C's there).
 */
static const uint8_t  mlclf_text_ascii_word[128] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1,
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0
};


int
mlclf_text_is_word(uint32_t cp)
{
    if (cp < 0x80) {
        return mlclf_text_ascii_word[cp];
    }

    /*
     * Python's \w is str.isalnum() or "_": isalpha() is the categories
     * L*, and isdecimal(), isdigit() and isnumeric() together give the
     * characters with a numeric type, which in Unicode 14 are exactly
     * the categories N* (tests/test_text.c checks every code point)
     */

    return uc_is_general_category_withtable(cp, UC_CATEGORY_MASK_L
                                                | UC_CATEGORY_MASK_N)
           ? 1 : 0;
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
    ptrdiff_t  m;

    room = mlclf_text_lower_size(len);
    n = 0;
    i = 0;

    while (i < len) {
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
 * text[i .. e), valid UTF-8, lowercased into out (room bytes): by
 * libunistring without a language, but for capital sigma.  Its
 * Final_Sigma context is worked out here as Python does it (and
 * libunistring 1.0 does not: it takes U+0027 and the modifier letters
 * U+02B0.. for not case-ignorable, and forgets U+0130 as the cased
 * letter before), from the whole text.
 */
static ptrdiff_t
mlclf_text_token_lower_run(const uint8_t *text, size_t len, size_t i,
    size_t e, uint8_t *out, size_t room)
{
    size_t    n, m, s, sigma;
    uint8_t  *r;

    n = 0;

    for (s = i; s < e; s = sigma + 2) {
        sigma = mlclf_text_token_sigma(text, s, e);

        if (sigma > s) {
            m = room - n;

            r = u8_tolower(text + s, sigma - s, NULL, NULL, out + n, &m);

            if (r == NULL) {
                return -1;
            }

            if (r != out + n) {
                /*
                 * libunistring allocated because room was too small,
                 * which no character of Unicode 14 can make happen
                 * (mlclf_text_lower_size)
                 */
                free(r);
                return -1;
            }

            n += m;
        }

        if (sigma == e) {
            break;
        }

        out[n++] = 0xcf;
        out[n++] = mlclf_text_token_final(text, len, sigma) ? 0x82 : 0x83;
    }

    return (ptrdiff_t) n;
}


/*
 * The first U+03A3 in text[s .. e), or e.  It is 0xce 0xa3, a pair no
 * other valid UTF-8 sequence holds.
 */
static size_t
mlclf_text_token_sigma(const uint8_t *text, size_t s, size_t e)
{
    const uint8_t  *p, *end;

    end = text + e;

    for (p = text + s; p + 1 < end; p++) {
        p = memchr(p, 0xce, end - 1 - p);
        if (p == NULL) {
            return e;
        }

        if (p[1] == 0xa3) {
            return (size_t) (p - text);
        }
    }

    return e;
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
    int      word;
    size_t   r, w, k, mark, chars, n;
    ucs4_t   cp;
    uint8_t  c;

    /*
     * w never passes r: a separator is written only after a token, and
     * at least one character that is not copied stood between the two
     */

    r = 0;
    w = 0;
    mark = 0;
    chars = 0;
    n = 0;

    while (r < len) {
        c = buf[r];

        if (c < 0x80) {
            k = 1;
            word = mlclf_text_ascii_word[c];

        } else {
            k = (size_t) u8_mbtouc_unsafe(&cp, buf + r, len - r);
            word = mlclf_text_is_word(cp);
        }

        if (word) {
            if (chars == 0) {
                mark = w;
                if (n) {
                    buf[w++] = ' ';
                }
            }

            if (k == 1) {
                buf[w] = c;

            } else {
                memmove(buf + w, buf + r, k);
            }

            w += k;
            chars++;

        } else if (chars) {
            /* a run of one character is no token */

            if (chars >= 2) {
                n++;

            } else {
                w = mark;
            }

            chars = 0;
        }

        r += k;
    }

    if (chars >= 2) {
        n++;

    } else if (chars) {
        w = mark;
    }

    *ntok = n;

    return w;
}
