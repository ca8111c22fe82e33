
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Shared declarations of the nginx glue: configuration, per-worker model
 * state, per-request context.
 */


#ifndef _NGX_HTTP_MLCLF_MODULE_H_INCLUDED_
#define _NGX_HTTP_MLCLF_MODULE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <mlclf.h>


#define NGX_HTTP_MLCLF_NAME_MAX     MLCLF_MODEL_NAME_MAX

/* GET /v2 "version"; debian/changelog's */
#define NGX_HTTP_MLCLF_VERSION      "0.1.0"

/* the route a counted request came by ($mlclf_* variables, counters) */
#define NGX_HTTP_MLCLF_ROUTE_PREDICT  0     /* mlclf_predict */
#define NGX_HTTP_MLCLF_ROUTE_V1       1     /* mlclf_v1 :predict */
#define NGX_HTTP_MLCLF_ROUTE_V2       2     /* mlclf_v2 .../infer */

/*
 * Default mlclf_max_model_size: each model is held in memory once per
 * configuration (twice while a reload overlaps old and new workers), so
 * a file, or a header, claiming more is refused before it is read.
 */
#define NGX_HTTP_MLCLF_MAX_MODEL_SIZE  (256 * 1024 * 1024)


typedef struct ngx_http_mlclf_slot_s   ngx_http_mlclf_slot_t;
typedef struct ngx_http_mlclf_drift_s  ngx_http_mlclf_drift_t;


/*
 * One mlclf_model directive, set by the master while it reads the
 * configuration: model is the verified copy in sealed read-only memory
 * that every worker inherits (mlclf_model_open), never NULL.
 */
typedef struct {
    ngx_str_t                 name;
    ngx_str_t                 path;         /* resolved file, NUL-ended */
    ngx_str_t                 version;      /* "v3", NUL-ended */
    ngx_str_t                 algorithm;    /* "logreg", NUL-ended */
    uint32_t                  n_features;
    uint32_t                  n_classes;
    uint32_t                  registry_version;
    size_t                    size;         /* bytes of the file */

    mlclf_model_t            *model;
    time_t                    loaded_at;    /* read and verified */

    ngx_uint_t                index;        /* in the main conf, counters */

    /* for /metrics, set while the configuration is read */
    u_char                   *labels;       /* escaped, '\0'-ended each */
    size_t                    labels_len;
    double                    accuracy;
    unsigned                  has_accuracy:1;

    ngx_http_mlclf_slot_t    *slot;         /* NULL: not counted */
    ngx_http_mlclf_drift_t   *drift;        /* NULL: no drift counted */
} ngx_http_mlclf_model_t;


typedef struct {
    ngx_array_t               models;       /* ngx_http_mlclf_model_t * */
    ngx_shm_zone_t           *shm_zone;     /* mlclf_zone, or NULL */
    ngx_array_t              *shadows;      /* mlclf_shadow pairs, or
                                               NULL (_shadow.h) */
    size_t                    max_model_size;
    time_t                    drift_window; /* seconds, 0: off */
} ngx_http_mlclf_main_conf_t;


typedef struct {
    ngx_http_mlclf_model_t   *model;        /* static mlclf_predict NAME */
    ngx_http_complex_value_t *model_name;   /* mlclf_predict $variable */
    ngx_http_mlclf_model_t   *shadow;       /* static mlclf_shadow NAME */
    ngx_http_complex_value_t *shadow_name;  /* mlclf_shadow, or NULL */
    ngx_int_t                 max_rows;
    ngx_int_t                 max_explain_rows;     /* with "explain" */
    ngx_int_t                 max_depth;
    size_t                    max_text;     /* bytes of one text value */
} ngx_http_mlclf_loc_conf_t;


/*
 * Per prediction request (/predict, V1 :predict, V2 infer); read by the
 * $mlclf_* variables and counted by mlclf_zone.
 */
