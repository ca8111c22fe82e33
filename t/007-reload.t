# Versions by reload, with the master on and two workers (plain
# Test::More driving nginx through t/lib/MlclfTest.pm): promote v2 and
# reload switches every worker; a reload to a damaged model is refused
# and the old workers keep serving; workers respawned after the file is
# gone serve the master's sealed copy of it.

use strict;
use warnings;

use Test::More;
use File::Copy qw(move);
use JSON::PP ();
use IO::Socket::INET;
use Time::HiRes ();
use MlclfFixtures qw(tmpdir train promote damaged);
use MlclfTest;

my $tmp = tmpdir();
my $reg = "$tmp/reg";

train($reg, 'iris-logreg.yaml', promote => 1);
train($reg, 'iris-logreg.yaml');

my $row = '{"features": [5.1, 3.5, 1.4, 0.2]}';
my $json = JSON::PP->new;

my $t = MlclfTest->new(
    workers     => 2,
    http_config => "    mlclf_model iris $reg/iris;",
    config      => "        location = /predict { mlclf_predict iris; }\n"
                 . "        location = /health { mlclf_health; }\n"
                 . "        location = /status { stub_status; }",
);

$t->start;

# a connection per request, so that both workers answer
$t->{ua} = HTTP::Tiny->new(keep_alive => 0);

sub versions_seen {
    my (%seen, $r);

    for (1 .. 20) {
        $r = $t->request('GET', '/health');
        my $h = $json->decode($r->{content});
        $seen{"health $r->{status} $h->{models}[0]{version}"}++;

        $r = $t->predict('/predict', $row);
        $seen{"predict $r->{status} $r->{headers}{'x-model-version'}"}++;
    }

    return join ', ', sort keys %seen;
}

is(versions_seen(), 'health 200 v1, predict 200 v1', 'v1 is served');

my @old = $t->worker_pids;
is(scalar @old, 2, 'two workers');

# a request in flight across the reload: headers and half of the body
# now, the rest once the new workers run; the old worker answers it
my $c = IO::Socket::INET->new(PeerAddr => '127.0.0.1:' . $t->port)
    or die "connect: $!";
$c->autoflush(1);
print $c "POST /predict HTTP/1.1\r\nHost: localhost\r\n"
         . "Content-Type: application/json\r\nConnection: close\r\n"
         . 'Content-Length: ' . length($row) . "\r\n\r\n"
         . substr($row, 0, 10);

# accepted by a worker: stub_status counts it and this request
for (1 .. 1000) {
    last if $t->request('GET', '/status')->{content}
            =~ /^Active connections: 2/;
    Time::HiRes::sleep(0.02);
}

promote($reg, 'iris', 'v2');
$t->reload;
my @new = $t->wait_workers_replaced(@old);

print $c substr($row, 10);
my $inflight = do { local $/; <$c> };
like($inflight, qr{^HTTP/1\.1 200 .*\r\nX-Model-Version: v1\r\n.*"model_version":"v1"}s,
     'a request in flight during the reload finishes on v1');
close $c;

is(versions_seen(), 'health 200 v2, predict 200 v2',
   'promote v2 + reload: every worker serves v2');

# a damaged v3 made active by hand: the master refuses the reload
mkdir "$reg/iris/versions/v3";
my $bad = damaged("$reg/iris/versions/v2/model.mlclf", "$tmp/bad");
File::Copy::copy($bad->{flipped}, "$reg/iris/versions/v3/model.mlclf")
    or die "copy: $!";
symlink 'versions/v3', "$reg/iris/active.tmp" or die "symlink: $!";
rename "$reg/iris/active.tmp", "$reg/iris/active" or die "rename: $!";

my ($rc, $out) = $t->reload;
isnt($rc, 0, 'nginx -s reload fails on the damaged model');
like($out, qr{mlclf_model "\Q$reg\E/iris/versions/v3/model\.mlclf": payload CRC-32},
     'and names the file and the reason');

$t->hup;

ok($t->wait_log(qr{\[emerg\] .*mlclf_model "\Q$reg\E/iris/versions/v3/model\.mlclf": payload CRC-32}),
   'SIGHUP: the master refuses the new configuration');

is(join(' ', $t->worker_pids), join(' ', @new), 'the old workers stay');
is(versions_seen(), 'health 200 v2, predict 200 v2',
   'and keep serving v2');

# the file under the running configuration vanishes and the workers
# are respawned: they fork from the master with its sealed copy of v2
move("$reg/iris/versions/v2/model.mlclf", "$tmp/v2.mlclf") or die "mv: $!";
kill 'KILL', @new;
my @respawned = $t->wait_workers_replaced(@new);
is(scalar @respawned, 2, 'the master respawned the workers');

is(versions_seen(), 'health 200 v2, predict 200 v2',
   'the respawned workers serve v2 without its file');

$t->stop;

unlike($t->error_log, qr/\[(?:crit|emerg)\].*(?:signal|core)/,
       'no worker crashed');

done_testing();
