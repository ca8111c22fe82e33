
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * mlclf_zone and its counters, and the log-phase handler that bumps
 * them; ngx_http_mlclf_prometheus.c renders them for GET /metrics.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <mlclf.h>
#include <cJSON.h>
#include "ngx_http_mlclf_module.h"
#include "ngx_http_mlclf_metrics.h"
#include "ngx_http_mlclf_shadow.h"
#include "ngx_http_mlclf_drift.h"


static ngx_int_t ngx_http_mlclf_init_zone(ngx_shm_zone_t *shm_zone,
    void *data);
static ngx_int_t ngx_http_mlclf_counters_alloc(ngx_http_mlclf_ctx_t *ctx,
    ngx_http_mlclf_slot_t *slot, uint32_t n_classes);
static ngx_http_mlclf_slot_t *ngx_http_mlclf_slot_get(
    ngx_http_mlclf_ctx_t *ctx, ngx_http_mlclf_model_t *m, ngx_log_t *log);
static ngx_int_t ngx_http_mlclf_count(ngx_http_request_t *r);
static ngx_http_mlclf_code_e ngx_http_mlclf_code(ngx_uint_t status);


static uint64_t     ngx_http_mlclf_bounds[] = { NGX_HTTP_MLCLF_BUCKETS_NS };

ngx_uint_t          ngx_http_mlclf_stripe;


char *
ngx_http_mlclf_zone(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_mlclf_main_conf_t *mmcf = conf;

    u_char                *p;
    ssize_t                size;
    ngx_int_t              n;
    ngx_str_t             *value, name, s;
    ngx_uint_t             nslots;
    ngx_shm_zone_t        *shm_zone;
    ngx_http_mlclf_ctx_t  *ctx;

    if (mmcf->shm_zone != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    p = (u_char *) ngx_strchr(value[1].data, ':');

    if (p == NULL || p == value[1].data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid mlclf_zone \"%V\", expected name:size",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    name.data = value[1].data;
    name.len = p - value[1].data;

    s.data = p + 1;
    s.len = value[1].data + value[1].len - s.data;

    size = ngx_parse_size(&s);

    if (size == NGX_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid mlclf_zone size \"%V\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    if (size < (ssize_t) (8 * ngx_pagesize)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "mlclf_zone \"%V\" is too small, %uzk at least",
                           &value[1], 8 * ngx_pagesize / 1024);
        return NGX_CONF_ERROR;
    }

    nslots = NGX_HTTP_MLCLF_SLOTS_DEFAULT;

    if (cf->args->nelts == 3) {
        n = NGX_ERROR;

        if (ngx_strncmp(value[2].data, "slots=", 6) == 0) {
            n = ngx_atoi(value[2].data + 6, value[2].len - 6);
        }

        if (n < 1 || n > NGX_HTTP_MLCLF_SLOTS_MAX) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid parameter \"%V\", expected "
                               "slots=1..%d", &value[2],
                               NGX_HTTP_MLCLF_SLOTS_MAX);
            return NGX_CONF_ERROR;
        }

        nslots = n;
    }

    /*
     * the slot table must fit with room to spare for the counters, so
     * that "nginx -t" already refuses what init_zone would
     */

    if (sizeof(ngx_http_mlclf_shctx_t)
        + (nslots - 1) * sizeof(ngx_http_mlclf_slot_t)
        > (size_t) size / 2)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "mlclf_zone \"%V\" is too small for %ui slots",
                           &name, nslots);
        return NGX_CONF_ERROR;
    }

    ctx = ngx_pcalloc(cf->pool, sizeof(ngx_http_mlclf_ctx_t));
    if (ctx == NULL) {
        return NGX_CONF_ERROR;
    }

    ctx->nslots = nslots;
    ctx->cycle = cf->cycle;
    ctx->mmcf = mmcf;

    shm_zone = ngx_shared_memory_add(cf, &name, size, &ngx_http_mlclf_module);
    if (shm_zone == NULL) {
        return NGX_CONF_ERROR;
    }

    if (shm_zone->data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "mlclf_zone \"%V\" is already declared", &name);
        return NGX_CONF_ERROR;
    }

    shm_zone->init = ngx_http_mlclf_init_zone;
    shm_zone->data = ctx;

    mmcf->shm_zone = shm_zone;

    return NGX_CONF_OK;
}


