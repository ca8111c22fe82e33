
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * POST /predict: read the body, parse and validate it against the model,
 * predict every row and send the core's JSON reply; and the reply
 * helpers that /health and /metrics share.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_event.h>
#include <ngx_http.h>
#include <mlclf.h>
#include "ngx_http_mlclf_module.h"
#include "ngx_http_mlclf_metrics.h"
#include "ngx_http_mlclf_shadow.h"
#include "ngx_http_mlclf_drift.h"


static void ngx_http_mlclf_predict_body(ngx_http_request_t *r);
static ngx_int_t ngx_http_mlclf_predict(ngx_http_request_t *r);
static void ngx_http_mlclf_request_cleanup(void *data);
static ngx_int_t ngx_http_mlclf_read_body(ngx_http_request_t *r,
    ngx_str_t *body);
static void ngx_http_mlclf_timer_stop(ngx_http_mlclf_req_ctx_t *ctx);
static ngx_int_t ngx_http_mlclf_is_json(ngx_http_request_t *r);
static void ngx_http_mlclf_keepalive_watch(ngx_http_request_t *r);
static void ngx_http_mlclf_keepalive_freed(void *data);
static void ngx_http_mlclf_keepalive_swap(ngx_event_t *ev);
static void ngx_http_mlclf_keepalive_handler(ngx_event_t *rev);
static void ngx_http_mlclf_conn_cleanup(void *data);


/*
 * How long a worker that is quitting keeps an idle keep-alive connection
 * open for the client's next request (docs/reliability.md).
 */
#define NGX_HTTP_MLCLF_DRAIN  1000


/* one per keep-alive connection that served the module, in c->pool */
typedef struct {
    ngx_event_t               swap;
} ngx_http_mlclf_conn_t;


/* the directive of each NGX_HTTP_MLCLF_ROUTE_*, for the error log */
static const char  *ngx_http_mlclf_routes[] = {
    "mlclf_predict", "mlclf_v1", "mlclf_v2"
};


/* nginx's ngx_http_keepalive_handler(), which is static */
static ngx_event_handler_pt  ngx_http_mlclf_keepalive_next;


ngx_int_t
ngx_http_mlclf_predict_handler(ngx_http_request_t *r)
{
    ngx_str_t                    name;
    ngx_http_mlclf_model_t      *m;
    ngx_http_mlclf_loc_conf_t   *mlcf;
    ngx_http_mlclf_main_conf_t  *mmcf;

    mlcf = ngx_http_get_module_loc_conf(r, ngx_http_mlclf_module);

    if (mlcf->model != NULL) {
        m = mlcf->model;
        name = m->name;

    } else {
        if (ngx_http_complex_value(r, mlcf->model_name, &name) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        mmcf = ngx_http_get_module_main_conf(r, ngx_http_mlclf_module);
        m = ngx_http_mlclf_model_find(mmcf, &name);
    }

    /* the context comes first: mlclf_zone counts every reply */

    if (ngx_http_mlclf_ctx_create(r, m, &name, NGX_HTTP_MLCLF_ROUTE_PREDICT)
        == NULL)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (!(r->method & NGX_HTTP_POST)) {
        return ngx_http_mlclf_not_allowed(r, 1);
    }

    if (!ngx_http_mlclf_is_json(r)) {
        return ngx_http_mlclf_refuse(r, NGX_HTTP_UNSUPPORTED_MEDIA_TYPE,
                                     "Content-Type must be application/json",
                                     MLCLF_REASON_UNSUPPORTED_MEDIA_TYPE,
                                     NULL);
    }

    if (m == NULL) {
        return ngx_http_mlclf_no_model(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                       &name);
    }

    return ngx_http_mlclf_read_predict(r);
}


/* the request context of a prediction route, set before anything else */

ngx_http_mlclf_req_ctx_t *
ngx_http_mlclf_ctx_create(ngx_http_request_t *r, ngx_http_mlclf_model_t *m,
    ngx_str_t *name, ngx_uint_t route)
{
    ngx_http_mlclf_req_ctx_t  *ctx;

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_mlclf_req_ctx_t));
    if (ctx == NULL) {
        return NULL;
    }

    ctx->name = *name;
    ctx->model = m;
    ctx->route = route;

    ngx_http_set_ctx(r, ctx, ngx_http_mlclf_module);

    return ctx;
}


