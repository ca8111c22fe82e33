
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Running a program from a test (run_cmd.h).
 */


#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "files.h"
#include "run_cmd.h"


#define RUN_CMD_ARGS_MAX  30


static void run_cmd_child(const char *opath, const char *epath,
    const run_cmd_opts_t *opts);
static int run_cmd_redirect(const char *path, int fd);


pid_t
run_cmd_spawn(const char *prog, const char *const *args, const char *opath,
    const char *epath, const run_cmd_opts_t *opts)
{
    char    *argv[RUN_CMD_ARGS_MAX + 2];
    pid_t    pid;
    size_t   i;

    argv[0] = (char *) prog;

    for (i = 0; i < RUN_CMD_ARGS_MAX && args[i] != NULL; i++) {
        argv[i + 1] = (char *) args[i];
    }

    argv[i + 1] = NULL;

    /* what the test printed must not be printed twice by the child */
    fflush(stdout);

    pid = fork();

    if (pid == 0) {
        run_cmd_child(opath, epath, opts);
        execv(prog, argv);
        _exit(127);
    }

    return pid;
}


/* In the child, before exec: the output files, environment, alarm. */
static void
run_cmd_child(const char *opath, const char *epath,
    const run_cmd_opts_t *opts)
{
    char               *eq, name[256];
    const char *const  *e;

    if (run_cmd_redirect(opath, STDOUT_FILENO) == -1
        || run_cmd_redirect(epath, STDERR_FILENO) == -1)
    {
        _exit(126);
    }

    if (opts == NULL) {
        return;
    }

    for (e = opts->env; e != NULL && *e != NULL; e++) {
        eq = strchr(*e, '=');

        if (eq == NULL) {
            (void) unsetenv(*e);
            continue;
        }

        (void) snprintf(name, sizeof(name), "%.*s", (int) (eq - *e), *e);
        (void) setenv(name, eq + 1, 1);
    }

    /* kept across execv(): a run that hangs is killed, not waited */
    if (opts->alarm) {
        (void) alarm(opts->alarm);
    }
}


static int
run_cmd_redirect(const char *path, int fd)
{
    int  f;

    f = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (f == -1) {
        return -1;
    }

    if (f == fd) {
        return 0;
    }

    if (dup2(f, fd) == -1) {
        (void) close(f);
        return -1;
    }

    return close(f);
}


int
run_cmd(run_cmd_t *r, const char *prog, const char *const *args,
    const char *dir, const run_cmd_opts_t *opts)
{
    int     status;
    char    opath[4096], epath[4096];
    pid_t   pid;

    memset(r, 0, sizeof(run_cmd_t));
    r->status = -1;

    (void) snprintf(opath, sizeof(opath), "%s/stdout", dir);
    (void) snprintf(epath, sizeof(epath), "%s/stderr", dir);

    pid = run_cmd_spawn(prog, args, opath, epath, opts);

    if (pid != -1 && waitpid(pid, &status, 0) == pid
        && WIFEXITED(status))
    {
        r->status = WEXITSTATUS(status);
    }

    r->out = files_read(opath, &r->out_len);
    r->err = files_read(epath, &r->err_len);

    if (r->out == NULL) {
        r->out = strdup("");
    }

    if (r->err == NULL) {
        r->err = strdup("");
    }

    return r->status;
}


void
run_cmd_free(run_cmd_t *r)
{
    free(r->out);
    free(r->err);
    r->out = NULL;
    r->err = NULL;
}
