
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The JSON tokenizer of request bodies (RFC 8259): the fast path and the
 * strict pass of mlclf_request.c both read bodies through it.
 */


#include <string.h>
#include <unistr.h>

#include "mlclf_json.h"


static size_t mlclf_json_scan_escape(const unsigned char *p, size_t i,
    size_t len, unsigned *nul);
static int mlclf_json_scan_hex4(const unsigned char *p, size_t i, size_t len,
    uint32_t *u);
static const uint8_t *mlclf_json_scan_utf8(const unsigned char *p,
    size_t i, size_t len, size_t *end);
static size_t mlclf_json_plain8(const unsigned char *p);


/* a byte's value in each of the eight bytes of a word */
#define MLCLF_JSON_BYTES(b)  (0x0101010101010101ull * (b))


void
mlclf_json_lex_init(mlclf_json_lex_t *lex, const char *body, size_t len,
    unsigned values)
{
    lex->start = (const unsigned char *) body;
    lex->p = lex->start;
    lex->end = lex->start + len;
    lex->tok = lex->p;
    lex->len = 0;
    lex->number = 0.0;
    lex->nul = 0;
    lex->error = 0;
    lex->error_at = 0;
    lex->escaped = 0;
    lex->values = values ? 1 : 0;
}


/* The string whose opening quote is just before lex->p. */

mlclf_json_token_e
mlclf_json_string(mlclf_json_lex_t *lex)
{
    size_t                i, j, k, len, nul;
    unsigned              z, escaped;
    unsigned char         c;
    const uint8_t        *bad;
    const unsigned char  *p;

    p = lex->start;
    len = lex->end - lex->start;
    nul = 0;
    escaped = 0;

    for (i = lex->p - p; i < len; i++) {
        while (len - i >= 8) {
            k = mlclf_json_plain8(p + i);
            i += k;

            if (k < 8) {
                break;
            }
        }

        if (i == len) {
            break;
        }

        c = p[i];

        if (c == '"') {
            break;
        }

        if (c == '\\') {
            z = 0;
            escaped = 1;

            j = mlclf_json_scan_escape(p, i, len, &z);
            if (j == 0) {
                return mlclf_json_error(lex, MLCLF_JSON_EESCAPE, i);
            }

            if (j > len) {
                return mlclf_json_error(lex, MLCLF_JSON_EBAD, len);
            }

            if (z && nul == 0) {
                nul = i + 1;
            }

            i = j - 1;
            continue;
        }

        if (c < 0x20) {
            return mlclf_json_error(lex, MLCLF_JSON_EBAD, i);
        }

        if (c >= 0x80) {
            bad = mlclf_json_scan_utf8(p, i, len, &j);
            if (bad != NULL) {
                return mlclf_json_error(lex, MLCLF_JSON_EBAD, bad - p);
            }

            i = j - 1;
        }
    }

    if (i >= len) {
        return mlclf_json_error(lex, MLCLF_JSON_EBAD, len);
    }

    lex->tok = lex->p;
    lex->len = (p + i) - lex->p;
    lex->nul = nul;
    lex->escaped = escaped;
    lex->p = p + i + 1;

    return MLCLF_JSON_STRING;
}


/*
 * How many of the eight bytes at p, from the first, need no look of
 * their own in a string: no control character, quote, backslash or
 * byte of a longer UTF-8 sequence.  Each test is the classic one for a
 * byte below n in a word, (w - n) & ~w & 0x80..: a byte borrows, and
 * keeps its high bit clear, only where it was below n or a lower byte
 * borrowed.  So the lowest byte flagged is one below n, and the bytes
 * below it are plain (a higher one may be flagged by the borrow alone).
 * Equality is a zero byte of w ^ the value.  On a little-endian machine
 * the low end is the first byte in memory, and the count is exact; on
 * a big-endian one it is the last, and the count may stop early at a
 * plain byte, which the caller then looks at alone: never past one
 * that needs it.
 */
static size_t
mlclf_json_plain8(const unsigned char *p)
{
    uint64_t  w, q, b, hit;

    memcpy(&w, p, 8);

    q = w ^ MLCLF_JSON_BYTES('"');
    b = w ^ MLCLF_JSON_BYTES('\\');

    hit = ((w - MLCLF_JSON_BYTES(0x20)) & ~w)
          | ((q - MLCLF_JSON_BYTES(1)) & ~q)
          | ((b - MLCLF_JSON_BYTES(1)) & ~b)
          | w;

    hit &= MLCLF_JSON_BYTES(0x80);

    if (hit == 0) {
        return 8;
    }

#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return (size_t) __builtin_clzll(hit) / 8;
#else
    return (size_t) __builtin_ctzll(hit) / 8;
#endif
}


mlclf_json_token_e
mlclf_json_error(mlclf_json_lex_t *lex, mlclf_json_error_e error, size_t at)
{
    lex->error = error;
    lex->error_at = at;

    return MLCLF_JSON_ERROR;
}