/*
 * Refuses a request before its body is read: the body is discarded,
 * allow (if not NULL) becomes the Allow header of a 405, and a counted
 * request gets the reason.
 */

ngx_int_t
ngx_http_mlclf_refuse(ngx_http_request_t *r, ngx_uint_t status,
    const char *msg, mlclf_reason_e reason, const char *allow)
{
    ngx_int_t                  rc;
    ngx_str_t                  value;
    ngx_http_mlclf_req_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_mlclf_module);

    if (ctx != NULL) {
        ctx->reason = reason;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    if (allow != NULL) {
        value.data = (u_char *) allow;
        value.len = ngx_strlen(allow);

        if (ngx_http_mlclf_add_header(r, "Allow", &value) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    return ngx_http_mlclf_send_error(r, status, msg, reason);
}


/* 405: post, a route for POST only; else one for GET and HEAD */

ngx_int_t
ngx_http_mlclf_not_allowed(ngx_http_request_t *r, ngx_uint_t post)
{
    if (post) {
        return ngx_http_mlclf_refuse(r, NGX_HTTP_NOT_ALLOWED,
                                     "method not allowed, use POST",
                                     MLCLF_REASON_METHOD_NOT_ALLOWED, "POST");
    }

    return ngx_http_mlclf_refuse(r, NGX_HTTP_NOT_ALLOWED,
                                 "method not allowed, use GET",
                                 MLCLF_REASON_METHOD_NOT_ALLOWED, "GET, HEAD");
}


/*
 * The start of a GET route: NGX_DECLINED when the handler goes on (GET
 * or HEAD, the body discarded), else what the handler returns.
 */

ngx_int_t
ngx_http_mlclf_get_only(ngx_http_request_t *r)
{
    ngx_int_t  rc;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return ngx_http_mlclf_not_allowed(r, 0);
    }

    rc = ngx_http_discard_request_body(r);

    return (rc == NGX_OK) ? NGX_DECLINED : rc;
}


/* no mlclf_model of that name: 503 on /predict, 404 on KServe's routes */

ngx_int_t
ngx_http_mlclf_no_model(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *name)
{
    u_char  *p;

    p = ngx_pnalloc(r->pool, name->len + sizeof("no model named \"\""));
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_sprintf(p, "no model named \"%V\"%Z", name);

    return ngx_http_mlclf_refuse(r, status, (char *) p,
                                 MLCLF_REASON_NO_MODEL, NULL);
}


/* /predict and V1 :predict: read the body, then predict */

ngx_int_t
ngx_http_mlclf_read_predict(ngx_http_request_t *r)
{
    ngx_int_t  rc;

    rc = ngx_http_read_client_request_body(r, ngx_http_mlclf_predict_body);

    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }

    return NGX_DONE;
}


static void
ngx_http_mlclf_predict_body(ngx_http_request_t *r)
{
    ngx_http_finalize_request(r, ngx_http_mlclf_predict(r));
}


