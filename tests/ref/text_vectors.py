#!/usr/bin/python3
# Copyright (C) 2026 The mlclf authors
#
# The scikit-learn side of tests/test_text.c: what Debian's
# python3-sklearn 1.2.1 (Python 3.11, Unicode 14.0.0) gives for text.
#
#   /usr/bin/python3 tests/ref/text_vectors.py OUTDIR
#
# writes into OUTDIR:
#
#   unicode.txt     Python's str facts, for every code point but the
#                   surrogates:  "w START END" ranges of \w (re, (?u)),
#                   "l CP HEX,HEX.." where str.lower() is not the code
#                   point itself, "s CP T1T2T3" where the capital sigma
#                   tests differ from (0, 0, 1):  T1: (x + "Σ").lower()
#                   ends in final sigma, T2: ("A" + x + "Σ"), T3: ("AΣ"
#                   + x) has it at index 1
#   docs.bin        the documents, UTF-8, each ended by a NUL: a few
#                   hundred from a fixed seed, mixing scripts, cases,
#                   Greek sigmas, Turkish dotted I, ß, CJK, digits of
#                   other scripts, combining marks, emoji, underscores
#   settings.txt    one setting a line (the spec of test_text.c and of
#                   --vectors, below)
#   NAME.grams      per document the analyzer's n-grams, each ended by
#                   "\n", the document's list ended by a NUL
#   NAME.vectors    per document "N COL:VALUE ..." of transform()
#   NAME.idf        "default V" and "COL V" lines, the fitted idf_ (for
#                   hashing only the columns some document has; the
#                   others have the default, df 0)
#   NAME.vocab      vocabulary_'s terms, one a line, in column order
#
# Every float is written with repr(), which reads back as the same
# double.  A setting (a line of settings.txt, or --spec) is a name and
# key=value words:
#
#   vectorizer=hashing|vocabulary n_features=N ngram=MIN,MAX
#   lowercase=0|1 alternate_sign=0|1 binary=0|1 sublinear_tf=0|1
#   hash_norm=none|l1|l2 norm=none|l1|l2 use_idf=0|1
#   min_df=INT|FLOAT max_df=INT|FLOAT max_features=N
#
# min_df and max_df with a "." are floats (a share of the documents),
# else ints (documents), as sklearn tells them apart.  Hashing is
# HashingVectorizer then TfidfTransformer (norm, use_idf,
# sublinear_tf); vocabulary is TfidfVectorizer.
#
# The corpus mode compares the C side with sklearn on a real column:
#
#   /usr/bin/python3 tests/ref/text_vectors.py --csv data/raw/spam.csv \
#       --column body [--spec "NAME key=value ..."]... [--limit N] \
#       [--bin build/tests/test_text]
#
# runs each setting (the default ones without --spec) through sklearn
# (fit on the column, then transform it) and through
# `build/tests/test_text --vectors SPEC`, which reads the same documents
# (NUL-ended, on stdin), learns the idf or vocabulary with the trainer's
# code and prints its vectors; then it compares the vocabularies, the
# idf and every vector to 1e-12 and prints a line per setting.  Exits 1
# on any difference.  Rows whose field is empty are documents too, as
# for sklearn.

import argparse
import csv
import random
import re
import subprocess
import sys

import numpy as np
from sklearn.feature_extraction.text import (HashingVectorizer,
                                             TfidfTransformer,
                                             TfidfVectorizer)

SEED = 7
N_DOCS = 400
TOL = 1e-12

