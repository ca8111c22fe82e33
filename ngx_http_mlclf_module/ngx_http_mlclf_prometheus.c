
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * GET /metrics: stub_status figures, the models of the configuration
 * and the counters of the mlclf_zone as Prometheus text.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <mlclf.h>
#include "ngx_http_mlclf_module.h"
#include "ngx_http_mlclf_metrics.h"
#include "ngx_http_mlclf_shadow.h"
#include "ngx_http_mlclf_drift.h"


/* writes one slot's samples of a metric family */
typedef u_char *(*ngx_http_mlclf_prometheus_pt)(u_char *p, u_char *last,
    ngx_http_mlclf_shctx_t *sh, ngx_http_mlclf_slot_t *slot,
    ngx_str_t *name, ngx_str_t *version);


static size_t ngx_http_mlclf_prometheus_size(
    ngx_http_mlclf_main_conf_t *mmcf, ngx_http_mlclf_shctx_t *sh);
static u_char *ngx_http_mlclf_prometheus_counters(u_char *p, u_char *last,
    ngx_http_mlclf_shctx_t *sh);
static u_char *ngx_http_mlclf_prometheus_family(u_char *p, u_char *last,
    ngx_http_mlclf_shctx_t *sh, const char *head,
    ngx_http_mlclf_prometheus_pt samples, ngx_http_mlclf_slot_t *nomodel);
static u_char *ngx_http_mlclf_prometheus_requests(u_char *p, u_char *last,
    ngx_http_mlclf_shctx_t *sh, ngx_http_mlclf_slot_t *slot,
    ngx_str_t *name, ngx_str_t *version);
static u_char *ngx_http_mlclf_prometheus_errors(u_char *p, u_char *last,
    ngx_http_mlclf_shctx_t *sh, ngx_http_mlclf_slot_t *slot,
    ngx_str_t *name, ngx_str_t *version);
static u_char *ngx_http_mlclf_prometheus_duration(u_char *p, u_char *last,
    ngx_http_mlclf_shctx_t *sh, ngx_http_mlclf_slot_t *slot,
    ngx_str_t *name, ngx_str_t *version);
static u_char *ngx_http_mlclf_prometheus_predictions(u_char *p,
    u_char *last, ngx_http_mlclf_shctx_t *sh, ngx_http_mlclf_slot_t *slot,
    ngx_str_t *name, ngx_str_t *version);
static u_char *ngx_http_mlclf_prometheus_models(u_char *p, u_char *last,
    ngx_http_mlclf_main_conf_t *mmcf);
static ngx_atomic_uint_t ngx_http_mlclf_prometheus_sum(
    ngx_http_mlclf_shctx_t *sh, ngx_http_mlclf_slot_t *slot, ngx_uint_t i);


static const char  *ngx_http_mlclf_codes[NGX_HTTP_MLCLF_CODE_N] = {
    NGX_HTTP_MLCLF_CODE_NAMES
};
static const char  *ngx_http_mlclf_le[] = { NGX_HTTP_MLCLF_BUCKETS_LE };


