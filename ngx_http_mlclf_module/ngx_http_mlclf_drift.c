
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Input drift: mlclf_drift_window, the per-bin counts of the rows
 * answered 200 in time slices of the mlclf_zone, and their PSI against
 * the model's reference distributions in /metrics.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <mlclf.h>
#include "ngx_http_mlclf_module.h"
#include "ngx_http_mlclf_metrics.h"
#include "ngx_http_mlclf_drift.h"


/* a bound on the bytes of one drift sample besides its label values */
#define NGX_HTTP_MLCLF_DRIFT_LINE_MAX                                        \
    (sizeof(NGX_HTTP_MLCLF_FEATURE_ROWS) + 32 + NGX_INT64_LEN)


static ngx_int_t ngx_http_mlclf_drift_model(ngx_conf_t *cf,
    ngx_http_mlclf_model_t *m);
static size_t ngx_http_mlclf_drift_bytes(ngx_http_mlclf_shctx_t *sh,
    ngx_http_mlclf_drift_t *d);
static ngx_atomic_t *ngx_http_mlclf_drift_slice(ngx_atomic_t *block,
    ngx_http_mlclf_drift_t *d, uint64_t now);
static ngx_atomic_t *ngx_http_mlclf_drift_block(ngx_http_mlclf_model_t *m);
static void ngx_http_mlclf_drift_sum(ngx_http_mlclf_shctx_t *sh,
    ngx_atomic_t *block, ngx_http_mlclf_drift_t *d, uint64_t now,
    uint64_t *sum);
static u_char *ngx_http_mlclf_drift_features(u_char *p, u_char *last,
    ngx_http_mlclf_model_t *m, uint64_t *sum, ngx_uint_t psi);
static u_char *ngx_http_mlclf_drift_psi(u_char *p, u_char *last,
    const char *fmt, ngx_http_mlclf_model_t *m, ngx_str_t *feature,
    const double *ref, uint64_t *counts, uint32_t n);


char *
ngx_http_mlclf_drift_window(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_mlclf_main_conf_t *mmcf = conf;

    ngx_int_t   window;
    ngx_str_t  *value;

    if (mmcf->drift_window != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        mmcf->drift_window = 0;
        return NGX_CONF_OK;
    }

    window = ngx_parse_time(&value[1], 1);

    if (window == NGX_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid mlclf_drift_window \"%V\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    if (window < NGX_HTTP_MLCLF_DRIFT_MIN
        || window > NGX_HTTP_MLCLF_DRIFT_MAX)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "mlclf_drift_window \"%V\" is out of range, "
                           "15s..7d", &value[1]);
        return NGX_CONF_ERROR;
    }

    mmcf->drift_window = (time_t) window;

    return NGX_CONF_OK;
}


/*
 * postconfiguration: the layout of every model with reference
 * distributions, when there is a zone to count in and a window
 */