# The settings the unit test checks; max_features is moved down where
# the cut falls between equal counts (make_settings()).
SETTINGS = [
    "hash_default vectorizer=hashing n_features=1048576",
    "hash_counts_idf vectorizer=hashing n_features=1024 alternate_sign=0"
    " hash_norm=none norm=none",
    "hash_binary vectorizer=hashing n_features=16 binary=1",
    "hash_sublinear vectorizer=hashing n_features=4096 alternate_sign=0"
    " hash_norm=none sublinear_tf=1",
    "hash_ngram12 vectorizer=hashing n_features=262144 ngram=1,2",
    "hash_ngram13 vectorizer=hashing n_features=65536 ngram=1,3"
    " lowercase=0 hash_norm=l1 norm=l1",
    "hash_l1_noidf vectorizer=hashing n_features=8192 hash_norm=l1"
    " norm=l1 use_idf=0",
    "hash_tiny vectorizer=hashing n_features=2 ngram=2,3 hash_norm=none"
    " norm=none",
    "vocab_limits vectorizer=vocabulary min_df=2 max_df=0.5"
    " max_features=60",
    "vocab_ngram vectorizer=vocabulary ngram=1,2 min_df=0.01 max_df=60"
    " sublinear_tf=1 norm=l1",
    "vocab_binary vectorizer=vocabulary ngram=2,3 lowercase=0 binary=1"
    " use_idf=0 max_features=300",
    "vocab_all vectorizer=vocabulary ngram=1,3 norm=none",
]

WORDS = [
    # English, digits, underscores, punctuation inside tokens
    "the", "The", "THE", "spam", "Spam", "free", "FREE", "offer", "win",
    "money", "click", "here", "now", "you", "a", "I", "to", "of", "and",
    "42", "3.14", "1,000", "x2", "2x", "__init__", "_", "__", "snake_case",
    "e-mail", "don't", "it's", "U.S.A.", "http://example.com/a_b?c=d",
    "user@example.org", "$100", "100%", "#tag", "@name", "C++", "naïve",
    # Greek, capital sigmas in every position
    "ΟΔΥΣΣΕΥΣ", "ΣΊΣΥΦΟΣ", "Σ", "ΣΣ", "ΑΣ", "ΑΣ'Β", "ΑΣ.Β", "ΑΣ:", "Σα",
    "ΌΣΟΣ", "ἈΣ", "ᾼΣ", "ʰΣ", "AΣ\u0301", "AΣ\u00ad", "λόγος", "Αθήνα",
    "ΑΣ\u0345Β", "ϴ", "ΐ",
    # Turkish, German and other case mappings
    "İSTANBUL", "İ", "ıi", "Iı", "Straße", "STRASSE", "ẞ", "ß", "Kelvin",
    "\u212a", "\u2126", "\u212b", "ǅ", "ǈ", "ǋ", "Ⱥ", "Ⱦ", "ȿ", "ⱥ", "Ǆ",
    "ﬁ", "ﬃ", "Ａｂｃ", "ＡＢＣ", "ǰ", "ŉ",
    # other scripts (4-byte letters, lowercase in other blocks)
    "日本語", "中文字", "漢", "한국어", "ภาษาไทย", "हिन्दी", "العربية",
    "עברית", "Русский", "МОСКВА", "ᏣᎳᎩ", "ꮳꮃꭹ", "𐐀𐐁𐐂", "𐐨𐐩", "Ⴀა",
    "Აბ", "𞤀𞤁", "𖹀𖹁",
    # numbers of other scripts and kinds
    "٣٤٥", "۱۲۳", "१२३", "Ⅻ", "ⅻ", "²", "½", "①", "〇", "𝟙𝟚",
    # combining marks (not \w: they split tokens)
    "e\u0301te\u0301", "cafe\u0301", "n\u0303o", "a\u0308b", "i\u0307",
    "x\u20dd", "o\u0338",
    # emoji, symbols, format characters
    "😀", "😀😀", "ok👍ok", "👍🏽", "👨\u200d👩", "a\u200db", "a\u00adb",
    "\u2060", "★", "€5", "™", "©2024",
]

SEPS = [" ", " ", " ", ", ", "\n", "\t", "-", "'", ".", "...", "—", "/",
        "\u00a0", "\u3000", "_", "", "!", "?", " (", ") "]


