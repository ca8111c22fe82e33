# GET /metrics: the Prometheus text of mlclf_zone and stub_status, one
# worker.  Every /metrics reply goes through "promtool check metrics"
# and t/lib/MlclfMetrics.pm's conformance checks; values are read
# exactly.  The model is the iris forest of tests/fixtures/requests
# (version v3, no training metrics) written into a temporary directory,
# plus a trained iris registry (t/lib/MlclfFixtures.pm) for accuracy.
# "--- metrics_like" / "--- metrics_unlike" are what every /metrics reply
# of a block must / must not hold (t/lib/MlclfMetrics.pm); error_log
# looks at all the block's lines (check_accum_error_log), as it is
# checked after each request.

use Test::Nginx::Socket 'no_plan';
use MlclfFixtures qw(tmpdir parity_model train);
use MlclfMetrics qw(metrics_text_ok metrics_patterns_ok);

my $tmp = tmpdir();
parity_model("$tmp/iris.mlclf");
train("$tmp/reg", 'iris-logreg.yaml', promote => 1);

$ENV{TEST_NGINX_MLCLF_MODEL} = "$tmp/iris.mlclf";
$ENV{TEST_NGINX_MLCLF_REG} = "$tmp/reg";

# a batch of 250 virginica rows
our $Batch250 = '{"instances": ['
                . join(',', ('[6.7, 3.0, 5.2, 2.3]') x 250) . ']}';

repeat_each(1);

our $HttpConfig = <<'_EOC_';
    mlclf_zone mlclf:1m;
    mlclf_model iris $TEST_NGINX_MLCLF_MODEL;
_EOC_

our $Config = <<'_EOC_';
    location = /predict { mlclf_predict iris; }
    location = /metrics { mlclf_metrics; }
_EOC_

add_block_preprocessor(sub {
    my $block = shift;

    if (!defined $block->http_config) {
        $block->set_value('http_config', $HttpConfig);
    }

    if (!defined $block->config) {
        $block->set_value('config', $Config);
    }
});

# every reply that is Prometheus text
add_response_body_check(sub {
    my ($block, $body, $req_idx, $rep, $dry_run) = @_;

    return if $dry_run || !defined $body || $body !~ /^# HELP /;

    metrics_text_ok($body, $block->name . ' - ');
    metrics_patterns_ok($block, $body, $block->name . ' - ');
});

check_accum_error_log();
no_shuffle();
run_tests();

__DATA__

