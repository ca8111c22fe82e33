
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The header of a model file without its payload (mlclf_header.h).
 */


#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <mlclf.h>
#include <mlclf_format.h>
#include <mlclf_header.h>


int
mlclf_header_parse(const void *buf, size_t len, mlclf_header_t *h,
    mlclf_err_t *err)
{
    uint32_t             crc;
    mlclf_file_header_t  fh;

    memset(h, 0, sizeof(*h));

    if (len < MLCLF_HEADER_SIZE) {
        return mlclf_err_set(err, MLCLF_ETRUNCATED, "file is %zu bytes, "
                             "shorter than the %d-byte header", len,
                             MLCLF_HEADER_SIZE);
    }

    memcpy(&fh, buf, sizeof(fh));

    if (memcmp(fh.magic, MLCLF_MAGIC, MLCLF_MAGIC_LEN) != 0) {
        return mlclf_err_set(err, MLCLF_EMAGIC,
                             "bad magic: not an .mlclf model file");
    }

    if (fh.header_size != MLCLF_HEADER_SIZE
        || fh.endian != MLCLF_ENDIAN_PROBE || fh.format_version == 0)
    {
        return mlclf_err_set(err, MLCLF_EHEADER, "header size %u, "
                             "endianness probe 0x%08x or format version %u "
                             "out of range", fh.header_size, fh.endian,
                             fh.format_version);
    }

    crc = fh.header_crc32;
    fh.header_crc32 = 0;

    if (mlclf_crc32(0, &fh, sizeof(fh)) != crc) {
        return mlclf_err_set(err, MLCLF_EHEADERCRC,
                             "header CRC-32 mismatch");
    }

    h->format_version = fh.format_version;
    h->model_version = fh.model_version;
    h->file_size = fh.file_size;
    h->payload_crc32 = fh.payload_crc32;

    return MLCLF_OK;
}


int
mlclf_header_read_fd(int fd, mlclf_header_t *h, mlclf_err_t *err)
{
    int          rc;
    char         buf[MLCLF_HEADER_SIZE];
    ssize_t      n;
    struct stat  st;

    memset(h, 0, sizeof(*h));

    if (fstat(fd, &st) == -1) {
        return mlclf_err_set(err, MLCLF_EIO, "fstat: %s", strerror(errno));
    }

    do {
        n = pread(fd, buf, sizeof(buf), 0);
    } while (n == -1 && errno == EINTR);

    if (n == -1) {
        return mlclf_err_set(err, MLCLF_EIO, "read: %s", strerror(errno));
    }

    rc = mlclf_header_parse(buf, (size_t) n, h, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    if (h->file_size != (uint64_t) st.st_size) {
        return mlclf_err_set(err, MLCLF_ETRUNCATED, "the header says %llu "
                             "bytes, the file has %lld",
                             (unsigned long long) h->file_size,
                             (long long) st.st_size);
    }

    return MLCLF_OK;
}
