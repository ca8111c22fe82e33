
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Counters of the mlclf_zone shared memory and the Prometheus text of
 * /metrics: counter ids, label values and every format string.
 */


#ifndef _NGX_HTTP_MLCLF_METRICS_H_INCLUDED_
#define _NGX_HTTP_MLCLF_METRICS_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <mlclf.h>
#include "ngx_http_mlclf_module.h"


#define NGX_HTTP_MLCLF_SLOTS_DEFAULT   64
#define NGX_HTTP_MLCLF_SLOTS_MAX       4096
#define NGX_HTTP_MLCLF_STRIPES_MAX     64

/* "v4294967295" */
#define NGX_HTTP_MLCLF_VERSION_MAX     16

/* 128 bytes: a cache line and its adjacent-line prefetch pair */
#define NGX_HTTP_MLCLF_STRIPE_ALIGN    (128 / sizeof(ngx_atomic_t))


/* The counted status codes: slots of a stripe, names in CODE_NAMES. */
typedef enum {
    NGX_HTTP_MLCLF_CODE_200 = 0,
    NGX_HTTP_MLCLF_CODE_400,
    NGX_HTTP_MLCLF_CODE_405,
    NGX_HTTP_MLCLF_CODE_408,
    NGX_HTTP_MLCLF_CODE_413,
    NGX_HTTP_MLCLF_CODE_415,
    NGX_HTTP_MLCLF_CODE_499,
    NGX_HTTP_MLCLF_CODE_500,
    NGX_HTTP_MLCLF_CODE_503,
    NGX_HTTP_MLCLF_CODE_2XX,
    NGX_HTTP_MLCLF_CODE_3XX,
    NGX_HTTP_MLCLF_CODE_4XX,
    NGX_HTTP_MLCLF_CODE_5XX,
    NGX_HTTP_MLCLF_CODE_N
} ngx_http_mlclf_code_e;


/*
 * A stripe is one worker's copy of a slot's counters (worker number
 * modulo the stripe count), so that workers do not bounce each other's
 * cache lines; /metrics sums the stripes.  Layout of a stripe, in
 * ngx_atomic_t: status codes, error reasons, histogram buckets (not
 * cumulative, the last is +Inf), the sum of durations in nanoseconds,
 * then one counter per class; padded to NGX_HTTP_MLCLF_STRIPE_ALIGN.
 */

#define NGX_HTTP_MLCLF_N_CODES         NGX_HTTP_MLCLF_CODE_N
/* by mlclf_reason_e; MLCLF_REASON_NONE's counter stays 0, unprinted */
#define NGX_HTTP_MLCLF_N_REASONS       MLCLF_REASON_N
#define NGX_HTTP_MLCLF_N_BUCKETS       15

#define NGX_HTTP_MLCLF_C_CODE          0
#define NGX_HTTP_MLCLF_C_REASON        NGX_HTTP_MLCLF_N_CODES
#define NGX_HTTP_MLCLF_C_BUCKET                                              \
    (NGX_HTTP_MLCLF_C_REASON + NGX_HTTP_MLCLF_N_REASONS)
#define NGX_HTTP_MLCLF_C_SUM                                                 \
    (NGX_HTTP_MLCLF_C_BUCKET + NGX_HTTP_MLCLF_N_BUCKETS)
#define NGX_HTTP_MLCLF_C_CLASS         (NGX_HTTP_MLCLF_C_SUM + 1)


/*
 * code="..." of mlclf_requests_total by ngx_http_mlclf_code_e; the last
 * four catch the rest.  reason="..." labels are mlclf_reason_name()'s.
 */
#define NGX_HTTP_MLCLF_CODE_NAMES                                            \
    [NGX_HTTP_MLCLF_CODE_200] = "200", [NGX_HTTP_MLCLF_CODE_400] = "400",    \
    [NGX_HTTP_MLCLF_CODE_405] = "405", [NGX_HTTP_MLCLF_CODE_408] = "408",    \
    [NGX_HTTP_MLCLF_CODE_413] = "413", [NGX_HTTP_MLCLF_CODE_415] = "415",    \
    [NGX_HTTP_MLCLF_CODE_499] = "499", [NGX_HTTP_MLCLF_CODE_500] = "500",    \
    [NGX_HTTP_MLCLF_CODE_503] = "503", [NGX_HTTP_MLCLF_CODE_2XX] = "2xx",    \
    [NGX_HTTP_MLCLF_CODE_3XX] = "3xx", [NGX_HTTP_MLCLF_CODE_4XX] = "4xx",    \
    [NGX_HTTP_MLCLF_CODE_5XX] = "5xx"

