
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The CLIs' one JSON style (common/mlclf_jsonout.h) as the tests check
 * it on what each tool prints: a checker that knows nothing of the
 * writer but the core's number formatter, the definition of "shortest".
 */


#ifndef _JSON_STYLE_H_INCLUDED_
#define _JSON_STYLE_H_INCLUDED_


#include <stddef.h>


/*
 * 1 if text is one JSON value that cJSON parses, written compact (no
 * white space outside strings) and followed by exactly one newline,
 * with every number in the shortest form that reads back as the same
 * double (as mlclf_double_format() writes it; an integer of 16 digits
 * or more may be exact instead).  Else 0, and why (size bytes) says
 * where and what.
 */
int json_style_ok(const char *text, char *why, size_t size);


#endif /* _JSON_STYLE_H_INCLUDED_ */
