# Bad V2 infer bodies: every "@v2" case of tests/fixtures/bad-requests.txt
# (the catalogue shared with tests/test_json.c) sent to
# POST /v2/models/NAME/infer gets its 4xx status and JSON reason, with
# its Inference-Header-Content-Length when it has binary tensor data.
# The models are the catalogue's own, written by libmlclf into a
# temporary directory (t/lib/MlclfFixtures.pm): the iris forest of
# tests/fixtures/requests/README and the raw-input logreg "text".

# The plan is not a formula: TEST 1 has one request per catalogue case.
use Test::Nginx::Socket 'no_plan';
use MlclfFixtures qw(tmpdir parity_model inputs_model bad_requests);

my $tmp = tmpdir();
parity_model("$tmp/iris.mlclf");
inputs_model("$tmp/text.mlclf");

$ENV{TEST_NGINX_MLCLF_MODEL} = "$tmp/iris.mlclf";
$ENV{TEST_NGINX_MLCLF_TEXT} = "$tmp/text.mlclf";

our @Cases = bad_requests('v2');
our @Requests = map { "POST /v2/models/$_->[3]/infer\n" . $_->[2] } @Cases;
our @Codes = map { $_->[0] } @Cases;
# A body is sent as written only with its own Content-Length: otherwise
# upstream trims its white space.  No Content-Type, as tritonclient.http
# sends JSON.
our @Headers = map { (length $_->[2]
                      ? "Content-Length: " . length($_->[2]) . "\n" : '')
                     . (defined $_->[4]
                        ? "Inference-Header-Content-Length: $_->[4]\n"
                        : '') } @Cases;
our @Bodies = map { qr/^\{"error":"(?:[^"\\]|\\.)+","reason":"$_->[1]"\}\z/ }
              @Cases;

die "no V2 case\n" unless @Cases;
die "no V2 case for the text model\n" unless grep { $_->[3] eq 'text' } @Cases;
die "no binary V2 case\n" unless grep { defined $_->[4] } @Cases;

repeat_each(1);

add_block_preprocessor(sub {
    my $block = shift;

    if (!defined $block->http_config) {
        $block->set_value('http_config', <<'_EOC_');
    mlclf_model iris $TEST_NGINX_MLCLF_MODEL;
    mlclf_model text $TEST_NGINX_MLCLF_TEXT;
_EOC_
    }
});

no_shuffle();
run_tests();

__DATA__

=== TEST 1: the V2 part of the bad-request catalogue, each its status and reason
--- config
    location /v2/ { mlclf_v2; }
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
