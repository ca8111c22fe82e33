# mlclf_errors_total: one block per reason that a test can provoke, the
# request catalogue's (see tests/fixtures/bad-requests.txt) and the
# glue's own.  Each sends one bad request, then checks that /metrics
# holds exactly that reason and that status once and nothing else.
# model_unavailable and other (nginx's 408) are in
# t/010-metrics-reload.t, which can kill workers and hold connections;
# internal (a core failure on a verified model) cannot be provoked.
# The model is the iris forest of tests/fixtures/requests (version v3);
# the reasons of raw text and category inputs use the catalogue's text
# model (tests/model_spec.c: n_links, domain, subject, tag, body).
# "--- metrics_unlike" is what the /metrics reply must not hold
# (t/lib/MlclfMetrics.pm); error_log looks at all the block's lines
# (check_accum_error_log), as it is checked after each request.

use Test::Nginx::Socket 'no_plan';
use MlclfFixtures qw(tmpdir parity_model inputs_model);
use MlclfMetrics qw(metrics_text_ok metrics_patterns_ok);

my $tmp = tmpdir();
parity_model("$tmp/iris.mlclf");
inputs_model("$tmp/text.mlclf");

$ENV{TEST_NGINX_MLCLF_MODEL} = "$tmp/iris.mlclf";
$ENV{TEST_NGINX_MLCLF_TEXT} = "$tmp/text.mlclf";

repeat_each(1);

our $HttpConfig = <<'_EOC_';
    mlclf_zone mlclf:1m;
    mlclf_model iris $TEST_NGINX_MLCLF_MODEL;
    mlclf_model text $TEST_NGINX_MLCLF_TEXT;
_EOC_

our $Config = <<'_EOC_';
    location = /predict { mlclf_predict iris; }
    location = /text { mlclf_predict text; mlclf_max_text 8; }
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

=== TEST 1: bad_json
--- more_headers
Content-Type: application/json
--- request eval
[
"POST /predict\n" . q[{"features":[5.1,3.5,1.4,0.2]],
"GET /metrics",
]
--- error_code eval
[400, 200]
--- response_body_like eval
[
qr/"reason":"bad_json"/,
qr/^mlclf_requests_total\{model="iris",version="v3",code="400"\} 1\n.*^mlclf_errors_total\{model="iris",version="v3",reason="bad_json"\} 1\n/ms,
]
--- metrics_unlike eval
qr/code="(?!400")\w+"\} [1-9]|reason="(?!bad_json")[a-z_]+"\} [1-9]|class=.*\} [1-9]/
--- no_error_log
[error]



=== TEST 2: bad_shape
--- more_headers
Content-Type: application/json
--- request eval
[
"POST /predict\n" . q[{"features":[5.1,3.5,1.4]}],
"GET /metrics",
]
--- error_code eval
[400, 200]
--- response_body_like eval
[
qr/"reason":"bad_shape"/,
qr/^mlclf_requests_total\{model="iris",version="v3",code="400"\} 1\n.*^mlclf_errors_total\{model="iris",version="v3",reason="bad_shape"\} 1\n/ms,
]
--- metrics_unlike eval
qr/code="(?!400")\w+"\} [1-9]|reason="(?!bad_shape")[a-z_]+"\} [1-9]|class=.*\} [1-9]/
--- no_error_log
[error]



=== TEST 3: unknown_feature
--- more_headers
Content-Type: application/json
--- request eval
[
"POST /predict\n" . q[{"features":{"petal_lenght":1.4,"sepal_length":5.1,"sepal_width":3.5,"petal_width":0.2}}],
"GET /metrics",
]
--- error_code eval
[400, 200]
--- response_body_like eval
[
qr/"reason":"unknown_feature"/,
qr/^mlclf_requests_total\{model="iris",version="v3",code="400"\} 1\n.*^mlclf_errors_total\{model="iris",version="v3",reason="unknown_feature"\} 1\n/ms,
]
--- metrics_unlike eval
qr/code="(?!400")\w+"\} [1-9]|reason="(?!unknown_feature")[a-z_]+"\} [1-9]|class=.*\} [1-9]/
--- no_error_log
[error]



