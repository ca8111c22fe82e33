#!/usr/bin/env bash
# Tests of scripts/check-docs.sh, in TAP: small trees with one fault each
# must fail naming it, a clean one must pass, and a copy of this
# repository's documentation with a link or a table broken on purpose
# must fail naming exactly that.  Exit 1 if any case does not hold.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
check=$root/scripts/check-docs.sh

for tool in python3 git; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "check-docs-test: $tool is missing" >&2
        exit 2
    fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-docs-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

n=0
failed=0

# case NAME WANT_RC PATTERN DIR: check-docs on DIR exits WANT_RC and,
# if PATTERN is not empty, prints a line matching it (grep -E).
case_() {
    local name=$1 want=$2 pattern=$3 dir=$4 rc=0 out
    n=$((n + 1))
    out=$("$check" "$dir" 2>&1) || rc=$?
    if [ "$rc" -eq "$want" ] \
       && { [ -z "$pattern" ] || grep -Eq -- "$pattern" <<<"$out"; }
    then
        echo "ok $n - $name"
    else
        echo "not ok $n - $name (exit $rc, want $want)"
        [ -z "$pattern" ] || echo "#   wanted a line matching /$pattern/"
        while IFS= read -r line; do
            echo "#   $line"
        done <<<"$out"
        failed=$((failed + 1))
    fi
}

# A small clean tree: headings with code, punctuation and repeats,
# a setext heading, an explicit id, code blocks that look like links,
# headings and tables, a directory link and a source line link.
mini() {
    local d=$tmp/$1
    mkdir -p "$d/docs" "$d/src"
    echo 'int x;' > "$d/src/a.c"
    cat > "$d/README.md" <<'EOF'
# Top

See [the API](docs/api.md), [errors](docs/api.md#errors),
[the second errors](docs/api.md#errors-1),
[setext](docs/api.md#a-setext-heading),
[id](docs/api.md#custom-id), [source](src/a.c#L1), [src](src/),
[other](https://example.org/x.md) and ![img](src/a.c).

| a | b |
|---|---|
| 1 | 2 |
EOF
    cat > "$d/docs/api.md" <<'EOF'
# The `/predict` API; v2!

Back to [the top](../README.md#top), [here](#the-predict-api-v2).

## Errors

## Errors

A setext heading
----------------

<a id="custom-id"></a>

| status | reason |
|:--|--:|
| 400 | `a|b` |

```
[not a link](nowhere.md)
# not a heading
| a | b |
|---|---|
```

Inline `[not a link](nowhere.md)` either.
EOF
    echo "$d"
}

d=$(mini clean)
case_ "a clean tree passes" 0 ': ok$' "$d"

d=$(mini file)
echo 'A [missing page](docs/nope.md).' >> "$d/README.md"
case_ "a link to a missing file fails" 1 \
      'README.md:[0-9]+: link "docs/nope.md": no such file' "$d"

d=$(mini anchor)
echo 'A [missing heading](docs/api.md#nope).' >> "$d/README.md"
case_ "a link to a missing heading fails" 1 \
      'link "docs/api.md#nope": no heading or id "nope"' "$d"

d=$(mini local)
echo 'A [missing heading here](#nope).' >> "$d/docs/api.md"
case_ "a same-page anchor that is missing fails" 1 \
      'docs/api.md:[0-9]+: link "#nope"' "$d"

d=$(mini codeanchor)
echo 'A [heading in code](docs/api.md#not-a-heading).' >> "$d/README.md"
case_ "a heading inside a code block is no anchor" 1 \
      'no heading or id "not-a-heading"' "$d"

d=$(mini srcanchor)
echo 'A [symbol](src/a.c#x).' >> "$d/README.md"
case_ "an anchor into a source file must be a line" 1 \
      'link "src/a.c#x": "#x" in a file that is not Markdown' "$d"

d=$(mini outside)
echo 'An [escape](../../etc/passwd).' >> "$d/README.md"
case_ "a link out of the repository fails" 1 'leaves the repository' "$d"

d=$(mini table)
printf '\n| Status  |  reason |\n|---|---|\n| 405 | x |\n' >> "$d/README.md"
case_ "a table written twice (same header row) fails" 1 \
      'the table with header "\| status \| reason \|" appears 2 times' "$d"

d=$(mini orphan)
echo '# Lost' > "$d/docs/lost.md"
case_ "a docs page not linked from the README fails" 1 \
      'README.md: no link to docs/lost.md' "$d"

d=$tmp/noreadme
mkdir -p "$d"
case_ "a tree without README.md is refused" 2 'README.md: no such file' "$d"

# This repository's documentation, broken on purpose: the fault must be
# reported by name (the copy may have other faults; it is a copy of the
# working tree as it is).
copy() {
    local d=$tmp/$1
    mkdir -p "$d"
    (cd "$root" && git ls-files -co --exclude-standard -z \
        | grep -zv -e '^build/' -e '^var/' \
        | xargs -0 cp --parents -t "$d" 2>/dev/null) || true
    if [ ! -f "$d/README.md" ] || [ ! -f "$d/docs/api.md" ]; then
        echo "check-docs-test: copying $root failed" >&2
        exit 2
    fi
    echo "$d"
}

d=$(copy repo-link)
sed -i 's|(docs/api.md)|(docs/api-gone.md)|' "$d/README.md"
case_ "the repository with a broken README link fails" 1 \
      'README.md:[0-9]+: link "docs/api-gone.md": no such file' "$d"

d=$(copy repo-anchor)
sed -i 's|(api.md#a-json-413)|(api.md#a-json-414)|' "$d/docs/directives.md"
case_ "the repository with a broken anchor fails" 1 \
      'docs/directives.md:[0-9]+: link "api.md#a-json-414": no heading' "$d"

d=$(copy repo-table)
printf '\n| status | reason | when |\n|---|---|---|\n| 405 | x | y |\n' \
    >> "$d/docs/troubleshooting.md"
case_ "the repository with the /predict error table twice fails" 1 \
      'header "\| status \| reason \| when \|" appears 2 times: docs/api.md' \
      "$d"

echo "1..$n"
if [ "$failed" -ne 0 ]; then
    echo "check-docs-test: $failed of $n cases failed" >&2
    exit 1
fi
