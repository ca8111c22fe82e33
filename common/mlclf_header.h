
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The cheap look at a model file that the CLIs take without reading
 * the payload: its 128-byte header (libmlclf/mlclf_format.h).  The full
 * check is the core's (mlclf_model_load); this one only says whether
 * the file looks whole and which format version wrote it.
 */


#ifndef _MLCLF_HEADER_H_INCLUDED_
#define _MLCLF_HEADER_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <mlclf.h>


typedef struct {
    uint32_t                  format_version;
    uint32_t                  model_version;    /* registry N, or 0 */
    uint64_t                  file_size;
    uint32_t                  payload_crc32;
} mlclf_header_t;


/*
 * The header at buf (len bytes: at least the header, or the whole file)
 * into h: magic, header size, endianness probe and header CRC-32
 * checked, as the core checks them, and a format version of at least 1.
 * Returns MLCLF_OK, or the core's code (MLCLF_ETRUNCATED, MLCLF_EMAGIC,
 * MLCLF_EHEADER, MLCLF_EHEADERCRC) with err->msg the reason.
 */
int mlclf_header_parse(const void *buf, size_t len, mlclf_header_t *h,
    mlclf_err_t *err);

/*
 * The header of the file open at fd (read with pread, the offset is
 * not moved), and its size: a file_size other than the size of the
 * file is MLCLF_ETRUNCATED.  MLCLF_EIO if it cannot be read.
 */
int mlclf_header_read_fd(int fd, mlclf_header_t *h, mlclf_err_t *err);


#endif /* _MLCLF_HEADER_H_INCLUDED_ */
