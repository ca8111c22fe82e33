
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * A text's vocabulary: its check, and the lookup of an n-gram's column.
 * The lookup goes through an index of the terms built when the model
 * is loaded (mlclf_text_vocab_index()): open addressing, linear
 * probing, at most half full, each slot the term's column + 1 (0:
 * empty) and, when it fits, the term itself (mlclf_text_slot_t),
 * placed by the top bits of mlclf_hash() of the term's bytes.  A
 * vocabulary without an index (the trainer's) is searched in its
 * sorted terms.  Both find the same term: the one whose bytes equal
 * the n-gram's.
 */


#include <string.h>
#include <unistr.h>

#include "mlclf.h"
#include "mlclf_strtab.h"
#include "mlclf_text.h"
#include "mlclf_text_vocab.h"


_Static_assert(sizeof(mlclf_text_slot_t) == 16,
               "a vocabulary's index slot is 16 bytes");


int
mlclf_text_vocab_check(const mlclf_text_params_t *p, mlclf_err_t *err)
{
    uint32_t         i, a, b;
    const char      *t;
    const uint32_t  *off;

    off = p->vocab_offsets;

    if (p->vocab == NULL || off == NULL) {
        return mlclf_err_set(err, MLCLF_EINVAL, "vocab: NULL terms or "
                             "offsets");
    }

    if (off[0] != 0) {
        return mlclf_err_set(err, MLCLF_EINVAL, "vocab_offsets[0] %u: not 0",
                             off[0]);
    }

    for (i = 0; i < p->n_features; i++) {
        a = off[i];
        b = off[i + 1];
        t = p->vocab + a;

        if (b <= a) {
            return mlclf_err_set(err, MLCLF_EINVAL, "vocab term %u: empty "
                                 "or negative (offsets %u, %u)", i, a, b);
        }

        if (memchr(t, '\0', b - a) != NULL) {
            return mlclf_err_set(err, MLCLF_EINVAL, "vocab term %u: holds "
                                 "a NUL byte", i);
        }

        if (u8_check((const uint8_t *) t, b - a) != NULL) {
            return mlclf_err_set(err, MLCLF_EINVAL, "vocab term %u: not "
                                 "valid UTF-8", i);
        }

        if (i > 0
            && mlclf_str_cmp(p->vocab + off[i - 1], a - off[i - 1], t,
                             b - a)
               >= 0)
        {
            return mlclf_err_set(err, MLCLF_EINVAL, "vocab term %u: not "
                                 "after term %u (sorted bytewise, "
                                 "distinct)", i, i - 1);
        }
    }

    return MLCLF_OK;
}


size_t
mlclf_text_vocab_slots(const mlclf_text_params_t *p)
{
    size_t  slots;

    if (p->vectorizer != MLCLF_TEXT_VOCABULARY) {
        return 0;
    }

    for (slots = 8; slots < 2 * (size_t) p->n_features; slots <<= 1) {
        /* void */
    }

    return slots;
}


void
mlclf_text_vocab_index(mlclf_text_params_t *p, mlclf_text_slot_t *index)
{
    size_t              slots, slot, len;
    uint32_t            i, bits;
    const uint32_t     *off;
    mlclf_text_slot_t  *s;

    slots = mlclf_text_vocab_slots(p);
    off = p->vocab_offsets;

    for (bits = 0; ((size_t) 1 << bits) < slots; bits++) {
        /* void */
    }

    memset(index, 0, slots * sizeof(mlclf_text_slot_t));

    for (i = 0; i < p->n_features; i++) {
        len = off[i + 1] - off[i];
        slot = mlclf_hash(p->vocab + off[i], len) >> (64 - bits);

        while (index[slot].id != 0) {
            slot = (slot + 1) & (slots - 1);
        }

        s = &index[slot];
        s->id = i + 1;

        if (len <= MLCLF_TEXT_SLOT_TERM) {
            s->len = (uint8_t) len;
            memcpy(s->term, p->vocab + off[i], len);
        }
    }

    p->vocab_index = index;
    p->vocab_bits = bits;
}


int64_t
mlclf_text_vocab_search(const mlclf_text_params_t *p, const uint8_t *gram,
    size_t len)
{
    int              c;
    uint32_t         lo, hi, mid;
    const uint32_t  *off;

    off = p->vocab_offsets;
    lo = 0;
    hi = p->n_features;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;

        c = mlclf_str_cmp(p->vocab + off[mid], off[mid + 1] - off[mid],
                          gram, len);

        if (c < 0) {
            lo = mid + 1;

        } else if (c > 0) {
            hi = mid;

        } else {
            return mid;
        }
    }

    return -1;
}
