
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * mlclf-train: the command line.  Parses the options, runs the training
 * pipeline (mlclf_train_run(), trainer/mlclf_train_run.c) and prints its
 * result: a summary, or the --json object, on stdout; a failure as
 * "mlclf-train: <step>: <reason>" on stderr.
 */


#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <mlclf.h>
#include <mlclf_train.h>
#include <mlclf_time.h>
#include <mlclf_version.h>
#include <mlclf_cli.h>
#include <mlclf_quote.h>
#include <mlclf_sha256.h>


static void mlclf_train_usage(FILE *f);
static void mlclf_train_error(const char *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int mlclf_train_options_parse(int argc, char **argv,
    mlclf_train_run_opts_t *o, unsigned *json, unsigned *quiet);
static void mlclf_train_summary(const mlclf_train_run_result_t *r);
static void mlclf_train_print_boosting(const mlclf_train_run_result_t *r);


static const struct option  mlclf_train_options[] = {
    { "config",   required_argument, NULL, 'c' },
    { "registry", required_argument, NULL, 'r' },
    { "name",     required_argument, NULL, 'n' },
    { "promote",  no_argument,       NULL, 'p' },
    { "json",     no_argument,       NULL, 'j' },
    { "quiet",    no_argument,       NULL, 'q' },
    { "help",     no_argument,       NULL, 'h' },
    { "version",  no_argument,       NULL, 'V' },
    { NULL, 0, NULL, 0 }
};


static void
mlclf_train_usage(FILE *f)
{
    fprintf(f,
        "usage: mlclf-train --config FILE [--registry DIR] [--name NAME]\n"
        "                   [--promote] [--json] [--quiet]\n"
        "\n"
        "Validates the data set named in the YAML configuration, splits it,\n"
        "trains the model, evaluates it through the serving kernel, checks\n"
        "the quality gates and publishes a new version:\n"
        "  DIR/NAME/versions/vN/{model.mlclf,meta.json,train.csv,test.csv}\n"
        "\n"
        "  -c, --config FILE    training configuration (YAML)\n"
        "  -r, --registry DIR   registry root (created if missing); default\n"
        "                       $MLCLF_REGISTRY, one of the two is required\n"
        "  -n, --name NAME      model name, overrides the configuration's\n"
        "  -p, --promote        make the new version active\n"
        "  -j, --json           print the result as one JSON object\n"
        "  -q, --quiet          no summary (errors still go to stderr)\n"
        "  -h, --help           this text\n"
        "  -V, --version        the release and the model format version\n"
        "\n"
        "meta.json records the tool and the model format version that\n"
        "wrote the model (tool, tool_version, format_version).\n"
        "\n"
        "SOURCE_DATE_EPOCH, if set, is the created_at time: the same\n"
        "configuration, data and SOURCE_DATE_EPOCH give a byte-identical\n"
        "model.mlclf.\n"
        "\n"
        "exit codes:\n"
        "  %d  ok\n"
        "  %d  internal error (out of memory, a bug)\n"
        "  %d  bad command line\n"
        "  %d  bad configuration (file:line:column on stderr)\n"
        "  %d  bad data (file:line:column on stderr)\n"
        "  %d  training failed\n"
        "  %d  a quality gate failed (nothing published)\n"
        "  %d  registry error (cannot publish or promote)\n"
        "  %d  other file system error\n",
        MLCLF_TRAIN_EXIT_OK, MLCLF_TRAIN_EXIT_INTERNAL,
        MLCLF_TRAIN_EXIT_USAGE, MLCLF_TRAIN_EXIT_CONFIG,
        MLCLF_TRAIN_EXIT_DATA, MLCLF_TRAIN_EXIT_TRAIN,
        MLCLF_TRAIN_EXIT_GATE, MLCLF_TRAIN_EXIT_REGISTRY,
        MLCLF_TRAIN_EXIT_IO);
}


/* "mlclf-train: <ctx>: <reason>" on stderr */
static void
mlclf_train_error(const char *ctx, const char *fmt, ...)
{
    va_list  ap;

    fprintf(stderr, "mlclf-train: %s: ", ctx);

    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);

    fputc('\n', stderr);
}


/*
 * The command line, MLCLF_REGISTRY and SOURCE_DATE_EPOCH into o, *json
 * and *quiet.
 * Returns MLCLF_TRAIN_EXIT_OK to go on, -1 when --help or --version has
 * printed its text (exit 0), else the exit code of the error it has
 * printed.
 */
