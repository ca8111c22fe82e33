# Canary routing: mlclf_predict with a variable set by split_clients or
# map picks the model per request.  iris v1 (logistic regression) is
# the stable model, iris v2 (a forest) the canary; both are trained by
# mlclf-train into a temporary registry.  split_clients hashes $arg_u
# with MurmurHash2, so the split of u=1..20 is fixed: nginx sends u = 2,
# 8, 10 and 15 (4 of 20) to the canary.

use Test::Nginx::Socket 'no_plan';
use MlclfFixtures qw(tmpdir train);

my $tmp = tmpdir();
train("$tmp/reg", 'iris-logreg.yaml', promote => 1);
train("$tmp/reg", 'iris-forest.yaml', name => 'iris');

$ENV{TEST_NGINX_MLCLF_REG} = "$tmp/reg";

my $row = '{"features": [5.1, 3.5, 1.4, 0.2]}';
my %canary = map { $_ => 1 } (2, 8, 10, 15);

our @Requests = map { "POST /predict?u=$_\n$row" } 1 .. 20;
our @Headers = map { 'X-Model-Version: ' . ($canary{$_} ? 'v2' : 'v1') }
               1 .. 20;
our @Bodies = map { qr/"model_version":"v[12]"/ } 1 .. 20;

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: split_clients sends a share to the canary
--- http_config
    mlclf_model iris $TEST_NGINX_MLCLF_REG/iris/versions/v1;
    mlclf_model iris_canary $TEST_NGINX_MLCLF_REG/iris/versions/v2;
    split_clients "${arg_u}" $mlclf_variant {
        20%     iris_canary;
        *       iris;
    }
--- config
    location = /predict { mlclf_predict $mlclf_variant; }
--- more_headers
Content-Type: application/json
--- request eval
\@main::Requests
--- response_headers eval
\@main::Headers
--- response_body_like eval
\@main::Bodies
--- no_error_log
[error]



=== TEST 2: map picks the model from a request header
--- http_config
    mlclf_model iris $TEST_NGINX_MLCLF_REG/iris/versions/v1;
    mlclf_model iris_canary $TEST_NGINX_MLCLF_REG/iris/versions/v2;
    map $http_x_variant $mlclf_variant {
        default iris;
        canary  iris_canary;
        gone    iris_old;
    }
--- config
    location = /predict { mlclf_predict $mlclf_variant; }
--- request eval
["POST /predict\n{\"features\": [5.1, 3.5, 1.4, 0.2]}",
 "POST /predict\n{\"features\": [5.1, 3.5, 1.4, 0.2]}",
 "POST /predict\n{\"features\": [5.1, 3.5, 1.4, 0.2]}"]
--- more_headers eval
["Content-Type: application/json",
 "Content-Type: application/json\nX-Variant: canary",
 "Content-Type: application/json\nX-Variant: gone"]
--- error_code eval
[200, 200, 503]
--- response_body_like eval
['"model_version":"v1"', '"model_version":"v2"',
 '^\{"error":"no model named \\\\"iris_old\\\\"","reason":"no_model"\}$']
--- no_error_log
[error]
