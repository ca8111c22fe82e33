# GET /health: the declared models as this worker has them mapped, and
# the methods it accepts.  A worker that cannot map its model (503) is
# covered by t/007-reload.t, which needs the master on.

use Test::Nginx::Socket;
use MlclfFixtures qw(tmpdir train);

my $tmp = tmpdir();
train("$tmp/reg", 'iris-logreg.yaml', promote => 1);
train("$tmp/reg", 'breast_cancer-forest.yaml', name => 'bc', promote => 1);

$ENV{TEST_NGINX_MLCLF_REG} = "$tmp/reg";

repeat_each(1);
plan tests => repeat_each() * (blocks() * 3);

no_shuffle();
run_tests();

__DATA__

=== TEST 1: two models
--- http_config
    mlclf_model iris $TEST_NGINX_MLCLF_REG/iris;
    mlclf_model bc $TEST_NGINX_MLCLF_REG/bc;
--- config
    location = /health { mlclf_health; }
--- request
GET /health
--- response_body_like: ^\{"status":"ok","models":\[\{"name":"iris","version":"v1","algorithm":"logreg","n_features":4,"classes":\["setosa","versicolor","virginica"\],"loaded_at":"[-0-9T:]+Z","ready":true\},\{"name":"bc","version":"v1","algorithm":"forest","n_features":30,"classes":\["[^"]+","[^"]+"\],"loaded_at":"[-0-9T:]+Z","ready":true\}\]\}$
--- no_error_log
[error]



=== TEST 2: no models declared
--- config
    location = /health { mlclf_health; }
--- request
GET /health
--- response_body chomp
{"status":"ok","models":[]}
--- no_error_log
[error]



=== TEST 3: HEAD
--- http_config
    mlclf_model iris $TEST_NGINX_MLCLF_REG/iris;
--- config
    location = /health { mlclf_health; }
--- request
HEAD /health
--- response_headers
Content-Type: application/json
--- no_error_log
[error]



=== TEST 4: POST is not allowed
--- http_config
    mlclf_model iris $TEST_NGINX_MLCLF_REG/iris;
--- config
    location = /health { mlclf_health; }
--- request
POST /health
x
--- error_code: 405
--- response_headers
Allow: GET, HEAD
--- response_body chomp
{"error":"method not allowed, use GET","reason":"method_not_allowed"}