=== TEST 4: missing_feature
--- more_headers
Content-Type: application/json
--- request eval
[
"POST /predict\n" . q[{"features":{"petal_width":0.2}}],
"GET /metrics",
]
--- error_code eval
[400, 200]
--- response_body_like eval
[
qr/"reason":"missing_feature"/,
qr/^mlclf_requests_total\{model="iris",version="v3",code="400"\} 1\n.*^mlclf_errors_total\{model="iris",version="v3",reason="missing_feature"\} 1\n/ms,
]
--- metrics_unlike eval
qr/code="(?!400")\w+"\} [1-9]|reason="(?!missing_feature")[a-z_]+"\} [1-9]|class=.*\} [1-9]/
--- no_error_log
[error]



=== TEST 5: duplicate_feature
--- more_headers
Content-Type: application/json
--- request eval
[
"POST /predict\n" . q[{"features":{"sepal_length":5.1,"sepal_length":5.1,"sepal_width":3.5,"petal_length":1.4,"petal_width":0.2}}],
"GET /metrics",
]
--- error_code eval
[400, 200]
--- response_body_like eval
[
qr/"reason":"duplicate_feature"/,
qr/^mlclf_requests_total\{model="iris",version="v3",code="400"\} 1\n.*^mlclf_errors_total\{model="iris",version="v3",reason="duplicate_feature"\} 1\n/ms,
]
--- metrics_unlike eval
qr/code="(?!400")\w+"\} [1-9]|reason="(?!duplicate_feature")[a-z_]+"\} [1-9]|class=.*\} [1-9]/
--- no_error_log
[error]



=== TEST 6: missing_value
--- more_headers
Content-Type: application/json
--- request eval
[
"POST /predict\n" . q[{"features":[null,3.5,1.4,0.2]}],
"GET /metrics",
]
--- error_code eval
[400, 200]
--- response_body_like eval
[
qr/"reason":"missing_value"/,
qr/^mlclf_requests_total\{model="iris",version="v3",code="400"\} 1\n.*^mlclf_errors_total\{model="iris",version="v3",reason="missing_value"\} 1\n/ms,
]
--- metrics_unlike eval
qr/code="(?!400")\w+"\} [1-9]|reason="(?!missing_value")[a-z_]+"\} [1-9]|class=.*\} [1-9]/
--- no_error_log
[error]



=== TEST 7: not_a_number
--- more_headers
Content-Type: application/json
--- request eval
[
"POST /predict\n" . q[{"features":["5.1",3.5,1.4,0.2]}],
"GET /metrics",
]
--- error_code eval
[400, 200]
--- response_body_like eval
[
qr/"reason":"not_a_number"/,
qr/^mlclf_requests_total\{model="iris",version="v3",code="400"\} 1\n.*^mlclf_errors_total\{model="iris",version="v3",reason="not_a_number"\} 1\n/ms,
]
--- metrics_unlike eval
qr/code="(?!400")\w+"\} [1-9]|reason="(?!not_a_number")[a-z_]+"\} [1-9]|class=.*\} [1-9]/
--- no_error_log
[error]



=== TEST 8: non_finite
--- more_headers
Content-Type: application/json
--- request eval
[
"POST /predict\n" . q[{"features":[1e999,3.5,1.4,0.2]}],
"GET /metrics",
]
--- error_code eval
[400, 200]
--- response_body_like eval
[
qr/"reason":"non_finite"/,
qr/^mlclf_requests_total\{model="iris",version="v3",code="400"\} 1\n.*^mlclf_errors_total\{model="iris",version="v3",reason="non_finite"\} 1\n/ms,
]
--- metrics_unlike eval
qr/code="(?!400")\w+"\} [1-9]|reason="(?!non_finite")[a-z_]+"\} [1-9]|class=.*\} [1-9]/
--- no_error_log
[error]



=== TEST 9: too_many_rows: mlclf_max_rows 2, three rows
--- config
    location = /predict { mlclf_predict iris; mlclf_max_rows 2; }
    location = /metrics { mlclf_metrics; }
--- more_headers
Content-Type: application/json
--- request eval
[
"POST /predict\n" . q[{"instances":[[5.1,3.5,1.4,0.2],[5.1,3.5,1.4,0.2],[5.1,3.5,1.4,0.2]]}],
"GET /metrics",
]
--- error_code eval
[413, 200]
--- response_body_like eval
[
qr/"reason":"too_many_rows"/,
qr/^mlclf_requests_total\{model="iris",version="v3",code="413"\} 1\n.*^mlclf_errors_total\{model="iris",version="v3",reason="too_many_rows"\} 1\n/ms,
]
--- metrics_unlike eval
qr/code="(?!413")\w+"\} [1-9]|reason="(?!too_many_rows")[a-z_]+"\} [1-9]|class=.*\} [1-9]/
--- no_error_log
[error]



