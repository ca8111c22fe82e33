
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Files in tests: a scratch directory of their own, and files written
 * or read whole in one call.
 */


#ifndef _FILES_H_INCLUDED_
#define _FILES_H_INCLUDED_


#include <stddef.h>


/*
 * Makes the directory $TMPDIR/<name>.XXXXXX (TMPDIR: /tmp if unset)
 * and puts its path into buf; bails out of the test if it cannot.
 */
void files_tmpdir(char *buf, size_t size, const char *name);

/*
 * Removes dir if no test failed (failed: tap_failed); otherwise leaves
 * it for inspection and says so.
 */
void files_tmpdir_done(const char *dir, int failed);

/* Writes len bytes of data to path (created or truncated).  0 or -1. */
int files_write(const char *path, const void *data, size_t len);

/*
 * The whole of the regular file path, malloc()ed, with a NUL after it;
 * *len (if not NULL) gets its length.  NULL if it cannot be read.
 */
char *files_read(const char *path, size_t *len);

/* 1 if path exists, even as a dangling symbolic link. */
int files_exists(const char *path);

/*
 * The entries of the directory dir whose names start with prefix (""
 * for all), "." and ".." never counted; -1 if dir cannot be read.
 */
int files_count(const char *dir, const char *prefix);


#endif /* _FILES_H_INCLUDED_ */
