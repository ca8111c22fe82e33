
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * mlclf_v1: KServe's V1 (TensorFlow Serving style) REST routes over the
 * models of mlclf_model; :predict is /predict's batch request and reply.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <mlclf.h>
#include "ngx_http_mlclf_module.h"


static ngx_uint_t ngx_http_mlclf_v1_path(ngx_str_t *uri, ngx_str_t *name);
static ngx_int_t ngx_http_mlclf_v1_models(ngx_http_request_t *r);


#define NGX_HTTP_MLCLF_V1_MODELS   0       /* GET /v1/models */
#define NGX_HTTP_MLCLF_V1_MODEL    1       /* GET /v1/models/{name} */
#define NGX_HTTP_MLCLF_V1_PREDICT  2       /* POST ...:predict */
#define NGX_HTTP_MLCLF_V1_UNKNOWN  3


ngx_int_t
ngx_http_mlclf_v1_handler(ngx_http_request_t *r)
{
    ngx_str_t                    name;
    ngx_uint_t                   route;
    ngx_http_mlclf_model_t      *m;
    ngx_http_mlclf_main_conf_t  *mmcf;

    route = ngx_http_mlclf_v1_path(&r->uri, &name);

    if (route == NGX_HTTP_MLCLF_V1_UNKNOWN) {
        return ngx_http_mlclf_refuse(r, NGX_HTTP_NOT_FOUND,
                                     "no such route of the V1 protocol",
                                     MLCLF_REASON_OTHER, NULL);
    }

    if (route == NGX_HTTP_MLCLF_V1_MODELS) {
        return ngx_http_mlclf_v1_models(r);
    }

    mmcf = ngx_http_get_module_main_conf(r, ngx_http_mlclf_module);

    m = ngx_http_mlclf_model_find(mmcf, &name);

    if (m == NULL) {
        return ngx_http_mlclf_no_model(r, NGX_HTTP_NOT_FOUND, &name);
    }

    if (route == NGX_HTTP_MLCLF_V1_MODEL) {
        return ngx_http_mlclf_model_ready(r, m);
    }

    /* :predict, counted like /predict from here on */

    if (ngx_http_mlclf_ctx_create(r, m, &m->name, NGX_HTTP_MLCLF_ROUTE_V1)
        == NULL)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (!(r->method & NGX_HTTP_POST)) {
        return ngx_http_mlclf_not_allowed(r, 1);
    }

    return ngx_http_mlclf_read_predict(r);
}


/*
 * The route of "/v1/models", "/v1/models/{name}" or
 * "/v1/models/{name}:predict", *name set for the last two.
 */

static ngx_uint_t
ngx_http_mlclf_v1_path(ngx_str_t *uri, ngx_str_t *name)
{
    u_char  *p, *last, *s;

    ngx_str_null(name);

    p = uri->data;
    last = p + uri->len;

    if (last - p < (ssize_t) sizeof("/v1/models") - 1
        || ngx_strncmp(p, "/v1/models", sizeof("/v1/models") - 1) != 0)
    {
        return NGX_HTTP_MLCLF_V1_UNKNOWN;
    }

    p += sizeof("/v1/models") - 1;

    if (p == last) {
        return NGX_HTTP_MLCLF_V1_MODELS;
    }

    if (*p++ != '/') {
        return NGX_HTTP_MLCLF_V1_UNKNOWN;
    }

    /* model names have no ':' ([a-z0-9_-]) */

    for (s = p; p < last && *p != '/' && *p != ':'; p++) { /* void */ }

    name->data = s;
    name->len = p - s;

    if (name->len == 0) {
        return NGX_HTTP_MLCLF_V1_UNKNOWN;
    }

    if (p == last) {
        return NGX_HTTP_MLCLF_V1_MODEL;
    }

    if (last - p == sizeof(":predict") - 1
        && ngx_strncmp(p, ":predict", sizeof(":predict") - 1) == 0)
    {
        return NGX_HTTP_MLCLF_V1_PREDICT;
    }

    return NGX_HTTP_MLCLF_V1_UNKNOWN;
}


/*
 * The model a request of an mlclf_v1 location is counted for, if it is
 * a :predict of a declared model: for mlclf_zone when NGINX answered
 * before the handler ran (a body over client_max_body_size).
 */

ngx_http_mlclf_model_t *
ngx_http_mlclf_v1_counted(ngx_http_request_t *r)
{
    ngx_str_t                    name;
    ngx_http_mlclf_main_conf_t  *mmcf;

    if (ngx_http_mlclf_v1_path(&r->uri, &name) != NGX_HTTP_MLCLF_V1_PREDICT) {
        return NULL;
    }

    mmcf = ngx_http_get_module_main_conf(r, ngx_http_mlclf_module);

    return ngx_http_mlclf_model_find(mmcf, &name);
}


/* GET /v1/models: {"models":["iris",...]}, in mlclf_model order */

static ngx_int_t
ngx_http_mlclf_v1_models(ngx_http_request_t *r)
{
    u_char                      *p, *data;
    size_t                       len;
    ngx_int_t                    rc;
    ngx_uint_t                   i;
    ngx_http_mlclf_model_t     **mp;
    ngx_http_mlclf_main_conf_t  *mmcf;

    rc = ngx_http_mlclf_get_only(r);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    mmcf = ngx_http_get_module_main_conf(r, ngx_http_mlclf_module);
    mp = mmcf->models.elts;

    /* names are [a-z0-9_-]: nothing to escape */

    len = sizeof("{\"models\":[]}") - 1;

    for (i = 0; i < mmcf->models.nelts; i++) {
        len += sizeof("\"\",") - 1 + mp[i]->name.len;
    }

    data = ngx_pnalloc(r->pool, len);
    if (data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_cpymem(data, "{\"models\":[", sizeof("{\"models\":[") - 1);

    for (i = 0; i < mmcf->models.nelts; i++) {
        p = ngx_sprintf(p, "%s\"%V\"", i ? "," : "", &mp[i]->name);
    }

    p = ngx_cpymem(p, "]}", 2);

    return ngx_http_mlclf_send_data(r, NGX_HTTP_OK, data, p - data);
}


/*
 * GET /v1/models/{name} and /v2/models/{name}/ready: the master
 * verified every declared model before the workers started, and each
 * worker has it mapped (never NULL once the configuration runs).
 */

ngx_int_t
ngx_http_mlclf_model_ready(ngx_http_request_t *r, ngx_http_mlclf_model_t *m)
{
    u_char     *p;
    size_t      len;
    ngx_int_t   rc;

    rc = ngx_http_mlclf_get_only(r);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    len = sizeof("{\"name\":\"\",\"ready\":false}") - 1 + m->name.len;

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    len = ngx_sprintf(p, "{\"name\":\"%V\",\"ready\":%s}", &m->name,
                      m->model != NULL ? "true" : "false")
          - p;

    return ngx_http_mlclf_send_data(r, NGX_HTTP_OK, p, len);
}