static int
mlclf_train_options_parse(int argc, char **argv, mlclf_train_run_opts_t *o,
    unsigned *json, unsigned *quiet)
{
    int          c;
    char         shown[MLCLF_QUOTE_LEN];
    mlclf_err_t  err;

    opterr = 0;

    while ((c = getopt_long(argc, argv, ":c:r:n:pjqhV", mlclf_train_options,
                            NULL))
           != -1)
    {
        switch (c) {
        case 'c':
            o->config = optarg;
            break;
        case 'r':
            o->registry = optarg;
            break;
        case 'n':
            o->name = optarg;
            break;
        case 'p':
            o->promote = 1;
            break;
        case 'j':
            *json = 1;
            break;
        case 'q':
            *quiet = 1;
            break;
        case 'h':
            mlclf_train_usage(stdout);
            return -1;
        case 'V':
            mlclf_version_print(stdout, "mlclf-train");
            return -1;
        case ':':
            mlclf_train_error("usage", "%s needs an argument "
                              "(see --help)", argv[optind - 1]);
            return MLCLF_TRAIN_EXIT_USAGE;
        default:
            mlclf_train_error("usage", "unknown option \"%s\" (see --help)",
                              argv[optind - 1]);
            return MLCLF_TRAIN_EXIT_USAGE;
        }
    }

    if (optind < argc) {
        mlclf_train_error("usage", "unexpected argument \"%s\" "
                          "(see --help)", argv[optind]);
        return MLCLF_TRAIN_EXIT_USAGE;
    }

    if (o->config == NULL) {
        mlclf_train_error("usage", "--config is required (see --help)");
        return MLCLF_TRAIN_EXIT_USAGE;
    }

    o->registry = mlclf_cli_registry(o->registry);

    if (o->registry == NULL || o->registry[0] == '\0') {
        mlclf_train_error("usage", "no registry: give --registry DIR or "
                          "set " MLCLF_CLI_REGISTRY_ENV " (see --help)");
        return MLCLF_TRAIN_EXIT_USAGE;
    }

    if (o->name
        && mlclf_model_name_check(o->name, strlen(o->name)) != MLCLF_OK)
    {
        mlclf_train_error("usage", "--name %s: not [a-z0-9_-]{1,64}",
                          mlclf_quote(o->name, strlen(o->name), shown));
        return MLCLF_TRAIN_EXIT_USAGE;
    }

    /* SOURCE_DATE_EPOCH is part of the command's input, as options are */

    memset(&err, 0, sizeof(err));

    if (mlclf_time_epoch(&o->created_at, &err) != MLCLF_OK) {
        mlclf_train_error("environment", "%s", err.msg);
        return MLCLF_TRAIN_EXIT_USAGE;
    }

    return MLCLF_TRAIN_EXIT_OK;
}


int
main(int argc, char **argv)
{
    int                        rc;
    unsigned                   json, quiet;
    mlclf_train_run_opts_t     o;
    mlclf_train_run_result_t  *r;

    memset(&o, 0, sizeof(o));
    json = 0;
    quiet = 0;

    rc = mlclf_train_options_parse(argc, argv, &o, &json, &quiet);
    if (rc != MLCLF_TRAIN_EXIT_OK) {
        return rc == -1 ? MLCLF_TRAIN_EXIT_OK : rc;
    }

    if (!quiet && isatty(STDERR_FILENO)) {
        o.progress = stderr;
    }

    r = malloc(sizeof(mlclf_train_run_result_t));
    if (r == NULL) {
        mlclf_train_error("init", "out of memory");
        return MLCLF_TRAIN_EXIT_INTERNAL;
    }

    rc = mlclf_train_run(&o, r);

    if (rc != MLCLF_TRAIN_EXIT_OK) {
        mlclf_train_error(r->step, "%s", r->msg);

    } else {
        if (json) {
            fwrite(r->json, 1, r->json_len, stdout);
            fputc('\n', stdout);

        } else if (!quiet) {
            mlclf_train_summary(r);
        }

        if (fflush(stdout) != 0 || ferror(stdout)) {
            mlclf_train_error("stdout", "%s", strerror(errno));
            rc = MLCLF_TRAIN_EXIT_IO;
        }
    }

    mlclf_train_run_result_free(r);
    free(r);

    return rc;
}


