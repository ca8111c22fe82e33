# mlclf_v2: KServe's Open Inference Protocol (V2) routes: server and
# model metadata, health, infer with JSON and binary tensors (bodies
# packed here as tritonclient.http sends them), outputs, classification,
# the 404/405/415/400 replies, the same probabilities as /predict,
# counting in mlclf_zone (NGINX's 413 too), the $mlclf_* variables, the
# location forms and the directive's own errors.
# Models are trained by mlclf-train from conf/ into a temporary
# registry (t/lib/MlclfFixtures.pm); binary bodies are packed here.

use Test::Nginx::Socket 'no_plan';
use JSON::PP;
use MlclfFixtures qw(tmpdir train);

my $tmp = tmpdir();
train("$tmp/reg", 'iris-logreg.yaml', promote => 1);
train("$tmp/reg", 'iris-forest.yaml', name => 'iris_rf', promote => 1);

$ENV{TEST_NGINX_MLCLF_REG} = "$tmp/reg";

our @Rows = ([5.1, 3.5, 1.4, 0.2], [6.8, 3.0, 5.9, 2.3]);
our $Flat = join(', ', map { @$_ } @Rows);
our $Infer = qq({"id": "42", "inputs": [{"name": "features", "shape": [2, 4], "datatype": "FP64", "data": [$Flat]}]});

# tritonclient.http: the JSON header, then the FP32 rows little-endian
our $BinJson = '{"inputs":[{"name":"features","shape":[2,4],'
               . '"datatype":"FP32","parameters":{"binary_data_size":32}}],'
               . '"outputs":[{"name":"label","parameters":'
               . '{"binary_data":false}}]}';
our $BinBody = $BinJson . pack('f<*', map { @$_ } @Rows);

# 100 rows as FP64 binary data: 3200 bytes, past a 1k body buffer
our $Bin100Json = '{"inputs":[{"name":"features","shape":[100,4],'
                  . '"datatype":"FP64","parameters":'
                  . '{"binary_data_size":3200}}],"outputs":[{"name":"label"}]}';
our $Bin100Body = $Bin100Json . pack('d<*', map { @$_ } (@Rows) x 50);

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
        $block->set_value('config', '    location /v2 { mlclf_v2; }');
    }
});

# "--- same_probabilities": the replies of the block alternate /predict
# (with "probabilities": true) and V2 infer; each V2 probability is the
# same double as /predict's.
my @predict;

# "--- binary_reply": the body is the JSON header, then each binary
# output's binary_data_size bytes, in order; FP64 probabilities sum
# to 1 per row and BYTES labels are length-prefixed class names.

