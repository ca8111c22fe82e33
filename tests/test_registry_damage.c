
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Every code the core counts as model damage (mlclf_err_is_damage),
 * through "mlclf-registry verify" and "promote": each damaged file is
 * built here from a good one written by mlclf_write_buffer (checksums
 * recomputed, as in test_model.c), published by hand as a version of
 * its own with a meta.json whose model_sha256 is that of the damaged
 * bytes, so that the model check is what refuses it.  Both commands
 * must exit 4 and print the core's reason, and promote must leave
 * active alone.  The CLI comes from $MLCLF_BIN (default build/bin).
 */


#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <mlclf.h>
#include <mlclf_format.h>
#include <mlclf_registry_store.h>
#include "model_bytes.h"
#include "tap.h"


#define T_PATH  4096
#define T_NAME  "dmg"


typedef void (*t_damage_pt)(uint8_t *p, size_t *len);

typedef struct {
    int                       code;
    const char               *what;
    t_damage_pt               damage;
} t_case_t;


static char  t_tmp[T_PATH];
static char  t_root[T_PATH];
static char  t_bin[T_PATH];


static void t_fmt(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));


static const char *const  t_features[] = { "x", "y" };
static const char *const  t_classes[] = { "a", "b", "c" };

static const uint32_t  t_offsets[] = { 0, 3, 8 };
static const int32_t   t_feature[] = { 0, -1, -1, 1, -1, 0, -1, -1 };
static const double    t_threshold[] = { 0.5, 0, 0, -1.25, 0, 2.0, 0, 0 };
static const uint32_t  t_left[] = { 1, 0, 1, 4, 2, 6, 3, 4 };
static const uint32_t  t_right[] = { 2, 0, 0, 5, 0, 7, 0, 0 };
static const double    t_leaves[] = {
    1.0, 0.0, 0.0,
    0.0, 0.75, 0.25,
    0.5, 0.5, 0.0,
    0.0, 0.0, 1.0,
    0.2, 0.3, 0.5
};


/* A good forest numbered version: every section a damage can hit. */
static uint8_t *
t_good(uint32_t version, size_t *len)
{
    void          *buf;
    uint8_t       *p;
    mlclf_err_t    err;
    mlclf_spec_t   s;

    memset(&s, 0, sizeof(s));
    s.kind = MLCLF_KIND_FOREST;
    s.n_features = 2;
    s.n_classes = 3;
    s.version = version;
    s.feature_names = t_features;
    s.class_labels = t_classes;
    s.metadata = "{\"name\":\"" T_NAME "\"}";
    s.n_trees = 2;
    s.n_nodes = 8;
    s.n_leaves = 5;
    s.tree_offsets = t_offsets;
    s.node_feature = t_feature;
    s.node_threshold = t_threshold;
    s.node_left = t_left;
    s.node_right = t_right;
    s.leaf_values = t_leaves;

    if (mlclf_write_buffer(&s, &buf, len, &err) != MLCLF_OK) {
        printf("Bail out! cannot write a good model: %s\n", err.msg);
        exit(1);
    }

    /* room for damage that makes the file longer */
    p = calloc(1, *len + 64);
    memcpy(p, buf, *len);
    free(buf);

    return p;
}


/* One damage per code; past the checksums, they are recomputed. */

static void
t_truncated(uint8_t *p, size_t *len)
{
    (void) p;
    *len -= 1;
}


static void
t_magic(uint8_t *p, size_t *len)
{
    (void) len;
    p[0] = 'X';
}


static void
t_version(uint8_t *p, size_t *len)
{
    hdr(p)->format_version = MLCLF_FORMAT_VERSION + 1;
    fix_crc(p, *len);
}


static void
t_header(uint8_t *p, size_t *len)
{
    hdr(p)->flags = 1;
    fix_crc(p, *len);
}


static void
t_header_crc(uint8_t *p, size_t *len)
{
    (void) len;
    p[offsetof(mlclf_file_header_t, header_crc32)] ^= 0x01;
}


