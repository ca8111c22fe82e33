# mlclf_zone across processes and reloads (plain Test::More driving
# nginx through t/lib/MlclfTest.pm, master on, two workers, reuseport so
# that both take connections, $pid in the access log to prove it):
# exact sums over both workers; promote v2 + reload keeps v1's counters
# and adds v2's series; a plain reload keeps everything; killed workers
# lose nothing, and workers respawned after the file is gone still serve
# the master's sealed copy; nginx's own 408 and a client that leaves
# mid-body (499) count as reason "other".  The
# registry is trained from conf/iris-logreg.yaml into a temporary dir.
# A request is counted in the log phase, after its reply is written, so
# each scrape polls /metrics (bounded, MlclfMetrics::wait_metrics) until
# the counts of the requests answered are there, then checks them.

use strict;
use warnings;

use Test::More;
use File::Copy qw(move);
use IO::Socket::INET;
use Time::HiRes ();
use MlclfFixtures qw(tmpdir train promote slurp);
use MlclfMetrics qw(metrics_text_ok parse_metrics wait_metrics);
use MlclfTest;

my $tmp = tmpdir();
my $reg = "$tmp/reg";

train($reg, 'iris-logreg.yaml', promote => 1);
train($reg, 'iris-logreg.yaml');

my $good = '{"features": [5.1, 3.5, 1.4, 0.2]}';
my $bad = '{"features": [5.1, 3.5, 1.4]}';

my $t = MlclfTest->new(
    workers     => 2,
    listen      => 'reuseport',
    http_config => "    mlclf_zone mlclf:1m;\n"
                 . "    mlclf_model iris $reg/iris;\n"
                 . "    log_format pid '\$pid \$status';",
    config      => "        client_body_timeout 300ms;\n"
                 . "        location = /predict { mlclf_predict iris;\n"
                 . "            access_log logs/access.log pid; }\n"
                 . "        location = /metrics { mlclf_metrics; }",
);

$t->start;

# a connection per request, so that both workers answer
$t->{ua} = HTTP::Tiny->new(keep_alive => 0);

# polls /metrics until every [series, value, name] of @checks holds, at
# most MlclfMetrics::$Tries times, then checks that text
sub scrape {
    my ($what, @checks) = @_;
    my %want = map { $_->[0] => $_->[1] } @checks;
    my $status = 0;

    my $text = wait_metrics(sub {
        my $r = $t->request('GET', '/metrics');
        $status = $r->{status};
        return $status == 200 ? $r->{content} : undef;
    }, \%want);

    is($status, 200, "$what: GET /metrics");
    $text = '' unless defined $text;

    metrics_text_ok($text, "$what: ");

    my $m = parse_metrics($text);
    is($m->{$_->[0]}, $_->[1], "$what: $_->[2]") for @checks;

    return $m;
}

sub series {
    my ($name, $version, $label, $value) = @_;
    return $name . '{model="iris",version="' . $version . '",'
           . $label . '="' . $value . '"}';
}

sub send_n {
    my ($n, $body, $status) = @_;
    my $ok = 0;

    for (1 .. $n) {
        $ok++ if $t->predict('/predict', $body)->{status} == $status;
    }

    return $ok;
}

is(send_n(40, $good, 200), 40, '40 good requests');
is(send_n(10, $bad, 400), 10, '10 bad requests');

my %pids;
for (split /\n/, slurp($t->prefix . '/logs/access.log')) {
    $pids{(split / /)[0]}++;
}
is(scalar keys %pids, 2, 'both workers answered: ' . join(' ', %pids));

scrape('v1',
    [series('mlclf_requests_total', 'v1', 'code', 200), 40,
     '200s summed over both workers'],
    [series('mlclf_requests_total', 'v1', 'code', 400), 10,
     '400s summed over both workers'],
    [series('mlclf_errors_total', 'v1', 'reason', 'bad_shape'), 10,
     'bad_shape summed'],
    [series('mlclf_predictions_total', 'v1', 'class', 'setosa'), 40,
     'predictions summed'],
    ['mlclf_request_duration_seconds_count{model="iris",version="v1"}',
     50, 'every request with a body is timed'],
    ['mlclf_metrics_slots_used', 1, 'one slot']);

