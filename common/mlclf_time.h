
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The created_at time of what the CLIs publish (mlclf_time.c).
 */


#ifndef _MLCLF_TIME_H_INCLUDED_
#define _MLCLF_TIME_H_INCLUDED_


#include <stdint.h>
#include <mlclf.h>


/* "2023-11-14T22:13:20Z" into buf[21] */
void mlclf_time_iso(int64_t t, char buf[21]);

/*
 * created_at of a run: SOURCE_DATE_EPOCH if set (decimal seconds),
 * else now.  MLCLF_EINVAL if the variable is set but malformed.
 */
int mlclf_time_epoch(int64_t *t, mlclf_err_t *err);


#endif /* _MLCLF_TIME_H_INCLUDED_ */