static void
t_payload_crc(uint8_t *p, size_t *len)
{
    p[*len - 1] ^= 0x01;
}


static void
t_section(uint8_t *p, size_t *len)
{
    sec(p, MLCLF_SECTION_NODE_LEFT)->flags = 1;
    fix_crc(p, *len);
}


static void
t_bounds(uint8_t *p, size_t *len)
{
    sec(p, MLCLF_SECTION_LEAF_VALUES)->offset = *len + 8;
    fix_crc(p, *len);
}


static void
t_strings(uint8_t *p, size_t *len)
{
    char  *names;

    /* "x\0y\0" -> "x\0x\0" */
    names = data(p, MLCLF_SECTION_FEATURE_NAMES);
    names[2] = 'x';
    fix_crc(p, *len);
}


static void
t_nonfinite(uint8_t *p, size_t *len)
{
    ((double *) data(p, MLCLF_SECTION_NODE_THRESHOLD))[5] = NAN;
    fix_crc(p, *len);
}


static void
t_feature_index(uint8_t *p, size_t *len)
{
    ((int32_t *) data(p, MLCLF_SECTION_NODE_FEATURE))[0] = 2;
    fix_crc(p, *len);
}


static void
t_tree(uint8_t *p, size_t *len)
{
    ((uint32_t *) data(p, MLCLF_SECTION_NODE_LEFT))[5] = 8;
    fix_crc(p, *len);
}


static void
t_tree_cycle(uint8_t *p, size_t *len)
{
    ((uint32_t *) data(p, MLCLF_SECTION_NODE_LEFT))[0] = 0;
    fix_crc(p, *len);
}


static void
t_kind(uint8_t *p, size_t *len)
{
    hdr(p)->model_kind = 77;
    fix_crc(p, *len);
}


static void
t_metadata(uint8_t *p, size_t *len)
{
    ((char *) data(p, MLCLF_SECTION_METADATA))[0] = '[';
    fix_crc(p, *len);
}


static void
t_leaf(uint8_t *p, size_t *len)
{
    /* the first leaf row sums to 1.0033 */
    ((double *) data(p, MLCLF_SECTION_LEAF_VALUES))[0] += 0.0033;
    fix_crc(p, *len);
}


/*
 * MLCLF_ETOOBIG has no case: only mlclf_model_open() with a size limit
 * returns it (NGINX's mlclf_max_model_size), and the registry reads a
 * version's whole file and checks it with mlclf_model_load(), which has
 * no limit.  t_coverage() checks that it still maps to exit 4.
 */
static const t_case_t  t_cases[] = {
    { MLCLF_ETRUNCATED, "last byte missing", t_truncated },
    { MLCLF_EMAGIC, "bad magic", t_magic },
    { MLCLF_EVERSION, "future format version", t_version },
    { MLCLF_EHEADER, "unknown header flag", t_header },
    { MLCLF_EHEADERCRC, "flipped header CRC", t_header_crc },
    { MLCLF_EPAYLOADCRC, "flipped last byte", t_payload_crc },
    { MLCLF_ESECTION, "unknown section flag", t_section },
    { MLCLF_EBOUNDS, "section offset past EOF", t_bounds },
    { MLCLF_ESTRINGS, "duplicate feature name", t_strings },
    { MLCLF_ENONFINITE, "NaN threshold", t_nonfinite },
    { MLCLF_EFEATURE, "feature index = n_features", t_feature_index },
    { MLCLF_ETREE, "child past the last node", t_tree },
    { MLCLF_ETREECYCLE, "node 0 is its own left child", t_tree_cycle },
    { MLCLF_EKIND, "unknown kind 77", t_kind },
    { MLCLF_EMETADATA, "metadata is not a JSON object", t_metadata },
    { MLCLF_ELEAF, "leaf row summing to more than 1", t_leaf }
};

#define T_NCASES  (sizeof(t_cases) / sizeof(t_cases[0]))


