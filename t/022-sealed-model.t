# What is served is what the master verified, whatever happens to the
# file afterwards (plain Test::More driving nginx through
# t/lib/MlclfTest.pm, master on, two workers, under load).
#
# The master reads each model once into sealed read-only memory that the
# workers inherit; workers open no model file.  Two wrk processes keep
# POSTing to a logistic regression and to a forest and count every reply
# that is not exactly the reply given before the attacks
# (t/lib/wrk-expect.lua), while both files are, in place: overwritten by
# another model of another size (cp), overwritten with the same size
# whose trees all point back at their roots, truncated, and deleted; then
# a worker is killed and respawned.  Zero wrong replies, zero socket
# errors or timeouts (no hang), no worker lost to a signal, /health
# answers.  A reload then fails on the missing files and the old workers
# keep serving; with good files back, it succeeds.
#
# As root the workers run as nobody and the registry is mode 0700: they
# could not read it, and need not.

use strict;
use warnings;

use Test::More;
use File::Copy qw(copy);
use Time::HiRes ();
use MlclfFixtures qw(tmpdir train repo slurp spit);
use MlclfTest;

my $wrk = $ENV{MLCLF_WRK} || '/usr/bin/wrk';
plan skip_all => "no $wrk" unless -x $wrk;

my $tmp = tmpdir();
my $reg = "$tmp/reg";

train($reg, 'iris-logreg.yaml', promote => 1);
train($reg, 'iris-forest.yaml', promote => 1);

my %file = (
    predict => "$reg/iris/versions/v1/model.mlclf",
    forest  => "$reg/iris_forest/versions/v1/model.mlclf",
);
my %good = map { $_ => slurp($file{$_}) } keys %file;

my $root = $> == 0;
chmod 0700, $reg if $root;

my $t = MlclfTest->new(
    workers     => 2,
    listen      => 'reuseport',
    user        => $root ? 'nobody nogroup' : undef,
    http_config => "    mlclf_model iris $reg/iris;\n"
                 . "    mlclf_model iris_forest $reg/iris_forest;",
    config      => "        location = /predict { mlclf_predict iris; }\n"
                 . "        location = /forest {\n"
                 . "            mlclf_predict iris_forest; }\n"
                 . "        location = /health { mlclf_health; }",
);

$t->start;

my $body = '{"instances": [[5.1, 3.5, 1.4, 0.2], [6.0, 2.7, 5.1, 1.6],'
           . ' [6.7, 3.0, 5.2, 2.3]]}';
my %reply;

spit("$tmp/body.json", $body);

for my $loc (sort keys %file) {
    my $r = $t->predict("/$loc", $body);
    is($r->{status}, 200, "/$loc answers before the attacks");
    $reply{$loc} = $r->{content};
    spit("$tmp/$loc.reply", $r->{content});
}

my @workers = $t->worker_pids;
is(scalar @workers, 2, 'two workers');

my $lua = repo() . '/t/lib/wrk-expect.lua';
my %wrk;

# the duration is only a bound: wrk stops on SIGINT with its summary
for my $loc (sort keys %file) {
    my @args = ('-t1', '-c4', '-d600s', '-s', $lua,
                'http://127.0.0.1:' . $t->port . "/$loc", '--',
                "$tmp/body.json", "$tmp/$loc.reply");
    my $pid = open my $out, '-|', $wrk, @args or die "wrk: $!";
    $wrk{$loc} = { pid => $pid, out => $out };
}

Time::HiRes::sleep(0.5);

# writes $data over the file in place: the same inode, as cp does
sub overwrite {
    my ($path, $data) = @_;
    open my $fh, '+<:raw', $path or die "open $path: $!";
    truncate $fh, 0 or die "truncate $path: $!";
    print $fh $data;
    close $fh or die "close $path: $!";
}

my @attacks = (
    ['the same size, every tree pointing back at its root' => sub {
        my ($loc, $path) = @_;
        overwrite($path, substr($good{$loc}, 0, 128)
                         . "\0" x (length($good{$loc}) - 128));
    }],
    ['another model of another size written over it' => sub {
        my ($loc, $path) = @_;
        overwrite($path, $good{$loc eq 'predict' ? 'forest' : 'predict'});
    }],
    ['truncated to half' => sub {
        my ($loc, $path) = @_;
        truncate $path, int(length($good{$loc}) / 2)
            or die "truncate $path: $!";
    }],
    ['deleted' => sub {
        my ($loc, $path) = @_;
        unlink $path or die "unlink $path: $!";
    }],
);

for my $a (@attacks) {
    my ($what, $do) = @$a;

    for my $loc (sort keys %file) {
        $do->($loc, $file{$loc});
    }

    Time::HiRes::sleep(0.5);

    for my $loc (sort keys %file) {
        my $r = $t->predict("/$loc", $body);
        is("$r->{status} $r->{content}", "200 $reply{$loc}",
           "/$loc, file $what: the verified reply");
    }
}

# a worker killed now is respawned from the master's sealed copy
kill 'KILL', $workers[0];
my @now = $t->wait_workers_replaced($workers[0]);
is(scalar @now, 2, 'the master respawned the killed worker');

Time::HiRes::sleep(0.5);

for my $loc (sort keys %file) {
    kill 'INT', $wrk{$loc}{pid};
    my $fh = $wrk{$loc}{out};
    my $report = do { local $/; <$fh> };
    close $fh;

    my ($line) = $report =~ /^(MLCLF requests.*)$/m;
    ok(defined $line, "/$loc: wrk reported") or diag($report);
    $line = '' unless defined $line;
    diag("/$loc under attack: $line");

    my %r = $line =~ /(\w+)=(\S+)/g;

    cmp_ok($r{replies} || 0, '>', 100, "/$loc: replies under load");
    is($r{wrong}, 0, "/$loc: not one wrong reply")
        or diag($report =~ /^(MLCLF first_wrong.*)$/m);

    # one connection may break: the one the killed worker held
    is(join(' ', map { "$_=" . ($r{$_} // '?') }
                     qw(connect write timeout status)),
       'connect=0 write=0 timeout=0 status=0',
       "/$loc: no connect, write or status error, no timeout");
    cmp_ok($r{read} // 99, '<=', 4, "/$loc: at most the killed worker's"
                                    . ' connections broke');
}

my $r = $t->request('GET', '/health');
is($r->{status}, 200, '/health answers');

my $log = $t->error_log;
my @signals = $log =~ /exited on signal (\d+)/g;
is("@signals", '9', 'no worker died but the one killed');

# a reload reads the files again: gone, so refused; the old workers stay
my @before = $t->worker_pids;
my ($rc, $out) = $t->reload;
isnt($rc, 0, 'a reload with the files gone fails');
like($out, qr/mlclf_model .*No such file or directory/,
     'and names the missing file');

Time::HiRes::sleep(0.3);

is(join(' ', sort $t->worker_pids), join(' ', sort @before),
   'the old workers stay');
$r = $t->predict('/predict', $body);
is("$r->{status} $r->{content}", "200 $reply{predict}",
   'and keep serving what they had');

# good files back: the reload succeeds
for my $loc (sort keys %file) {
    spit($file{$loc}, $good{$loc});
}

($rc, $out) = $t->reload;
is($rc, 0, 'a reload with good files succeeds') or diag($out);
$t->wait_workers_replaced(@before);

$r = $t->predict('/forest', $body);
is("$r->{status} $r->{content}", "200 $reply{forest}",
   'the new workers serve the same model');

$t->stop;

done_testing();
