
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The model registry on disk (DESIGN.md §4): publishing versions, the
 * active pointer, verification and history.log.
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
 * history.log: one event per line, each appended with O_APPEND in one
 * write(2) and fsync'd:
 *
 *   <time> <action> <from> <to>\n
 *
 *   time     UTC, "%Y-%m-%dT%H:%M:%SZ", e.g. 2026-11-24T13:00:00Z
 *   action   publish | promote | rollback
 *   from     "v<N>" or "-": the active version before (publish: "-")
 *   to       "v<N>": the version published / made active
 *
 * e.g. "2026-11-24T13:00:00Z promote v2 v3".  Malformed lines and a
 * last line without its '\n' (a write torn by a crash) are skipped on
 * reading.  The next append ends a torn line with " torn\n" first, which
 * gives it a fifth field, so it stays malformed.
 *
 * Rollback rule: the log is replayed as a stack of activations.  A
 * promote pushes its "to" (unless it is already on top); a rollback pops
 * its "from" and leaves its "to" on top.  If the real active differs
 * from the top (a crash between the swap and the log write), it is
 * pushed.  rollback makes the entry below the top active: it undoes the
 * most recent activation not undone yet, so promote v1, v2, v3 then
 * rollback, rollback gives v2, then v1, and a third rollback finds no
 * history (MLCLF_REGISTRY_ENOHISTORY).
 */


#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include <mlclf.h>
#include <mlclf_file.h>
#include <mlclf_quote.h>
#include <mlclf_sha256.h>
#include "mlclf_registry_store.h"


#define MLCLF_REGISTRY_PATH_MAX  4096
#define MLCLF_REGISTRY_RM_DEPTH  16

#define MLCLF_REGISTRY_LINK_MSG  "%s: is a symbolic link, refused"


static int mlclf_registry_check(const char *root, const char *name,
    mlclf_err_t *err);
