# Bad models are refused and the service is kept (plain Test::More
# driving nginx through t/lib/MlclfTest.pm, master on, two workers).
#
# For each kind of damage of the core's damaged-file tests (truncated,
# a flipped header byte, a flipped payload byte, bad magic, a future
# format version, a section offset past the end of the file, a NaN
# weight, a tree with a cycle) a damaged copy of a real trained version
# becomes v<N> with a meta.json that names its sha256, and "active" is
# swapped to it by hand (ln -sfn + mv -T, as an operator bypassing
# mlclf-registry, whose promote refuses versions that do not verify).
# Then SIGHUP, while a client keeps sending requests:
#
# - the master refuses the configuration, the error log names the file
#   and the reason;
# - the old workers stay and answer every request with the good version;
# - mlclf-registry verify flags the version (exit 4);
# - mlclf-registry rollback --reload=PIDFILE makes the good version
#   active again (the hand-made swap is not in history.log; the store
#   pushes a differing active onto its stack, so rollback lands on the
#   version promoted before it) and the reload succeeds.

use strict;
use warnings;

use Test::More;
use File::Copy qw(copy);
use File::Path qw(make_path);
use Compress::Zlib qw(crc32);
use Digest::SHA qw(sha256_hex);
use HTTP::Tiny;
use POSIX ();
use Time::HiRes ();
use MlclfFixtures qw(tmpdir train promote slurp bin);
use MlclfTest;

my $tmp = tmpdir();
my $reg = "$tmp/reg";
my $dir = "$reg/iris";

train($reg, 'iris-logreg.yaml', promote => 1);
train($reg, 'iris-forest.yaml', name => 'iris', promote => 1);

my $logreg = slurp("$dir/versions/v1/model.mlclf");
my $forest = slurp("$dir/versions/v2/model.mlclf");

# The section table (libmlclf/mlclf_format.h): offset of entry i, and of
# the data of the first section of a type.
sub sections {
    my ($m) = @_;
    my $off = unpack('Q<', substr($m, 48, 8));
    my $n = unpack('V', substr($m, 56, 4));
    my %s;

    for my $i (0 .. $n - 1) {
        my $e = $off + 32 * $i;
        my ($type, $flags, $data, $len) = unpack('V V Q< Q<',
                                                 substr($m, $e, 24));
        $s{$type} //= { entry => $e, data => $data, len => $len };
    }

    return \%s;
}

# Both CRCs made valid again, so that only the damage itself is seen.
sub fix_crcs {
    my ($m) = @_;
    substr($m, 60, 4) = pack('V', crc32(substr($m, 128)));
    substr($m, 64, 4) = pack('V', 0);
    substr($m, 64, 4) = pack('V', crc32(substr($m, 0, 128)));
    return $m;
}

sub flip {
    my ($m, $at) = @_;
    substr($m, $at, 1) = chr(ord(substr($m, $at, 1)) ^ 0x55);
    return $m;
}

my %damage = (
    truncated => sub { substr($forest, 0, int(length($forest) / 2)) },
    header_byte => sub { flip($forest, 24) },
    payload_byte => sub { flip($forest, length($forest) - 9) },
    magic => sub { my $m = $forest; substr($m, 0, 5) = 'XLCLF'; $m },
    future_version => sub {
        my $m = $forest;
        substr($m, 8, 4) = pack('V', 6);
        fix_crcs($m);
    },
    offset_past_eof => sub {
        my $m = $forest;
        my $s = sections($m)->{37};                     # LEAF_VALUES
        substr($m, $s->{entry} + 8, 8) = pack('Q<', length($m) + 64);
        fix_crcs($m);
    },
    nan_weight => sub {
        my $m = $logreg;
        my $s = sections($m)->{16};                     # LINEAR_WEIGHTS
        substr($m, $s->{data} + 8, 8) = pack('d<', 'NaN' + 0);
        fix_crcs($m);
    },
    tree_cycle => sub {
        my $m = $forest;
        my $s = sections($m)->{35};                     # NODE_LEFT
        # the root's left child is the root
        substr($m, $s->{data}, 4) = pack('V', 0);
        fix_crcs($m);
    },
);

# the reason the master gives for each
my %reason = (
    truncated       => qr/^file is \d+ bytes, its header says \d+/,
    header_byte     => qr/^header CRC-32 is /,
    payload_byte    => qr/^payload CRC-32 is /,
    magic           => qr/^bad magic/,
    future_version  => qr/^format version 6 is newer than the supported/,
    offset_past_eof => qr/\(LEAF_VALUES\): .* past the end of the file/,
    nan_weight      => qr/\(LINEAR_WEIGHTS\): element \d+ is NaN/,
    tree_cycle      => qr/\(NODE_LEFT\) tree 0 node 0: child 0 does not/,
);

