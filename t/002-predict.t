# POST /predict: the three request shapes, probabilities, headers, and
# bodies that nginx keeps in memory, spills to a temp file or receives
# chunked.  Models are trained by mlclf-train from conf/ into a
# temporary registry (t/lib/MlclfFixtures.pm).

use Test::Nginx::Socket;
use MlclfFixtures qw(tmpdir train);

my $tmp = tmpdir();
train("$tmp/reg", 'iris-logreg.yaml', promote => 1);
train("$tmp/reg", 'iris-forest.yaml', name => 'iris_rf', promote => 1);

$ENV{TEST_NGINX_MLCLF_REG} = "$tmp/reg";

our $Num = qr/-?\d+(?:\.\d+)?(?:e-?\d+)?/;

repeat_each(1);
plan tests => repeat_each() * (blocks() * 5);

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
        $block->set_value('config',
                          '    location = /predict { mlclf_predict iris; }');
    }

    if (!defined $block->more_headers) {
        $block->set_value('more_headers', 'Content-Type: application/json');
    }
});

no_shuffle();
run_tests();

__DATA__

=== TEST 1: one row as an array
--- request
POST /predict
{"features": [5.1, 3.5, 1.4, 0.2]}
--- response_headers
Content-Type: application/json
X-Model-Version: v1
--- response_body_like eval
qr/^\{"prediction":"setosa","confidence":0\.9\d*(?:e-?\d+)?,"model_version":"v1"\}$/
--- no_error_log
[error]



=== TEST 2: one row by feature name
--- request
POST /predict
{"features": {"petal_width": 2.3, "petal_length": 5.9, "sepal_width": 3.0, "sepal_length": 6.8}}
--- response_headers
Content-Type: application/json
X-Model-Version: v1
--- response_body_like eval
qr/^\{"prediction":"virginica","confidence":$main::Num,"model_version":"v1"\}$/
--- no_error_log
[error]



=== TEST 3: a batch mixing both row forms
--- request
POST /predict
{"instances": [[5.1, 3.5, 1.4, 0.2],
               {"sepal_length": 6.8, "sepal_width": 3.0, "petal_length": 5.9, "petal_width": 2.3}]}
--- response_headers
Content-Type: application/json
X-Model-Version: v1
--- response_body_like eval
qr/^\{"model_version":"v1","predictions":\[\{"prediction":"setosa","confidence":$main::Num\},\{"prediction":"virginica","confidence":$main::Num\}\]\}$/
--- no_error_log
[error]



=== TEST 4: probabilities on request
--- request
POST /predict
{"features": [5.1, 3.5, 1.4, 0.2], "probabilities": true}
--- response_headers
Content-Type: application/json
X-Model-Version: v1
--- response_body_like eval
qr/^\{"prediction":"setosa","confidence":$main::Num,"probabilities":\{"setosa":$main::Num,"versicolor":$main::Num,"virginica":$main::Num\},"model_version":"v1"\}$/
--- no_error_log
[error]



=== TEST 5: probabilities false is the default reply
--- request
POST /predict
{"features": [5.1, 3.5, 1.4, 0.2], "probabilities": false}
--- response_headers
Content-Type: application/json
X-Model-Version: v1
--- response_body_like eval
qr/^\{"prediction":"setosa","confidence":$main::Num,"model_version":"v1"\}$/
--- no_error_log
[error]



=== TEST 6: forest model
--- config
    location = /predict { mlclf_predict iris_rf; }
--- request
POST /predict
{"instances": [[5.1, 3.5, 1.4, 0.2], [6.8, 3.0, 5.9, 2.3]], "probabilities": true}
--- response_headers
Content-Type: application/json
X-Model-Version: v1
--- response_body_like eval
qr/^\{"model_version":"v1","predictions":\[\{"prediction":"setosa","confidence":$main::Num,"probabilities":\{"setosa":$main::Num,"versicolor":$main::Num,"virginica":$main::Num\}\},\{"prediction":"virginica",.*\}\]\}$/
--- no_error_log
[error]



=== TEST 7: body spilled to a temp file (client_body_buffer_size 16)
--- config
    client_body_buffer_size 16;
    location = /predict { mlclf_predict iris; }
--- request
POST /predict
{"features": {"petal_width": 2.3, "petal_length": 5.9, "sepal_width": 3.0, "sepal_length": 6.8}}
--- response_headers
Content-Type: application/json
X-Model-Version: v1
--- response_body_like eval
qr/^\{"prediction":"virginica","confidence":$main::Num,"model_version":"v1"\}$/
--- no_error_log
[error]



=== TEST 8: body always in a file (client_body_in_file_only)
--- config
    client_body_in_file_only clean;
    location = /predict { mlclf_predict iris; }
--- request
POST /predict
{"features": [5.1, 3.5, 1.4, 0.2]}
--- response_headers
Content-Type: application/json
X-Model-Version: v1
--- response_body_like eval
qr/^\{"prediction":"setosa","confidence":$main::Num,"model_version":"v1"\}$/
--- no_error_log
[error]



=== TEST 9: chunked body in several buffers
--- config
    client_body_buffer_size 1k;
    location = /predict { mlclf_predict iris; }
--- more_headers
Content-Type: application/json
Transfer-Encoding: chunked
--- request eval
"POST /predict
" . "10\r\n" . '{"features": [5.' . "\r\n" . "13\r\n" . '1, 3.5, 1.4, 0.2]} ' . "\r\n0\r\n\r\n"
--- response_headers
Content-Type: application/json
X-Model-Version: v1
--- response_body_like eval
qr/^\{"prediction":"setosa","confidence":$main::Num,"model_version":"v1"\}$/
--- no_error_log
[error]



=== TEST 10: Content-Type with parameters
--- more_headers
Content-Type: Application/JSON; charset=utf-8
--- request
POST /predict
{"features": [5.1, 3.5, 1.4, 0.2]}
--- response_headers
Content-Type: application/json
X-Model-Version: v1
--- response_body_like eval
qr/^\{"prediction":"setosa","confidence":$main::Num,"model_version":"v1"\}$/
--- no_error_log
[error]



=== TEST 11: the same model in two locations, static and by variable
--- config
    location = /predict { set $m iris_rf; mlclf_predict $m; }
--- request
POST /predict
{"features": [6.8, 3.0, 5.9, 2.3]}
--- response_headers
Content-Type: application/json
X-Model-Version: v1
--- response_body_like eval
qr/^\{"prediction":"virginica","confidence":$main::Num,"model_version":"v1"\}$/
--- no_error_log
[error]