/* upper bounds of the duration buckets: nanoseconds and le="..." */
#define NGX_HTTP_MLCLF_BUCKETS_NS                                            \
    5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000,             \
    2500000, 5000000, 10000000, 25000000, 50000000, 100000000

#define NGX_HTTP_MLCLF_BUCKETS_LE                                            \
    "5e-06", "1e-05", "2.5e-05", "5e-05", "0.0001", "0.00025", "0.0005",    \
    "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "+Inf"


#define NGX_HTTP_MLCLF_SLOT_FREE       0
#define NGX_HTTP_MLCLF_SLOT_USED       1
#define NGX_HTTP_MLCLF_SLOT_RETIRED    2


/*
 * One model version's counters, keyed by (name, version, class labels).
 * Slots are taken only by the master while it reads a configuration and
 * are never freed: after a promote and a reload the old version's series
 * stay.  state is written last, after a barrier, since the workers of
 * the previous configuration read the slot table meanwhile.
 */
struct ngx_http_mlclf_slot_s {
    ngx_atomic_t             *counters;     /* nstripes * stride */
    u_char                   *labels;       /* escaped, '\0'-ended each */
    size_t                    labels_len;
    ngx_uint_t                stride;       /* counters in one stripe */
    uint32_t                  n_classes;
    ngx_uint_t                state;
    ngx_atomic_t             *drift;        /* ngx_http_mlclf_drift.h */
    size_t                    name_len;
    size_t                    version_len;
    u_char                    name[NGX_HTTP_MLCLF_NAME_MAX];
    u_char                    version[NGX_HTTP_MLCLF_VERSION_MAX];
};


typedef struct {
    ngx_uint_t                nslots;
    ngx_uint_t                nstripes;
    ngx_uint_t                used;
    ngx_atomic_t              exhausted;    /* versions refused a slot */
    ngx_atomic_t              uncounted;    /* their requests */
    ngx_http_mlclf_slot_t     nomodel;      /* no such model: no labels */
    void                     *shadow;       /* mlclf_shadow pairs, or
                                               NULL (_shadow.h) */
    ngx_http_mlclf_slot_t     slots[1];     /* nslots */
} ngx_http_mlclf_shctx_t;


typedef struct {
    ngx_http_mlclf_shctx_t      *sh;
    ngx_slab_pool_t             *shpool;
    ngx_uint_t                   nslots;
    ngx_cycle_t                 *cycle;
    ngx_http_mlclf_main_conf_t  *mmcf;
} ngx_http_mlclf_ctx_t;


/* Prometheus text format 0.0.4 */

#define NGX_HTTP_MLCLF_CONTENT_TYPE                                          \
    "text/plain; version=0.0.4; charset=utf-8"

#define NGX_HTTP_MLCLF_FAMILY(name, type, help)                              \
    "# HELP " name " " help "\n# TYPE " name " " type "\n"

#define NGX_HTTP_MLCLF_STUB_HEAD                                             \
    NGX_HTTP_MLCLF_FAMILY("nginx_connections_active", "gauge",              \
        "Open client connections, waiting ones included.")                  \
    "nginx_connections_active %uA\n"                                        \
    NGX_HTTP_MLCLF_FAMILY("nginx_connections_reading", "gauge",             \
        "Connections where NGINX is reading the request header.")           \
    "nginx_connections_reading %uA\n"                                       \
    NGX_HTTP_MLCLF_FAMILY("nginx_connections_writing", "gauge",             \
        "Connections where NGINX is writing the response.")                 \
    "nginx_connections_writing %uA\n"                                       \
    NGX_HTTP_MLCLF_FAMILY("nginx_connections_waiting", "gauge",             \
        "Idle keep-alive client connections.")                              \
    "nginx_connections_waiting %uA\n"                                       \
    NGX_HTTP_MLCLF_FAMILY("nginx_connections_accepted_total", "counter",    \
        "Accepted client connections.")                                     \
    "nginx_connections_accepted_total %uA\n"                                \
    NGX_HTTP_MLCLF_FAMILY("nginx_connections_handled_total", "counter",     \
        "Handled client connections.")                                      \
    "nginx_connections_handled_total %uA\n"                                 \
    NGX_HTTP_MLCLF_FAMILY("nginx_http_requests_total", "counter",           \
        "Client requests.")                                                 \
    "nginx_http_requests_total %uA\n"

