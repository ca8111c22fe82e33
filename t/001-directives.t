# Directives: mlclf_model (registry dir, version dir, file, several
# models, every config-time error), mlclf_predict, mlclf_health and the
# limits.  Fixtures: a registry trained by mlclf-train from conf/ and
# damaged copies of its model, all in a temporary directory
# (t/lib/MlclfFixtures.pm).

# The plan is not a formula: the blocks differ in their number of
# checks (must_die ones, arrays of requests checked one by one).
use Test::Nginx::Socket 'no_plan';
use MlclfFixtures qw(tmpdir train damaged);

my $tmp = tmpdir();
train("$tmp/reg", 'iris-logreg.yaml', promote => 1);
train("$tmp/reg", 'wine-logreg.yaml', promote => 1);
damaged("$tmp/reg/iris/versions/v1/model.mlclf", "$tmp/bad");
mkdir "$tmp/emptydir";

$ENV{TEST_NGINX_MLCLF_REG} = "$tmp/reg";
$ENV{TEST_NGINX_MLCLF_BAD} = "$tmp/bad";
$ENV{TEST_NGINX_MLCLF_TMP} = $tmp;

repeat_each(1);

no_shuffle();
run_tests();

__DATA__

=== TEST 1: registry directory follows "active"
--- http_config
    mlclf_model iris $TEST_NGINX_MLCLF_REG/iris;
--- config
    location = /health { mlclf_health; }
