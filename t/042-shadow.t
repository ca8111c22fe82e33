# mlclf_shadow: the rows of a 200 reply scored again by a shadow model
# after the reply, counted in mlclf_zone (docs/monitoring.md).  iris v1
# (logistic regression, trained by mlclf-train into a temporary
# registry) is the model; iris v2 (a forest of the same registry) and
# iris v1 declared twice are its shadows.  The expected agreement is
# computed here from each model's own /predict reply to the same batch,
# never from the shadow's counters; replies with and without a shadow
# are compared byte for byte.  The rows are a fixed pseudo-random
# spread over the iris ranges, where the two models disagree on some.
# iris_imp is the logreg trained again imputing missing values, whose
# rows with nulls the plain logreg, its shadow, must skip.
# "--- shadow_offline": requests 0 (the model alone), 1 (the shadow
# alone), 2 (the model with its shadow) and 3 (/metrics);
# "--- shadow_agree": every row of the block agreed, this many.

use Test::Nginx::Socket 'no_plan';
use MlclfFixtures qw(tmpdir train inputs_model bin repo run_quiet slurp
                    spit);
use MlclfMetrics qw(metrics_text_ok metrics_patterns_ok parse_metrics);

my $tmp = tmpdir();
train("$tmp/reg", 'iris-logreg.yaml', promote => 1);
train("$tmp/reg", 'iris-forest.yaml', name => 'iris');
inputs_model("$tmp/inputs.mlclf");

# the iris logreg again, but imputing missing values (train means)
(my $imp = slurp(repo() . '/conf/iris-logreg.yaml'))
    =~ s/^missing: fail$/missing: impute/m or die "no missing: fail\n";
spit("$tmp/impute.yaml", $imp);
run_quiet(bin() . '/mlclf-train', '--config', "$tmp/impute.yaml",
          '--registry', "$tmp/reg", '--name', 'iris_imp', '--quiet');

$ENV{TEST_NGINX_MLCLF_REG} = "$tmp/reg";
$ENV{TEST_NGINX_MLCLF_INPUTS} = "$tmp/inputs.mlclf";

my $s = 42;
my $rnd = sub {
    my ($lo, $hi) = @_;
    $s = ($s * 1103515245 + 12345) % 2147483648;
    return sprintf('%.1f', $lo + ($hi - $lo) * $s / 2147483648);
};

our @Rows = map {
    '[' . join(', ', $rnd->(4.3, 7.9), $rnd->(2.0, 4.4), $rnd->(1.0, 6.9),
               $rnd->(0.1, 2.5)) . ']'
} 1 .. 200;

our $N = scalar @Rows;
our $Batch = '{"instances": [' . join(', ', @Rows) . ']}';

# a row by name and a row by position
our $Objects = '{"instances": [{"sepal_length": 5.1, "sepal_width": 3.5,'
    . ' "petal_length": 1.4, "petal_width": 0.2}, [6.7, 3.0, 5.2, 2.3]]}';

our $HttpConfig = <<'_EOC_';
    mlclf_zone mlclf:1m;
    mlclf_model iris $TEST_NGINX_MLCLF_REG/iris/versions/v1;
    mlclf_model iris_twin $TEST_NGINX_MLCLF_REG/iris/versions/v1;
    mlclf_model iris_rf $TEST_NGINX_MLCLF_REG/iris/versions/v2;
    mlclf_model inputs $TEST_NGINX_MLCLF_INPUTS;
    mlclf_model iris_imp $TEST_NGINX_MLCLF_REG/iris_imp/versions/v1;
_EOC_

add_block_preprocessor(sub {
    my $block = shift;

    if (!defined $block->http_config) {
        $block->set_value('http_config', $HttpConfig);
    }
});

my @preds;
my @bodies;

sub predictions {
    my ($body) = @_;
    return [$body =~ /"prediction":"([^"]*)"/g];
}

# agreement_total by "class agree" of the iris pair, from /metrics
sub agreement {
    my ($text, $shadow, $version) = @_;
    my $v = parse_metrics($text);
    my %got;

    for my $k (keys %$v) {
        next unless $k =~ /^mlclf_shadow_agreement_total\{model="iris",version="v1",shadow="\Q$shadow\E",shadow_version="\Q$version\E",class="([^"]+)",agree="(true|false)"\}$/;
        $got{"$1 $2"} = $v->{$k};
    }

    return \%got;
}

