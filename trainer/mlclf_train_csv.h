
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Private to the trainer: the CSV lexer of the data loader (fields,
 * quotes, numbers); the dialect is described in mlclf_train_csv.c.
 */


#ifndef _MLCLF_TRAIN_CSV_H_INCLUDED_
#define _MLCLF_TRAIN_CSV_H_INCLUDED_


#include <stddef.h>


/* a field: content span (inside the quotes if quoted) */
typedef struct {
    const char               *s;
    const char               *e;
    unsigned                  quoted:1;
    unsigned                  escaped:1;
} mlclf_train_csv_field_t;


/*
 * Scans the field at *pp.  On return *pp is at the delimiter: ',', '\n',
 * the '\n' of a CRLF, or end; *line counts the line breaks inside
 * quotes.  Returns 0, or 1 for an unterminated quote, 2 for text after a
 * closing quote.
 */
int mlclf_train_csv_scan(const char **pp, const char *end,
    mlclf_train_csv_field_t *f, size_t *line);

/*
 * The field's content without "" escapes: in place, or unescaped into
 * *scratch (*size bytes, grown with realloc(), the caller's to free).
 * MLCLF_ENOMEM if it cannot grow.
 */
int mlclf_train_csv_unescape(const mlclf_train_csv_field_t *f,
    char **scratch, size_t *size, const char **s, size_t *len);

/* A field's length without its "" escapes, counted in place. */
size_t mlclf_train_csv_field_len(const mlclf_train_csv_field_t *f);

/*
 * Any decimal number (already trimmed): 0 ok, 1 not a number, 2 NaN or
 * infinity text, 3 out of the range of a double.
 */
int mlclf_train_csv_number(const char *s, size_t len, double *out);


#endif /* _MLCLF_TRAIN_CSV_H_INCLUDED_ */
