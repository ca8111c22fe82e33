
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Private to libmlclf: what the model reader takes from mlclf_reply.c.
 */


#ifndef _MLCLF_REPLY_H_INCLUDED_
#define _MLCLF_REPLY_H_INCLUDED_


#include <stddef.h>


/* The bytes of s (NUL-terminated) escaped as a JSON string's contents. */
size_t mlclf_reply_escaped_len(const char *s);


#endif /* _MLCLF_REPLY_H_INCLUDED_ */
