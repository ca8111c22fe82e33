
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Every code the core counts as model damage (mlclf_err_is_damage),
 * through "mlclf-registry verify" and "promote": each damaged file is
 * built here from the forest of model_spec.h written by
 * mlclf_write_buffer, with one model_damage.h case per code (checksums
 * recomputed past them, as in test_model.c), and published by hand as
 * a version of its own with a meta.json whose model_sha256 is that of
 * the damaged bytes, so that the model check is what refuses it.  Both commands
 * must exit 4 and print the core's reason, and promote must leave
 * active alone.  The CLI comes from $MLCLF_BIN (default build/bin).
 */


#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include <mlclf.h>
#include <mlclf_format.h>
#include <mlclf_registry_store.h>
#include "files.h"
#include "model_damage.h"
#include "model_spec.h"
#include "reg.h"
#include "tap.h"


#define T_NAME  "dmg"

/* mlclf-registry --registry reg_root with the arguments; out, errout */
#define T_RUN(...)                                                           \
    reg_run(&out, &errout,                                                   \
            (const char *const []) { "--registry", reg_root, __VA_ARGS__,   \
                                     NULL })


/*
 * A good numbered version: a forest (every section of version 1 a
 * damage can hit), a gbt model (the sections version 2 added), or for
 * logreg the model with raw inputs (version 3); extra 1 adds what
 * explanations need (version 4), 2 the reference distributions
 * (version 5).
 */
static uint8_t *
t_good(mlclf_kind_e kind, int extra, uint32_t version, size_t *len)
{
    mlclf_spec_t  s;

    if (kind == MLCLF_KIND_GBT) {
        model_spec_gbt(&s);

    } else if (kind == MLCLF_KIND_LOGREG) {
        model_spec_inputs(&s, MLCLF_KIND_LOGREG);

    } else {
        model_spec_forest(&s);
    }

    if (extra == 1) {
        model_spec_explain(&s);
    }

    if (extra == 2) {
        model_spec_drift(&s);
    }

    s.version = version;
    s.metadata = "{\"name\":\"" T_NAME "\"}";

    return model_spec_write(&s, len);
}


/*
 * MLCLF_ETOOBIG has no case: only mlclf_model_open() with a size limit
 * returns it (NGINX's mlclf_max_model_size), and the registry reads a
 * version's whole file and checks it with mlclf_model_load(), which has
 * no limit.  t_coverage() checks that it still maps to exit 4.
 */
static const model_damage_t  t_cases[] = {
    { "last byte missing", MLCLF_ETRUNCATED, DMG_RAW,
      { DMG_LEN(ADD, -1) } },
    { "bad magic", MLCLF_EMAGIC, DMG_RAW, { DMG_FILE(0, SET, 'X') } },
    { "future format version", MLCLF_EVERSION, DMG_CRC,
      { DMG_HDR(format_version, SET, MLCLF_FORMAT_VERSION + 1) } },
    { "unknown header flag", MLCLF_EHEADER, DMG_CRC,
      { DMG_HDR(flags, SET, 1) } },
    { "flipped header CRC", MLCLF_EHEADERCRC, DMG_RAW,
      { DMG_HDR(header_crc32, XOR, 0x01) } },
    { "flipped last byte", MLCLF_EPAYLOADCRC, DMG_RAW,
      { DMG_FILE(-1, XOR, 0x01) } },
    { "unknown section flag", MLCLF_ESECTION, DMG_CRC,
      { DMG_ENTRY(NODE_LEFT, flags, SET, 1) } },
    { "section offset past EOF", MLCLF_EBOUNDS, DMG_CRC,
      { DMG_ENTRY(LEAF_VALUES, offset, PAST, 8) } },

    /* "x\0y\0" -> "x\0x\0" */
    { "duplicate feature name", MLCLF_ESTRINGS, DMG_CRC,
      { DMG_BYTE(FEATURE_NAMES, 2, SET, 'x') } },

    { "NaN threshold", MLCLF_ENONFINITE, DMG_CRC,
      { DMG_F64(NODE_THRESHOLD, 5, SET, NAN) } },
    { "feature index = n_features", MLCLF_EFEATURE, DMG_CRC,
      { DMG_U32(NODE_FEATURE, 0, SET, 2) } },
    { "child past the last node", MLCLF_ETREE, DMG_CRC,
      { DMG_U32(NODE_LEFT, 5, SET, 8) } },
    { "node 0 is its own left child", MLCLF_ETREECYCLE, DMG_CRC,
      { DMG_U32(NODE_LEFT, 0, SET, 0) } },
    { "unknown kind 77", MLCLF_EKIND, DMG_CRC,
      { DMG_HDR(model_kind, SET, 77) } },
    { "metadata is not a JSON object", MLCLF_EMETADATA, DMG_CRC,
      { DMG_BYTE(METADATA, 0, SET, '[') } },

    /* the first leaf row sums to 1.0033 */
    { "leaf row summing to more than 1", MLCLF_ELEAF, DMG_CRC,
      { DMG_F64(LEAF_VALUES, 0, ADD, 0.0033) } },
};

