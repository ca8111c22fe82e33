
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Writes a large, valid forest for the memory benchmark:
 *
 *   bigforest PATH MEGABYTES
 *
 * Full binary trees of depth 15 on 20 features and 3 classes, as many as
 * it takes to reach MEGABYTES, with thresholds and leaf distributions
 * from a fixed-seed generator: the same arguments give the same file.
 */


#include <stdio.h>
#include <stdlib.h>

#include "mlclf.h"


#define BIG_DEPTH     15
#define BIG_FEATURES  20
#define BIG_CLASSES   3


static uint64_t  big_state = 0x9e3779b97f4a7c15ULL;


static double
big_uniform(void)
{
    /* xorshift64*: enough for thresholds */
    big_state ^= big_state >> 12;
    big_state ^= big_state << 25;
    big_state ^= big_state >> 27;

    return (double) ((big_state * 2685821657736338717ULL) >> 11)
           / 9007199254740992.0;
}


int
main(int argc, char **argv)
{
    char            fname[BIG_FEATURES][8];
    double          *thr, *leaf, s;
    int32_t         *feat;
    uint32_t        *off, *left, *right, t, i, k, n_trees, internal, per,
                     n_nodes, n_leaves, base, lbase;
    mlclf_err_t      err;
    mlclf_spec_t     spec;
    const char      *names[BIG_FEATURES];
    static const char *labels[BIG_CLASSES] = { "a", "b", "c" };

    if (argc != 3) {
        fprintf(stderr, "usage: bigforest PATH MEGABYTES\n");
        return 2;
    }

    internal = (1u << BIG_DEPTH) - 1;
    per = 2 * internal + 1;

    /* 20 bytes per node, 8 per class per leaf */
    n_trees = (uint32_t) (atof(argv[2]) * 1048576.0
                          / (per * 20.0 + (internal + 1) * 8.0 * BIG_CLASSES))
              + 1;

    n_nodes = n_trees * per;
    n_leaves = n_trees * (internal + 1);

    off = malloc((n_trees + 1) * sizeof(uint32_t));
    feat = malloc(n_nodes * sizeof(int32_t));
    thr = malloc(n_nodes * sizeof(double));
    left = malloc(n_nodes * sizeof(uint32_t));
    right = malloc(n_nodes * sizeof(uint32_t));
    leaf = malloc((size_t) n_leaves * BIG_CLASSES * sizeof(double));

    if (off == NULL || feat == NULL || thr == NULL || left == NULL
        || right == NULL || leaf == NULL)
    {
        fprintf(stderr, "bigforest: out of memory\n");
        return 1;
    }

    for (i = 0; i < BIG_FEATURES; i++) {
        snprintf(fname[i], sizeof(fname[i]), "f%u", i);
        names[i] = fname[i];
    }

    for (t = 0; t < n_trees; t++) {
        base = t * per;
        lbase = t * (internal + 1);
        off[t] = base;

        /* breadth first: the children of i are 2i + 1 and 2i + 2 */
        for (i = 0; i < per; i++) {
            if (i < internal) {
                feat[base + i] = (int32_t) (big_uniform() * BIG_FEATURES);
                thr[base + i] = big_uniform();
                left[base + i] = base + 2 * i + 1;
                right[base + i] = base + 2 * i + 2;

            } else {
                feat[base + i] = -1;
                thr[base + i] = 0.0;
                left[base + i] = lbase + (i - internal);
                right[base + i] = 0;
            }
        }

        for (i = 0; i <= internal; i++) {
            s = 0.0;

            for (k = 0; k < BIG_CLASSES; k++) {
                leaf[(size_t) (lbase + i) * BIG_CLASSES + k] =
                                                         big_uniform() + 0.01;
                s += leaf[(size_t) (lbase + i) * BIG_CLASSES + k];
            }

            for (k = 0; k < BIG_CLASSES; k++) {
                leaf[(size_t) (lbase + i) * BIG_CLASSES + k] /= s;
            }
        }
    }

    off[n_trees] = n_nodes;

    spec = (mlclf_spec_t) {
        .kind = MLCLF_KIND_FOREST,
        .n_features = BIG_FEATURES,
        .n_classes = BIG_CLASSES,
        .version = 1,
        .feature_names = names,
        .class_labels = labels,
        .metadata = "{\"name\":\"big\"}",
        .n_trees = n_trees,
        .n_nodes = n_nodes,
        .n_leaves = n_leaves,
        .tree_offsets = off,
        .node_feature = feat,
        .node_threshold = thr,
        .node_left = left,
        .node_right = right,
        .leaf_values = leaf
    };

    if (mlclf_write(argv[1], &spec, &err) != MLCLF_OK) {
        fprintf(stderr, "bigforest: %s\n", err.msg);
        return 1;
    }

    printf("%u trees, %u nodes\n", n_trees, n_nodes);

    return 0;
}
