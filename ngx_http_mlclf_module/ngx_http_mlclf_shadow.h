
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * mlclf_shadow: the pairs of a request's model and its shadow, their
 * counters in the mlclf_zone and their Prometheus text.
 */


#ifndef _NGX_HTTP_MLCLF_SHADOW_H_INCLUDED_
#define _NGX_HTTP_MLCLF_SHADOW_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <mlclf.h>
#include "ngx_http_mlclf_module.h"
#include "ngx_http_mlclf_metrics.h"


/* a class of the request's model that the shadow does not have */
#define NGX_HTTP_MLCLF_SHADOW_NONE     0xffffffff

/* pair slots of the zone per model version slot */
#define NGX_HTTP_MLCLF_SHADOW_PER_SLOT 4


/* reason="..." of the skip counters, names in SKIP_NAMES */
typedef enum {
    NGX_HTTP_MLCLF_SKIP_NO_MODEL = 0,       /* requests */
    NGX_HTTP_MLCLF_SKIP_EMPTY,
    NGX_HTTP_MLCLF_SKIP_INCOMPATIBLE,
    NGX_HTTP_MLCLF_SKIP_MISSING_VALUE,      /* rows */
    NGX_HTTP_MLCLF_SKIP_UNKNOWN_CATEGORY,
    NGX_HTTP_MLCLF_SKIP_INTERNAL,
    NGX_HTTP_MLCLF_SKIP_N
} ngx_http_mlclf_skip_e;

#define NGX_HTTP_MLCLF_SKIP_ROWS       NGX_HTTP_MLCLF_SKIP_MISSING_VALUE

#define NGX_HTTP_MLCLF_SKIP_NAMES                                            \
    "no_model", "empty", "incompatible", "missing_value",                   \
    "unknown_category", "internal"

/* |difference| buckets: upper bounds in 1e-9 and le="..." */
#define NGX_HTTP_MLCLF_DIFF_N          10

#define NGX_HTTP_MLCLF_DIFF_BOUNDS                                           \
    1000000, 5000000, 10000000, 25000000, 50000000, 100000000,              \
    250000000, 500000000, 1000000000

#define NGX_HTTP_MLCLF_DIFF_LE                                               \
    "0.001", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1",   \
    "+Inf"


/*
 * A stripe of a pair's counters, in ngx_atomic_t: skips by reason, the
 * difference histogram (not cumulative, the last is +Inf) and its sum
 * in 1e-9, the duration histogram and its sum in ns, then agree="false"
 * and agree="true" for each class of the request's model.
 */
#define NGX_HTTP_MLCLF_S_SKIP          0
#define NGX_HTTP_MLCLF_S_DIFF          NGX_HTTP_MLCLF_SKIP_N
#define NGX_HTTP_MLCLF_S_DIFF_SUM                                            \
    (NGX_HTTP_MLCLF_S_DIFF + NGX_HTTP_MLCLF_DIFF_N)
#define NGX_HTTP_MLCLF_S_DUR           (NGX_HTTP_MLCLF_S_DIFF_SUM + 1)
#define NGX_HTTP_MLCLF_S_DUR_SUM                                             \
    (NGX_HTTP_MLCLF_S_DUR + NGX_HTTP_MLCLF_N_BUCKETS)
#define NGX_HTTP_MLCLF_S_AGREE         (NGX_HTTP_MLCLF_S_DUR_SUM + 1)


/*
 * The counters of a (model version, shadow version) pair, keyed by
 * their slots, so that they last as long as the slots do; shadow NULL
 * holds the requests whose shadow could not be found.  Taken only by
 * the master, like the slots.
 */
typedef struct {
    ngx_http_mlclf_slot_t        *model;
    ngx_http_mlclf_slot_t        *shadow;
    ngx_atomic_t                 *counters;     /* nstripes * stride */
    ngx_uint_t                    stride;
    ngx_uint_t                    state;
} ngx_http_mlclf_shadow_slot_t;


typedef struct {
    ngx_uint_t                    npairs;
    ngx_uint_t                    used;
    ngx_http_mlclf_shadow_slot_t  pairs[1];     /* npairs */
} ngx_http_mlclf_shadow_shctx_t;


/* A pair that a location of this configuration may count. */
typedef struct {
    ngx_http_mlclf_model_t       *model;
    ngx_http_mlclf_model_t       *shadow;       /* NULL: skips */
    uint32_t                     *class_map;    /* model's to shadow's */
    ngx_http_mlclf_shadow_slot_t *slot;         /* NULL: not counted */
} ngx_http_mlclf_shadow_pair_t;


#define NGX_HTTP_MLCLF_AGREEMENT_HEAD                                        \
    NGX_HTTP_MLCLF_FAMILY("mlclf_shadow_agreement_total", "counter",        \
        "Rows scored by a shadow model, by the class the model predicted"   \
        " and whether the shadow predicted the same.")

