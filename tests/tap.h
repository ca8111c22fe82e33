
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * A small TAP producer for the unit tests: each test binary includes it
 * once, calls ok()/is_int()/is_double() and ends with tap_done().
 */


#ifndef _MLCLF_TAP_H_INCLUDED_
#define _MLCLF_TAP_H_INCLUDED_


#include <math.h>
#include <stdio.h>
#include <string.h>


static int  tap_run;
static int  tap_failed;


#define ok(cond, ...)                                                        \
    tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define is_int(got, want, ...)                                               \
    do {                                                                     \
        long long  tap_g_ = (long long) (got), tap_w_ = (long long) (want);  \
        if (!tap_ok(tap_g_ == tap_w_, __FILE__, __LINE__, __VA_ARGS__)) {   \
            printf("#   got %lld, want %lld\n", tap_g_, tap_w_);             \
        }                                                                    \
    } while (0)

#define is_str(got, want, ...)                                               \
    do {                                                                     \
        const char  *tap_g_ = (got), *tap_w_ = (want);                       \
        int          tap_e_ = tap_g_ && tap_w_ && strcmp(tap_g_, tap_w_) == 0;\
        if (!tap_ok(tap_e_, __FILE__, __LINE__, __VA_ARGS__)) {              \
            printf("#   got  \"%s\"\n#   want \"%s\"\n",                      \
                   tap_g_ ? tap_g_ : "(null)", tap_w_ ? tap_w_ : "(null)");  \
        }                                                                    \
    } while (0)

/* |got - want| <= tol */
#define is_double(got, want, tol, ...)                                       \
    do {                                                                     \
        double  tap_g_ = (got), tap_w_ = (want);                             \
        if (!tap_ok(fabs(tap_g_ - tap_w_) <= (tol), __FILE__, __LINE__,      \
                    __VA_ARGS__))                                            \
        {                                                                    \
            printf("#   got %.17g, want %.17g (tol %g)\n",                   \
                   tap_g_, tap_w_, (double) (tol));                          \
        }                                                                    \
    } while (0)


static int
tap_ok(int pass, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));


#include <stdarg.h>


static int
tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
    va_list  ap;

    tap_run++;

    if (!pass) {
        tap_failed++;
    }

    printf("%s %d - ", pass ? "ok" : "not ok", tap_run);

    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);

    printf("\n");

    if (!pass) {
        printf("#   failed at %s:%d\n", file, line);
    }

    fflush(stdout);

    return pass;
}


static void tap_diag(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), unused));

static void
tap_diag(const char *fmt, ...)
{
    va_list  ap;

    printf("# ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}


/* Prints the plan last ("1..N") and returns the exit status for main. */
static int
tap_done(void)
{
    printf("1..%d\n", tap_run);

    return tap_failed ? 1 : 0;
}


#endif /* _MLCLF_TAP_H_INCLUDED_ */
