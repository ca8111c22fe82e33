
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * mlclf-registry --reload=PIDFILE against real processes.  A pid file
 * that names a sleep (a stale pid file whose pid went to another
 * program), a process that is only called nginx (a sleep started
 * through a link named nginx), or a pid that is gone: each is refused
 * with exit 7 before anything changes, and the process is not
 * signalled (it dies of the SIGTERM the test sends, not of a SIGHUP).
 * A real NGINX master ($TEST_NGINX_BINARY, default /usr/sbin/nginx,
 * in a prefix of its own with no listening socket: no port is used)
 * gets SIGHUP from promote and from rollback --json, as its error log
 * and the tool's output say.  Everything happens in a mkdtemp()
 * directory; nginx runs in the foreground as the test's child.
 */


#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cjson/cJSON.h>

#include <mlclf.h>
#include <mlclf_registry_store.h>
#include "files.h"
#include "reg.h"
#include "tap.h"


#define T_RUN(...)                                                           \
    reg_run(&out, &errout, (const char *const []) { "--registry",           \
                                                    reg_root, __VA_ARGS__,  \
                                                    NULL })

#define T_FREE()                                                             \
    do { free(out); free(errout); out = NULL; errout = NULL; } while (0)


static pid_t t_start(const char *prog, const char *const *args,
    const char *errpath);
static int t_started(pid_t pid, const char *file, const char *want);
static int t_end(pid_t pid);
static const char *t_sleep_path(void);
static void t_refused(const char *what, pid_t pid, const char *shown);
static void t_not_nginx(void);
static pid_t t_nginx_start(const char *prefix);
static int t_nginx_stop(pid_t master, const char *prefix, char **log);
static void t_nginx(void);


static char  t_pidfile[REG_PATH];
static char  t_opt[REG_PATH + 16];


/* Starts prog with args (argv[0] included), stderr to errpath or not. */
static pid_t
t_start(const char *prog, const char *const *args, const char *errpath)
{
    int    fd;
    pid_t  pid;

    fflush(stdout);

    pid = fork();

    if (pid == 0) {
        fd = open(errpath ? errpath : "/dev/null",
                  O_WRONLY | O_CREAT | O_TRUNC, 0644);

        if (fd == -1 || dup2(fd, STDERR_FILENO) == -1
            || freopen("/dev/null", "w", stdout) == NULL)
        {
            _exit(126);
        }

        execv(prog, (char *const *) args);
        _exit(127);
    }

    return pid;
}


/*
 * Waits until /proc/<pid>/<file> starts with want: 1; or until pid
 * exits first: 0.  No time limit: a started program does one or the
 * other.
 */
static int
t_started(pid_t pid, const char *file, const char *want)
{
    int      status;
    char     path[64], buf[256];
    FILE    *f;
    size_t   n;

    (void) snprintf(path, sizeof(path), "/proc/%ld/%s", (long) pid, file);

    for ( ;; ) {
        f = fopen(path, "r");
        n = 0;

        if (f != NULL) {
            n = fread(buf, 1, sizeof(buf) - 1, f);
            (void) fclose(f);
        }

        buf[n] = '\0';

        if (strncmp(buf, want, strlen(want)) == 0) {
            return 1;
        }

        if (waitpid(pid, &status, WNOHANG) == pid) {
            return 0;
        }

        (void) usleep(10000);
    }
}


/*
 * SIGTERM to pid, then reaps it: the signal that ended it (SIGTERM if
 * nothing else got there first), or 0 if it was not running.
 */
static int
t_end(pid_t pid)
{
    int  status;

    if (waitpid(pid, &status, WNOHANG) != 0) {
        return 0;
    }

    (void) kill(pid, SIGTERM);

    if (waitpid(pid, &status, 0) != pid || !WIFSIGNALED(status)) {
        return 0;
    }

    return WTERMSIG(status);
}


static const char *
t_sleep_path(void)
{
    return access("/usr/bin/sleep", X_OK) == 0 ? "/usr/bin/sleep"
                                               : "/bin/sleep";
}


/*
 * The pid file names pid, shown as shown: promote and rollback with
 * --reload refused, exit 7, nothing changed, nothing on stdout.
 */