/*
 * Checks the escape whose backslash is at p[i] (RFC 8259, section 7):
 * one of \" \\ \/ \b \f \n \r \t, or \u and four hex digits.  A \u that
 * is a UTF-16 surrogate must be a high one (D800-DBFF) followed at once by
 * a \u low one (DC00-DFFF): a lone surrogate stands for no character and
 * has no UTF-8 form, as the raw UTF-8 surrogates refused above.  Sets *nul
 * on \u0000.  Returns the index just past the escape, 0 if it is invalid,
 * or len + 1 if the body ends inside an escape that is valid so far.
 */

static size_t
mlclf_json_scan_escape(const unsigned char *p, size_t i, size_t len,
    unsigned *nul)
{
    int       rc;
    uint32_t  u, lo;

    if (len - i < 2) {
        return len + 1;
    }

    switch (p[i + 1]) {

    case '"': case '\\': case '/':
    case 'b': case 'f': case 'n': case 'r': case 't':
        return i + 2;

    case 'u':
        break;

    default:
        return 0;
    }

    rc = mlclf_json_scan_hex4(p, i + 2, len, &u);
    if (rc <= 0) {
        return rc ? len + 1 : 0;
    }

    if (u == 0) {
        *nul = 1;
    }

    if (u < 0xd800 || u > 0xdfff) {
        return i + 6;
    }

    if (u >= 0xdc00) {
        return 0;
    }

    i += 6;

    if (i < len && p[i] != '\\') {
        return 0;
    }

    if (i + 1 < len && p[i + 1] != 'u') {
        return 0;
    }

    rc = mlclf_json_scan_hex4(p, i + 2, len, &lo);
    if (rc <= 0) {
        return rc ? len + 1 : 0;
    }

    if (lo < 0xdc00 || lo > 0xdfff) {
        return 0;
    }

    return i + 6;
}


/*
 * Reads four hex digits at p[i] into *u: returns 1, 0 if one of them is
 * not a hex digit, or -1 if the body ends first (or before p[i]).
 */

static int
mlclf_json_scan_hex4(const unsigned char *p, size_t i, size_t len,
    uint32_t *u)
{
    size_t         k;
    uint32_t       v;
    unsigned char  c;

    v = 0;

    for (k = i; k < i + 4; k++) {
        if (k >= len) {
            return -1;
        }

        c = p[k];

        if (c >= '0' && c <= '9') {
            v = (v << 4) | (uint32_t) (c - '0');

        } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
            v = (v << 4) | (uint32_t) ((c | 0x20) - 'a' + 10);

        } else {
            return 0;
        }
    }

    *u = v;

    return 1;
}


/*
 * Checks the run of bytes from 0x80 up that starts at p[i], by
 * libunistring's u8_check() (RFC 3629: no overlong forms, surrogates,
 * code points past U+10FFFF or cut sequences).  A valid sequence has
 * no byte below 0x80, so the run holds whole sequences or is invalid.
 * Returns NULL with the index past the run in *end, or the first bad
 * sequence.
 */

static const uint8_t *
mlclf_json_scan_utf8(const unsigned char *p, size_t i, size_t len,
    size_t *end)
{
    size_t  e;

    for (e = i + 1; e < len && p[e] >= 0x80; e++) {
        /* void */
    }

    *end = e;

    return u8_check(p + i, e - i);
}


int
mlclf_json_utf8(const char *s, size_t len)
{
    return u8_check((const uint8_t *) s, len) == NULL;
}


size_t
mlclf_json_unescape(const unsigned char *s, size_t len, char *out)
{
    size_t                n, k;
    uint32_t              u, lo;
    const unsigned char  *p, *end, *bs;

    p = s;
    end = s + len;
    n = 0;
    u = 0;
    lo = 0;

    for ( ;; ) {
        bs = memchr(p, '\\', end - p);
        k = (bs != NULL ? bs : end) - p;

        memcpy(out + n, p, k);
        n += k;

        if (bs == NULL) {
            return n;
        }

        switch (bs[1]) {
        case 'b': out[n++] = '\b'; break;
        case 'f': out[n++] = '\f'; break;
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case 't': out[n++] = '\t'; break;

        case 'u':
            (void) mlclf_json_scan_hex4(bs, 2, 6, &u);
            p = bs + 6;

            if (u >= 0xd800 && u <= 0xdbff) {
                (void) mlclf_json_scan_hex4(bs, 8, 12, &lo);
                u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
                p = bs + 12;
            }

            /* a scalar value: libunistring writes its 1 to 4 bytes */
            n += (size_t) u8_uctomb((uint8_t *) out + n, u, 4);
            continue;

        default:                /* " \ / */
            out[n++] = (char) bs[1];
            break;
        }

        p = bs + 2;
    }
}