#define T_NCASES  (sizeof(t_cases) / sizeof(t_cases[0]))


/* On a gbt model: the codes of format version 2. */
static const model_damage_t  t_gbt_cases[] = {
    { "unknown link", MLCLF_ELINK, DMG_CRC,
      { DMG_U32(GBT_LINK, 0, SET, 9) } },
    { "unknown decision bit", MLCLF_EDECISION, DMG_CRC,
      { DMG_BYTE(NODE_DECISION, 0, SET, 0x40) } },
    { "tree adds to no output", MLCLF_EOUTPUT, DMG_CRC,
      { DMG_U32(TREE_CLASS, 1, SET, 7) } },
};

#define T_NGBT  (sizeof(t_gbt_cases) / sizeof(t_gbt_cases[0]))


/* On the model with raw inputs: the code of format version 3. */
static const model_damage_t  t_input_cases[] = {
    { "categories out of order", MLCLF_EINPUT, DMG_CRC,
      { DMG_BYTE(VALUE_BYTES, 0, SET, 'c') } },
};

#define T_NINPUT  (sizeof(t_input_cases) / sizeof(t_input_cases[0]))


/* On a gbt model with node covers: the code of format version 4. */
static const model_damage_t  t_cover_cases[] = {
    { "a negative cover", MLCLF_ECOVER, DMG_CRC,
      { DMG_F64(NODE_COVER, 1, SET, -1.0) } },
};

#define T_NCOVER  (sizeof(t_cover_cases) / sizeof(t_cover_cases[0]))


/* On the model with raw inputs and a reference: format version 5. */
static const model_damage_t  t_drift_cases[] = {
    { "shares summing to 1.25", MLCLF_EDRIFT, DMG_CRC,
      { DMG_F64(DRIFT_SHARES, 0, ADD, 0.25) } },
};

#define T_NDRIFT  (sizeof(t_drift_cases) / sizeof(t_drift_cases[0]))


/*
 * sha256 of a file, by coreutils' sha256sum: an implementation apart
 * from the one the registry checks with.  0 or -1.
 */
static int
t_sha256(const char *path, char *hex)
{
    int    rc;
    char   cmd[REG_PATH + 32];
    FILE  *f;

    (void) snprintf(cmd, sizeof(cmd), "sha256sum '%s'", path);

    f = popen(cmd, "r");
    if (f == NULL) {
        return -1;
    }

    rc = fscanf(f, "%64[0-9a-f]", hex) == 1 && strlen(hex) == 64 ? 0 : -1;

    return pclose(f) == 0 ? rc : -1;
}


/* Writes model bytes and a matching meta.json as version v.  0 or -1. */
static int
t_version_dir(uint32_t v, const uint8_t *model, size_t len)
{
    char  dir[REG_PATH], path[REG_PATH], hex[65], meta[512];

    reg_path(dir, "%s/" T_NAME "/versions/v%u", reg_root, v);

    if (mkdir(dir, 0755) == -1) {
        return -1;
    }

    reg_path(path, "%s/model.mlclf", dir);

    if (files_write(path, model, len) != 0 || t_sha256(path, hex) != 0) {
        return -1;
    }

    (void) snprintf(meta, sizeof(meta),
          "{\"name\":\"" T_NAME "\",\"version\":\"v%u\","
          "\"created_at\":\"2026-11-24T13:00:00Z\","
          "\"algorithm\":\"rf\",\"model_sha256\":\"%s\"}", v, hex);

    reg_path(path, "%s/meta.json", dir);

    return files_write(path, meta, strlen(meta));
}


/* The target of active, or "" if there is none. */
static void
t_active(char *buf, size_t size)
{
    char     path[REG_PATH];
    ssize_t  n;

    reg_path(path, "%s/" T_NAME "/active", reg_root);

    n = readlink(path, buf, size - 1);
    buf[n < 0 ? 0 : n] = '\0';
}