#define NGX_HTTP_MLCLF_REQUESTS_HEAD                                         \
    NGX_HTTP_MLCLF_FAMILY("mlclf_requests_total", "counter",                \
        "Requests to mlclf_predict locations by model, version and status.")

#define NGX_HTTP_MLCLF_REQUESTS                                              \
    "mlclf_requests_total{model=\"%V\",version=\"%V\",code=\"%s\"} %uA\n"

#define NGX_HTTP_MLCLF_ERRORS_HEAD                                           \
    NGX_HTTP_MLCLF_FAMILY("mlclf_errors_total", "counter",                  \
        "Rejected or failed prediction requests by reason.")

#define NGX_HTTP_MLCLF_ERRORS                                                \
    "mlclf_errors_total{model=\"%V\",version=\"%V\",reason=\"%s\"} %uA\n"

#define NGX_HTTP_MLCLF_DURATION_HEAD                                         \
    NGX_HTTP_MLCLF_FAMILY("mlclf_request_duration_seconds", "histogram",    \
        "Time from a complete request body to a ready reply: parsing,"      \
        " validation, prediction, rendering.")

#define NGX_HTTP_MLCLF_BUCKET                                                \
    "mlclf_request_duration_seconds_bucket"                                 \
    "{model=\"%V\",version=\"%V\",le=\"%s\"} %uA\n"

#define NGX_HTTP_MLCLF_SUM                                                   \
    "mlclf_request_duration_seconds_sum"                                    \
    "{model=\"%V\",version=\"%V\"} %uA.%09uA\n"

#define NGX_HTTP_MLCLF_COUNT                                                 \
    "mlclf_request_duration_seconds_count"                                  \
    "{model=\"%V\",version=\"%V\"} %uA\n"

#define NGX_HTTP_MLCLF_PREDICTIONS_HEAD                                      \
    NGX_HTTP_MLCLF_FAMILY("mlclf_predictions_total", "counter",             \
        "Predicted rows by class; each row of a batch counts.")

#define NGX_HTTP_MLCLF_PREDICTIONS                                           \
    "mlclf_predictions_total{model=\"%V\",version=\"%V\",class=\"%s\"} %uA\n"

#define NGX_HTTP_MLCLF_INFO_HEAD                                             \
    NGX_HTTP_MLCLF_FAMILY("mlclf_model_info", "gauge",                      \
        "Models of the running configuration, always 1.")

#define NGX_HTTP_MLCLF_INFO                                                  \
    "mlclf_model_info{model=\"%V\",version=\"%V\",algorithm=\"%V\","        \
    "n_features=\"%uD\",n_classes=\"%uD\"} 1\n"

#define NGX_HTTP_MLCLF_ACCURACY_HEAD                                         \
    NGX_HTTP_MLCLF_FAMILY("mlclf_model_accuracy", "gauge",                  \
        "Test-set accuracy recorded by the trainer in the model file.")

#define NGX_HTTP_MLCLF_ACCURACY                                              \
    "mlclf_model_accuracy{model=\"%V\",version=\"%V\"} %s\n"

#define NGX_HTTP_MLCLF_LOADED_HEAD                                           \
    NGX_HTTP_MLCLF_FAMILY("mlclf_model_load_timestamp_seconds", "gauge",    \
        "When NGINX read the configuration that loaded the model.")

#define NGX_HTTP_MLCLF_LOADED                                                \
    "mlclf_model_load_timestamp_seconds{model=\"%V\",version=\"%V\"} %T\n"