def make_docs(rng):
    docs = ["", " ", "a", "ab", "Ab AB aB", "Σ", "ΑΣ", "İ", "ΣΣΣ ΣΣ Σ",
            "x " * 50, "the the the the", "😀" * 10]
    while len(docs) < N_DOCS:
        n = rng.choice([0, 1, 3, 5, 10, 20, 40, 80])
        parts = []
        for _ in range(n):
            w = rng.choice(WORDS)
            r = rng.random()
            if r < 0.1:
                w = w.upper()
            elif r < 0.15:
                w = w.title()
            parts.append(w)
            parts.append(rng.choice(SEPS))
        docs.append("".join(parts))
    return docs


def parse_spec(line):
    words = line.split()
    s = {"name": words[0], "vectorizer": "hashing", "n_features": 1 << 20,
         "ngram": (1, 1), "lowercase": True, "alternate_sign": True,
         "binary": False, "sublinear_tf": False, "hash_norm": "l2",
         "norm": "l2", "use_idf": True, "min_df": 1, "max_df": 1.0,
         "max_features": None}
    for w in words[1:]:
        k, v = w.split("=", 1)
        if k not in s:
            raise ValueError("unknown key %r in %r" % (k, line))
        if k == "vectorizer":
            s[k] = v
        elif k == "ngram":
            a, b = v.split(",")
            s[k] = (int(a), int(b))
        elif k in ("n_features", "max_features"):
            s[k] = int(v)
        elif k in ("hash_norm", "norm"):
            s[k] = None if v == "none" else v
        elif k in ("min_df", "max_df"):
            s[k] = float(v) if "." in v else int(v)
        else:
            s[k] = bool(int(v))
    if s["vectorizer"] == "vocabulary":
        s["hash_norm"] = None
    return s


def spec_line(s):
    """The spec back as a line, every key given."""
    def df(v):
        return repr(v) if isinstance(v, float) else str(v)

    words = [s["name"], "vectorizer=" + s["vectorizer"],
             "ngram=%d,%d" % s["ngram"]]
    if s["vectorizer"] == "hashing":
        words.append("n_features=%d" % s["n_features"])
    for k in ("lowercase", "alternate_sign", "binary", "sublinear_tf",
              "use_idf"):
        words.append("%s=%d" % (k, s[k]))
    for k in ("hash_norm", "norm"):
        words.append("%s=%s" % (k, s[k] or "none"))
    words.append("min_df=" + df(s["min_df"]))
    words.append("max_df=" + df(s["max_df"]))
    if s["max_features"]:
        words.append("max_features=%d" % s["max_features"])
    return " ".join(words)


def fit(s, docs):
    """(analyzer, transform(docs), vocabulary list or None, idf or None)"""
    if s["vectorizer"] == "hashing":
        hv = HashingVectorizer(
            n_features=s["n_features"], ngram_range=s["ngram"],
            lowercase=s["lowercase"], alternate_sign=s["alternate_sign"],
            binary=s["binary"], norm=s["hash_norm"])
        tt = TfidfTransformer(norm=s["norm"], use_idf=s["use_idf"],
                              sublinear_tf=s["sublinear_tf"])
        h = hv.transform(docs)
        tt.fit(h)
        x = tt.transform(hv.transform(docs))
        idf = tt.idf_ if s["use_idf"] else None
        return hv.build_analyzer(), x, None, idf
    tv = TfidfVectorizer(
        ngram_range=s["ngram"], lowercase=s["lowercase"],
        binary=s["binary"], norm=s["norm"], use_idf=s["use_idf"],
        sublinear_tf=s["sublinear_tf"], min_df=s["min_df"],
        max_df=s["max_df"], max_features=s["max_features"])
    tv.fit(docs)
    x = tv.transform(docs)
    vocab = sorted(tv.vocabulary_, key=tv.vocabulary_.get)
    idf = tv.idf_ if s["use_idf"] else None
    return tv.build_analyzer(), x, vocab, idf


