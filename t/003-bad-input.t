# Bad input: every case of tests/fixtures/bad-requests.txt (the catalogue
# shared with tests/test_json.c) gets its 4xx status and JSON reason,
# then 405, 413, 415 and 503 from the glue itself.  The models are the
# catalogue's own, written by libmlclf into a temporary directory: the
# iris forest of tests/fixtures/requests/README, and for the lines
# after "@model text" the raw-input logreg of tests/model_spec.c
# (MlclfFixtures.pm compiles it), each case sent to /catalogue/MODEL.

# The plan is not a formula: TEST 1 has one request per catalogue case.
use Test::Nginx::Socket 'no_plan';
use MlclfFixtures qw(tmpdir parity_model inputs_model bad_requests);

my $tmp = tmpdir();
parity_model("$tmp/iris.mlclf");
inputs_model("$tmp/text.mlclf");

$ENV{TEST_NGINX_MLCLF_MODEL} = "$tmp/iris.mlclf";
$ENV{TEST_NGINX_MLCLF_TEXT} = "$tmp/text.mlclf";

our @Cases = bad_requests();
our @Requests = map { "POST /catalogue/$_->[3]\n" . $_->[2] } @Cases;
our @Codes = map { $_->[0] } @Cases;
# A body is sent as written only with its own Content-Length: otherwise
# upstream trims its white space (and "@ws" would be an empty body).
our @Headers = map { "Content-Type: application/json\n"
                     . (length $_->[2]
                        ? "Content-Length: " . length($_->[2]) . "\n"
                        : '') } @Cases;
our @Bodies = map { qr/^\{"error":"(?:[^"\\]|\\.)+","reason":"$_->[1]"\}\z/ }
              @Cases;

die "no case for the text model\n" unless grep { $_->[3] eq 'text' } @Cases;

repeat_each(1);

our $HttpConfig = <<'_EOC_';
    mlclf_model iris $TEST_NGINX_MLCLF_MODEL;
    mlclf_model text $TEST_NGINX_MLCLF_TEXT;
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
});

no_shuffle();
run_tests();

__DATA__

=== TEST 1: the bad-request catalogue, each case its status and reason
--- config
    location ~ ^/catalogue/(iris|text)$ { mlclf_predict $1; }
--- more_headers eval
\@main::Headers
--- request eval
\@main::Requests
--- error_code eval
\@main::Codes
--- response_body_like eval
\@main::Bodies
--- no_error_log
[error]



=== TEST 2: GET is not allowed
--- request
GET /predict
--- error_code: 405
--- response_headers
Allow: POST
Content-Type: application/json
--- response_body chomp
{"error":"method not allowed, use POST","reason":"method_not_allowed"}
--- no_error_log
[error]



=== TEST 3: PUT is not allowed, its body is discarded
--- more_headers
Content-Type: application/json
--- request
PUT /predict
{"features": [5.1, 3.5, 1.4, 0.2]}
--- error_code: 405
--- response_headers
Allow: POST
--- response_body chomp
{"error":"method not allowed, use POST","reason":"method_not_allowed"}
--- no_error_log
[error]



=== TEST 4: no Content-Type
--- request
POST /predict
{"features": [5.1, 3.5, 1.4, 0.2]}
--- error_code: 415
--- response_headers
Content-Type: application/json
--- response_body chomp
{"error":"Content-Type must be application/json","reason":"unsupported_media_type"}
--- no_error_log
[error]



=== TEST 5: a Content-Type that is not JSON
--- more_headers
Content-Type: application/jsonx
--- request
POST /predict
{"features": [5.1, 3.5, 1.4, 0.2]}
--- error_code: 415
--- response_body chomp
{"error":"Content-Type must be application/json","reason":"unsupported_media_type"}
--- no_error_log
[error]



=== TEST 6: body over client_max_body_size
--- config
    location = /predict { mlclf_predict iris; client_max_body_size 16; }
--- more_headers
Content-Type: application/json
--- request
POST /predict
{"features": [5.1, 3.5, 1.4, 0.2]}
--- error_code: 413
--- response_body_like: 413 Request Entity Too Large
--- error_log
client intended to send too large body



=== TEST 7: a JSON 413 with error_page
--- config
    location = /predict {
        mlclf_predict iris;
        client_max_body_size 16;
        error_page 413 @mlclf_413;
    }
    location @mlclf_413 {
        default_type application/json;
        return 413 '{"error":"request body is larger than client_max_body_size","reason":"body_too_large"}';
    }
--- more_headers
Content-Type: application/json
--- request
POST /predict
{"features": [5.1, 3.5, 1.4, 0.2]}
--- error_code: 413
--- response_headers
Content-Type: application/json
--- response_body chomp
{"error":"request body is larger than client_max_body_size","reason":"body_too_large"}
--- error_log
client intended to send too large body



=== TEST 8: the model a variable names does not exist
--- config
    location = /predict { mlclf_predict $arg_model; }
--- more_headers
Content-Type: application/json
--- request
POST /predict?model=ir"is
{"features": [5.1, 3.5, 1.4, 0.2]}
--- error_code: 503
--- response_body chomp
{"error":"no model named \"ir\"is\"","reason":"no_model"}
--- no_error_log
[error]



=== TEST 9: mlclf_max_depth
--- config
    location = /predict { mlclf_predict iris; mlclf_max_depth 2; }
--- more_headers
Content-Type: application/json
--- request
POST /predict
{"instances": [[5.1, 3.5, 1.4, 0.2]]}
--- error_code: 400
--- response_body_like: "reason":"too_deep"
--- no_error_log
[error]
