
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * SHA-256 of data sets and model files, for the metadata and the
 * registry's checks: libcrypto's, behind one call.
 */


#ifndef _MLCLF_SHA256_H_INCLUDED_
#define _MLCLF_SHA256_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <mlclf.h>


/*
 * The digest of data[len] into out[32]: MLCLF_OK, or MLCLF_ENOMEM (out
 * is then zeroed) if the library could not allocate its context.
 */
int mlclf_sha256(const void *data, size_t len, uint8_t out[32]);

/*
 * The same digest of data given in parts: after each part of at most
 * step bytes (> 0), after(arg, part, part_end) is called if not NULL,
 * before the next part is read (a reader of a mapped file gives the
 * part's pages back there).  MLCLF_ENOMEM if the digest's context
 * cannot be allocated (out is then zeros).
 */
int mlclf_sha256_parts(const void *data, size_t len, size_t step,
    void (*after)(const char *from, const char *to), uint8_t out[32]);

/* digest[32] as 64 lowercase hex digits and a NUL into hex[65]. */
void mlclf_sha256_hex(const uint8_t digest[32], char hex[65]);


#endif /* _MLCLF_SHA256_H_INCLUDED_ */
