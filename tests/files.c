
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Files in tests (files.h).
 */


#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <mlclf.h>
#include <mlclf_file.h>
#include "files.h"


void
files_tmpdir(char *buf, size_t size, const char *name)
{
    const char  *base;

    base = getenv("TMPDIR");
    (void) snprintf(buf, size, "%s/%s.XXXXXX", base ? base : "/tmp", name);

    if (mkdtemp(buf) == NULL) {
        printf("Bail out! mkdtemp %s: %s\n", buf, strerror(errno));
        exit(1);
    }
}


void
files_tmpdir_done(const char *dir, int failed)
{
    char  cmd[4096 + 16];

    if (failed) {
        printf("# left %s for inspection\n", dir);
        return;
    }

    (void) snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    (void) system(cmd);
}


int
files_write(const char *path, const void *data, size_t len)
{
    int      fd;
    ssize_t  n;

    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd == -1) {
        return -1;
    }

    n = write(fd, data, len);

    if (close(fd) == -1 || n != (ssize_t) len) {
        return -1;
    }

    return 0;
}


char *
files_read(const char *path, size_t *len)
{
    char    *p;
    size_t   n;

    if (mlclf_file_read(path, SIZE_MAX, &p, &n, NULL) != MLCLF_OK) {
        return NULL;
    }

    if (len != NULL) {
        *len = n;
    }

    return p;
}


int
files_exists(const char *path)
{
    struct stat  st;

    return lstat(path, &st) == 0;
}


int
files_count(const char *dir, const char *prefix)
{
    int             n;
    DIR            *d;
    size_t          len;
    struct dirent  *de;

    d = opendir(dir);
    if (d == NULL) {
        return -1;
    }

    n = 0;
    len = strlen(prefix);

    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0
            && strncmp(de->d_name, prefix, len) == 0)
        {
            n++;
        }
    }

    (void) closedir(d);

    return n;
}