/* snprintf() for paths and messages, whose length the test knows */
static void
t_fmt(char *buf, size_t size, const char *fmt, ...)
{
    va_list  ap;

    va_start(ap, fmt);
    (void) vsnprintf(buf, size, fmt, ap);
    va_end(ap);
}


static int
t_write(const char *path, const void *data, size_t len)
{
    int      fd;
    ssize_t  n;

    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd == -1) {
        return -1;
    }

    n = write(fd, data, len);

    if (close(fd) == -1 || n != (ssize_t) len) {
        return -1;
    }

    return 0;
}


/* The whole file, NUL-terminated, malloc()ed; "" if it cannot be read. */
static char *
t_read(const char *path)
{
    char    *p;
    FILE    *f;
    size_t   n;

    p = calloc(1, 65536);
    if (p == NULL) {
        printf("Bail out! out of memory\n");
        exit(1);
    }

    f = fopen(path, "r");

    if (f != NULL) {
        n = fread(p, 1, 65535, f);
        p[n] = '\0';
        (void) fclose(f);
    }

    return p;
}


/*
 * sha256 of a file, by coreutils' sha256sum: an implementation apart
 * from the one the registry checks with.  0 or -1.
 */
static int
t_sha256(const char *path, char *hex)
{
    int    rc;
    char   cmd[T_PATH + 32];
    FILE  *f;

    t_fmt(cmd, sizeof(cmd), "sha256sum '%s'", path);

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
    char  dir[T_PATH], path[T_PATH + 16], hex[65], meta[512];

    t_fmt(dir, sizeof(dir), "%s/" T_NAME "/versions/v%u", t_root, v);

    if (mkdir(dir, 0755) == -1) {
        return -1;
    }

    t_fmt(path, sizeof(path), "%s/model.mlclf", dir);

    if (t_write(path, model, len) != 0 || t_sha256(path, hex) != 0) {
        return -1;
    }

    t_fmt(meta, sizeof(meta),
          "{\"name\":\"" T_NAME "\",\"version\":\"v%u\","
          "\"created_at\":\"2026-11-24T13:00:00Z\","
          "\"algorithm\":\"rf\",\"model_sha256\":\"%s\"}", v, hex);

    t_fmt(path, sizeof(path), "%s/meta.json", dir);

    return t_write(path, meta, strlen(meta));
}


/*
 * Runs mlclf-registry --root t_root with up to 3 more arguments, its
 * stderr into *errout (malloc()ed).  The exit status, or -1.
 */
static int
t_run(char **errout, const char *a1, const char *a2, const char *a3)
{
    int    fd, nul, status;
    char   bin[T_PATH + 32], epath[T_PATH + 16];
    pid_t  pid;

    t_fmt(bin, sizeof(bin), "%s/mlclf-registry", t_bin);
    t_fmt(epath, sizeof(epath), "%s/stderr", t_tmp);

    fflush(stdout);

    pid = fork();

    if (pid == 0) {
        fd = open(epath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        nul = open("/dev/null", O_WRONLY);

        if (fd == -1 || nul == -1 || dup2(fd, STDERR_FILENO) == -1
            || dup2(nul, STDOUT_FILENO) == -1)
        {
            _exit(126);
        }

        execl(bin, bin, "--root", t_root, a1, a2, a3, (char *) NULL);
        _exit(127);
    }

    if (pid == -1 || waitpid(pid, &status, 0) != pid) {
        status = -1;
    }

    *errout = t_read(epath);

    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}


/* The target of active, or "" if there is none. */
static void
t_active(char *buf, size_t size)
{
    char     path[T_PATH + 16];
    ssize_t  n;

    t_fmt(path, sizeof(path), "%s/" T_NAME "/active", t_root);

    n = readlink(path, buf, size - 1);
    buf[n < 0 ? 0 : n] = '\0';
}


/* Damages a good v, publishes it, then verify and promote it. */
static void
t_case(const t_case_t *c, uint32_t v)
{
    int           rc;
    char         *errout, ver[16], want[T_PATH + MLCLF_ERR_MSG_LEN];
    char          active[256];
    size_t        len;
    uint8_t      *p;
    mlclf_err_t   err;

    p = t_good(v, &len);
    c->damage(p, &len);

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

    t_fmt(ver, sizeof(ver), "v%u", v);

    rc = t_run(&errout, "verify", T_NAME, ver);
    is_int(rc, MLCLF_REGISTRY_EXIT_INVALID, "%s: verify exits 4", c->what);
    t_fmt(want, sizeof(want), "mlclf-registry: verify: %s/" T_NAME
          "/versions/%s/model.mlclf: %s\n", t_root, ver, err.msg);
    ok(strstr(errout, want) != NULL, "%s: verify gives the reason",
       c->what);
    tap_diag("  %.*s", (int) strcspn(errout, "\n"), errout);
    free(errout);

    rc = t_run(&errout, "promote", T_NAME, ver);
    is_int(rc, MLCLF_REGISTRY_EXIT_INVALID, "%s: promote exits 4", c->what);
    t_fmt(want, sizeof(want), "mlclf-registry: promote: %s/" T_NAME
          "/versions/%s/model.mlclf: %s\n", t_root, ver, err.msg);
    ok(strstr(errout, want) != NULL, "%s: promote gives the reason",
       c->what);
    free(errout);

    t_active(active, sizeof(active));
    is_str(active, "versions/v1", "%s: promote left active at v1", c->what);
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

        ok(found, "%s (%d) has a case through the CLI",
           mlclf_strerror(code), code);
    }
}


