# No request lost across reloads (plain Test::More driving nginx through
# t/lib/MlclfTest.pm, master on, two workers): wrk keeps 8 connections
# busy POSTing /predict (t/lib/wrk-predict.lua) while v1 and v2 are
# promoted in turn and the master is sent SIGHUP 20 times.  Every reply
# must be a 2xx and both versions must be seen; the p99 latency across
# the reloads is printed as a diagnostic.
#
# Three runs:
#
# 1. a connection per request ("Connection: close"): no socket error at
#    all, the listening socket outlives every generation of workers;
# 2. keep-alive connections, keepalive_timeout 300s;
# 3. the same with worker_shutdown_timeout 10s.
#
# On keep-alive connections a reload costs each idle connection one
# close: an old worker told to quit closes its idle keep-alive
# connections at once (nginx's ngx_close_idle_connections), and a client
# that has just written its next request into such a connection reads
# EOF or a reset without any byte of a reply (wrk counts a read error;
# an HTTP client retries, RFC 9112 9.3.1).  nginx never read that
# request.  So runs 2 and 3 check: no connect, write or timeout error,
# read errors at most one per connection and reload, and every request
# nginx answered reached wrk (the access log's count of 200s and wrk's
# count of replies differ by at most the 8 in flight when wrk stops).
# docs/reliability.md has the figures.
#
# MLCLF_RELOADS=N changes the number of reloads per run (default 20).

use strict;
use warnings;

use Test::More;
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

# worker_shutdown_timeout is a main-context directive
{
    package MlclfTestMain;
    our @ISA = ('MlclfTest');

    sub write_conf {
        my ($self) = @_;
        $self->SUPER::write_conf();
        return unless $self->{main};
        my $f = "$self->{prefix}/conf/nginx.conf";
        my $conf = MlclfFixtures::slurp($f);
        $conf =~ s/^(master_process on;\n)/$1$self->{main}\n/m;
        open my $fh, '>', $f or die "$f: $!";
        print $fh $conf;
        close $fh;
    }
}

sub run_under_reloads {
    my ($what, %o) = @_;

    my $t = MlclfTestMain->new(
        workers     => 2,
        http_config => "    mlclf_model iris $reg/iris;\n"
                     . "    keepalive_timeout 300s;\n"
                     . "    keepalive_requests 1000000;\n"
                     . "    log_format st '\$status';",
        config      => "        location = /predict { mlclf_predict iris;\n"
                     . "            access_log logs/access.log st; }",
    );

    $t->{main} = $o{main};

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

    if ($o{close}) {
        is($r{read}, 0, "$what: no read error");

    } else {
        cmp_ok($r{read}, '<=', $conns * $reloads,
               "$what: at most one closed idle connection per reload");
    }

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

done_testing();