/*
 * Runs in the master for every configuration read: at start, with the
 * previous configuration's ctx on a reload (the zone and its counters
 * are kept when its name and size are unchanged), and with shm.exists
 * where the memory outlives the master (Windows).  Then every model of
 * the new configuration gets its slot, so workers never look one up.
 */

static ngx_int_t
ngx_http_mlclf_init_zone(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_http_mlclf_ctx_t  *octx = data;

    size_t                   len;
    ngx_uint_t               i, n;
    ngx_core_conf_t         *ccf;
    ngx_http_mlclf_ctx_t    *ctx;
    ngx_http_mlclf_model_t **mp;

    ctx = shm_zone->data;

    if (octx) {
        ctx->sh = octx->sh;
        ctx->shpool = octx->shpool;

        if (ctx->nslots != ctx->sh->nslots) {
            ngx_log_error(NGX_LOG_NOTICE, shm_zone->shm.log, 0,
                          "mlclf_zone \"%V\" keeps its %ui slots until "
                          "it is created again", &shm_zone->shm.name,
                          ctx->sh->nslots);
        }

        goto slots;
    }

    ctx->shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (shm_zone->shm.exists) {
        ctx->sh = ctx->shpool->data;
        goto slots;
    }

    len = sizeof(ngx_http_mlclf_shctx_t)
          + (ctx->nslots - 1) * sizeof(ngx_http_mlclf_slot_t);

    ctx->sh = ngx_slab_calloc(ctx->shpool, len);
    if (ctx->sh == NULL) {
        goto small;
    }

    ctx->shpool->data = ctx->sh;

    ccf = (ngx_core_conf_t *) ngx_get_conf(ctx->cycle->conf_ctx,
                                           ngx_core_module);

    n = (ccf->worker_processes > 0) ? (ngx_uint_t) ccf->worker_processes : 1;

    ctx->sh->nslots = ctx->nslots;
    ctx->sh->nstripes = ngx_min(n, NGX_HTTP_MLCLF_STRIPES_MAX);

    if (ngx_http_mlclf_counters_alloc(ctx, &ctx->sh->nomodel, 0) != NGX_OK) {
        goto small;
    }

    len = sizeof(" in mlclf_zone \"\"") + shm_zone->shm.name.len;

    ctx->shpool->log_ctx = ngx_slab_alloc(ctx->shpool, len);
    if (ctx->shpool->log_ctx == NULL) {
        goto small;
    }

    ngx_sprintf(ctx->shpool->log_ctx, " in mlclf_zone \"%V\"%Z",
                &shm_zone->shm.name);

slots:

    mp = ctx->mmcf->models.elts;

    for (i = 0; i < ctx->mmcf->models.nelts; i++) {
        mp[i]->slot = ngx_http_mlclf_slot_get(ctx, mp[i], shm_zone->shm.log);
    }

    ngx_http_mlclf_shadow_init_zone(ctx, shm_zone->shm.log);

    return ngx_http_mlclf_drift_zone(ctx, shm_zone);

small:

    ngx_log_error(NGX_LOG_EMERG, shm_zone->shm.log, 0,
                  "mlclf_zone \"%V\" is too small for %ui slots",
                  &shm_zone->shm.name, ctx->nslots);

    return NGX_ERROR;
}


static ngx_int_t
ngx_http_mlclf_counters_alloc(ngx_http_mlclf_ctx_t *ctx,
    ngx_http_mlclf_slot_t *slot, uint32_t n_classes)
{
    ngx_uint_t  stride;

    stride = ngx_align(NGX_HTTP_MLCLF_C_CLASS + n_classes,
                       NGX_HTTP_MLCLF_STRIPE_ALIGN);

    slot->counters = ngx_slab_calloc(ctx->shpool, ctx->sh->nstripes * stride
                                                  * sizeof(ngx_atomic_t));
    if (slot->counters == NULL) {
        return NGX_ERROR;
    }

    slot->stride = stride;
    slot->n_classes = n_classes;

    return NGX_OK;
}


