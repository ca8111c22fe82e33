package MlclfPromKit;

# The Prometheus kit of conf/prometheus/ as the t/010-metrics-rules.t and
# t/010-metrics-prometheus.t files read it: the rules of a rule file
# (name and PromQL), the queries of the Grafana dashboard, and the
# series selectors of a PromQL expression, so that the tests can check
# every name a query uses and every label matcher it applies.  The
# PromQL reader knows what the kit's queries use (selectors, ranges,
# functions, aggregations with by/without, binary operators with
# on/ignoring/group_*), not the whole language: a query it cannot read
# makes selectors() die, which fails the test.

use strict;
use warnings;

use JSON::PP ();
use MlclfFixtures qw(repo slurp);

use Exporter 'import';
our @EXPORT_OK = qw(kit_dir promtool_path rules dashboard
                    dashboard_queries selectors exported_names
                    expand_vars);

sub kit_dir { repo() . '/conf/prometheus' }

sub promtool_path { $ENV{MLCLF_PROMTOOL} || '/usr/bin/promtool' }

# [ { kind => 'alert' | 'record', name => ..., expr => ... }, ... ] of a
# rule file of the kit, in file order.  Reads the subset of YAML the
# kit writes: "- alert: NAME" or "- record: NAME", then "expr:" with a
# plain one-line value or a folded block ("expr: >") of deeper lines.
sub rules {
    my ($file) = @_;
    my @lines = split /\n/, slurp(kit_dir() . "/$file");
    my (@rules, $cur);

    for (my $i = 0; $i < @lines; $i++) {
        my $l = $lines[$i];

        next if $l =~ /^\s*#/;

        if ($l =~ /^\s*- (alert|record): (\S+)\s*$/) {
            $cur = { kind => $1, name => $2 };
            push @rules, $cur;
            next;
        }

        next unless $cur && $l =~ /^(\s*)expr: (.*)$/;

        my ($indent, $v) = (length $1, $2);

        if ($v !~ /^>-?\s*$/) {
            $cur->{expr} = $v;
            next;
        }

        my @body;

        while ($i + 1 < @lines
               && ($lines[$i + 1] =~ /^\s*$/
                   || $lines[$i + 1] =~ /^(\s*)/ && length $1 > $indent))
        {
            my $b = $lines[++$i];
            last if $b =~ /^\s*$/;
            $b =~ s/^\s+|\s+$//g;
            push @body, $b;
        }

        $cur->{expr} = join ' ', @body;
    }

    die "$file: a rule without expr\n" if grep { !defined $_->{expr} } @rules;

    return \@rules;
}

sub dashboard {
    return JSON::PP->new->decode(slurp(kit_dir() . '/mlclf-dashboard.json'));
}

# [ { where => 'panel "title" A', expr => ... }, ... ]: every panel
# target, then the template variables' queries but the data source's
sub dashboard_queries {
    my ($dash) = @_;
    my @q;

    for my $p (@{ $dash->{panels} }) {
        for my $t (@{ $p->{targets} || [] }) {
            push @q, { where => "panel \"$p->{title}\" $t->{refId}",
                       expr  => $t->{expr}, panel => $p, target => $t };
        }
    }

    for my $v (@{ $dash->{templating}{list} }) {
        next if $v->{type} ne 'query';

        my $q = ref $v->{query} ? $v->{query}{query} : $v->{query};
        my ($metric) = $q =~ /^label_values\((.*),\s*\w+\)$/
            or die "variable $v->{name}: not label_values(): $q\n";

        push @q, { where => "variable \$$v->{name}", expr => $metric,
                   variable => $v };
    }

    return \@q;
}

# $expr with the dashboard's variables replaced: $job, $model, $version
# by the values of %v (regular expressions, as Grafana's)
sub expand_vars {
    my ($expr, %v) = @_;

    $expr =~ s/\$\{?(\w+)\}?/exists $v{$1} ? $v{$1}
                              : die "no value for \$$1\n"/ge;
    return $expr;
}

my %Keyword = map { $_ => 1 } qw(
    and or unless bool offset by without on ignoring group_left
    group_right sum min max avg count stddev stdvar topk bottomk quantile
    count_values group
);

my %Grouping = map { $_ => 1 } qw(by without on ignoring group_left
                                  group_right);

# [ { name => 'mlclf_requests_total', matchers => { job => '=~"$job"',
# ... } }, ... ]: the series selectors of $expr, each with its label
# matchers keyed by label (operator and quoted value as written)
sub selectors {
    my ($expr) = @_;
    my @sel;
    my $s = $expr;

    pos($s) = 0;

    while (pos($s) < length $s) {
        if ($s =~ /\G\s+/gc || $s =~ /\G\[[^\]]*\]/gc
            || $s =~ /\G[0-9][0-9.eE+-]*/gc
            || $s =~ /\G(?:==|!=|>=|<=|[-+*\/%^><(),])/gc)
        {
            next;
        }

        if ($s =~ /\G"(?:[^"\\]|\\.)*"/gc) {
            next;
        }

        if ($s =~ /\G([a-zA-Z_:][a-zA-Z0-9_:]*)/gc) {
            my $word = $1;

            if ($Grouping{$word}) {
                $s =~ /\G\s*\([^)]*\)/gc
                    or $word =~ /^group_/
                    or die "$expr: \"$word\" without a label list\n";
                next;
            }

            if ($s =~ /\G(?=\s*\()/gc) {
                next;           # a function or an aggregation
            }

            next if $Keyword{$word};

            my %m;

            if ($s =~ /\G\s*\{((?:[^}"]|"(?:[^"\\]|\\.)*")*)\}/gc) {
                %m = matchers($expr, $1);
            }

            push @sel, { name => $word, matchers => \%m };
            next;
        }

        if ($s =~ /\G\{((?:[^}"]|"(?:[^"\\]|\\.)*")*)\}/gc) {
            push @sel, { name => '', matchers => { matchers($expr, $1) } };
            next;
        }

        die "$expr: cannot read at \"" . substr($s, pos($s), 20) . "\"\n";
    }

    return \@sel;
}

sub matchers {
    my ($expr, $text) = @_;
    my %m;

    while ($text =~ /\G\s*(\w+)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*")\s*,?/gc)
    {
        $m{$1} = "$2$3";
    }

    die "$expr: bad label matchers {$text}\n"
        if (pos($text) // 0) != length $text && $text =~ /\S/;

    return %m;
}

# { name => 1 } of every sample line of the module's format strings
# (ngx_http_mlclf_metrics.h: a name followed by its labels or value, in
# one string or two), and "up", which Prometheus adds
sub exported_names {
    my %known;
    my $h = slurp(repo() . '/ngx_http_mlclf_module/ngx_http_mlclf_metrics.h');

    $known{$1}++
        while $h =~ /"((?:nginx|mlclf)_[a-z_]+)(?:\{| %|"[\s\\]*"\{)/g;
    $known{up}++;

    return \%known;
}

1;
