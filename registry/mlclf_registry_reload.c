
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * SIGHUP to the NGINX master of a pid file, once it is known to be one
 * (mlclf_registry_reload.h).  Linux: the check reads /proc.
 */


#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/pidfd.h>

#include <mlclf.h>
#include "mlclf_registry_reload.h"


static int mlclf_registry_pid_read(const char *pid_file, pid_t *pid,
    mlclf_err_t *err);
static ssize_t mlclf_registry_proc_read(pid_t pid, const char *file,
    char *buf, size_t size);
static int mlclf_registry_proc_check(const char *pid_file,
    mlclf_registry_proc_t *p, mlclf_err_t *err);


/* The pid in pid_file: digits, then white space only; above 1. */
static int
mlclf_registry_pid_read(const char *pid_file, pid_t *pid, mlclf_err_t *err)
{
    int      e;
    long     n;
    char     buf[64], *end;
    FILE    *f;
    size_t   len;

    f = fopen(pid_file, "re");
    if (f == NULL) {
        e = errno;
        return mlclf_err_set(err, MLCLF_EIO, "pid file %s: %s", pid_file,
                             strerror(e));
    }

    len = fread(buf, 1, sizeof(buf) - 1, f);
    (void) fclose(f);
    buf[len] = '\0';

    errno = 0;
    n = strtol(buf, &end, 10);

    while (*end == '\n' || *end == ' ' || *end == '\r' || *end == '\t') {
        end++;
    }

    if (end == buf || *end != '\0' || errno != 0 || n <= 1
        || n != (long) (pid_t) n)
    {
        return mlclf_err_set(err, MLCLF_EINVAL, "pid file %s: no pid in "
                             "it", pid_file);
    }

    *pid = (pid_t) n;

    return MLCLF_OK;
}


/* /proc/<pid>/<file> into buf, NUL-terminated: its length, or -1. */
static ssize_t
mlclf_registry_proc_read(pid_t pid, const char *file, char *buf,
    size_t size)
{
    int      fd, e;
    char     path[64];
    ssize_t  n;

    (void) snprintf(path, sizeof(path), "/proc/%ld/%s", (long) pid, file);

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd == -1) {
        return -1;
    }

    do {
        n = read(fd, buf, size - 1);
    } while (n == -1 && errno == EINTR);

    e = errno;
    (void) close(fd);
    errno = e;

    buf[n > 0 ? n : 0] = '\0';

    return n;
}


/*
 * p->pid an NGINX master?  Its command line as nginx set it, and its
 * name and command line into p for the messages.
 */
static int
mlclf_registry_proc_check(const char *pid_file, mlclf_registry_proc_t *p,
    mlclf_err_t *err)
{
    int      e;
    char     cmd[4096], *c;
    size_t   i, n;
    ssize_t  len;

    len = mlclf_registry_proc_read(p->pid, "cmdline", cmd, sizeof(cmd));

    if (len == -1) {
        e = errno;

        if (e == ENOENT || e == ESRCH) {
            return mlclf_err_set(err, MLCLF_REGISTRY_ENOTMASTER,
                                 "pid file %s names pid %ld, which is not "
                                 "running (a stale pid file: is NGINX "
                                 "running?)", pid_file, (long) p->pid);
        }

        return mlclf_err_set(err, MLCLF_REGISTRY_ENOTMASTER,
                             "pid file %s names pid %ld, whose command "
                             "line cannot be read: %s", pid_file,
                             (long) p->pid, strerror(e));
    }

    if (mlclf_registry_proc_read(p->pid, "comm", p->comm, sizeof(p->comm))
        > 0)
    {
        p->comm[strcspn(p->comm, "\n")] = '\0';
    }

    /* the arguments, NUL-separated, joined by spaces and shown cut */
    for (i = 0; i < (size_t) len; i++) {
        if (cmd[i] == '\0') {
            cmd[i] = ' ';
        }
    }

    while (len > 0 && cmd[len - 1] == ' ') {
        cmd[--len] = '\0';
    }

    n = 0;

    for (c = cmd; *c != '\0' && n < sizeof(p->cmdline) - 1; c++) {
        p->cmdline[n++] = (*c >= 0x20 && *c < 0x7f) ? *c : '?';
    }

    p->cmdline[n] = '\0';

    if (strncmp(cmd, MLCLF_REGISTRY_NGINX_MASTER,
                sizeof(MLCLF_REGISTRY_NGINX_MASTER) - 1)
        != 0)
    {
        return mlclf_err_set(err, MLCLF_REGISTRY_ENOTMASTER,
                             "pid file %s names pid %ld, \"%s\" (%s), which "
                             "is not an NGINX master process (a stale pid "
                             "file, or the wrong one)",
                             pid_file, (long) p->pid, p->comm, p->cmdline);
    }

    return MLCLF_OK;
}


int
mlclf_registry_nginx_master(const char *pid_file, mlclf_registry_proc_t *p,
    mlclf_err_t *err)
{
    int  rc;

    memset(p, 0, sizeof(*p));

    rc = mlclf_registry_pid_read(pid_file, &p->pid, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    return mlclf_registry_proc_check(pid_file, p, err);
}


int
mlclf_registry_nginx_reload(const char *pid_file, mlclf_registry_proc_t *p,
    mlclf_err_t *err)
{
    int  rc, fd, e;

    memset(p, 0, sizeof(*p));

    rc = mlclf_registry_pid_read(pid_file, &p->pid, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    /*
     * The pidfd holds on to this process: were it to exit after the
     * check and its pid go to another, the signal fails with ESRCH.
     * Kernels before 5.3 have no pidfd_open(): kill() after the check.
     */
    fd = pidfd_open(p->pid, 0);

    if (fd == -1 && errno == ESRCH) {
        return mlclf_registry_proc_check(pid_file, p, err);
    }

    rc = mlclf_registry_proc_check(pid_file, p, err);

    if (rc == MLCLF_OK) {
        rc = fd != -1 ? pidfd_send_signal(fd, SIGHUP, NULL, 0)
                      : kill(p->pid, SIGHUP);
        e = errno;

        if (rc == -1) {
            rc = mlclf_err_set(err, e == ESRCH ? MLCLF_REGISTRY_ENOTMASTER
                                               : MLCLF_EIO,
                               "SIGHUP to nginx master %ld (pid file %s): "
                               "%s", (long) p->pid, pid_file, strerror(e));
        }
    }

    if (fd != -1) {
        (void) close(fd);
    }

    return rc;
}