add_response_body_check(sub {
    my ($block, $body, $i, $rep, $dry_run) = @_;

    return if $dry_run || !defined $body;

    if ($body =~ /^# HELP /) {
        metrics_text_ok($body, $block->name . ' - ');
        metrics_patterns_ok($block, $body, $block->name . ' - ');
    }

    if ($block->can('shadow_agree') && defined $block->shadow_agree
        && $body =~ /^# HELP /)
    {
        my $got = agreement($body, 'iris_twin', 'v1');
        my ($t, $f) = (0, 0);

        for my $k (keys %$got) {
            $t += $got->{$k} if $k =~ / true$/;
            $f += $got->{$k} if $k =~ / false$/;
        }

        is("$t $f", $block->shadow_agree . ' 0',
           $block->name . ' - every row agreed');
    }

    return unless $block->can('shadow_offline')
                  && defined $block->shadow_offline;

    @bodies = () if $i == 0;
    push @bodies, $body;

    if ($i == 2) {
        is($body, $bodies[0], $block->name . ' - the shadow changed no byte');
        return;
    }

    return unless $i == 3;

    my ($a, $b) = (predictions($bodies[0]), predictions($bodies[1]));
    my %want;

    for my $c (qw(setosa versicolor virginica)) {
        $want{"$c true"} = 0;
        $want{"$c false"} = 0;
    }

    for my $r (0 .. $#$a) {
        $want{"$a->[$r] " . ($a->[$r] eq $b->[$r] ? 'true' : 'false')}++;
    }

    is(scalar @$a, $N, $block->name . ' - the model replied to every row');
    is(scalar @$b, $N, $block->name . ' - the shadow replied to every row');
    cmp_ok($want{'setosa false'} + $want{'versicolor false'}
           + $want{'virginica false'}, '>', 0,
           $block->name . ' - the two models disagree on some rows');
    is_deeply(agreement($body, 'iris_rf', 'v2'), \%want,
              $block->name . ' - agreement per class as computed offline');
});

no_shuffle();
run_tests();

__DATA__

=== TEST 1: a shadow identical to the model agrees on every row
--- config
    location = /predict { mlclf_predict iris; mlclf_shadow iris_twin; }
    location = /metrics { mlclf_metrics; }
--- more_headers
Content-Type: application/json
--- request eval
["POST /predict\n$main::Batch", "GET /metrics"]
--- error_code eval
[200, 200]
--- shadow_agree eval
$main::N
--- metrics_like eval
[qr/^mlclf_shadow_confidence_difference_bucket\{model="iris",version="v1",shadow="iris_twin",shadow_version="v1",le="0\.001"\} 200$/m,
 qr/^mlclf_shadow_confidence_difference_count\{model="iris",version="v1",shadow="iris_twin",shadow_version="v1"\} 200$/m,
 qr/^mlclf_shadow_confidence_difference_sum\{model="iris",version="v1",shadow="iris_twin",shadow_version="v1"\} 0\.000000000$/m,
 qr/^mlclf_shadow_duration_seconds_count\{model="iris",version="v1",shadow="iris_twin",shadow_version="v1"\} 1$/m,
 qr/^mlclf_shadow_rows_skipped_total\{model="iris",version="v1",shadow="iris_twin",shadow_version="v1",reason="missing_value"\} 0$/m]
--- no_error_log
[error]



=== TEST 2: another model agrees as often as computed from its own replies
--- config
    location = /plain { mlclf_predict iris; }
    location = /forest { mlclf_predict iris_rf; }
    location = /predict { mlclf_predict iris; mlclf_shadow iris_rf; }
    location = /metrics { mlclf_metrics; }
--- more_headers
Content-Type: application/json
--- request eval
["POST /plain\n$main::Batch", "POST /forest\n$main::Batch",
 "POST /predict\n$main::Batch", "GET /metrics"]
--- error_code eval
[200, 200, 200, 200]
--- shadow_offline: 1
--- metrics_like eval
[qr/^mlclf_shadow_confidence_difference_count\{model="iris",version="v1",shadow="iris_rf",shadow_version="v2"\} 200$/m,
 qr/^mlclf_shadow_duration_seconds_count\{model="iris",version="v1",shadow="iris_rf",shadow_version="v2"\} 1$/m]
--- no_error_log
[error]



=== TEST 3: a single row and a batch of objects, V1 too
--- config
    location = /predict { mlclf_predict iris; mlclf_shadow iris_twin; }
    location /v1/ { mlclf_v1; mlclf_shadow iris_twin; }
    location = /metrics { mlclf_metrics; }
--- more_headers
Content-Type: application/json
--- request eval
["POST /predict\n{\"features\": [5.1, 3.5, 1.4, 0.2]}",
 "POST /predict\n$main::Objects",
 "POST /v1/models/iris:predict\n$main::Objects",
 "GET /metrics"]
--- error_code eval
[200, 200, 200, 200]
--- shadow_agree: 5
--- metrics_like eval
[qr/^mlclf_shadow_duration_seconds_count\{model="iris",version="v1",shadow="iris_twin",shadow_version="v1"\} 3$/m]
--- no_error_log
[error]



=== TEST 4: V2 infer with a shadow
--- config
    location /v2/ { mlclf_v2; mlclf_shadow iris_twin; }
    location = /metrics { mlclf_metrics; }
--- more_headers
Content-Type: application/json
--- request eval
["POST /v2/models/iris/infer\n" . '{"inputs": [{"name": "features", "shape": [3, 4], "datatype": "FP64", "data": [5.1, 3.5, 1.4, 0.2, 6.0, 2.9, 4.5, 1.5, 6.7, 3.0, 5.2, 2.3]}]}',
 "GET /metrics"]
--- error_code eval
[200, 200]
--- shadow_agree: 3
--- metrics_like eval
[qr/^mlclf_shadow_duration_seconds_count\{model="iris",version="v1",shadow="iris_twin",shadow_version="v1"\} 1$/m]
--- no_error_log
[error]



=== TEST 5: rows the shadow would refuse are skipped, counted
--- config
    location = /predict { mlclf_predict iris_imp; mlclf_shadow iris; }
    location = /metrics { mlclf_metrics; }
--- more_headers
Content-Type: application/json
--- request eval
["POST /predict\n" . '{"instances": [[5.1, null, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3], {"sepal_length": 6.0, "sepal_width": 2.9, "petal_length": 4.5}]}',
 "GET /metrics"]
--- error_code eval
[200, 200]
--- metrics_like eval
[qr/^mlclf_shadow_rows_skipped_total\{model="iris_imp",version="v1",shadow="iris",shadow_version="v1",reason="missing_value"\} 2$/m,
 qr/^mlclf_shadow_confidence_difference_count\{model="iris_imp",version="v1",shadow="iris",shadow_version="v1"\} 1$/m,
 qr/^mlclf_shadow_agreement_total\{model="iris_imp",version="v1",shadow="iris",shadow_version="v1",class="virginica",agree="true"\} 1$/m]
--- no_error_log
[error]



=== TEST 6: a variable shadow that names nothing skips, counted
--- config
    location = /predict { mlclf_predict iris; mlclf_shadow $http_x_shadow; }
    location = /metrics { mlclf_metrics; }
--- more_headers eval
["Content-Type: application/json\nX-Shadow: nope",
 "Content-Type: application/json",
 "Content-Type: application/json\nX-Shadow: inputs",
 "Content-Type: application/json\nX-Shadow: iris_twin",
 ""]
--- request eval
["POST /predict\n{\"features\": [5.1, 3.5, 1.4, 0.2]}",
 "POST /predict\n{\"features\": [5.1, 3.5, 1.4, 0.2]}",
 "POST /predict\n{\"features\": [5.1, 3.5, 1.4, 0.2]}",
 "POST /predict\n{\"features\": [5.1, 3.5, 1.4, 0.2]}",
 "GET /metrics"]
--- error_code eval
[200, 200, 200, 200, 200]
--- response_body_like eval
['"prediction":"setosa"', '"prediction":"setosa"',
 '"prediction":"setosa"', '"prediction":"setosa"', 'mlclf_shadow']
--- shadow_agree: 1
--- metrics_like eval
[qr/^mlclf_shadow_skipped_total\{model="iris",version="v1",reason="no_model"\} 1$/m,
 qr/^mlclf_shadow_skipped_total\{model="iris",version="v1",reason="empty"\} 1$/m,
 qr/^mlclf_shadow_skipped_total\{model="iris",version="v1",reason="incompatible"\} 1$/m]
--- no_error_log
[error]



=== TEST 7: a static shadow must be a declared model
--- config
    location = /predict { mlclf_predict iris; mlclf_shadow nope; }
--- must_die
--- error_log
mlclf_shadow "nope": no such mlclf_model



=== TEST 8: a shadow with other inputs is refused, naming both models
--- config
    location = /predict { mlclf_predict iris; mlclf_shadow inputs; }
--- must_die
--- error_log eval
qr/mlclf_shadow "inputs" cannot score the rows of mlclf_predict "iris": model "inputs" has \d+ inputs, not 4/



=== TEST 9: mlclf_shadow goes with a prediction handler
--- config
    location = /metrics { mlclf_metrics; mlclf_shadow iris_twin; }
--- must_die
--- error_log
mlclf_shadow "iris_twin" needs mlclf_predict, mlclf_v1 or mlclf_v2 in its location



=== TEST 10: mlclf_shadow needs an mlclf_zone
--- http_config
    mlclf_model iris $TEST_NGINX_MLCLF_REG/iris/versions/v1;
    mlclf_model iris_twin $TEST_NGINX_MLCLF_REG/iris/versions/v1;
--- config
    location = /predict { mlclf_predict iris; mlclf_shadow iris_twin; }
--- must_die
--- error_log
mlclf_shadow "iris_twin" needs an mlclf_zone to count in
