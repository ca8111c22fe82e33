# No request lost across reloads (plain Test::More driving nginx through
# t/lib/MlclfTest.pm, master on, two workers): wrk keeps 8 connections
# busy POSTing /predict (t/lib/wrk-predict.lua) while v1 and v2 are
# promoted in turn and the master is sent SIGHUP 20 times.  Every reply
# must be a 2xx, both versions must be seen and wrk must see no socket
# error at all (connect, read, write, timeout); the p99 latency across
# the reloads is printed as a diagnostic.
#
# Three runs:
#
# 1. a connection per request ("Connection: close");
# 2. keep-alive connections, keepalive_timeout 300s;
# 3. the same with worker_shutdown_timeout 10s.
#
# On keep-alive connections an old worker told to quit would close its
# idle connections at once (ngx_close_idle_connections), losing a
# request a client had just written; the module keeps such a connection
# open for up to 1 s and nginx answers a request arriving meanwhile
# with "Connection: close" (docs/reliability.md).  Every request nginx
# answered must also have reached wrk: the access log's count of 200s
# and wrk's count of replies differ by at most the 8 in flight when wrk
# stops.
#
# Then, one keep-alive connection by hand: a request sent while the old
# worker that holds the connection is shutting down is answered (200,
# "Connection: close", then EOF); an idle connection is closed and the
# old worker exits, also when worker_shutdown_timeout (100ms) is
# shorter than the drain.
#
# MLCLF_RELOADS=N changes the number of reloads per run (default 20).

use strict;
use warnings;

use Test::More;
use IO::Socket::INET;
use Time::HiRes ();
use MlclfFixtures qw(tmpdir train promote repo slurp);
use MlclfTest;

my $wrk = $ENV{MLCLF_WRK} || '/usr/bin/wrk';
plan skip_all => "no $wrk" unless -x $wrk;

my $reloads = $ENV{MLCLF_RELOADS} || 20;
my $conns = 8;

my $tmp = tmpdir();
my $reg = "$tmp/reg";

train($reg, 'iris-logreg.yaml', promote => 1);
train($reg, 'iris-logreg.yaml');

my $lua = repo() . '/t/lib/wrk-predict.lua';

