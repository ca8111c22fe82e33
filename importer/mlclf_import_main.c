
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * mlclf-import: a model made by XGBoost, LightGBM or scikit-learn into
 * a registry version, as mlclf-train publishes its own.
 */


#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include <mlclf_file.h>
#include <mlclf_registry_store.h>
#include <mlclf_version.h>
#include <mlclf_cli.h>

#include "mlclf_import.h"
#include "mlclf_import_run.h"


static void mlclf_import_usage(FILE *f);
static int mlclf_import_options(int argc, char **argv,
    mlclf_import_opts_t *o);


static void
mlclf_import_usage(FILE *f)
{
    fprintf(f,
"Usage: mlclf-import [--format xgboost|lightgbm|sklearn] [--registry DIR]\n"
"                    --name NAME [--features N1,N2,...] [--classes L1,...]\n"
"                    [--reference CSV [--reference-label COL]]\n"
"                    [--promote] [--json] FILE\n"
"\n"
"Publishes the model in FILE as the next version of NAME in the registry\n"
"DIR: an ordinary version (verify, promote, rollback and NGINX serve it\n"
"as a trained one) that answers as the source library does.\n"
"\n"
"FILE is one of:\n"
"  xgboost    Booster.save_model() JSON or UBJSON (XGBoost 1.7 and 2.x):\n"
"             binary:logistic, multi:softprob, multi:softmax\n"
"  lightgbm   model.txt (v3, v4): binary, multiclass, multiclassova\n"
"  sklearn    the file tools/mlclf-sklearn-export writes from a fitted\n"
"             LogisticRegression, RandomForestClassifier,\n"
"             ExtraTreesClassifier, GradientBoostingClassifier or\n"
"             HistGradientBoostingClassifier\n"
"\n"
"Options:\n"
"  --format F         the source format (default: detected from FILE)\n"
"  --registry DIR     the registry directory; default $MLCLF_REGISTRY,\n"
"                     one of the two is required\n"
"  --name NAME        the model's name, [a-z0-9_-]{1,64} (required)\n"
"  --features LIST    feature names, comma-separated, in the model's\n"
"                     order (default: the source's, else f0, f1, ...)\n"
"  --classes LIST     class labels, comma-separated, in the model's\n"
"                     order (default: the source's, else 0, 1, ...)\n"
"  --reference CSV    a sample of the training data (a header row with\n"
"                     the features' names, one row each; empty: missing):\n"
"                     the model gets its reference distributions for\n"
"                     drift monitoring (docs/monitoring.md); without it\n"
"                     the model has none\n"
"  --reference-label COL\n"
"                     the CSV's column of true labels: the label prior\n"
"  --promote          make the new version active\n"
"  --json             print the new version's meta.json on stdout\n"
"  -h, --help         print this help and exit\n"
"  -V, --version      print the release and the model format version\n"
"\n"
"meta.json records the tool and the model format version that wrote\n"
"the model (tool, tool_version, format_version).\n"
"\n"
"SOURCE_DATE_EPOCH, if set, is the created_at time.\n"
"\n"
"Exit codes:\n"
"  %d  success\n"
"  %d  internal error (out of memory, a bug)\n"
"  %d  usage: bad command line, model name, --features or --classes\n"
"  %d  the source model or the --reference CSV is malformed or not\n"
"     supported (the message names the file and the place); nothing\n"
"     was published\n"
"  %d  registry: cannot publish or promote\n"
"  %d  cannot read FILE or the --reference CSV\n",
        MLCLF_IMPORT_EXIT_OK, MLCLF_IMPORT_EXIT_INTERNAL,
        MLCLF_IMPORT_EXIT_USAGE, MLCLF_IMPORT_EXIT_SOURCE,
        MLCLF_IMPORT_EXIT_REGISTRY, MLCLF_IMPORT_EXIT_IO);
}


static int
mlclf_import_options(int argc, char **argv, mlclf_import_opts_t *o)
{
    int  c;

    static const struct option  longopts[] = {
        { "format", required_argument, NULL, 'f' },
        { "registry", required_argument, NULL, 'r' },
        { "name", required_argument, NULL, 'n' },
        { "features", required_argument, NULL, 'F' },
        { "classes", required_argument, NULL, 'C' },
        { "reference", required_argument, NULL, 'R' },
        { "reference-label", required_argument, NULL, 'L' },
        { "promote", no_argument, NULL, 'p' },
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 }
    };

    memset(o, 0, sizeof(*o));
    o->argc = argc;
    o->argv = argv;
    opterr = 0;

    while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
        switch (c) {

        case 'f':
            o->format = mlclf_import_format_parse(optarg);
            if (o->format == MLCLF_IMPORT_UNKNOWN) {
                fprintf(stderr, "mlclf-import: --format \"%.64s\": expected "
                        "xgboost, lightgbm or sklearn\n", optarg);
                return MLCLF_IMPORT_EXIT_USAGE;
            }
            break;

        case 'r':
            o->registry = optarg;
            break;

        case 'n':
            o->name = optarg;
            break;

        case 'F':
            o->features = optarg;
            break;

        case 'C':
            o->classes = optarg;
            break;

        case 'R':
            o->reference = optarg;
            break;

        case 'L':
            o->reference_label = optarg;
            break;

        case 'p':
            o->promote = 1;
            break;

        case 'j':
            o->json = 1;
            break;

        case 'h':
            mlclf_import_usage(stdout);
            exit(MLCLF_IMPORT_EXIT_OK);

        case 'V':
            mlclf_version_print(stdout, "mlclf-import");
            exit(MLCLF_IMPORT_EXIT_OK);

        default:
            fprintf(stderr, "mlclf-import: unknown option or missing "
                    "argument: %.64s\n", argv[optind - 1]);
            mlclf_import_usage(stderr);
            return MLCLF_IMPORT_EXIT_USAGE;
        }
    }

    o->registry = mlclf_cli_registry(o->registry);

    if (optind != argc - 1 || o->name == NULL) {
        fprintf(stderr, "mlclf-import: %s\n",
                optind != argc - 1 ? "expected exactly one FILE"
                : "--name is required");
        mlclf_import_usage(stderr);
        return MLCLF_IMPORT_EXIT_USAGE;
    }

    if (o->registry == NULL || o->registry[0] == '\0') {
        fprintf(stderr, "mlclf-import: no registry: give --registry DIR or "
                "set " MLCLF_CLI_REGISTRY_ENV "\n");
        mlclf_import_usage(stderr);
        return MLCLF_IMPORT_EXIT_USAGE;
    }

    o->path = argv[optind];

    if (o->reference_label != NULL && o->reference == NULL) {
        fprintf(stderr, "mlclf-import: --reference-label needs "
                "--reference\n");
        return MLCLF_IMPORT_EXIT_USAGE;
    }

    if (mlclf_model_name_check(o->name, strlen(o->name)) != MLCLF_OK) {
        fprintf(stderr, "mlclf-import: --name \"%.64s\": expected "
                "[a-z0-9_-]{1,64}\n", o->name);
        return MLCLF_IMPORT_EXIT_USAGE;
    }

    return MLCLF_IMPORT_EXIT_OK;
}


int
main(int argc, char **argv)
{
    int                  ex;
    mlclf_import_opts_t  o;

    ex = mlclf_import_options(argc, argv, &o);
    if (ex != MLCLF_IMPORT_EXIT_OK) {
        return ex;
    }

    return mlclf_import_run(&o);
}
