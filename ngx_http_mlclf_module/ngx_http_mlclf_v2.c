
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * mlclf_v2: KServe's Open Inference Protocol (V2) REST routes over the
 * models of mlclf_model: server and model metadata, health, and infer
 * through the core's V2 parser and writer (docs/kserve.md).
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <mlclf.h>
#include "ngx_http_mlclf_module.h"
#include "ngx_http_mlclf_metrics.h"
#include "ngx_http_mlclf_shadow.h"
#include "ngx_http_mlclf_drift.h"


typedef enum {
    NGX_HTTP_MLCLF_V2_SERVER = 0,           /* GET /v2 */
    NGX_HTTP_MLCLF_V2_LIVE,                 /* GET /v2/health/live */
    NGX_HTTP_MLCLF_V2_READY,                /* GET /v2/health/ready */
    NGX_HTTP_MLCLF_V2_MODEL,                /* GET /v2/models/{name} */
    NGX_HTTP_MLCLF_V2_MODEL_READY,          /* GET .../ready */
    NGX_HTTP_MLCLF_V2_INFER,                /* POST .../infer */
    NGX_HTTP_MLCLF_V2_UNKNOWN
} ngx_http_mlclf_v2_route_e;


typedef struct {
    ngx_http_mlclf_v2_route_e  route;
    ngx_str_t                  name;
    ngx_str_t                  version;     /* empty: none in the path */
} ngx_http_mlclf_v2_path_t;


static void ngx_http_mlclf_v2_path(ngx_str_t *uri,
    ngx_http_mlclf_v2_path_t *path);
static ngx_int_t ngx_http_mlclf_v2_is(u_char **p, u_char *last,
    const char *s, ngx_uint_t prefix);
static ngx_int_t ngx_http_mlclf_v2_server(ngx_http_request_t *r,
    ngx_http_mlclf_v2_route_e route);
static ngx_int_t ngx_http_mlclf_v2_model(ngx_http_request_t *r,
    ngx_http_mlclf_v2_path_t *path);
static void ngx_http_mlclf_v2_body(ngx_http_request_t *r);
static ngx_int_t ngx_http_mlclf_v2_infer(ngx_http_request_t *r);
static ngx_int_t ngx_http_mlclf_v2_json_len(ngx_http_request_t *r,
    size_t len, size_t *json_len);
static void ngx_http_mlclf_v2_cleanup(void *data);


#define NGX_HTTP_MLCLF_V2_HCL  "Inference-Header-Content-Length"


ngx_int_t
ngx_http_mlclf_v2_handler(ngx_http_request_t *r)
{
    ngx_http_mlclf_v2_path_t  path;

    ngx_http_mlclf_v2_path(&r->uri, &path);

    switch (path.route) {

    case NGX_HTTP_MLCLF_V2_UNKNOWN:
        return ngx_http_mlclf_refuse(r, NGX_HTTP_NOT_FOUND,
                                     "no such route of the Open Inference "
                                     "Protocol", MLCLF_REASON_OTHER, NULL);

    case NGX_HTTP_MLCLF_V2_SERVER:
    case NGX_HTTP_MLCLF_V2_LIVE:
    case NGX_HTTP_MLCLF_V2_READY:
        return ngx_http_mlclf_v2_server(r, path.route);

    default:
        return ngx_http_mlclf_v2_model(r, &path);
    }
}


/*
 * r->uri as clients send it: "/v2", "/v2/health/{live,ready}",
 * "/v2/models/{name}[/versions/{version}][/ready|/infer]".  nginx has
 * decoded %XX and merged slashes already.
 */

