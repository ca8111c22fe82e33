
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

/*
 * Default mlclf_max_model_size: each model is held in memory once per
 * configuration (twice while a reload overlaps old and new workers), so
 * a file, or a header, claiming more is refused before it is read.
 */
#define NGX_HTTP_MLCLF_MAX_MODEL_SIZE  (256 * 1024 * 1024)


typedef struct ngx_http_mlclf_slot_s  ngx_http_mlclf_slot_t;


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
} ngx_http_mlclf_model_t;


typedef struct {
    ngx_array_t               models;       /* ngx_http_mlclf_model_t * */
    ngx_shm_zone_t           *shm_zone;     /* mlclf_zone, or NULL */
    size_t                    max_model_size;
} ngx_http_mlclf_main_conf_t;


typedef struct {
    ngx_http_mlclf_model_t   *model;        /* static mlclf_predict NAME */
    ngx_http_complex_value_t *model_name;   /* mlclf_predict $variable */
    ngx_int_t                 max_rows;
    ngx_int_t                 max_explain_rows;     /* with "explain" */
    ngx_int_t                 max_depth;
    size_t                    max_text;     /* bytes of one text value */
} ngx_http_mlclf_loc_conf_t;


/* Per /predict request; read by the $mlclf_* variables. */
typedef struct {
    ngx_str_t                 name;
    ngx_http_mlclf_model_t   *model;
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

ngx_int_t ngx_http_mlclf_add_header(ngx_http_request_t *r, char *key,
    ngx_str_t *value);
ngx_int_t ngx_http_mlclf_send_error(ngx_http_request_t *r,
    ngx_uint_t status, const char *msg, mlclf_reason_e reason);
ngx_int_t ngx_http_mlclf_send_json(ngx_http_request_t *r, ngx_uint_t status,
    ngx_buf_t *b);
ngx_int_t ngx_http_mlclf_send_buf(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *type, ngx_buf_t *b);


extern ngx_module_t  ngx_http_mlclf_module;


#endif /* _NGX_HTTP_MLCLF_MODULE_H_INCLUDED_ */