=== TEST 1: nothing counted yet: headers, zeros, model info
--- request
GET /metrics
--- response_headers
Content-Type: text/plain; version=0.0.4; charset=utf-8
--- metrics_like eval
[
qr/^# HELP nginx_connections_active .*\n# TYPE nginx_connections_active gauge\nnginx_connections_active 1\n/,
qr/^nginx_connections_reading 0$/m,
qr/^nginx_connections_writing 1$/m,
qr/^nginx_connections_waiting 0$/m,
qr/^# TYPE nginx_connections_accepted_total counter\nnginx_connections_accepted_total 1$/m,
qr/^nginx_connections_handled_total 1$/m,
qr/^nginx_http_requests_total 1$/m,
qr/^mlclf_requests_total\{model="iris",version="v3",code="200"\} 0$/m,
qr/^mlclf_errors_total\{model="iris",version="v3",reason="bad_json"\} 0$/m,
qr/^mlclf_request_duration_seconds_bucket\{model="iris",version="v3",le="5e-06"\} 0\n/m,
qr/^mlclf_request_duration_seconds_bucket\{model="iris",version="v3",le="\+Inf"\} 0\nmlclf_request_duration_seconds_sum\{model="iris",version="v3"\} 0\.000000000\nmlclf_request_duration_seconds_count\{model="iris",version="v3"\} 0\n/m,
qr/^mlclf_predictions_total\{model="iris",version="v3",class="setosa"\} 0\nmlclf_predictions_total\{model="iris",version="v3",class="versicolor"\} 0\nmlclf_predictions_total\{model="iris",version="v3",class="virginica"\} 0$/m,
qr/^mlclf_model_info\{model="iris",version="v3",algorithm="forest",n_features="4",n_classes="3"\} 1$/m,
qr/^mlclf_model_load_timestamp_seconds\{model="iris",version="v3"\} \d{10}$/m,
qr/^mlclf_metrics_slots 64\n(?:#[^\n]*\n)*mlclf_metrics_slots_used 1$/m,
qr/^mlclf_metrics_slots_exhausted_total 0$/m,
qr/^mlclf_metrics_uncounted_requests_total 0\n\z/m,
]
--- metrics_unlike eval
[
qr/^mlclf_model_accuracy\{/m,
qr/code="[2-5]xx"|model=""/,
]
--- no_error_log
[error]



=== TEST 2: every family has HELP and TYPE, histogram buckets in order
--- request
GET /metrics
--- response_body_like eval
qr/\A# HELP nginx_connections_active [^\n]+\n# TYPE nginx_connections_active gauge\n.*# HELP mlclf_requests_total [^\n]+\n# TYPE mlclf_requests_total counter\n.*# HELP mlclf_errors_total [^\n]+\n# TYPE mlclf_errors_total counter\n.*# HELP mlclf_request_duration_seconds [^\n]+\n# TYPE mlclf_request_duration_seconds histogram\n(?:mlclf_request_duration_seconds_bucket\{model="iris",version="v3",le="(?:5e-06|1e-05|2\.5e-05|5e-05|0\.0001|0\.00025|0\.0005|0\.001|0\.0025|0\.005|0\.01|0\.025|0\.05|0\.1)"\} 0\n){14}mlclf_request_duration_seconds_bucket\{model="iris",version="v3",le="\+Inf"\} 0\n.*# HELP mlclf_predictions_total [^\n]+\n# TYPE mlclf_predictions_total counter\n.*# HELP mlclf_model_info [^\n]+\n# TYPE mlclf_model_info gauge\n.*# HELP mlclf_model_accuracy [^\n]+\n# TYPE mlclf_model_accuracy gauge\n.*# HELP mlclf_model_load_timestamp_seconds [^\n]+\n# TYPE mlclf_model_load_timestamp_seconds gauge\n.*# TYPE mlclf_metrics_slots gauge\n.*# TYPE mlclf_metrics_slots_used gauge\n.*# TYPE mlclf_metrics_slots_exhausted_total counter\n.*# TYPE mlclf_metrics_uncounted_requests_total counter\n/s
--- no_error_log
[error]



=== TEST 3: single rows, a batch and a bad request, counted exactly
--- more_headers
Content-Type: application/json
--- request eval
[
"POST /predict\n" . '{"features": [5.1, 3.5, 1.4, 0.2]}',
"POST /predict\n" . '{"features": [5.1, 3.5, 1.4, 0.2]}',
"POST /predict\n" . '{"features": [6.0, 2.9, 4.5, 1.5]}',
"POST /predict\n" . '{"instances": [[5.1, 3.5, 1.4, 0.2], [6.0, 2.9, 4.5, 1.5], [6.7, 3.0, 5.2, 2.3], [6.9, 3.1, 5.4, 2.1]]}',
"POST /predict\n" . '{"features": [5.1, 3.5, 1.4]}',
"GET /metrics",
]
--- error_code eval
[200, 200, 200, 200, 400, 200]
--- response_body_like eval
[
qr/"setosa"/,
qr/"setosa"/,
qr/"versicolor"/,
qr/"predictions"/,
qr/"reason":"bad_shape"/,
qr/^mlclf_requests_total\{model="iris",version="v3",code="200"\} 4\nmlclf_requests_total\{model="iris",version="v3",code="400"\} 1\nmlclf_requests_total\{model="iris",version="v3",code="405"\} 0\n.*^mlclf_errors_total\{model="iris",version="v3",reason="bad_shape"\} 1\n.*^mlclf_request_duration_seconds_bucket\{model="iris",version="v3",le="\+Inf"\} 5\nmlclf_request_duration_seconds_sum\{model="iris",version="v3"\} 0\.\d{9}\nmlclf_request_duration_seconds_count\{model="iris",version="v3"\} 5\n.*^mlclf_predictions_total\{model="iris",version="v3",class="setosa"\} 3\nmlclf_predictions_total\{model="iris",version="v3",class="versicolor"\} 2\nmlclf_predictions_total\{model="iris",version="v3",class="virginica"\} 2\n/ms,
]
--- metrics_unlike eval
qr/reason="(?!bad_shape")[a-z_]+"\} [1-9]/
--- no_error_log
[error]



=== TEST 4: the durations fall in buckets up to 100 ms, sum above 0
--- more_headers
Content-Type: application/json
--- request eval
[
"POST /predict\n" . '{"features": [5.1, 3.5, 1.4, 0.2]}',
"GET /metrics",
]
--- response_body_like eval
[
qr/"setosa"/,
qr/^mlclf_request_duration_seconds_bucket\{model="iris",version="v3",le="0\.1"\} 1\n.*^mlclf_request_duration_seconds_sum\{model="iris",version="v3"\} 0\.(?!000000000)\d{9}\n/ms,
]
--- no_error_log
[error]



=== TEST 5: HEAD: the headers only
--- request
HEAD /metrics
--- response_headers
Content-Type: text/plain; version=0.0.4; charset=utf-8
--- response_body chomp
--- no_error_log
[error]



=== TEST 6: POST is not allowed
--- request
POST /metrics
x=1
--- error_code: 405
--- response_headers
Allow: GET, HEAD
--- no_error_log
[error]



=== TEST 7: training metrics: mlclf_model_accuracy from the model file
--- http_config
    mlclf_zone mlclf:1m;
    mlclf_model iris $TEST_NGINX_MLCLF_REG/iris;
--- request
GET /metrics
--- metrics_like eval
[
qr/^mlclf_model_accuracy\{model="iris",version="v1"\} (?:1|0\.\d+)$/m,
qr/^mlclf_model_info\{model="iris",version="v1",algorithm="logreg",n_features="4",n_classes="3"\} 1$/m,
]
--- no_error_log
[error]



=== TEST 8: without mlclf_zone: stub_status and model figures only
--- http_config
    mlclf_model iris $TEST_NGINX_MLCLF_MODEL;
--- request
GET /metrics
--- metrics_like eval
[
qr/^nginx_connections_active 1$/m,
qr/^mlclf_model_info\{model="iris",version="v3",algorithm="forest",n_features="4",n_classes="3"\} 1$/m,
]
--- metrics_unlike eval
qr/mlclf_requests_total|mlclf_errors_total|mlclf_request_duration|mlclf_predictions_total|mlclf_metrics_slots/
--- no_error_log
[error]



=== TEST 9: without mlclf_zone /predict works as before
--- http_config
    mlclf_model iris $TEST_NGINX_MLCLF_MODEL;
--- more_headers
Content-Type: application/json
--- request
POST /predict
{"features": [5.1, 3.5, 1.4, 0.2]}
--- response_body_like: "setosa"
--- no_error_log
[error]



=== TEST 10: a batch counts each row once, the request once
--- more_headers
Content-Type: application/json
--- request eval
[
"POST /predict\n" . $::Batch250,
"GET /metrics",
]
--- response_body_like eval
[
qr/"predictions"/,
qr/^mlclf_requests_total\{model="iris",version="v3",code="200"\} 1\n.*^mlclf_predictions_total\{model="iris",version="v3",class="setosa"\} 0\nmlclf_predictions_total\{model="iris",version="v3",class="versicolor"\} 0\nmlclf_predictions_total\{model="iris",version="v3",class="virginica"\} 250\n/ms,
]
--- no_error_log
[error]



=== TEST 11: a model without a slot is not counted, and that is said
--- http_config
    mlclf_zone mlclf:1m slots=1;
    mlclf_model iris $TEST_NGINX_MLCLF_MODEL;
    mlclf_model other $TEST_NGINX_MLCLF_MODEL;
--- config
    location = /predict { mlclf_predict iris; }
    location = /other { mlclf_predict other; }
    location = /metrics { mlclf_metrics; }
--- more_headers
Content-Type: application/json
--- request eval
[
"POST /predict\n" . '{"features": [5.1, 3.5, 1.4, 0.2]}',
"POST /other\n" . '{"features": [5.1, 3.5, 1.4, 0.2]}',
"POST /other\n" . '{"features": [5.1, 3.5, 1.4]}',
"GET /metrics",
]
--- error_code eval
[200, 200, 400, 200]
--- response_body_like eval
[
qr/"setosa"/,
qr/"setosa"/,
qr/"bad_shape"/,
qr/^mlclf_requests_total\{model="iris",version="v3",code="200"\} 1\n.*^mlclf_model_info\{model="other",version="v3",algorithm="forest",n_features="4",n_classes="3"\} 1\n.*^mlclf_metrics_slots 1\n.*^mlclf_metrics_slots_used 1\n.*^mlclf_metrics_slots_exhausted_total 1\n.*^mlclf_metrics_uncounted_requests_total 2\n/ms,
]
--- metrics_unlike eval
qr/^mlclf_(?:requests|errors|predictions)_total\{model="other"/m
--- error_log
mlclf_zone "mlclf" has no room for model "other" v3, its requests are not counted



=== TEST 12: a request naming no model is counted without model labels
--- config
    location = /predict { mlclf_predict $arg_model; }
    location = /metrics { mlclf_metrics; }
--- more_headers
Content-Type: application/json
--- request eval
[
"POST /predict?model=nope\n" . '{"features": [5.1, 3.5, 1.4, 0.2]}',
"POST /predict?model=iris\n" . '{"features": [5.1, 3.5, 1.4, 0.2]}',
"GET /metrics",
]
--- error_code eval
[503, 200, 200]
--- response_body_like eval
[
qr/"reason":"no_model"/,
qr/"setosa"/,
qr/^mlclf_requests_total\{model="",version="",code="503"\} 1\nmlclf_requests_total\{model="iris",version="v3",code="200"\} 1\n.*^mlclf_errors_total\{model="",version="",reason="no_model"\} 1\nmlclf_errors_total\{model="iris",version="v3",reason="bad_json"\} 0\n/ms,
]
--- no_error_log
[error]



=== TEST 13: a zone below 8 pages is refused
--- http_config
    mlclf_zone mlclf:16k;
    mlclf_model iris $TEST_NGINX_MLCLF_MODEL;
--- config
--- must_die
--- error_log
mlclf_zone "mlclf:16k" is too small, 32k at least



=== TEST 14: a size that is not one
--- http_config
    mlclf_zone mlclf:lots;
--- config
--- must_die
--- error_log
invalid mlclf_zone size "mlclf:lots"



=== TEST 15: no size
--- http_config
    mlclf_zone mlclf;
--- config
--- must_die
--- error_log
invalid mlclf_zone "mlclf", expected name:size



=== TEST 16: a bad slot count
--- http_config
    mlclf_zone mlclf:1m slots=0;
--- config
--- must_die
--- error_log
invalid parameter "slots=0", expected slots=1..4096



=== TEST 17: a second mlclf_zone
--- http_config
    mlclf_zone mlclf:1m;
    mlclf_zone other:1m;
--- config
--- must_die
--- error_log
"mlclf_zone" directive is duplicate



=== TEST 18: more slots than the zone holds
--- http_config
    mlclf_zone mlclf:32k slots=4096;
    mlclf_model iris $TEST_NGINX_MLCLF_MODEL;
--- config
--- must_die
--- error_log
mlclf_zone "mlclf" is too small for 4096 slots



=== TEST 19: mlclf_metrics takes no argument
--- config
    location = /metrics { mlclf_metrics on; }
--- must_die
--- error_log
invalid number of arguments in "mlclf_metrics" directive



=== TEST 20: mlclf_zone is an http directive
--- http_config
--- config
    location = /metrics { mlclf_zone mlclf:1m; mlclf_metrics; }
--- must_die
--- error_log
"mlclf_zone" directive is not allowed here
