
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Directives, configuration, the models the master reads and seals, and
 * the $mlclf_* variables of ngx_http_mlclf_module.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <mlclf.h>
#include <mlclf_input.h>
#include "ngx_http_mlclf_module.h"
#include "ngx_http_mlclf_metrics.h"
#include "ngx_http_mlclf_shadow.h"
#include "ngx_http_mlclf_drift.h"


#define NGX_HTTP_MLCLF_VAR_MODEL       0
#define NGX_HTTP_MLCLF_VAR_VERSION     1
#define NGX_HTTP_MLCLF_VAR_PREDICTION  2
#define NGX_HTTP_MLCLF_VAR_CONFIDENCE  3
#define NGX_HTTP_MLCLF_VAR_ROWS        4
#define NGX_HTTP_MLCLF_VAR_REASON      5


static char *ngx_http_mlclf_model(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static ngx_int_t ngx_http_mlclf_model_resolve(ngx_conf_t *cf,
    ngx_str_t *arg, ngx_str_t *file, ngx_uint_t *version);
static ngx_int_t ngx_http_mlclf_model_active(ngx_conf_t *cf, ngx_str_t *arg,
    ngx_str_t *path, ngx_str_t *dir);
static ngx_uint_t ngx_http_mlclf_version_dir(u_char *path, size_t len);
static ngx_int_t ngx_http_mlclf_model_load(ngx_conf_t *cf,
    ngx_http_mlclf_main_conf_t *mmcf, ngx_http_mlclf_model_t *m,
    ngx_uint_t version);
static char *ngx_http_mlclf_max_model_size(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_mlclf_predict(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_mlclf_health(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_mlclf_kserve(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static ngx_int_t ngx_http_mlclf_add_variables(ngx_conf_t *cf);
static ngx_int_t ngx_http_mlclf_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static void *ngx_http_mlclf_create_main_conf(ngx_conf_t *cf);
static void *ngx_http_mlclf_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_mlclf_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static void ngx_http_mlclf_cleanup(void *data);
static ngx_int_t ngx_http_mlclf_init_process(ngx_cycle_t *cycle);


static ngx_conf_num_bounds_t  ngx_http_mlclf_max_rows_bounds = {
    ngx_conf_check_num_bounds, 1, -1
};

static ngx_conf_num_bounds_t  ngx_http_mlclf_max_depth_bounds = {
    ngx_conf_check_num_bounds, 1, 1000
};

static ngx_conf_num_bounds_t  ngx_http_mlclf_max_text_bounds = {
    ngx_conf_check_num_bounds, 1, 64 * 1024 * 1024
};


static ngx_command_t  ngx_http_mlclf_commands[] = {

    { ngx_string("mlclf_model"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE2,
      ngx_http_mlclf_model,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("mlclf_max_model_size"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_mlclf_max_model_size,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("mlclf_predict"),
      NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_mlclf_predict,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("mlclf_shadow"),
      NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_mlclf_shadow,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("mlclf_health"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_mlclf_health,
      0,
      0,
      NULL },

    { ngx_string("mlclf_v2"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_mlclf_kserve,
      0,
      0,
      (void *) ngx_http_mlclf_v2_handler },

    { ngx_string("mlclf_v1"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_mlclf_kserve,
      0,
      0,
      (void *) ngx_http_mlclf_v1_handler },

    { ngx_string("mlclf_zone"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE12,
      ngx_http_mlclf_zone,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("mlclf_drift_window"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_mlclf_drift_window,
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

    { ngx_string("mlclf_max_explain_rows"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mlclf_loc_conf_t, max_explain_rows),
      &ngx_http_mlclf_max_rows_bounds },

    { ngx_string("mlclf_max_depth"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mlclf_loc_conf_t, max_depth),
      &ngx_http_mlclf_max_depth_bounds },

    { ngx_string("mlclf_max_text"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mlclf_loc_conf_t, max_text),
      &ngx_http_mlclf_max_text_bounds },

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
    NULL,                                  /* exit process */
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

    ngx_str_t               *value;
    ngx_uint_t               i, version;
    ngx_http_mlclf_model_t  *m, **mp;

    value = cf->args->elts;

    if (mlclf_model_name_check((char *) value[1].data, value[1].len)
        != MLCLF_OK)
    {
        goto invalid;
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

    m = ngx_pcalloc(cf->pool, sizeof(ngx_http_mlclf_model_t));
    if (m == NULL) {
        return NGX_CONF_ERROR;
    }

    m->name = value[1];

    if (ngx_http_mlclf_model_resolve(cf, &value[2], &m->path, &version)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_mlclf_model_load(cf, mmcf, m, version) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    mp = ngx_array_push(&mmcf->models);
    if (mp == NULL) {
        mlclf_model_close(&m->model);
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
}


/*
 * The master reads the file once, here, into sealed read-only memory and
 * verifies every byte of that copy (mlclf_model_open): the workers fork
 * with the mapping and open no file, so what they serve is exactly what
 * was verified, whatever happens to the file afterwards, and "nginx -t"
 * or a reload fails on a damaged file while the old workers keep
 * serving.  The model is closed with the configuration's pool.
 */

static ngx_int_t
ngx_http_mlclf_model_load(ngx_conf_t *cf, ngx_http_mlclf_main_conf_t *mmcf,
    ngx_http_mlclf_model_t *m, ngx_uint_t version)
{
    int          rc;
    u_char      *p;
    size_t       max;
    mlclf_err_t  err;

    max = (mmcf->max_model_size == NGX_CONF_UNSET_SIZE)
          ? NGX_HTTP_MLCLF_MAX_MODEL_SIZE : mmcf->max_model_size;

    rc = mlclf_model_open(&m->model, (const char *) m->path.data, max, &err);

    if (rc != MLCLF_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "mlclf_model \"%V\": %s%s",
                           &m->path, err.msg,
                           rc == MLCLF_ETOOBIG ? " (mlclf_max_model_size)"
                                               : "");
        return NGX_ERROR;
    }

    m->registry_version = mlclf_model_version(m->model);

    if (version != 0 && version != m->registry_version) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "mlclf_model \"%V\": \"%V\" says version v%uD, "
                           "but lies in version directory v%ui",
                           &m->name, &m->path, m->registry_version, version);
        goto failed;
    }

    /* what a request row holds: a model with raw inputs has fewer */
    m->n_features = mlclf_model_n_inputs(m->model);
    m->n_classes = mlclf_model_n_classes(m->model);
    m->size = mlclf_model_size(m->model);
    m->loaded_at = ngx_time();

    m->version.data = ngx_pnalloc(cf->pool, NGX_INT32_LEN + 2);
    if (m->version.data == NULL) {
        goto failed;
    }

    p = ngx_sprintf(m->version.data, "v%uD", m->registry_version);
    *p = '\0';
    m->version.len = p - m->version.data;

    m->algorithm.len = ngx_strlen(mlclf_model_kind_name(m->model));
    m->algorithm.data = ngx_pnalloc(cf->pool, m->algorithm.len + 1);
    if (m->algorithm.data == NULL) {
        goto failed;
    }

    ngx_memcpy(m->algorithm.data, mlclf_model_kind_name(m->model),
               m->algorithm.len + 1);

    if (ngx_http_mlclf_metrics_model(cf, m, m->model) != NGX_OK) {
        goto failed;
    }

    return NGX_OK;

failed:

    mlclf_model_close(&m->model);
    return NGX_ERROR;
}


/*
 * A registry model directory is followed through its "active" link, a
 * version directory to its model.mlclf.  The link is resolved once, here,
 * and must name "versions/v<N>" of the same model directory; a file in a
 * "versions/v<N>" directory must say version N (*version, 0 elsewhere).
 */

static ngx_int_t
ngx_http_mlclf_model_resolve(ngx_conf_t *cf, ngx_str_t *arg, ngx_str_t *file,
    ngx_uint_t *version)
{
    u_char           *p, *real;
    ngx_str_t         path, name, dir;
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
        if (ngx_http_mlclf_model_active(cf, arg, &path, &dir) != NGX_OK) {
            return NGX_ERROR;
        }

        name.len = dir.len + sizeof("/model.mlclf") - 1;
        name.data = ngx_pnalloc(cf->pool, name.len + 1);
        if (name.data == NULL) {
            return NGX_ERROR;
        }

        ngx_sprintf(name.data, "%V/model.mlclf%Z", &dir);
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

    if (file->data == NULL) {
        return NGX_ERROR;
    }

    /* the directory that holds the file */

    p = file->data + file->len;

    while (p > file->data && p[-1] != '/') {
        p--;
    }

    *version = (p > file->data)
               ? ngx_http_mlclf_version_dir(file->data, p - 1 - file->data)
               : 0;

    return NGX_OK;
}


/*
 * *dir: the real path of "<path>/active" if there is one, which must be
 * "<real path>/versions/v<N>"; else the real path of <path> itself.
 */

static ngx_int_t
ngx_http_mlclf_model_active(ngx_conf_t *cf, ngx_str_t *arg, ngx_str_t *path,
    ngx_str_t *dir)
{
    u_char           *link, *real, *top;
    size_t            len;
    ngx_int_t         rc;
    ngx_file_info_t   fi;

    link = ngx_pnalloc(cf->pool, path->len + sizeof("/active"));
    if (link == NULL) {
        return NGX_ERROR;
    }

    ngx_sprintf(link, "%V/active%Z", path);

    top = ngx_realpath(path->data, NULL);

    if (top == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "mlclf_model \"%V\": " ngx_realpath_n
                           " \"%V\" failed", arg, path);
        return NGX_ERROR;
    }

    if (ngx_link_info(link, &fi) == NGX_FILE_ERROR) {
        if (ngx_errno != NGX_ENOENT) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                               "mlclf_model \"%V\": " ngx_link_info_n
                               " \"%s\" failed", arg, link);
            ngx_free(top);
            return NGX_ERROR;
        }

        /* a version directory given directly */

        real = top;
        top = NULL;

    } else {
        real = ngx_realpath(link, NULL);

        if (real == NULL) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                               "mlclf_model \"%V\": " ngx_realpath_n
                               " \"%s\" failed", arg, link);
            ngx_free(top);
            return NGX_ERROR;
        }
    }

    rc = NGX_OK;

    if (top != NULL) {
        len = ngx_strlen(top);

        if (ngx_strncmp(real, top, len) != 0
            || ngx_strncmp(real + len, "/versions/", 10) != 0
            || ngx_strchr(real + len + 10, '/') != NULL
            || ngx_http_mlclf_version_dir(real, ngx_strlen(real)) == 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "mlclf_model \"%V\": \"%s\" resolves to "
                               "\"%s\", not to a version \"v<N>\" in "
                               "\"%s/versions\"", arg, link, real, top);
            rc = NGX_ERROR;
        }

        ngx_free(top);
    }

    dir->len = ngx_strlen(real);
    dir->data = ngx_pnalloc(cf->pool, dir->len + 1);

    if (dir->data == NULL) {
        rc = NGX_ERROR;

    } else {
        ngx_memcpy(dir->data, real, dir->len + 1);
    }

    ngx_free(real);

    return rc;
}


/*
 * N if the directory path[0, len) is ".../versions/v<N>", N a decimal
 * without leading zeros in 1..2^32-1 as the registry names versions;
 * else 0.
 */

static ngx_uint_t
ngx_http_mlclf_version_dir(u_char *path, size_t len)
{
    u_char      *p, *v, *last;
    uint64_t     n;

    last = path + len;
    v = last;

    while (v > path && v[-1] != '/') {
        v--;
    }

    if (last - v < 2 || last - v > 11 || v[0] != 'v' || v[1] < '1'
        || v[1] > '9')
    {
        return 0;
    }

    n = 0;

    for (p = v + 1; p < last; p++) {
        if (*p < '0' || *p > '9') {
            return 0;
        }

        n = n * 10 + (*p - '0');
    }

    if (n > 0xffffffff
        || v - path < (ssize_t) sizeof("/versions/") - 1
        || ngx_strncmp(v - (sizeof("/versions/") - 1), "/versions/",
                       sizeof("/versions/") - 1)
           != 0)
    {
        return 0;
    }

    return (ngx_uint_t) n;
}


static char *
ngx_http_mlclf_max_model_size(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_mlclf_main_conf_t *mmcf = conf;

    ssize_t     size;
    ngx_str_t  *value;

    if (mmcf->max_model_size != NGX_CONF_UNSET_SIZE) {
        return "is duplicate";
    }

    /* each mlclf_model reads its file at once, with the limit in force */

    if (mmcf->models.nelts != 0) {
        return "must precede the first \"mlclf_model\"";
    }

    value = cf->args->elts;

    size = ngx_parse_size(&value[1]);

    if (size == NGX_ERROR || size == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid mlclf_max_model_size \"%V\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    mmcf->max_model_size = (size_t) size;

    return NGX_CONF_OK;
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


/* mlclf_v2, mlclf_v1: the handler of the protocol is cmd->post */

static char *
ngx_http_mlclf_kserve(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = (ngx_http_handler_pt) cmd->post;

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
        if (!ctx->predicted) {
            break;
        }

        s = mlclf_model_class_label(ctx->model->model, ctx->first_class);
        break;

    case NGX_HTTP_MLCLF_VAR_CONFIDENCE:
        if (ctx->predicted) {
            p = ngx_pnalloc(r->pool, 32);
            if (p == NULL) {
                return NGX_ERROR;
            }

            v->len = mlclf_double_format((char *) p, ctx->first_confidence);
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
        if (ctx->reason != MLCLF_REASON_NONE) {
            s = mlclf_reason_name(ctx->reason);
        }

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

    mmcf->max_model_size = NGX_CONF_UNSET_SIZE;
    mmcf->drift_window = NGX_CONF_UNSET;

    /* the models read for this configuration go with it */

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
     *     conf->shadow = NULL;
     *     conf->shadow_name = NULL;
     */

    conf->max_rows = NGX_CONF_UNSET;
    conf->max_explain_rows = NGX_CONF_UNSET;
    conf->max_depth = NGX_CONF_UNSET;
    conf->max_text = NGX_CONF_UNSET_SIZE;

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
    ngx_conf_merge_value(conf->max_explain_rows, prev->max_explain_rows,
                         MLCLF_DEFAULT_MAX_EXPLAIN_ROWS);
    ngx_conf_merge_value(conf->max_depth, prev->max_depth,
                         MLCLF_DEFAULT_MAX_DEPTH);
    ngx_conf_merge_size_value(conf->max_text, prev->max_text,
                              MLCLF_DEFAULT_MAX_TEXT);

    if (conf->model_name == NULL || conf->model_name->lengths != NULL
        || conf->model != NULL)
    {
        return ngx_http_mlclf_shadow_merge(cf, conf);
    }

    mmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_mlclf_module);

    conf->model = ngx_http_mlclf_model_find(mmcf, &conf->model_name->value);

    if (conf->model == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "mlclf_predict \"%V\": no such mlclf_model",
                           &conf->model_name->value);
        return NGX_CONF_ERROR;
    }

    return ngx_http_mlclf_shadow_merge(cf, conf);
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


static ngx_int_t
ngx_http_mlclf_init_process(ngx_cycle_t *cycle)
{
    /* cache managers and loaders never answer requests */

    if (ngx_process == NGX_PROCESS_HELPER) {
        return NGX_OK;
    }

    if (ngx_http_cycle_get_module_main_conf(cycle, ngx_http_mlclf_module)
        == NULL)
    {
        return NGX_OK;
    }

    ngx_http_mlclf_metrics_init_process(cycle);

    return NGX_OK;
}
