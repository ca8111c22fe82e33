
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * GET /health: every declared model, as the master verified it when it
 * read the configuration.
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
    ngx_buf_t                   *b;
    ngx_uint_t                   i;
    const char                  *label;
    ngx_http_mlclf_model_t      *m, **mp;
    ngx_http_mlclf_main_conf_t  *mmcf;

    rc = ngx_http_mlclf_get_only(r);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    mmcf = ngx_http_get_module_main_conf(r, ngx_http_mlclf_module);
    mp = mmcf->models.elts;

    len = sizeof("{\"status\":\"ok\",\"models\":[]}") - 1;

    for (i = 0; i < mmcf->models.nelts; i++) {
        m = mp[i];

        len += sizeof("{\"name\":\"\",\"version\":\"\",\"algorithm\":\"\","
                      "\"n_features\":,\"classes\":[],\"loaded_at\":\"\","
                      "\"ready\":true},") - 1
               + m->name.len + m->version.len + m->algorithm.len
               + NGX_INT32_LEN + NGX_HTTP_MLCLF_ISO8601_LEN;

        for (c = 0; c < m->n_classes; c++) {
            label = mlclf_model_class_label(m->model, c);
            len += sizeof("\"\",") - 1 + ngx_strlen(label)
                   + ngx_escape_json(NULL, (u_char *) label,
                                     ngx_strlen(label));
        }
    }

    b = ngx_create_temp_buf(r->pool, len);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_sprintf(b->last, "{\"status\":\"ok\",\"models\":[");

    for (i = 0; i < mmcf->models.nelts; i++) {
        m = mp[i];

        p = ngx_sprintf(p, "%s{\"name\":\"%V\",\"version\":\"%V\","
                        "\"algorithm\":\"%V\",\"n_features\":%uD,"
                        "\"classes\":[",
                        i ? "," : "", &m->name, &m->version, &m->algorithm,
                        m->n_features);

        for (c = 0; c < m->n_classes; c++) {
            label = mlclf_model_class_label(m->model, c);

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

    b->last = p;

    return ngx_http_mlclf_send_json(r, NGX_HTTP_OK, b);
}