static ngx_int_t
ngx_http_mlclf_predict(ngx_http_request_t *r)
{
    int                        rc;
    ngx_buf_t                 *b;
    ngx_int_t                  sent;
    ngx_str_t                  body;
    ngx_uint_t                 status;
    mlclf_err_t                err;
    const mlclf_model_t       *model;
    mlclf_reply_t              rep;
    mlclf_limits_t             limits;
    mlclf_request_t           *req;
    ngx_pool_cleanup_t        *cln;
    ngx_http_mlclf_model_t    *m;
    ngx_http_mlclf_req_ctx_t  *ctx;

    ctx = ngx_http_mlclf_body(r, &body);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    m = ctx->model;
    model = m->model;

    ngx_http_mlclf_limits(r, &limits);

    /* the parsed request is freed with the pool, whatever happens next */

    cln = ngx_pool_cleanup_add(r->pool, sizeof(mlclf_request_t));
    if (cln == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    req = cln->data;
    ngx_memzero(req, sizeof(mlclf_request_t));
    cln->handler = ngx_http_mlclf_request_cleanup;

    rc = mlclf_request_parse(req, model, (const char *) body.data, body.len,
                             &limits, &err);

    if (rc == MLCLF_EREQUEST) {
        status = req->status;
        ctx->reason = req->reason;

        mlclf_request_free(req);

        return ngx_http_mlclf_refused(r, status, err.msg);
    }

    if (rc != MLCLF_OK) {
        goto failed;
    }

    /* KServe V1 has one shape: {"instances": [...]} */

    if (ctx->route == NGX_HTTP_MLCLF_ROUTE_V1 && !req->batch) {
        ctx->reason = MLCLF_REASON_BAD_SHAPE;

        mlclf_request_free(req);

        return ngx_http_mlclf_refused(r, NGX_HTTP_BAD_REQUEST,
                                 "expected {\"instances\": [...]}, the rows "
                                 "to predict");
    }

    b = ngx_http_mlclf_reply_buf(r, &rep,
                            mlclf_reply_bound(model, req,
                                              (const char *) m->version.data),
                            mlclf_reply_scratch_for(model, req), req->n_rows);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = mlclf_reply_write(&rep, model, req, &err);

    if (rc != MLCLF_OK) {
        goto failed;
    }

    b->last = b->pos + rep.len;

    if (ngx_http_mlclf_replied(r, req->n_rows, &rep) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_mlclf_drift_count(r, req, &rep);

    sent = ngx_http_mlclf_send_json(r, NGX_HTTP_OK, b);

    ngx_http_mlclf_shadow_run(r, sent, req, &rep);

    mlclf_request_free(req);

    return sent;

failed:

    mlclf_request_free(req);

    return ngx_http_mlclf_failed(r, err.msg);
}


static void
ngx_http_mlclf_request_cleanup(void *data)
{
    mlclf_request_free(data);
}


/*
 * The reply buffer of size bytes for rep, with scratch doubles, and
 * per-class counters for a counted batch.
 */

ngx_buf_t *
ngx_http_mlclf_reply_buf(ngx_http_request_t *r, mlclf_reply_t *rep,
    size_t size, size_t scratch, size_t n_rows)
{
    ngx_buf_t                 *b;
    ngx_http_mlclf_req_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_mlclf_module);

    ngx_memzero(rep, sizeof(mlclf_reply_t));

    b = ngx_create_temp_buf(r->pool, size);
    rep->scratch = ngx_palloc(r->pool, scratch * sizeof(double));

    if (b == NULL || rep->scratch == NULL) {
        return NULL;
    }

    rep->buf = (char *) b->pos;
    rep->size = size;
    rep->version = (const char *) ctx->model->version.data;

    if (ngx_http_mlclf_shadow_prepare(r, rep, n_rows) != NGX_OK) {
        return NULL;
    }

    if (ctx->timed && n_rows > 1) {
        rep->class_counts = ngx_pcalloc(r->pool,
                                        ctx->model->n_classes
                                        * sizeof(uint64_t));
        if (rep->class_counts == NULL) {
            return NULL;
        }
    }

    return b;
}


void
ngx_http_mlclf_limits(ngx_http_request_t *r, mlclf_limits_t *limits)
{
    ngx_http_mlclf_loc_conf_t  *mlcf;

    mlcf = ngx_http_get_module_loc_conf(r, ngx_http_mlclf_module);

    limits->max_rows = mlcf->max_rows;
    limits->max_explain_rows = mlcf->max_explain_rows;
    limits->max_depth = mlcf->max_depth;
    limits->max_text = mlcf->max_text;
}


/*
 * The start of a prediction route's body handler: the timer of
 * mlclf_request_duration_seconds starts (it stops at a ready reply) and
 * the body is read.
 */

ngx_http_mlclf_req_ctx_t *
ngx_http_mlclf_body(ngx_http_request_t *r, ngx_str_t *body)
{
    ngx_http_mlclf_req_ctx_t    *ctx;
    ngx_http_mlclf_main_conf_t  *mmcf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_mlclf_module);
    mmcf = ngx_http_get_module_main_conf(r, ngx_http_mlclf_module);

    if (mmcf->shm_zone != NULL) {
        ctx->start = ngx_http_mlclf_now();
        ctx->timed = 1;
    }

    if (ngx_http_mlclf_read_body(r, body) != NGX_OK) {
        return NULL;
    }

    return ctx;
}


