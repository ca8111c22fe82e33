
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Input files of the CLIs: opened without blocking on a FIFO or a
 * device, and read whole.
 */


#ifndef _MLCLF_FILE_H_INCLUDED_
#define _MLCLF_FILE_H_INCLUDED_


#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>
#include <mlclf.h>


/*
 * Opens path for reading if it is a regular file, and fills *st.  A
 * FIFO, device, directory or socket is refused without blocking (a FIFO
 * with no writer would wait forever): "<path>: a FIFO, not a regular
 * file".  Returns the descriptor, or -1 with err set to MLCLF_EIO.
 */
int mlclf_file_open(const char *path, struct stat *st, mlclf_err_t *err);

/*
 * Reads size bytes from the start of fd (path names it in messages)
 * into a malloc()ed buffer with a NUL after them, and closes fd in any
 * case.  A file that ends before size bytes is an error.  MLCLF_OK,
 * MLCLF_ENOMEM or MLCLF_EIO.
 */
int mlclf_file_read_fd(int fd, const char *path, size_t size, char **buf,
    size_t *len, mlclf_err_t *err);

/*
 * mlclf_file_open() then mlclf_file_read_fd(): the whole of a regular
 * file of at most max bytes ("<path>: larger than <max> bytes",
 * MLCLF_EINVAL, if longer).
 */
int mlclf_file_read(const char *path, size_t max, char **buf, size_t *len,
    mlclf_err_t *err);


/*
 * The one form of a message about a place in an input file (DESIGN.md,
 * the CLIs' errors): "<path>:<line>:<col>: <message>", line and column
 * counted from 1.  Sets err to code and returns code.
 */
int mlclf_file_error(mlclf_err_t *err, int code, const char *path,
    size_t line, size_t col, const char *fmt, va_list ap);


#endif /* _MLCLF_FILE_H_INCLUDED_ */