static int mlclf_registry_path(char *buf, mlclf_err_t *err,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int mlclf_registry_open(const char *path, int flags, int *fd,
    mlclf_err_t *err);
static int mlclf_registry_no_link(const char *path, mlclf_err_t *err);
static void mlclf_registry_close(int *fd);
static int mlclf_registry_mkdir(const char *path, mlclf_err_t *err);
static int mlclf_registry_fsync_path(const char *path, int flags,
    mlclf_err_t *err);
static int mlclf_registry_model_dir(const char *root, const char *name,
    char *dir, mlclf_err_t *err);
static int mlclf_registry_lock(const char *dir, int *fd, mlclf_err_t *err);
static int mlclf_registry_rmtree(int dfd, const char *name, int depth);
static void mlclf_registry_clean(const char *dir);
static int mlclf_registry_scan(const char *dir, uint32_t **vs, size_t *n,
    mlclf_err_t *err);
static int mlclf_registry_read_file(const char *path, int flags,
    char **buf, size_t *len, mlclf_err_t *err);
static int mlclf_registry_active_dir(const char *dir, uint32_t *version,
    mlclf_err_t *err);
static int mlclf_registry_log_open(const char *dir, int *fd,
    mlclf_err_t *err);
static int mlclf_registry_log(int *fd, const char *dir, const char *action,
    uint32_t from, uint32_t to, mlclf_err_t *err);
static int mlclf_registry_history_dir(const char *dir,
    mlclf_registry_event_t **ev, size_t *n, mlclf_err_t *err);
static int mlclf_registry_verify_dir(const char *dir, uint32_t version,
    mlclf_err_t *err);
static int mlclf_registry_swap(const char *dir, uint32_t version,
    mlclf_err_t *err);
static int mlclf_registry_fsync_files(const char *dir, mlclf_err_t *err);


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


static int
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
static int
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
static void
mlclf_registry_close(int *fd)
{
    if (*fd >= 0) {
        (void) close(*fd);
        *fd = -1;
    }
}


/* flags: O_NOFOLLOW (and O_DIRECTORY) inside a model directory. */
static int
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
static int
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


/* <root>/<name> into dir; MLCLF_REGISTRY_ENOENT if it is not there. */
static int
mlclf_registry_model_dir(const char *root, const char *name, char *dir,
    mlclf_err_t *err)
{
    int          rc;
    struct stat  st;

    rc = mlclf_registry_check(root, name, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_registry_path(dir, err, "%s/%s", root, name);
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
 * Every writer starts here, so this is where a linked model directory
 * is refused: .lock, history.log and versions/ would be elsewhere.
 */
static int
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
static int
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


/*
 * Removes what a killed writer left behind: versions/.staging-* and
 * active.tmp.* links.  Only called with the lock held, so nobody owns
 * them.  Something else named active.tmp.* is not ours: it stays, and
 * swap() refuses if it is in its way.
 */
static void
mlclf_registry_clean(const char *dir)
{
    int             fd;
    DIR            *d;
    struct stat     st;
    struct dirent  *de;

    fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd == -1) {
        return;
    }

    d = fdopendir(fd);
    if (d == NULL) {
        (void) close(fd);
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

    fd = openat(dirfd(d), "versions",
                O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

    (void) closedir(d);

    if (fd == -1) {
        return;
    }

    d = fdopendir(fd);
    if (d == NULL) {
        (void) close(fd);
        return;
    }

    while ((de = readdir(d)) != NULL) {
        if (strncmp(de->d_name, ".staging-", 9) == 0) {
            (void) mlclf_registry_rmtree(dirfd(d), de->d_name,
                                         MLCLF_REGISTRY_RM_DEPTH);
        }
    }

    (void) closedir(d);
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
static int
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
static int
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


static int
mlclf_registry_active_dir(const char *dir, uint32_t *version,
    mlclf_err_t *err)
{
    int      rc;
    char     path[MLCLF_REGISTRY_PATH_MAX], target[256];
    ssize_t  n;

    *version = 0;

    rc = mlclf_registry_path(path, err, "%s/active", dir);
    if (rc != MLCLF_OK) {
        return rc;
    }

    n = readlink(path, target, sizeof(target) - 1);
    if (n == -1) {
        if (errno == ENOENT) {
            return MLCLF_OK;
        }

        return mlclf_err_set(err, errno == EINVAL ? MLCLF_REGISTRY_EACTIVE
                                                  : MLCLF_EIO,
                             "%s: readlink: %s", path, strerror(errno));
    }

    target[n] = '\0';

    if (strncmp(target, "versions/", 9) != 0
        || !mlclf_registry_version_parse(target + 9, version))
    {
        *version = 0;
        return mlclf_err_set(err, MLCLF_REGISTRY_EACTIVE,
                             "%s: points to \"%.64s\", not versions/v<N>",
                             path, target);
    }

    return MLCLF_OK;
}


int
mlclf_registry_active(const char *root, const char *name,
    uint32_t *version, mlclf_err_t *err)
{
    int   rc;
    char  dir[MLCLF_REGISTRY_PATH_MAX];

    *version = 0;

    rc = mlclf_registry_check(root, name, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_registry_path(dir, err, "%s/%s", root, name);
    if (rc != MLCLF_OK) {
        return rc;
    }

    return mlclf_registry_active_dir(dir, version, err);
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


/*
 * Opens history.log to append, before anything changes: a link or
 * anything but a regular file there is refused and nothing is done.
 */
static int
mlclf_registry_log_open(const char *dir, int *fd, mlclf_err_t *err)
{
    int          rc;
    char         path[MLCLF_REGISTRY_PATH_MAX];
    struct stat  st;

    *fd = -1;

    rc = mlclf_registry_path(path, err, "%s/history.log", dir);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_registry_open(path, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW,
                             fd, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    if (fstat(*fd, &st) == -1) {
        rc = mlclf_err_set(err, MLCLF_EIO, "%s: fstat: %s", path,
                           strerror(errno));
        mlclf_registry_close(fd);
        return rc;
    }

    if (!S_ISREG(st.st_mode)) {
        mlclf_registry_close(fd);
        return mlclf_err_set(err, MLCLF_REGISTRY_EUNSAFE,
                             "%s: not a regular file, refused", path);
    }

    return MLCLF_OK;
}


/* Appends an event to history.log open as *fd, and closes it. */
static int
mlclf_registry_log(int *fd, const char *dir, const char *action,
    uint32_t from, uint32_t to, mlclf_err_t *err)
{
    int           rc, len, e;
    char          path[MLCLF_REGISTRY_PATH_MAX], line[128], ts[32];
    char          f[16], t[16], last;
    time_t        now;
    ssize_t       n;
    struct tm     tm;
    const char   *nl;
    struct stat   st;

    rc = mlclf_registry_path(path, err, "%s/history.log", dir);
    if (rc != MLCLF_OK) {
        return rc;
    }

    now = time(NULL);

    if (gmtime_r(&now, &tm) == NULL
        || strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
    {
        return mlclf_err_set(err, MLCLF_EIO, "%s: cannot format the time",
                             path);
    }

    mlclf_registry_vstr(f, sizeof(f), from);
    mlclf_registry_vstr(t, sizeof(t), to);

    /* after a torn last line (a crash), mark it and start anew */
    nl = "";

    if (fstat(*fd, &st) == 0 && st.st_size > 0
        && pread(*fd, &last, 1, st.st_size - 1) == 1 && last != '\n')
    {
        nl = " torn\n";
    }

    len = snprintf(line, sizeof(line), "%s%s %s %s %s\n", nl, ts, action, f,
                   t);

    /* one write: concurrent readers never see half a line */
    do {
        n = write(*fd, line, (size_t) len);
    } while (n == -1 && errno == EINTR);

    if (n != len) {
        e = n == -1 ? errno : ENOSPC;
        return mlclf_err_set(err, MLCLF_EIO, "%s: write: %s", path,
                             strerror(e));
    }

    if (fsync(*fd) == -1) {
        return mlclf_err_set(err, MLCLF_EIO, "%s: fsync: %s", path,
                             strerror(errno));
    }

    e = close(*fd);
    *fd = -1;

    if (e == -1) {
        return mlclf_err_set(err, MLCLF_EIO, "%s: close: %s", path,
                             strerror(errno));
    }

    /* the first line created the file: make its name durable too */
    return mlclf_registry_fsync_path(dir, O_NOFOLLOW | O_DIRECTORY, err);
}


static int
mlclf_registry_parse_v(const char *s, uint32_t *v)
{
    if (strcmp(s, "-") == 0) {
        *v = 0;
        return 1;
    }

    return mlclf_registry_version_parse(s, v);
}


static int
mlclf_registry_history_dir(const char *dir, mlclf_registry_event_t **ev,
    size_t *n, mlclf_err_t *err)
{
    int                      rc;
    char                    *text, *line, *next, *save, *tok[5];
    char                     path[MLCLF_REGISTRY_PATH_MAX];
    size_t                   len, cap, k;
    mlclf_registry_event_t  *a, e;

    *ev = NULL;
    *n = 0;

    rc = mlclf_registry_path(path, err, "%s/history.log", dir);
    if (rc != MLCLF_OK) {
        return rc;
    }

    /* O_NONBLOCK: a FIFO planted there must not hang the reader */
    rc = mlclf_registry_read_file(path, O_NOFOLLOW | O_NONBLOCK, &text,
                                  &len, err);
    if (rc == MLCLF_REGISTRY_EINCOMPLETE) {
        /* no history yet */
        return MLCLF_OK;
    }

    if (rc != MLCLF_OK) {
        return rc;
    }

    cap = 1;

    for (k = 0; k < len; k++) {
        cap += text[k] == '\n';
    }

    a = calloc(cap, sizeof(mlclf_registry_event_t));
    if (a == NULL) {
        free(text);
        return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
    }

    for (line = text; *line != '\0'; line = next) {
        next = strchr(line, '\n');
        if (next == NULL) {
            /* no '\n': the torn end of a write cut short by a crash */
            break;
        }

        *next++ = '\0';

        k = 0;
        tok[0] = strtok_r(line, " \t\r", &save);

        while (k < 4 && tok[k] != NULL) {
            tok[++k] = strtok_r(NULL, " \t\r", &save);
        }

        if (k != 4 || tok[4] != NULL
            || strlen(tok[0]) >= sizeof(e.time)
            || (strcmp(tok[1], "publish") != 0
                && strcmp(tok[1], "promote") != 0
                && strcmp(tok[1], "rollback") != 0)
            || !mlclf_registry_parse_v(tok[2], &e.from)
            || !mlclf_registry_parse_v(tok[3], &e.to)
            || e.to == 0)
        {
            continue;
        }

        (void) snprintf(e.time, sizeof(e.time), "%s", tok[0]);
        (void) snprintf(e.action, sizeof(e.action), "%s", tok[1]);

        a[(*n)++] = e;
    }

    free(text);

    *ev = a;

    return MLCLF_OK;
}


int
mlclf_registry_history(const char *root, const char *name,
    mlclf_registry_event_t **ev, size_t *n, mlclf_err_t *err)
{
    int   rc;
    char  dir[MLCLF_REGISTRY_PATH_MAX];

    *ev = NULL;
    *n = 0;

    rc = mlclf_registry_model_dir(root, name, dir, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    return mlclf_registry_history_dir(dir, ev, n, err);
}


/* fsync every regular file in dir (the caller's writes are durable). */
static int
mlclf_registry_fsync_files(const char *dir, mlclf_err_t *err)
{
    DIR            *d;
    int             rc;
    char            path[MLCLF_REGISTRY_PATH_MAX];
    struct stat     st;
    struct dirent  *de;

    d = opendir(dir);
    if (d == NULL) {
        return mlclf_err_set(err, MLCLF_EIO, "%s: opendir: %s", dir,
                             strerror(errno));
    }

    rc = MLCLF_OK;

    while ((de = readdir(d)) != NULL) {
        if (mlclf_registry_path(path, NULL, "%s/%s", dir, de->d_name)
            != MLCLF_OK
            || lstat(path, &st) == -1 || !S_ISREG(st.st_mode))
        {
            continue;
        }

        rc = mlclf_registry_fsync_path(path, O_NOFOLLOW, err);
        if (rc != MLCLF_OK) {
            break;
        }
    }

    (void) closedir(d);

    if (rc != MLCLF_OK) {
        return rc;
    }

    return mlclf_registry_fsync_path(dir, O_NOFOLLOW | O_DIRECTORY, err);
}


int
mlclf_registry_stage(mlclf_registry_pub_t *pub, const char *root,
    const char *name, mlclf_err_t *err)
{
    int                      rc;
    char                     dir[MLCLF_REGISTRY_PATH_MAX];
    char                     path[MLCLF_REGISTRY_PATH_MAX];
    size_t                   n, i;
    uint32_t                *vs, max;
    struct stat              st;
    mlclf_registry_event_t  *ev;

    memset(pub, 0, sizeof(mlclf_registry_pub_t));
    pub->lock_fd = -1;

    rc = mlclf_registry_check(root, name, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    if (strlen(root) >= sizeof(pub->root)) {
        return mlclf_err_set(err, MLCLF_EINVAL, "path too long");
    }

    rc = mlclf_registry_path(dir, err, "%s/%s", root, name);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_registry_path(path, err, "%s/versions", dir);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_registry_mkdir(dir, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_registry_lock(dir, &pub->lock_fd, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    /* versions/ is made under the lock, in a model dir that is no link */
    if (mkdir(path, 0755) == 0) {
        rc = mlclf_registry_fsync_path(dir, O_NOFOLLOW | O_DIRECTORY, err);
        if (rc != MLCLF_OK) {
            goto failed;
        }

    } else if (errno != EEXIST) {
        rc = mlclf_err_set(err, MLCLF_EIO, "%s: mkdir: %s", path,
                           strerror(errno));
        goto failed;
    }

    if (lstat(path, &st) == -1) {
        rc = mlclf_err_set(err, MLCLF_EIO, "%s: lstat: %s", path,
                           strerror(errno));
        goto failed;
    }

    if (S_ISLNK(st.st_mode)) {
        rc = mlclf_err_set(err, MLCLF_REGISTRY_EUNSAFE,
                           MLCLF_REGISTRY_LINK_MSG, path);
        goto failed;
    }

    if (!S_ISDIR(st.st_mode)) {
        rc = mlclf_err_set(err, MLCLF_REGISTRY_EUNSAFE,
                           "%s: not a directory, refused", path);
        goto failed;
    }

    mlclf_registry_clean(dir);

    /*
     * N is above every version directory and every version history.log
     * names, so a deleted version's number is never given out again.
     */
    rc = mlclf_registry_scan(dir, &vs, &n, err);
    if (rc != MLCLF_OK) {
        goto failed;
    }

    max = n ? vs[n - 1] : 0;
    free(vs);

    rc = mlclf_registry_history_dir(dir, &ev, &n, err);
    if (rc != MLCLF_OK) {
        goto failed;
    }

    for (i = 0; i < n; i++) {
        if (ev[i].to > max) {
            max = ev[i].to;
        }
    }

    free(ev);

    if (max == UINT32_MAX) {
        rc = mlclf_err_set(err, MLCLF_EINVAL, "%s: no version numbers left",
                           dir);
        goto failed;
    }

    pub->version = max + 1;

    /* scan() counts directories only: a link or file may hold the name */
    rc = mlclf_registry_path(path, err, "%s/versions/v%u", dir,
                             pub->version);
    if (rc != MLCLF_OK) {
        goto failed;
    }

    if (lstat(path, &st) == 0) {
        rc = mlclf_err_set(err, MLCLF_REGISTRY_EUNSAFE,
                           "%s: exists and is not a version directory, "
                           "refused", path);
        goto failed;
    }

    rc = mlclf_registry_path(pub->dir, err, "%s/versions/.staging-v%u-%ld",
                             dir, pub->version, (long) getpid());
    if (rc != MLCLF_OK) {
        goto failed;
    }

    /* mkdir() never follows a link; clean() removed any stale one */
    if (mkdir(pub->dir, 0755) == -1) {
        if (errno == EEXIST) {
            rc = mlclf_err_set(err, MLCLF_REGISTRY_EUNSAFE,
                               "%s: exists after the clean-up, refused",
                               pub->dir);

        } else {
            rc = mlclf_err_set(err, MLCLF_EIO, "%s: mkdir: %s", pub->dir,
                               strerror(errno));
        }

        goto failed;
    }

    if (lstat(pub->dir, &st) == -1) {
        rc = mlclf_err_set(err, MLCLF_EIO, "%s: lstat: %s", pub->dir,
                           strerror(errno));
        (void) rmdir(pub->dir);
        goto failed;
    }

    pub->dir_dev = st.st_dev;
    pub->dir_ino = st.st_ino;

    (void) snprintf(pub->root, sizeof(pub->root), "%s", root);
    (void) snprintf(pub->name, sizeof(pub->name), "%s", name);

    return MLCLF_OK;

failed:

    pub->dir[0] = '\0';
    mlclf_registry_close(&pub->lock_fd);

    return rc;
}


int
mlclf_registry_commit(mlclf_registry_pub_t *pub, mlclf_err_t *err)
{
    int          rc, log_fd;
    char         dir[MLCLF_REGISTRY_PATH_MAX], final[MLCLF_REGISTRY_PATH_MAX];
    char         versions[MLCLF_REGISTRY_PATH_MAX];
    struct stat  st;

    log_fd = -1;

    if (pub->lock_fd < 0 || pub->dir[0] == '\0') {
        return mlclf_err_set(err, MLCLF_EINVAL, "commit without stage");
    }

    rc = mlclf_registry_path(dir, err, "%s/%s", pub->root, pub->name);

    if (rc == MLCLF_OK) {
        rc = mlclf_registry_path(versions, err, "%s/versions", dir);
    }

    if (rc == MLCLF_OK) {
        rc = mlclf_registry_path(final, err, "%s/v%u", versions,
                                 pub->version);
    }

    if (rc != MLCLF_OK) {
        goto failed;
    }

    /* still the directory stage() made, not a link put in its place */
    if (lstat(pub->dir, &st) == -1) {
        rc = mlclf_err_set(err, MLCLF_EIO, "%s: lstat: %s", pub->dir,
                           strerror(errno));
        goto failed;
    }

    if (S_ISLNK(st.st_mode)) {
        rc = mlclf_err_set(err, MLCLF_REGISTRY_EUNSAFE,
                           MLCLF_REGISTRY_LINK_MSG, pub->dir);
        goto failed;
    }

    if (!S_ISDIR(st.st_mode) || st.st_dev != pub->dir_dev
        || st.st_ino != pub->dir_ino)
    {
        rc = mlclf_err_set(err, MLCLF_REGISTRY_EUNSAFE,
                           "%s: replaced while staging, refused", pub->dir);
        goto failed;
    }

    rc = mlclf_registry_fsync_files(pub->dir, err);
    if (rc != MLCLF_OK) {
        goto failed;
    }

    /* only a version that passes verify may ever be named v<N> */
    rc = mlclf_registry_verify_dir(pub->dir, pub->version, err);
    if (rc != MLCLF_OK) {
        goto failed;
    }

    rc = mlclf_registry_log_open(dir, &log_fd, err);
    if (rc != MLCLF_OK) {
        goto failed;
    }

    if (rename(pub->dir, final) == -1) {
        rc = mlclf_err_set(err, MLCLF_EIO, "%s: rename to %s: %s",
                           pub->dir, final, strerror(errno));
        goto failed;
    }

    (void) snprintf(pub->dir, sizeof(pub->dir), "%s", final);

    rc = mlclf_registry_fsync_path(versions, O_NOFOLLOW | O_DIRECTORY, err);

    if (rc == MLCLF_OK) {
        rc = mlclf_registry_log(&log_fd, dir, "publish", 0, pub->version,
                                err);
    }

    mlclf_registry_close(&log_fd);
    mlclf_registry_close(&pub->lock_fd);

    return rc;

failed:

    mlclf_registry_close(&log_fd);

    /* as abort(): a later abort() by the caller is harmless */
    mlclf_registry_abort(pub);

    return rc;
}


void
mlclf_registry_abort(mlclf_registry_pub_t *pub)
{
    const char  *base;

    if (pub->lock_fd < 0) {
        return;
    }

    /* after a failed commit's rename pub->dir names v<N>: keep it */
    base = strrchr(pub->dir, '/');

    if (base != NULL && strncmp(base + 1, ".staging-", 9) == 0) {
        (void) mlclf_registry_rmtree(AT_FDCWD, pub->dir,
                                     MLCLF_REGISTRY_RM_DEPTH);
    }

    mlclf_registry_close(&pub->lock_fd);
}


static int
mlclf_registry_meta_version(const cJSON *v, uint32_t *n)
{
    double  d;

    if (cJSON_IsNumber(v)) {
        d = v->valuedouble;

        if (d >= 1 && d <= UINT32_MAX && d == floor(d)) {
            *n = (uint32_t) d;
            return 1;
        }

        return 0;
    }

    if (cJSON_IsString(v)) {
        return mlclf_registry_version_arg(v->valuestring, n);
    }

    return 0;
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


/* The full check of the version directory dir, numbered version. */
static int
mlclf_registry_verify_dir(const char *dir, uint32_t version,
    mlclf_err_t *err)
{
    int             rc, i;
    char           *meta, *model;
    char            path[MLCLF_REGISTRY_PATH_MAX];
    char            mpath[MLCLF_REGISTRY_PATH_MAX];
    char            hex[65];
    cJSON          *root, *sha, *ver;
    size_t          meta_len, model_len;
    uint8_t         digest[32];
    uint32_t        n;
    mlclf_err_t     e;
    mlclf_model_t  *m;

    meta = NULL;
    model = NULL;
    root = NULL;
    m = NULL;

    rc = mlclf_registry_path(mpath, err, "%s/meta.json", dir);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_registry_path(path, err, "%s/model.mlclf", dir);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_registry_read_file(mpath, 0, &meta, &meta_len, err);
    if (rc != MLCLF_OK) {
        goto done;
    }

    root = cJSON_ParseWithLength(meta, meta_len);

    if (!cJSON_IsObject(root)) {
        rc = mlclf_err_set(err, MLCLF_REGISTRY_EINCOMPLETE,
                           "%s: not a JSON object", mpath);
        goto done;
    }

    ver = cJSON_GetObjectItemCaseSensitive(root, "version");

    if (ver != NULL
        && (!mlclf_registry_meta_version(ver, &n) || n != version))
    {
        rc = mlclf_err_set(err, MLCLF_REGISTRY_EINCOMPLETE,
                           "%s: \"version\" is not v%u", mpath, version);
        goto done;
    }

    sha = cJSON_GetObjectItemCaseSensitive(root, "model_sha256");

    if (!cJSON_IsString(sha) || strlen(sha->valuestring) != 64) {
        rc = mlclf_err_set(err, MLCLF_REGISTRY_EINCOMPLETE,
                           "%s: no \"model_sha256\" of 64 hex digits",
                           mpath);
        goto done;
    }

    rc = mlclf_registry_read_file(path, 0, &model, &model_len, err);
    if (rc != MLCLF_OK) {
        goto done;
    }

    rc = mlclf_model_load(&m, model, model_len, &e);
    if (rc != MLCLF_OK) {
        rc = mlclf_err_set(err, rc, "%s: %s", path, e.msg);
        goto done;
    }

    if (mlclf_model_version(m) != 0 && mlclf_model_version(m) != version) {
        rc = mlclf_err_set(err, MLCLF_REGISTRY_EINCOMPLETE,
                           "%s: the model says it is v%u, not v%u", path,
                           mlclf_model_version(m), version);
        goto done;
    }

    if (mlclf_sha256(model, model_len, digest) != MLCLF_OK) {
        rc = mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
        goto done;
    }

    mlclf_sha256_hex(digest, hex);

    for (i = 0; i < 64; i++) {
        if (hex[i] != (sha->valuestring[i] | 0x20)) {
            rc = mlclf_err_set(err, MLCLF_REGISTRY_ECHECKSUM,
                               "%s: sha256 %s does not match meta.json "
                               "model_sha256 %.64s", path, hex,
                               sha->valuestring);
            goto done;
        }
    }

    rc = MLCLF_OK;

done:

    mlclf_model_close(&m);
    cJSON_Delete(root);
    free(model);
    free(meta);

    return rc;
}


int
mlclf_registry_verify(const char *root, const char *name, uint32_t version,
    mlclf_err_t *err)
{
    int          rc;
    char         dir[MLCLF_REGISTRY_PATH_MAX];
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

    return mlclf_registry_verify_dir(dir, version, err);
}


int
mlclf_registry_meta_read(const char *root, const char *name,
    uint32_t version, char **text, size_t *len, mlclf_err_t *err)
{
    int          rc;
    char         path[MLCLF_REGISTRY_PATH_MAX];
    struct stat  st;

    *text = NULL;
    *len = 0;

    rc = mlclf_registry_model_dir(root, name, path, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_registry_path(path, err, "%s/%s/versions/v%u", root, name,
                             version);
    if (rc != MLCLF_OK) {
        return rc;
    }

    if (version == 0 || lstat(path, &st) == -1 || !S_ISDIR(st.st_mode)) {
        return mlclf_err_set(err, MLCLF_REGISTRY_ENOENT,
                             "no version v%u of model \"%s\"", version,
                             name);
    }

    rc = mlclf_registry_path(path, err, "%s/%s/versions/v%u/meta.json",
                             root, name, version);
    if (rc != MLCLF_OK) {
        return rc;
    }

    return mlclf_registry_read_file(path, 0, text, len, err);
}


static double
mlclf_registry_metric(const cJSON *meta, const char *key)
{
    cJSON  *metrics, *v;

    metrics = cJSON_GetObjectItemCaseSensitive(meta, "metrics");

    /* accept {"metrics": {"test": {...}}} as well as a flat object */
    v = cJSON_GetObjectItemCaseSensitive(metrics, key);

    if (v == NULL) {
        v = cJSON_GetObjectItemCaseSensitive(
                cJSON_GetObjectItemCaseSensitive(metrics, "test"), key);
    }

    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}


int
mlclf_registry_list(const char *root, const char *name,
    mlclf_registry_version_t **vs, size_t *n, mlclf_err_t *err)
{
    int                        rc;
    char                      *text;
    char                       dir[MLCLF_REGISTRY_PATH_MAX];
    char                       path[MLCLF_REGISTRY_PATH_MAX];
    cJSON                     *meta, *c;
    size_t                     i, len;
    uint32_t                  *ids, active;
    struct stat                st;
    mlclf_registry_version_t  *a;

    *vs = NULL;
    *n = 0;

    rc = mlclf_registry_model_dir(root, name, dir, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    /* a broken active link is verify's business; list shows none */
    if (mlclf_registry_active_dir(dir, &active, NULL) != MLCLF_OK) {
        active = 0;
    }

    rc = mlclf_registry_scan(dir, &ids, n, err);
    if (rc != MLCLF_OK || *n == 0) {
        return rc;
    }

    a = calloc(*n, sizeof(mlclf_registry_version_t));
    if (a == NULL) {
        free(ids);
        *n = 0;
        return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
    }

    for (i = 0; i < *n; i++) {
        a[i].version = ids[i];
        a[i].active = ids[i] == active;
        a[i].accuracy = NAN;
        a[i].macro_f1 = NAN;

        if (mlclf_registry_path(path, NULL, "%s/versions/v%u/meta.json",
                                dir, ids[i]) != MLCLF_OK
            || mlclf_registry_read_file(path, 0, &text, &len, NULL)
               != MLCLF_OK)
        {
            continue;
        }

        meta = cJSON_ParseWithLength(text, len);
        free(text);

        if (!cJSON_IsObject(meta)) {
            cJSON_Delete(meta);
            continue;
        }

        c = cJSON_GetObjectItemCaseSensitive(meta, "created_at");

        if (cJSON_IsString(c)) {
            (void) snprintf(a[i].created_at, sizeof(a[i].created_at), "%s",
                            c->valuestring);
        }

        a[i].accuracy = mlclf_registry_metric(meta, "accuracy");
        a[i].macro_f1 = mlclf_registry_metric(meta, "macro_f1");

        cJSON_Delete(meta);

        a[i].complete =
            mlclf_registry_path(path, NULL, "%s/versions/v%u/model.mlclf",
                                dir, ids[i]) == MLCLF_OK
            && stat(path, &st) == 0 && S_ISREG(st.st_mode);
    }

    free(ids);
    *vs = a;

    return MLCLF_OK;
}


/* With the lock held: active.tmp.<pid> -> versions/v<N>, rename, fsync. */
static int
mlclf_registry_swap(const char *dir, uint32_t version, mlclf_err_t *err)
{
    int   rc;
    char  tmp[MLCLF_REGISTRY_PATH_MAX], active[MLCLF_REGISTRY_PATH_MAX];
    char  target[32];

    rc = mlclf_registry_path(tmp, err, "%s/active.tmp.%ld", dir,
                             (long) getpid());
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_registry_path(active, err, "%s/active", dir);
    if (rc != MLCLF_OK) {
        return rc;
    }

    (void) snprintf(target, sizeof(target), "versions/v%u", version);

    /* clean() removed our stale links: whatever is left is not ours */
    if (symlink(target, tmp) == -1) {
        if (errno == EEXIST) {
            return mlclf_err_set(err, MLCLF_REGISTRY_EUNSAFE,
                                 "%s: exists and is not a stale link, "
                                 "refused", tmp);
        }

        return mlclf_err_set(err, MLCLF_EIO, "%s: symlink: %s", tmp,
                             strerror(errno));
    }

    if (rename(tmp, active) == -1) {
        rc = mlclf_err_set(err, MLCLF_EIO, "%s: rename to %s: %s", tmp,
                           active, strerror(errno));
        (void) unlink(tmp);
        return rc;
    }

    return mlclf_registry_fsync_path(dir, O_NOFOLLOW | O_DIRECTORY, err);
}


int
mlclf_registry_promote(const char *root, const char *name,
    uint32_t version, uint32_t *from, mlclf_err_t *err)
{
    int          rc, fd, log_fd;
    char         dir[MLCLF_REGISTRY_PATH_MAX];
    char         vdir[MLCLF_REGISTRY_PATH_MAX];
    uint32_t     cur;
    struct stat  st;

    if (from != NULL) {
        *from = 0;
    }

    log_fd = -1;

    rc = mlclf_registry_model_dir(root, name, dir, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_registry_path(vdir, err, "%s/versions/v%u", dir, version);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_registry_lock(dir, &fd, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    mlclf_registry_clean(dir);

    if (version == 0 || lstat(vdir, &st) == -1 || !S_ISDIR(st.st_mode)) {
        rc = mlclf_err_set(err, MLCLF_REGISTRY_ENOENT,
                           "no version v%u of model \"%s\"", version, name);
        goto done;
    }

    rc = mlclf_registry_verify_dir(vdir, version, err);
    if (rc != MLCLF_OK) {
        goto done;
    }

    /*
     * Read under the lock: what this promote replaces, which is what
     * the log says and the caller reports, even with others queued.
     */
    if (mlclf_registry_active_dir(dir, &cur, NULL) != MLCLF_OK) {
        cur = 0;
    }

    if (cur == version) {
        /* already active: nothing to swap or to log */
        if (from != NULL) {
            *from = cur;
        }

        rc = MLCLF_OK;
        goto done;
    }

    rc = mlclf_registry_log_open(dir, &log_fd, err);
    if (rc != MLCLF_OK) {
        goto done;
    }

    rc = mlclf_registry_swap(dir, version, err);
    if (rc != MLCLF_OK) {
        goto done;
    }

    if (from != NULL) {
        *from = cur;
    }

    rc = mlclf_registry_log(&log_fd, dir, "promote", cur, version, err);

done:

    mlclf_registry_close(&log_fd);
    mlclf_registry_close(&fd);

    return rc;
}


int
mlclf_registry_rollback(const char *root, const char *name,
    uint32_t *from, uint32_t *to, mlclf_err_t *err)
{
    int                      rc, fd, log_fd;
    char                     dir[MLCLF_REGISTRY_PATH_MAX];
    char                     vdir[MLCLF_REGISTRY_PATH_MAX];
    size_t                   n, i, k;
    uint32_t                *st, cur, target;
    mlclf_registry_event_t  *ev;

    log_fd = -1;

    if (from != NULL) {
        *from = 0;
    }

    if (to != NULL) {
        *to = 0;
    }

    rc = mlclf_registry_model_dir(root, name, dir, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_registry_lock(dir, &fd, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    mlclf_registry_clean(dir);

    ev = NULL;
    st = NULL;

    rc = mlclf_registry_active_dir(dir, &cur, err);
    if (rc != MLCLF_OK) {
        goto done;
    }

    rc = mlclf_registry_history_dir(dir, &ev, &n, err);
    if (rc != MLCLF_OK) {
        goto done;
    }

    st = malloc((n + 1) * sizeof(uint32_t));
    if (st == NULL) {
        rc = mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
        goto done;
    }

    /* replay the activations as a stack (rule: top of this file) */
    k = 0;

    for (i = 0; i < n; i++) {
        if (strcmp(ev[i].action, "publish") == 0) {
            continue;
        }

        if (strcmp(ev[i].action, "rollback") == 0
            && k > 0 && st[k - 1] == ev[i].from)
        {
            k--;
        }

        if (k == 0 || st[k - 1] != ev[i].to) {
            st[k++] = ev[i].to;
        }
    }

    if (cur != 0 && (k == 0 || st[k - 1] != cur)) {
        st[k++] = cur;
    }

    if (cur == 0 || k < 2) {
        rc = mlclf_err_set(err, MLCLF_REGISTRY_ENOHISTORY,
                           "model \"%s\": no earlier active version in "
                           "history.log to roll back to", name);
        goto done;
    }

    target = st[k - 2];

    rc = mlclf_registry_path(vdir, err, "%s/versions/v%u", dir, target);
    if (rc != MLCLF_OK) {
        goto done;
    }

    if (access(vdir, F_OK) == -1) {
        rc = mlclf_err_set(err, MLCLF_REGISTRY_ENOENT,
                           "cannot roll back to v%u: %s is gone", target,
                           vdir);
        goto done;
    }

    rc = mlclf_registry_verify_dir(vdir, target, err);
    if (rc != MLCLF_OK) {
        goto done;
    }

    rc = mlclf_registry_log_open(dir, &log_fd, err);
    if (rc != MLCLF_OK) {
        goto done;
    }

    rc = mlclf_registry_swap(dir, target, err);
    if (rc != MLCLF_OK) {
        goto done;
    }

    if (from != NULL) {
        *from = cur;
    }

    if (to != NULL) {
        *to = target;
    }

    rc = mlclf_registry_log(&log_fd, dir, "rollback", cur, target, err);

done:

    mlclf_registry_close(&log_fd);
    free(st);
    free(ev);
    mlclf_registry_close(&fd);

    return rc;
}
