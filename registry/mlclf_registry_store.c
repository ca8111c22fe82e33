
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The model registry on disk (DESIGN.md §4): what every operation of
 * the store shares (paths, names, opening, locking, fsync, clean-up,
 * scanning and reading versions) and the rules they all follow.  The
 * operations are in the other mlclf_registry_*.c files (list:
 * mlclf_registry_int.h).
 *
 * Crash safety.  Every change happens under flock(<root>/<name>/.lock).
 * A version is written into versions/.staging-v<N>-<pid> and renamed to
 * versions/v<N> only when complete and fsync'd, so a directory named
 * v<N> never appears half written; leftover .staging-* directories and
 * active.tmp.* links are stale by definition (their writer held the
 * lock and is gone) and are removed by the next stage() or promote().
 * active is swapped by creating the symlink active.tmp.<pid> and
 * rename(2)-ing it over active, then fsync'ing the model directory.
 *
 * Links.  active is the one symbolic link the registry makes; it is
 * replaced by rename(2), which never follows it.  Nothing is written
 * through a link: the model directory, versions/ and a staging
 * directory must not be links, every file opened to write or fsync is
 * opened with O_NOFOLLOW, and a name about to be created (v<N>, the
 * staging directory, active.tmp.<pid>) must be free.  Otherwise the
 * command is refused with MLCLF_REGISTRY_EUNSAFE, naming the path,
 * before anything changes: run by root on a registry others can write,
 * a planted link must not make it append to or create any other file.
 * Stale entries are removed through directory descriptors opened with
 * O_NOFOLLOW, so a link among them is unlinked, never followed.  Only
 * the files of a version are read through links (as NGINX does).
 *
 * history.log and the rollback rule: mlclf_registry_history.c.
 */


#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <mlclf.h>
#include <mlclf_file.h>
#include <mlclf_quote.h>
#include "mlclf_registry_int.h"


static int mlclf_registry_check(const char *root, const char *name,
    mlclf_err_t *err);
static int mlclf_registry_no_link(const char *path, mlclf_err_t *err);
static DIR *mlclf_registry_opendir(int dfd, const char *name);


int
mlclf_registry_version_parse(const char *v, uint32_t *n)
{
    uint64_t  x;

    if (v == NULL || v[0] != 'v' || v[1] < '1' || v[1] > '9') {
        return 0;
    }

    x = 0;

    for (v++; *v != '\0'; v++) {
        if (*v < '0' || *v > '9') {
            return 0;
        }

        x = x * 10 + (uint64_t) (*v - '0');

        if (x > UINT32_MAX) {
            return 0;
        }
    }

    if (n != NULL) {
        *n = (uint32_t) x;
    }

    return 1;
}


int
mlclf_registry_version_arg(const char *s, uint32_t *n)
{
    char  buf[16];

    if (s == NULL) {
        return 0;
    }

    if (s[0] == 'v') {
        return mlclf_registry_version_parse(s, n);
    }

    if (strlen(s) > 10) {
        return 0;
    }

    (void) snprintf(buf, sizeof(buf), "v%s", s);

    return mlclf_registry_version_parse(buf, n);
}


void
mlclf_registry_vstr(char *buf, size_t size, uint32_t v)
{
    if (v == 0) {
        (void) snprintf(buf, size, "-");

    } else {
        (void) snprintf(buf, size, "v%u", v);
    }
}


mlclf_registry_exit_e
mlclf_registry_exit_code(int rc)
{
    switch (rc) {

    case MLCLF_OK:
        return MLCLF_REGISTRY_EXIT_OK;

    case MLCLF_ENOMEM:
        return MLCLF_REGISTRY_EXIT_INTERNAL;

    case MLCLF_EINVAL:
        return MLCLF_REGISTRY_EXIT_USAGE;

    case MLCLF_EIO:
        return MLCLF_REGISTRY_EXIT_IO;

    case MLCLF_REGISTRY_ENOENT:
        return MLCLF_REGISTRY_EXIT_NOT_FOUND;

    case MLCLF_REGISTRY_ENOHISTORY:
        return MLCLF_REGISTRY_EXIT_NO_HISTORY;

    case MLCLF_REGISTRY_ENOTMASTER:
        return MLCLF_REGISTRY_EXIT_RELOAD;

    case MLCLF_REGISTRY_EINCOMPLETE:
    case MLCLF_REGISTRY_ECHECKSUM:
    case MLCLF_REGISTRY_EACTIVE:
    case MLCLF_REGISTRY_EUNSAFE:
        return MLCLF_REGISTRY_EXIT_INVALID;

    default:
        /* the core refused the model file: damage, not our fault */
        if (mlclf_err_is_damage(rc)) {
            return MLCLF_REGISTRY_EXIT_INVALID;
        }

        return MLCLF_REGISTRY_EXIT_INTERNAL;
    }
}