add_response_body_check(sub {
    my ($block, $body, $i) = @_;

    if ($block->can('same_probabilities')
        && defined $block->same_probabilities)
    {
        my $reply = decode_json($body);

        if ($i % 2 == 0) {
            @predict = map { my $p = $_->{probabilities};
                             map { $p->{$_} } qw(setosa versicolor virginica) }
                       @{$reply->{predictions}};
            return;
        }

        my ($out) = grep { $_->{name} eq 'probabilities' }
                    @{$reply->{outputs}};
        my @v2 = map { ref $_ ? @$_ : $_ } @{$out->{data}};

        ok(@v2 == @predict && !grep({ $v2[$_] != $predict[$_] }
                                    0 .. $#predict),
           $block->name . " - reply $i has /predict's probabilities");
    }

    if ($block->can('binary_reply') && defined $block->binary_reply) {
        my ($json, $n) = JSON::PP->new->decode_prefix($body);
        my $bin = substr($body, $n);
        my $ok = 1;

        for my $out (@{$json->{outputs}}) {
            my $size = $out->{parameters}{binary_data_size};
            my $data = substr($bin, 0, $size, '');

            $ok &&= !exists $out->{data};

            if ($out->{name} eq 'probabilities') {
                my @p = unpack('d<*', $data);
                $ok &&= @p == 6 && abs($p[0] + $p[1] + $p[2] - 1) < 1e-9;

            } else {
                my @l;
                while (length $data) {
                    my $len = unpack('V', substr($data, 0, 4, ''));
                    push @l, substr($data, 0, $len, '');
                }
                $ok &&= "@l" eq 'setosa virginica';
            }
        }

        ok($ok && $bin eq '', $block->name . ' - binary outputs');
    }
});

no_shuffle();
run_tests();

__DATA__

=== TEST 1: server metadata
--- request
GET /v2
--- response_headers
Content-Type: application/json
--- response_body chomp
{"name":"mlclf","version":"0.1.0","extensions":["classification","binary_tensor_data"]}
--- no_error_log
[error]



=== TEST 2: server metadata with a slash, and HEAD
--- request eval
["GET /v2/", "HEAD /v2"]
--- response_headers eval
["Content-Length: 87", "Content-Length: 87"]
--- response_body eval
['{"name":"mlclf","version":"0.1.0","extensions":["classification","binary_tensor_data"]}', '']
--- no_error_log
[error]



=== TEST 3: health
--- request eval
["GET /v2/health/live", "GET /v2/health/ready"]
--- response_body eval
['{"live":true}', '{"ready":true}']
--- no_error_log
[error]



=== TEST 4: ready without models
--- http_config
--- request
GET /v2/health/ready
--- response_body chomp
{"ready":true}
--- no_error_log
[error]



=== TEST 5: model ready, with and without the version
--- request eval
["GET /v2/models/iris/ready", "GET /v2/models/iris_rf/versions/v1/ready",
 "GET /v2/models/iris/versions/1/ready"]
--- response_body eval
['{"name":"iris","ready":true}', '{"name":"iris_rf","ready":true}',
 '{"name":"iris","ready":true}']
--- no_error_log
[error]



=== TEST 6: model metadata
--- request eval
["GET /v2/models/iris", "GET /v2/models/iris/versions/v1"]
--- response_body_like eval
[qr/^\{"name":"iris","versions":\["v1"\],"platform":"mlclf",.*"inputs":\[.*"name":"features".*"datatype":"FP64".*"shape":\[-1,4\].*"outputs":\[.*"name":"probabilities".*"shape":\[-1,3\].*"name":"label".*"datatype":"BYTES".*\}\z/s,
 qr/^\{"name":"iris","versions":\["v1"\]/]
--- no_error_log
[error]



=== TEST 7: a version that is not the one served is a 404
--- request eval
["GET /v2/models/iris/versions/v2", "GET /v2/models/iris/versions/2/ready",
 "POST /v2/models/iris/versions/v7/infer\n$main::Infer"]
--- error_code eval
[404, 404, 404]
--- response_body eval
['{"error":"model \"iris\" has no version \"v2\", it serves v1","reason":"no_model"}',
 '{"error":"model \"iris\" has no version \"2\", it serves v1","reason":"no_model"}',
 '{"error":"model \"iris\" has no version \"v7\", it serves v1","reason":"no_model"}']
--- no_error_log
[error]



=== TEST 8: an unknown model is a 404
--- request eval
["GET /v2/models/nope", "GET /v2/models/nope/ready",
 "POST /v2/models/nope/infer\n$main::Infer"]
--- error_code eval
[404, 404, 404]
--- response_body eval
[('{"error":"no model named \"nope\"","reason":"no_model"}') x 3]
--- no_error_log
[error]



=== TEST 9: unknown routes are 404
--- request eval
["GET /v2/foo", "GET /v2/models", "GET /v2/models/", "GET /v2/health",
 "GET /v2/models/iris/explain", "GET /v2/models/iris/versions/",
 "GET /v2/models/iris/versions/v1/", "GET /v2x", "GET /v2/health/live/"]
--- error_code eval
[(404) x 9]
--- response_body eval
[('{"error":"no such route of the Open Inference Protocol","reason":"other"}') x 9]
--- no_error_log
[error]



=== TEST 10: methods
--- request eval
["POST /v2\n{}", "DELETE /v2/health/ready", "PUT /v2/models/iris\n{}",
 "POST /v2/models/iris/ready\n{}", "GET /v2/models/iris/infer"]
--- error_code eval
[405, 405, 405, 405, 405]
--- response_headers eval
["Allow: GET, HEAD", "Allow: GET, HEAD", "Allow: GET, HEAD",
 "Allow: GET, HEAD", "Allow: POST"]
--- response_body eval
[('{"error":"method not allowed, use GET","reason":"method_not_allowed"}') x 4,
 '{"error":"method not allowed, use POST","reason":"method_not_allowed"}']
--- no_error_log
[error]



=== TEST 11: a compressed body is refused
--- more_headers eval
["Content-Encoding: gzip", "Content-Encoding: deflate"]
--- request eval
["POST /v2/models/iris/infer\n$main::Infer",
 "POST /v2/models/iris/infer\n$main::Infer"]
--- error_code eval
[415, 415]
--- response_body eval
[('{"error":"Content-Encoding is not supported, send the body uncompressed","reason":"unsupported_media_type"}') x 2]
--- no_error_log
[error]



=== TEST 12: Inference-Header-Content-Length that is no length of the body
--- more_headers eval
["Inference-Header-Content-Length: x", "Inference-Header-Content-Length: -1",
 "Inference-Header-Content-Length: 100000"]
--- request eval
[("POST /v2/models/iris/infer\n$main::Infer") x 3]
--- error_code eval
[400, 400, 400]
--- response_body eval
[('{"error":"Inference-Header-Content-Length must be a number of bytes no greater than the body\'s","reason":"bad_tensor"}') x 3]
--- no_error_log
[error]



=== TEST 13: infer, one FP64 tensor, JSON reply with the id
--- request eval
"POST /v2/models/iris/infer\n$main::Infer"
--- response_headers
Content-Type: application/json
X-Model-Version: v1
!Inference-Header-Content-Length
--- response_body_like eval
qr/^\{"model_name":"iris","model_version":"v1","id":"42","outputs":\[\{"name":"probabilities","datatype":"FP64","shape":\[2,3\],"data":\[[^\]]+\]\},\{"name":"label","datatype":"BYTES","shape":\[2\],"data":\["setosa","virginica"\]\}\]\}\z/
--- no_error_log
[error]



=== TEST 14: the same probabilities as /predict, both models, FP64 and FP32 rows
--- config
    location /v2/ { mlclf_v2; }
    location = /predict { mlclf_predict $arg_m; }
--- more_headers
Content-Type: application/json
--- request eval
["POST /predict?m=iris\n" . qq({"instances": [[5.1, 3.5, 1.4, 0.2], [6.8, 3.0, 5.9, 2.3]], "probabilities": true}),
 "POST /v2/models/iris/infer\n$main::Infer",
 "POST /predict?m=iris_rf\n" . qq({"instances": [[5.1, 3.5, 1.4, 0.2], [6.8, 3.0, 5.9, 2.3]], "probabilities": true}),
 "POST /v2/models/iris_rf/infer\n$main::Infer",
 "POST /predict?m=iris\n" . qq({"instances": [[5.0, 3.5, 1.5, 0.25], [6.5, 3.0, 5.5, 2.25]], "probabilities": true}),
 "POST /v2/models/iris/infer\n" . '{"inputs": [{"name": "features", "shape": [2, 4], "datatype": "FP32", "data": [[5.0, 3.5, 1.5, 0.25], [6.5, 3.0, 5.5, 2.25]]}]}']
--- same_probabilities
--- response_body_like eval
[(qr/probabilities/) x 6]
--- no_error_log
[error]



=== TEST 15: one tensor per input, named as the model's features
--- request
POST /v2/models/iris/infer
{"inputs": [{"name": "sepal_length", "shape": [2], "datatype": "FP64", "data": [5.1, 6.8]}, {"name": "sepal_width", "shape": [2, 1], "datatype": "FP64", "data": [[3.5], [3.0]]}, {"name": "petal_length", "shape": [2], "datatype": "FP32", "data": [1.4, 5.9]}, {"name": "petal_width", "shape": [2], "datatype": "FP64", "data": [0.2, 2.3]}], "outputs": [{"name": "label"}]}
--- response_body_like eval
qr/^\{"model_name":"iris","model_version":"v1","outputs":\[\{"name":"label","datatype":"BYTES","shape":\[2\],"data":\["setosa","virginica"\]\}\]\}\z/
--- no_error_log
[error]



=== TEST 16: classification extension: top 2 as "<value>:<index>:<label>"
--- request eval
"POST /v2/models/iris/infer\n" . qq({"inputs": [{"name": "features", "shape": [2, 4], "datatype": "FP64", "data": [$main::Flat]}], "outputs": [{"name": "label", "parameters": {"classification": 2}}]})
--- response_body_like eval
qr/^\{"model_name":"iris","model_version":"v1","outputs":\[\{"name":"label","datatype":"BYTES","shape":\[2,2\],"data":\["0\.\d[^:"]*:0:setosa","[^:"]+:1:versicolor","0\.\d[^:"]*:2:virginica","[^:"]+:1:versicolor"\]\}\]\}\z/
--- no_error_log
[error]



=== TEST 17: unknown parameters ignored, unknown output and bad k refused
--- request eval
["POST /v2/models/iris/infer\n" . qq({"parameters": {"priority": 1}, "inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP64", "data": [5.1, 3.5, 1.4, 0.2], "parameters": {"x": "y"}}], "outputs": [{"name": "label"}]}),
 "POST /v2/models/iris/infer\n" . qq({"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP64", "data": [5.1, 3.5, 1.4, 0.2]}], "outputs": [{"name": "scores"}]}),
 "POST /v2/models/iris/infer\n" . qq({"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP64", "data": [5.1, 3.5, 1.4, 0.2]}], "outputs": [{"name": "label", "parameters": {"classification": 4}}]})]
