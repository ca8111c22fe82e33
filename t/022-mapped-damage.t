# A model file damaged on disk while the workers have it mapped (plain
# Test::More driving nginx through t/lib/MlclfTest.pm, master on, two
# workers).  Publishing never writes a file in place (README, Reliability);
# this is what happens when someone does anyway:
#
# - replaced by rename: harmless, the workers keep their old inode mapped
#   and answer exactly as before;
# - truncated in place: the lost pages raise SIGBUS on access; the
#   module's guard turns it into 503 model_unavailable, /health 503, an
#   [alert] naming the file, and the workers live on (same pids, no
#   "exited on signal"); a reload to a good version restores service.

use strict;
use warnings;

use Test::More;
use File::Copy qw(copy);
use JSON::PP ();
use MlclfFixtures qw(tmpdir train promote slurp);
use MlclfMetrics qw(parse_metrics);
use MlclfTest;

my $tmp = tmpdir();
my $reg = "$tmp/reg";

train($reg, 'iris-logreg.yaml', promote => 1);
train($reg, 'iris-forest.yaml', name => 'iris');

my $v1 = "$reg/iris/versions/v1/model.mlclf";

my @bodies = (
    '{"features": [5.1, 3.5, 1.4, 0.2]}',
    '{"features": {"sepal_length": 5.1, "sepal_width": 3.5,'
    . ' "petal_length": 1.4, "petal_width": 0.2}}',
    '{"instances": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]}',
);

my $t = MlclfTest->new(
    workers     => 2,
    listen      => 'reuseport',
    http_config => "    mlclf_zone mlclf:1m;\n"
                 . "    mlclf_model iris $reg/iris;\n"
                 . "    log_format pred '\$pid \$status \$mlclf_prediction';",
    config      => "        location = /predict { mlclf_predict iris;\n"
                 . "            access_log logs/access.log pred; }\n"
                 . "        location = /health { mlclf_health; }\n"
                 . "        location = /metrics { mlclf_metrics; }",
);

$t->start;

# a connection per request, so that both workers answer
$t->{ua} = HTTP::Tiny->new(keep_alive => 0);

# "status version body" of every reply to 20 rounds of @bodies
sub replies {
    my %seen;

    for (1 .. 20) {
        for my $body (@bodies) {
            my $r = $t->predict('/predict', $body);
            my $v = $r->{headers}{'x-model-version'} || '-';
            $seen{"$r->{status} $v $r->{content}"}++;
        }
    }

    return join "\n", sort keys %seen;
}

sub served_by_both {
    my %pids;

    for (split /\n/, slurp($t->prefix . '/logs/access.log')) {
        $pids{(split / /)[0]}++;
    }

    return scalar keys %pids;
}

my $before = replies();
like($before, qr/^200 v1 /, 'v1 answers');
is(scalar(() = $before =~ /^200 v1 /mg), 2, 'one row (by position or name), a batch');
is(served_by_both(), 2, 'both workers answered');

my @pids = $t->worker_pids;
is(scalar @pids, 2, 'two workers');

# replaced by rename: the workers keep the old inode

link $v1, "$tmp/v1.orig" or die "link: $!";
copy("$reg/iris/versions/v2/model.mlclf", "$tmp/other") or die "copy: $!";
rename "$tmp/other", $v1 or die "rename: $!";

is(replies(), $before, 'replaced by rename: the same replies');

rename "$tmp/v1.orig", $v1 or die "rename back: $!";

is(replies(), $before, 'renamed back: still the same replies');

# truncated in place: SIGBUS on access, caught

truncate $v1, 0 or die "truncate: $!";

is(replies(),
   '503 - {"error":"model \"iris\" is not loaded",'
   . '"reason":"model_unavailable"}',
   'truncated in place: every /predict answers 503 model_unavailable');

is(join(' ', $t->worker_pids), join(' ', @pids),
   'the same workers: none crashed');

my $log = $t->error_log;
is(scalar(() = $log =~ /\[alert\] \d+#\d+: \*?\d* ?mlclf_model "iris": "\Q$v1\E" was truncated under its mapping \(SIGBUS\)/g),
   2, 'each worker logs one [alert] naming the file');
unlike($log, qr/exited on signal|\[emerg\]|\[crit\]/,
       'no worker exited on a signal');

my $r = $t->request('GET', '/health');
is($r->{status}, 503, '/health: 503');
like($r->{content}, qr/^\{"status":"unavailable".*"ready":false\}\]\}$/,
     '/health: the model is not ready');

$r = $t->request('GET', '/metrics');
is($r->{status}, 200, '/metrics still answers');
my $m = parse_metrics($r->{content});
is($m->{'mlclf_errors_total{model="iris",version="v1",'
        . 'reason="model_unavailable"}'}, 60,
   'the 503s are counted as model_unavailable');

# a good reload restores service

promote($reg, 'iris', 'v2');
$t->reload;
my @new = $t->wait_workers_replaced(@pids);

my $after = replies();
like($after, qr/^200 v2 /, 'after promote v2 + reload: v2 answers');
unlike($after, qr/^503/m, 'no 503 left');

$r = $t->request('GET', '/health');
is($r->{status}, 200, '/health: 200 again');

# the same on /health first: it reads the class labels from the map

@pids = $t->worker_pids;
truncate "$reg/iris/versions/v2/model.mlclf", 0 or die "truncate: $!";

my %health;
for (1 .. 20) {
    $r = $t->request('GET', '/health');
    $health{"$r->{status} "
            . ($r->{content} =~ /"ready":(\w+)/ ? $1 : '?')}++;
}
is(join(', ', sort keys %health), '503 false',
   'v2 truncated: /health answers 503, not ready, in both workers');

is(replies(),
   '503 - {"error":"model \"iris\" is not loaded",'
   . '"reason":"model_unavailable"}',
   'and /predict 503 model_unavailable');

is(join(' ', $t->worker_pids), join(' ', @pids),
   'the same workers: none crashed');

$t->stop;

unlike($t->error_log, qr/exited on signal|\[emerg\]|\[crit\]/,
       'no worker crashed, to the end');

done_testing();
