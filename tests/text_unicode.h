
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * test_text's code point checks: mlclf_text_is_word(), mlclf_text_lower()
 * and the capital sigma's context against the facts Python 3.11 wrote in
 * unicode.txt (tests/ref/text_vectors.py), for every code point.
 */


#ifndef _TEXT_UNICODE_H_INCLUDED_
#define _TEXT_UNICODE_H_INCLUDED_


/* what differs, by kind, over n code points */
typedef struct {
    size_t                    n;
    size_t                    n_lower;      /* Python's that change */
    size_t                    word;
    size_t                    lower;
    size_t                    sigma;
    size_t                    size;         /* lowercase over 3/2 */
    size_t                    words;        /* two word characters */
} text_unicode_t;


/*
 * Checks every code point but the surrogates against dir/unicode.txt,
 * printing the first differences as TAP diagnostics.  0, or -1 if the
 * file cannot be read.
 */
int text_unicode_check(const char *dir, text_unicode_t *r);


#endif /* _TEXT_UNICODE_H_INCLUDED_ */