static void
ngx_http_mlclf_timer_stop(ngx_http_mlclf_req_ctx_t *ctx)
{
    if (ctx->timed) {
        ctx->duration = ngx_http_mlclf_now() - ctx->start;
    }
}


/*
 * The end of a prediction route's body handler: the core refused the
 * body (ctx->reason set), failed, or replied.
 */

ngx_int_t
ngx_http_mlclf_refused(ngx_http_request_t *r, ngx_uint_t status,
    const char *msg)
{
    ngx_http_mlclf_req_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_mlclf_module);

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0, "%s \"%V\": %s",
                  ngx_http_mlclf_routes[ctx->route], &ctx->model->name, msg);

    ngx_http_mlclf_timer_stop(ctx);

    if (ngx_http_mlclf_add_header(r, "X-Model-Version", &ctx->model->version)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_mlclf_send_error(r, status, msg, ctx->reason);
}


ngx_int_t
ngx_http_mlclf_failed(ngx_http_request_t *r, const char *msg)
{
    ngx_http_mlclf_req_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_mlclf_module);

    ctx->reason = MLCLF_REASON_INTERNAL;

    ngx_http_mlclf_timer_stop(ctx);

    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "%s \"%V\": %s",
                  ngx_http_mlclf_routes[ctx->route], &ctx->model->name, msg);

    return ngx_http_mlclf_send_error(r, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                     "internal error", ctx->reason);
}


/* what the $mlclf_* variables and the counters read of a reply */

ngx_int_t
ngx_http_mlclf_replied(ngx_http_request_t *r, size_t n_rows,
    mlclf_reply_t *rep)
{
    ngx_http_mlclf_req_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_mlclf_module);

    ctx->n_rows = n_rows;
    ctx->first_class = rep->first_class;
    ctx->first_confidence = rep->first_confidence;
    ctx->class_counts = rep->class_counts;
    ctx->predicted = 1;

    ngx_http_mlclf_timer_stop(ctx);

    return ngx_http_mlclf_add_header(r, "X-Model-Version",
                                     &ctx->model->version);
}


/*
 * The core parses one contiguous buffer: a body in a single memory
 * buffer is used in place, otherwise memory and temp file parts are
 * gathered into one buffer from r->pool.
 */

static ngx_int_t
ngx_http_mlclf_read_body(ngx_http_request_t *r, ngx_str_t *body)
{
    u_char       *p;
    off_t         len, size;
    ssize_t       n;
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    ngx_str_set(body, "");

    if (r->request_body == NULL || r->request_body->bufs == NULL) {
        return NGX_OK;
    }

    cl = r->request_body->bufs;

    if (cl->next == NULL && !cl->buf->in_file) {
        body->data = cl->buf->pos;
        body->len = cl->buf->last - cl->buf->pos;
        return NGX_OK;
    }

    len = 0;

    for ( /* void */ ; cl; cl = cl->next) {
        b = cl->buf;
        len += b->in_file ? b->file_last - b->file_pos : b->last - b->pos;
    }

    p = ngx_pnalloc(r->pool, len + 1);
    if (p == NULL) {
        return NGX_ERROR;
    }

    body->data = p;
    body->len = len;

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        b = cl->buf;

        if (!b->in_file) {
            p = ngx_cpymem(p, b->pos, b->last - b->pos);
            continue;
        }

        size = b->file_last - b->file_pos;

        n = ngx_read_file(b->file, p, size, b->file_pos);

        if (n == NGX_ERROR) {
            return NGX_ERROR;
        }

        if (n != size) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          ngx_read_file_n " read only %z of %O from \"%V\"",
                          n, size, &b->file->name);
            return NGX_ERROR;
        }

        p += n;
    }

    return NGX_OK;
}


/* "application/json", any case, parameters such as charset allowed */