static void
ngx_http_mlclf_v2_path(ngx_str_t *uri, ngx_http_mlclf_v2_path_t *path)
{
    u_char  *p, *last, *s;

    ngx_memzero(path, sizeof(ngx_http_mlclf_v2_path_t));

    path->route = NGX_HTTP_MLCLF_V2_UNKNOWN;

    p = uri->data;
    last = p + uri->len;

    if (!ngx_http_mlclf_v2_is(&p, last, "/v2", 1)) {
        return;
    }

    if (p == last || ngx_http_mlclf_v2_is(&p, last, "/", 0)) {
        path->route = NGX_HTTP_MLCLF_V2_SERVER;
        return;
    }

    if (ngx_http_mlclf_v2_is(&p, last, "/health/live", 0)) {
        path->route = NGX_HTTP_MLCLF_V2_LIVE;
        return;
    }

    if (ngx_http_mlclf_v2_is(&p, last, "/health/ready", 0)) {
        path->route = NGX_HTTP_MLCLF_V2_READY;
        return;
    }

    if (!ngx_http_mlclf_v2_is(&p, last, "/models/", 1)) {
        return;
    }

    for (s = p; p < last && *p != '/'; p++) { /* void */ }

    path->name.data = s;
    path->name.len = p - s;

    if (ngx_http_mlclf_v2_is(&p, last, "/versions/", 1)) {
        for (s = p; p < last && *p != '/'; p++) { /* void */ }

        path->version.data = s;
        path->version.len = p - s;

        if (path->version.len == 0) {
            return;
        }
    }

    if (path->name.len == 0) {
        return;
    }

    if (p == last) {
        path->route = NGX_HTTP_MLCLF_V2_MODEL;

    } else if (ngx_http_mlclf_v2_is(&p, last, "/ready", 0)) {
        path->route = NGX_HTTP_MLCLF_V2_MODEL_READY;

    } else if (ngx_http_mlclf_v2_is(&p, last, "/infer", 0)) {
        path->route = NGX_HTTP_MLCLF_V2_INFER;
    }
}


/*
 * The model a request of an mlclf_v2 location is counted for, if it is
 * an infer of a declared model (see ngx_http_mlclf_v1_counted()).
 */

ngx_http_mlclf_model_t *
ngx_http_mlclf_v2_counted(ngx_http_request_t *r)
{
    ngx_http_mlclf_v2_path_t     path;
    ngx_http_mlclf_main_conf_t  *mmcf;

    ngx_http_mlclf_v2_path(&r->uri, &path);

    if (path.route != NGX_HTTP_MLCLF_V2_INFER) {
        return NULL;
    }

    mmcf = ngx_http_get_module_main_conf(r, ngx_http_mlclf_module);

    return ngx_http_mlclf_model_find(mmcf, &path.name);
}


/* [*p, last) is s (prefix: starts with s); *p moves past s if so */

static ngx_int_t
ngx_http_mlclf_v2_is(u_char **p, u_char *last, const char *s,
    ngx_uint_t prefix)
{
    size_t  len;

    len = ngx_strlen(s);

    if ((size_t) (last - *p) < len || (!prefix && (size_t) (last - *p) != len)
        || ngx_strncmp(*p, s, len) != 0)
    {
        return 0;
    }

    *p += len;

    return 1;
}


/*
 * GET /v2, /v2/health/live, /v2/health/ready.  Ready: every mlclf_model
 * of the configuration is mapped in this worker; the master verified
 * each before the worker started, and a configuration with a model it
 * cannot verify is never run (docs/kserve.md).
 */

static ngx_int_t
ngx_http_mlclf_v2_server(ngx_http_request_t *r,
    ngx_http_mlclf_v2_route_e route)
{
    ngx_int_t                    rc;
    ngx_uint_t                   i;
    ngx_http_mlclf_model_t     **mp;
    ngx_http_mlclf_main_conf_t  *mmcf;

    static u_char  server[] = "{\"name\":\"mlclf\",\"version\":\""
                              NGX_HTTP_MLCLF_VERSION "\",\"extensions\":"
                              "[\"classification\",\"binary_tensor_data\"]}";
    static u_char  live[] = "{\"live\":true}";
    static u_char  ready[] = "{\"ready\":true}";
    static u_char  unready[] = "{\"ready\":false}";

    rc = ngx_http_mlclf_get_only(r);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    if (route == NGX_HTTP_MLCLF_V2_SERVER) {
        return ngx_http_mlclf_send_data(r, NGX_HTTP_OK, server,
                                        sizeof(server) - 1);
    }

    if (route == NGX_HTTP_MLCLF_V2_LIVE) {
        return ngx_http_mlclf_send_data(r, NGX_HTTP_OK, live, sizeof(live) - 1);
    }

    mmcf = ngx_http_get_module_main_conf(r, ngx_http_mlclf_module);
    mp = mmcf->models.elts;

    for (i = 0; i < mmcf->models.nelts; i++) {
        if (mp[i]->model == NULL) {
            return ngx_http_mlclf_send_data(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                            unready, sizeof(unready) - 1);
        }
    }

    return ngx_http_mlclf_send_data(r, NGX_HTTP_OK, ready, sizeof(ready) - 1);
}