def untied_max_features(s, docs):
    """max_features moved down until the cut is not between equal counts:
    sklearn's argsort of the counts leaves the order of ties open."""
    if s["vectorizer"] != "vocabulary" or not s["max_features"]:
        return s
    probe = dict(s, max_features=None)
    tv = TfidfVectorizer(
        ngram_range=probe["ngram"], lowercase=probe["lowercase"],
        binary=probe["binary"], min_df=probe["min_df"],
        max_df=probe["max_df"], use_idf=False, norm=None)
    x = tv.fit_transform(docs)
    if s["binary"]:
        x.data.fill(1)
    tfs = np.sort(np.asarray(x.sum(axis=0)).ravel())[::-1]
    k = s["max_features"]
    while 0 < k < len(tfs) and tfs[k - 1] == tfs[k]:
        k -= 1
    if k == 0:
        raise ValueError("%s: no untied max_features" % s["name"])
    return dict(s, max_features=k)


def row_text(x, i):
    row = x.getrow(i)
    pairs = sorted(zip(row.indices.tolist(), row.data.tolist()))
    return " ".join([str(len(pairs))]
                    + ["%d:%r" % (c, v) for c, v in pairs])


def write_idf(path, s, idf, x_counts):
    with open(path, "w") as f:
        if s["vectorizer"] == "hashing":
            present = np.unique(x_counts.indices)
            default = float(np.log((len(x_counts.indptr)) / 1.0) + 1)
            f.write("default %r\n" % default)
            for c in present.tolist():
                f.write("%d %r\n" % (c, float(idf[c])))
        else:
            f.write("default 0.0\n")
            for c, v in enumerate(idf.tolist()):
                f.write("%d %r\n" % (c, v))


def write_setting(outdir, s, docs):
    analyzer, x, vocab, idf = fit(s, docs)
    name = s["name"]
    with open("%s/%s.grams" % (outdir, name), "wb") as f:
        for d in docs:
            for g in analyzer(d):
                f.write(g.encode() + b"\n")
            f.write(b"\0")
    with open("%s/%s.vectors" % (outdir, name), "w") as f:
        for i in range(len(docs)):
            f.write(row_text(x, i) + "\n")
    if idf is not None:
        counts = None
        if s["vectorizer"] == "hashing":
            counts = HashingVectorizer(
                n_features=s["n_features"], ngram_range=s["ngram"],
                lowercase=s["lowercase"],
                alternate_sign=s["alternate_sign"], norm=None
            ).transform(docs)
        write_idf("%s/%s.idf" % (outdir, name), s, idf, counts)
    if vocab is not None:
        with open("%s/%s.vocab" % (outdir, name), "wb") as f:
            for t in vocab:
                f.write(t.encode() + b"\n")


def write_unicode(path):
    w = re.compile(r"(?u)\w")
    with open(path, "w") as f:
        start = None
        for cp in range(0x110001):
            word = (cp <= 0x10FFFF and not 0xD800 <= cp <= 0xDFFF
                    and w.match(chr(cp)) is not None)
            if word and start is None:
                start = cp
            elif not word and start is not None and not (
                    0xD800 <= cp <= 0xDFFF):
                f.write("w %x %x\n" % (start, cp - 1))
                start = None
        for cp in range(0x110000):
            if 0xD800 <= cp <= 0xDFFF:
                continue
            x = chr(cp)
            low = x.lower()
            if low != x:
                f.write("l %x %s\n"
                        % (cp, ",".join("%x" % ord(c) for c in low)))
            t1 = (x + "Σ").lower()[-1] == "ς"
            t2 = ("A" + x + "Σ").lower()[-1] == "ς"
            t3 = ("AΣ" + x).lower()[1] == "ς"
            if (t1, t2, t3) != (False, False, True):
                f.write("s %x %d%d%d\n" % (cp, t1, t2, t3))


def make_outdir(outdir):
    rng = random.Random(SEED)
    docs = make_docs(rng)
    write_unicode(outdir + "/unicode.txt")
    with open(outdir + "/docs.bin", "wb") as f:
        for d in docs:
            f.write(d.encode() + b"\0")
    with open(outdir + "/settings.txt", "w") as f:
        for line in SETTINGS:
            s = untied_max_features(parse_spec(line), docs)
            f.write(spec_line(s) + "\n")
            write_setting(outdir, s, docs)


