
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Directives, configuration, per-worker model mappings and the $mlclf_*
 * variables of ngx_http_mlclf_module.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <mlclf.h>
#include "ngx_http_mlclf_module.h"
#include "ngx_http_mlclf_metrics.h"


#define NGX_HTTP_MLCLF_VAR_MODEL       0
#define NGX_HTTP_MLCLF_VAR_VERSION     1
#define NGX_HTTP_MLCLF_VAR_PREDICTION  2
#define NGX_HTTP_MLCLF_VAR_CONFIDENCE  3
#define NGX_HTTP_MLCLF_VAR_ROWS        4
#define NGX_HTTP_MLCLF_VAR_REASON      5


static char *ngx_http_mlclf_model(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static ngx_int_t ngx_http_mlclf_model_resolve(ngx_conf_t *cf,
    ngx_str_t *arg, ngx_str_t *file);
static char *ngx_http_mlclf_predict(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_mlclf_health(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static ngx_int_t ngx_http_mlclf_add_variables(ngx_conf_t *cf);
static ngx_int_t ngx_http_mlclf_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static void *ngx_http_mlclf_create_main_conf(ngx_conf_t *cf);
static void *ngx_http_mlclf_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_mlclf_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static void ngx_http_mlclf_cleanup(void *data);
static void ngx_http_mlclf_sigbus(int signo, siginfo_t *si, void *uc);
static ngx_int_t ngx_http_mlclf_init_process(ngx_cycle_t *cycle);
static void ngx_http_mlclf_exit_process(ngx_cycle_t *cycle);


ngx_http_mlclf_guard_t  ngx_http_mlclf_guard;


static ngx_conf_num_bounds_t  ngx_http_mlclf_max_rows_bounds = {
    ngx_conf_check_num_bounds, 1, -1
};

static ngx_conf_num_bounds_t  ngx_http_mlclf_max_depth_bounds = {
    ngx_conf_check_num_bounds, 1, 1000
};


static ngx_command_t  ngx_http_mlclf_commands[] = {

    { ngx_string("mlclf_model"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE2,
      ngx_http_mlclf_model,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("mlclf_predict"),
      NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_mlclf_predict,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("mlclf_health"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_mlclf_health,
      0,
      0,
      NULL },

    { ngx_string("mlclf_zone"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE12,
      ngx_http_mlclf_zone,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("mlclf_metrics"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_mlclf_metrics,
      0,
      0,
      NULL },

    { ngx_string("mlclf_max_rows"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mlclf_loc_conf_t, max_rows),
      &ngx_http_mlclf_max_rows_bounds },

    { ngx_string("mlclf_max_depth"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mlclf_loc_conf_t, max_depth),
      &ngx_http_mlclf_max_depth_bounds },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_mlclf_module_ctx = {
    ngx_http_mlclf_add_variables,          /* preconfiguration */
    ngx_http_mlclf_metrics_init,           /* postconfiguration */

    ngx_http_mlclf_create_main_conf,       /* create main configuration */
    NULL,                                  /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_http_mlclf_create_loc_conf,        /* create location configuration */
    ngx_http_mlclf_merge_loc_conf          /* merge location configuration */
};


ngx_module_t  ngx_http_mlclf_module = {
    NGX_MODULE_V1,
    &ngx_http_mlclf_module_ctx,            /* module context */
    ngx_http_mlclf_commands,               /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    ngx_http_mlclf_init_process,           /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    ngx_http_mlclf_exit_process,           /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_http_variable_t  ngx_http_mlclf_vars[] = {

    { ngx_string("mlclf_model"), NULL, ngx_http_mlclf_variable,
      NGX_HTTP_MLCLF_VAR_MODEL, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("mlclf_model_version"), NULL, ngx_http_mlclf_variable,
      NGX_HTTP_MLCLF_VAR_VERSION, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("mlclf_prediction"), NULL, ngx_http_mlclf_variable,
      NGX_HTTP_MLCLF_VAR_PREDICTION, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("mlclf_confidence"), NULL, ngx_http_mlclf_variable,
      NGX_HTTP_MLCLF_VAR_CONFIDENCE, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("mlclf_rows"), NULL, ngx_http_mlclf_variable,
      NGX_HTTP_MLCLF_VAR_ROWS, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("mlclf_reason"), NULL, ngx_http_mlclf_variable,
      NGX_HTTP_MLCLF_VAR_REASON, NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


static char *
ngx_http_mlclf_model(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_mlclf_main_conf_t *mmcf = conf;

    int                      rc;
    u_char                  *p;
    ngx_str_t               *value, file;
    ngx_uint_t               i;
    mlclf_err_t              err;
    mlclf_model_t           *model;
    ngx_http_mlclf_model_t  *m, **mp;

    value = cf->args->elts;

    if (value[1].len == 0 || value[1].len > NGX_HTTP_MLCLF_NAME_MAX) {
        goto invalid;
    }

    for (i = 0; i < value[1].len; i++) {
        p = &value[1].data[i];

        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')
              || *p == '_' || *p == '-'))
        {
            goto invalid;
        }
    }

    mp = mmcf->models.elts;

    for (i = 0; i < mmcf->models.nelts; i++) {
        if (mp[i]->name.len == value[1].len
            && ngx_strncmp(mp[i]->name.data, value[1].data, value[1].len)
               == 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "mlclf_model \"%V\" is duplicate", &value[1]);
            return NGX_CONF_ERROR;
        }
    }

    if (ngx_http_mlclf_model_resolve(cf, &value[2], &file) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    /*
     * The master verifies every byte now, so that "nginx -t" and a
     * reload fail on a damaged file while the old workers keep serving;
     * errors name the file actually read.
     */

    rc = mlclf_model_open(&model, (const char *) file.data, &err);

    if (rc != MLCLF_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "mlclf_model \"%V\": %s",
                           &file, err.msg);
        return NGX_CONF_ERROR;
    }

    m = ngx_pcalloc(cf->pool, sizeof(ngx_http_mlclf_model_t));
    if (m == NULL) {
        goto failed;
    }

    m->name = value[1];
    m->path = file;
    m->n_features = mlclf_model_n_features(model);
    m->n_classes = mlclf_model_n_classes(model);
    m->registry_version = mlclf_model_version(model);
    m->size = mlclf_model_size(model);

    m->version.data = ngx_pnalloc(cf->pool, NGX_INT32_LEN + 2);
    if (m->version.data == NULL) {
        goto failed;
    }

    p = ngx_sprintf(m->version.data, "v%uD", m->registry_version);
    *p = '\0';
    m->version.len = p - m->version.data;

    m->algorithm.len = ngx_strlen(mlclf_model_kind_name(model));
    m->algorithm.data = ngx_pnalloc(cf->pool, m->algorithm.len + 1);
    if (m->algorithm.data == NULL) {
        goto failed;
    }

    ngx_memcpy(m->algorithm.data, mlclf_model_kind_name(model),
               m->algorithm.len + 1);

    if (ngx_http_mlclf_metrics_model(cf, m, model) != NGX_OK) {
        goto failed;
    }

    mlclf_model_close(&model);

    mp = ngx_array_push(&mmcf->models);
    if (mp == NULL) {
        return NGX_CONF_ERROR;
    }

    m->index = mmcf->models.nelts - 1;
    *mp = m;

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid model name \"%V\", expected [a-z0-9_-]{1,64}",
                       &value[1]);
    return NGX_CONF_ERROR;

failed:

    mlclf_model_close(&model);
    return NGX_CONF_ERROR;
}


/*
 * A registry model directory is followed through its "active" link, a
 * version directory to its model.mlclf.  The link is resolved once, here,
 * so that every worker of this configuration maps the same version even
 * if "active" is swapped meanwhile; a reload picks up the new one.
 */

static ngx_int_t
ngx_http_mlclf_model_resolve(ngx_conf_t *cf, ngx_str_t *arg, ngx_str_t *file)
{
    u_char           *p, *real;
    ngx_str_t         path, name;
    ngx_file_info_t   fi;

    path = *arg;

    if (ngx_conf_full_name(cf->cycle, &path, 1) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ngx_file_info(path.data, &fi) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "mlclf_model \"%V\": " ngx_file_info_n
                           " \"%s\" failed", arg, path.data);
        return NGX_ERROR;
    }

    name = path;

    if (ngx_is_dir(&fi)) {
        name.len = path.len + sizeof("/active/model.mlclf") - 1;
        name.data = ngx_pnalloc(cf->pool, name.len + 1);
        if (name.data == NULL) {
            return NGX_ERROR;
        }

        p = ngx_sprintf(name.data, "%V/active%Z", &path);

        if (ngx_link_info(name.data, &fi) == NGX_FILE_ERROR) {
            if (ngx_errno != NGX_ENOENT) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                                   "mlclf_model \"%V\": " ngx_link_info_n
                                   " \"%s\" failed", arg, name.data);
                return NGX_ERROR;
            }

            p = ngx_sprintf(name.data, "%V/model.mlclf%Z", &path);

        } else {
            p = ngx_sprintf(p - 1, "/model.mlclf%Z");
        }

        name.len = p - 1 - name.data;
    }

    real = ngx_realpath(name.data, NULL);

    if (real == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "mlclf_model \"%V\": " ngx_realpath_n
                           " \"%s\" failed", arg, name.data);
        return NGX_ERROR;
    }

    file->len = ngx_strlen(real);
    file->data = ngx_pnalloc(cf->pool, file->len + 1);

    if (file->data != NULL) {
        ngx_memcpy(file->data, real, file->len + 1);
    }

    ngx_free(real);

    return file->data ? NGX_OK : NGX_ERROR;
}


ngx_http_mlclf_model_t *
ngx_http_mlclf_model_find(ngx_http_mlclf_main_conf_t *mmcf, ngx_str_t *name)
{
    ngx_uint_t               i;
    ngx_http_mlclf_model_t **mp;

    if (mmcf == NULL) {
        return NULL;
    }

    mp = mmcf->models.elts;

    for (i = 0; i < mmcf->models.nelts; i++) {
        if (mp[i]->name.len == name->len
            && ngx_strncmp(mp[i]->name.data, name->data, name->len) == 0)
        {
            return mp[i];
        }
    }

    return NULL;
}


/*
 * Maps a model in this process on first use: from init_process in
 * workers, lazily after a reload in single-process mode (which runs no
 * init_process for the new cycle).  A failure is final for this worker.
 */

mlclf_model_t *
ngx_http_mlclf_model_get(ngx_http_mlclf_model_t *m, ngx_log_t *log)
{
    int          rc;
    mlclf_err_t  err;

    if (m->mapped) {
        return m->model;
    }

    m->mapped = 1;

    rc = mlclf_model_open(&m->model, (const char *) m->path.data, &err);

    if (rc != MLCLF_OK) {
        ngx_log_error(NGX_LOG_ALERT, log, 0, "mlclf_model \"%V\": %s",
                      &m->name, err.msg);
        return NULL;
    }

    if (mlclf_model_version(m->model) != m->registry_version
        || mlclf_model_size(m->model) != m->size
        || mlclf_model_n_features(m->model) != m->n_features
        || mlclf_model_n_classes(m->model) != m->n_classes)
    {
        ngx_log_error(NGX_LOG_ALERT, log, 0,
                      "mlclf_model \"%V\": \"%V\" changed since the "
                      "configuration was read", &m->name, &m->path);
        mlclf_model_close(&m->model);
        return NULL;
    }

    m->loaded_at = ngx_time();

    ngx_log_debug3(NGX_LOG_DEBUG_HTTP, log, 0,
                   "mlclf mapped \"%V\" %V from \"%V\"",
                   &m->name, &m->version, &m->path);

    return m->model;
}


static char *
ngx_http_mlclf_predict(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_mlclf_loc_conf_t *mlcf = conf;

    ngx_str_t                         *value;
    ngx_http_core_loc_conf_t          *clcf;
    ngx_http_compile_complex_value_t   ccv;

    if (mlcf->model_name != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    mlcf->model_name = ngx_palloc(cf->pool, sizeof(ngx_http_complex_value_t));
    if (mlcf->model_name == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));

    ccv.cf = cf;
    ccv.value = &value[1];
    ccv.complex_value = mlcf->model_name;

    if (ngx_http_compile_complex_value(&ccv) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    /* a static name declared above resolves now, others at merge time */

    if (mlcf->model_name->lengths == NULL) {
        mlcf->model = ngx_http_mlclf_model_find(
                          ngx_http_conf_get_module_main_conf(cf,
                                                      ngx_http_mlclf_module),
                          &value[1]);
    }

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_mlclf_predict_handler;

    return NGX_CONF_OK;
}


static char *
ngx_http_mlclf_health(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_mlclf_health_handler;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_mlclf_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_http_mlclf_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_mlclf_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
    uintptr_t data)
{
    u_char                    *p;
    const char                *s;
    ngx_http_mlclf_req_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_mlclf_module);

    if (ctx == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    s = NULL;
    p = NULL;

    switch (data) {

    case NGX_HTTP_MLCLF_VAR_MODEL:
        p = ctx->name.data;
        v->len = ctx->name.len;
        break;

    case NGX_HTTP_MLCLF_VAR_VERSION:
        if (ctx->model) {
            p = ctx->model->version.data;
            v->len = ctx->model->version.len;
        }
        break;

    case NGX_HTTP_MLCLF_VAR_PREDICTION:
        if (!ctx->predicted || ctx->model->model == NULL) {
            break;
        }

        /* the label lives in the mapping: copied under the guard */

        ngx_http_mlclf_guard.mmcf = ngx_http_get_module_main_conf(r,
                                                    ngx_http_mlclf_module);

        if (sigsetjmp(ngx_http_mlclf_guard.env, 0) != 0) {
            (void) ngx_http_mlclf_guard_fault(r->connection->log);
            v->not_found = 1;
            return NGX_OK;
        }

        ngx_http_mlclf_guard_on();

        s = mlclf_model_class_label(ctx->model->model, ctx->first_class);
        v->len = ngx_strlen(s);

        p = ngx_pnalloc(r->pool, v->len);
        if (p != NULL) {
            ngx_memcpy(p, s, v->len);
        }

        ngx_http_mlclf_guard_off();

        if (p == NULL) {
            return NGX_ERROR;
        }

        s = NULL;
        break;

    case NGX_HTTP_MLCLF_VAR_CONFIDENCE:
        if (ctx->predicted) {
            p = ngx_pnalloc(r->pool, 32);
            if (p == NULL) {
                return NGX_ERROR;
            }

            v->len = mlclf_format_double((char *) p, ctx->first_confidence);
        }
        break;

    case NGX_HTTP_MLCLF_VAR_ROWS:
        if (ctx->predicted) {
            p = ngx_pnalloc(r->pool, NGX_SIZE_T_LEN);
            if (p == NULL) {
                return NGX_ERROR;
            }

            v->len = ngx_sprintf(p, "%uz", ctx->n_rows) - p;
        }
        break;

    default: /* NGX_HTTP_MLCLF_VAR_REASON */
        s = ctx->reason;
        break;
    }

    if (s != NULL) {
        p = (u_char *) s;
        v->len = ngx_strlen(s);
    }

    if (p == NULL || v->len == 0) {
        v->not_found = 1;
        return NGX_OK;
    }

    v->data = p;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;

    return NGX_OK;
}


static void *
ngx_http_mlclf_create_main_conf(ngx_conf_t *cf)
{
    ngx_pool_cleanup_t          *cln;
    ngx_http_mlclf_main_conf_t  *mmcf;

    mmcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_mlclf_main_conf_t));
    if (mmcf == NULL) {
        return NULL;
    }

    if (ngx_array_init(&mmcf->models, cf->pool, 4,
                       sizeof(ngx_http_mlclf_model_t *))
        != NGX_OK)
    {
        return NULL;
    }

    /* single-process mode maps in this cycle and drops it on reload */

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    cln->handler = ngx_http_mlclf_cleanup;
    cln->data = mmcf;

    return mmcf;
}


static void *
ngx_http_mlclf_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_mlclf_loc_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_mlclf_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     conf->model = NULL;
     *     conf->model_name = NULL;
     */

    conf->max_rows = NGX_CONF_UNSET;
    conf->max_depth = NGX_CONF_UNSET;

    return conf;
}


static char *
ngx_http_mlclf_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_mlclf_loc_conf_t *prev = parent;
    ngx_http_mlclf_loc_conf_t *conf = child;

    ngx_http_mlclf_main_conf_t  *mmcf;

    ngx_conf_merge_value(conf->max_rows, prev->max_rows,
                         MLCLF_DEFAULT_MAX_ROWS);
    ngx_conf_merge_value(conf->max_depth, prev->max_depth,
                         MLCLF_DEFAULT_MAX_DEPTH);

    if (conf->model_name == NULL || conf->model_name->lengths != NULL
        || conf->model != NULL)
    {
        return NGX_CONF_OK;
    }

    mmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_mlclf_module);

    conf->model = ngx_http_mlclf_model_find(mmcf, &conf->model_name->value);

    if (conf->model == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "mlclf_predict \"%V\": no such mlclf_model",
                           &conf->model_name->value);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static void
