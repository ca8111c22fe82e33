
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Test helpers that edit the bytes of a model file in memory (see
 * libmlclf/mlclf_format.h): its header, a section by type, and both
 * CRC-32s recomputed after a change.  Shared by the tests that damage
 * models on purpose.
 */


#ifndef _MLCLF_MODEL_BYTES_H_INCLUDED_
#define _MLCLF_MODEL_BYTES_H_INCLUDED_


#include <stdio.h>
#include <stdlib.h>

#include "mlclf.h"
#include "mlclf_format.h"


static inline mlclf_file_header_t *
hdr(uint8_t *p)
{
    return (mlclf_file_header_t *) p;
}


static inline mlclf_file_section_t *
sec_at(uint8_t *p, uint32_t i)
{
    return (mlclf_file_section_t *) (p + hdr(p)->section_offset) + i;
}


/* the first section of type; bails out if there is none */
static inline mlclf_file_section_t *
sec(uint8_t *p, uint32_t type)
{
    uint32_t  i;

    for (i = 0; i < hdr(p)->section_count; i++) {
        if (sec_at(p, i)->type == type) {
            return sec_at(p, i);
        }
    }

    printf("Bail out! no section %u\n", type);
    exit(1);
}


static inline void *
data(uint8_t *p, uint32_t type)
{
    return p + sec(p, type)->offset;
}


static inline void
fix_crc(uint8_t *p, size_t len)
{
    mlclf_file_header_t  *h;

    h = hdr(p);
    h->payload_crc32 = mlclf_crc32(0, p + MLCLF_HEADER_SIZE,
                                   len - MLCLF_HEADER_SIZE);
    h->header_crc32 = 0;
    h->header_crc32 = mlclf_crc32(0, h, MLCLF_HEADER_SIZE);
}


#endif /* _MLCLF_MODEL_BYTES_H_INCLUDED_ */
