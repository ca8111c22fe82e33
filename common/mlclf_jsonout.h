
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The one JSON style of the CLIs: every --json output and every
 * meta.json is written here.  Compact (no space or newline between
 * tokens), numbers in the shortest form that reads back as the same
 * double (0.2, not 0.20000000000000001), non-finite numbers as null,
 * strings escaped as RFC 8259 asks and no more.
 */


#ifndef _MLCLF_JSONOUT_H_INCLUDED_
#define _MLCLF_JSONOUT_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cjson/cJSON.h>


/*
 * A growing text buffer: zero it to start.  An allocation failure sets
 * nomem and makes every later call a no-op, so a writer checks once at
 * the end.  p is NUL-terminated whenever len > 0.
 */
typedef struct {
    char                     *p;
    size_t                    len;
    size_t                    size;
    unsigned                  nomem:1;
} mlclf_jsonout_t;


/* n bytes of s as they are (already JSON). */
void mlclf_jsonout_raw(mlclf_jsonout_t *b, const char *s, size_t n);

/* The NUL-terminated s as it is. */
void mlclf_jsonout_put(mlclf_jsonout_t *b, const char *s);

/* s as a JSON string, quotes included. */
void mlclf_jsonout_string(mlclf_jsonout_t *b, const char *s);

/* d in the shortest round-trip form; -0 as 0; NaN and infinities null. */
void mlclf_jsonout_number(mlclf_jsonout_t *b, double d);

/* v in decimal (for counts above 2^53 that a double cannot hold). */
void mlclf_jsonout_uint(mlclf_jsonout_t *b, uint64_t v);

/*
 * Opens a member: a comma unless it is the first of its object (the
 * last byte written is '{' or '['), then "k":.
 */
void mlclf_jsonout_key(mlclf_jsonout_t *b, const char *k);

/* The cJSON tree j (NULL: null). */
void mlclf_jsonout_tree(mlclf_jsonout_t *b, const cJSON *j);

/* Frees b->p and zeroes b. */
void mlclf_jsonout_free(mlclf_jsonout_t *b);

/*
 * j as text in a malloc()ed NUL-terminated buffer (*len without the
 * NUL, if len is not NULL); NULL when out of memory.
 */
char *mlclf_jsonout_text(const cJSON *j, size_t *len);

/*
 * j as text and a newline on f; 0, or -1 when out of memory or f
 * reports an error.
 */
int mlclf_jsonout_print(FILE *f, const cJSON *j);


#endif /* _MLCLF_JSONOUT_H_INCLUDED_ */
