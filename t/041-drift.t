# Input drift in /metrics (issue 16, point 2; docs/monitoring.md): the
# PSI of served rows against the reference distributions mlclf-train
# writes into the model.  Plain Test::More driving nginx through
# t/lib/MlclfTest.pm (two workers, master on, reloads).
#
# At load time: a CSV of 3,000 rows (f0 and f2 carry the class, f1 is
# noise of mean 5 and standard deviation 2, f3 uniform; a linear
# congruential generator, so the same bytes on every run) and a logreg
# trained on it by mlclf-train into a temporary registry.  The model is
# declared twice, as "drift" and "shifted" (two slots, two windows), and
# the golden logreg of tests/fixtures, which has no reference, as
# "plain".
#
# The training rows go to "drift" in batches through /predict, V1
# :predict and V2 infer: every feature's PSI and the predicted classes'
# are below 0.1, and the rows in the window are the rows sent; a batch
# refused with 400 counts nothing.  A reload keeps the window.  The same
# rows with f1 moved up by two standard deviations go to "shifted":
# f1's PSI is above 0.25, the others' below 0.1.  "plain" exports no
# drift series.  Then: with mlclf_drift_window off no drift family at
# all; with a window of 15 s, rows sent over 17 s leave the window
# (polled, bounded) and a slice used before counts again from 0; bad windows and a zone too small for the drift counters fail
# nginx -t with their messages, and the size that message names works.

use strict;
use warnings;

use Test::More;
use Time::HiRes ();
use MlclfFixtures qw(repo bin tmpdir spit run_quiet);
use MlclfMetrics qw(metrics_text_ok parse_metrics);
use MlclfTest;

my $tmp = tmpdir();
my @Names = qw(f0 f1 f2 f3);

my $s = 20161;
sub rnd {
    $s = ($s * 1103515245 + 12345) % 2147483648;
    return ($s + 0.5) / 2147483648;
}

# Box-Muller: one standard normal value
sub normal {
    return sqrt(-2 * log(rnd())) * cos(6.283185307179586 * rnd());
}

my (@rows, @labels);

for my $i (0 .. 2999) {
    my $c = $i % 2;
    push @rows, [map { sprintf('%.5f', $_) }
                 normal() + $c, 5 + 2 * normal(), normal() - $c, rnd()];
    push @labels, $c ? 'yes' : 'no';
}

