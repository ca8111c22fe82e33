package MlclfMetrics;

# Checks of /metrics text for the t/01x-metrics files: promtool's own
# check, the conformance rules promtool does not enforce (HELP and TYPE
# for every family, no duplicate series, cumulative buckets ending in
# le="+Inf" equal to _count), a parser to read exact values, and a
# bounded wait for counts of requests already answered.

use strict;
use warnings;

use File::Temp qw(tempfile);
use HTTP::Tiny;
use Test::More ();
use Time::HiRes ();

use Exporter 'import';
our @EXPORT_OK = qw(promtool promtool_check conformance metrics_text_ok
                    metrics_patterns_ok parse_metrics value wait_metrics
                    metrics_getter);

# wait_metrics: reads at most $Tries times, $Delay seconds apart
our $Tries = 200;
our $Delay = 0.01;

sub promtool { $ENV{MLCLF_PROMTOOL} || '/usr/bin/promtool' }

# (exit code, output) of "promtool check metrics" on $text
sub promtool_check {
    my ($text) = @_;
    my ($fh, $file) = tempfile('mlclf-metrics-XXXXXX', TMPDIR => 1,
                               UNLINK => 1);
    binmode $fh;
    print $fh $text;
    close $fh;

    my $bin = promtool();
    my $out = qx{'$bin' check metrics < '$file' 2>&1};
    return ($? >> 8, $out);
}

# Two tests on one /metrics text: promtool's check passes silently, and
# the conformance rules hold.  Their names start with $prefix.
sub metrics_text_ok {
    my ($text, $prefix) = @_;

    my ($rc, $out) = promtool_check($text);
    Test::More::is("$rc $out", '0 ', "${prefix}promtool check metrics");
    Test::More::is(join("\n", conformance($text)), '', "${prefix}conformance");
}

# The sections "--- metrics_like" and "--- metrics_unlike" of a block:
# a qr// or an array of them that a /metrics text must match, or must
# not match, one test each.  Several patterns on one reply, and a like
# and an unlike on the same reply, cannot be said with response_body_like
# and response_body_unlike under upstream Test::Nginx (see
# t/lib/README.md).  Call from an add_response_body_check callback.
sub metrics_patterns_ok {
    my ($block, $text, $prefix) = @_;

    for my $sec (qw(metrics_like metrics_unlike)) {
        # upstream makes an accessor only for the sections of the file
        my $v = $block->can($sec) ? $block->$sec : undef;
        next unless defined $v;

        my @res = ref $v eq 'ARRAY' ? @$v : ($v);
        my $n = 0;

        for my $re (@res) {
            my $name = "$prefix$sec " . ++$n . "/" . scalar(@res);

            die "$name: not a qr//\n" unless ref $re eq 'Regexp';

            if ($sec eq 'metrics_like') {
                Test::More::like($text, $re, $name);
            } else {
                Test::More::unlike($text, $re, $name);
            }
        }
    }
}

# { 'name{labels}' => value } from the sample lines, labels as written
sub parse_metrics {
    my ($text) = @_;
    my %v;

    for my $line (split /\n/, $text) {
        next if $line =~ /^#/ || $line eq '';
        my ($series, $value) = $line =~ /^(\S+(?:\{.*\})?) (\S+)$/
            or next;
        $v{$series} = $value;
    }

    return \%v;
}

# the value of one series, 0 + ..., or undef when absent
sub value {
    my ($text, $series) = @_;
    my $v = parse_metrics($text)->{$series};
    return defined $v ? 0 + $v : undef;
}

# The module counts a request in NGINX's log phase, which runs after the
# reply is written (and, when a body is discarded, only once it has been
# read), so a client holding its reply can scrape /metrics, answered by
# another worker, before the count is made.  The count is late, never
# lost: a check of requests already answered waits for it here, then
# asserts the exact values on the text returned.
#
# $get is a code ref returning the text of one GET /metrics, or undef;
# $want is { 'name{labels}' => value }.  Returns the first text that
# holds every value of $want, or after $Tries reads the last one (undef
# when none came), for the caller's exact checks to fail on.
sub wait_metrics {
    my ($get, $want) = @_;
    my $text;

    for my $try (1 .. $Tries) {
        Time::HiRes::sleep($Delay) if $try > 1;

        my $t = $get->();
        next unless defined $t;
        $text = $t;

        my $v = parse_metrics($text);
        return $text unless grep { !same($v->{$_}, $want->{$_}) }
                            keys %$want;
    }

    return $text;
}

# a sample value (a string, or undef when absent) equals $want
sub same {
    my ($got, $want) = @_;

    return 0 unless defined $got;
    return 1 if $got eq $want;
    return $got =~ /^-?[0-9]+(?:\.[0-9]+)?(?:e[-+]?[0-9]+)?$/
           && $got == $want;
}

# a $get for wait_metrics: GET $url on a new connection each time
sub metrics_getter {
    my ($url) = @_;
    my $ua = HTTP::Tiny->new(keep_alive => 0, timeout => 10);

    return sub {
        my $r = $ua->get($url);
        return $r->{status} == 200 ? $r->{content} : undef;
    };
}

# a list of problems; empty when the text conforms
sub conformance {
    my ($text) = @_;
    my (@problems, %help, %type, %seen, %hist, %count);

    if ($text !~ /\n\z/) {
        push @problems, 'does not end in a line feed';
    }

    for my $line (split /\n/, $text) {
        if ($line =~ /^# HELP (\S+) ./) {
            push @problems, "second HELP for $1" if $help{$1}++;
            next;
        }

        if ($line =~ /^# TYPE (\S+) (counter|gauge|histogram)$/) {
            push @problems, "second TYPE for $1" if $type{$1};
            push @problems, "TYPE before HELP for $1" unless $help{$1};
            $type{$1} = $2;
            next;
        }

        if ($line =~ /^#/) {
            push @problems, "bad comment: $line";
            next;
        }

        my ($name, $labels, $value) =
            $line =~ /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/
            or do { push @problems, "bad line: $line"; next };

        $labels = '' unless defined $labels;

        if ($labels ne ''
            && $labels !~ /^\{(?:[a-z_]+="(?:[^"\\\n]|\\[\\"n])*",?)+\}$/)
        {
            push @problems, "bad label values: $line";
        }

        push @problems, "duplicate series: $name$labels"
            if $seen{"$name$labels"}++;

        push @problems, "bad value: $line"
            unless $value =~ /^-?[0-9]+(?:\.[0-9]+)?(?:e[-+]?[0-9]+)?$/;

        my $family = $name;

        if (!$type{$name} && $name =~ /^(.*)_(bucket|sum|count)$/
            && ($type{$1} || '') eq 'histogram')
        {
            $family = $1;
            my $suffix = $2;
            # two histograms may have the same labels
            (my $key = "$family$labels") =~ s/,?le="[^"]*"//;

            if ($suffix eq 'bucket') {
                my ($le) = $labels =~ /le="([^"]*)"/;
                my $prev = $hist{$key};
                push @problems, "bucket not cumulative: $line"
                    if defined $prev && $value < $prev->{value};
                $hist{$key} = { value => $value, le => $le };

            } elsif ($suffix eq 'count') {
                my $last = $hist{$key};

                if (!$last || $last->{le} ne '+Inf') {
                    push @problems, "no le=\"+Inf\" bucket before $line";

                } elsif ($last->{value} != $value) {
                    push @problems, "+Inf bucket $last->{value} is not"
                                    . " _count $value";
                }

                $count{$key}++;
            }
        }

        push @problems, "no HELP or TYPE for $name"
            unless $help{$family} && $type{$family};
    }

    return @problems;
}

1;