/*
 * Only the master takes slots, one configuration at a time, so the slot
 * table needs no lock; the slab pool locks itself.
 */

static ngx_http_mlclf_slot_t *
ngx_http_mlclf_slot_get(ngx_http_mlclf_ctx_t *ctx, ngx_http_mlclf_model_t *m,
    ngx_log_t *log)
{
    ngx_uint_t               i;
    ngx_http_mlclf_slot_t   *slot, *free;
    ngx_http_mlclf_shctx_t  *sh;

    sh = ctx->sh;
    free = NULL;

    for (i = 0; i < sh->nslots; i++) {
        slot = &sh->slots[i];

        if (slot->state == NGX_HTTP_MLCLF_SLOT_FREE) {
            if (free == NULL) {
                free = slot;
            }

            continue;
        }

        if (slot->state != NGX_HTTP_MLCLF_SLOT_USED
            || slot->name_len != m->name.len
            || slot->version_len != m->version.len
            || ngx_memcmp(slot->name, m->name.data, m->name.len) != 0
            || ngx_memcmp(slot->version, m->version.data, m->version.len)
               != 0)
        {
            continue;
        }

        if (slot->n_classes == m->n_classes
            && slot->labels_len == m->labels_len
            && ngx_memcmp(slot->labels, m->labels, m->labels_len) == 0)
        {
            return slot;
        }

        /*
         * another file under the same name and version: its series
         * would clash with the new one's, so they are no longer shown
         */

        slot->state = NGX_HTTP_MLCLF_SLOT_RETIRED;
    }

    if (free == NULL) {
        goto exhausted;
    }

    free->labels = ngx_slab_alloc(ctx->shpool, m->labels_len);
    if (free->labels == NULL) {
        goto exhausted;
    }

    if (ngx_http_mlclf_counters_alloc(ctx, free, m->n_classes) != NGX_OK) {
        ngx_slab_free(ctx->shpool, free->labels);
        free->labels = NULL;
        goto exhausted;
    }

    ngx_memcpy(free->labels, m->labels, m->labels_len);
    free->labels_len = m->labels_len;
    ngx_memcpy(free->name, m->name.data, m->name.len);
    free->name_len = m->name.len;
    ngx_memcpy(free->version, m->version.data, m->version.len);
    free->version_len = m->version.len;

    /* workers of the previous configuration may be reading the table */

    ngx_memory_barrier();

    free->state = NGX_HTTP_MLCLF_SLOT_USED;
    sh->used++;

    return free;

exhausted:

    (void) ngx_atomic_fetch_add(&sh->exhausted, 1);

    ngx_log_error(NGX_LOG_WARN, log, 0,
                  "mlclf_zone \"%V\" has no room for model \"%V\" %V, "
                  "its requests are not counted",
                  &ctx->mmcf->shm_zone->shm.name, &m->name, &m->version);

    return NULL;
}


/*
 * Called from mlclf_model while the file is open: the class labels,
 * escaped for label values, and metrics.accuracy of the metadata.
 */

ngx_int_t
ngx_http_mlclf_metrics_model(ngx_conf_t *cf, ngx_http_mlclf_model_t *m,
    mlclf_model_t *model)
{
    u_char      *p;
    size_t       len;
    cJSON       *root, *metrics, *acc;
    uint32_t     i;
    const char  *label, *meta;

    len = 0;

    for (i = 0; i < m->n_classes; i++) {
        len += 2 * ngx_strlen(mlclf_model_class_label(model, i)) + 1;
    }

    m->labels = ngx_pnalloc(cf->pool, len);
    if (m->labels == NULL) {
        return NGX_ERROR;
    }

    p = m->labels;

    for (i = 0; i < m->n_classes; i++) {
        label = mlclf_model_class_label(model, i);
        p += ngx_http_mlclf_prometheus_escape(p, (u_char *) label,
                                              ngx_strlen(label));
        *p++ = '\0';
    }

    m->labels_len = p - m->labels;

    meta = mlclf_model_metadata(model, &len);

    if (meta == NULL || len == 0) {
        return NGX_OK;
    }

    root = cJSON_ParseWithLength(meta, len);
    if (root == NULL) {
        return NGX_OK;
    }

    metrics = cJSON_GetObjectItemCaseSensitive(root, "metrics");
    acc = cJSON_GetObjectItemCaseSensitive(metrics, "accuracy");

    if (cJSON_IsNumber(acc)) {
        m->accuracy = acc->valuedouble;
        m->has_accuracy = 1;
    }

    cJSON_Delete(root);

    return NGX_OK;
}