static ngx_int_t
ngx_http_mlclf_is_json(ngx_http_request_t *r)
{
    u_char  *p, *last;

    if (r->headers_in.content_type == NULL) {
        return 0;
    }

    p = r->headers_in.content_type->value.data;
    last = p + r->headers_in.content_type->value.len;

    while (p < last && (*p == ' ' || *p == '\t')) {
        p++;
    }

    if (last - p < (ssize_t) sizeof("application/json") - 1
        || ngx_strncasecmp(p, (u_char *) "application/json",
                           sizeof("application/json") - 1)
           != 0)
    {
        return 0;
    }

    p += sizeof("application/json") - 1;

    while (p < last && (*p == ' ' || *p == '\t')) {
        p++;
    }

    return p == last || *p == ';';
}


ngx_int_t
ngx_http_mlclf_add_header(ngx_http_request_t *r, char *key, ngx_str_t *value)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
    h->key.len = ngx_strlen(key);
    h->key.data = (u_char *) key;
    h->value = *value;
    h->lowcase_key = NULL;
#if (nginx_version >= 1023000)
    h->next = NULL;
#endif

    return NGX_OK;
}


/* the first request header called name (len bytes), any case */

ngx_table_elt_t *
ngx_http_mlclf_header_in(ngx_http_request_t *r, const char *name, size_t len)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */ ; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                return NULL;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].key.len == len
            && ngx_strncasecmp(h[i].key.data, (u_char *) name, len) == 0)
        {
            return &h[i];
        }
    }
}


ngx_int_t
ngx_http_mlclf_send_error(ngx_http_request_t *r, ngx_uint_t status,
    const char *msg, mlclf_reason_e reason)
{
    size_t       size;
    ngx_buf_t   *b;
    const char  *name;

    name = mlclf_reason_name(reason);

    /* a character takes at most 6 bytes escaped: \u00XX */

    size = 6 * (ngx_strlen(msg) + ngx_strlen(name))
           + sizeof("{\"error\":\"\",\"reason\":\"\"}");

    b = ngx_create_temp_buf(r->pool, size);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->last += mlclf_error_json((char *) b->pos, size, msg, name);

    return ngx_http_mlclf_send_json(r, status, b);
}


ngx_int_t
ngx_http_mlclf_send_json(ngx_http_request_t *r, ngx_uint_t status,
    ngx_buf_t *b)
{
    ngx_str_t  type;

    ngx_str_set(&type, "application/json");

    return ngx_http_mlclf_send(r, status, &type, b);
}


/* JSON in memory that outlives the request (r->pool or static) */

ngx_int_t
ngx_http_mlclf_send_data(ngx_http_request_t *r, ngx_uint_t status,
    u_char *data, size_t len)
{
    ngx_buf_t  *b;

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->pos = data;
    b->last = data + len;
    b->memory = 1;

    return ngx_http_mlclf_send_json(r, status, b);
}


/* a reply of the module's own handlers, JSON or not */

ngx_int_t
ngx_http_mlclf_send(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *type, ngx_buf_t *b)
{
    /*
     * A worker that is shutting down (reload) closes the connection after
     * this reply anyway: say so, so that a keep-alive client reconnects
     * to the new workers instead of sending its next request into a
     * closing socket.
     */

    if (ngx_exiting) {
        r->keepalive = 0;

    } else if (r->keepalive) {
        ngx_http_mlclf_keepalive_watch(r);
    }

    return ngx_http_mlclf_send_buf(r, status, type, b);
}


/* b is the whole body, sent as the last buffer of the reply */

