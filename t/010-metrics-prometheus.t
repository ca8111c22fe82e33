# A real Prometheus scrapes /metrics: Debian's prometheus server on
# loopback (temporary config and storage, scrape_interval 1s, the
# recording rules of conf/prometheus) against an nginx with two
# workers (t/lib/MlclfTest.pm).  After a known number of good and bad
# /predict requests, the HTTP query API must return exactly those
# counts.  Polls are bounded in number; nothing asserts a duration.
# Model: the iris forest of tests/fixtures/requests (version v3).

use strict;
use warnings;

use Test::More;
use HTTP::Tiny;
use IO::Socket::INET;
use JSON::PP ();
use POSIX ();
use Time::HiRes ();
use MlclfFixtures qw(tmpdir parity_model repo);
use MlclfTest;

my $prometheus = $ENV{MLCLF_PROMETHEUS} || '/usr/bin/prometheus';

plan skip_all => "$prometheus not found (apt-get install prometheus)"
    unless -x $prometheus;

my $tmp = tmpdir();
parity_model("$tmp/iris.mlclf");

my $t = MlclfTest->new(
    workers     => 2,
    http_config => "    mlclf_zone mlclf:1m;\n"
                 . "    mlclf_model iris $tmp/iris.mlclf;",
    config      => "        location = /predict { mlclf_predict iris; }\n"
                 . "        location = /metrics { mlclf_metrics; }",
);

$t->start;
$t->{ua} = HTTP::Tiny->new(keep_alive => 0);

my ($good, $bad) = (12, 5);
my $sent = 0;

for (1 .. $good) {
    $sent++ if $t->predict('/predict', '{"features": [5.1, 3.5, 1.4, 0.2]}')
                 ->{status} == 200;
}

for (1 .. $bad) {
    $sent++ if $t->predict('/predict', '{"features": [5.1, 3.5, 1.4]}')
                 ->{status} == 400;
}

is($sent, $good + $bad, "$good good and $bad bad requests sent");

my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1',
                              LocalPort => 0, Proto => 'tcp')
    or die "no free port: $!";
my $port = $s->sockport;
close $s;

my $rules = repo() . '/conf/prometheus/mlclf-recording.rules.yml';
my $nginx = '127.0.0.1:' . $t->port;

open my $fh, '>', "$tmp/prometheus.yml" or die "prometheus.yml: $!";
print $fh <<"_EOC_";
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $rules
scrape_configs:
  - job_name: mlclf
    static_configs:
      - targets: ['$nginx']
_EOC_
close $fh;

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

# the value of an instant query with one result, undef until there is
sub query {
    my ($q) = @_;
    my $r = $ua->get("http://127.0.0.1:$port/api/v1/query?query="
                     . $ua->www_form_urlencode({ q => $q }) =~ s/^q=//r);
    return undef unless $r->{success};

    my $d = eval { $json->decode($r->{content}) } or return undef;
    return undef unless $d->{status} eq 'success';

    my $res = $d->{data}{result};
    return undef unless @$res == 1;

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

my $sel = 'model="iris",version="v3"';

is(poll(qq{mlclf_requests_total{$sel,code="200"}}, $good), $good,
   "Prometheus: mlclf_requests_total{code=\"200\"} $good");
is(poll(qq{mlclf_requests_total{$sel,code="400"}}, $bad), $bad,
   "Prometheus: mlclf_requests_total{code=\"400\"} $bad");
is(poll(qq{mlclf_errors_total{$sel,reason="bad_shape"}}, $bad), $bad,
   "Prometheus: mlclf_errors_total{reason=\"bad_shape\"} $bad");
is(poll(qq{sum(mlclf_errors_total{$sel})}, $bad), $bad,
   'Prometheus: no other error');
is(poll(qq{mlclf_request_duration_seconds_count{$sel}}, $good + $bad),
   $good + $bad, 'Prometheus: every request timed');
is(poll(qq{mlclf_predictions_total{$sel,class="setosa"}}, $good), $good,
   'Prometheus: predictions');

# the scrape's own connection is the only one open while it runs
is(poll('nginx_connections_active{job="mlclf"}', 1), 1,
   'Prometheus: nginx_connections_active 1, the scraper');
is(poll('up{job="mlclf"}', 1), 1, 'Prometheus: the target is up');

# the recording rules evaluate over the scraped series
is(poll(qq{count(model_version:mlclf_requests:rate5m{$sel})}, 1), 1,
   'Prometheus: the recording rules produce model_version series');

kill 'TERM', $pid;
waitpid $pid, 0;
$pid = 0;

$t->stop;

unlike($t->error_log, qr/\[(?:alert|crit|emerg)\]/, 'nginx logged no alert');

done_testing();