char *
ngx_http_mlclf_metrics(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_mlclf_prometheus_handler;

    return NGX_CONF_OK;
}


/* postconfiguration: counting costs nothing without an mlclf_zone */

ngx_int_t
ngx_http_mlclf_metrics_init(ngx_conf_t *cf)
{
    ngx_http_handler_pt         *h;
    ngx_http_core_main_conf_t   *cmcf;
    ngx_http_mlclf_main_conf_t  *mmcf;

    mmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_mlclf_module);

    if (ngx_http_mlclf_drift_init(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    if (mmcf->shm_zone == NULL) {
        return NGX_OK;
    }

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_LOG_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_mlclf_count;

    return NGX_OK;
}


void
ngx_http_mlclf_metrics_init_process(ngx_cycle_t *cycle)
{
    ngx_http_mlclf_ctx_t        *ctx;
    ngx_http_mlclf_main_conf_t  *mmcf;

    mmcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_mlclf_module);

    if (mmcf == NULL || mmcf->shm_zone == NULL) {
        return;
    }

    ctx = mmcf->shm_zone->data;

    ngx_http_mlclf_stripe = (ngx_uint_t) ngx_worker % ctx->sh->nstripes;
}


uint64_t
ngx_http_mlclf_now(void)
{
    struct timespec  ts;

    (void) clock_gettime(CLOCK_MONOTONIC, &ts);

    return (uint64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}


/*
 * Log phase, so that the status is final, nginx's own 413 or 408 while
 * the body is read included.  A handful of atomic adds on this worker's
 * stripe, no lock.
 */

static ngx_int_t
ngx_http_mlclf_count(ngx_http_request_t *r)
{
    uint32_t                     k;
    ngx_str_t                    name;
    ngx_uint_t                   i, status;
    ngx_atomic_t                *c;
    mlclf_reason_e               reason;
    ngx_http_mlclf_ctx_t        *zctx;
    ngx_http_mlclf_slot_t       *slot;
    ngx_http_mlclf_req_ctx_t    *ctx, none;
    ngx_http_core_loc_conf_t    *clcf;
    ngx_http_mlclf_loc_conf_t   *mlcf;
    ngx_http_mlclf_main_conf_t  *mmcf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_mlclf_module);

    if (ctx == NULL) {

        /*
         * finalized before the handler ran: a Content-Length over
         * client_max_body_size is refused while the location is found
         */

        mlcf = ngx_http_get_module_loc_conf(r, ngx_http_mlclf_module);
        clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

        ngx_memzero(&none, sizeof(ngx_http_mlclf_req_ctx_t));
        ctx = &none;

        if (clcf->handler == ngx_http_mlclf_v2_handler) {
            ctx->model = ngx_http_mlclf_v2_counted(r);

        } else if (clcf->handler == ngx_http_mlclf_v1_handler) {
            ctx->model = ngx_http_mlclf_v1_counted(r);

        } else if (mlcf->model_name != NULL) {
            ctx->model = mlcf->model;
        }

        if (ctx->model == NULL && mlcf->model_name == NULL) {
            return NGX_OK;
        }

        if (ctx->model == NULL
            && ngx_http_complex_value(r, mlcf->model_name, &name) == NGX_OK)
        {
            mmcf = ngx_http_get_module_main_conf(r, ngx_http_mlclf_module);
            ctx->model = ngx_http_mlclf_model_find(mmcf, &name);
        }
    }

    slot = (ctx->model != NULL) ? ctx->model->slot : NULL;

    if (slot == NULL) {
        mmcf = ngx_http_get_module_main_conf(r, ngx_http_mlclf_module);
        zctx = mmcf->shm_zone->data;

        if (ctx->model != NULL) {
            (void) ngx_atomic_fetch_add(&zctx->sh->uncounted, 1);
            return NGX_OK;
        }

        slot = &zctx->sh->nomodel;
    }

    c = slot->counters + ngx_http_mlclf_stripe * slot->stride;

    if (r->err_status) {
        status = r->err_status;

    } else {
        status = r->headers_out.status;
    }

    /* nginx finalizes a body cut short by its client with a 400 */

    if (status == NGX_HTTP_BAD_REQUEST && ctx->reason == MLCLF_REASON_NONE
        && r->connection->error)
    {
        status = NGX_HTTP_CLIENT_CLOSED_REQUEST;
    }

    (void) ngx_atomic_fetch_add(&c[NGX_HTTP_MLCLF_C_CODE
                                   + ngx_http_mlclf_code(status)], 1);

    if (status >= NGX_HTTP_BAD_REQUEST || status == 0) {
        reason = ctx->reason;

        if (reason == MLCLF_REASON_NONE) {
            reason = (status == NGX_HTTP_REQUEST_ENTITY_TOO_LARGE)
                     ? MLCLF_REASON_BODY_TOO_LARGE : MLCLF_REASON_OTHER;
        }

        (void) ngx_atomic_fetch_add(&c[NGX_HTTP_MLCLF_C_REASON + reason], 1);
    }

    if (ctx->timed) {
        for (i = 0; i < NGX_HTTP_MLCLF_N_BUCKETS - 1; i++) {
            if (ctx->duration <= ngx_http_mlclf_bounds[i]) {
                break;
            }
        }

        (void) ngx_atomic_fetch_add(&c[NGX_HTTP_MLCLF_C_BUCKET + i], 1);
        (void) ngx_atomic_fetch_add(&c[NGX_HTTP_MLCLF_C_SUM],
                                    ctx->duration);
    }

    if (!ctx->predicted) {
        return NGX_OK;
    }

    if (ctx->class_counts == NULL) {
        (void) ngx_atomic_fetch_add(&c[NGX_HTTP_MLCLF_C_CLASS
                                       + ctx->first_class], 1);
        return NGX_OK;
    }

    for (k = 0; k < slot->n_classes; k++) {
        if (ctx->class_counts[k]) {
            (void) ngx_atomic_fetch_add(&c[NGX_HTTP_MLCLF_C_CLASS + k],
                                        ctx->class_counts[k]);
        }
    }

    return NGX_OK;
}


