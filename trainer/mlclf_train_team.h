
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Private to the trainer: a team of threads that run the same function
 * and meet at barriers, for a learner whose steps each use every core
 * (the gbt).  mlclf_fanout() suits independent stripes; a team suits
 * one computation split into many short parallel steps.
 */


#ifndef _MLCLF_TRAIN_TEAM_H_INCLUDED_
#define _MLCLF_TRAIN_TEAM_H_INCLUDED_


#include <pthread.h>
#include <stddef.h>


#define MLCLF_TRAIN_TEAM_MAX  64


typedef struct mlclf_train_team_s  mlclf_train_team_t;

typedef void (*mlclf_train_team_pt)(mlclf_train_team_t *team, size_t id,
    void *arg);


/*
 * Runs fn(team, id, arg) on up to n (1..MLCLF_TRAIN_TEAM_MAX) members,
 * the caller being member 0, and returns when every call has returned.
 * When a thread cannot be started the team is the members started
 * before it: every member sees the same mlclf_train_team_size(), so the
 * work is split among the members there are and nobody waits at a
 * barrier for a member that does not exist.
 */
void mlclf_train_team_run(size_t n, mlclf_train_team_pt fn, void *arg);

size_t mlclf_train_team_size(const mlclf_train_team_t *team);

/* Returns once every member has called it (a barrier). */
void mlclf_train_team_sync(mlclf_train_team_t *team);

/* [*lo, *hi): member id's share of n items, in order. */
void mlclf_train_team_share(const mlclf_train_team_t *team, size_t id,
    size_t n, size_t *lo, size_t *hi);


#endif /* _MLCLF_TRAIN_TEAM_H_INCLUDED_ */
