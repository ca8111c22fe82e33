
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * mlclf-registry --reload=PIDFILE: SIGHUP to the NGINX master whose pid
 * is in PIDFILE, and to nothing else.  A pid file outlives its process
 * (nginx killed with SIGKILL, a crash, a reboot with /run on disk), and
 * the pid may since belong to any process: the process is checked to
 * be an NGINX master before it is signalled.
 */


#ifndef _MLCLF_REGISTRY_RELOAD_H_INCLUDED_
#define _MLCLF_REGISTRY_RELOAD_H_INCLUDED_


#include <sys/types.h>
#include <mlclf.h>
#include "mlclf_registry_store.h"


/*
 * What nginx makes of its master's command line (ngx_setproctitle()):
 * "nginx: master process /usr/sbin/nginx -c ...".  Workers read "nginx:
 * worker process", a process that only has the name nginx (started by
 * hand with master_process off, or a script called nginx) does not
 * start so.
 */
#define MLCLF_REGISTRY_NGINX_MASTER  "nginx: master process"


/* The process a pid file named, as shown in messages. */
typedef struct {
    pid_t                     pid;
    char                      comm[32];     /* /proc/PID/comm */
    char                      cmdline[96];  /* /proc/PID/cmdline, the
                                               arguments joined by
                                               spaces, cut */
} mlclf_registry_proc_t;


/*
 * Reads the pid in pid_file and checks that it is an NGINX master
 * (/proc/PID/cmdline starts with MLCLF_REGISTRY_NGINX_MASTER), filling
 * *p.  MLCLF_OK; MLCLF_EIO (no pid file); MLCLF_EINVAL (no pid in it);
 * MLCLF_REGISTRY_ENOTMASTER (no such process, or not an NGINX master:
 * err->msg names the process).  Signals nothing.
 */
int mlclf_registry_nginx_master(const char *pid_file,
    mlclf_registry_proc_t *p, mlclf_err_t *err);

/*
 * The same check, then SIGHUP to the process checked: through a pidfd
 * taken before the check, so that if the pid is reused in between the
 * signal goes nowhere (ESRCH) rather than to the new process.  Returns
 * as mlclf_registry_nginx_master(), or MLCLF_EIO if the signal cannot
 * be sent.
 */
int mlclf_registry_nginx_reload(const char *pid_file,
    mlclf_registry_proc_t *p, mlclf_err_t *err);


#endif /* _MLCLF_REGISTRY_RELOAD_H_INCLUDED_ */
