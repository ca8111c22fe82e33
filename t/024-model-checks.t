# What nginx -t checks of a model before the master reads it: active
# must name versions/v<N> of the model's own directory, a file in
# versions/v<N> must say version N, the file must be a regular file no
# larger than mlclf_max_model_size and exactly as long as its header
# says.  Fixtures: registries trained by mlclf-train from conf/ in a
# temporary directory, rearranged by hand as an operator might
# (t/lib/MlclfFixtures.pm).

# The plan is not a formula: upstream and t/lib count the checks of
# must_die blocks differently.
use Test::Nginx::Socket 'no_plan';
use File::Copy qw(copy);
use POSIX qw(mkfifo);
use MlclfFixtures qw(tmpdir train slurp spit);

my $tmp = tmpdir();
my $reg = "$tmp/reg";

train($reg, 'iris-logreg.yaml', promote => 1);
train($reg, 'iris-logreg.yaml', name => 'other', promote => 1);

# active pointing at another model's version, and outside any registry
for my $m (qw(stolen outside deep)) {
    mkdir "$reg/$m";
    mkdir "$reg/$m/versions";
}
symlink '../other/versions/v1', "$reg/stolen/active" or die "symlink: $!";
mkdir "$tmp/elsewhere";
copy("$reg/iris/versions/v1/model.mlclf", "$tmp/elsewhere/model.mlclf")
    or die "copy: $!";
symlink "$tmp/elsewhere", "$reg/outside/active" or die "symlink: $!";
mkdir "$reg/deep/versions/v1";
mkdir "$reg/deep/versions/v1/x";
copy("$reg/iris/versions/v1/model.mlclf", "$reg/deep/versions/v1/x")
    or die "copy: $!";
symlink 'versions/v1/x', "$reg/deep/active" or die "symlink: $!";

# v1's file copied into versions/v2 of a model
mkdir "$reg/copied";
mkdir "$reg/copied/versions";
mkdir "$reg/copied/versions/v2";
copy("$reg/iris/versions/v1/model.mlclf",
     "$reg/copied/versions/v2/model.mlclf") or die "copy: $!";
symlink 'versions/v2', "$reg/copied/active" or die "symlink: $!";

# trailing bytes, a header claiming more, a FIFO
my $good = slurp("$reg/iris/versions/v1/model.mlclf");
my $len = length $good;
spit("$tmp/trailing.mlclf", $good . "\0" x 8);
my $claims = $good;
substr($claims, 40, 8) = pack('Q<', 20 * 1024 * 1024 * 1024);
spit("$tmp/claims.mlclf", $claims);
mkfifo("$tmp/fifo.mlclf", 0600) or die "mkfifo: $!";

$ENV{TEST_NGINX_MLCLF_REG} = $reg;
$ENV{TEST_NGINX_MLCLF_TMP} = $tmp;
$ENV{TEST_NGINX_MLCLF_LEN} = $len;
$ENV{TEST_NGINX_MLCLF_LESS} = $len - 1;

repeat_each(1);

no_shuffle();
run_tests();

__DATA__

=== TEST 1: active naming another model's version
--- http_config
    mlclf_model stolen $TEST_NGINX_MLCLF_REG/stolen;
--- config
--- must_die
--- error_log eval
qr{mlclf_model "\S+/stolen": "\S+/stolen/active" resolves to "\S+/other/versions/v1", not to a version "v<N>" in "\S+/stolen/versions"}



=== TEST 2: active naming a directory outside the model
--- http_config
    mlclf_model outside $TEST_NGINX_MLCLF_REG/outside;
--- config
--- must_die
--- error_log eval
qr{mlclf_model "\S+/outside": "\S+/outside/active" resolves to "\S+/elsewhere", not to a version "v<N>" in "\S+/outside/versions"}



=== TEST 3: active naming a directory below a version
--- http_config
    mlclf_model deep $TEST_NGINX_MLCLF_REG/deep;
--- config
--- must_die
--- error_log eval
qr{mlclf_model "\S+/deep": "\S+/deep/active" resolves to "\S+/deep/versions/v1/x", not to a version}



=== TEST 4: a file copied into versions/v2 says v1
--- http_config
    mlclf_model copied $TEST_NGINX_MLCLF_REG/copied;
--- config
--- must_die
--- error_log eval
qr{mlclf_model "copied": "\S+/copied/versions/v2/model\.mlclf" says version v1, but lies in version directory v2}



=== TEST 5: the same, named as a version directory
--- http_config
    mlclf_model copied $TEST_NGINX_MLCLF_REG/copied/versions/v2;
--- config
--- must_die
--- error_log eval
qr{says version v1, but lies in version directory v2}



=== TEST 6: the same, named as a file
--- http_config
    mlclf_model copied $TEST_NGINX_MLCLF_REG/copied/versions/v2/model.mlclf;
--- config
--- must_die
--- error_log eval
qr{says version v1, but lies in version directory v2}



=== TEST 7: a model of exactly mlclf_max_model_size is served
--- http_config
    mlclf_max_model_size $TEST_NGINX_MLCLF_LEN;
    mlclf_model iris $TEST_NGINX_MLCLF_REG/iris;
--- config
    location = /predict { mlclf_predict iris; }
--- request
POST /predict
{"features": [5.1, 3.5, 1.4, 0.2]}
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_body_like: "model_version":"v1"
--- no_error_log
[error]



=== TEST 8: one byte over mlclf_max_model_size
--- http_config
    mlclf_max_model_size $TEST_NGINX_MLCLF_LESS;
    mlclf_model iris $TEST_NGINX_MLCLF_REG/iris;
--- config
--- must_die
--- error_log eval
qr{mlclf_model "\S+/iris/versions/v1/model\.mlclf": "\S+" is \d+ bytes, more than the limit of \d+ \(mlclf_max_model_size\)}



=== TEST 9: mlclf_max_model_size after a model
--- http_config
    mlclf_model iris $TEST_NGINX_MLCLF_REG/iris;
    mlclf_max_model_size 1m;
--- config
--- must_die
--- error_log
"mlclf_max_model_size" directive must precede the first "mlclf_model"



=== TEST 10: an invalid mlclf_max_model_size
--- http_config
    mlclf_max_model_size 12q;
--- config
--- must_die
--- error_log
invalid mlclf_max_model_size "12q"



=== TEST 11: trailing bytes after the declared size
--- http_config
    mlclf_model iris $TEST_NGINX_MLCLF_TMP/trailing.mlclf;
--- config
--- must_die
--- error_log
8 bytes of trailing garbage after the declared file size



=== TEST 12: a header claiming 20 GiB: refused before reading
--- http_config
    mlclf_model iris $TEST_NGINX_MLCLF_TMP/claims.mlclf;
--- config
--- must_die
--- error_log eval
qr{its header says 21474836480}



=== TEST 13: a FIFO: refused, no wait for a writer
--- http_config
    mlclf_model iris $TEST_NGINX_MLCLF_TMP/fifo.mlclf;
--- config
--- must_die
--- error_log eval
qr{mlclf_model "\S+/fifo\.mlclf": "\S+/fifo\.mlclf" is not a regular file}
