#!/usr/bin/env bash
# make check-docs: the documentation's links hold and its tables are
# written once.
#
#   scripts/check-docs.sh [ROOT]      (ROOT: the repository, by default
#                                      the one this script is in)
#
# Over ROOT/README.md and ROOT/docs/*.md it checks that
#   - every relative link and image names a file or directory that
#     exists inside ROOT, and every #anchor a heading (GitHub's slug:
#     lowercase, punctuation dropped, spaces to hyphens, -1, -2 for
#     repeats) or an explicit id of the Markdown page it points into;
#     an anchor into a file that is not Markdown must be a line (#L12);
#   - no table appears twice: two tables with the same header row
#     (cells compared without case and extra spaces) are one table
#     written in two places, the fault issue 17 found in the README;
#   - every docs/*.md page is linked from README.md, so each is one
#     click from the top.
# Links to other sites (any scheme:) are not followed.  Text in code
# blocks and code spans is neither a link, a heading nor a table.
# Exit 0 when all hold, 1 with one line per fault otherwise, 2 on a bad
# command line or a missing prerequisite (python3).
set -euo pipefail

root=${1:-$(cd "$(dirname "$0")/.." && pwd)}

if ! command -v python3 >/dev/null 2>&1; then
    echo "check-docs: python3 is missing (apt-get install python3)" >&2
    exit 2
fi
if [ ! -f "$root/README.md" ]; then
    echo "check-docs: $root/README.md: no such file" >&2
    exit 2
fi

exec python3 - "$root" <<'PY'
import glob
import os
import re
import sys
import urllib.parse

root = os.path.realpath(sys.argv[1])
faults = []

FENCE = re.compile(r'^ {0,3}(`{3,}|~{3,})')
CODE_SPAN = re.compile(r'(`+)(.+?)\1')
INLINE_LINK = re.compile(r'!?\[((?:[^\[\]]|\[[^\[\]]*\])*)\]'
                         r'\(\s*(<[^>]*>|[^)\s]*)(?:\s+"[^"]*")?\s*\)')
REF_DEF = re.compile(r'^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)')
ATX = re.compile(r'^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$')
SETEXT = re.compile(r'^ {0,3}(=+|-+)[ \t]*$')
HTML_ID = re.compile(r'<a\s[^>]*\b(?:id|name)\s*=\s*"([^"]+)"', re.I)
DELIM = re.compile(r'^ {0,3}\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$')
SCHEME = re.compile(r'^[A-Za-z][A-Za-z0-9+.-]*:')


def prose_lines(path):
    """(line number, text) of the lines outside fenced code blocks."""
    out = []
    fence = None
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n')
            m = FENCE.match(line)
            if fence is None:
                if m:
                    fence = m.group(1)
                    continue
                out.append((n, line))
            elif (m and m.group(1)[0] == fence[0]
                  and len(m.group(1)) >= len(fence)
                  and line.strip() == m.group(1)):
                fence = None
    return out


def slug(text):
    """GitHub's anchor for a heading's text."""
    text = CODE_SPAN.sub(lambda m: m.group(2), text)
    text = re.sub(r'!?\[([^\]]*)\]\([^)]*\)', r'\1', text)
    text = re.sub(r'<[^>]+>', '', text)
    text = text.strip().lower()
    text = re.sub(r'[^\w\- ]', '', text)
    return text.replace(' ', '-')


anchor_cache = {}


def anchors(path):
    if path in anchor_cache:
        return anchor_cache[path]
    seen = {}
    found = set()
    lines = prose_lines(path)
    prev = None
    for n, line in lines:
        heading = None
        m = ATX.match(line)
        if m:
            heading = m.group(2)
        elif (prev is not None and prev[0] == n - 1 and prev[1].strip()
              and SETEXT.match(line) and not DELIM.match(prev[1])
              and not ATX.match(prev[1])):
            heading = prev[1].strip()
        if heading is not None:
            s = slug(heading)
            k = seen.get(s, 0)
            found.add(s if k == 0 else '%s-%d' % (s, k))
            seen[s] = k + 1
        for i in HTML_ID.findall(line):
            found.add(i)
        prev = (n, line)
    anchor_cache[path] = found
    return found


