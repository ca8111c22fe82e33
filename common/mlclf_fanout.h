
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Thread fan-out over stripes: the one way the CLIs run work on several
 * cores.
 */


#ifndef _MLCLF_FANOUT_H_INCLUDED_
#define _MLCLF_FANOUT_H_INCLUDED_


#include <pthread.h>
#include <stddef.h>


typedef void *(*mlclf_fanout_pt)(void *stripe);


/*
 * Calls fn once for each of the n stripes, stripe i being the object at
 * (char *) stripes + i * size, and returns when every call has returned.
 * Stripe 0 runs on the calling thread, the others each on a thread of
 * its own.  The policy when a thread cannot be started (or the thread
 * ids cannot be allocated): no further thread is tried, and that stripe
 * and every later one run on the calling thread, one after the other,
 * after stripe 0.  So the work is always done, only with less
 * parallelism: a stripe must not wait for another one.
 */
void mlclf_fanout(mlclf_fanout_pt fn, void *stripes, size_t size, size_t n);


/* one piece of work beside the caller's: mlclf_fanout_begin() .. end() */
typedef struct {
    pthread_t                 tid;
    unsigned                  started:1;
} mlclf_fanout_task_t;


/*
 * Runs fn(arg) on a thread of its own while the caller goes on, with
 * mlclf_fanout()'s policy: if the thread cannot be started, fn runs on
 * the calling thread, here, before this returns.  Each begin is matched
 * by one mlclf_fanout_end(), which returns once fn has.
 */
void mlclf_fanout_begin(mlclf_fanout_task_t *t, mlclf_fanout_pt fn,
    void *arg);
void mlclf_fanout_end(mlclf_fanout_task_t *t);


#endif /* _MLCLF_FANOUT_H_INCLUDED_ */
