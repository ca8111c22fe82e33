
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * mlclf_shadow: after a prediction reply has gone to the output filter,
 * its rows are scored again by a shadow model and the two are compared
 * in the mlclf_zone; the shadow never changes nor fails the reply.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <mlclf.h>
#include <mlclf_shadow.h>
#include "ngx_http_mlclf_module.h"
#include "ngx_http_mlclf_metrics.h"
#include "ngx_http_mlclf_shadow.h"


static ngx_int_t ngx_http_mlclf_shadow_pairs(ngx_conf_t *cf,
    ngx_http_mlclf_main_conf_t *mmcf, ngx_http_mlclf_model_t *m,
    ngx_http_mlclf_loc_conf_t *conf);
static ngx_int_t ngx_http_mlclf_shadow_pair_add(ngx_conf_t *cf,
    ngx_http_mlclf_main_conf_t *mmcf, ngx_http_mlclf_model_t *m,
    ngx_http_mlclf_model_t *s);
static ngx_http_mlclf_shadow_pair_t *ngx_http_mlclf_shadow_pair_find(
    ngx_http_mlclf_main_conf_t *mmcf, ngx_http_mlclf_model_t *m,
    ngx_http_mlclf_model_t *s);
static ngx_http_mlclf_shadow_slot_t *ngx_http_mlclf_shadow_slot_get(
    ngx_http_mlclf_ctx_t *ctx, ngx_http_mlclf_shadow_pair_t *pair,
    ngx_log_t *log);
static void ngx_http_mlclf_shadow_skip(ngx_http_mlclf_shadow_pair_t *pair,
    ngx_http_mlclf_skip_e reason, size_t n);
static ngx_atomic_t *ngx_http_mlclf_shadow_stripe(
    ngx_http_mlclf_shadow_slot_t *slot);
static void ngx_http_mlclf_shadow_score(ngx_http_request_t *r,
    ngx_http_mlclf_shadow_pair_t *pair, mlclf_request_t *req,
    mlclf_reply_t *rep);
static u_char *ngx_http_mlclf_shadow_pair_render(u_char *p, u_char *last,
    ngx_http_mlclf_shctx_t *sh, ngx_http_mlclf_shadow_slot_t *slot,
    ngx_uint_t family);
static u_char *ngx_http_mlclf_shadow_histogram(u_char *p, u_char *last,
    ngx_http_mlclf_shctx_t *sh, ngx_http_mlclf_shadow_slot_t *slot,
    ngx_str_t *l, ngx_uint_t family);
static ngx_atomic_uint_t ngx_http_mlclf_shadow_sum(
    ngx_http_mlclf_shctx_t *sh, ngx_http_mlclf_shadow_slot_t *slot,
    ngx_uint_t i);


static uint64_t  ngx_http_mlclf_diff_bounds[] = {
    NGX_HTTP_MLCLF_DIFF_BOUNDS
};

static uint64_t  ngx_http_mlclf_shadow_bounds[] = {
    NGX_HTTP_MLCLF_BUCKETS_NS
};

static const char  *ngx_http_mlclf_skips[] = { NGX_HTTP_MLCLF_SKIP_NAMES };
static const char  *ngx_http_mlclf_diff_le[] = { NGX_HTTP_MLCLF_DIFF_LE };
static const char  *ngx_http_mlclf_shadow_le[] = {
    NGX_HTTP_MLCLF_BUCKETS_LE
};

/* the metric families of a pair, in the order of /metrics */
static const char  *ngx_http_mlclf_shadow_heads[] = {
    NGX_HTTP_MLCLF_AGREEMENT_HEAD,
    NGX_HTTP_MLCLF_DIFF_HEAD,
    NGX_HTTP_MLCLF_SDUR_HEAD,
    NGX_HTTP_MLCLF_ROWS_SKIPPED_HEAD,
    NGX_HTTP_MLCLF_SKIPPED_HEAD
};

#define NGX_HTTP_MLCLF_F_AGREEMENT     0
#define NGX_HTTP_MLCLF_F_DIFF          1
#define NGX_HTTP_MLCLF_F_DURATION      2
#define NGX_HTTP_MLCLF_F_ROWS_SKIPPED  3
#define NGX_HTTP_MLCLF_F_SKIPPED       4
#define NGX_HTTP_MLCLF_F_N             5


