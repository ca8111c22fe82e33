#!/usr/bin/python3
# Copyright (C) 2026 The mlclf authors
#
# The scikit-learn side of tests/test_train_category.c:
#
#   /usr/bin/python3 tests/ref/category_vocab.py OUTDIR
#
# fits scikit-learn's OneHotEncoder on one column of strings per case
# and writes what it learned into OUTDIR/cases.txt, for the C test to
# compare with mlclf_train_category_fit() exactly.  The cases (fixed
# seed): every min_frequency (none, counts, shares, shares whose product
# with the row count rounds onto an integer) with every max_categories
# (none, 1, 2, 3, 5, the number of categories, one more, 100) and every
# handle_unknown, each on a random column whose counts tie often and
# whose values mix ASCII, the empty string, prefixes of each other,
# accents, CJK, characters beyond U+FFFF, NUL and control characters;
# then a few columns made to sit on the rules' edges.
#
# cases.txt, one line each, tokens separated by one space, every string
# written as "x" followed by the hex of its UTF-8 bytes ("x" alone is
# the empty string):
#
#   case <n> <min_frequency> <max_categories> <handle_unknown>
#                         min_frequency: "-" (None), "i<int>" or
#                         "f<repr of the float>"; max_categories: 0 for
#                         None; handle_unknown: error, ignore or
#                         infrequent (scikit-learn's infrequent_if_exist)
#   values <s> ...        the column, in the order fitted
#   kept <s>/<count> ...  categories_ less the infrequent ones, in order
#   infrequent <s>/<count> ...
#                         infrequent_categories_ (nothing after the word
#                         when there are none), in order
#   probe <s> <column>    transform() of one value: its column, -1 for a
#                         row of zeros, -2 when transform() refuses it
#   end
#
# The counts come from collections.Counter, not from scikit-learn (which
# does not show them).  Only Debian's python3-sklearn (1.2.1) and
# python3-numpy.

import collections
import os
import random
import sys
import warnings

import numpy as np
import sklearn
from sklearn.preprocessing import OneHotEncoder

SEED = 20260117

POOL = [
    "", "a", "A", "b", "B", "ab", "abc", "a b", "a,b", "z", "Z", "10", "9",
    "-1", " a", "a ", "\t", "\x00", "a\x00b", "\x7f", "\u0080", "\u00e9",
    "e\u0301", "\u00fc", "\u00df", "SS", "\u4e2d", "\u4e2d\u6587",
    "\ud7ff", "\ue000", "\uff21", "\U0001f600", "\U0001f600x",
    "\U00010000", "infrequent_sklearn", "None", "nan",
]

ALPHABET = ("abcXYZ019 _-\u00e9\u00e8\u00fc\u4e2d\u6587\uff21"
            "\U0001f600\U0001f47e\u0000\u0301")

MIN_FREQUENCIES = [None, 1, 2, 3, 5, 0.01, 0.1, 0.15, 0.25, 0.5, 0.999]
UNKNOWNS = ["error", "ignore", "infrequent_if_exist"]


def hexs(s):
    return "x" + s.encode("utf-8").hex()


def random_string(rng):
    n = rng.randint(1, 6)
    return "".join(rng.choice(ALPHABET) for _ in range(n))


def random_column(rng):
    """k distinct values, counts from a narrow range so that they tie."""
    k = rng.randint(1, 24)
    cats = set()
    while len(cats) < k:
        if rng.random() < 0.6:
            cats.add(rng.choice(POOL))
        else:
            cats.add(random_string(rng))
    cats = sorted(cats)
    hi = rng.choice([1, 2, 3, 4, 6, 10])
    column = []
    for c in cats:
        column += [c] * rng.randint(1, hi)
    rng.shuffle(column)
    return column


def probes(rng, column):
    """every category once, then values never seen"""
    seen = sorted(set(column))
    out = list(seen)
    for _ in range(4):
        s = random_string(rng)
        if s not in seen:
            out.append(s)
    for s in ("", "\U0001f600", "never seen", "infrequent_sklearn"):
        if s not in seen and s not in out:
            out.append(s)
    return out


def column_of(enc, value):
    try:
        row = enc.transform(np.array([[value]], dtype=object))
    except ValueError:
        return -2
    hot = np.flatnonzero(row[0])
    if hot.size == 0:
        return -1
    if hot.size != 1 or row[0][hot[0]] != 1.0:
        raise SystemExit("transform gave %r for %r" % (row, value))
    return int(hot[0])


