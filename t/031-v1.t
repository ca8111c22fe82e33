# mlclf_v1: KServe's V1 routes (GET /v1/models, GET /v1/models/{name},
# POST /v1/models/{name}:predict), their 404/405/400 replies, the same
# reply bytes as /predict's batch, counting in mlclf_zone and the
# $mlclf_* variables.  Models are trained by mlclf-train from conf/
# into a temporary registry (t/lib/MlclfFixtures.pm).

use Test::Nginx::Socket 'no_plan';
use MlclfFixtures qw(tmpdir train);

my $tmp = tmpdir();
train("$tmp/reg", 'iris-logreg.yaml', promote => 1);
train("$tmp/reg", 'iris-forest.yaml', name => 'iris_rf', promote => 1);

$ENV{TEST_NGINX_MLCLF_REG} = "$tmp/reg";

our $Num = qr/-?\d+(?:\.\d+)?(?:e-?\d+)?/;
our $Rows = '[[5.1, 3.5, 1.4, 0.2], [6.8, 3.0, 5.9, 2.3]]';

repeat_each(1);

our $HttpConfig = <<'_EOC_';
    mlclf_model iris $TEST_NGINX_MLCLF_REG/iris;
    mlclf_model iris_rf $TEST_NGINX_MLCLF_REG/iris_rf;
_EOC_

add_block_preprocessor(sub {
    my $block = shift;

    if (!defined $block->http_config) {
        $block->set_value('http_config', $HttpConfig);
    }

    if (!defined $block->config) {
        $block->set_value('config', '    location /v1/ { mlclf_v1; }');
    }
});

# "--- same_bodies": every reply of the block has the same body bytes
my @bodies;

add_response_body_check(sub {
    my ($block, $body, $i) = @_;

    return unless $block->can('same_bodies') && defined $block->same_bodies;

    @bodies = () if $i == 0;
    push @bodies, $body;

    if ($i > 0) {
        is($body, $bodies[0], $block->name . " - reply $i is reply 0");
    }
});

no_shuffle();
run_tests();

__DATA__

=== TEST 1: the models
--- request
GET /v1/models
--- response_headers
Content-Type: application/json
--- response_body chomp
{"models":["iris","iris_rf"]}
--- no_error_log
[error]



=== TEST 2: no models declared
--- http_config
--- request
GET /v1/models
--- response_body chomp
{"models":[]}
--- no_error_log
[error]



=== TEST 3: a model
--- request
GET /v1/models/iris_rf
--- response_body chomp
{"name":"iris_rf","ready":true}
--- no_error_log
[error]



=== TEST 4: HEAD
--- request
HEAD /v1/models/iris
--- response_headers
Content-Type: application/json
Content-Length: 28
--- no_error_log
[error]



=== TEST 5: predict, without a Content-Type as curl -d and TF Serving's examples send it
--- request eval
"POST /v1/models/iris:predict\n" . qq({"instances": $main::Rows})
--- response_headers
Content-Type: application/json
X-Model-Version: v1
--- response_body_like eval
qr/^\{"model_version":"v1","predictions":\[\{"prediction":"setosa","confidence":$main::Num\},\{"prediction":"virginica","confidence":$main::Num\}\]\}\z/
--- no_error_log
[error]



=== TEST 6: predict with application/json, rows by name, and probabilities
--- more_headers
Content-Type: application/json
--- request
POST /v1/models/iris:predict
{"instances": [{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}], "probabilities": true}
--- response_body_like eval
qr/^\{"model_version":"v1","predictions":\[\{"prediction":"setosa","confidence":$main::Num,"probabilities":\{"setosa":$main::Num,"versicolor":$main::Num,"virginica":$main::Num\}\}\]\}\z/
--- no_error_log
[error]



=== TEST 7: the same bytes as /predict's batch, for both models
--- config
    location /v1/ { mlclf_v1; }
    location = /predict { mlclf_predict $arg_m; }