=== TEST 10: empty_batch
--- more_headers
Content-Type: application/json
--- request eval
[
"POST /predict\n" . q[{"instances":[]}],
"GET /metrics",
]
--- error_code eval
[400, 200]
--- response_body_like eval
[
qr/"reason":"empty_batch"/,
qr/^mlclf_requests_total\{model="iris",version="v3",code="400"\} 1\n.*^mlclf_errors_total\{model="iris",version="v3",reason="empty_batch"\} 1\n/ms,
]
--- metrics_unlike eval
qr/code="(?!400")\w+"\} [1-9]|reason="(?!empty_batch")[a-z_]+"\} [1-9]|class=.*\} [1-9]/
--- no_error_log
[error]



=== TEST 11: empty_body
--- more_headers
Content-Type: application/json
--- request eval
[
"POST /predict\n" . q[],
"GET /metrics",
]
--- error_code eval
[400, 200]
--- response_body_like eval
[
qr/"reason":"empty_body"/,
qr/^mlclf_requests_total\{model="iris",version="v3",code="400"\} 1\n.*^mlclf_errors_total\{model="iris",version="v3",reason="empty_body"\} 1\n/ms,
]
--- metrics_unlike eval
qr/code="(?!400")\w+"\} [1-9]|reason="(?!empty_body")[a-z_]+"\} [1-9]|class=.*\} [1-9]/
--- no_error_log
[error]



=== TEST 12: too_deep
--- more_headers
Content-Type: application/json
--- request eval
[
"POST /predict\n" . q[[[[[[[[[[1]]]]]]]]]],
"GET /metrics",
]
--- error_code eval
[400, 200]
--- response_body_like eval
[
qr/"reason":"too_deep"/,
qr/^mlclf_requests_total\{model="iris",version="v3",code="400"\} 1\n.*^mlclf_errors_total\{model="iris",version="v3",reason="too_deep"\} 1\n/ms,
]
--- metrics_unlike eval
qr/code="(?!400")\w+"\} [1-9]|reason="(?!too_deep")[a-z_]+"\} [1-9]|class=.*\} [1-9]/
--- no_error_log
[error]



=== TEST 13: method_not_allowed: GET /predict
--- more_headers
Content-Type: application/json
--- request eval
[
"GET /predict",
"GET /metrics",
]
--- error_code eval
[405, 200]
--- response_body_like eval
[
qr/"reason":"method_not_allowed"/,
qr/^mlclf_requests_total\{model="iris",version="v3",code="405"\} 1\n.*^mlclf_errors_total\{model="iris",version="v3",reason="method_not_allowed"\} 1\n/ms,
]
--- metrics_unlike eval
qr/code="(?!405")\w+"\} [1-9]|reason="(?!method_not_allowed")[a-z_]+"\} [1-9]|class=.*\} [1-9]/
--- no_error_log
[error]



=== TEST 14: unsupported_media_type: no Content-Type
--- request eval
[
"POST /predict\n" . q[{"features":[5.1,3.5,1.4,0.2]}],
"GET /metrics",
]
--- error_code eval
[415, 200]
--- response_body_like eval
[
qr/"reason":"unsupported_media_type"/,
qr/^mlclf_requests_total\{model="iris",version="v3",code="415"\} 1\n.*^mlclf_errors_total\{model="iris",version="v3",reason="unsupported_media_type"\} 1\n/ms,
]
--- metrics_unlike eval
qr/code="(?!415")\w+"\} [1-9]|reason="(?!unsupported_media_type")[a-z_]+"\} [1-9]|class=.*\} [1-9]/
--- no_error_log
[error]



=== TEST 15: no_model: mlclf_predict $arg_model naming no model
--- config
    location = /predict { mlclf_predict $arg_model; }
    location = /metrics { mlclf_metrics; }
--- more_headers
Content-Type: application/json
--- request eval
[
"POST /predict?model=nope\n" . q[{"features":[5.1,3.5,1.4,0.2]}],
"GET /metrics",
]
--- error_code eval
[503, 200]
--- response_body_like eval
[
qr/"reason":"no_model"/,
qr/^mlclf_requests_total\{model="",version="",code="503"\} 1\n.*^mlclf_errors_total\{model="",version="",reason="no_model"\} 1\n/ms,
]
--- metrics_unlike eval
qr/code="(?!503")\w+"\} [1-9]|reason="(?!no_model")[a-z_]+"\} [1-9]|class=.*\} [1-9]/
--- no_error_log
[error]