ngx_http_mlclf_cleanup(void *data)
{
    ngx_http_mlclf_main_conf_t *mmcf = data;

    ngx_uint_t                i;
    ngx_http_mlclf_model_t  **mp;

    mp = mmcf->models.elts;

    for (i = 0; i < mmcf->models.nelts; i++) {
        mlclf_model_close(&mp[i]->model);
    }
}


/*
 * SIGBUS in a worker: a fault on a guarded read of one of the worker's
 * model mappings jumps back to the guard; anything else gets the default
 * action (nginx itself does not handle SIGBUS).  Async-signal-safe: it
 * reads the models array and jumps, nothing else.
 */

static void
ngx_http_mlclf_sigbus(int signo, siginfo_t *si, void *uc)
{
    u_char                      *a, *base;
    ngx_uint_t                   i;
    struct sigaction             sa;
    ngx_http_mlclf_model_t     **mp;
    ngx_http_mlclf_main_conf_t  *mmcf;

    (void) uc;

    mmcf = ngx_http_mlclf_guard.mmcf;

    if (ngx_http_mlclf_guard.armed && mmcf != NULL && si->si_code > 0) {
        a = si->si_addr;
        mp = mmcf->models.elts;

        for (i = 0; i < mmcf->models.nelts; i++) {
            if (mp[i]->model == NULL) {
                continue;
            }

            base = (u_char *) mlclf_model_base(mp[i]->model);

            if (a >= base && a < base + mlclf_model_size(mp[i]->model)) {
                ngx_http_mlclf_guard.armed = 0;
                ngx_http_mlclf_guard.fault = mp[i];
                siglongjmp(ngx_http_mlclf_guard.env, 1);
            }
        }
    }

    /* not ours: the default action, now (sent) or on the retried access */

    ngx_memzero(&sa, sizeof(struct sigaction));
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    (void) sigaction(signo, &sa, NULL);

    if (si->si_code <= 0) {
        (void) raise(signo);
    }
}