/*
 * The routes under /v2/models/{name}.  Only infer is a prediction
 * route: it is counted in mlclf_zone, from the moment its model is
 * known, like /predict.
 */

static ngx_int_t
ngx_http_mlclf_v2_model(ngx_http_request_t *r, ngx_http_mlclf_v2_path_t *path)
{
    u_char                      *p;
    size_t                       len;
    ngx_int_t                    rc;
    ngx_str_t                   *v;
    ngx_table_elt_t             *h;
    ngx_http_mlclf_model_t      *m;
    ngx_http_mlclf_main_conf_t  *mmcf;

    mmcf = ngx_http_get_module_main_conf(r, ngx_http_mlclf_module);

    m = ngx_http_mlclf_model_find(mmcf, &path->name);

    if (m == NULL) {
        return ngx_http_mlclf_no_model(r, NGX_HTTP_NOT_FOUND, &path->name);
    }

    if (path->route == NGX_HTTP_MLCLF_V2_INFER) {
        if (ngx_http_mlclf_ctx_create(r, m, &m->name,
                                      NGX_HTTP_MLCLF_ROUTE_V2)
            == NULL)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (!(r->method & NGX_HTTP_POST)) {
            return ngx_http_mlclf_not_allowed(r, 1);
        }
    }

    /* the version served, as "v3" or as "3" */

    v = &path->version;

    if (v->len != 0
        && !(v->len == m->version.len
             && ngx_strncmp(v->data, m->version.data, v->len) == 0)
        && !(v->len == m->version.len - 1
             && ngx_strncmp(v->data, m->version.data + 1, v->len) == 0))
    {
        len = sizeof("model \"\" has no version \"\", it serves ")
              + m->name.len + v->len + m->version.len;

        p = ngx_pnalloc(r->pool, len);
        if (p == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ngx_sprintf(p, "model \"%V\" has no version \"%V\", it serves %V%Z",
                    &m->name, v, &m->version);

        return ngx_http_mlclf_refuse(r, NGX_HTTP_NOT_FOUND, (char *) p,
                                     MLCLF_REASON_NO_MODEL, NULL);
    }

    if (path->route == NGX_HTTP_MLCLF_V2_INFER) {

        /* we do not decode bodies: gzip or deflate would be parsed raw */

        h = ngx_http_mlclf_header_in(r, "Content-Encoding",
                                     sizeof("Content-Encoding") - 1);

        if (h != NULL
            && !(h->value.len == sizeof("identity") - 1
                 && ngx_strncasecmp(h->value.data, (u_char *) "identity",
                                    h->value.len)
                    == 0))
        {
            return ngx_http_mlclf_refuse(r, NGX_HTTP_UNSUPPORTED_MEDIA_TYPE,
                                     "Content-Encoding is not supported, "
                                     "send the body uncompressed",
                                     MLCLF_REASON_UNSUPPORTED_MEDIA_TYPE,
                                     NULL);
        }

        rc = ngx_http_read_client_request_body(r, ngx_http_mlclf_v2_body);

        if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
            return rc;
        }

        return NGX_DONE;
    }

    if (path->route == NGX_HTTP_MLCLF_V2_MODEL_READY) {
        return ngx_http_mlclf_model_ready(r, m);
    }

    rc = ngx_http_mlclf_get_only(r);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    len = mlclf_v2_metadata(NULL, 0, m->model, (const char *) m->name.data,
                            (const char *) m->version.data);

    p = ngx_pnalloc(r->pool, len + 1);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    len = mlclf_v2_metadata((char *) p, len + 1, m->model,
                            (const char *) m->name.data,
                            (const char *) m->version.data);

    return ngx_http_mlclf_send_data(r, NGX_HTTP_OK, p, len);
}


static void
ngx_http_mlclf_v2_body(ngx_http_request_t *r)
{
    ngx_http_finalize_request(r, ngx_http_mlclf_v2_infer(r));
}


/*
 * POST .../infer with the body read: the core parses the JSON header
 * and the binary tensors after it and writes the reply, which has a
 * binary part when an output asked for one.
 */