char *
ngx_http_mlclf_shadow(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_mlclf_loc_conf_t *mlcf = conf;

    ngx_str_t                         *value;
    ngx_http_compile_complex_value_t   ccv;

    if (mlcf->shadow_name != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len == 0) {
        return "takes a model name or a variable";
    }

    mlcf->shadow_name = ngx_palloc(cf->pool,
                                   sizeof(ngx_http_complex_value_t));
    if (mlcf->shadow_name == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));

    ccv.cf = cf;
    ccv.value = &value[1];
    ccv.complex_value = mlcf->shadow_name;

    if (ngx_http_compile_complex_value(&ccv) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/*
 * At the end of the location's merge, when every mlclf_model is known:
 * a static shadow must be a model, and one that can score the rows of
 * a static mlclf_predict; the pairs the location can count are listed
 * for the zone.  mlclf_shadow is not inherited.
 */

char *
ngx_http_mlclf_shadow_merge(ngx_conf_t *cf, ngx_http_mlclf_loc_conf_t *conf)
{
    ngx_uint_t                   i;
    mlclf_err_t                  err;
    ngx_http_mlclf_model_t     **mp;
    ngx_http_core_loc_conf_t    *clcf;
    ngx_http_mlclf_main_conf_t  *mmcf;

    if (conf->shadow_name == NULL) {
        return NGX_CONF_OK;
    }

    mmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_mlclf_module);
    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (clcf->handler != ngx_http_mlclf_predict_handler
        && clcf->handler != ngx_http_mlclf_v1_handler
        && clcf->handler != ngx_http_mlclf_v2_handler)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "mlclf_shadow \"%V\" needs mlclf_predict, "
                           "mlclf_v1 or mlclf_v2 in its location",
                           &conf->shadow_name->value);
        return NGX_CONF_ERROR;
    }

    if (mmcf->shm_zone == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "mlclf_shadow \"%V\" needs an mlclf_zone to "
                           "count in", &conf->shadow_name->value);
        return NGX_CONF_ERROR;
    }

    if (conf->shadow_name->lengths == NULL) {
        conf->shadow = ngx_http_mlclf_model_find(mmcf,
                                                 &conf->shadow_name->value);

        if (conf->shadow == NULL) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "mlclf_shadow \"%V\": no such mlclf_model",
                               &conf->shadow_name->value);
            return NGX_CONF_ERROR;
        }
    }

    if (conf->model != NULL && conf->shadow != NULL
        && mlclf_shadow_check(conf->model->model, conf->shadow->model, &err)
           != MLCLF_OK)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "mlclf_shadow \"%V\" cannot score the rows of "
                           "mlclf_predict \"%V\": model \"%V\" has %s",
                           &conf->shadow->name, &conf->model->name,
                           &conf->shadow->name, err.msg);
        return NGX_CONF_ERROR;
    }

    /* the models this location may answer with */

    if (conf->model != NULL) {
        return ngx_http_mlclf_shadow_pairs(cf, mmcf, conf->model, conf)
               == NGX_OK ? NGX_CONF_OK : NGX_CONF_ERROR;
    }

    mp = mmcf->models.elts;

    for (i = 0; i < mmcf->models.nelts; i++) {
        if (ngx_http_mlclf_shadow_pairs(cf, mmcf, mp[i], conf) != NGX_OK) {
            return NGX_CONF_ERROR;
        }
    }

    return NGX_CONF_OK;
}


/* m's pair for skipped requests, and one per shadow that fits m */