/*
 * The gbt's rounds, and its five features of most split gain with their
 * share of the total.
 */
static void
mlclf_train_print_boosting(const mlclf_train_run_result_t *r)
{
    size_t   i, j, f, p, top[5], n_top;
    double   total;

    printf("rounds     %" PRIu32 " grown, %" PRIu32 " kept\n", r->rounds,
           r->best_round);

    if (r->importance == NULL) {
        return;
    }

    /* by feature: a model with inputs has more columns than features */
    p = r->cf.n_features;
    total = 0;
    n_top = 0;

    for (f = 0; f < p; f++) {
        total += r->importance[f];

        /* insertion into the top five, the first feature on ties */
        for (i = n_top; i > 0; i--) {
            if (!(r->importance[f] > r->importance[top[i - 1]])) {
                break;
            }
        }

        if (i >= 5) {
            continue;
        }

        for (j = n_top < 5 ? n_top : 4; j > i; j--) {
            top[j] = top[j - 1];
        }

        top[i] = f;
        n_top += n_top < 5;
    }

    printf("importance");

    for (i = 0; i < n_top && total > 0; i++) {
        printf("%s %s %.1f%%", i ? "," : "", r->cf.features[top[i]].name,
               100 * r->importance[top[i]] / total);
    }

    printf(" (split gain)\n");
}


static void
mlclf_train_summary(const mlclf_train_run_result_t *r)
{
    int                           w, cw;
    char                          hex[65], created[21];
    size_t                        i, j, k, len;
    const char                   *lab;
    const mlclf_train_metrics_t  *t;

    t = &r->test;
    k = r->d.n_classes;

    mlclf_sha256_hex(r->d.sha256, hex);
    mlclf_time_iso(r->created_at, created);

    printf("model      %s v%" PRIu32 " (%s)\n", r->cf.name, r->version,
           r->cf.kind == MLCLF_KIND_FOREST ? "forest"
           : r->cf.kind == MLCLF_KIND_GBT ? "gbt" : "logreg");
    printf("created    %s\n", created);
    printf("data       %s (sha256 %.16s...)\n", r->cf.data, hex);
    printf("rows       %zu: %zu train, %zu test", r->d.n_rows, r->n_train,
           r->n_test);

    if (r->d.n_dropped) {
        printf(" (%zu dropped: missing values)", r->d.n_dropped);
    }

    printf("\naccuracy   %.4f test, %.4f train\n", t->accuracy,
           r->train.accuracy);
    printf("macro F1   %.4f test, %.4f train\n", t->macro_f1,
           r->train.macro_f1);
    printf("log loss   %.4f test\n", t->log_loss);
    printf("fit time   %.3f s\n", r->fit_seconds);

    if (r->cf.kind == MLCLF_KIND_GBT) {
        mlclf_train_print_boosting(r);
    }

    printf("\n");

    w = 5;

    for (i = 0; i < k; i++) {
        len = strlen(r->d.classes[i]);
        if (len > (size_t) w) {
            w = len > 32 ? 32 : (int) len;
        }
    }

    printf("%-*s  precision  recall      f1  support\n", w, "class");

    for (i = 0; i < k; i++) {
        printf("%-*.*s  %9.4f  %6.4f  %6.4f  %7" PRIu64 "\n", w, w,
               r->d.classes[i], t->precision[i], t->recall[i], t->f1[i],
               t->support[i]);
    }

    printf("\nconfusion matrix (test; rows true, columns predicted)\n");

    cw = 6;

    for (i = 0; i < k; i++) {
        len = strlen(r->d.classes[i]);
        if (len > (size_t) cw) {
            cw = len > 16 ? 16 : (int) len;
        }
    }

    printf("%-*s", w, "");

    for (j = 0; j < k; j++) {
        printf("  %*.*s", cw, cw, r->d.classes[j]);
    }

    printf("\n");

    for (i = 0; i < k; i++) {
        lab = r->d.classes[i];
        printf("%-*.*s", w, w, lab);

        for (j = 0; j < k; j++) {
            printf("  %*" PRIu64, cw, t->confusion[i * k + j]);
        }

        printf("\n");
    }

    printf("\npublished  %s%s\n", r->path, r->promoted ? " (active)" : "");
    printf("sha256     %s\n", r->model_sha256);
}