ngx_int_t
ngx_http_mlclf_drift_init(ngx_conf_t *cf)
{
    ngx_uint_t                   i;
    ngx_http_mlclf_model_t     **mp;
    ngx_http_mlclf_main_conf_t  *mmcf;

    mmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_mlclf_module);

    if (mmcf->drift_window == NGX_CONF_UNSET) {
        mmcf->drift_window = NGX_HTTP_MLCLF_DRIFT_DEFAULT;
    }

    if (mmcf->shm_zone == NULL || mmcf->drift_window == 0) {
        return NGX_OK;
    }

    mp = mmcf->models.elts;

    for (i = 0; i < mmcf->models.nelts; i++) {
        if (mlclf_drift_ready(mp[i]->model) != MLCLF_OK) {
            continue;
        }

        if (ngx_http_mlclf_drift_model(cf, mp[i]) != NGX_OK) {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_mlclf_drift_model(ngx_conf_t *cf, ngx_http_mlclf_model_t *m)
{
    u_char                  *p;
    size_t                   len;
    uint32_t                 i, n, nb, crc;
    ngx_uint_t               off;
    const char              *name;
    ngx_http_mlclf_drift_t  *d;

    n = mlclf_drift_n_inputs(m->model);

    d = ngx_pcalloc(cf->pool, sizeof(ngx_http_mlclf_drift_t));
    if (d == NULL) {
        return NGX_ERROR;
    }

    d->offset = ngx_palloc(cf->pool, (n + 1) * sizeof(uint32_t));
    d->bins = ngx_palloc(cf->pool, n + 1);
    d->features = ngx_palloc(cf->pool, (n + 1) * sizeof(ngx_str_t));

    if (d->offset == NULL || d->bins == NULL || d->features == NULL) {
        return NGX_ERROR;
    }

    d->n_inputs = n;
    d->n_classes = m->n_classes;

    ngx_crc32_init(crc);
    ngx_crc32_update(&crc, (u_char *) &d->n_classes, sizeof(uint32_t));
    ngx_crc32_update(&crc, (u_char *) &n, sizeof(uint32_t));

    /* the epoch comes first */
    off = 1;

    for (i = 0; i < n; i++) {
        nb = mlclf_drift_n_bins(m->model, i);
        ngx_crc32_update(&crc, (u_char *) &nb, sizeof(uint32_t));

        d->offset[i] = off;
        off += nb;

        name = mlclf_model_feature_name(m->model, i);
        len = ngx_strlen(name);

        p = ngx_pnalloc(cf->pool, 2 * len + 1);
        if (p == NULL) {
            return NGX_ERROR;
        }

        d->features[i].data = p;
        d->features[i].len = ngx_http_mlclf_prometheus_escape(p,
                                                    (u_char *) name, len);
    }

    ngx_crc32_final(crc);

    d->layout = crc;
    d->classes = off;

    d->local = ngx_pcalloc(cf->pool, off * sizeof(uint32_t));
    if (d->local == NULL) {
        return NGX_ERROR;
    }
    d->stride = ngx_align(off + d->n_classes, NGX_HTTP_MLCLF_STRIPE_ALIGN);

    m->drift = d;

    return NGX_OK;
}


static size_t
ngx_http_mlclf_drift_bytes(ngx_http_mlclf_shctx_t *sh,
    ngx_http_mlclf_drift_t *d)
{
    return (NGX_HTTP_MLCLF_DRIFT_HEAD
            + sh->nstripes * NGX_HTTP_MLCLF_DRIFT_SLICES * d->stride)
           * sizeof(ngx_atomic_t);
}


/*
 * From init_zone, in the master, after the slots: a drift block for
 * every slot whose model has a layout.  A slot keeps its block across a
 * reload while the layout stays (a new file under the same name and
 * version with other bins gets a new block; the old one is not freed,
 * since workers of the old configuration may still write it), and
 * starts it afresh when mlclf_drift_window changes.
 */

ngx_int_t
ngx_http_mlclf_drift_zone(ngx_http_mlclf_ctx_t *ctx, ngx_shm_zone_t *shm_zone)
{
    size_t                    size, need;
    uint64_t                  slice;
    ngx_uint_t                i, j, n;
    ngx_atomic_t             *block;
    ngx_http_mlclf_slot_t    *slot;
    ngx_http_mlclf_drift_t   *d;
    ngx_http_mlclf_model_t  **mp;

    mp = ctx->mmcf->models.elts;
    n = ctx->mmcf->models.nelts;

    slice = (uint64_t) ctx->mmcf->drift_window * 1000000000
            / NGX_HTTP_MLCLF_DRIFT_SLICES;

    for (i = 0; i < n; i++) {
        d = mp[i]->drift;
        slot = mp[i]->slot;

        if (d == NULL || slot == NULL) {
            continue;
        }

        size = ngx_http_mlclf_drift_bytes(ctx->sh, d);
        block = slot->drift;

        if (block != NULL && block[NGX_HTTP_MLCLF_DRIFT_LAYOUT] == d->layout) {

            if (block[NGX_HTTP_MLCLF_DRIFT_SLICE] != slice) {
                ngx_memzero((void *) (block + NGX_HTTP_MLCLF_DRIFT_HEAD),
                            size - NGX_HTTP_MLCLF_DRIFT_HEAD
                                   * sizeof(ngx_atomic_t));
                block[NGX_HTTP_MLCLF_DRIFT_SLICE] = slice;
            }

            continue;
        }

        block = ngx_slab_calloc(ctx->shpool, size);
        if (block == NULL) {
            goto small;
        }

        block[NGX_HTTP_MLCLF_DRIFT_LAYOUT] = d->layout;
        block[NGX_HTTP_MLCLF_DRIFT_SLICE] = slice;

        /* workers of the previous configuration may be reading the slot */

        ngx_memory_barrier();

        slot->drift = block;
    }

    return NGX_OK;

small:

    /* the pages still wanted, each with its slab page descriptor */

    need = shm_zone->shm.size + ngx_pagesize;

    for (j = i; j < n; j++) {
        if (mp[j]->drift == NULL || mp[j]->slot == NULL) {
            continue;
        }

        size = ngx_http_mlclf_drift_bytes(ctx->sh, mp[j]->drift);
        need += (size + ngx_pagesize - 1) / ngx_pagesize
                * (ngx_pagesize + sizeof(ngx_slab_page_t));
    }

    ngx_log_error(NGX_LOG_EMERG, shm_zone->shm.log, 0,
                  "mlclf_zone \"%V\" is too small for the drift counters "
                  "of model \"%V\" %V, %uzk needed",
                  &shm_zone->shm.name, &mp[i]->name, &mp[i]->version,
                  (need + 1023) / 1024);

    return NGX_ERROR;
}


/*
 * The current slice of this worker's stripe.  The first worker into a
 * new slice takes it with a compare-and-set of its epoch, then clears
 * it: a row that another worker of the same stripe (more than
 * NGX_HTTP_MLCLF_STRIPES_MAX workers, or old and new workers during a
 * reload) counts into it meanwhile may be lost.
 */

static ngx_atomic_t *
ngx_http_mlclf_drift_slice(ngx_atomic_t *block, ngx_http_mlclf_drift_t *d,
    uint64_t now)
{
    ngx_atomic_t       *c;
    ngx_atomic_uint_t   epoch, old;

    epoch = now / block[NGX_HTTP_MLCLF_DRIFT_SLICE] + 1;

    c = block + NGX_HTTP_MLCLF_DRIFT_HEAD
        + (ngx_http_mlclf_stripe * NGX_HTTP_MLCLF_DRIFT_SLICES
           + epoch % NGX_HTTP_MLCLF_DRIFT_SLICES) * d->stride;

    old = c[NGX_HTTP_MLCLF_DRIFT_EPOCH];

    if (old < epoch
        && ngx_atomic_cmp_set(&c[NGX_HTTP_MLCLF_DRIFT_EPOCH], old, epoch))
    {
        ngx_memzero((void *) (c + 1), (d->stride - 1) * sizeof(ngx_atomic_t));
    }

    return c;
}


/* the slot's block, when it was made for this configuration's layout */

static ngx_atomic_t *
ngx_http_mlclf_drift_block(ngx_http_mlclf_model_t *m)
{
    ngx_atomic_t  *block;

    if (m->drift == NULL || m->slot == NULL) {
        return NULL;
    }

    block = m->slot->drift;

    if (block == NULL
        || block[NGX_HTTP_MLCLF_DRIFT_LAYOUT] != m->drift->layout)
    {
        return NULL;
    }

    return block;
}


/*
 * After a reply of 200 is ready: every row's bins and the predicted
 * classes, in this worker's stripe of the slice of the reply's time.
 * Nothing is allocated: the bins of a row go to the worker's scratch,
 * a batch's counts to its local array first.
 */

void
ngx_http_mlclf_drift_count(ngx_http_request_t *r, const mlclf_request_t *req,
    mlclf_reply_t *rep)
{
    uint8_t                   *bins;
    uint32_t                   j, k, n, *off;
    ngx_atomic_t              *block, *c;
    ngx_http_mlclf_drift_t    *d;
    ngx_http_mlclf_req_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_mlclf_module);

    block = ngx_http_mlclf_drift_block(ctx->model);

    if (block == NULL || req->n_rows == 0) {
        return;
    }

    d = ctx->model->drift;

    c = ngx_http_mlclf_drift_slice(block, d, ctx->start + ctx->duration);

    n = d->n_inputs;
    off = d->offset;
    bins = d->bins;

    if (req->n_rows == 1) {
        mlclf_drift_row_bins(ctx->model->model, req, 0,
                             mlclf_request_next_row(req, NULL), bins);

        for (j = 0; j < n; j++) {
            (void) ngx_atomic_fetch_add(&c[off[j] + bins[j]], 1);
        }

    } else {
        /* a batch: one atomic add per bin it touched, not per row */

        mlclf_drift_count_rows(ctx->model->model, req, off, d->local, bins);

        for (k = 1; k < d->classes; k++) {
            if (d->local[k]) {
                (void) ngx_atomic_fetch_add(&c[k], d->local[k]);
                d->local[k] = 0;
            }
        }
    }

    if (rep->class_counts == NULL) {
        (void) ngx_atomic_fetch_add(&c[d->classes + rep->first_class], 1);
        return;
    }

    for (j = 0; j < d->n_classes; j++) {
        if (rep->class_counts[j]) {
            (void) ngx_atomic_fetch_add(&c[d->classes + j],
                                        rep->class_counts[j]);
        }
    }
}


/*
 * The slices of the window: the current one and the
 * NGX_HTTP_MLCLF_DRIFT_SLICES - 1 before it, so between 14/15 of the
 * window and all of it.  Plain loads, as for the other counters.
 */

static void
ngx_http_mlclf_drift_sum(ngx_http_mlclf_shctx_t *sh, ngx_atomic_t *block,
    ngx_http_mlclf_drift_t *d, uint64_t now, uint64_t *sum)
{
    ngx_uint_t          s, k, j;
    ngx_atomic_t       *c;
    ngx_atomic_uint_t   cur, epoch;

    cur = now / block[NGX_HTTP_MLCLF_DRIFT_SLICE] + 1;

    ngx_memzero(sum, d->stride * sizeof(uint64_t));

    for (s = 0; s < sh->nstripes; s++) {
        for (k = 0; k < NGX_HTTP_MLCLF_DRIFT_SLICES; k++) {
            c = block + NGX_HTTP_MLCLF_DRIFT_HEAD
                + (s * NGX_HTTP_MLCLF_DRIFT_SLICES + k) * d->stride;

            epoch = c[NGX_HTTP_MLCLF_DRIFT_EPOCH];

            if (epoch == 0 || epoch > cur
                || epoch + NGX_HTTP_MLCLF_DRIFT_SLICES <= cur)
            {
                continue;
            }

            for (j = 1; j < d->stride; j++) {
                sum[j] += c[j];
            }
        }
    }
}


/* a bound on the drift families' text */

size_t
ngx_http_mlclf_drift_size(ngx_http_mlclf_main_conf_t *mmcf)
{
    size_t                    size, labels;
    uint32_t                  j;
    ngx_uint_t                i;
    ngx_http_mlclf_drift_t   *d;
    ngx_http_mlclf_model_t  **mp;

    size = sizeof(NGX_HTTP_MLCLF_DRIFT_WINDOW) + NGX_TIME_T_LEN
           + sizeof(NGX_HTTP_MLCLF_FEATURE_PSI_HEAD)
           + sizeof(NGX_HTTP_MLCLF_FEATURE_ROWS_HEAD)
           + sizeof(NGX_HTTP_MLCLF_PREDICTION_PSI_HEAD)
           + sizeof(NGX_HTTP_MLCLF_PREDICTION_ROWS_HEAD);

    mp = mmcf->models.elts;

    for (i = 0; i < mmcf->models.nelts; i++) {
        d = mp[i]->drift;

        if (d == NULL) {
            continue;
        }

        labels = mp[i]->name.len + mp[i]->version.len;

        size += 2 * (NGX_HTTP_MLCLF_DRIFT_LINE_MAX + labels);

        for (j = 0; j < d->n_inputs; j++) {
            size += 2 * (NGX_HTTP_MLCLF_DRIFT_LINE_MAX + labels
                         + d->features[j].len);
        }
    }

    return size;
}


/*
 * The drift families of the models of this configuration with a block;
 * NULL when memory for the sums runs out.
 */

u_char *
ngx_http_mlclf_drift_metrics(u_char *p, u_char *last, ngx_http_request_t *r)
{
    uint64_t                     now, **sums;
    ngx_uint_t                   i, n;
    ngx_atomic_t                *block;
    ngx_http_mlclf_ctx_t        *zctx;
    ngx_http_mlclf_drift_t      *d;
    ngx_http_mlclf_model_t     **mp;
    ngx_http_mlclf_main_conf_t  *mmcf;

    mmcf = ngx_http_get_module_main_conf(r, ngx_http_mlclf_module);

    if (mmcf->shm_zone == NULL || mmcf->drift_window == 0) {
        return p;
    }

    zctx = mmcf->shm_zone->data;
    mp = mmcf->models.elts;
    n = mmcf->models.nelts;

    sums = ngx_pcalloc(r->pool, (n + 1) * sizeof(uint64_t *));
    if (sums == NULL) {
        return NULL;
    }

    now = ngx_http_mlclf_now();

    for (i = 0; i < n; i++) {
        block = ngx_http_mlclf_drift_block(mp[i]);

        if (block == NULL) {
            continue;
        }

        d = mp[i]->drift;

        sums[i] = ngx_palloc(r->pool, d->stride * sizeof(uint64_t));
        if (sums[i] == NULL) {
            return NULL;
        }

        ngx_http_mlclf_drift_sum(zctx->sh, block, d, now, sums[i]);
    }

    p = ngx_slprintf(p, last, NGX_HTTP_MLCLF_DRIFT_WINDOW,
                     mmcf->drift_window);

    p = ngx_slprintf(p, last, NGX_HTTP_MLCLF_FEATURE_PSI_HEAD);

    for (i = 0; i < n; i++) {
        if (sums[i] != NULL) {
            p = ngx_http_mlclf_drift_features(p, last, mp[i], sums[i], 1);
        }
    }

    p = ngx_slprintf(p, last, NGX_HTTP_MLCLF_FEATURE_ROWS_HEAD);

    for (i = 0; i < n; i++) {
        if (sums[i] != NULL) {
            p = ngx_http_mlclf_drift_features(p, last, mp[i], sums[i], 0);
        }
    }

    p = ngx_slprintf(p, last, NGX_HTTP_MLCLF_PREDICTION_PSI_HEAD);

    for (i = 0; i < n; i++) {
        if (sums[i] == NULL) {
            continue;
        }

        d = mp[i]->drift;
        p = ngx_http_mlclf_drift_psi(p, last, NGX_HTTP_MLCLF_PREDICTION_PSI,
                                     mp[i], NULL,
                                     mlclf_drift_class_shares(mp[i]->model),
                                     sums[i] + d->classes, d->n_classes);
    }

    p = ngx_slprintf(p, last, NGX_HTTP_MLCLF_PREDICTION_ROWS_HEAD);

    for (i = 0; i < n; i++) {
        if (sums[i] == NULL) {
            continue;
        }

        d = mp[i]->drift;
        p = ngx_http_mlclf_drift_psi(p, last, NGX_HTTP_MLCLF_PREDICTION_ROWS,
                                     mp[i], NULL, NULL,
                                     sums[i] + d->classes, d->n_classes);
    }

    return p;
}


/* one model's mlclf_feature_drift_psi (psi) or _rows samples */

static u_char *
ngx_http_mlclf_drift_features(u_char *p, u_char *last,
    ngx_http_mlclf_model_t *m, uint64_t *sum, ngx_uint_t psi)
{
    uint32_t                 j;
    ngx_http_mlclf_drift_t  *d;

    d = m->drift;

    for (j = 0; j < d->n_inputs; j++) {
        p = ngx_http_mlclf_drift_psi(p, last,
                                     psi ? NGX_HTTP_MLCLF_FEATURE_PSI
                                         : NGX_HTTP_MLCLF_FEATURE_ROWS,
                                     m, &d->features[j],
                                     psi ? mlclf_drift_shares(m->model, j)
                                         : NULL,
                                     sum + d->offset[j],
                                     mlclf_drift_n_bins(m->model, j));
    }

    return p;
}


/*
 * One sample of counts[n]: with ref their PSI, else their sum; fmt
 * takes the model, the version, then the feature when it is given.
 */

static u_char *
ngx_http_mlclf_drift_psi(u_char *p, u_char *last, const char *fmt,
    ngx_http_mlclf_model_t *m, ngx_str_t *feature, const double *ref,
    uint64_t *counts, uint32_t n)
{
    char      psi[32];
    uint32_t  j;
    uint64_t  rows;

    if (ref != NULL) {
        psi[mlclf_double_format(psi, mlclf_psi(ref, counts, n))] = '\0';

        if (feature != NULL) {
            return ngx_slprintf(p, last, fmt, &m->name, &m->version, feature,
                                psi);
        }

        return ngx_slprintf(p, last, fmt, &m->name, &m->version, psi);
    }

    rows = 0;

    for (j = 0; j < n; j++) {
        rows += counts[j];
    }

    if (feature != NULL) {
        return ngx_slprintf(p, last, fmt, &m->name, &m->version, feature,
                            rows);
    }

    return ngx_slprintf(p, last, fmt, &m->name, &m->version, rows);
}