#define NGX_HTTP_MLCLF_SLOTS                                                 \
    NGX_HTTP_MLCLF_FAMILY("mlclf_metrics_slots", "gauge",                   \
        "Model version slots of the mlclf_zone.")                           \
    "mlclf_metrics_slots %ui\n"                                             \
    NGX_HTTP_MLCLF_FAMILY("mlclf_metrics_slots_used", "gauge",              \
        "Model version slots taken; they are kept until a restart.")        \
    "mlclf_metrics_slots_used %ui\n"                                        \
    NGX_HTTP_MLCLF_FAMILY("mlclf_metrics_slots_exhausted_total", "counter", \
        "Model versions loaded without a slot, so not counted.")            \
    "mlclf_metrics_slots_exhausted_total %uA\n"                             \
    NGX_HTTP_MLCLF_FAMILY("mlclf_metrics_uncounted_requests_total",         \
        "counter", "Requests to model versions without a slot.")            \
    "mlclf_metrics_uncounted_requests_total %uA\n"

/* input drift: ngx_http_mlclf_drift.c */

#define NGX_HTTP_MLCLF_DRIFT_WINDOW                                          \
    NGX_HTTP_MLCLF_FAMILY("mlclf_drift_window_seconds", "gauge",            \
        "The sliding window of the drift families (mlclf_drift_window).")   \
    "mlclf_drift_window_seconds %T\n"

#define NGX_HTTP_MLCLF_FEATURE_PSI_HEAD                                      \
    NGX_HTTP_MLCLF_FAMILY("mlclf_feature_drift_psi", "gauge",               \
        "Population stability index of an input's bins in the window"       \
        " against the training shares.")

#define NGX_HTTP_MLCLF_FEATURE_PSI                                           \
    "mlclf_feature_drift_psi{model=\"%V\",version=\"%V\",feature=\"%V\"}"   \
    " %s\n"

#define NGX_HTTP_MLCLF_FEATURE_ROWS_HEAD                                     \
    NGX_HTTP_MLCLF_FAMILY("mlclf_feature_drift_rows", "gauge",              \
        "Rows answered 200 in the window, binned for an input's PSI.")

#define NGX_HTTP_MLCLF_FEATURE_ROWS                                          \
    "mlclf_feature_drift_rows{model=\"%V\",version=\"%V\",feature=\"%V\"}"  \
    " %uL\n"

#define NGX_HTTP_MLCLF_PREDICTION_PSI_HEAD                                   \
    NGX_HTTP_MLCLF_FAMILY("mlclf_prediction_drift_psi", "gauge",            \
        "Population stability index of the predicted classes in the"        \
        " window against the training split's predicted classes.")

#define NGX_HTTP_MLCLF_PREDICTION_PSI                                        \
    "mlclf_prediction_drift_psi{model=\"%V\",version=\"%V\"} %s\n"

#define NGX_HTTP_MLCLF_PREDICTION_ROWS_HEAD                                  \
    NGX_HTTP_MLCLF_FAMILY("mlclf_prediction_drift_rows", "gauge",           \
        "Rows answered 200 in the window, for the prediction PSI.")

#define NGX_HTTP_MLCLF_PREDICTION_ROWS                                       \
    "mlclf_prediction_drift_rows{model=\"%V\",version=\"%V\"} %uL\n"


/* a bound on the bytes of one sample line besides its label values */
#define NGX_HTTP_MLCLF_LINE_MAX                                              \
    (sizeof(NGX_HTTP_MLCLF_INFO) + 3 * NGX_ATOMIC_T_LEN)


char *ngx_http_mlclf_zone(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_mlclf_metrics(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_int_t ngx_http_mlclf_metrics_model(ngx_conf_t *cf,
    ngx_http_mlclf_model_t *m, mlclf_model_t *model);
ngx_int_t ngx_http_mlclf_metrics_init(ngx_conf_t *cf);
void ngx_http_mlclf_metrics_init_process(ngx_cycle_t *cycle);
uint64_t ngx_http_mlclf_now(void);

/* this worker's stripe of every slot */
extern ngx_uint_t  ngx_http_mlclf_stripe;

ngx_int_t ngx_http_mlclf_prometheus_handler(ngx_http_request_t *r);
size_t ngx_http_mlclf_prometheus_escape(u_char *dst, u_char *src,
    size_t len);
ngx_atomic_uint_t ngx_http_mlclf_stripes_sum(ngx_http_mlclf_shctx_t *sh,
    ngx_atomic_t *counters, ngx_uint_t stride, ngx_uint_t i);


#endif /* _NGX_HTTP_MLCLF_METRICS_H_INCLUDED_ */