# promote v2 and reload: v1's counters stay, v2's series appear

my @old = $t->worker_pids;
promote($reg, 'iris', 'v2');
$t->reload;
my @new = $t->wait_workers_replaced(@old);

is(send_n(5, $good, 200), 5, '5 good requests to v2');

my $m = scrape('v2',
    [series('mlclf_requests_total', 'v1', 'code', 200), 40,
     'v1 200s kept across the reload'],
    [series('mlclf_errors_total', 'v1', 'reason', 'bad_shape'), 10,
     'v1 errors kept'],
    [series('mlclf_requests_total', 'v2', 'code', 200), 5,
     'v2 series counted'],
    [series('mlclf_predictions_total', 'v2', 'class', 'setosa'), 5,
     'v2 predictions'],
    ['mlclf_model_info{model="iris",version="v2",algorithm="logreg",'
     . 'n_features="4",n_classes="3"}', 1, 'model_info: v2'],
    ['mlclf_metrics_slots_used', 2, 'two slots']);

ok(!grep({ /^mlclf_model_info\{.*version="v1"/ } keys %$m),
   'model_info: no longer v1');

# a reload with nothing changed keeps all of it

@old = @new;
$t->reload;
@new = $t->wait_workers_replaced(@old);

scrape('reload',
    [series('mlclf_requests_total', 'v1', 'code', 200), 40,
     'v1 kept across a second reload'],
    [series('mlclf_requests_total', 'v2', 'code', 200), 5,
     'v2 kept across a second reload'],
    ['mlclf_metrics_slots_used', 2, 'still two slots']);

# nginx's 408: half a body, then silence past client_body_timeout

my $c = IO::Socket::INET->new(PeerAddr => '127.0.0.1:' . $t->port)
    or die "connect: $!";
$c->autoflush(1);
print $c "POST /predict HTTP/1.1\r\nHost: localhost\r\n"
         . "Content-Type: application/json\r\nConnection: close\r\n"
         . "Content-Length: 100\r\n\r\n{\"features\":";
my $reply = do { local $/; <$c> };
close $c;

scrape('408',
    [series('mlclf_requests_total', 'v2', 'code', 408), 1,
     'a body timeout: code 408'],
    [series('mlclf_errors_total', 'v2', 'reason', 'other'), 1,
     'a body timeout: reason other']);

# a client that leaves in the middle of its body: 499, not 400

$c = IO::Socket::INET->new(PeerAddr => '127.0.0.1:' . $t->port)
    or die "connect: $!";
$c->autoflush(1);
print $c "POST /predict HTTP/1.1\r\nHost: localhost\r\n"
         . "Content-Type: application/json\r\nConnection: close\r\n"
         . "Content-Length: 100\r\n\r\n{\"features\":";
close $c;

scrape('499',
    [series('mlclf_requests_total', 'v2', 'code', 499), 1,
     'a client gone mid-body: code 499'],
    [series('mlclf_requests_total', 'v2', 'code', 400), 0,
     'a client gone mid-body: no 400'],
    [series('mlclf_errors_total', 'v2', 'reason', 'other'), 2,
     'a client gone mid-body: reason other']);

# killed workers, and the file gone: counters survive, and the workers
# the master respawns serve the sealed copy it read at the reload

move("$reg/iris/versions/v2/model.mlclf", "$tmp/v2.mlclf") or die "mv: $!";
kill 'KILL', @new;
my @respawned = $t->wait_workers_replaced(@new);
is(scalar @respawned, 2, 'the master respawned the workers');

is(send_n(3, $good, 200), 3, '3 requests with the file gone: 200');

scrape('respawned',
    [series('mlclf_requests_total', 'v2', 'code', 200), 8,
     'killed workers lost no count'],
    [series('mlclf_requests_total', 'v2', 'code', 503), 0,
     'no 503'],
    [series('mlclf_requests_total', 'v1', 'code', 200), 40,
     'v1 still there']);

$t->stop;

unlike($t->error_log, qr/\[(?:crit|emerg)\].*(?:signal|core)/,
       'no worker crashed');
unlike($t->error_log, qr/has no room/, 'no slot ran out');

done_testing();
