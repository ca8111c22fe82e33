
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Input drift in /metrics: mlclf_drift_window, the per-bin counters of
 * served rows in time slices of the mlclf_zone, and the PSI families.
 */


#ifndef _NGX_HTTP_MLCLF_DRIFT_H_INCLUDED_
#define _NGX_HTTP_MLCLF_DRIFT_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <mlclf.h>
#include "ngx_http_mlclf_module.h"
#include "ngx_http_mlclf_metrics.h"


/* the window is this many slices, the oldest dropped whole */
#define NGX_HTTP_MLCLF_DRIFT_SLICES    15

#define NGX_HTTP_MLCLF_DRIFT_DEFAULT   (15 * 60)
#define NGX_HTTP_MLCLF_DRIFT_MIN       NGX_HTTP_MLCLF_DRIFT_SLICES
#define NGX_HTTP_MLCLF_DRIFT_MAX       (7 * 24 * 60 * 60)

/*
 * A drift block of the zone, in ngx_atomic_t: a header line of
 * NGX_HTTP_MLCLF_STRIPE_ALIGN (the layout's crc32, never changed, and
 * the slice length in nanoseconds, changed by the master only), then for
 * every stripe NGX_HTTP_MLCLF_DRIFT_SLICES slices of drift->stride: the
 * slice's epoch (its number since boot, plus one; 0 unused), the bins of
 * every input, then one counter per predicted class.
 */
#define NGX_HTTP_MLCLF_DRIFT_LAYOUT    0
#define NGX_HTTP_MLCLF_DRIFT_SLICE     1
#define NGX_HTTP_MLCLF_DRIFT_HEAD      NGX_HTTP_MLCLF_STRIPE_ALIGN
#define NGX_HTTP_MLCLF_DRIFT_EPOCH     0


/*
 * A model version's drift layout, built with the configuration (so each
 * worker has its own copy of bins after the fork).
 */
struct ngx_http_mlclf_drift_s {
    uint32_t                  n_inputs;
    uint32_t                  n_classes;
    uint32_t                  layout;       /* crc32 of the bin counts */
    ngx_uint_t                stride;       /* counters of one slice */
    ngx_uint_t                classes;      /* first class counter */
    uint32_t                 *offset;       /* first bin of each input */
    uint8_t                  *bins;         /* a row's bins, scratch */
    uint32_t                 *local;        /* a batch's bin counts, by
                                               counter (classes of them),
                                               zero between requests */
    ngx_str_t                *features;     /* escaped label values */
};


char *ngx_http_mlclf_drift_window(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_int_t ngx_http_mlclf_drift_init(ngx_conf_t *cf);
ngx_int_t ngx_http_mlclf_drift_zone(ngx_http_mlclf_ctx_t *ctx,
    ngx_shm_zone_t *shm_zone);
void ngx_http_mlclf_drift_count(ngx_http_request_t *r,
    const mlclf_request_t *req, mlclf_reply_t *rep);
size_t ngx_http_mlclf_drift_size(ngx_http_mlclf_main_conf_t *mmcf);
u_char *ngx_http_mlclf_drift_metrics(u_char *p, u_char *last,
    ngx_http_request_t *r);


#endif /* _NGX_HTTP_MLCLF_DRIFT_H_INCLUDED_ */