/* Damages a good v, publishes it, then verify and promote it. */
static void
t_case(mlclf_kind_e kind, int explain, const model_damage_t *c, uint32_t v)
{
    int           rc, i;
    char         *out, *errout, ver[16], active[256];
    char          want[REG_PATH + MLCLF_ERR_MSG_LEN + 128];
    size_t        len;
    uint8_t      *p;
    const char   *cmd;
    mlclf_err_t   err;

    p = t_good(kind, explain, v, &len);
    model_damage_apply(p, &len, c);

    /* the damage is what the reader says it is, and its message */
    memset(&err, 0, sizeof(err));
    rc = mlclf_model_verify(p, len, &err);

    is_int(rc, c->code, "%s: the core says %s", c->what,
           mlclf_strerror(c->code));

    if (rc != c->code) {
        free(p);
        return;
    }

    ok(t_version_dir(v, p, len) == 0, "%s: published as v%u", c->what, v);
    free(p);

    (void) snprintf(ver, sizeof(ver), "v%u", v);

    for (i = 0; i < 2; i++) {
        cmd = i ? "promote" : "verify";

        rc = T_RUN(cmd, T_NAME, ver);
        is_int(rc, MLCLF_REGISTRY_EXIT_INVALID, "%s: %s exits 4", c->what,
               cmd);
        (void) snprintf(want, sizeof(want), "mlclf-registry: %s: %s/" T_NAME
                        "/versions/%s/model.mlclf: %s\n", cmd, reg_root, ver,
                        err.msg);
        ok(strstr(errout, want) != NULL, "%s: %s gives the reason", c->what,
           cmd);
        tap_diag("  %.*s", (int) strcspn(errout, "\n"), errout);
        free(out);
        free(errout);
    }

    t_active(active, sizeof(active));
    is_str(active, "versions/v1", "%s: promote left active at v1", c->what);
}


/*
 * list of the damaged versions: cheaply (payload not read) none is
 * verified, those damaged in the header or size are invalid; fully
 * (--verify) each is invalid, with the reason verify gives, and only
 * the good v1 verified.
 */
static void
t_list(void)
{
    int           rc, n, bad, k;
    char         *out, *errout;
    cJSON        *j, *e;
    const char   *st, *why;

    rc = T_RUN("--json", "list", T_NAME);
    is_int(rc, MLCLF_REGISTRY_EXIT_OK, "list exits 0");
    j = cJSON_Parse(out);
    n = cJSON_GetArraySize(cJSON_GetObjectItem(j, "versions"));
    is_int(n, T_NCASES + T_NGBT + T_NINPUT + T_NCOVER + T_NDRIFT + 1,
           "every version listed");
    bad = 0;
    k = 0;

    cJSON_ArrayForEach(e, cJSON_GetObjectItem(j, "versions")) {
        st = cJSON_GetStringValue(cJSON_GetObjectItem(e, "status"));
        bad += st == NULL || strcmp(st, "verified") == 0;
        k += st != NULL && strcmp(st, "invalid") == 0;
    }

    is_int(bad, 0, "cheaply, no version is verified");
    ok(k >= 3, "%d damaged in the header or size: invalid cheaply", k);
    cJSON_Delete(j);
    free(out);
    free(errout);

    rc = T_RUN("--json", "--verify", "list", T_NAME);
    is_int(rc, MLCLF_REGISTRY_EXIT_OK, "list --verify exits 0");
    j = cJSON_Parse(out);
    bad = 0;

    cJSON_ArrayForEach(e, cJSON_GetObjectItem(j, "versions")) {
        st = cJSON_GetStringValue(cJSON_GetObjectItem(e, "status"));
        why = cJSON_GetStringValue(cJSON_GetObjectItem(e, "reason"));

        if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(e, "version")),
                   "v1") == 0)
        {
            bad += st == NULL || strcmp(st, "verified") != 0;

        } else if (st == NULL || strcmp(st, "invalid") != 0 || why == NULL
                   || strstr(why, "/model.mlclf: ") == NULL)
        {
            tap_diag("%s: %s", st ? st : "?", why ? why : "?");
            bad++;
        }
    }

    is_int(bad, 0, "--verify: v1 verified, every damaged one invalid, "
           "with the reason");
    cJSON_Delete(j);
    free(out);
    free(errout);
}