int
main(void)
{
    int          rc;
    char        *s, *bin, *errout, path[T_PATH + 32], active[256];
    size_t       i, len;
    uint8_t     *p;
    const char  *base;

    base = getenv("TMPDIR");
    t_fmt(t_tmp, sizeof(t_tmp), "%s/test_registry_damage.XXXXXX",
          base ? base : "/tmp");

    if (mkdtemp(t_tmp) == NULL) {
        printf("Bail out! mkdtemp: %s\n", strerror(errno));
        return 1;
    }

    bin = getenv("MLCLF_BIN");
    t_fmt(t_bin, sizeof(t_bin), "%s", bin ? bin : "build/bin");
    t_fmt(t_root, sizeof(t_root), "%s/reg", t_tmp);
    t_fmt(path, sizeof(path), "%s/" T_NAME, t_root);

    if (mkdir(t_root, 0755) == -1 || mkdir(path, 0755) == -1) {
        printf("Bail out! mkdir %s: %s\n", path, strerror(errno));
        return 1;
    }

    t_fmt(path, sizeof(path), "%s/" T_NAME "/versions", t_root);

    if (mkdir(path, 0755) == -1) {
        printf("Bail out! mkdir %s: %s\n", path, strerror(errno));
        return 1;
    }

    t_coverage();

    /* a good v1, made active by the CLI */
    p = t_good(1, &len);
    ok(t_version_dir(1, p, len) == 0, "good v1 published");
    free(p);

    rc = t_run(&errout, "promote", T_NAME, "v1");
    is_int(rc, MLCLF_REGISTRY_EXIT_OK, "good v1 promoted");
    free(errout);

    t_active(active, sizeof(active));
    is_str(active, "versions/v1", "v1 is active");

    for (i = 0; i < T_NCASES; i++) {
        t_case(&t_cases[i], (uint32_t) i + 2);
    }

    /* the whole model: one line per damaged version, exit 4 */
    rc = t_run(&errout, "verify", T_NAME, NULL);
    is_int(rc, MLCLF_REGISTRY_EXIT_INVALID, "verify of every version");

    i = 0;

    for (s = strstr(errout, "mlclf-registry: verify: ");
         s != NULL;
         s = strstr(s + 1, "mlclf-registry: verify: "))
    {
        i++;
    }

    is_int(i, T_NCASES, "one reason per damaged version");
    free(errout);

    if (tap_failed == 0) {
        t_fmt(path, sizeof(path), "rm -rf '%s'", t_tmp);
        (void) system(path);

    } else {
        tap_diag("left %s for inspection", t_tmp);
    }

    return tap_done();
}
