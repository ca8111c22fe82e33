# A real Prometheus scrapes /metrics with the kit of conf/prometheus/:
# Debian's prometheus server on loopback runs the shipped prometheus.yml
# and both rule files (copied into a temporary directory; the target is
# the test's nginx, the intervals 1s) against an nginx with two workers
# (t/lib/MlclfTest.pm).  Once the target is up, a known number of good
# /predict requests, bad bodies (400) and bodies without a JSON
# Content-Type (415, as from "curl -d") go in.  Then: the query API
# returns exactly those counts; every query of the Grafana dashboard
# returns series for job="mlclf" and none for another job, on raw series;
# every recording rule yields series that keep job="mlclf"; every series
# an alert or a panel names is one the module exports; the client error
# alert is pending and no other alert, the server error one least of all.
# Polls are bounded in number; nothing asserts a duration.  Fails, never
# skips, without /usr/bin/prometheus (apt-get install prometheus).
# Models: the iris forest of tests/fixtures/requests (version v3), and a
# trained iris logreg (v1) for mlclf_model_accuracy.

use strict;
use warnings;

use Test::More;
use HTTP::Tiny;
use IO::Socket::INET;
use JSON::PP ();
use POSIX ();
use Time::HiRes ();
use MlclfFixtures qw(tmpdir parity_model train slurp spit);
use MlclfPromKit qw(kit_dir rules dashboard dashboard_queries selectors
                    exported_names expand_vars);
use MlclfTest;

my $prometheus = $ENV{MLCLF_PROMETHEUS} || '/usr/bin/prometheus';

if (!-x $prometheus) {
    fail("$prometheus not found: apt-get install prometheus"
         . " (or scripts/install-deps.sh prometheus)");
    done_testing();
    exit 1;
}

my $tmp = tmpdir();
parity_model("$tmp/iris.mlclf");
train("$tmp/reg", 'iris-logreg.yaml', promote => 1);

my $t = MlclfTest->new(
    workers     => 2,
    http_config => "    mlclf_zone mlclf:1m;\n"
                 . "    mlclf_model iris $tmp/iris.mlclf;\n"
                 . "    mlclf_model iris_lr $tmp/reg/iris;",
    config      => "        location = /predict { mlclf_predict iris; }\n"
                 . "        location = /lr { mlclf_predict iris_lr; }\n"
                 . "        location = /metrics { mlclf_metrics; }",
);

$t->start;
$t->{ua} = HTTP::Tiny->new(keep_alive => 0);

my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1',
                              LocalPort => 0, Proto => 'tcp')
    or die "no free port: $!";
my $port = $s->sockport;
close $s;

# the shipped kit, scraping this nginx every second
my $kit = kit_dir();
my $conf = slurp("$kit/prometheus.yml");
my $nginx = '127.0.0.1:' . $t->port;

ok($conf =~ s/^(\s+- )127\.0\.0\.1:8080$/$1$nginx/m
   && $conf =~ s/^(\s+\w+_interval: )15s$/${1}1s/mg == 2,
   'prometheus.yml: the target and both intervals replaced');
spit("$tmp/prometheus.yml", $conf);
spit("$tmp/$_", slurp("$kit/$_"))
    for qw(mlclf-alerts.rules.yml mlclf-recording.rules.yml);

my $pid = fork // die "fork: $!";

# stopped whatever happens to the test
END { if ($pid) { kill 'TERM', $pid; waitpid $pid, 0; } }

if ($pid == 0) {
    open STDOUT, '>', "$tmp/prometheus.log" or POSIX::_exit(1);
    open STDERR, '>&', \*STDOUT or POSIX::_exit(1);
    exec $prometheus, "--config.file=$tmp/prometheus.yml",
         "--storage.tsdb.path=$tmp/data",
         "--web.listen-address=127.0.0.1:$port"
        or POSIX::_exit(1);
}

my $ua = HTTP::Tiny->new(timeout => 10);
my $json = JSON::PP->new;

# the result list of an instant query, undef until Prometheus answers
sub query_all {
    my ($q) = @_;
    my $r = $ua->get("http://127.0.0.1:$port/api/v1/query?"
                     . $ua->www_form_urlencode({ query => $q }));
    return undef unless $r->{success};

    my $d = eval { $json->decode($r->{content}) } or return undef;
    return undef unless $d->{status} eq 'success';

    return $d->{data}{result};
}

# the value of an instant query with one result, undef until there is
sub query {
    my ($q) = @_;
    my $res = query_all($q);

    return undef unless $res && @$res == 1;
    return $res->[0]{value}[1];
}

# polls until the query returns $want, at most 600 times
sub poll {
    my ($q, $want) = @_;
    my $v;

    for (1 .. 600) {
        $v = query($q);
        return $v if defined $v && $v eq $want;
        Time::HiRes::sleep(0.2);
    }

    return $v;
}

# polls until the query returns at least one series; their number
sub poll_some {
    my ($q) = @_;
    my $res;

    for (1 .. 600) {
        $res = query_all($q);
        return scalar @$res if $res && @$res;
        Time::HiRes::sleep(0.2);
    }

    return 0;
}

# the requests go in once Prometheus has a first sample, so that rates
# see them
# without a scrape every later poll would run out: stop here
if (!is(poll('up{job="mlclf"}', 1), 1, 'Prometheus: the target is up')
    || !is(poll('count(mlclf_requests_total{job="mlclf",code="200"})', 2),
           2, 'Prometheus: a first scrape of both models'))
{
    diag(slurp("$tmp/prometheus.log"));
    done_testing();
    exit 1;
}

my ($good, $bad, $ctype) = (12, 5, 3);
my $sent = 0;

