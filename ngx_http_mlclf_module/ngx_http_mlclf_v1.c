
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


static ngx_int_t ngx_http_mlclf_v1_models(ngx_http_request_t *r);


ngx_int_t
ngx_http_mlclf_v1_handler(ngx_http_request_t *r)
{
    u_char                      *p, *last, *s;
    ngx_str_t                    name, verb;
    ngx_http_mlclf_model_t      *m;
    ngx_http_mlclf_main_conf_t  *mmcf;

    /* "/v1/models", "/v1/models/{name}", "/v1/models/{name}:predict" */

    p = r->uri.data;
    last = p + r->uri.len;

    if (last - p < (ssize_t) sizeof("/v1/models") - 1
        || ngx_strncmp(p, "/v1/models", sizeof("/v1/models") - 1) != 0)
    {
        goto unknown;
    }

    p += sizeof("/v1/models") - 1;

    if (p == last) {
        return ngx_http_mlclf_v1_models(r);
    }

    if (*p++ != '/') {
        goto unknown;
    }

    /* model names have no ':' ([a-z0-9_-]) */

    for (s = p; p < last && *p != '/' && *p != ':'; p++) { /* void */ }

    name.data = s;
    name.len = p - s;

    verb.data = p;
    verb.len = last - p;

    if (name.len == 0
        || (verb.len != 0
            && !(verb.len == sizeof(":predict") - 1
                 && ngx_strncmp(verb.data, ":predict", verb.len) == 0)))
    {
        goto unknown;
    }

    mmcf = ngx_http_get_module_main_conf(r, ngx_http_mlclf_module);

    m = ngx_http_mlclf_model_find(mmcf, &name);

    if (m == NULL) {
        return ngx_http_mlclf_no_model(r, NGX_HTTP_NOT_FOUND, &name);
    }

    if (verb.len == 0) {
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

unknown:

    return ngx_http_mlclf_refuse(r, NGX_HTTP_NOT_FOUND,
                                 "no such route of the V1 protocol",
                                 MLCLF_REASON_OTHER, NULL);
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
