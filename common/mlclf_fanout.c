
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Thread fan-out over stripes, and one task beside the caller
 * (mlclf_fanout.h).
 */


#include <pthread.h>
#include <stdlib.h>
#include <mlclf_fanout.h>


void
mlclf_fanout(mlclf_fanout_pt fn, void *stripes, size_t size, size_t n)
{
    char       *p;
    size_t      i, started;
    pthread_t  *tid;

    if (n == 0) {
        return;
    }

    p = stripes;
    tid = n > 1 ? malloc(n * sizeof(pthread_t)) : NULL;
    started = 1;

    if (tid != NULL) {
        while (started < n) {
            if (pthread_create(&tid[started], NULL, fn, p + started * size)
                != 0)
            {
                break;
            }

            started++;
        }
    }

    fn(p);

    for (i = started; i < n; i++) {
        fn(p + i * size);
    }

    for (i = 1; i < started; i++) {
        (void) pthread_join(tid[i], NULL);
    }

    free(tid);
}


void
mlclf_fanout_begin(mlclf_fanout_task_t *t, mlclf_fanout_pt fn, void *arg)
{
    t->started = (pthread_create(&t->tid, NULL, fn, arg) == 0);

    if (!t->started) {
        fn(arg);
    }
}


void
mlclf_fanout_end(mlclf_fanout_task_t *t)
{
    if (t->started) {
        (void) pthread_join(t->tid, NULL);
        t->started = 0;
    }
}