def write_case(out, column, mf, mc, unknown, rng):
    enc = OneHotEncoder(min_frequency=mf, max_categories=mc,
                        handle_unknown=unknown, sparse_output=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        enc.fit(np.array(column, dtype=object).reshape(-1, 1))

    cats = list(enc.categories_[0])
    infrequent = []
    if enc._infrequent_enabled and enc.infrequent_categories_[0] is not None:
        infrequent = list(enc.infrequent_categories_[0])
    kept = [c for c in cats if c not in infrequent]

    # the learned columns are the kept categories, then the infrequent one
    names = list(enc.get_feature_names_out(["c"]))
    want = len(kept) + (1 if infrequent else 0)
    if len(names) != want:
        raise SystemExit("%d output columns, expected %d" % (len(names),
                                                             want))

    counts = collections.Counter(column)

    if mf is None:
        mf_tok = "-"
    elif isinstance(mf, int):
        mf_tok = "i%d" % mf
    else:
        mf_tok = "f" + repr(mf)

    unk = "infrequent" if unknown == "infrequent_if_exist" else unknown

    out.write("case %d %s %d %s\n" % (len(column), mf_tok, mc or 0, unk))
    out.write(" ".join(["values"] + [hexs(v) for v in column]) + "\n")
    out.write(" ".join(["kept"] + ["%s/%d" % (hexs(c), counts[c])
                                   for c in kept]) + "\n")
    out.write(" ".join(["infrequent"] + ["%s/%d" % (hexs(c), counts[c])
                                         for c in infrequent]) + "\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for p in probes(rng, column):
            out.write("probe %s %d\n" % (hexs(p), column_of(enc, p)))
    out.write("end\n")


def edge_columns():
    """columns on the rules' edges, with the settings that probe them"""
    cols = []

    # n * share rounds to an integer the exact product is not: 10 * 0.1
    # is 1.0 (exactly, 1.00000000000000005551), 20 * 0.15 is 3.0 (2.99..)
    cols.append((["a"] * 1 + ["b"] * 9, 0.1, None))
    cols.append((["a"] * 3 + ["b"] * 3 + ["c"] * 14, 0.15, None))
    cols.append((["a"] * 2 + ["b"] * 3 + ["c"] * 5, 0.3, None))
    cols.append((["a"] * 7 + ["b"] * 6 + ["c"] * 7, 0.35, 3))

    # 25 * 0.28 is 7.000000000000001: 7 rows are below it, though 7 / 25
    # is not below 0.28 (a division would keep "a")
    cols.append((["a"] * 7 + ["b"] * 18, 0.28, None))

    # max_categories = the number of categories still makes one
    # infrequent: the infrequent column is counted even when empty
    cols.append((["a", "b", "b", "c", "c", "c"], None, 3))

    # all tied: the earliest in sorted order become infrequent
    cols.append((list("edcbaedcba"), None, 3))

    # one category, one row
    cols.append((["only"], 2, 2))
    cols.append((["only"], None, None))

    # every category infrequent by min_frequency
    cols.append((["a", "b", "c"], 2, 2))

    # max_categories 1 alone marks nothing
    cols.append((["a", "b", "b"], None, 1))
    return cols


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: category_vocab.py OUTDIR")

    if sklearn.__version__ != "1.2.1":
        sys.exit("scikit-learn 1.2.1 wanted, this is %s" %
                 sklearn.__version__)

    rng = random.Random(SEED)
    path = os.path.join(sys.argv[1], "cases.txt")
    n = 0

    with open(path, "w", encoding="ascii") as out:
        for mf in MIN_FREQUENCIES:
            for mc_rule in (None, 1, 2, 3, 5, "k", "k+1", 100):
                for unknown in UNKNOWNS:
                    column = random_column(rng)
                    k = len(set(column))
                    mc = {"k": k, "k+1": k + 1}.get(mc_rule, mc_rule)
                    write_case(out, column, mf, mc, unknown, rng)
                    n += 1

        for column, mf, mc in edge_columns():
            for unknown in UNKNOWNS:
                write_case(out, column, mf, mc, unknown, rng)
                n += 1

    print(n)


if __name__ == "__main__":
    main()
