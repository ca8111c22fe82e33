
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * GET /health: every declared model, and whether this worker has it
 * mapped and verified.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <mlclf.h>
#include "ngx_http_mlclf_module.h"


#define NGX_HTTP_MLCLF_ISO8601_LEN  (sizeof("1970-01-01T00:00:00Z") - 1)


ngx_int_t
ngx_http_mlclf_health_handler(ngx_http_request_t *r)
{
    u_char                      *p;
    size_t                       len;
    uint32_t                     c;
    ngx_tm_t                     tm;
    ngx_int_t                    rc;
    ngx_str_t                    allow;
    ngx_buf_t                   *b;
    ngx_uint_t                   i, ready;
    const char                  *label;
    ngx_table_elt_t             *h;
    mlclf_model_t               *model;
    ngx_http_mlclf_model_t      *m, **mp;
    ngx_http_mlclf_main_conf_t  *mmcf;

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        h = ngx_list_push(&r->headers_out.headers);
        if (h == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ngx_str_set(&allow, "GET, HEAD");

        h->hash = 1;
        ngx_str_set(&h->key, "Allow");
        h->value = allow;
        h->lowcase_key = NULL;
#if (nginx_version >= 1023000)
        h->next = NULL;
#endif

        return ngx_http_mlclf_send_error(r, NGX_HTTP_NOT_ALLOWED,
                                         "method not allowed, use GET",
                                         "method_not_allowed");
    }

    mmcf = ngx_http_get_module_main_conf(r, ngx_http_mlclf_module);
    mp = mmcf->models.elts;

    /*
     * Class labels are read from the mappings, under the SIGBUS guard
     * (ngx_http_mlclf_module.h): after a fault the model is unmapped and
     * the reply is built again without it.
     */

    ngx_http_mlclf_guard.mmcf = mmcf;

    if (sigsetjmp(ngx_http_mlclf_guard.env, 0) != 0) {
        (void) ngx_http_mlclf_guard_fault(r->connection->log);
    }

    ngx_http_mlclf_guard_on();

    len = sizeof("{\"status\":\"unavailable\",\"models\":[]}") - 1;
    ready = 1;

    for (i = 0; i < mmcf->models.nelts; i++) {
        m = mp[i];
        model = ngx_http_mlclf_model_get(m, r->connection->log);

        len += sizeof("{\"name\":\"\",\"version\":\"\",\"algorithm\":\"\","
                      "\"n_features\":,\"classes\":[],\"loaded_at\":\"\","
                      "\"ready\":false},") - 1
               + m->name.len + m->version.len + m->algorithm.len
               + NGX_INT32_LEN + NGX_HTTP_MLCLF_ISO8601_LEN;

        if (model == NULL) {
            ready = 0;
            continue;
        }

        for (c = 0; c < m->n_classes; c++) {
            label = mlclf_model_class_label(model, c);
            len += sizeof("\"\",") - 1 + ngx_strlen(label)
                   + ngx_escape_json(NULL, (u_char *) label,
                                     ngx_strlen(label));
        }
    }

    b = ngx_create_temp_buf(r->pool, len);
    if (b == NULL) {
        ngx_http_mlclf_guard_off();
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_sprintf(b->last, "{\"status\":\"%s\",\"models\":[",
                    ready ? "ok" : "unavailable");

    for (i = 0; i < mmcf->models.nelts; i++) {
        m = mp[i];
        model = m->model;

        p = ngx_sprintf(p, "%s{\"name\":\"%V\",\"version\":\"%V\","
                        "\"algorithm\":\"%V\",\"n_features\":%uD,",
                        i ? "," : "", &m->name, &m->version, &m->algorithm,
                        m->n_features);

        if (model == NULL) {
            p = ngx_sprintf(p, "\"ready\":false}");
            continue;
        }

        p = ngx_sprintf(p, "\"classes\":[");

        for (c = 0; c < m->n_classes; c++) {
            label = mlclf_model_class_label(model, c);

            if (c) {
                *p++ = ',';
            }

            *p++ = '"';
            p = (u_char *) ngx_escape_json(p, (u_char *) label,
                                           ngx_strlen(label));
            *p++ = '"';
        }

        ngx_gmtime(m->loaded_at, &tm);

        p = ngx_sprintf(p, "],\"loaded_at\":\"%4d-%02d-%02dT%02d:%02d:%02dZ\","
                        "\"ready\":true}",
                        tm.ngx_tm_year, tm.ngx_tm_mon, tm.ngx_tm_mday,
                        tm.ngx_tm_hour, tm.ngx_tm_min, tm.ngx_tm_sec);
    }

    p = ngx_sprintf(p, "]}");

    ngx_http_mlclf_guard_off();

    b->last = p;

    return ngx_http_mlclf_send_json(r, ready ? NGX_HTTP_OK
                                             : NGX_HTTP_SERVICE_UNAVAILABLE,
                                    b);
}