#define NGX_HTTP_MLCLF_AGREEMENT                                             \
    "mlclf_shadow_agreement_total{model=\"%V\",version=\"%V\","             \
    "shadow=\"%V\",shadow_version=\"%V\",class=\"%s\",agree=\"%s\"} %uA\n"

#define NGX_HTTP_MLCLF_DIFF_HEAD                                             \
    NGX_HTTP_MLCLF_FAMILY("mlclf_shadow_confidence_difference",             \
        "histogram", "|model's confidence - shadow's probability of the"    \
        " model's class| per row.")

#define NGX_HTTP_MLCLF_DIFF_BUCKET                                           \
    "mlclf_shadow_confidence_difference_bucket{model=\"%V\","               \
    "version=\"%V\",shadow=\"%V\",shadow_version=\"%V\",le=\"%s\"} %uA\n"

#define NGX_HTTP_MLCLF_DIFF_SUM                                              \
    "mlclf_shadow_confidence_difference_sum{model=\"%V\",version=\"%V\","   \
    "shadow=\"%V\",shadow_version=\"%V\"} %uA.%09uA\n"

#define NGX_HTTP_MLCLF_DIFF_COUNT                                            \
    "mlclf_shadow_confidence_difference_count{model=\"%V\","                \
    "version=\"%V\",shadow=\"%V\",shadow_version=\"%V\"} %uA\n"

#define NGX_HTTP_MLCLF_SDUR_HEAD                                             \
    NGX_HTTP_MLCLF_FAMILY("mlclf_shadow_duration_seconds", "histogram",     \
        "Time a shadow model took to score a request's rows, after the"     \
        " reply.")

#define NGX_HTTP_MLCLF_SDUR_BUCKET                                           \
    "mlclf_shadow_duration_seconds_bucket{model=\"%V\",version=\"%V\","     \
    "shadow=\"%V\",shadow_version=\"%V\",le=\"%s\"} %uA\n"

#define NGX_HTTP_MLCLF_SDUR_SUM                                              \
    "mlclf_shadow_duration_seconds_sum{model=\"%V\",version=\"%V\","        \
    "shadow=\"%V\",shadow_version=\"%V\"} %uA.%09uA\n"

#define NGX_HTTP_MLCLF_SDUR_COUNT                                            \
    "mlclf_shadow_duration_seconds_count{model=\"%V\",version=\"%V\","      \
    "shadow=\"%V\",shadow_version=\"%V\"} %uA\n"

#define NGX_HTTP_MLCLF_ROWS_SKIPPED_HEAD                                     \
    NGX_HTTP_MLCLF_FAMILY("mlclf_shadow_rows_skipped_total", "counter",     \
        "Rows a shadow model did not score, by reason.")

#define NGX_HTTP_MLCLF_ROWS_SKIPPED                                          \
    "mlclf_shadow_rows_skipped_total{model=\"%V\",version=\"%V\","          \
    "shadow=\"%V\",shadow_version=\"%V\",reason=\"%s\"} %uA\n"

#define NGX_HTTP_MLCLF_SKIPPED_HEAD                                          \
    NGX_HTTP_MLCLF_FAMILY("mlclf_shadow_skipped_total", "counter",          \
        "Requests whose mlclf_shadow variable named no usable model.")

#define NGX_HTTP_MLCLF_SKIPPED                                               \
    "mlclf_shadow_skipped_total{model=\"%V\",version=\"%V\","               \
    "reason=\"%s\"} %uA\n"

/* a bound on the bytes of one sample line besides its label values */
#define NGX_HTTP_MLCLF_SHADOW_LINE_MAX                                       \
    (sizeof(NGX_HTTP_MLCLF_DIFF_COUNT) + 2 * NGX_ATOMIC_T_LEN)


char *ngx_http_mlclf_shadow(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_mlclf_shadow_merge(ngx_conf_t *cf,
    ngx_http_mlclf_loc_conf_t *conf);
void ngx_http_mlclf_shadow_init_zone(ngx_http_mlclf_ctx_t *ctx,
    ngx_log_t *log);
ngx_int_t ngx_http_mlclf_shadow_prepare(ngx_http_request_t *r,
    mlclf_reply_t *rep, size_t n_rows);
void ngx_http_mlclf_shadow_run(ngx_http_request_t *r, ngx_int_t rc,
    mlclf_request_t *req, mlclf_reply_t *rep);

size_t ngx_http_mlclf_shadow_size(ngx_http_mlclf_shctx_t *sh);
u_char *ngx_http_mlclf_shadow_render(u_char *p, u_char *last,
    ngx_http_mlclf_shctx_t *sh);


#endif /* _NGX_HTTP_MLCLF_SHADOW_H_INCLUDED_ */