ngx_int_t
ngx_http_mlclf_send_buf(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *type, ngx_buf_t *b)
{
    ngx_int_t     rc;
    ngx_chain_t   out;

    r->headers_out.status = status;
    r->headers_out.content_length_n = b->last - b->pos;

    r->headers_out.content_type = *type;
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    r->headers_out.content_type_lowcase = NULL;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


/*
 * Keep-alive connections across a reload.  A worker told to quit calls
 * the read handler of every idle connection with c->close set
 * (ngx_close_idle_connections()), and nginx's keep-alive handler closes
 * at once without reading: a request the client has just sent on that
 * connection is lost.  So after nginx puts a connection that served this
 * module into keep-alive, its read handler becomes
 * ngx_http_mlclf_keepalive_handler(), which passes everything on to
 * nginx's handler except that close: then the connection stays open, no
 * longer idle, for at most NGX_HTTP_MLCLF_DRAIN ms, and a request that
 * arrives meanwhile is read and answered by nginx's own code (with
 * "Connection: close", the worker is exiting).  The timer is not
 * cancelable, so the worker waits for it; worker_shutdown_timeout still
 * closes everything.
 *
 * nginx has no hook after ngx_http_set_keepalive(): it frees the request
 * (which runs our r->pool cleanup, ngx_http_mlclf_keepalive_freed()),
 * then sets its keep-alive handler and c->idle.  The cleanup posts an
 * event that runs later in the same event loop iteration, before any
 * posted read event of the connection and before the worker can start
 * quitting, and swaps the handler if the connection is then idle.
 */

static void
ngx_http_mlclf_keepalive_watch(ngx_http_request_t *r)
{
    ngx_connection_t       *c;
    ngx_pool_cleanup_t     *cln;
    ngx_http_mlclf_conn_t  *mc;

    c = r->connection;

    if (r != r->main || r->http_version >= NGX_HTTP_VERSION_20) {
        return;
    }

    mc = NULL;

    for (cln = c->pool->cleanup; cln; cln = cln->next) {
        if (cln->handler == ngx_http_mlclf_conn_cleanup) {
            mc = cln->data;
            break;
        }
    }

    if (mc == NULL) {

        /* once per connection: c->pool does not grow with requests */

        cln = ngx_pool_cleanup_add(c->pool, sizeof(ngx_http_mlclf_conn_t));
        if (cln == NULL) {
            return;
        }

        mc = cln->data;
        ngx_memzero(mc, sizeof(ngx_http_mlclf_conn_t));

        mc->swap.handler = ngx_http_mlclf_keepalive_swap;
        mc->swap.data = c;
        mc->swap.log = c->log;

        cln->handler = ngx_http_mlclf_conn_cleanup;
    }

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return;
    }

    cln->handler = ngx_http_mlclf_keepalive_freed;
    cln->data = mc;
}


static void
ngx_http_mlclf_keepalive_freed(void *data)
{
    ngx_http_mlclf_conn_t  *mc = data;

    if (!ngx_exiting) {
        ngx_post_event(&mc->swap, &ngx_posted_events);
    }
}


static void
ngx_http_mlclf_keepalive_swap(ngx_event_t *ev)
{
    ngx_event_t       *rev;
    ngx_connection_t  *c;

    c = ev->data;
    rev = c->read;

    /*
     * Not idle: closing, lingering, or a pipelined request is being
     * read; nginx's handler then is not the keep-alive one.
     */

    if (!c->idle || c->close || ngx_exiting
        || rev->handler == ngx_http_mlclf_keepalive_handler)
    {
        return;
    }

    if (ngx_http_mlclf_keepalive_next == NULL) {
        ngx_http_mlclf_keepalive_next = rev->handler;

    } else if (rev->handler != ngx_http_mlclf_keepalive_next) {
        return;
    }

    rev->handler = ngx_http_mlclf_keepalive_handler;
}


static void
ngx_http_mlclf_keepalive_handler(ngx_event_t *rev)
{
    ngx_connection_t  *c;

    c = rev->data;

    /*
     * c->close on an idle connection of a worker that is quitting comes
     * from ngx_close_idle_connections(); ngx_shutdown_timer_handler()
     * (worker_shutdown_timeout) also sets c->error, and a draining
     * connection is no longer idle: both are closed by nginx.
     */

    if (c->close && c->idle && !c->error && ngx_exiting) {
        c->close = 0;
        c->idle = 0;
        ngx_reusable_connection(c, 0);

        if (!rev->timer_set
            || (ngx_msec_int_t) (rev->timer.key - ngx_current_msec)
               > NGX_HTTP_MLCLF_DRAIN)
        {
            ngx_add_timer(rev, NGX_HTTP_MLCLF_DRAIN);
        }

        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, c->log, 0,
                       "mlclf: keep-alive connection drains");

        /* reads a request already sent, or waits for one */
    }

    ngx_http_mlclf_keepalive_next(rev);
}


static void
ngx_http_mlclf_conn_cleanup(void *data)
{
    ngx_http_mlclf_conn_t  *mc = data;

    if (mc->swap.posted) {
        ngx_delete_posted_event(&mc->swap);
    }
}