--- request
GET /health
--- response_body_like: ^\{"status":"ok","models":\[\{"name":"iris","version":"v1","algorithm":"logreg","n_features":4,"classes":\["setosa","versicolor","virginica"\],"loaded_at":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ","ready":true\}\]\}$
--- no_error_log
[error]



=== TEST 2: version directory and model file, several models
--- http_config
    mlclf_model a $TEST_NGINX_MLCLF_REG/iris/versions/v1;
    mlclf_model b_2 $TEST_NGINX_MLCLF_REG/iris/versions/v1/model.mlclf;
    mlclf_model wine $TEST_NGINX_MLCLF_REG/wine;
--- config
    location = /health { mlclf_health; }
--- request
GET /health
--- response_body_like: ^\{"status":"ok","models":\[\{"name":"a","version":"v1",.*\},\{"name":"b_2","version":"v1",.*\},\{"name":"wine","version":"v1","algorithm":"logreg","n_features":13,.*"ready":true\}\]\}$
--- no_error_log
[error]



=== TEST 3: duplicate model name
--- http_config
    mlclf_model iris $TEST_NGINX_MLCLF_REG/iris;
    mlclf_model iris $TEST_NGINX_MLCLF_REG/wine;
--- config
--- must_die
--- error_log
mlclf_model "iris" is duplicate



=== TEST 4: invalid model name
--- http_config
    mlclf_model Iris $TEST_NGINX_MLCLF_REG/iris;
--- config
--- must_die
--- error_log
invalid model name "Iris", expected [a-z0-9_-]{1,64}



=== TEST 5: model name longer than 64 bytes
--- http_config
    mlclf_model aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa $TEST_NGINX_MLCLF_REG/iris;
--- config
--- must_die
--- error_log
invalid model name "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"



=== TEST 6: missing path
--- http_config
    mlclf_model iris $TEST_NGINX_MLCLF_TMP/nope;
--- config
--- must_die
--- error_log eval
qq{mlclf_model "$ENV{TEST_NGINX_MLCLF_TMP}/nope": stat() "$ENV{TEST_NGINX_MLCLF_TMP}/nope" failed (2: No such file or directory)}



=== TEST 7: directory without "active" or model.mlclf
--- http_config
    mlclf_model iris $TEST_NGINX_MLCLF_TMP/emptydir;
--- config
--- must_die
--- error_log eval
qq{mlclf_model "$ENV{TEST_NGINX_MLCLF_TMP}/emptydir": realpath() "$ENV{TEST_NGINX_MLCLF_TMP}/emptydir/model.mlclf" failed (2: No such file or directory)}



=== TEST 8: truncated model file
--- http_config
    mlclf_model iris $TEST_NGINX_MLCLF_BAD/truncated.mlclf;
--- config
--- must_die
--- error_log eval
qr{mlclf_model "\Q$ENV{TEST_NGINX_MLCLF_BAD}\E/truncated\.mlclf": file is \d+ bytes, its header says \d+}



=== TEST 9: corrupted model file
--- http_config
    mlclf_model iris $TEST_NGINX_MLCLF_BAD/flipped.mlclf;
--- config
--- must_die
--- error_log eval
qr{mlclf_model "\Q$ENV{TEST_NGINX_MLCLF_BAD}\E/flipped\.mlclf": payload CRC-32 is 0x[0-9a-f]{8}, header says 0x[0-9a-f]{8}}



=== TEST 10: model file from a newer format
--- http_config
    mlclf_model iris $TEST_NGINX_MLCLF_BAD/version.mlclf;
--- config
--- must_die
--- error_log eval
qq{mlclf_model "$ENV{TEST_NGINX_MLCLF_BAD}/version.mlclf": format version 6 is newer than the supported version 5}



=== TEST 11: not a model file
--- http_config
    mlclf_model iris $TEST_NGINX_MLCLF_BAD/magic.mlclf;
--- config
--- must_die
--- error_log eval
qq{mlclf_model "$ENV{TEST_NGINX_MLCLF_BAD}/magic.mlclf": bad magic: not an .mlclf model file}



=== TEST 12: empty model file
--- http_config
    mlclf_model iris $TEST_NGINX_MLCLF_BAD/empty.mlclf;
--- config
--- must_die
--- error_log eval
qq{mlclf_model "$ENV{TEST_NGINX_MLCLF_BAD}/empty.mlclf": file is empty}



=== TEST 13: mlclf_predict names an undeclared model
--- http_config
    mlclf_model iris $TEST_NGINX_MLCLF_REG/iris;
--- config
    location = /predict { mlclf_predict nope; }
--- must_die
--- error_log
mlclf_predict "nope": no such mlclf_model



=== TEST 14: mlclf_predict twice
--- http_config
    mlclf_model iris $TEST_NGINX_MLCLF_REG/iris;
--- config
    location = /predict { mlclf_predict iris; mlclf_predict iris; }
--- must_die
--- error_log
"mlclf_predict" directive is duplicate



=== TEST 15: mlclf_model outside http
--- config
    mlclf_model iris $TEST_NGINX_MLCLF_REG/iris;
--- must_die
--- error_log
"mlclf_model" directive is not allowed here



=== TEST 16: mlclf_max_rows must be positive
--- http_config
    mlclf_model iris $TEST_NGINX_MLCLF_REG/iris;
    mlclf_max_rows 0;
--- config
--- must_die
--- error_log
value must be equal to or greater than 1



=== TEST 17: mlclf_max_depth bounds
--- http_config
    mlclf_model iris $TEST_NGINX_MLCLF_REG/iris;
--- config
    mlclf_max_depth 1001;
--- must_die
--- error_log
value must be between 1 and 1000



=== TEST 18: mlclf_max_rows is a number
--- http_config
    mlclf_model iris $TEST_NGINX_MLCLF_REG/iris;
--- config
    location / { mlclf_max_rows lots; }
--- must_die
--- error_log
"mlclf_max_rows" directive invalid number



=== TEST 19: mlclf_health takes no arguments
--- config
    location = /health { mlclf_health iris; }
--- must_die
--- error_log
invalid number of arguments in "mlclf_health" directive



=== TEST 20: mlclf_max_rows applies per location
--- http_config
    mlclf_model iris $TEST_NGINX_MLCLF_REG/iris;
    mlclf_max_rows 2;
--- config
    location = /predict { mlclf_predict iris; }
    location = /big { mlclf_predict iris; mlclf_max_rows 3; }
--- more_headers
Content-Type: application/json
--- request eval
["POST /predict\n" . '{"instances":[[1,2,3,4],[1,2,3,4],[1,2,3,4]]}',
 "POST /big\n" . '{"instances":[[1,2,3,4],[1,2,3,4],[1,2,3,4]]}']
--- error_code eval
[413, 200]
--- response_body_like eval
['"reason":"too_many_rows"', '"predictions":\[']
--- no_error_log
[error]
