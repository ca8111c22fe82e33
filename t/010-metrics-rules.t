# conf/prometheus/ without nginx: the scrape config and both rule files
# pass promtool check; the alerts' and the recording rules' unit tests
# pass promtool test rules, each loading its own rule file only, and
# every alert has a case where it fires and one where it must not; the
# rules and the Grafana dashboard name only series the module exports
# (ngx_http_mlclf_module/ngx_http_mlclf_metrics.h), the dashboard no
# recording rule; every aggregation of a rule keeps the job label and
# every series a dashboard query selects is filtered by $job; every
# dashboard query is PromQL that promtool accepts.  Fails, never skips,
# without promtool (Debian: apt-get install prometheus; make
# check-prometheus installs it).  Helpers: t/lib/MlclfPromKit.pm.

use strict;
use warnings;

use Test::More;
use MlclfFixtures qw(tmpdir slurp spit);
use MlclfPromKit qw(kit_dir promtool_path rules dashboard
                    dashboard_queries selectors exported_names
                    expand_vars);

my $promtool = promtool_path();
my $dir = kit_dir();

if (!-x $promtool) {
    fail("$promtool not found: apt-get install prometheus"
         . " (or scripts/install-deps.sh prometheus)");
    done_testing();
    exit 1;
}

sub run {
    my (@args) = @_;
    my $out = qx{cd '$dir' && '$promtool' @args 2>&1};
    return ($? >> 8, $out);
}

my %file = (
    alerts    => 'mlclf-alerts.rules.yml',
    recording => 'mlclf-recording.rules.yml',
);
my %test = (
    alerts    => 'mlclf-alerts.test.yml',
    recording => 'mlclf-recording.test.yml',
);

my ($rc, $out) = run('check', 'config', 'prometheus.yml');
is($rc, 0, 'promtool check config prometheus.yml') or diag $out;
like($out, qr/SUCCESS: 2 rule files found/, 'it finds both rule files');

my %rules = map { $_ => rules($file{$_}) } keys %file;

for my $k (sort keys %file) {
    ($rc, $out) = run('check', 'rules', $file{$k});
    is($rc, 0, "promtool check rules $file{$k}") or diag $out;
    unlike($out, qr/WARNING|FAILED/i, "$file{$k}: no warning");

    my $n = scalar @{ $rules{$k} };
    like($out, qr/SUCCESS: $n rules found/,
         "$file{$k}: promtool and the test read the same $n rules");

    ($rc, $out) = run('test', 'rules', $test{$k});
    is($rc, 0, "promtool test rules $test{$k}") or diag $out;

    my ($list) = slurp("$dir/$test{$k}") =~ /^rule_files:\n((?:  - .*\n)+)/m;
    is($list, "  - $file{$k}\n", "$test{$k} loads $file{$k} alone");
}

# every alert: a case where it fires, one where it does not
my $atest = slurp("$dir/$test{alerts}");

for my $r (@{ $rules{alerts} }) {
    my $a = quotemeta $r->{name};

    like($atest, qr/alertname: $a\n\s+exp_alerts:\n\s+- exp_labels:/,
         "$r->{name}: a case where it fires");
    like($atest, qr/alertname: $a\n\s+exp_alerts: \[\]/,
         "$r->{name}: a case where it must not");
}

# every recording rule has its values tested
my $rtest = slurp("$dir/$test{recording}");

for my $r (@{ $rules{recording} }) {
    next if $r->{name} =~ /_bucket:/;   # tested through the quantiles
    like($rtest, qr/^\s*- expr: .*\Q$r->{name}\E(?![\w:])/m,
         "$r->{name}: tested");
}

# the series each query names
my $exported = exported_names();
my %recorded;
my @bad;

ok($exported->{mlclf_requests_total}
   && $exported->{mlclf_request_duration_seconds_bucket}
   && $exported->{nginx_connections_active},
   'names exported: ' . scalar(keys %$exported));

for my $r (@{ $rules{recording} }) {
    for my $s (@{ selectors($r->{expr}) }) {
        push @bad, "$file{recording} $r->{name}: $s->{name}"
            unless $exported->{$s->{name}} || $recorded{$s->{name}};
    }
    $recorded{$r->{name}} = 1;
}

for my $r (@{ $rules{alerts} }) {
    for my $s (@{ selectors($r->{expr}) }) {
        push @bad, "$file{alerts} $r->{name}: $s->{name}"
            unless $exported->{$s->{name}};
    }
}

is(join("\n", @bad), '',
   'the rules use exported series, the alerts no recorded one');

# aggregations keep the job label
@bad = ();

for my $k (sort keys %rules) {
    for my $r (@{ $rules{$k} }) {
        while ($r->{expr} =~ /\b(by|without)\s*\(([^)]*)\)/g) {
            push @bad, "$r->{name}: $1 ($2)"
                if $1 eq 'without' || $2 !~ /\bjob\b/;
        }
    }
}

is(join("\n", @bad), '', 'every "by" of the rules keeps job');

# the dashboard
my $dash = dashboard();
my $queries = dashboard_queries($dash);
my $panels = 0;
my (%ids, @nojob);

@bad = ();

for my $q (@$queries) {
    my $sel = selectors($q->{expr});

    push @bad, "$q->{where}: selects no series" unless @$sel;

    for my $s (@$sel) {
        push @bad, "$q->{where}: $s->{name}" unless $exported->{$s->{name}};

        next if $q->{variable} && $q->{variable}{name} eq 'job';

        my $m = $s->{matchers}{job} // '';
        push @nojob, "$q->{where}: $s->{name} {job$m}"
            if $m ne '=~"$job"';
    }
}

is(join("\n", @bad), '',
   'the dashboard uses exported series only, no recording rule');
is(join("\n", @nojob), '',
   'every series of every panel and variable is filtered by job=~"$job"');

@bad = ();

for my $p (@{ $dash->{panels} }) {
    my %ref;

    $panels++;
    push @bad, "panel id $p->{id} twice" if $ids{$p->{id}}++;
    push @bad, "panel \"$p->{title}\": no query" unless @{ $p->{targets} };

    for my $ds ($p->{datasource}, map { $_->{datasource} } @{ $p->{targets} })
    {
        push @bad, "panel \"$p->{title}\": data source not \${datasource}"
            unless ($ds->{uid} // '') eq '${datasource}';
    }

    for my $t (@{ $p->{targets} }) {
        push @bad, "panel \"$p->{title}\": refId $t->{refId} twice"
            if $ref{$t->{refId}}++;
    }
}

is(join("\n", @bad), '', "$panels panels: ids, refIds, data source");
ok($panels >= 10 && @$queries >= 20,
   "$panels panels, " . scalar(@$queries) . ' queries');

# every query parses: each as a recording rule of a scratch rule file,
# with the variables as Grafana's "All" gives them
my $tmp = tmpdir();
my $yml = "groups:\n  - name: mlclf.dashboard\n    rules:\n";
my $n = 0;

for my $q (@$queries) {
    my $e = expand_vars($q->{expr}, job => '.*', model => '.*',
                        version => '.*');
    $e =~ s/'/''/g;
    $yml .= sprintf("      - record: mlclf_dashboard_query_%d\n"
                    . "        expr: '%s'\n", ++$n, $e);
}

spit("$tmp/dashboard.rules.yml", $yml);
$out = qx{'$promtool' check rules '$tmp/dashboard.rules.yml' 2>&1};
is($? >> 8, 0, "the $n dashboard queries are PromQL promtool accepts")
    or diag $out;

done_testing();