static int
mlclf_registry_check(const char *root, const char *name, mlclf_err_t *err)
{
    size_t  len;
    char    shown[MLCLF_QUOTE_LEN];

    if (root == NULL || root[0] == '\0') {
        return mlclf_err_set(err, MLCLF_EINVAL, "empty registry root");
    }

    if (name == NULL) {
        return mlclf_err_set(err, MLCLF_EINVAL, "no model name");
    }

    len = strlen(name);

    if (mlclf_model_name_check(name, len) == MLCLF_OK) {
        return MLCLF_OK;
    }

    return mlclf_err_set(err, MLCLF_EINVAL,
                         "invalid model name %s: must match "
                         "[a-z0-9_-]{1,64}", mlclf_quote(name, len, shown));
}


int
mlclf_registry_path(char *buf, mlclf_err_t *err, const char *fmt, ...)
{
    int      n;
    va_list  ap;

    va_start(ap, fmt);
    n = vsnprintf(buf, MLCLF_REGISTRY_PATH_MAX, fmt, ap);
    va_end(ap);

    if (n < 0 || n >= MLCLF_REGISTRY_PATH_MAX) {
        return mlclf_err_set(err, MLCLF_EINVAL, "path too long");
    }

    return MLCLF_OK;
}


/*
 * open(2) with O_CLOEXEC added.  With O_NOFOLLOW in flags a symbolic
 * link is refused by name (MLCLF_REGISTRY_EUNSAFE).  On failure *fd is
 * -1 and errno is open(2)'s.
 */
int
mlclf_registry_open(const char *path, int flags, int *fd, mlclf_err_t *err)
{
    int          e, rc;
    struct stat  st;

    *fd = open(path, flags | O_CLOEXEC, 0644);
    if (*fd != -1) {
        return MLCLF_OK;
    }

    e = errno;

    /* a link gives ELOOP, or ENOTDIR with O_DIRECTORY: ask lstat() */
    if ((flags & O_NOFOLLOW) && (e == ELOOP || e == ENOTDIR)
        && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
    {
        rc = mlclf_err_set(err, MLCLF_REGISTRY_EUNSAFE,
                           MLCLF_REGISTRY_LINK_MSG, path);

    } else {
        rc = mlclf_err_set(err, MLCLF_EIO, "%s: open: %s", path,
                           strerror(e));
    }

    errno = e;

    return rc;
}


/* MLCLF_REGISTRY_EUNSAFE if path is a symbolic link; it need not exist. */
static int
mlclf_registry_no_link(const char *path, mlclf_err_t *err)
{
    struct stat  st;

    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
        return mlclf_err_set(err, MLCLF_REGISTRY_EUNSAFE,
                             MLCLF_REGISTRY_LINK_MSG, path);
    }

    return MLCLF_OK;
}


/* closes *fd and sets it to -1; closing the .lock releases its flock */
void
mlclf_registry_close(int *fd)
{
    if (*fd >= 0) {
        (void) close(*fd);
        *fd = -1;
    }
}


/* flags: O_NOFOLLOW (and O_DIRECTORY) inside a model directory. */
int
mlclf_registry_fsync_path(const char *path, int flags, mlclf_err_t *err)
{
    int  fd, e, rc;

    rc = mlclf_registry_open(path, O_RDONLY | flags, &fd, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    if (fsync(fd) == -1 && errno != EINVAL) {
        e = errno;
        (void) close(fd);
        return mlclf_err_set(err, MLCLF_EIO, "%s: fsync: %s", path,
                             strerror(e));
    }

    (void) close(fd);

    return MLCLF_OK;
}


/* mkdir -p, fsync'ing the parent of each directory it creates. */
int
mlclf_registry_mkdir(const char *path, mlclf_err_t *err)
{
    int          rc;
    char        *p;
    char         buf[MLCLF_REGISTRY_PATH_MAX];
    struct stat  st;

    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            return MLCLF_OK;
        }

        return mlclf_err_set(err, MLCLF_EIO, "%s: not a directory", path);
    }

    rc = mlclf_registry_path(buf, err, "%s", path);
    if (rc != MLCLF_OK) {
        return rc;
    }

    /* create the parent first */
    p = strrchr(buf, '/');

    while (p != NULL && p > buf && p[1] == '\0') {
        *p = '\0';
        p = strrchr(buf, '/');
    }

    if (p != NULL && p > buf) {
        *p = '\0';

        rc = mlclf_registry_mkdir(buf, err);
        if (rc != MLCLF_OK) {
            return rc;
        }

    } else {
        buf[0] = p == buf ? '/' : '.';
        buf[1] = '\0';
    }

    if (mkdir(path, 0755) == -1 && errno != EEXIST) {
        return mlclf_err_set(err, MLCLF_EIO, "%s: mkdir: %s", path,
                             strerror(errno));
    }

    /* the root and above: the registry's owner may have linked them */
    return mlclf_registry_fsync_path(buf, 0, err);
}


