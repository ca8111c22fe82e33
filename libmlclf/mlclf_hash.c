
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The model file's CRC-32, from zlib: crc32_z().  The tables' hash,
 * xxHash's XXH3, is inline in mlclf_hash.h.
 */


#include <zlib.h>

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
