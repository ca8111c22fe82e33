
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

/* digest[32] as 64 lowercase hex digits and a NUL into hex[65]. */
void mlclf_sha256_hex(const uint8_t digest[32], char hex[65]);


#endif /* _MLCLF_SHA256_H_INCLUDED_ */
