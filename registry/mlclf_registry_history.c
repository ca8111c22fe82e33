
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The history.log of a registry model: appending an event under the
 * lock, reading the events back, and the rollback rule over them.
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


#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <mlclf.h>
#include "mlclf_registry_int.h"


static int mlclf_registry_parse_v(const char *s, uint32_t *v);


/*
 * Opens history.log to append, before anything changes: a link or
 * anything but a regular file there is refused and nothing is done.
 */
int
mlclf_registry_history_open(const char *dir, int *fd, mlclf_err_t *err)
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
int
mlclf_registry_history_append(int *fd, const char *dir, const char *action,
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


int
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


/*
 * The rollback rule (top of this file), over the events ev[0..n-1] and
 * the real active version cur: *prev gets the version to make active
 * instead, 0 if there is none.
 */
int
mlclf_registry_history_previous(const mlclf_registry_event_t *ev, size_t n,
    uint32_t cur, uint32_t *prev, mlclf_err_t *err)
{
    size_t     i, k;
    uint32_t  *st;

    *prev = 0;

    st = malloc((n + 1) * sizeof(uint32_t));
    if (st == NULL) {
        return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
    }

    /* replay the activations as a stack */
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

    if (cur != 0 && k >= 2) {
        *prev = st[k - 2];
    }

    free(st);

    return MLCLF_OK;
}