--- more_headers
Content-Type: application/json
--- request eval
["POST /predict?m=iris_rf\n" . qq({"instances": $main::Rows, "probabilities": true}),
 "POST /v1/models/iris_rf:predict\n" . qq({"instances": $main::Rows, "probabilities": true})]
--- same_bodies
--- response_body_like eval
[qr/"probabilities"/, qr/"probabilities"/]
--- no_error_log
[error]



=== TEST 8: a body without "instances" is a 400
--- request
POST /v1/models/iris:predict
{"features": [5.1, 3.5, 1.4, 0.2]}
--- error_code: 400
--- response_body chomp
{"error":"expected {\"instances\": [...]}, the rows to predict","reason":"bad_shape"}
--- no_error_log
[error]



=== TEST 9: bad rows get /predict's reasons
--- request eval
["POST /v1/models/iris:predict\n" . '{"instances": [[5.1, 3.5]]}',
 "POST /v1/models/iris:predict\n" . '{"instances": []}',
 "POST /v1/models/iris:predict\n" . '{"instances": [[5.1, 3.5, 1.4, "x"]]}',
 "POST /v1/models/iris:predict\n" . '{"instances": ',
 "POST /v1/models/iris:predict\n" . '']
--- error_code eval
[400, 400, 400, 400, 400]
--- response_body_like eval
[qr/^\{"error":"(?:[^"\\]|\\.)+","reason":"bad_shape"\}\z/,
 qr/^\{"error":"(?:[^"\\]|\\.)+","reason":"empty_batch"\}\z/,
 qr/^\{"error":"(?:[^"\\]|\\.)+","reason":"not_a_number"\}\z/,
 qr/^\{"error":"(?:[^"\\]|\\.)+","reason":"bad_json"\}\z/,
 qr/^\{"error":"(?:[^"\\]|\\.)+","reason":"empty_body"\}\z/]
--- no_error_log
[error]



=== TEST 10: an unknown model is a 404
--- request eval
["GET /v1/models/nope", "POST /v1/models/nope:predict\n{\"instances\": [[1, 2, 3, 4]]}"]
--- error_code eval
[404, 404]
--- response_body eval
['{"error":"no model named \"nope\"","reason":"no_model"}',
 '{"error":"no model named \"nope\"","reason":"no_model"}']
--- no_error_log
[error]



=== TEST 11: unknown routes are 404
--- request eval
["GET /v1/models/iris:explain", "GET /v1/model", "GET /v1/models/",
 "GET /v1/models/iris/x", "GET /v1/modelsx"]
--- error_code eval
[404, 404, 404, 404, 404]
--- response_body eval
[('{"error":"no such route of the V1 protocol","reason":"other"}') x 5]
--- no_error_log
[error]



=== TEST 12: methods
--- request eval
["GET /v1/models/iris:predict", "POST /v1/models\n{}",
 "DELETE /v1/models/iris", "PUT /v1/models/iris:predict\n{}"]
--- error_code eval
[405, 405, 405, 405]
--- response_headers eval
["Allow: POST", "Allow: GET, HEAD", "Allow: GET, HEAD", "Allow: POST"]
--- response_body eval
['{"error":"method not allowed, use POST","reason":"method_not_allowed"}',
 '{"error":"method not allowed, use GET","reason":"method_not_allowed"}',
 '{"error":"method not allowed, use GET","reason":"method_not_allowed"}',
 '{"error":"method not allowed, use POST","reason":"method_not_allowed"}']
--- no_error_log
[error]



=== TEST 13: the location forms: prefix without slash, ^~, regex
--- config
    location ^~ /v1 { mlclf_v1; }
    location ~ ^/kserve/v1/ { mlclf_v1; }
--- request eval
["GET /v1/models", "GET /v1/models/iris", "GET /kserve/v1/models"]
--- error_code eval
[200, 200, 404]
--- response_body eval
['{"models":["iris","iris_rf"]}', '{"name":"iris","ready":true}',
 '{"error":"no such route of the V1 protocol","reason":"other"}']