=== TEST 16: body_too_large: over client_max_body_size, nginx's own 413
--- config
    location = /predict { mlclf_predict iris; client_max_body_size 16; }
    location = /metrics { mlclf_metrics; }
--- more_headers
Content-Type: application/json
--- request eval
[
"POST /predict\n" . q[{"features":[5.1,3.5,1.4,0.2]}],
"GET /metrics",
]
--- error_code eval
[413, 200]
--- response_body_like eval
[
qr/413 Request Entity Too Large/,
qr/^mlclf_requests_total\{model="iris",version="v3",code="413"\} 1\n.*^mlclf_errors_total\{model="iris",version="v3",reason="body_too_large"\} 1\n/ms,
]
--- metrics_unlike eval
qr/code="(?!413")\w+"\} [1-9]|reason="(?!body_too_large")[a-z_]+"\} [1-9]|class=.*\} [1-9]/
--- error_log
client intended to send too large body


=== TEST 17: not_a_string: a number where a text belongs
--- more_headers
Content-Type: application/json
--- request eval
[
"POST /text\n" . q[{"features":[1,"a.com",7,"x","win"]}],
"GET /metrics",
]
--- error_code eval
[400, 200]
--- response_body_like eval
[
qr/"reason":"not_a_string"/,
qr/^mlclf_requests_total\{model="text",version="v\d+",code="400"\} 1\n.*^mlclf_errors_total\{model="text",version="v\d+",reason="not_a_string"\} 1\n/ms,
]
--- metrics_unlike eval
qr/code="(?!400")\w+"\} [1-9]|reason="(?!not_a_string")[a-z_]+"\} [1-9]|class=.*\} [1-9]/
--- no_error_log
[error]



=== TEST 18: bad_text: \\u0000 in a text
--- more_headers
Content-Type: application/json
--- request eval
[
"POST /text\n" . q[{"features":[1,"a.com","free\u0000money","x","win"]}],
"GET /metrics",
]
--- error_code eval
[400, 200]
--- response_body_like eval
[
qr/"reason":"bad_text"/,
qr/^mlclf_requests_total\{model="text",version="v\d+",code="400"\} 1\n.*^mlclf_errors_total\{model="text",version="v\d+",reason="bad_text"\} 1\n/ms,
]
--- metrics_unlike eval
qr/code="(?!400")\w+"\} [1-9]|reason="(?!bad_text")[a-z_]+"\} [1-9]|class=.*\} [1-9]/
--- no_error_log
[error]



=== TEST 19: text_too_long: a text over mlclf_max_text 8
--- more_headers
Content-Type: application/json
--- request eval
[
"POST /text\n" . q[{"features":[1,"a.com","free money","x","win"]}],
"GET /metrics",
]
--- error_code eval
[413, 200]
--- response_body_like eval
[
qr/"reason":"text_too_long"/,
qr/^mlclf_requests_total\{model="text",version="v\d+",code="413"\} 1\n.*^mlclf_errors_total\{model="text",version="v\d+",reason="text_too_long"\} 1\n/ms,
]
--- metrics_unlike eval
qr/code="(?!413")\w+"\} [1-9]|reason="(?!text_too_long")[a-z_]+"\} [1-9]|class=.*\} [1-9]/
--- no_error_log
[error]



=== TEST 20: unknown_category: a tag the model does not know
--- more_headers
Content-Type: application/json
--- request eval
[
"POST /text\n" . q[{"features":[1,"a.com","free","z","win"]}],
"GET /metrics",
]
--- error_code eval
[400, 200]
--- response_body_like eval
[
qr/"reason":"unknown_category"/,
qr/^mlclf_requests_total\{model="text",version="v\d+",code="400"\} 1\n.*^mlclf_errors_total\{model="text",version="v\d+",reason="unknown_category"\} 1\n/ms,
]
--- metrics_unlike eval
qr/code="(?!400")\w+"\} [1-9]|reason="(?!unknown_category")[a-z_]+"\} [1-9]|class=.*\} [1-9]/
--- no_error_log
[error]
