
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The hash of every in-memory table keyed by strings (feature names,
 * labels, a text's vocabulary, the trainer's categories): xxHash's XXH3,
 * 64 bits, any bits of which may index.  It comes in through xxhash.h's
 * inline mode, so that a lookup on the request path hashes its key
 * (a word, a feature name: a few bytes) without any call.  Never stored
 * in a file, so it may change with the library.  This is the only file
 * that includes xxhash.h; the model file's CRC-32 is mlclf_crc32()
 * (mlclf.h, zlib's).
 */


#ifndef _MLCLF_HASH_H_INCLUDED_
#define _MLCLF_HASH_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>

#define XXH_INLINE_ALL
#include <xxhash.h>


static inline uint64_t
mlclf_hash(const void *data, size_t len)
{
    return XXH3_64bits(data, len);
}


#endif /* _MLCLF_HASH_H_INCLUDED_ */