spit("$tmp/data.csv", join('', "f0,f1,f2,f3,label\n",
                           map { join(',', @{ $rows[$_] }, $labels[$_])
                                 . "\n" } 0 .. $#rows));

spit("$tmp/drift.yaml", <<"YAML");
name: drift
data: $tmp/data.csv
label: label
features: [f0, f1, f2, f3]
classes: ['no', 'yes']
split: {test_fraction: 0.2, seed: 7, stratify: true}
model:
  kind: logreg
  l2: 1.0
  max_iter: 500
YAML

run_quiet(bin() . '/mlclf-train', '--config', "$tmp/drift.yaml",
          '--registry', "$tmp/reg", '--promote', '--quiet');

# f1 moved by two of its standard deviations
my ($sum, $sq) = (0, 0);
$sum += $_->[1] for @rows;
my $mean = $sum / @rows;
$sq += ($_->[1] - $mean) ** 2 for @rows;
my $sd = sqrt($sq / (@rows - 1));
my @shifted = map { [$_->[0], sprintf('%.5f', $_->[1] + 2 * $sd),
                     @$_[2, 3]] } @rows;

my $golden = repo() . '/tests/fixtures/golden-logreg.mlclf';

sub server {
    my ($window, %o) = @_;
    my $t = MlclfTest->new(
        workers     => $o{workers} || 2,
        http_config => "    mlclf_zone mlclf:" . ($o{zone} || '1m') . ";\n"
                     . (defined $window
                        ? "    mlclf_drift_window $window;\n" : '')
                     . "    mlclf_model drift $tmp/reg/drift;\n"
                     . "    mlclf_model shifted $tmp/reg/drift;\n"
                     . "    mlclf_model plain $golden;",
        config      => "        location = /predict { mlclf_predict \$arg_m; }\n"
                     . "        location /v1/ { mlclf_v1; }\n"
                     . "        location /v2/ { mlclf_v2; }\n"
                     . "        location = /metrics { mlclf_metrics; }",
    );
    return $t;
}

sub instances {
    my (@r) = @_;
    return '{"instances":[' . join(',', map { '[' . join(',', @$_) . ']' } @r)
           . ']}';
}

sub infer {
    my (@r) = @_;
    return '{"inputs":[{"name":"features","shape":[' . scalar(@r)
           . ',4],"datatype":"FP64","data":['
           . join(',', map { @$_ } @r) . ']}]}';
}

# the rows in batches of 500: /predict, then V1 and V2 for the last two
sub stream {
    my ($t, $model, $r) = @_;
    my ($sent, $i, $n) = (0, 0, 0);

    while ($i < @$r) {
        my $j = $i + 499 < $#$r ? $i + 499 : $#$r;
        my @b = @$r[$i .. $j];
        my $res;

        $n++;

        if ($j == $#$r) {
            $res = $t->predict("/v2/models/$model/infer", infer(@b));
        } elsif ($j + 500 >= $#$r) {
            $res = $t->predict("/v1/models/$model:predict", instances(@b));
        } else {
            $res = $t->predict("/predict?m=$model", instances(@b));
        }

        $sent += @b if $res->{status} == 200;
        $i = $j + 1;
    }

    return $sent;
}

sub scrape {
    my ($t, $what) = @_;
    my $r = $t->request('GET', '/metrics');

    is($r->{status}, 200, "$what: GET /metrics");
    metrics_text_ok($r->{content}, "$what: ");

    return ($r->{content}, parse_metrics($r->{content}));
}

# a PSI below or above a bound; an absent series fails
sub psi_ok {
    my ($v, $op, $bound, $name) = @_;
    ok(defined $v && ($op eq '<' ? $v < $bound : $v > $bound),
       "$name: PSI " . ($v // 'absent') . " $op $bound");
}

sub feature {
    my ($family, $model, $f) = @_;
    return "$family\{model=\"$model\",version=\"v1\",feature=\"$f\"}";
}

# drift, shifted, reload

my $t = server(undef);
$t->start;

is(stream($t, 'drift', \@rows), 3000, 'the training rows: 3000 answered');

my $bad = $t->predict('/predict?m=drift', instances(@rows[0 .. 9], [1, 2]));
is($bad->{status}, 400, 'a batch with a short row: 400');

my ($text, $m) = scrape($t, 'training rows');

is($m->{'mlclf_drift_window_seconds'}, 900, 'the default window: 15m');

for my $f (@Names) {
    is($m->{feature('mlclf_feature_drift_rows', 'drift', $f)}, 3000,
       "$f: 3000 rows in the window, the 400 not counted");
    psi_ok($m->{feature('mlclf_feature_drift_psi', 'drift', $f)}, '<', 0.1,
           $f);
}

is($m->{'mlclf_prediction_drift_rows{model="drift",version="v1"}'}, 3000,
   'predicted classes: 3000 rows');
psi_ok($m->{'mlclf_prediction_drift_psi{model="drift",version="v1"}'}, '<',
       0.1, 'predicted classes');

is($m->{feature('mlclf_feature_drift_rows', 'shifted', 'f0')}, 0,
   'another model of the same file: its own window, empty');
is($m->{feature('mlclf_feature_drift_psi', 'shifted', 'f0')}, 0,
   'an empty window: PSI 0');

unlike($text, qr/^mlclf_\w+_drift_\w+\{model="plain"/m,
       'a model without a reference: no drift series');

my @old = $t->worker_pids;
$t->reload;
$t->wait_workers_replaced(@old);

my ($text2, $m2) = scrape($t, 'after a reload');

is($m2->{feature('mlclf_feature_drift_rows', 'drift', 'f1')}, 3000,
   'a reload keeps the window');
is($m2->{feature('mlclf_feature_drift_psi', 'drift', 'f1')},
   $m->{feature('mlclf_feature_drift_psi', 'drift', 'f1')},
   'and its PSI');

is(stream($t, 'shifted', \@shifted), 3000,
   'the rows with f1 shifted by two standard deviations: 3000 answered');

($text, $m) = scrape($t, 'shifted rows');

for my $f (@Names) {
    my $psi = $m->{feature('mlclf_feature_drift_psi', 'shifted', $f)};

    if ($f eq 'f1') {
        psi_ok($psi, '>', 0.25, "shifted $f");
    } else {
        psi_ok($psi, '<', 0.1, "shifted $f");
    }
}

is($m->{feature('mlclf_feature_drift_rows', 'drift', 'f1')}, 3000,
   'the first model\'s window is its own');

$t->stop;
unlike($t->error_log, qr/\[(?:alert|crit|emerg|error)\]/, 'no error logged');

# mlclf_drift_window off

$t = server('off');
$t->start;

is(stream($t, 'drift', \@rows), 3000, 'window off: 3000 rows answered');

($text, $m) = scrape($t, 'window off');
unlike($text, qr/^(?:# \w+ )?mlclf_\w*drift_/m, 'window off: no drift family');
is($m->{'mlclf_predictions_total{model="drift",version="v1",class="no"}'}
   + $m->{'mlclf_predictions_total{model="drift",version="v1",class="yes"}'},
   3000, 'window off: the other counters count');

$t->stop;

# the window slides: 15s, slices of one second

$t = server('15s');
$t->start;

my $rows_of = sub {
    my $r = $t->request('GET', '/metrics');
    return parse_metrics($r->{content})
           ->{'mlclf_prediction_drift_rows{model="drift",version="v1"}'};
};

my $sent = 0;

# 20 rows every half second for 17 s: every slice is used
for (1 .. 34) {
    $sent += 20 if $t->predict('/predict?m=drift', instances(@rows[0 .. 19]))
                     ->{status} == 200;
    Time::HiRes::sleep(0.5);
}

is($sent, 680, '680 rows over 17 s');

my ($n, $last, $rises) = (undef, 680, 0);

# at most 120 polls, half a second apart: the rows leave the window
for (1 .. 120) {
    $n = $rows_of->();
    last unless defined $n;
    $rises++ if $n > $last;
    $last = $n;
    last if $n == 0;
    Time::HiRes::sleep(0.5);
}

is($n, 0, 'rows older than the window leave it');
is($rises, 0, 'without new rows the count only falls');

$t->predict('/predict?m=drift', instances(@rows[0 .. 9]));
is($rows_of->(), 10, 'a slice used before starts again from 0');

$t->stop;

# configuration errors

for my $case (['10s', qr/mlclf_drift_window "10s" is out of range, 15s\.\.7d/],
              ['8d', qr/mlclf_drift_window "8d" is out of range, 15s\.\.7d/],
              ['0', qr/mlclf_drift_window "0" is out of range/],
              ['soon', qr/invalid mlclf_drift_window "soon"/])
{
    $t = server($case->[0]);
    $t->write_conf;
    my ($rc, $out) = $t->nginx('-t');
    isnt($rc, 0, "mlclf_drift_window $case->[0]: nginx -t fails");
    like($out, $case->[1], "mlclf_drift_window $case->[0]: the message");
}

$t = server('1m', zone => '64k', workers => 4);
$t->write_conf;
my ($rc, $out) = $t->nginx('-t');
isnt($rc, 0, 'a zone too small for the drift counters: nginx -t fails');
my ($need) = $out =~ /mlclf_zone "mlclf" is too small for the drift counters of model "\w+" v1, (\d+)k needed/;
ok($need, "the message names the size needed: ${\ ($need // $out)}k");

$t = server('1m', zone => ($need // 64) . 'k', workers => 4);
$t->write_conf;
($rc, $out) = $t->nginx('-t');
is($rc, 0, 'that size is enough') or diag $out;

done_testing();