/* <root>/<name> into dir, both checked; the directory need not exist. */
int
mlclf_registry_model_path(const char *root, const char *name, char *dir,
    mlclf_err_t *err)
{
    int  rc;

    rc = mlclf_registry_check(root, name, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    return mlclf_registry_path(dir, err, "%s/%s", root, name);
}


/* <root>/<name> into dir; MLCLF_REGISTRY_ENOENT if it is not there. */
int
mlclf_registry_model_dir(const char *root, const char *name, char *dir,
    mlclf_err_t *err)
{
    int          rc;
    struct stat  st;

    rc = mlclf_registry_model_path(root, name, dir, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
        return mlclf_err_set(err, MLCLF_REGISTRY_ENOENT,
                             "no model \"%s\" in %s", name, root);
    }

    return MLCLF_OK;
}


/*
 * <root>/<name>/versions/v<N> into dir; MLCLF_REGISTRY_ENOENT if the
 * model or that version directory is not there.
 */
int
mlclf_registry_version_dir(const char *root, const char *name,
    uint32_t version, char *dir, mlclf_err_t *err)
{
    int          rc;
    struct stat  st;

    rc = mlclf_registry_model_dir(root, name, dir, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_registry_path(dir, err, "%s/%s/versions/v%u", root, name,
                             version);
    if (rc != MLCLF_OK) {
        return rc;
    }

    if (version == 0 || lstat(dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
        return mlclf_err_set(err, MLCLF_REGISTRY_ENOENT,
                             "no version v%u of model \"%s\"", version,
                             name);
    }

    return MLCLF_OK;
}


/*
 * Every writer starts here, so this is where a linked model directory
 * is refused: .lock, history.log and versions/ would be elsewhere.
 */
int
mlclf_registry_lock(const char *dir, int *fd, mlclf_err_t *err)
{
    int          rc;
    char         path[MLCLF_REGISTRY_PATH_MAX];
    struct stat  st;

    *fd = -1;

    rc = mlclf_registry_no_link(dir, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_registry_path(path, err, "%s/.lock", dir);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_registry_open(path, O_RDWR | O_CREAT | O_NOFOLLOW, fd, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    if (fstat(*fd, &st) == -1 || !S_ISREG(st.st_mode)) {
        mlclf_registry_close(fd);
        return mlclf_err_set(err, MLCLF_REGISTRY_EUNSAFE,
                             "%s: not a regular file, refused", path);
    }

    while (flock(*fd, LOCK_EX) == -1) {
        if (errno != EINTR) {
            rc = mlclf_err_set(err, MLCLF_EIO, "%s: flock: %s", path,
                               strerror(errno));
            mlclf_registry_close(fd);
            return rc;
        }
    }

    return MLCLF_OK;
}


/*
 * Removes name in the directory dfd and, if it is a directory, what is
 * in it, at most depth levels down.  A directory is entered only by
 * openat(O_NOFOLLOW) from its parent's descriptor, so a link, even one
 * swapped in meanwhile, is unlinked and never followed (nftw() and
 * remove() go by path and would follow it).  0, or -1 if anything is
 * left.
 */
int
mlclf_registry_rmtree(int dfd, const char *name, int depth)
{
    int             fd, rc;
    DIR            *d;
    struct dirent  *de;

    fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd == -1) {
        /* a link or a file (or gone) */
        if (unlinkat(dfd, name, 0) == -1 && errno != ENOENT) {
            return -1;
        }

        return 0;
    }

    d = fdopendir(fd);
    if (d == NULL) {
        (void) close(fd);
        return -1;
    }

    rc = 0;

    while (depth > 0 && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) {
            continue;
        }

        if (mlclf_registry_rmtree(dirfd(d), de->d_name, depth - 1) == -1) {
            rc = -1;
        }
    }

    (void) closedir(d);

    if (unlinkat(dfd, name, AT_REMOVEDIR) == -1) {
        rc = -1;
    }

    return rc;
}


/* The directory name in dfd, opened without following a link, or NULL. */
static DIR *
mlclf_registry_opendir(int dfd, const char *name)
{
    int   fd;
    DIR  *d;

    fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd == -1) {
        return NULL;
    }

    d = fdopendir(fd);
    if (d == NULL) {
        (void) close(fd);
    }

    return d;
}


/*
 * Removes what a killed writer left behind: versions/.staging-* and
 * active.tmp.* links.  Only called with the lock held, so nobody owns
 * them.  Something else named active.tmp.* is not ours: it stays, and
 * swap() refuses if it is in its way.
 */
void
mlclf_registry_clean(const char *dir)
{
    DIR            *d, *v;
    struct stat     st;
    struct dirent  *de;

    d = mlclf_registry_opendir(AT_FDCWD, dir);
    if (d == NULL) {
        return;
    }

    while ((de = readdir(d)) != NULL) {
        if (strncmp(de->d_name, "active.tmp.", 11) == 0
            && fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0
            && S_ISLNK(st.st_mode))
        {
            (void) unlinkat(dirfd(d), de->d_name, 0);
        }
    }

    v = mlclf_registry_opendir(dirfd(d), "versions");

    (void) closedir(d);

    if (v == NULL) {
        return;
    }

    while ((de = readdir(v)) != NULL) {
        if (strncmp(de->d_name, ".staging-", 9) == 0) {
            (void) mlclf_registry_rmtree(dirfd(v), de->d_name,
                                         MLCLF_REGISTRY_RM_DEPTH);
        }
    }

    (void) closedir(v);
}


static int
mlclf_registry_cmp_u32(const void *a, const void *b)
{
    uint32_t  x, y;

    x = *(const uint32_t *) a;
    y = *(const uint32_t *) b;

    return x < y ? -1 : (x > y);
}


/* The v<N> directories under <dir>/versions, sorted; none: *n = 0. */
int
mlclf_registry_scan(const char *dir, uint32_t **vs, size_t *n,
    mlclf_err_t *err)
{
    DIR            *d;
    int             rc;
    char            path[MLCLF_REGISTRY_PATH_MAX];
    size_t          cap;
    uint32_t        v, *a, *na;
    struct stat     st;
    struct dirent  *de;

    *vs = NULL;
    *n = 0;

    rc = mlclf_registry_path(path, err, "%s/versions", dir);
    if (rc != MLCLF_OK) {
        return rc;
    }

    d = opendir(path);
    if (d == NULL) {
        if (errno == ENOENT) {
            return MLCLF_OK;
        }

        return mlclf_err_set(err, MLCLF_EIO, "%s: opendir: %s", path,
                             strerror(errno));
    }

    a = NULL;
    cap = 0;

    while ((de = readdir(d)) != NULL) {
        if (!mlclf_registry_version_parse(de->d_name, &v)) {
            continue;
        }

        if (mlclf_registry_path(path, NULL, "%s/versions/%s", dir,
                                de->d_name) != MLCLF_OK
            || lstat(path, &st) == -1 || !S_ISDIR(st.st_mode))
        {
            continue;
        }

        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            na = realloc(a, cap * sizeof(uint32_t));
            if (na == NULL) {
                free(a);
                (void) closedir(d);
                return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
            }

            a = na;
        }

        a[(*n)++] = v;
    }

    (void) closedir(d);

    if (*n > 1) {
        qsort(a, *n, sizeof(uint32_t), mlclf_registry_cmp_u32);
    }

    *vs = a;

    return MLCLF_OK;
}


/*
 * flags: added to O_RDONLY, e.g. O_NOFOLLOW.  Opening is the registry's
 * (a missing or odd file is an incomplete version); reading is
 * mlclf_file_read_fd()'s.
 */
int
mlclf_registry_read_file(const char *path, int flags, char **buf,
    size_t *len, mlclf_err_t *err)
{
    int          fd, e, rc;
    struct stat  st;

    *buf = NULL;
    *len = 0;

    rc = mlclf_registry_open(path, O_RDONLY | flags, &fd, err);
    if (rc != MLCLF_OK) {
        if (errno == ENOENT) {
            return mlclf_err_set(err, MLCLF_REGISTRY_EINCOMPLETE,
                                 "%s: missing", path);
        }

        return rc;
    }

    if (fstat(fd, &st) == -1) {
        e = errno;
        (void) close(fd);
        return mlclf_err_set(err, MLCLF_EIO, "%s: fstat: %s", path,
                             strerror(e));
    }

    if (!S_ISREG(st.st_mode)) {
        (void) close(fd);
        return mlclf_err_set(err, MLCLF_REGISTRY_EINCOMPLETE,
                             "%s: not a regular file", path);
    }

    return mlclf_file_read_fd(fd, path, (size_t) st.st_size, buf, len, err);
}