static void
t_refused(const char *what, pid_t pid, const char *shown)
{
    int    rc;
    char  *out, *errout, buf[32];

    out = NULL;
    errout = NULL;

    (void) snprintf(buf, sizeof(buf), "%ld\n", (long) pid);
    ok(files_write(t_pidfile, buf, strlen(buf)) == 0, "%s: pid file", what);

    rc = T_RUN("promote", "iris", "v2", t_opt);
    is_int(rc, MLCLF_REGISTRY_EXIT_RELOAD, "%s: promote --reload: exit 7",
           what);
    ok(errout && strstr(errout, "mlclf-registry: reload: pid file ")
       && strstr(errout, shown) && strstr(errout, "nothing changed"),
       "%s: stderr says what the pid is and that nothing changed: %.*s",
       what, errout ? (int) strcspn(errout, "\n") : 0,
       errout ? errout : "");
    is_str(out, "", "%s: nothing on stdout", what);
    T_FREE();

    rc = T_RUN("rollback", "iris", "--json", t_opt);
    is_int(rc, MLCLF_REGISTRY_EXIT_RELOAD, "%s: rollback --reload: exit 7",
           what);
    T_FREE();

    is_int(reg_active("iris"), 1, "%s: active still v1", what);
}


static void
t_not_nginx(void)
{
    char         link[REG_PATH];
    pid_t        pid;
    const char  *sleep;

    sleep = t_sleep_path();

    /* a stale pid file: its pid is a sleep now */
    pid = t_start(sleep, (const char *const []) { "sleep", "1000", NULL },
                  NULL);
    /*
     * exec sets comm before the new argv is in place: wait for both, as
     * mlclf-registry reads both
     */
    ok(pid > 0 && t_started(pid, "comm", "sleep")
       && t_started(pid, "cmdline", "sleep"), "a sleep runs");
    t_refused("a sleep", pid, "\"sleep\" (sleep 1000), which is not an "
              "NGINX master process");
    is_int(t_end(pid), SIGTERM, "the sleep was not signalled: SIGTERM "
           "ends it");

    /* the name alone is not enough */
    reg_path(link, "%s/nginx", reg_tmp);
    ok(symlink(sleep, link) == 0, "a link named nginx to sleep");
    pid = t_start(link, (const char *const []) { link, "1000", NULL }, NULL);
    ok(pid > 0 && t_started(pid, "comm", "nginx")
       && t_started(pid, "cmdline", link), "a process called nginx runs");
    t_refused("nginx by name", pid, "\"nginx\" (");
    is_int(t_end(pid), SIGTERM, "it was not signalled either");

    /* a pid that is gone */
    pid = fork();

    if (pid == 0) {
        _exit(0);
    }

    ok(pid > 0 && waitpid(pid, NULL, 0) == pid, "a process that is gone");
    t_refused("a pid gone", pid, "which is not running");
}


/*
 * nginx in the foreground (daemon off) in prefix, so that it is our
 * child; without an http block it listens on nothing.  Returns the
 * master's pid once it has its title (nginx: master process ...), or
 * -1 if it died first.
 */
static pid_t
t_nginx_start(const char *prefix)
{
    char         conf[REG_PATH], errpath[REG_PATH], logs[REG_PATH];
    char         text[3 * REG_PATH], *log;
    pid_t        pid;
    const char  *nginx;

    nginx = getenv("TEST_NGINX_BINARY");
    nginx = nginx ? nginx : "/usr/sbin/nginx";

    if (access(nginx, X_OK) != 0) {
        ok(0, "nginx binary %s: %s (install nginx-light, or set "
           "TEST_NGINX_BINARY)", nginx, strerror(errno));
        return -1;
    }

    reg_path(logs, "%s/logs", prefix);
    ok(mkdir(prefix, 0755) == 0 && mkdir(logs, 0755) == 0, "prefix %s",
       prefix);

    (void) snprintf(text, sizeof(text),
                    "daemon off;\n"
                    "master_process on;\n"
                    "worker_processes 1;\n"
                    "%s"
                    "pid %s/nginx.pid;\n"
                    "error_log %s/error.log notice;\n"
                    "events { worker_connections 16; }\n",
                    geteuid() == 0 ? "user root;\n" : "", logs, logs);

    reg_path(conf, "%s/nginx.conf", prefix);
    ok(files_write(conf, text, strlen(text)) == 0, "nginx.conf");
    reg_path(errpath, "%s/stderr", logs);
    reg_path(text, "%s/error.log", logs);

    pid = t_start(nginx, (const char *const []) { nginx, "-p", prefix,
                      "-c", conf, "-e", text, NULL }, errpath);

    if (pid > 0 && t_started(pid, "cmdline", "nginx: master process")) {
        reg_path(t_pidfile, "%s/nginx.pid", logs);
        reg_path(t_opt, "--reload=%s", t_pidfile);
        return pid;
    }

    log = files_read(errpath, NULL);
    ok(0, "nginx started: %s", log ? log : "");
    free(log);

    return -1;
}


