
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Untrusted bytes (data, configuration, command-line names) shown in a
 * one-line message: the one quoting policy of the CLIs.
 */


#ifndef _MLCLF_QUOTE_H_INCLUDED_
#define _MLCLF_QUOTE_H_INCLUDED_


#include <stddef.h>


/*
 * At most MLCLF_QUOTE_MAX bytes of the input are shown; buf must hold
 * MLCLF_QUOTE_LEN bytes.
 */
#define MLCLF_QUOTE_MAX  40
#define MLCLF_QUOTE_LEN  (MLCLF_QUOTE_MAX * 4 + 8)


/*
 * s[len] (any bytes, no NUL needed) into buf as "text", quotes
 * included: printable ASCII is kept, '"', '\' and every other byte
 * (control bytes, DEL, bytes >= 0x80) become \xNN, so nothing a
 * terminal would act on gets through.  Input longer than
 * MLCLF_QUOTE_MAX bytes is cut and ends in "...".  Returns buf.
 */
const char *mlclf_quote(const char *s, size_t len, char *buf);


#endif /* _MLCLF_QUOTE_H_INCLUDED_ */