ngx_int_t
ngx_http_mlclf_prometheus_handler(ngx_http_request_t *r)
{
    u_char                      *last;
    size_t                       size;
    ngx_int_t                    rc;
    ngx_str_t                    allow, type;
    ngx_buf_t                   *b;
    ngx_http_mlclf_ctx_t        *zctx;
    ngx_http_mlclf_shctx_t      *sh;
    ngx_http_mlclf_main_conf_t  *mmcf;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        ngx_str_set(&allow, "GET, HEAD");

        if (ngx_http_mlclf_add_header(r, "Allow", &allow) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    mmcf = ngx_http_get_module_main_conf(r, ngx_http_mlclf_module);

    sh = NULL;

    if (mmcf->shm_zone != NULL) {
        zctx = mmcf->shm_zone->data;
        sh = zctx->sh;
    }

    size = ngx_http_mlclf_prometheus_size(mmcf, sh)
           + ngx_http_mlclf_drift_size(mmcf);

    b = ngx_create_temp_buf(r->pool, size);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    last = b->end;

#if (NGX_STAT_STUB)

    b->last = ngx_slprintf(b->last, last, NGX_HTTP_MLCLF_STUB_HEAD,
                           *ngx_stat_active, *ngx_stat_reading,
                           *ngx_stat_writing, *ngx_stat_waiting,
                           *ngx_stat_accepted, *ngx_stat_handled,
                           *ngx_stat_requests);

#endif

    if (sh != NULL) {
        b->last = ngx_http_mlclf_prometheus_counters(b->last, last, sh);
        b->last = ngx_http_mlclf_shadow_render(b->last, last, sh);

        b->last = ngx_http_mlclf_drift_metrics(b->last, last, r);
        if (b->last == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    b->last = ngx_http_mlclf_prometheus_models(b->last, last, mmcf);

    if (sh != NULL) {
        b->last = ngx_slprintf(b->last, last, NGX_HTTP_MLCLF_SLOTS,
                               sh->nslots, sh->used, sh->exhausted,
                               sh->uncounted);
    }

    ngx_str_set(&type, NGX_HTTP_MLCLF_CONTENT_TYPE);

    return ngx_http_mlclf_send_buf(r, NGX_HTTP_OK, &type, b);
}


/* a bound on the text of /metrics, from the same inputs as the writers */

static size_t
ngx_http_mlclf_prometheus_size(ngx_http_mlclf_main_conf_t *mmcf,
    ngx_http_mlclf_shctx_t *sh)
{
    size_t                    size, lines, labels;
    ngx_uint_t                i;
    ngx_http_mlclf_slot_t    *slot;
    ngx_http_mlclf_model_t  **mp;

    size = sizeof(NGX_HTTP_MLCLF_STUB_HEAD) + 7 * NGX_ATOMIC_T_LEN
           + sizeof(NGX_HTTP_MLCLF_INFO_HEAD)
           + sizeof(NGX_HTTP_MLCLF_ACCURACY_HEAD)
           + sizeof(NGX_HTTP_MLCLF_LOADED_HEAD);

    mp = mmcf->models.elts;

    for (i = 0; i < mmcf->models.nelts; i++) {
        size += 3 * (NGX_HTTP_MLCLF_LINE_MAX + mp[i]->name.len
                     + mp[i]->version.len + mp[i]->algorithm.len);
    }

    if (sh == NULL) {
        return size;
    }

    size += sizeof(NGX_HTTP_MLCLF_REQUESTS_HEAD)
            + sizeof(NGX_HTTP_MLCLF_ERRORS_HEAD)
            + sizeof(NGX_HTTP_MLCLF_DURATION_HEAD)
            + sizeof(NGX_HTTP_MLCLF_PREDICTIONS_HEAD)
            + sizeof(NGX_HTTP_MLCLF_SLOTS) + 4 * NGX_ATOMIC_T_LEN
            + (NGX_HTTP_MLCLF_N_CODES + NGX_HTTP_MLCLF_N_REASONS)
              * NGX_HTTP_MLCLF_LINE_MAX
            + ngx_http_mlclf_shadow_size(sh);

    for (i = 0; i < sh->nslots; i++) {
        slot = &sh->slots[i];

        if (slot->state != NGX_HTTP_MLCLF_SLOT_USED) {
            continue;
        }

        lines = NGX_HTTP_MLCLF_N_CODES + NGX_HTTP_MLCLF_N_REASONS
                + NGX_HTTP_MLCLF_N_BUCKETS + 2 + slot->n_classes;
        labels = slot->name_len + slot->version_len;

        size += lines * (NGX_HTTP_MLCLF_LINE_MAX + labels) + slot->labels_len;
    }

    return size;
}


static u_char *
ngx_http_mlclf_prometheus_counters(u_char *p, u_char *last,
    ngx_http_mlclf_shctx_t *sh)
{
    p = ngx_http_mlclf_prometheus_family(p, last, sh,
                                         NGX_HTTP_MLCLF_REQUESTS_HEAD,
                                         ngx_http_mlclf_prometheus_requests,
                                         &sh->nomodel);
    p = ngx_http_mlclf_prometheus_family(p, last, sh,
                                         NGX_HTTP_MLCLF_ERRORS_HEAD,
                                         ngx_http_mlclf_prometheus_errors,
                                         &sh->nomodel);
    p = ngx_http_mlclf_prometheus_family(p, last, sh,
                                         NGX_HTTP_MLCLF_DURATION_HEAD,
                                         ngx_http_mlclf_prometheus_duration,
                                         NULL);
    p = ngx_http_mlclf_prometheus_family(p, last, sh,
                                         NGX_HTTP_MLCLF_PREDICTIONS_HEAD,
                                         ngx_http_mlclf_prometheus_predictions,
                                         NULL);

    return p;
}


/*
 * One metric family: its head, then the samples of every slot in use,
 * after those of nomodel (requests naming no model, empty labels) when
 * it is given.
 */

static u_char *
ngx_http_mlclf_prometheus_family(u_char *p, u_char *last,
    ngx_http_mlclf_shctx_t *sh, const char *head,
    ngx_http_mlclf_prometheus_pt samples, ngx_http_mlclf_slot_t *nomodel)
{
    ngx_str_t               name, version;
    ngx_uint_t              i, n;
    ngx_http_mlclf_slot_t  *slot;

    n = sh->nslots;

    p = ngx_slprintf(p, last, head);

    if (nomodel != NULL) {
        ngx_str_set(&name, "");
        ngx_str_set(&version, "");

        p = samples(p, last, sh, nomodel, &name, &version);
    }

    for (i = 0; i < n; i++) {
        slot = &sh->slots[i];

        if (slot->state != NGX_HTTP_MLCLF_SLOT_USED) {
            continue;
        }

        name.len = slot->name_len;
        name.data = slot->name;
        version.len = slot->version_len;
        version.data = slot->version;

        p = samples(p, last, sh, slot, &name, &version);
    }

    return p;
}


static u_char *
ngx_http_mlclf_prometheus_requests(u_char *p, u_char *last,
    ngx_http_mlclf_shctx_t *sh, ngx_http_mlclf_slot_t *slot,
    ngx_str_t *name, ngx_str_t *version)
{
    ngx_uint_t         j;
    ngx_atomic_uint_t  n;

    for (j = 0; j < NGX_HTTP_MLCLF_N_CODES; j++) {
        n = ngx_http_mlclf_prometheus_sum(sh, slot, NGX_HTTP_MLCLF_C_CODE + j);

        /*
         * the catch-all codes only when they happened; for requests
         * naming no model, every code only when it happened
         */

        if (n == 0
            && (j >= NGX_HTTP_MLCLF_CODE_2XX || slot == &sh->nomodel))
        {
            continue;
        }

        p = ngx_slprintf(p, last, NGX_HTTP_MLCLF_REQUESTS, name, version,
                         ngx_http_mlclf_codes[j], n);
    }

    return p;
}


static u_char *
ngx_http_mlclf_prometheus_errors(u_char *p, u_char *last,
    ngx_http_mlclf_shctx_t *sh, ngx_http_mlclf_slot_t *slot,
    ngx_str_t *name, ngx_str_t *version)
{
    ngx_uint_t         j;
    ngx_atomic_uint_t  n;

    for (j = MLCLF_REASON_NONE + 1; j < MLCLF_REASON_N; j++) {
        n = ngx_http_mlclf_prometheus_sum(sh, slot,
                                          NGX_HTTP_MLCLF_C_REASON + j);

        if (n == 0 && slot == &sh->nomodel) {
            continue;
        }

        p = ngx_slprintf(p, last, NGX_HTTP_MLCLF_ERRORS, name, version,
                         mlclf_reason_name(j), n);
    }

    return p;
}


static u_char *
ngx_http_mlclf_prometheus_duration(u_char *p, u_char *last,
    ngx_http_mlclf_shctx_t *sh, ngx_http_mlclf_slot_t *slot,
    ngx_str_t *name, ngx_str_t *version)
{
    ngx_uint_t         j;
    ngx_atomic_uint_t  n, acc;

    acc = 0;

    for (j = 0; j < NGX_HTTP_MLCLF_N_BUCKETS; j++) {
        acc += ngx_http_mlclf_prometheus_sum(sh, slot,
                                             NGX_HTTP_MLCLF_C_BUCKET + j);
        p = ngx_slprintf(p, last, NGX_HTTP_MLCLF_BUCKET, name, version,
                         ngx_http_mlclf_le[j], acc);
    }

    n = ngx_http_mlclf_prometheus_sum(sh, slot, NGX_HTTP_MLCLF_C_SUM);

    p = ngx_slprintf(p, last, NGX_HTTP_MLCLF_SUM, name, version,
                     n / 1000000000, n % 1000000000);
    p = ngx_slprintf(p, last, NGX_HTTP_MLCLF_COUNT, name, version, acc);

    return p;
}


static u_char *
ngx_http_mlclf_prometheus_predictions(u_char *p, u_char *last,
    ngx_http_mlclf_shctx_t *sh, ngx_http_mlclf_slot_t *slot,
    ngx_str_t *name, ngx_str_t *version)
{
    u_char             *label;
    uint32_t            k;
    ngx_atomic_uint_t   n;

    label = slot->labels;

    for (k = 0; k < slot->n_classes; k++) {
        n = ngx_http_mlclf_prometheus_sum(sh, slot, NGX_HTTP_MLCLF_C_CLASS + k);
        p = ngx_slprintf(p, last, NGX_HTTP_MLCLF_PREDICTIONS, name, version,
                         label, n);
        label += ngx_strlen(label) + 1;
    }

    return p;
}


static u_char *
ngx_http_mlclf_prometheus_models(u_char *p, u_char *last,
    ngx_http_mlclf_main_conf_t *mmcf)
{
    char                      acc[32];
    ngx_uint_t                i;
    ngx_http_mlclf_model_t   *m, **mp;

    mp = mmcf->models.elts;

    p = ngx_slprintf(p, last, NGX_HTTP_MLCLF_INFO_HEAD);

    for (i = 0; i < mmcf->models.nelts; i++) {
        m = mp[i];
        p = ngx_slprintf(p, last, NGX_HTTP_MLCLF_INFO, &m->name, &m->version,
                         &m->algorithm, m->n_features, m->n_classes);
    }

    p = ngx_slprintf(p, last, NGX_HTTP_MLCLF_ACCURACY_HEAD);

    for (i = 0; i < mmcf->models.nelts; i++) {
        m = mp[i];

        if (!m->has_accuracy) {
            continue;
        }

        acc[mlclf_double_format(acc, m->accuracy)] = '\0';

        p = ngx_slprintf(p, last, NGX_HTTP_MLCLF_ACCURACY, &m->name,
                         &m->version, acc);
    }

    p = ngx_slprintf(p, last, NGX_HTTP_MLCLF_LOADED_HEAD);

    for (i = 0; i < mmcf->models.nelts; i++) {
        m = mp[i];
        p = ngx_slprintf(p, last, NGX_HTTP_MLCLF_LOADED, &m->name,
                         &m->version, m->loaded_at);
    }

    return p;
}


static ngx_atomic_uint_t
ngx_http_mlclf_prometheus_sum(ngx_http_mlclf_shctx_t *sh,
    ngx_http_mlclf_slot_t *slot, ngx_uint_t i)
{
    return ngx_http_mlclf_stripes_sum(sh, slot->counters, slot->stride, i);
}


/*
 * Counter i of every stripe of counters (stride apart), added up.  Plain
 * loads: a scrape may see a request half counted, never blocks.
 */

ngx_atomic_uint_t
ngx_http_mlclf_stripes_sum(ngx_http_mlclf_shctx_t *sh,
    ngx_atomic_t *counters, ngx_uint_t stride, ngx_uint_t i)
{
    ngx_uint_t          s;
    ngx_atomic_uint_t   n;

    n = 0;

    for (s = 0; s < sh->nstripes; s++) {
        n += counters[s * stride + i];
    }

    return n;
}


/* a label value: backslash, double quote and line feed escaped */

size_t
ngx_http_mlclf_prometheus_escape(u_char *dst, u_char *src, size_t len)
{
    u_char  *p;

    p = dst;

    while (len--) {
        switch (*src) {

        case '\\':
        case '"':
            *p++ = '\\';
            *p++ = *src;
            break;

        case '\n':
            *p++ = '\\';
            *p++ = 'n';
            break;

        default:
            *p++ = *src;
        }

        src++;
    }

    return p - dst;
}