--- no_error_log
[error]



=== TEST 14: counted in mlclf_zone like /predict, by model and reason, NGINX's 413 too
--- http_config
    mlclf_zone mlclf:1m;
    mlclf_model iris $TEST_NGINX_MLCLF_REG/iris;
--- config
    location /v1/ { mlclf_v1; client_max_body_size 200; }
    location = /metrics { mlclf_metrics; }
--- request eval
["POST /v1/models/iris:predict\n" . qq({"instances": $main::Rows}),
 "POST /v1/models/iris:predict\n" . '{"features": [1, 2, 3, 4]}',
 "GET /v1/models/iris:predict",
 "GET /v1/models/iris",
 "GET /v1/models/nope",
 "POST /v1/models/iris:predict\n" . qq({"instances": $main::Rows, "pad": ") . 'x' x 300 . '"}',
 "POST /v1/models/nope:predict\n" . qq({"instances": $main::Rows, "pad": ") . 'x' x 300 . '"}',
 "GET /metrics"]
--- error_code eval
[200, 400, 405, 200, 404, 413, 413, 200]
--- response_body_like eval
[qr/predictions/, qr/bad_shape/, qr/method_not_allowed/, qr/ready/,
 qr/no_model/, qr/413/, qr/413/,
 qr/mlclf_requests_total\{model="iris",version="v1",code="200"\} 1\n.*mlclf_requests_total\{model="iris",version="v1",code="400"\} 1\n.*mlclf_requests_total\{model="iris",version="v1",code="405"\} 1\n.*mlclf_requests_total\{model="iris",version="v1",code="413"\} 1\n.*mlclf_errors_total\{model="iris",version="v1",reason="bad_shape"\} 1\n.*mlclf_errors_total\{model="iris",version="v1",reason="method_not_allowed"\} 1\n.*mlclf_errors_total\{model="iris",version="v1",reason="no_model"\} 0\n.*mlclf_errors_total\{model="iris",version="v1",reason="body_too_large"\} 1\n.*mlclf_request_duration_seconds_count\{model="iris",version="v1"\} 2\n.*mlclf_predictions_total\{model="iris",version="v1",class="setosa"\} 1\n.*mlclf_predictions_total\{model="iris",version="v1",class="virginica"\} 1\n/s]
--- no_error_log
[alert]
[crit]
[emerg]



=== TEST 15: the $mlclf_* variables in an access log
--- http_config
    mlclf_model iris $TEST_NGINX_MLCLF_REG/iris;
    log_format mlclf '$status $mlclf_model $mlclf_model_version '
                     '$mlclf_prediction $mlclf_confidence $mlclf_rows '
                     '$mlclf_reason';
--- config
    location /v1/ {
        mlclf_v1;
        access_log logs/mlclf.log mlclf;
    }
    location = /log {
        default_type text/plain;
        alias logs/mlclf.log;
    }
--- request eval
["POST /v1/models/iris:predict\n" . qq({"instances": $main::Rows}),
 "POST /v1/models/iris:predict\n" . '{"instances": [[6.8]]}',
 "GET /v1/models/iris",
 "GET /log"]
--- error_code eval
[200, 400, 200, 200]
--- response_body_like eval
['"prediction":"setosa"', '"reason":"bad_shape"', 'ready',
 qr/^200 iris v1 setosa 0\.\d+(?:e-?\d+)? 2 -\n400 iris v1 - - - bad_shape\n200 - - - - - -\n\z/]
--- no_error_log
[error]



=== TEST 16: mlclf_v1 takes no argument
--- config
    location /v1 { mlclf_v1 iris; }
--- must_die
--- error_log
invalid number of arguments in "mlclf_v1" directive



=== TEST 17: mlclf_v1 belongs in a location
--- http_config
    mlclf_model iris $TEST_NGINX_MLCLF_REG/iris;
    mlclf_v1;
--- config
--- must_die
--- error_log
"mlclf_v1" directive is not allowed here
