
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * A team of threads meeting at barriers (mlclf_train_team.h).  The
 * threads are started first and wait at a gate; once the caller knows
 * how many started, it opens the gate.
 *
 * The barrier spins, then yields: a gbt tree passes through hundreds of
 * them, most after a few microseconds of work, and a futex sleep and
 * wake-up costs as much as that work.  Past MLCLF_TEAM_SPINS it yields
 * the core at each look, so that a member whose core is taken by
 * another program is not kept from running by the others' spinning.
 */


#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <mlclf_train_team.h>


#define MLCLF_TEAM_SPINS  2000


struct mlclf_train_team_s {
    atomic_uint               arrived;
    atomic_uint               generation;
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


/* a hint to the core that this is a spin loop */
static inline void
mlclf_team_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__ ("yield");
#endif
}


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
    atomic_init(&team.arrived, 0);
    atomic_init(&team.generation, 0);

    pthread_mutex_lock(&team.lock);
    team.open = 1;
    pthread_cond_broadcast(&team.gate_cond);
    pthread_mutex_unlock(&team.lock);

    fn(&team, 0, arg);

    for (i = 1; i < started; i++) {
        pthread_join(tid[i], NULL);
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
    unsigned  gen, spins;

    if (team->n == 1) {
        return;
    }

    gen = atomic_load_explicit(&team->generation, memory_order_acquire);

    if (atomic_fetch_add_explicit(&team->arrived, 1, memory_order_acq_rel)
        == team->n - 1)
    {
        /* the last one in lets the others go */
        atomic_store_explicit(&team->arrived, 0, memory_order_relaxed);
        atomic_fetch_add_explicit(&team->generation, 1,
                                  memory_order_release);
        return;
    }

    for (spins = 0;
         atomic_load_explicit(&team->generation, memory_order_acquire)
         == gen;
         spins++)
    {
        if (spins < MLCLF_TEAM_SPINS) {
            mlclf_team_relax();

        } else {
            sched_yield();
        }
    }
}


void
mlclf_train_team_share(const mlclf_train_team_t *team, size_t id, size_t n,
    size_t *lo, size_t *hi)
{
    *lo = n * id / team->n;
    *hi = n * (id + 1) / team->n;
}