--- error_code eval
[200, 400, 400]
--- response_body_like eval
[qr/"data":\["setosa"\]/,
 qr/^\{"error":"unknown output \\"scores\\"(?:[^"\\]|\\.)*","reason":"bad_shape"\}\z/,
 qr/^\{"error":"output \\"label\\": \\"classification\\" must be (?:[^"\\]|\\.)*","reason":"bad_shape"\}\z/]
--- no_error_log
[error]



=== TEST 18: malformed bodies: each its 400 and reason, never a 5xx
--- request eval
[map { "POST /v2/models/iris/infer\n$_" }
 '{"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP64", "data": [1, 2, 3]}]}',
 '{"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP16", "data": [1, 2, 3, 4]}]}',
 '{"id": "1", "outputs": []}',
 '{"inputs": [{"name": "features", "shape": [-1, 4], "datatype": "FP64", "data": [1, 2, 3, 4]}]}',
 '{"inputs": [{"name": "features", "shape": [1000000000000, 4], "datatype": "FP64", "data": [1, 2, 3, 4]}]}',
 '{"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP64", "parameters": {"binary_data_size": 64}}]}',
 '{"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP64", "data": [1, 2, 3, 4]}',
 '{"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP64", "data": [1, 2, 3, "x"]}]}']
--- error_code eval
[(400) x 8]
--- response_body_like eval
[map { qr/^\{"error":"(?:[^"\\]|\\.)+","reason":"$_"\}\z/ }
 qw(bad_tensor bad_tensor bad_shape bad_tensor bad_tensor bad_tensor
    bad_json not_a_number)]
