
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Private to libmlclf: the text featurizer's first steps
 * (mlclf_text_token.c), which mlclf_text.c builds its n-grams on.
 */


#ifndef _MLCLF_TEXT_TOKEN_H_INCLUDED_
#define _MLCLF_TEXT_TOKEN_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>


/*
 * The text validated and, if lower, lowercased as str.lower() does,
 * into out (mlclf_text_lower_size(len) bytes; a copy if not lower).
 * Returns the length written, or -1 if the text is not valid UTF-8.
 */
ptrdiff_t mlclf_text_token_prepare(const uint8_t *text, size_t len, int lower,
    uint8_t *out);

/*
 * The tokens of the valid UTF-8 text buf[0 .. len): maximal runs of two
 * or more word characters (mlclf_text_is_word), rewritten in place,
 * joined by one space, and a space after the last (at the new length,
 * so buf[len] must be room).  Returns the new length; *ntok gets the
 * number of tokens.
 */
size_t mlclf_text_token_join(uint8_t *buf, size_t len, size_t *ntok);


#endif /* _MLCLF_TEXT_TOKEN_H_INCLUDED_ */
