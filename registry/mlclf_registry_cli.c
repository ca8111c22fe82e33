
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * How mlclf-registry speaks (mlclf_registry_cli.h): errors on stderr
 * with the exit code they stand for, JSON in the CLIs' one style, text
 * as aligned key: value lines.
 */


#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include <mlclf.h>
#include <mlclf_jsonout.h>
#include "mlclf_registry_cli.h"


int
mlclf_registry_fail(const char *ctx, int code, const char *fmt, ...)
{
    va_list  ap;

    fflush(stdout);
    fprintf(stderr, "mlclf-registry: %s: ", ctx);

    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);

    fprintf(stderr, "\n");

    return code;
}


int
mlclf_registry_err(const char *ctx, int rc, const mlclf_err_t *err)
{
    return mlclf_registry_fail(ctx, mlclf_registry_exit_code(rc), "%s",
                               err->msg);
}


int
mlclf_registry_version(mlclf_registry_opts_t *o, size_t i, uint32_t *v)
{
    if (!mlclf_registry_version_arg(o->args[i], v)) {
        return mlclf_registry_fail(o->cmd, MLCLF_REGISTRY_EXIT_USAGE,
                                   "invalid version \"%.64s\": expected "
                                   "v<N> or <N>, N >= 1", o->args[i]);
    }

    return MLCLF_REGISTRY_EXIT_OK;
}


int
mlclf_registry_print_json(cJSON *j)
{
    int  rc;

    if (j == NULL) {
        return mlclf_registry_fail("json", MLCLF_REGISTRY_EXIT_INTERNAL,
                                   "out of memory");
    }

    rc = mlclf_jsonout_print(stdout, j);
    cJSON_Delete(j);

    if (rc != 0) {
        return mlclf_registry_fail("json", MLCLF_REGISTRY_EXIT_INTERNAL,
                                   "out of memory");
    }

    return MLCLF_REGISTRY_EXIT_OK;
}


void
mlclf_registry_kv(const char *key, const char *fmt, ...)
{
    int      pad;
    va_list  ap;

    pad = 16 - (int) strlen(key);

    printf("%s:%*s", key, pad > 1 ? pad : 1, "");

    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);

    printf("\n");
}


cJSON *
mlclf_registry_json_version(uint32_t v)
{
    char  buf[16];

    if (v == 0) {
        return cJSON_CreateNull();
    }

    mlclf_registry_vstr(buf, sizeof(buf), v);

    return cJSON_CreateString(buf);
}


void
mlclf_registry_json_number(cJSON *obj, const char *key, double d)
{
    if (isnan(d)) {
        cJSON_AddNullToObject(obj, key);

    } else {
        cJSON_AddNumberToObject(obj, key, d);
    }
}


void
mlclf_registry_json_string(cJSON *obj, const char *key, const char *s)
{
    if (s == NULL || s[0] == '\0') {
        cJSON_AddNullToObject(obj, key);

    } else {
        cJSON_AddStringToObject(obj, key, s);
    }
}
