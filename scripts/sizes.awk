# make lint: a C file of about one job and functions of one job.
# Definitions follow STYLE.md: the name starts a line, the body's "{"
# and "}" stand alone in column 1.  Usage:
#   awk -v max_file=1000 -v max_func=150 -f scripts/sizes.awk FILE...

FNR == 1 {
    if (prev != "" && prev_lines > max_file) {
        printf "%s: %d lines (at most %d)\n", prev, prev_lines, max_file
        bad = 1
    }
    start = 0
}

/^[A-Za-z_][A-Za-z0-9_]*\(/ {
    name = $0
    sub(/\(.*/, "", name)
}

/^\{$/ {
    start = FNR
}

/^\}$/ && start {
    n = FNR - start - 1
    if (n > max_func) {
        printf "%s:%d: %s: %d lines (at most %d)\n", FILENAME, start,
               name, n, max_func
        bad = 1
    }
    start = 0
}

{
    prev = FILENAME
    prev_lines = FNR
}

END {
    if (prev != "" && prev_lines > max_file) {
        printf "%s: %d lines (at most %d)\n", prev, prev_lines, max_file
        bad = 1
    }
    exit bad
}