for (1 .. $good) {
    $sent++ if $t->predict('/predict', '{"features": [5.1, 3.5, 1.4, 0.2]}')
                 ->{status} == 200;
}

for (1 .. $bad) {
    $sent++ if $t->predict('/predict', '{"features": [5.1, 3.5, 1.4]}')
                 ->{status} == 400;
}

for (1 .. $ctype) {
    $sent++ if $t->request('POST', '/predict', 'features=5.1',
                           'application/x-www-form-urlencoded')
                 ->{status} == 415;
}

is($sent, $good + $bad + $ctype,
   "$good good requests, $bad bad bodies, $ctype without JSON type sent");

my $sel = 'job="mlclf",model="iris",version="v3"';

is(poll(qq{mlclf_requests_total{$sel,code="200"}}, $good), $good,
   "Prometheus: mlclf_requests_total{code=\"200\"} $good");
is(poll(qq{mlclf_requests_total{$sel,code="400"}}, $bad), $bad,
   "Prometheus: mlclf_requests_total{code=\"400\"} $bad");
is(poll(qq{mlclf_requests_total{$sel,code="415"}}, $ctype), $ctype,
   "Prometheus: mlclf_requests_total{code=\"415\"} $ctype");
is(poll(qq{mlclf_errors_total{$sel,reason="bad_shape"}}, $bad), $bad,
   "Prometheus: mlclf_errors_total{reason=\"bad_shape\"} $bad");
is(poll(qq{mlclf_errors_total{$sel,reason="unsupported_media_type"}},
        $ctype), $ctype,
   "Prometheus: mlclf_errors_total{reason=\"unsupported_media_type\"}"
   . " $ctype");
is(poll(qq{sum(mlclf_errors_total{$sel})}, $bad + $ctype), $bad + $ctype,
   'Prometheus: no other error');
is(poll(qq{mlclf_request_duration_seconds_count{$sel}}, $good + $bad),
   $good + $bad, 'Prometheus: every request with a body read timed');
is(poll(qq{mlclf_predictions_total{$sel,class="setosa"}}, $good), $good,
   'Prometheus: predictions');

# the scrape's own connection is the only one open while it runs
is(poll('nginx_connections_active{job="mlclf"}', 1), 1,
   'Prometheus: nginx_connections_active 1, the scraper');

# every series the alerts and the dashboard name is scraped
my $names = query_all('count by (__name__) ({job="mlclf"})') || [];
my %scraped = map { $_->{metric}{__name__} => 1 } @$names;
my $dash = dashboard();
my $queries = dashboard_queries($dash);
my %used;

for my $r (@{ rules('mlclf-alerts.rules.yml') }) {
    $used{$_->{name}} = "alert $r->{name}" for @{ selectors($r->{expr}) };
}

for my $q (@$queries) {
    $used{$_->{name}} = $q->{where} for @{ selectors($q->{expr}) };
}

is(join("\n", map { "$used{$_}: $_" } grep { !$scraped{$_} } sort keys %used),
   '', scalar(keys %used) . ' series named by alerts and panels, all scraped');

# the names t/010-metrics-rules.t reads from the format strings are
# those of the module's real /metrics (besides Prometheus's own series)
my $exported = exported_names();
my @module = grep { /^(?:mlclf|nginx)_/ } sort keys %scraped;

is(join(' ', grep { !$exported->{$_} } @module), '',
   scalar(@module) . ' names of the module scraped, all in'
   . ' ngx_http_mlclf_metrics.h');
is(join(' ', grep { !$scraped{$_} } sort keys %$exported), '',
   'every name of ngx_http_mlclf_metrics.h scraped');

# every dashboard query on the raw series: data for the job, none for
# another (the variable queries are their series selectors)
for my $q (@$queries) {
    my $mine = expand_vars($q->{expr}, job => 'mlclf', model => '.*',
                           version => '.*');
    my $other = expand_vars($q->{expr}, job => 'mlclf-other',
                            model => '.*', version => '.*');

    ok(poll_some($mine) > 0, "dashboard $q->{where}: series for the job");

    next if $q->{variable} && $q->{variable}{name} eq 'job';

    my $res = query_all($other);
    is(defined $res ? scalar @$res : 'no answer', 0,
       "dashboard $q->{where}: no series for another job");
}

# the recording rules: series for job="mlclf"
for my $r (@{ rules('mlclf-recording.rules.yml') }) {
    ok(poll_some($r->{name} . "{$sel}") > 0,
       "recording rule $r->{name}: series with job=\"mlclf\"");
}

like(poll(qq{job_model_version:mlclf_client_error_ratio:rate5m{$sel}}
          . ' > 0', 0.4), qr/^0\.(?:4|39999\d+|40000\d+)$/,
     'recorded client error ratio: 8 of 20');
is(query(qq{job_model_version:mlclf_server_error_ratio:rate5m{$sel}}), 0,
   'recorded server error ratio: 0');

# 40% of 4xx: the client error alert is pending (for: 15m), no other
# alert is, in the same evaluation
is(poll_some('ALERTS{alertname="MlclfClientErrors",alertstate="pending",'
             . $sel . '}'), 1, 'alert MlclfClientErrors pending');

my $alerts = query_all('ALERTS') || [];

is(join(' ', sort map { $_->{metric}{alertname} } @$alerts),
   'MlclfClientErrors', 'no other alert, MlclfServerErrors least of all');

kill 'TERM', $pid;
waitpid $pid, 0;
$pid = 0;

$t->stop;

unlike($t->error_log, qr/\[(?:alert|crit|emerg)\]/, 'nginx logged no alert');

done_testing();