typedef struct {
    ngx_str_t                 name;
    ngx_http_mlclf_model_t   *model;
    ngx_uint_t                route;        /* NGX_HTTP_MLCLF_ROUTE_* */
    mlclf_reason_e            reason;       /* set on a rejected request */
    size_t                    n_rows;
    uint32_t                  first_class;
    double                    first_confidence;
    uint64_t                  start;        /* ns, monotonic */
    uint64_t                  duration;     /* ns */
    uint64_t                 *class_counts; /* batches, when counted */
    unsigned                  predicted:1;
    unsigned                  timed:1;
} ngx_http_mlclf_req_ctx_t;


ngx_http_mlclf_model_t *ngx_http_mlclf_model_find(
    ngx_http_mlclf_main_conf_t *mmcf, ngx_str_t *name);

ngx_int_t ngx_http_mlclf_predict_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_mlclf_health_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_mlclf_v2_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_mlclf_v1_handler(ngx_http_request_t *r);
ngx_http_mlclf_model_t *ngx_http_mlclf_v2_counted(ngx_http_request_t *r);
ngx_http_mlclf_model_t *ngx_http_mlclf_v1_counted(ngx_http_request_t *r);

ngx_http_mlclf_req_ctx_t *ngx_http_mlclf_ctx_create(ngx_http_request_t *r,
    ngx_http_mlclf_model_t *m, ngx_str_t *name, ngx_uint_t route);
ngx_int_t ngx_http_mlclf_read_predict(ngx_http_request_t *r);
void ngx_http_mlclf_limits(ngx_http_request_t *r, mlclf_limits_t *limits);
ngx_http_mlclf_req_ctx_t *ngx_http_mlclf_body(ngx_http_request_t *r,
    ngx_str_t *body);
ngx_int_t ngx_http_mlclf_refused(ngx_http_request_t *r, ngx_uint_t status,
    const char *msg);
ngx_int_t ngx_http_mlclf_failed(ngx_http_request_t *r, const char *msg);
ngx_int_t ngx_http_mlclf_replied(ngx_http_request_t *r, size_t n_rows,
    mlclf_reply_t *rep);
ngx_table_elt_t *ngx_http_mlclf_header_in(ngx_http_request_t *r,
    const char *name, size_t len);
ngx_int_t ngx_http_mlclf_not_allowed(ngx_http_request_t *r, ngx_uint_t post);
ngx_int_t ngx_http_mlclf_get_only(ngx_http_request_t *r);
ngx_buf_t *ngx_http_mlclf_reply_buf(ngx_http_request_t *r,
    mlclf_reply_t *rep, size_t size, size_t scratch, size_t n_rows);
ngx_int_t ngx_http_mlclf_refuse(ngx_http_request_t *r, ngx_uint_t status,
    const char *msg, mlclf_reason_e reason, const char *allow);

ngx_int_t ngx_http_mlclf_add_header(ngx_http_request_t *r, char *key,
    ngx_str_t *value);
ngx_int_t ngx_http_mlclf_send_error(ngx_http_request_t *r,
    ngx_uint_t status, const char *msg, mlclf_reason_e reason);
ngx_int_t ngx_http_mlclf_no_model(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *name);
ngx_int_t ngx_http_mlclf_model_ready(ngx_http_request_t *r,
    ngx_http_mlclf_model_t *m);
ngx_int_t ngx_http_mlclf_send_data(ngx_http_request_t *r, ngx_uint_t status,
    u_char *data, size_t len);
ngx_int_t ngx_http_mlclf_send_json(ngx_http_request_t *r, ngx_uint_t status,
    ngx_buf_t *b);
ngx_int_t ngx_http_mlclf_send(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *type, ngx_buf_t *b);
ngx_int_t ngx_http_mlclf_send_buf(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *type, ngx_buf_t *b);


extern ngx_module_t  ngx_http_mlclf_module;


#endif /* _NGX_HTTP_MLCLF_MODULE_H_INCLUDED_ */