static ngx_int_t
ngx_http_mlclf_shadow_pairs(ngx_conf_t *cf, ngx_http_mlclf_main_conf_t *mmcf,
    ngx_http_mlclf_model_t *m, ngx_http_mlclf_loc_conf_t *conf)
{
    ngx_uint_t                i;
    mlclf_err_t               err;
    ngx_http_mlclf_model_t  **mp;

    if (ngx_http_mlclf_shadow_pair_add(cf, mmcf, m, NULL) != NGX_OK) {
        return NGX_ERROR;
    }

    if (conf->shadow != NULL) {
        if (mlclf_shadow_check(m->model, conf->shadow->model, &err)
            != MLCLF_OK)
        {
            return NGX_OK;
        }

        return ngx_http_mlclf_shadow_pair_add(cf, mmcf, m, conf->shadow);
    }

    mp = mmcf->models.elts;

    for (i = 0; i < mmcf->models.nelts; i++) {
        if (mlclf_shadow_check(m->model, mp[i]->model, &err) != MLCLF_OK) {
            continue;
        }

        if (ngx_http_mlclf_shadow_pair_add(cf, mmcf, m, mp[i]) != NGX_OK) {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/* the shadow's class of each of m's classes, by label */

static ngx_int_t
ngx_http_mlclf_shadow_pair_add(ngx_conf_t *cf,
    ngx_http_mlclf_main_conf_t *mmcf, ngx_http_mlclf_model_t *m,
    ngx_http_mlclf_model_t *s)
{
    uint32_t                       k, j;
    const char                    *label;
    ngx_http_mlclf_shadow_pair_t  *pair;

    if (ngx_http_mlclf_shadow_pair_find(mmcf, m, s) != NULL) {
        return NGX_OK;
    }

    if (mmcf->shadows == NULL) {
        mmcf->shadows = ngx_array_create(cf->pool, 4,
                                       sizeof(ngx_http_mlclf_shadow_pair_t));
        if (mmcf->shadows == NULL) {
            return NGX_ERROR;
        }
    }

    pair = ngx_array_push(mmcf->shadows);
    if (pair == NULL) {
        return NGX_ERROR;
    }

    pair->model = m;
    pair->shadow = s;
    pair->class_map = NULL;
    pair->slot = NULL;

    if (s == NULL) {
        return NGX_OK;
    }

    pair->class_map = ngx_palloc(cf->pool, m->n_classes * sizeof(uint32_t));
    if (pair->class_map == NULL) {
        return NGX_ERROR;
    }

    for (k = 0; k < m->n_classes; k++) {
        label = mlclf_model_class_label(m->model, k);
        pair->class_map[k] = NGX_HTTP_MLCLF_SHADOW_NONE;

        for (j = 0; j < s->n_classes; j++) {
            if (ngx_strcmp(label, mlclf_model_class_label(s->model, j))
                == 0)
            {
                pair->class_map[k] = j;
                break;
            }
        }
    }

    return NGX_OK;
}


static ngx_http_mlclf_shadow_pair_t *
ngx_http_mlclf_shadow_pair_find(ngx_http_mlclf_main_conf_t *mmcf,
    ngx_http_mlclf_model_t *m, ngx_http_mlclf_model_t *s)
{
    ngx_uint_t                     i;
    ngx_http_mlclf_shadow_pair_t  *pair;

    if (mmcf->shadows == NULL) {
        return NULL;
    }

    pair = mmcf->shadows->elts;

    for (i = 0; i < mmcf->shadows->nelts; i++) {
        if (pair[i].model == m && pair[i].shadow == s) {
            return &pair[i];
        }
    }

    return NULL;
}


/*
 * From the zone's init, in the master, after the models got their
 * slots: the pair table is made once, with the zone, and kept across
 * reloads like the slots.  A zone without room for it counts no
 * shadow, and says so, but serves.
 */

void
ngx_http_mlclf_shadow_init_zone(ngx_http_mlclf_ctx_t *ctx, ngx_log_t *log)
{
    size_t                          len;
    ngx_uint_t                      i, n;
    ngx_http_mlclf_shadow_pair_t   *pair;
    ngx_http_mlclf_shadow_shctx_t  *ssh;

    if (ctx->mmcf->shadows == NULL) {
        return;
    }

    if (ctx->sh->shadow == NULL) {
        n = ctx->sh->nslots * NGX_HTTP_MLCLF_SHADOW_PER_SLOT;
        len = sizeof(ngx_http_mlclf_shadow_shctx_t)
              + (n - 1) * sizeof(ngx_http_mlclf_shadow_slot_t);

        ssh = ngx_slab_calloc(ctx->shpool, len);
        if (ssh == NULL) {
            ngx_log_error(NGX_LOG_WARN, log, 0,
                          "mlclf_zone \"%V\" has no room for shadow "
                          "models, they are not counted",
                          &ctx->mmcf->shm_zone->shm.name);
            return;
        }

        ssh->npairs = n;

        ngx_memory_barrier();

        ctx->sh->shadow = ssh;
    }

    pair = ctx->mmcf->shadows->elts;

    for (i = 0; i < ctx->mmcf->shadows->nelts; i++) {
        pair[i].slot = ngx_http_mlclf_shadow_slot_get(ctx, &pair[i], log);
    }
}


static ngx_http_mlclf_shadow_slot_t *
ngx_http_mlclf_shadow_slot_get(ngx_http_mlclf_ctx_t *ctx,
    ngx_http_mlclf_shadow_pair_t *pair, ngx_log_t *log)
{
    ngx_uint_t                      i, stride;
    ngx_http_mlclf_slot_t          *model, *shadow;
    ngx_http_mlclf_shadow_slot_t   *slot;
    ngx_http_mlclf_shadow_shctx_t  *ssh;

    model = pair->model->slot;
    shadow = (pair->shadow != NULL) ? pair->shadow->slot : NULL;

    /* a model version the zone does not count: neither is its shadow */

    if (model == NULL || (pair->shadow != NULL && shadow == NULL)) {
        return NULL;
    }

    ssh = ctx->sh->shadow;

    for (i = 0; i < ssh->used; i++) {
        slot = &ssh->pairs[i];

        if (slot->model == model && slot->shadow == shadow) {
            return slot;
        }
    }

    if (ssh->used == ssh->npairs) {
        goto exhausted;
    }

    slot = &ssh->pairs[ssh->used];

    stride = ngx_align(NGX_HTTP_MLCLF_S_AGREE + 2 * model->n_classes,
                       NGX_HTTP_MLCLF_STRIPE_ALIGN);

    slot->counters = ngx_slab_calloc(ctx->shpool, ctx->sh->nstripes * stride
                                                  * sizeof(ngx_atomic_t));
    if (slot->counters == NULL) {
        goto exhausted;
    }

    slot->model = model;
    slot->shadow = shadow;
    slot->stride = stride;

    /* workers of the previous configuration may be reading the table */

    ngx_memory_barrier();

    slot->state = NGX_HTTP_MLCLF_SLOT_USED;
    ssh->used++;

    return slot;

exhausted:

    ngx_log_error(NGX_LOG_WARN, log, 0,
                  "mlclf_zone \"%V\" has no room for the shadow of model "
                  "\"%V\" %V, it is not counted",
                  &ctx->mmcf->shm_zone->shm.name, &pair->model->name,
                  &pair->model->version);

    return NULL;
}


/* room for the per-row classes that the shadow is compared with */

ngx_int_t
ngx_http_mlclf_shadow_prepare(ngx_http_request_t *r, mlclf_reply_t *rep,
    size_t n_rows)
{
    ngx_http_mlclf_loc_conf_t  *mlcf;

    mlcf = ngx_http_get_module_loc_conf(r, ngx_http_mlclf_module);

    if (mlcf->shadow_name == NULL) {
        return NGX_OK;
    }

    n_rows = ngx_max(n_rows, 1);

    rep->classes = ngx_palloc(r->pool, n_rows * sizeof(uint32_t));
    rep->confidences = ngx_palloc(r->pool, n_rows * sizeof(double));

    if (rep->classes == NULL || rep->confidences == NULL) {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * After a 200 reply went to the output filter (rc, its result): the
 * shadow scores req's rows.  Whatever goes wrong is counted, never
 * seen by the client.
 */

void
ngx_http_mlclf_shadow_run(ngx_http_request_t *r, ngx_int_t rc,
    mlclf_request_t *req, mlclf_reply_t *rep)
{
    ngx_str_t                      name;
    ngx_http_mlclf_model_t        *s;
    ngx_http_mlclf_req_ctx_t      *ctx;
    ngx_http_mlclf_loc_conf_t     *mlcf;
    ngx_http_mlclf_main_conf_t    *mmcf;
    ngx_http_mlclf_shadow_pair_t  *pair, *none;

    mlcf = ngx_http_get_module_loc_conf(r, ngx_http_mlclf_module);

    if (mlcf->shadow_name == NULL || rep->classes == NULL
        || (rc != NGX_OK && rc != NGX_AGAIN))
    {
        return;
    }

    ctx = ngx_http_get_module_ctx(r, ngx_http_mlclf_module);
    mmcf = ngx_http_get_module_main_conf(r, ngx_http_mlclf_module);

    none = ngx_http_mlclf_shadow_pair_find(mmcf, ctx->model, NULL);

    if (none == NULL) {
        return;
    }

    s = mlcf->shadow;

    if (s == NULL) {
        if (ngx_http_complex_value(r, mlcf->shadow_name, &name) != NGX_OK) {
            ngx_http_mlclf_shadow_skip(none, NGX_HTTP_MLCLF_SKIP_INTERNAL,
                                       1);
            return;
        }

        if (name.len == 0) {
            ngx_http_mlclf_shadow_skip(none, NGX_HTTP_MLCLF_SKIP_EMPTY, 1);
            return;
        }

        s = ngx_http_mlclf_model_find(mmcf, &name);

        if (s == NULL) {
            ngx_http_mlclf_shadow_skip(none, NGX_HTTP_MLCLF_SKIP_NO_MODEL,
                                       1);
            return;
        }
    }

    /* the pairs are the compatible ones */

    pair = ngx_http_mlclf_shadow_pair_find(mmcf, ctx->model, s);

    if (pair == NULL) {
        ngx_http_mlclf_shadow_skip(none, NGX_HTTP_MLCLF_SKIP_INCOMPATIBLE, 1);
        return;
    }

    if (pair->slot == NULL) {
        return;
    }

    ngx_http_mlclf_shadow_score(r, pair, req, rep);
}


/*
 * The rows are counted in acc, a private stripe, which is added to this
 * worker's stripe once: a batch costs a few atomic adds, not three a
 * row.
 */

static void
ngx_http_mlclf_shadow_score(ngx_http_request_t *r,
    ngx_http_mlclf_shadow_pair_t *pair, mlclf_request_t *req,
    mlclf_reply_t *rep)
{
    double           *scratch, p, d;
    size_t            i, n;
    uint32_t          k, j, ks;
    uint64_t          start, dur, diff, *acc;
    ngx_uint_t        b, stride;
    ngx_atomic_t     *c;
    mlclf_shadow_t    sh;

    start = ngx_http_mlclf_now();

    n = mlclf_shadow_scratch(&sh, pair->shadow->model, req);
    stride = pair->slot->stride;

    scratch = ngx_palloc(r->pool, n * sizeof(double)
                                  + stride * sizeof(uint64_t));
    if (scratch == NULL) {
        ngx_http_mlclf_shadow_skip(pair, NGX_HTTP_MLCLF_SKIP_INTERNAL,
                                   req->n_rows);
        return;
    }

    acc = (uint64_t *) (scratch + n);
    ngx_memzero(acc, stride * sizeof(uint64_t));

    mlclf_shadow_init(&sh, scratch);

    for (i = 0; i < req->n_rows; i++) {
        if (mlclf_shadow_next(&sh, &ks) != MLCLF_OK) {
            acc[NGX_HTTP_MLCLF_S_SKIP
                + (sh.reason == MLCLF_REASON_UNKNOWN_CATEGORY
                   ? NGX_HTTP_MLCLF_SKIP_UNKNOWN_CATEGORY
                   : NGX_HTTP_MLCLF_SKIP_MISSING_VALUE)]++;
            continue;
        }

        k = rep->classes[i];
        j = pair->class_map[k];

        p = (j == NGX_HTTP_MLCLF_SHADOW_NONE) ? 0.0 : sh.proba[j];
        d = rep->confidences[i] - p;
        diff = (uint64_t) ((d < 0 ? -d : d) * 1e9 + 0.5);

        for (b = 0; b < NGX_HTTP_MLCLF_DIFF_N - 1; b++) {
            if (diff <= ngx_http_mlclf_diff_bounds[b]) {
                break;
            }
        }

        acc[NGX_HTTP_MLCLF_S_AGREE + 2 * k + (j == ks)]++;
        acc[NGX_HTTP_MLCLF_S_DIFF + b]++;
        acc[NGX_HTTP_MLCLF_S_DIFF_SUM] += diff;
    }

    dur = ngx_http_mlclf_now() - start;

    for (b = 0; b < NGX_HTTP_MLCLF_N_BUCKETS - 1; b++) {
        if (dur <= ngx_http_mlclf_shadow_bounds[b]) {
            break;
        }
    }

    acc[NGX_HTTP_MLCLF_S_DUR + b] = 1;
    acc[NGX_HTTP_MLCLF_S_DUR_SUM] = dur;

    c = ngx_http_mlclf_shadow_stripe(pair->slot);

    for (i = 0; i < stride; i++) {
        if (acc[i]) {
            (void) ngx_atomic_fetch_add(&c[i], acc[i]);
        }
    }
}


static void
ngx_http_mlclf_shadow_skip(ngx_http_mlclf_shadow_pair_t *pair,
    ngx_http_mlclf_skip_e reason, size_t n)
{
    ngx_atomic_t  *c;

    if (pair->slot == NULL) {
        return;
    }

    c = ngx_http_mlclf_shadow_stripe(pair->slot);

    (void) ngx_atomic_fetch_add(&c[NGX_HTTP_MLCLF_S_SKIP + reason], n);
}


static ngx_atomic_t *
ngx_http_mlclf_shadow_stripe(ngx_http_mlclf_shadow_slot_t *slot)
{
    return slot->counters + ngx_http_mlclf_stripe * slot->stride;
}


/* a bound on the shadow families' text, from what the writers read */

size_t
ngx_http_mlclf_shadow_size(ngx_http_mlclf_shctx_t *sh)
{
    size_t                          size, lines, labels;
    ngx_uint_t                      i;
    ngx_http_mlclf_shadow_slot_t   *slot;
    ngx_http_mlclf_shadow_shctx_t  *ssh;

    ssh = sh->shadow;

    if (ssh == NULL) {
        return 0;
    }

    size = 0;

    for (i = 0; i < NGX_HTTP_MLCLF_F_N; i++) {
        size += ngx_strlen(ngx_http_mlclf_shadow_heads[i]);
    }

    for (i = 0; i < ssh->used; i++) {
        slot = &ssh->pairs[i];

        lines = NGX_HTTP_MLCLF_SKIP_N + NGX_HTTP_MLCLF_DIFF_N
                + NGX_HTTP_MLCLF_N_BUCKETS + 4 + 2 * slot->model->n_classes;
        labels = slot->model->name_len + slot->model->version_len;

        if (slot->shadow != NULL) {
            labels += slot->shadow->name_len + slot->shadow->version_len;
        }

        size += lines * (NGX_HTTP_MLCLF_SHADOW_LINE_MAX + labels)
                + 2 * slot->model->labels_len;
    }

    return size;
}


/* every family's head, then its samples of each pair in use */

u_char *
ngx_http_mlclf_shadow_render(u_char *p, u_char *last,
    ngx_http_mlclf_shctx_t *sh)
{
    ngx_uint_t                      i, f;
    ngx_http_mlclf_shadow_slot_t   *slot;
    ngx_http_mlclf_shadow_shctx_t  *ssh;

    ssh = sh->shadow;

    if (ssh == NULL) {
        return p;
    }

    for (f = 0; f < NGX_HTTP_MLCLF_F_N; f++) {
        p = ngx_slprintf(p, last, ngx_http_mlclf_shadow_heads[f]);

        for (i = 0; i < ssh->used; i++) {
            slot = &ssh->pairs[i];

            /* a retired slot's series are no longer shown */

            if (slot->state != NGX_HTTP_MLCLF_SLOT_USED
                || slot->model->state != NGX_HTTP_MLCLF_SLOT_USED
                || (slot->shadow != NULL
                    && slot->shadow->state != NGX_HTTP_MLCLF_SLOT_USED))
            {
                continue;
            }

            if ((slot->shadow == NULL) != (f == NGX_HTTP_MLCLF_F_SKIPPED)) {
                continue;
            }

            p = ngx_http_mlclf_shadow_pair_render(p, last, sh, slot, f);
        }
    }

    return p;
}


static u_char *
ngx_http_mlclf_shadow_pair_render(u_char *p, u_char *last,
    ngx_http_mlclf_shctx_t *sh, ngx_http_mlclf_shadow_slot_t *slot,
    ngx_uint_t family)
{
    u_char             *label;
    uint32_t            k;
    ngx_str_t           l[4];
    ngx_uint_t          j;
    ngx_atomic_uint_t   n;

    l[0].len = slot->model->name_len;
    l[0].data = slot->model->name;
    l[1].len = slot->model->version_len;
    l[1].data = slot->model->version;

    if (family == NGX_HTTP_MLCLF_F_SKIPPED) {
        for (j = 0; j < NGX_HTTP_MLCLF_SKIP_ROWS; j++) {
            n = ngx_http_mlclf_shadow_sum(sh, slot, NGX_HTTP_MLCLF_S_SKIP + j);
            p = ngx_slprintf(p, last, NGX_HTTP_MLCLF_SKIPPED, &l[0], &l[1],
                             ngx_http_mlclf_skips[j], n);
        }

        return p;
    }

    l[2].len = slot->shadow->name_len;
    l[2].data = slot->shadow->name;
    l[3].len = slot->shadow->version_len;
    l[3].data = slot->shadow->version;

    switch (family) {

    case NGX_HTTP_MLCLF_F_AGREEMENT:
        label = slot->model->labels;

        for (k = 0; k < slot->model->n_classes; k++) {
            for (j = 0; j < 2; j++) {
                n = ngx_http_mlclf_shadow_sum(sh, slot, NGX_HTTP_MLCLF_S_AGREE
                                                        + 2 * k + j);
                p = ngx_slprintf(p, last, NGX_HTTP_MLCLF_AGREEMENT,
                                 &l[0], &l[1], &l[2], &l[3], label,
                                 j ? "true" : "false", n);
            }

            label += ngx_strlen(label) + 1;
        }

        return p;

    case NGX_HTTP_MLCLF_F_ROWS_SKIPPED:
        for (j = NGX_HTTP_MLCLF_SKIP_ROWS; j < NGX_HTTP_MLCLF_SKIP_N; j++) {
            n = ngx_http_mlclf_shadow_sum(sh, slot, NGX_HTTP_MLCLF_S_SKIP + j);
            p = ngx_slprintf(p, last, NGX_HTTP_MLCLF_ROWS_SKIPPED,
                             &l[0], &l[1], &l[2], &l[3],
                             ngx_http_mlclf_skips[j], n);
        }

        return p;
    }

    return ngx_http_mlclf_shadow_histogram(p, last, sh, slot, l, family);
}


/* |difference| in 1e-9 or duration in ns: both print as seconds do */

static u_char *
ngx_http_mlclf_shadow_histogram(u_char *p, u_char *last,
    ngx_http_mlclf_shctx_t *sh, ngx_http_mlclf_shadow_slot_t *slot,
    ngx_str_t *l, ngx_uint_t family)
{
    ngx_uint_t          j, nb, first;
    const char         *bucket, *sum, *count, **le;
    ngx_atomic_uint_t   n, acc;

    if (family == NGX_HTTP_MLCLF_F_DIFF) {
        first = NGX_HTTP_MLCLF_S_DIFF;
        nb = NGX_HTTP_MLCLF_DIFF_N;
        le = ngx_http_mlclf_diff_le;
        bucket = NGX_HTTP_MLCLF_DIFF_BUCKET;
        sum = NGX_HTTP_MLCLF_DIFF_SUM;
        count = NGX_HTTP_MLCLF_DIFF_COUNT;

    } else {
        first = NGX_HTTP_MLCLF_S_DUR;
        nb = NGX_HTTP_MLCLF_N_BUCKETS;
        le = ngx_http_mlclf_shadow_le;
        bucket = NGX_HTTP_MLCLF_SDUR_BUCKET;
        sum = NGX_HTTP_MLCLF_SDUR_SUM;
        count = NGX_HTTP_MLCLF_SDUR_COUNT;
    }

    acc = 0;

    for (j = 0; j < nb; j++) {
        acc += ngx_http_mlclf_shadow_sum(sh, slot, first + j);
        p = ngx_slprintf(p, last, bucket, &l[0], &l[1], &l[2], &l[3],
                         le[j], acc);
    }

    /* the sum follows the buckets in both layouts */

    n = ngx_http_mlclf_shadow_sum(sh, slot, first + nb);

    p = ngx_slprintf(p, last, sum, &l[0], &l[1], &l[2], &l[3],
                     n / 1000000000, n % 1000000000);

    return ngx_slprintf(p, last, count, &l[0], &l[1], &l[2], &l[3], acc);
}


static ngx_atomic_uint_t
ngx_http_mlclf_shadow_sum(ngx_http_mlclf_shctx_t *sh,
    ngx_http_mlclf_shadow_slot_t *slot, ngx_uint_t i)
{
    return ngx_http_mlclf_stripes_sum(sh, slot->counters, slot->stride, i);
}
