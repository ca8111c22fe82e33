# Explanations over KServe's routes (issue 16, point 4): V2 infer with
# the request parameter "explain": true adds the output "explanation",
# FP64 [N, n_outputs, n_inputs + 1] (docs/kserve.md), in JSON or as
# binary data; V1 :predict is /predict's request, "explain" included.
#
# At load time mlclf-train fits conf/iris-gbt.yaml (softmax, 3 outputs,
# 4 features): TEST 1's filter checks that each row's 3 margins (base
# plus contributions) give the reply's own probabilities (softmax,
# within 1e-12).
# TEST 2: binary_data_output: the explanation's 240 bytes last.
# TEST 3: the refusals: explain not a boolean (400), more rows than
# mlclf_max_explain_rows (413); explain false is not limited.  (A model
# without covers: the catalogue's @v2 lines, t/003-bad-input.t.)
# TEST 4: V1 :predict with "explain".

use strict;
use warnings;

use Test::Nginx::Socket 'no_plan';
use JSON::PP ();
use MlclfFixtures qw(tmpdir train);

my $tmp = tmpdir();
train("$tmp/reg", 'iris-gbt.yaml', name => 'iris', promote => 1);

$ENV{TEST_NGINX_EXPLAIN_REG} = "$tmp/reg";

our $Json = JSON::PP->new;
our $Flat = '5.1,3.5,1.4,0.2,6.8,3.0,5.9,2.3';
our $Rows = '[[5.1,3.5,1.4,0.2],[6.8,3.0,5.9,2.3]]';

sub infer {
    my ($params) = @_;
    return '{"inputs":[{"name":"features","shape":[2,4],"datatype":"FP64",'
           . qq("data":[$Flat]}],"parameters":$params});
}

our $Explain = infer('{"explain":true}');
our $Binary = infer('{"explain":true,"binary_data_output":true}');
our $Predict = qq({"instances":$Rows,"explain":true});

# the V2 reply's explanation against its probabilities
sub by_softmax {
    my ($body) = @_;
    my $r = eval { $Json->decode($body) };
    my %o = map { $_->{name} => $_ } @{ ref $r eq 'HASH' ? $r->{outputs} : [] };
    my $e = $o{explanation};
    my $p = $o{probabilities};

    return "no explanation: $body\n" unless $e && $p;
    return "shape [@{ $e->{shape} }]\n"
        unless "@{ $e->{shape} }" eq '2 3 5' && $e->{datatype} eq 'FP64'
               && @{ $e->{data} } == 30;

    for my $i (0 .. 1) {
        my @z = map {
            my $k = $_;
            my $s = 0;
            $s += $e->{data}[$i * 15 + $k * 5 + $_] for 0 .. 4;
            $s;
        } 0 .. 2;
        my $sum = 0;
        $sum += exp($_) for @z;

        for my $k (0 .. 2) {
            my $want = $p->{data}[$i * 3 + $k];
            return "row $i class $k: " . exp($z[$k]) / $sum . ", $want\n"
                unless abs(exp($z[$k]) / $sum - $want) <= 1e-12;
        }
    }

    return "ok\n";
}

repeat_each(1);

no_long_string();
no_shuffle();
run_tests();

__DATA__

=== TEST 1: explain true: explanation [2, 3, 5], the softmax's margins
--- http_config
    mlclf_model iris $TEST_NGINX_EXPLAIN_REG/iris;
--- config
    location /v2/ { mlclf_v2; }
--- request eval
"POST /v2/models/iris/infer\n$::Explain"
--- more_headers
Content-Type: application/json
--- response_body_filters eval
\&::by_softmax
--- error_code: 200
--- response_body
ok
--- no_error_log
[error]



=== TEST 2: binary_data_output: the explanation's 240 bytes, last
--- http_config
    mlclf_model iris $TEST_NGINX_EXPLAIN_REG/iris;
--- config
    location /v2/ { mlclf_v2; }
--- request eval
"POST /v2/models/iris/infer\n$::Binary"
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_headers_like
Inference-Header-Content-Length: \d+
--- response_body_like eval
qr/"name":"explanation","datatype":"FP64","shape":\[2,3,5\],"parameters":\{"binary_data_size":240\}\}\]\}[\s\S]{2,}$/
--- no_error_log
[error]



=== TEST 3: explain not a boolean, too many rows: 400, 413
--- http_config
    mlclf_model iris $TEST_NGINX_EXPLAIN_REG/iris;
--- config
    location /v2/ { mlclf_v2; }
    location /one/v2/ {
        rewrite ^/one(/.*)$ $1 break;
        mlclf_max_explain_rows 1;
        mlclf_v2;
    }
--- request eval
["POST /v2/models/iris/infer\n" . ::infer('{"explain":"yes"}'),
 "POST /v2/models/iris/infer\n" . ::infer('{"explain":1}'),
 "POST /one/v2/models/iris/infer\n$::Explain",
 "POST /one/v2/models/iris/infer\n" . ::infer('{"explain":false}')]
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 400, 413, 200]
--- response_body_like eval
[qr/^\{"error":"\\"explain\\" must be true or false","reason":"bad_shape"\}$/,
 qr/"reason":"bad_shape"/,
 qr/^\{"error":"2 rows to explain, more than the limit of 1","reason":"too_many_rows"\}$/,
 qr/"outputs":\[\{"name":"probabilities"/]
--- no_error_log
[error]



=== TEST 4: V1 :predict takes "explain" as /predict does
--- http_config
    mlclf_model iris $TEST_NGINX_EXPLAIN_REG/iris;
--- config
    location /v1/ { mlclf_v1; }
--- request eval
"POST /v1/models/iris:predict\n$::Predict"
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_body_like eval
qr/^\{"model_version":"v1","predictions":\[\{"prediction":"[a-z]+","confidence":[^,]+,"explanation":\{"outputs":\["setosa","versicolor","virginica"\],"base":\[[^]]+\],"contributions":\{"sepal_length":\[/
--- no_error_log
[error]
