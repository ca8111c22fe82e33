
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Private to libmlclf: a text's vocabulary checked and looked up
 * (mlclf_text_vocab.c).
 */


#ifndef _MLCLF_TEXT_VOCAB_H_INCLUDED_
#define _MLCLF_TEXT_VOCAB_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>

#include "mlclf.h"
#include "mlclf_hash.h"
#include "mlclf_strtab.h"
#include "mlclf_text.h"


/* mlclf_text_params_check()'s part for a vocabulary's terms */
int mlclf_text_vocab_check(const mlclf_text_params_t *p, mlclf_err_t *err);

/*
 * The slots of the lookup index of p's vocabulary: a power of two, at
 * least twice its terms; 0 for hashing.
 */
size_t mlclf_text_vocab_slots(const mlclf_text_params_t *p);

/*
 * Builds the lookup index of p's vocabulary, which has passed
 * mlclf_text_params_check(), into index (mlclf_text_vocab_slots()
 * entries, the caller's, kept as long as p) and sets p->vocab_index
 * and p->vocab_bits.
 */
void mlclf_text_vocab_index(mlclf_text_params_t *p,
    mlclf_text_slot_t *index);

/*
 * The column of the term gram[0 .. len) of p's vocabulary by a binary
 * search of its sorted terms, or -1.
 */
int64_t mlclf_text_vocab_search(const mlclf_text_params_t *p,
    const uint8_t *gram, size_t len);

/*
 * The column of the term gram[0 .. len) of p's vocabulary, or -1: from
 * p->vocab_index if there is one, else by mlclf_text_vocab_search().
 * Inline: the featurizer looks up every word of a text.
 */

static inline int64_t
mlclf_text_vocab_find(const mlclf_text_params_t *p, const uint8_t *gram,
    size_t len)
{
    size_t                    slot, mask;
    uint32_t                  id;
    const uint32_t           *off;
    const mlclf_text_slot_t  *s;

    if (p->vocab_index == NULL) {
        return mlclf_text_vocab_search(p, gram, len);
    }

    mask = ((size_t) 1 << p->vocab_bits) - 1;
    slot = mlclf_hash(gram, len) >> (64 - p->vocab_bits);

    /* at most half the slots are taken: an empty one ends the probe */

    for (s = &p->vocab_index[slot]; s->id != 0;
         slot = (slot + 1) & mask, s = &p->vocab_index[slot])
    {
        if (s->len != 0) {
            if (s->len == len && mlclf_mem_eq(s->term, gram, len)) {
                return s->id - 1;
            }

            continue;
        }

        if (len > MLCLF_TEXT_SLOT_TERM) {
            off = p->vocab_offsets;
            id = s->id - 1;

            if (off[id + 1] - off[id] == len
                && mlclf_mem_eq(p->vocab + off[id], gram, len))
            {
                return id;
            }
        }
    }

    return -1;
}


#endif /* _MLCLF_TEXT_VOCAB_H_INCLUDED_ */