def rel(path):
    return os.path.relpath(path, root)


def check_link(src, n, target):
    if target.startswith('<') and target.endswith('>'):
        target = target[1:-1]
    if not target or SCHEME.match(target) or target.startswith('//'):
        return 0
    path, _, frag = target.partition('#')
    path = urllib.parse.unquote(path)
    frag = urllib.parse.unquote(frag)
    where = '%s:%d' % (rel(src), n)
    if path:
        if path.startswith('/'):
            dest = os.path.join(root, path.lstrip('/'))
        else:
            dest = os.path.join(os.path.dirname(src), path)
        dest = os.path.realpath(dest)
        if dest != root and not dest.startswith(root + os.sep):
            faults.append('%s: link "%s" leaves the repository'
                          % (where, target))
            return 1
        if not os.path.exists(dest):
            faults.append('%s: link "%s": no such file %s'
                          % (where, target, rel(dest)))
            return 1
    else:
        dest = src
    if not frag:
        return 1
    if os.path.isdir(dest):
        faults.append('%s: link "%s": an anchor into a directory'
                      % (where, target))
    elif dest.endswith('.md'):
        if frag not in anchors(dest):
            faults.append('%s: link "%s": no heading or id "%s" in %s'
                          % (where, target, frag, rel(dest)))
    elif not re.fullmatch(r'L\d+(-L\d+)?', frag):
        faults.append('%s: link "%s": "#%s" in a file that is not '
                      'Markdown (only #L<line> is)' % (where, target, frag))
    return 1


def cells(row):
    row = CODE_SPAN.sub(lambda m: m.group(0).replace('|', '\x00'), row)
    row = row.strip()
    if row.startswith('|'):
        row = row[1:]
    if row.endswith('|') and not row.endswith('\\|'):
        row = row[:-1]
    parts = re.split(r'(?<!\\)\|', row)
    return tuple(' '.join(p.replace('\x00', '|').split()).lower()
                 for p in parts)


pages = [os.path.join(root, 'README.md')]
pages += sorted(glob.glob(os.path.join(root, 'docs', '*.md')))

n_links = 0
tables = {}
readme_targets = set()

for page in pages:
    lines = prose_lines(page)
    for i, (n, line) in enumerate(lines):
        text = CODE_SPAN.sub('x', line)
        targets = [m.group(2) for m in INLINE_LINK.finditer(text)]
        m = REF_DEF.match(text)
        if m:
            targets.append(m.group(1))
        for t in targets:
            n_links += check_link(page, n, t)
            if page == pages[0] and not SCHEME.match(t):
                p = urllib.parse.unquote(t.strip('<>').partition('#')[0])
                if p:
                    readme_targets.add(os.path.realpath(
                        os.path.join(root, p)))
        if (i + 1 < len(lines) and lines[i + 1][0] == n + 1
                and '|' in line and DELIM.match(lines[i + 1][1])):
            key = cells(line)
            tables.setdefault(key, []).append('%s:%d' % (rel(page), n))

for key, places in sorted(tables.items()):
    if len(places) > 1:
        faults.append('%s: the table with header "| %s |" appears %d '
                      'times: %s' % (places[1], ' | '.join(key),
                                     len(places), ', '.join(places)))

for page in pages[1:]:
    if os.path.realpath(page) not in readme_targets:
        faults.append('README.md: no link to %s (every docs page is one '
                      'click from the README)' % rel(page))

for f in faults:
    print('check-docs: ' + f)
if faults:
    print('check-docs: %d fault(s) in %d files' % (len(faults), len(pages)))
    sys.exit(1)
print('check-docs: %d files, %d links, %d tables: ok'
      % (len(pages), n_links, len(tables)))
PY
