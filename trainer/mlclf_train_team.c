
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * A team of threads meeting at barriers (mlclf_train_team.h).  The
 * threads are started first and wait at a gate; once the caller knows
 * how many started, it sizes the barrier and opens the gate.
 */


#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <mlclf_train_team.h>


struct mlclf_train_team_s {
    pthread_barrier_t         barrier;
    pthread_mutex_t           lock;
    pthread_cond_t            gate_cond;
    size_t                    n;
    unsigned                  open:1;
    mlclf_train_team_pt       fn;
    void                     *arg;
};


typedef struct {
    mlclf_train_team_t       *team;
    size_t                    id;
} mlclf_train_team_member_t;


static void *
mlclf_train_team_start(void *p)
{
    mlclf_train_team_member_t  *mb = p;

    pthread_mutex_lock(&mb->team->lock);

    while (!mb->team->open) {
        pthread_cond_wait(&mb->team->gate_cond, &mb->team->lock);
    }

    pthread_mutex_unlock(&mb->team->lock);

    if (mb->id < mb->team->n) {
        mb->team->fn(mb->team, mb->id, mb->team->arg);
    }

    return NULL;
}


void
mlclf_train_team_run(size_t n, mlclf_train_team_pt fn, void *arg)
{
    size_t                     i, started;
    pthread_t                  tid[MLCLF_TRAIN_TEAM_MAX];
    mlclf_train_team_t         team;
    mlclf_train_team_member_t  mb[MLCLF_TRAIN_TEAM_MAX];

    if (n < 1) {
        n = 1;
    }

    if (n > MLCLF_TRAIN_TEAM_MAX) {
        n = MLCLF_TRAIN_TEAM_MAX;
    }

    memset(&team, 0, sizeof(mlclf_train_team_t));
    team.fn = fn;
    team.arg = arg;

    if (n == 1 || pthread_mutex_init(&team.lock, NULL) != 0) {
        team.n = 1;
        fn(&team, 0, arg);
        return;
    }

    if (pthread_cond_init(&team.gate_cond, NULL) != 0) {
        pthread_mutex_destroy(&team.lock);
        team.n = 1;
        fn(&team, 0, arg);
        return;
    }

    started = 1;

    for (i = 1; i < n; i++) {
        mb[i].team = &team;
        mb[i].id = i;

        if (pthread_create(&tid[i], NULL, mlclf_train_team_start, &mb[i])
            != 0)
        {
            break;
        }

        started++;
    }

    team.n = started;

    if (started > 1
        && pthread_barrier_init(&team.barrier, NULL, (unsigned) started) != 0)
    {
        /* cannot happen with a count this small: the others stop */
        team.n = 1;
    }

    pthread_mutex_lock(&team.lock);
    team.open = 1;
    pthread_cond_broadcast(&team.gate_cond);
    pthread_mutex_unlock(&team.lock);

    fn(&team, 0, arg);

    for (i = 1; i < started; i++) {
        pthread_join(tid[i], NULL);
    }

    if (team.n > 1) {
        pthread_barrier_destroy(&team.barrier);
    }
    pthread_cond_destroy(&team.gate_cond);
    pthread_mutex_destroy(&team.lock);
}


size_t
mlclf_train_team_size(const mlclf_train_team_t *team)
{
    return team->n;
}


void
mlclf_train_team_sync(mlclf_train_team_t *team)
{
    if (team->n > 1) {
        pthread_barrier_wait(&team->barrier);
    }
}


void
mlclf_train_team_share(const mlclf_train_team_t *team, size_t id, size_t n,
    size_t *lo, size_t *hi)
{
    *lo = n * id / team->n;
    *hi = n * (id + 1) / team->n;
}