/*
 * After a guarded fault: the model that faulted is unmapped and stays
 * unavailable in this worker (503 model_unavailable, /health not ready)
 * until a reload maps a good file in new workers.
 */

ngx_http_mlclf_model_t *
ngx_http_mlclf_guard_fault(ngx_log_t *log)
{
    ngx_http_mlclf_model_t  *m;

    m = ngx_http_mlclf_guard.fault;
    ngx_http_mlclf_guard.fault = NULL;

    if (m == NULL) {
        return NULL;
    }

    ngx_log_error(NGX_LOG_ALERT, log, 0,
                  "mlclf_model \"%V\": \"%V\" was truncated under its "
                  "mapping (SIGBUS), the model is unavailable in this "
                  "worker until a reload", &m->name, &m->path);

    mlclf_model_close(&m->model);
    m->mapped = 1;

    return m;
}


static ngx_int_t
ngx_http_mlclf_init_process(ngx_cycle_t *cycle)
{
    ngx_uint_t                   i;
    struct sigaction             sa;
    ngx_http_mlclf_model_t     **mp;
    ngx_http_mlclf_main_conf_t  *mmcf;

    /* cache managers and loaders never answer requests */

    if (ngx_process == NGX_PROCESS_HELPER) {
        return NGX_OK;
    }

    mmcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_mlclf_module);
    if (mmcf == NULL) {
        return NGX_OK;
    }

    ngx_http_mlclf_metrics_init_process(cycle);

    /*
     * SA_NODEFER: the guard jumps out of the handler with sigsetjmp(, 0),
     * which restores no mask, so SIGBUS must not be blocked meanwhile.
     */

    ngx_memzero(&sa, sizeof(struct sigaction));
    sa.sa_sigaction = ngx_http_mlclf_sigbus;
    sa.sa_flags = SA_SIGINFO|SA_NODEFER;
    sigemptyset(&sa.sa_mask);

    if (sigaction(SIGBUS, &sa, NULL) == -1) {
        ngx_log_error(NGX_LOG_ALERT, cycle->log, ngx_errno,
                      "sigaction(SIGBUS) failed");
    }

    mp = mmcf->models.elts;

    for (i = 0; i < mmcf->models.nelts; i++) {
        (void) ngx_http_mlclf_model_get(mp[i], cycle->log);
    }

    return NGX_OK;
}


static void
ngx_http_mlclf_exit_process(ngx_cycle_t *cycle)
{
    ngx_http_mlclf_main_conf_t  *mmcf;

    mmcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_mlclf_module);
    if (mmcf == NULL) {
        return;
    }

    ngx_http_mlclf_cleanup(mmcf);
}