static ngx_http_mlclf_code_e
ngx_http_mlclf_code(ngx_uint_t status)
{
    switch (status) {

    case NGX_HTTP_OK:
        return NGX_HTTP_MLCLF_CODE_200;
    case NGX_HTTP_BAD_REQUEST:
        return NGX_HTTP_MLCLF_CODE_400;
    case NGX_HTTP_NOT_ALLOWED:
        return NGX_HTTP_MLCLF_CODE_405;
    case NGX_HTTP_REQUEST_TIME_OUT:
        return NGX_HTTP_MLCLF_CODE_408;
    case NGX_HTTP_REQUEST_ENTITY_TOO_LARGE:
        return NGX_HTTP_MLCLF_CODE_413;
    case NGX_HTTP_UNSUPPORTED_MEDIA_TYPE:
        return NGX_HTTP_MLCLF_CODE_415;
    case 0:
    case NGX_HTTP_CLIENT_CLOSED_REQUEST:
        /* status 0: the connection was closed before any reply */
        return NGX_HTTP_MLCLF_CODE_499;
    case NGX_HTTP_INTERNAL_SERVER_ERROR:
        return NGX_HTTP_MLCLF_CODE_500;
    case NGX_HTTP_SERVICE_UNAVAILABLE:
        return NGX_HTTP_MLCLF_CODE_503;
    }

    if (status < 300) {
        return NGX_HTTP_MLCLF_CODE_2XX;
    }

    if (status < 400) {
        return NGX_HTTP_MLCLF_CODE_3XX;
    }

    if (status < 500) {
        return NGX_HTTP_MLCLF_CODE_4XX;
    }

    return NGX_HTTP_MLCLF_CODE_5XX;
}
