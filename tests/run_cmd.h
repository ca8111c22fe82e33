
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Running a program from a test, as the CLI tests run mlclf-train and
 * mlclf-registry: its stdout and stderr go to files, read back whole
 * once it has exited.
 */


#ifndef _RUN_CMD_H_INCLUDED_
#define _RUN_CMD_H_INCLUDED_


#include <stddef.h>
#include <sys/types.h>


/* What a run gave back; run_cmd_free() frees it. */
typedef struct {
    int                       status;       /* exit code, -1 if killed */
    char                     *out;          /* stdout, NUL-terminated */
    size_t                    out_len;
    char                     *err;          /* stderr, likewise */
    size_t                    err_len;
} run_cmd_t;

/* How to run; a NULL run_cmd_opts_t * is all defaults. */
typedef struct {
    const char *const        *env;          /* "NAME=value": set, "NAME":
                                               unset; NULL-terminated */
    unsigned                  alarm;        /* seconds it may take (kept
                                               across exec), 0: no limit */
} run_cmd_opts_t;


/*
 * Starts prog with the arguments args (NULL-terminated, without
 * argv[0], at most 30), its stdout and stderr going to the files opath
 * and epath.  Returns its pid, or -1.
 */
pid_t run_cmd_spawn(const char *prog, const char *const *args,
    const char *opath, const char *epath, const run_cmd_opts_t *opts);

/*
 * Runs prog to the end, its output passing through the files stdout
 * and stderr in dir, and fills r: out and err are malloc()ed, "" if
 * there was none.  Returns r->status.
 */
int run_cmd(run_cmd_t *r, const char *prog, const char *const *args,
    const char *dir, const run_cmd_opts_t *opts);

void run_cmd_free(run_cmd_t *r);


#endif /* _RUN_CMD_H_INCLUDED_ */