my $row = '{"features": [5.1, 3.5, 1.4, 0.2]}';

my $t = MlclfTest->new(
    workers     => 2,
    http_config => "    mlclf_model iris $dir;",
    config      => "        location = /predict { mlclf_predict iris; }\n"
                 . "        location = /health { mlclf_health; }",
);

$t->start;
$t->{ua} = HTTP::Tiny->new(keep_alive => 0);

my $pidfile = $t->prefix . '/logs/nginx.pid';

sub reply {
    my $r = $t->predict('/predict', $row);
    return "$r->{status} " . ($r->{headers}{'x-model-version'} || '-');
}

is(reply(), '200 v2', 'v2 (forest) answers');

# a client sending requests, one connection each, until told to stop;
# returns a sub that stops it and gives { "status version" => count }
sub client {
    my $out = "$tmp/client.out";
    my $stop = "$tmp/client.stop";
    unlink $stop;

    my $pid = fork // die "fork: $!";

    if ($pid == 0) {
        my %seen;
        my $ua = HTTP::Tiny->new(keep_alive => 0, timeout => 10);
        my $url = 'http://127.0.0.1:' . $t->port . '/predict';
        until (-e $stop) {
            my $r = $ua->post($url, {
                headers => { 'Content-Type' => 'application/json' },
                content => $row });
            $seen{"$r->{status} "
                  . ($r->{headers}{'x-model-version'} || '-')}++;
        }
        open my $fh, '>', $out or POSIX::_exit(1);
        print $fh map { "$_ $seen{$_}\n" } sort keys %seen;
        close $fh;
        POSIX::_exit(0);
    }

    return sub {
        open my $fh, '>', $stop or die "$stop: $!";
        close $fh;
        waitpid $pid, 0;
        my %seen = map { /^(\d+ \S+) (\d+)$/ ? ($1 => $2) : () }
                   split /\n/, slurp($out);
        return \%seen;
    };
}

my $n = 2;

for my $kind (sort keys %damage) {
    $n++;
    my $v = "v$n";
    my $vdir = "$dir/versions/$v";
    my $file = "$vdir/model.mlclf";

    make_path($vdir);
    open my $fh, '>:raw', $file or die "$file: $!";
    print $fh $damage{$kind}->();
    close $fh;

    my $meta = slurp("$dir/versions/v2/meta.json");
    my $sha = sha256_hex(slurp($file));
    $meta =~ s/"version":"v2"/"version":"$v"/;
    $meta =~ s/"model_sha256":"[0-9a-f]+"/"model_sha256":"$sha"/;
    open $fh, '>', "$vdir/meta.json" or die "meta.json: $!";
    print $fh $meta;
    close $fh;
    chmod 0644, $file, "$vdir/meta.json";

    # the operator's hand-made swap
    system('ln', '-sfn', "versions/$v", "$dir/active.hand") == 0
        or die "ln";
    system('mv', '-T', "$dir/active.hand", "$dir/active") == 0
        or die "mv";

    my @pids = $t->worker_pids;
    my $stop = client();

    Time::HiRes::sleep(0.2);
    $t->hup;

    my $named = $t->wait_log(qr{\[emerg\] .*mlclf_model "\Q$file\E": \S});
    Time::HiRes::sleep(0.3);

    my $seen = $stop->();

    ok($named, "$kind: the master refuses $v, naming the file");
    my ($reason) = $t->error_log
                   =~ /\[emerg\] .*mlclf_model "\Q$file\E": ([^\n]*)/;
    like($reason // '', $reason{$kind}, "$kind: and the reason");

    is(join(' ', $t->worker_pids), join(' ', @pids),
       "$kind: the old workers stay");

    my @kinds = keys %$seen;
    is(join(', ', @kinds), '200 v2',
       "$kind: every request during the attempt answered by v2"
       . " ($seen->{'200 v2'} requests)");

    my $out = qx{'${\ bin()}/mlclf-registry' --registry '$reg' verify iris $v 2>&1};
    is($? >> 8, 4, "$kind: mlclf-registry verify flags $v (exit 4)")
        or diag($out);

    $out = qx{'${\ bin()}/mlclf-registry' --registry '$reg' rollback iris --reload='$pidfile' 2>&1};
    is($? >> 8, 0, "$kind: rollback --reload succeeds") or diag($out);
    is(readlink("$dir/active"), 'versions/v2',
       "$kind: active points to v2 again");

    my @new = $t->wait_workers_replaced(@pids);
    is(scalar @new, 2, "$kind: the reload replaced the workers");
    is(reply(), '200 v2', "$kind: v2 answers");
}

my $r = $t->request('GET', '/health');
is($r->{status}, 200, '/health: 200 at the end');

$t->stop;

unlike($t->error_log, qr/exited on signal|\[alert\]|\[crit\]/,
       'no worker crashed');

done_testing();