sub run_under_reloads {
    my ($what, %o) = @_;

    my $t = MlclfTest->new(
        workers     => 2,
        http_config => "    mlclf_model iris $reg/iris;\n"
                     . "    keepalive_timeout 300s;\n"
                     . "    keepalive_requests 1000000;\n"
                     . "    log_format st '\$status';",
        config      => "        location = /predict { mlclf_predict iris;\n"
                     . "            access_log logs/access.log st; }",
        main_config => $o{main},
    );

    promote($reg, 'iris', 'v1');
    $t->start;

    my $url = 'http://127.0.0.1:' . $t->port . '/predict';

    # wrk stops on SIGINT and still prints its summary; the duration is
    # only a bound
    my @args = ('-t1', "-c$conns", '-d600s', '--latency', '-s', $lua, $url);
    push @args, '--', 'close' if $o{close};

    my $pid = open my $out, '-|', $wrk, @args or die "wrk: $!";

    Time::HiRes::sleep(0.5);

    my @pids = $t->worker_pids;
    my $version = 'v1';
    my $done = 0;

    for my $i (1 .. $reloads) {
        $version = $version eq 'v1' ? 'v2' : 'v1';
        promote($reg, 'iris', $version);
        $t->hup;
        @pids = $t->wait_workers_replaced(@pids);
        $done++;
        Time::HiRes::sleep(0.2);
    }

    Time::HiRes::sleep(0.3);
    kill 'INT', $pid;
    my $report = do { local $/; <$out> };
    close $out;

    $t->stop;

    is($done, $reloads, "$what: $reloads reloads done");

    my ($line) = $report =~ /^(MLCLF .*)$/m;
    ok(defined $line, "$what: wrk reported") or diag($report);
    $line = '' unless defined $line;

    my %r = $line =~ /(\w+)=(\S+)/g;

    my %st;
    $st{$_}++ for split /\n/, slurp($t->prefix . '/logs/access.log');
    my $answered = $st{200} || 0;

    diag("$what: $line nginx_200=$answered");

    cmp_ok($r{requests} || 0, '>', 0, "$what: requests were sent");
    is($r{non2xx}, 0, "$what: no non-2xx reply");
    is(join(' ', sort keys %st), '200', "$what: nginx answered only 200s");
    is(join(' ', map { "$_=" . ($r{$_} // '?') }
                     qw(connect write timeout)),
       'connect=0 write=0 timeout=0', "$what: no connect/write/timeout error");

    is($r{read}, 0, "$what: no read error");

    my $diff = $answered - ($r{requests} || 0);
    ok($diff >= 0 && $diff <= $conns,
       "$what: every reply nginx sent reached wrk"
       . " (nginx $answered, wrk $r{requests})");

    like($r{versions} || '', qr/^v1=\d+,v2=\d+$/,
         "$what: both versions seen, nothing else");

    unlike($t->error_log, qr/\[(?:alert|crit|emerg)\]/,
           "$what: no alert in error.log");

    return %r;
}

run_under_reloads('connection per request', close => 1);
run_under_reloads('keepalive_timeout 300s');
run_under_reloads('worker_shutdown_timeout 10s',
                  main => 'worker_shutdown_timeout 10s;');

# one keep-alive connection held by hand

my $body = '{"features": [5.1, 3.5, 1.4, 0.2]}';

sub send_predict {
    my ($sock) = @_;
    print $sock "POST /predict HTTP/1.1\r\nHost: localhost\r\n"
              . "Content-Type: application/json\r\n"
              . 'Content-Length: ' . length($body) . "\r\n\r\n$body";
}

# (status, headers) of one reply, or () on EOF before a whole reply
sub read_reply {
    my ($sock) = @_;
    my $head = '';

    while ($head !~ /\r\n\r\n/) {
        my $n = sysread($sock, $head, 1, length $head);
        return () unless $n;
    }

    my ($status) = $head =~ m{^HTTP/1\.1 (\d+)};
    my ($len) = $head =~ /^Content-Length: (\d+)/mi;
    my $got = '';
    while (length $got < ($len || 0)) {
        my $n = sysread($sock, $got, $len - length $got, length $got);
        return () unless $n;
    }

    return ($status, $head);
}

sub held_connection {
    my ($what, %o) = @_;

    my $t = MlclfTest->new(
        workers     => 2,
        http_config => "    mlclf_model iris $reg/iris;\n"
                     . "    keepalive_timeout 300s;",
        config      => "        location = /predict { mlclf_predict iris; }",
        main_config => $o{main},
    );
    $t->start;

    my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1:' . $t->port)
        or die "connect: $!";

    send_predict($sock);
    my ($status, $head) = read_reply($sock);
    is($status, 200, "$what: first reply");
    unlike($head // '', qr/^Connection: close/mi,
           "$what: first reply keeps the connection");

    my @old = $t->worker_pids;
    my $hup = Time::HiRes::time();
    $t->hup;
    $t->wait_workers_replaced(@old);

    if ($o{send}) {

        # the old worker holding the connection waits for it (1 s)

        my $seen = 0;
        for (1 .. 1000) {
            last if $seen = grep { my $p = $_; grep { $_ == $p } @old }
                                 $t->shutting_down_pids;
            Time::HiRes::sleep(0.002);
        }
        ok($seen, "$what: the old worker is shutting down");

        send_predict($sock);
        ($status, $head) = read_reply($sock);
        is($status, 200, "$what: request sent while it quits answered");
        like($head // '', qr/^Connection: close/mi,
             "$what: with Connection: close");
    }

    my $buf;
    is(sysread($sock, $buf, 1), 0, "$what: then the connection is closed");
    diag(sprintf('%s: closed %.2f s after SIGHUP', $what,
                 Time::HiRes::time() - $hup));
    close $sock;

    my $gone = 0;
    for (1 .. 1000) {
        last if $gone = !grep { kill 0, $_ } @old;
        Time::HiRes::sleep(0.02);
    }
    ok($gone, "$what: the old workers exited");

    $t->stop;

    unlike($t->error_log, qr/\[(?:alert|crit|emerg)\]/,
           "$what: no alert in error.log");
}

held_connection('request while quitting', send => 1);
held_connection('idle connection');
held_connection('idle, worker_shutdown_timeout 100ms',
                main => 'worker_shutdown_timeout 100ms;');

done_testing();