/*
 * SIGQUIT to the master, and waits for it: nginx takes a pending SIGHUP
 * first (the lower number) and logs it from its handler, so the log is
 * complete when it has exited.  *log: its error log.  1 if it exited 0.
 */
static int
t_nginx_stop(pid_t master, const char *prefix, char **log)
{
    int   status;
    char  path[REG_PATH];

    (void) kill(master, SIGQUIT);

    status = -1;
    (void) waitpid(master, &status, 0);

    reg_path(path, "%s/logs/error.log", prefix);
    *log = files_read(path, NULL);

    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}


static void
t_nginx(void)
{
    int     status;
    char   *out, *errout, *log, prefix[REG_PATH], opath[REG_PATH];
    char    epath[REG_PATH], want[REG_PATH + 128];
    pid_t   master, pid;
    cJSON  *j;

    /* promote: one nginx, one SIGHUP */
    reg_path(prefix, "%s/nginx-promote", reg_tmp);
    master = t_nginx_start(prefix);

    if (master == -1) {
        return;
    }

    reg_path(opath, "%s/promote.out", reg_tmp);
    reg_path(epath, "%s/promote.err", reg_tmp);
    pid = reg_spawn(opath, epath, (const char *const []) { "--registry",
                        reg_root, "promote", "iris", "v3", t_opt, NULL });
    ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status)
       && WEXITSTATUS(status) == 0, "promote --reload: exit 0");

    out = files_read(opath, NULL);
    (void) snprintf(want, sizeof(want), "iris: active v3 (was v1); sent "
                    "SIGHUP to nginx master %ld (pid file %s)\n",
                    (long) master, t_pidfile);
    is_str(out, want, "it says what it did");
    free(out);
    is_int(reg_active("iris"), 3, "v3 active");

    ok(t_nginx_stop(master, prefix, &log), "nginx stopped");
    (void) snprintf(want, sizeof(want), "signal 1 (SIGHUP) received from "
                    "%ld, reconfiguring", (long) pid);
    ok(log && strstr(log, want), "the master got SIGHUP from "
       "mlclf-registry (pid %ld)", (long) pid);
    free(log);

    /* rollback --json: another nginx */
    reg_path(prefix, "%s/nginx-rollback", reg_tmp);
    master = t_nginx_start(prefix);

    if (master == -1) {
        return;
    }

    reg_path(opath, "%s/rollback.out", reg_tmp);
    reg_path(epath, "%s/rollback.err", reg_tmp);
    pid = reg_spawn(opath, epath, (const char *const []) { "--registry",
                        reg_root, "--json", "rollback", "iris", t_opt,
                        NULL });
    ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status)
       && WEXITSTATUS(status) == 0, "rollback --reload --json: exit 0");

    out = files_read(opath, NULL);
    j = cJSON_Parse(out);
    ok(cJSON_IsTrue(cJSON_GetObjectItem(j, "reloaded")), "reloaded: true");
    is_int(cJSON_GetNumberValue(cJSON_GetObjectItem(j, "nginx_master_pid")),
           master, "nginx_master_pid: the master's");
    is_str(cJSON_GetStringValue(cJSON_GetObjectItem(j, "to")), "v1",
           "back to v1");
    cJSON_Delete(j);
    free(out);

    ok(t_nginx_stop(master, prefix, &log), "nginx stopped");
    (void) snprintf(want, sizeof(want), "signal 1 (SIGHUP) received from "
                    "%ld, reconfiguring", (long) pid);
    ok(log && strstr(log, want), "the master got SIGHUP from the rollback");
    free(log);

    /* nginx removed its pid file on the way out: refused */
    out = NULL;
    errout = NULL;
    is_int(T_RUN("promote", "iris", "v2", t_opt),
           MLCLF_REGISTRY_EXIT_RELOAD, "the stopped master's pid file: "
           "exit 7");
    T_FREE();
    is_int(reg_active("iris"), 1, "active still v1");
}


int
main(void)
{
    int          i;
    mlclf_err_t  err;

    reg_setup("test_registry_reload", "reg");

    for (i = 1; i <= 3; i++) {
        is_int(reg_publish(reg_root, "iris", 0.9), i, "iris v%d", i);
    }

    is_int(mlclf_registry_promote(reg_root, "iris", 1, NULL, &err),
           MLCLF_OK, "iris v1 active");

    reg_path(t_pidfile, "%s/stale.pid", reg_tmp);
    reg_path(t_opt, "--reload=%s", t_pidfile);

    t_not_nginx();
    t_nginx();

    reg_done(tap_failed != 0);

    return tap_done();
}
