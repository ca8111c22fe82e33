#!/usr/bin/env python3
#
# Copyright (C) 2026 The mlclf authors
#
# Checks the shape of data/raw/spam.csv as scripts/spam_csv.py writes it
# and data/README.md describes it; tests/datasets-test.sh runs it.
#
#   tests/spam_csv_check.py CSV [README]
#
# Prints one line per fault and exits 1 if there is any, 0 otherwise.
# With README, the CSV's sha256 must be the one listed there for
# raw/spam.csv.

import csv
import hashlib
import io
import re
import sys


COLUMNS = ["subject", "body", "from_domain", "n_links", "html_share",
           "n_parts", "label"]
ROWS = 6046
CLASSES = {"ham": 4150, "spam": 1896}
BODY_MAX = 100000


def check(data, readme):
    faults = []

    def fault(msg):
        if len(faults) < 20:
            faults.append(msg)

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return ["not UTF-8: %s" % e]

    if "\0" in text:
        fault("a NUL character")
    if "\r" in text:
        fault("a CR character (records and line breaks are LF)")
    if not text.endswith("\n"):
        fault("the last record has no line end")

    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as e:
        return faults + ["not CSV: %s" % e]

    if not rows or rows[0] != COLUMNS:
        fault("header %r, expected %r" % (rows[:1], COLUMNS))
        return faults

    records = rows[1:]
    if len(records) != ROWS:
        fault("%d rows, expected %d" % (len(records), ROWS))

    counts = {}
    for i, r in enumerate(records, 2):
        if len(r) != len(COLUMNS):
            fault("record %d: %d fields" % (i, len(r)))
            continue
        subject, body, domain, links, share, parts, label = r
        counts[label] = counts.get(label, 0) + 1
        if label not in CLASSES:
            fault("record %d: label %r" % (i, label))
        if not re.fullmatch(r"[0-9]+", links):
            fault("record %d: n_links %r" % (i, links))
        if not re.fullmatch(r"[1-9][0-9]*", parts):
            fault("record %d: n_parts %r" % (i, parts))
        if (not re.fullmatch(r"[01]\.[0-9]{4}", share)
                or float(share) > 1):
            fault("record %d: html_share %r" % (i, share))
        if not re.fullmatch(r"[a-z0-9_.\[\]-]+", domain):
            fault("record %d: from_domain %r" % (i, domain))
        if "\n" in subject or subject != subject.strip():
            fault("record %d: subject not one trimmed line" % i)
        if len(body.encode("utf-8")) > BODY_MAX:
            fault("record %d: body over %d bytes" % (i, BODY_MAX))

    if counts != CLASSES:
        fault("classes %r, expected %r" % (counts, CLASSES))

    # RFC 4180 quoting, and only where needed: writing the rows again
    # gives the same bytes
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    if out.getvalue() != text:
        fault("the rows written again differ from the file")

    if readme is not None:
        m = re.search(r"^([0-9a-f]{64})  raw/spam\.csv$", readme, re.M)
        got = hashlib.sha256(data).hexdigest()
        if m is None:
            fault("README: no sha256 line for raw/spam.csv")
        elif m.group(1) != got:
            fault("sha256 %s, README lists %s" % (got, m.group(1)))

    return faults


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: spam_csv_check.py CSV [README]")

    with open(sys.argv[1], "rb") as f:
        data = f.read()

    readme = None
    if len(sys.argv) == 3:
        with open(sys.argv[2], encoding="utf-8") as f:
            readme = f.read()

    faults = check(data, readme)
    for msg in faults:
        print("%s: %s" % (sys.argv[1], msg))

    sys.exit(1 if faults else 0)


if __name__ == "__main__":
    main()