/* Every damage code of the core has a case above, or a reason not to. */
static void
t_coverage(void)
{
    int     code, found;
    size_t  i;

    for (code = MLCLF_OK; code >= MLCLF_ELAST; code--) {
        if (!mlclf_err_is_damage(code)) {
            ok(mlclf_registry_exit_code(code) != MLCLF_REGISTRY_EXIT_INVALID,
               "%s (%d) is not damage, not exit 4", mlclf_strerror(code),
               code);
            continue;
        }

        is_int(mlclf_registry_exit_code(code), MLCLF_REGISTRY_EXIT_INVALID,
               "%s (%d) is damage: exit 4", mlclf_strerror(code), code);

        found = code == MLCLF_ETOOBIG;

        for (i = 0; i < T_NCASES; i++) {
            found |= t_cases[i].code == code;
        }

        for (i = 0; i < T_NGBT; i++) {
            found |= t_gbt_cases[i].code == code;
        }

        for (i = 0; i < T_NINPUT; i++) {
            found |= t_input_cases[i].code == code;
        }

        for (i = 0; i < T_NCOVER; i++) {
            found |= t_cover_cases[i].code == code;
        }

        for (i = 0; i < T_NDRIFT; i++) {
            found |= t_drift_cases[i].code == code;
        }

        ok(found, "%s (%d) has a case through the CLI",
           mlclf_strerror(code), code);
    }
}


int
main(void)
{
    int       rc;
    char     *s, *out, *errout, path[REG_PATH], active[256];
    size_t    i, len;
    uint8_t  *p;

    reg_setup("test_registry_damage", "reg");
    reg_path(path, "%s/" T_NAME, reg_root);

    if (mkdir(reg_root, 0755) == -1 || mkdir(path, 0755) == -1) {
        printf("Bail out! mkdir %s: %s\n", path, strerror(errno));
        return 1;
    }

    reg_path(path, "%s/" T_NAME "/versions", reg_root);

    if (mkdir(path, 0755) == -1) {
        printf("Bail out! mkdir %s: %s\n", path, strerror(errno));
        return 1;
    }

    t_coverage();

    /* a good v1, made active by the CLI */
    p = t_good(MLCLF_KIND_FOREST, 0, 1, &len);
    ok(t_version_dir(1, p, len) == 0, "good v1 published");
    free(p);

    rc = T_RUN("promote", T_NAME, "v1");
    is_int(rc, MLCLF_REGISTRY_EXIT_OK, "good v1 promoted");
    free(out);
    free(errout);

    t_active(active, sizeof(active));
    is_str(active, "versions/v1", "v1 is active");

    for (i = 0; i < T_NCASES; i++) {
        t_case(MLCLF_KIND_FOREST, 0, &t_cases[i], (uint32_t) i + 2);
    }

    for (i = 0; i < T_NGBT; i++) {
        t_case(MLCLF_KIND_GBT, 0, &t_gbt_cases[i],
               (uint32_t) (T_NCASES + i) + 2);
    }

    for (i = 0; i < T_NINPUT; i++) {
        t_case(MLCLF_KIND_LOGREG, 0, &t_input_cases[i],
               (uint32_t) (T_NCASES + T_NGBT + i) + 2);
    }

    for (i = 0; i < T_NCOVER; i++) {
        t_case(MLCLF_KIND_GBT, 1, &t_cover_cases[i],
               (uint32_t) (T_NCASES + T_NGBT + T_NINPUT + i) + 2);
    }

    for (i = 0; i < T_NDRIFT; i++) {
        t_case(MLCLF_KIND_LOGREG, 2, &t_drift_cases[i],
               (uint32_t) (T_NCASES + T_NGBT + T_NINPUT + T_NCOVER + i)
               + 2);
    }

    /* the whole model: one line per damaged version, exit 4 */
    rc = T_RUN("verify", T_NAME);
    is_int(rc, MLCLF_REGISTRY_EXIT_INVALID, "verify of every version");

    i = 0;

    for (s = strstr(errout, "mlclf-registry: verify: ");
         s != NULL;
         s = strstr(s + 1, "mlclf-registry: verify: "))
    {
        i++;
    }

    is_int(i, T_NCASES + T_NGBT + T_NINPUT + T_NCOVER + T_NDRIFT,
           "one reason per damaged version");
    free(out);
    free(errout);

    t_list();

    reg_done(tap_failed != 0);

    return tap_done();
}
