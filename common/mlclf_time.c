
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The created_at time of what the CLIs publish: SOURCE_DATE_EPOCH or
 * now, written as ISO 8601 UTC.
 */


#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mlclf_time.h"


void
mlclf_time_iso(int64_t t, char buf[21])
{
    time_t     tt;
    struct tm  tm;

    tt = (time_t) t;

    if (gmtime_r(&tt, &tm) == NULL
        || strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
    {
        strcpy(buf, "1970-01-01T00:00:00Z");
    }
}


int
mlclf_time_epoch(int64_t *t, mlclf_err_t *err)
{
    char        *end;
    const char  *s;
    long long    v;

    s = getenv("SOURCE_DATE_EPOCH");

    if (s == NULL || *s == '\0') {
        *t = (int64_t) time(NULL);
        return MLCLF_OK;
    }

    if (*s < '0' || *s > '9') {
        goto invalid;
    }

    errno = 0;
    v = strtoll(s, &end, 10);

    /* 253402300799 is 9999-12-31T23:59:59Z, the last 4-digit year */
    if (errno != 0 || *end != '\0' || v > 253402300799LL) {
        goto invalid;
    }

    *t = (int64_t) v;

    return MLCLF_OK;

invalid:

    return mlclf_err_set(err, MLCLF_EINVAL,
                         "SOURCE_DATE_EPOCH \"%.64s\" is not a number of "
                         "seconds", s);
}
