
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The two hashes of libmlclf, each from a maintained library: CRC-32
 * for the model file's checksums is zlib's crc32_z(), and the hash of
 * every in-memory table keyed by strings (feature names, labels, a
 * text's vocabulary, the trainer's categories) is xxHash's XXH3, 64
 * bits.  XXH3 comes in through xxhash.h's inline mode, so the short
 * keys of the request path hash without a call into another library;
 * this is the only file that includes it.
 */


#include <zlib.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "mlclf.h"


uint32_t
mlclf_crc32(uint32_t crc, const void *data, size_t len)
{
    if (len == 0) {
        /* zlib returns 0 for a NULL buffer whatever crc was */
        return crc;
    }

    return (uint32_t) crc32_z(crc, data, len);
}


uint64_t
mlclf_hash(const void *data, size_t len)
{
    return XXH3_64bits(data, len);
}