def parse_c_output(text):
    """test_text --vectors: "term COL TEXT", "idf COL V" (+ "idf default
    V"), "doc I N COL:V ..." lines."""
    vocab, idf, rows, default = {}, {}, [], None
    for line in text.split("\n"):
        if not line:
            continue
        kind, rest = line.split(" ", 1)
        if kind == "term":
            c, t = rest.split(" ", 1)
            vocab[int(c)] = t
        elif kind == "idf":
            c, v = rest.split(" ")
            if c == "default":
                default = float(v)
            else:
                idf[int(c)] = float(v)
        elif kind == "doc":
            words = rest.split()
            rows.append({int(c): float(v) for c, v in
                         (p.split(":") for p in words[2:])})
    return vocab, idf, default, rows


def close(a, b):
    return abs(a - b) <= TOL * max(1.0, abs(a), abs(b))


def compare(s, docs, out):
    """A list of the differences between sklearn and the C output."""
    _, x, vocab, idf = fit(s, docs)
    c_vocab, c_idf, c_default, rows = parse_c_output(out)
    bad = []
    if vocab is not None:
        got = [c_vocab.get(i) for i in range(len(c_vocab))]
        if got != vocab:
            bad.append("vocabulary: %d terms, sklearn %d"
                       % (len(got), len(vocab)))
    if idf is not None:
        for c, v in enumerate(idf.tolist()):
            g = c_idf.get(c, c_default)
            if g is None or not close(g, v):
                bad.append("idf[%d] %r, sklearn %r" % (c, g, v))
                break
    if len(rows) != len(docs):
        bad.append("%d vectors for %d documents" % (len(rows), len(docs)))
        return bad
    for i, got in enumerate(rows):
        row = x.getrow(i)
        want = dict(zip(row.indices.tolist(), row.data.tolist()))
        # sklearn drops the zeros of an idf product; the C side keeps them
        got = {c: v for c, v in got.items() if v != 0.0 or c in want}
        if got.keys() != want.keys() or not all(
                close(got[c], want[c]) for c in want):
            bad.append("document %d (row %d): %r" % (i, i, docs[i][:60]))
            if len(bad) > 5:
                break
    return bad


def corpus(args):
    with open(args.csv, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if args.column not in (reader.fieldnames or []):
            sys.exit("text_vectors: %s: no column %r" % (args.csv,
                                                         args.column))
        docs = [row[args.column] or "" for row in reader]
    if args.limit:
        docs = docs[:args.limit]
    if any("\0" in d for d in docs):
        sys.exit("text_vectors: a document holds a NUL byte")
    data = b"".join(d.encode() + b"\0" for d in docs)
    failed = 0
    for line in args.spec or SETTINGS:
        s = parse_spec(line)
        try:
            s = untied_max_features(s, docs)
            fit(s, docs)
            refused = None
        except ValueError as e:
            refused = str(e)
        p = subprocess.run([args.bin, "--vectors", spec_line(s)],
                           input=data, capture_output=True, check=False)
        if refused is not None or p.returncode != 0:
            # a setting sklearn refuses for this corpus (max_df below
            # min_df, no term left) must be refused by both
            both = refused is not None and p.returncode == 1
            print("%s: %s; sklearn: %s; %s: %s" % (
                s["name"], "both refuse" if both else "DIFFERENT",
                refused or "fits", args.bin,
                p.stderr.decode().strip() or "fits"))
            failed |= not both
            continue
        bad = compare(s, docs, p.stdout.decode())
        print("%s: %d documents, %s" % (s["name"], len(docs),
                                        "; ".join(bad) if bad else "same"))
        failed |= bool(bad)
    return failed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir", nargs="?")
    ap.add_argument("--csv")
    ap.add_argument("--column", default="body")
    ap.add_argument("--spec", action="append")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--bin", default="build/tests/test_text")
    args = ap.parse_args()
    if args.csv:
        sys.exit(corpus(args))
    if not args.outdir:
        ap.error("OUTDIR or --csv")
    make_outdir(args.outdir)


if __name__ == "__main__":
    main()
