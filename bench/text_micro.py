#!/usr/bin/python3
"""scikit-learn's side of bench/text_micro.c (Debian's python3-sklearn).

    text_micro.py CONFIG INPUT TRAIN_CSV DOCS [REPEATS]

Builds the vectorizer of text feature INPUT of the training
configuration CONFIG as scikit-learn does it (HashingVectorizer +
TfidfTransformer, or TfidfVectorizer, with the configuration's keys:
bench/spam_accuracy.py's text_step), fits it on that column of
TRAIN_CSV (the train.csv mlclf-train published), then times
transform() on the documents of DOCS (each ended by a NUL byte):

  - one document a call, as a server does for a request: every
    document in turn, and the median document by length alone;
  - all documents in one call (scikit-learn's best case).

Prints one JSON object: nanoseconds per KB (1,024 bytes of UTF-8) and
per document, the median of REPEATS passes (default 3).
"""

import json
import os
import statistics
import sys
import time

import pandas as pd
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spam_accuracy import text_step  # noqa: E402

ONE_SECONDS = 0.2


def main():
    conf, name, train_csv, docs_path = sys.argv[1:5]
    repeats = int(sys.argv[5]) if len(sys.argv) > 5 else 3

    with open(conf) as f:
        cfg = yaml.safe_load(f)
    feature = [f for f in cfg["features"]
               if isinstance(f, dict) and f["name"] == name][0]
    vec = text_step(feature)
    train = pd.read_csv(train_csv, keep_default_na=False)
    vec.fit(train[name].tolist())

    with open(docs_path, "rb") as f:
        raw = f.read().split(b"\0")[:-1]
    docs = [d.decode("utf-8") for d in raw]
    nbytes = sum(len(d) for d in raw)
    # the lower median by length, the earlier of equal ones (text_micro.c)
    order = sorted(range(len(raw)), key=lambda i: (len(raw[i]), i))
    mid = docs[order[(len(docs) - 1) // 2]]

    one, batch, med = [], [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for d in docs:
            vec.transform([d])
        one.append(time.perf_counter() - t0)

        t0 = time.perf_counter()
        vec.transform(docs)
        batch.append(time.perf_counter() - t0)

        calls, t0 = 0, time.perf_counter()
        while True:
            vec.transform([mid])
            calls += 1
            el = time.perf_counter() - t0
            if el >= ONE_SECONDS:
                break
        med.append(el / calls)

    one_s, batch_s = statistics.median(one), statistics.median(batch)
    print(json.dumps({
        "input": name, "documents": len(docs), "bytes": nbytes,
        "repeats": repeats,
        "one_ns_per_kb": one_s * 1e9 / nbytes * 1024,
        "one_ns_per_document": one_s * 1e9 / len(docs),
        "batch_ns_per_kb": batch_s * 1e9 / nbytes * 1024,
        "batch_ns_per_document": batch_s * 1e9 / len(docs),
        "median_document_bytes": len(mid.encode("utf-8")),
        "median_document_ns": statistics.median(med) * 1e9,
        "vectorizer": repr(vec).replace("\n", " ")}))


if __name__ == "__main__":
    main()