--- no_error_log
[error]



=== TEST 19: binary sizes that overrun the body
--- more_headers eval
[map { "Inference-Header-Content-Length: " . length($main::BinJson) . "\n"
       . "Content-Type: application/octet-stream\n"
       . "Content-Length: " . (length($main::BinJson) + $_) } 31, 33]
--- request eval
["POST /v2/models/iris/infer\n" . substr($main::BinBody, 0, -1),
 "POST /v2/models/iris/infer\n" . $main::BinBody . 'x']
--- error_code eval
[400, 400]
--- response_body_like eval
[(qr/^\{"error":"(?:[^"\\]|\\.)+","reason":"bad_tensor"\}\z/) x 2]
--- no_error_log
[error]



=== TEST 20: binary tensor request, as tritonclient.http sends it
--- more_headers eval
"Inference-Header-Content-Length: " . length($main::BinJson) . "\n"
. "Content-Type: application/octet-stream\n"
. "Content-Length: " . length($main::BinBody)
--- request eval
"POST /v2/models/iris/infer\n$main::BinBody"
--- response_headers
Content-Type: application/json
!Inference-Header-Content-Length
--- response_body_like eval
qr/^\{"model_name":"iris","model_version":"v1","outputs":\[\{"name":"label","datatype":"BYTES","shape":\[2\],"data":\["setosa","virginica"\]\}\]\}\z/
--- no_error_log
[error]



=== TEST 21: a binary body that NGINX keeps in a temp file
--- config
    location /v2 { mlclf_v2; client_body_buffer_size 1k; }
--- more_headers eval
"Inference-Header-Content-Length: " . length($main::Bin100Json) . "\n"
. "Content-Length: " . length($main::Bin100Body)
--- request eval
"POST /v2/models/iris/infer\n$main::Bin100Body"
--- response_body_like eval
qr/^\{"model_name":"iris","model_version":"v1","outputs":\[\{"name":"label","datatype":"BYTES","shape":\[100\],"data":\[(?:"setosa","virginica",){49}"setosa","virginica"\]\}\]\}\z/
--- error_log
a client request body is buffered to a temporary file
--- no_error_log
[error]



=== TEST 22: binary outputs, as tritonclient.http asks by default
--- request eval
"POST /v2/models/iris/infer\n" . qq({"inputs": [{"name": "features", "shape": [2, 4], "datatype": "FP64", "data": [$main::Flat]}], "outputs": [{"name": "probabilities", "parameters": {"binary_data": true}}, {"name": "label", "parameters": {"binary_data": true}}]})
--- response_headers_like
Content-Type: application/octet-stream
Inference-Header-Content-Length: \d+
--- binary_reply
--- response_body_like eval
qr/^\{"model_name":"iris","model_version":"v1","outputs":\[\{"name":"probabilities","datatype":"FP64","shape":\[2,3\],"parameters":\{"binary_data_size":48\}\},\{"name":"label","datatype":"BYTES","shape":\[2\],"parameters":\{"binary_data_size":\d+\}\}\]\}/
--- no_error_log
[error]



=== TEST 23: binary_data_output in the request's parameters
--- request eval
"POST /v2/models/iris/infer\n" . qq({"parameters": {"binary_data_output": true}, "inputs": [{"name": "features", "shape": [2, 4], "datatype": "FP64", "data": [$main::Flat]}]})
--- response_headers_like
Content-Type: application/octet-stream
--- binary_reply
--- response_body_like eval
qr/^\{"model_name":"iris","model_version":"v1","outputs":\[\{"name":"probabilities",.*"binary_data_size":48\}\},\{"name":"label",/
--- no_error_log
[error]



=== TEST 24: Content-Encoding: identity is no encoding
--- more_headers
Content-Encoding: identity
--- request eval
"POST /v2/models/iris/infer\n$main::Infer"
--- response_body_like eval
qr/^\{"model_name":"iris",.*"outputs"/
--- no_error_log
[error]



=== TEST 25: counted in mlclf_zone like /predict, by model and reason, NGINX's 413 too
--- http_config
    mlclf_zone mlclf:1m;
    mlclf_model iris $TEST_NGINX_MLCLF_REG/iris;
--- config
    location /v2/ { mlclf_v2; client_max_body_size 400; }
    location = /metrics { mlclf_metrics; }
--- request eval
["POST /v2/models/iris/infer\n$main::Infer",
 "POST /v2/models/iris/infer\n" . '{"inputs": []}',
 "GET /v2/models/iris/infer",
 "POST /v2/models/iris/versions/v9/infer\n{}",
 "GET /v2/models/iris",
 "POST /v2/models/nope/infer\n{}",
 "POST /v2/models/iris/infer\n" . substr($main::Infer, 0, -1) . ', "pad": "' . 'x' x 400 . '"}',
 "GET /metrics"]
--- error_code eval
[200, 400, 405, 404, 200, 404, 413, 200]
--- response_body_like eval
[qr/outputs/, qr/error/, qr/method_not_allowed/, qr/no version/,
 qr/"name":"iris"/, qr/no_model/, qr/413/,
 qr/mlclf_requests_total\{model="iris",version="v1",code="200"\} 1\n.*mlclf_requests_total\{model="iris",version="v1",code="400"\} 1\n.*mlclf_requests_total\{model="iris",version="v1",code="405"\} 1\n.*mlclf_requests_total\{model="iris",version="v1",code="413"\} 1\n.*mlclf_requests_total\{model="iris",version="v1",code="4xx"\} 1\n.*mlclf_errors_total\{model="iris",version="v1",reason="method_not_allowed"\} 1\n.*mlclf_errors_total\{model="iris",version="v1",reason="no_model"\} 1\n.*mlclf_errors_total\{model="iris",version="v1",reason="body_too_large"\} 1\n.*mlclf_request_duration_seconds_count\{model="iris",version="v1"\} 2\n.*mlclf_predictions_total\{model="iris",version="v1",class="setosa"\} 1\n.*mlclf_predictions_total\{model="iris",version="v1",class="virginica"\} 1\n/s]
--- no_error_log
[alert]
[crit]
[emerg]



=== TEST 26: the $mlclf_* variables in an access log
--- http_config
    mlclf_model iris $TEST_NGINX_MLCLF_REG/iris;
    log_format mlclf '$status $mlclf_model $mlclf_model_version '
                     '$mlclf_prediction $mlclf_confidence $mlclf_rows '
                     '$mlclf_reason';
--- config
    location /v2/ {
        mlclf_v2;
        access_log logs/mlclf.log mlclf;
    }
    location = /log {
        default_type text/plain;
        alias logs/mlclf.log;
    }
--- request eval
["POST /v2/models/iris/infer\n$main::Infer",
 "POST /v2/models/iris/infer\n" . '{"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP64", "data": [1, 2, 3]}]}',
 "GET /v2/models/iris/ready",
 "GET /log"]
--- error_code eval
[200, 400, 200, 200]
--- response_body_like eval
['"outputs"', '"reason"', 'ready',
 qr/^200 iris v1 setosa 0\.\d+(?:e-?\d+)? 2 -\n400 iris v1 - - - [a-z_]+\n200 - - - - - -\n\z/]
--- no_error_log
[error]



=== TEST 27: the location forms: exact-less prefix, ^~ and regex
--- config
    location ^~ /v2/ { mlclf_v2; }
    location = /v2 { mlclf_v2; }
    location ~ ^/kserve/v2 { mlclf_v2; }
--- request eval
["GET /v2", "GET /v2/health/live", "GET /v2/models/iris/ready",
 "GET /kserve/v2"]
--- error_code eval
[200, 200, 200, 404]
--- response_body_like eval
[qr/"extensions"/, qr/"live":true/, qr/"ready":true/,
 qr/no such route/]
--- no_error_log
[error]



=== TEST 28: mlclf_v2 takes no argument
--- config
    location /v2 { mlclf_v2 iris; }
--- must_die
--- error_log
invalid number of arguments in "mlclf_v2" directive



=== TEST 29: mlclf_v2 belongs in a location
--- http_config
    mlclf_model iris $TEST_NGINX_MLCLF_REG/iris;
    mlclf_v2;
--- config
--- must_die
--- error_log
"mlclf_v2" directive is not allowed here