static ngx_int_t
ngx_http_mlclf_v2_infer(ngx_http_request_t *r)
{
    int                        rc;
    size_t                     json_len;
    u_char                    *p;
    ngx_buf_t                 *b;
    ngx_int_t                  sent;
    ngx_str_t                  body, type, hcl;
    ngx_uint_t                 status;
    mlclf_err_t                err;
    mlclf_reply_t              rep;
    mlclf_limits_t             limits;
    const mlclf_model_t       *model;
    ngx_pool_cleanup_t        *cln;
    mlclf_v2_request_t        *v2;
    ngx_http_mlclf_model_t    *m;
    ngx_http_mlclf_req_ctx_t  *ctx;

    ctx = ngx_http_mlclf_body(r, &body);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    m = ctx->model;
    model = m->model;

    if (ngx_http_mlclf_v2_json_len(r, body.len, &json_len) != NGX_OK) {
        ctx->reason = MLCLF_REASON_BAD_TENSOR;

        return ngx_http_mlclf_refused(r, NGX_HTTP_BAD_REQUEST,
                                 NGX_HTTP_MLCLF_V2_HCL " must be a number "
                                 "of bytes no greater than the body's");
    }

    ngx_http_mlclf_limits(r, &limits);

    cln = ngx_pool_cleanup_add(r->pool, sizeof(mlclf_v2_request_t));
    if (cln == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    v2 = cln->data;
    ngx_memzero(v2, sizeof(mlclf_v2_request_t));
    cln->handler = ngx_http_mlclf_v2_cleanup;

    rc = mlclf_v2_request_parse(v2, model, (const char *) body.data,
                                body.len, json_len, &limits, &err);

    if (rc == MLCLF_EREQUEST) {
        status = v2->req.status;
        ctx->reason = v2->req.reason;

        mlclf_v2_request_free(v2);

        return ngx_http_mlclf_refused(r, status, err.msg);
    }

    if (rc != MLCLF_OK) {
        goto failed;
    }

    b = ngx_http_mlclf_reply_buf(r, &rep,
                                 mlclf_v2_reply_bound(model, v2,
                                             (const char *) m->name.data,
                                             (const char *) m->version.data),
                                 mlclf_reply_scratch_for(model, &v2->req),
                                 v2->req.n_rows);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = mlclf_v2_reply_write(&rep, model, v2, (const char *) m->name.data,
                              &json_len, &err);

    if (rc != MLCLF_OK) {
        goto failed;
    }

    b->last = b->pos + rep.len;

    if (ngx_http_mlclf_replied(r, v2->req.n_rows, &rep) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_mlclf_drift_count(r, &v2->req, &rep);

    ngx_str_set(&type, "application/json");

    if (json_len != rep.len) {

        /* binary outputs follow the JSON part */

        p = ngx_pnalloc(r->pool, NGX_SIZE_T_LEN);
        if (p == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        hcl.data = p;
        hcl.len = ngx_sprintf(p, "%uz", json_len) - p;

        if (ngx_http_mlclf_add_header(r, NGX_HTTP_MLCLF_V2_HCL, &hcl)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ngx_str_set(&type, "application/octet-stream");
    }

    sent = ngx_http_mlclf_send(r, NGX_HTTP_OK, &type, b);

    ngx_http_mlclf_shadow_run(r, sent, &v2->req, &rep);

    mlclf_v2_request_free(v2);

    return sent;

failed:

    mlclf_v2_request_free(v2);

    return ngx_http_mlclf_failed(r, err.msg);
}


/*
 * Inference-Header-Content-Length: the bytes of the JSON header, binary
 * tensor data after it; without it the whole body is JSON.
 */

static ngx_int_t
ngx_http_mlclf_v2_json_len(ngx_http_request_t *r, size_t len,
    size_t *json_len)
{
    off_t             n;
    ngx_table_elt_t  *h;

    *json_len = len;

    h = ngx_http_mlclf_header_in(r, NGX_HTTP_MLCLF_V2_HCL,
                                 sizeof(NGX_HTTP_MLCLF_V2_HCL) - 1);

    if (h == NULL) {
        return NGX_OK;
    }

    n = ngx_atoof(h->value.data, h->value.len);

    if (n == NGX_ERROR || (uint64_t) n > len) {
        return NGX_ERROR;
    }

    *json_len = (size_t) n;

    return NGX_OK;
}


static void
ngx_http_mlclf_v2_cleanup(void *data)
{
    mlclf_v2_request_free(data);
}
