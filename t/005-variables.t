# The $mlclf_* variables: in response headers (add_header ... always) and
# in an access log read back by a second request.

# The plan is not a formula: the blocks differ in their number of
# checks (must_die ones, arrays of requests checked one by one).
use Test::Nginx::Socket 'no_plan';
use MlclfFixtures qw(tmpdir train);

my $tmp = tmpdir();
train("$tmp/reg", 'iris-logreg.yaml', promote => 1);

$ENV{TEST_NGINX_MLCLF_REG} = "$tmp/reg";

repeat_each(1);

no_shuffle();
run_tests();

__DATA__

=== TEST 1: variables after a prediction
--- http_config
    mlclf_model iris $TEST_NGINX_MLCLF_REG/iris;
--- config
    location = /predict {
        mlclf_predict iris;
        add_header X-Mlclf "$mlclf_model $mlclf_model_version $mlclf_prediction $mlclf_rows [$mlclf_reason]";
        add_header X-Confidence $mlclf_confidence;
    }
--- more_headers
Content-Type: application/json
--- request
POST /predict
{"instances": [[5.1, 3.5, 1.4, 0.2], [6.8, 3.0, 5.9, 2.3]]}
--- response_headers_like
X-Mlclf: ^iris v1 setosa 2 \[\]$
X-Confidence: ^0\.\d+
--- no_error_log
[error]



=== TEST 2: variables after a rejected request
--- http_config
    mlclf_model iris $TEST_NGINX_MLCLF_REG/iris;
--- config
    location = /predict {
        mlclf_predict iris;
        add_header X-Mlclf "$mlclf_model $mlclf_model_version [$mlclf_prediction] [$mlclf_rows] $mlclf_reason" always;
    }
--- more_headers
Content-Type: application/json
--- request
POST /predict
{"features": [5.1, 3.5]}
--- error_code: 400
--- response_headers
X-Mlclf: iris v1 [] [] bad_shape
--- no_error_log
[error]



=== TEST 3: variables in an access log
--- http_config
    mlclf_model iris $TEST_NGINX_MLCLF_REG/iris;
    log_format mlclf '$status $mlclf_model $mlclf_model_version '
                     '$mlclf_prediction $mlclf_confidence $mlclf_rows '
                     '$mlclf_reason';
--- config
    location = /predict {
        mlclf_predict $arg_m;
        access_log logs/mlclf.log mlclf;
    }
    location = /log {
        default_type text/plain;
        alias logs/mlclf.log;
    }
--- more_headers
Content-Type: application/json
--- request eval
["POST /predict?m=iris\n" . '{"features": [6.8, 3.0, 5.9, 2.3]}',
 "POST /predict?m=iris\n" . '{"features": [6.8]}',
 "POST /predict?m=nope\n" . '{"features": [6.8, 3.0, 5.9, 2.3]}',
 "GET /log"]
--- error_code eval
[200, 400, 503, 200]
--- response_body_like eval
['"prediction":"virginica"', '"reason":"bad_shape"', '"reason":"no_model"',
 qr/^200 iris v1 virginica 0\.\d+(?:e-?\d+)? 1 -\n400 iris v1 - - - bad_shape\n503 nope - - - - no_model\n\z/]
--- no_error_log
[error]



=== TEST 4: a location without mlclf_predict leaves them empty
--- config
    location = /t {
        return 200 "[$mlclf_model][$mlclf_model_version][$mlclf_prediction][$mlclf_confidence][$mlclf_rows][$mlclf_reason]";
    }
--- request
GET /t
--- response_body chomp
[][][][][][]
--- no_error_log
[error]
