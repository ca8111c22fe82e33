# Imported models answer through NGINX as their own libraries do (issue
# 12, point 4: "the same rows replayed through NGINX /predict give the
# same numbers").
#
# At load time, from the repository's reference scripts (Debian's
# /usr/bin/python3, run side by side):
#
# - tests/ref/xgboost_models.py: XGBoost 1.7.4 models and
#   XGBClassifier.predict_proba on its rows.csv (10,000 rows, about 10%
#   of the values missing);
# - tests/ref/sklearn_models.py: scikit-learn 1.2.1 models, exported by
#   tools/mlclf-sklearn-export, and predict_proba on rows.csv (no
#   missing values, many on and next to the split thresholds) or
#   rows_missing.csv (HistGradientBoosting, about 10% missing);
# - tests/ref/lightgbm_eval.py: the independent LightGBM scorer (no
#   LightGBM is packaged here) on two hand-written fixtures of
#   tests/fixtures/lightgbm/, for every combination of 23 values per
#   feature (missing, +-0, values around kZeroThreshold, the fixtures'
#   thresholds and their neighbours): 12,167 rows.
#
# Each model is imported by build/bin/mlclf-import into a temporary
# registry (promoted) and served from there, as POST /predict/NAME; one
# block (one nginx) per library.  Every row goes through with
# "probabilities": true, in batches of 2,000 rows by position (a
# missing value is null), then 100 rows again by name with the missing
# features left out (rows with missing values where the model has
# them; names in reverse order): 30,000 + 300 rows of XGBoost, 24,334 +
# 200 of LightGBM, 30,000 + 300 of scikit-learn.  A
# response_body_filters sub per request decodes the reply and compares
# each row with the library's answer -- XGBoost within 1e-6 (it sums in
# float32), scikit-learn and LightGBM within 1e-12 -- and the predicted
# class with the expected arg max wherever the top two expected
# probabilities are more than the tolerance apart; it gives "ok\n", or
# the first bad row (its index in the rows file, from 0).
#
# Last, a model that refuses missing values (the RandomForest) answers a
# null or a name left out with 400, as scikit-learn raises.

use strict;
use warnings;

use Test::Nginx::Socket 'no_plan';
use JSON::PP ();
use MlclfFixtures qw(repo tmpdir spit run_parallel import_model);

my $Batch = 2000;       # rows per request: mlclf_max_rows below
my $ByName = 100;       # rows sent again by name, per model

my $Py = '/usr/bin/python3';
my $Json = JSON::PP->new->allow_nonref;

my $tmp = tmpdir();
my $ref = repo() . '/tests/ref';
my $lgb = repo() . '/tests/fixtures/lightgbm';

mkdir "$tmp/$_" or die "mkdir $tmp/$_: $!" for qw(reg xgb skl);

# LightGBM: every combination of these values (as written, so that the
# scorer and NGINX read the same doubles; undef is missing).
my @LgbValues = (
    undef, '0', '-0', '1e-36', '-1e-36',
    '1.0000000180025095e-35', '-1.0000000180025095e-35',
    '1.0000000180025096e-35', '-1.0000000180025096e-35',
    '0.5', '0.5000000000000001', '-0.5', '1.5', '1.4999999999999998',
    '-2.25', '2', '3', '3.0000000000000004', '2.4500000000000006',
    '4.75', '5.5', '6.1500000000000004', '4.8500000000000005',
);

my @lgb_rows;
for my $x (@LgbValues) {
    for my $y (@LgbValues) {
        push @lgb_rows, map { [$x, $y, $_] } @LgbValues;
    }
}

spit("$tmp/lgb-rows.csv",
     join('', "f0,f1,f2\n",
          map { join(',', map { $_ // '' } @$_) . "\n" } @lgb_rows));

run_parallel(
    [$Py, "$ref/sklearn_models.py", "$tmp/skl"],
    [$Py, "$ref/xgboost_models.py", "$tmp/xgb"],
    [$Py, "$ref/lightgbm_eval.py", "$lgb/binary-v4.txt",
     "$tmp/lgb-rows.csv", "$tmp/lgb-binary.csv"],
    [$Py, "$ref/lightgbm_eval.py", "$lgb/multiclass.txt",
     "$tmp/lgb-rows.csv", "$tmp/lgb-multiclass.csv"],
);

# [block, name, source file, rows, expected probabilities, tolerance]
my ($x, $k, $l) = ("$tmp/xgb", "$tmp/skl", "$tmp/lgb");
my @Models = (
    [xgboost => xgb_json => "$x/binary.json", "$x/rows.csv",
     "$x/expected_binary.csv", 1e-6],
    [xgboost => xgb_ubj => "$x/softmax.ubj", "$x/rows.csv",
     "$x/expected_softmax.csv", 1e-6],
    [xgboost => xgb_softprob => "$x/softprob.ubj", "$x/rows.csv",
     "$x/expected_softprob.csv", 1e-6],
    [lightgbm => lgb_binary => "$lgb/binary-v4.txt", "$l-rows.csv",
     "$l-binary.csv", 1e-12],
    [lightgbm => lgb_multiclass => "$lgb/multiclass.txt", "$l-rows.csv",
     "$l-multiclass.csv", 1e-12],
    [sklearn => skl_hgb => "$k/hgb_3.json", "$k/rows_missing.csv",
     "$k/expected_hgb_3.csv", 1e-12],
    [sklearn => skl_rf => "$k/rf_3.json", "$k/rows.csv",
     "$k/expected_rf_3.csv", 1e-12],
    [sklearn => skl_gb => "$k/gb_bin.json", "$k/rows.csv",
     "$k/expected_gb_bin.csv", 1e-12],
);

$ENV{TEST_NGINX_IMPORT_REG} = "$tmp/reg";

# A CSV of a header line and numbers, an empty field missing (undef):
# [header, rows].  Fields stay text, checked to be JSON numbers.
sub read_csv {
    my ($path) = @_;
    my $num = qr/^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$/;

    open my $fh, '<', $path or die "open $path: $!";
    chomp(my $head = <$fh>);
    my @header = split /,/, $head;
    my @rows;

    while (my $line = <$fh>) {
        chomp $line;
        my @f = map { $_ eq '' ? undef : $_ } split /,/, $line, -1;
        die "$path: line $.: " . @f . " fields, not " . @header . "\n"
            unless @f == @header;
        for (grep { defined } @f) {
            die "$path: line $.: \"$_\" is not a JSON number\n"
                unless /$num/;
        }
        push @rows, \@f;
    }

    close $fh;
    return (\@header, \@rows);
}

# Why row $i's prediction $got differs from $m's expected one, or undef.
sub row_diff {
    my ($m, $i, $got) = @_;
    my $want = $m->{want}[$i];
    my $labels = $m->{labels};
    my $p = ref $got eq 'HASH' ? $got->{probabilities} : undef;

    return 'no probabilities' unless ref $p eq 'HASH';
    return scalar(keys %$p) . ' probabilities, not ' . @$labels
        unless keys %$p == @$labels;

    for my $c (0 .. $#$labels) {
        my $g = $p->{ $labels->[$c] };

        return "no probability of \"$labels->[$c]\"" unless defined $g;

        my $d = abs($g - $want->[$c]);
        return sprintf('p("%s") %.17g, expected %.17g (off by %.3g > %g)',
                       $labels->[$c], $g, $want->[$c], $d, $m->{tol})
            unless $d <= $m->{tol};
    }

    my @top = sort { $want->[$b] <=> $want->[$a] } 0 .. $#$want;
    my $pred = $got->{prediction} // '(none)';

    return "predicted \"$pred\", expected \"$labels->[$top[0]]\""
        if $want->[$top[0]] - $want->[$top[1]] > $m->{tol}
           && $pred ne $labels->[$top[0]];

    return "confidence is not the probability of \"$pred\""
        unless defined $got->{confidence} && defined $p->{$pred}
               && $got->{confidence} == $p->{$pred};

    return undef;
}

# The response_body_filters sub of one request: rows @$idx of model $m.
sub checker {
    my ($m, $idx) = @_;

    return sub {
        my ($body) = @_;
        my $r = eval { $Json->decode($body) };

        return "$m->{name}: not a JSON object: " . substr($body, 0, 200)
               . "\n" unless ref $r eq 'HASH';
        return "$m->{name}: model_version is not v1\n"
            unless ($r->{model_version} // '') eq 'v1';

        my $preds = $r->{predictions};
        return "$m->{name}: " . @$idx . " rows sent, not as many"
               . " predictions in the reply\n"
            unless ref $preds eq 'ARRAY' && @$preds == @$idx;

        for my $k (0 .. $#$idx) {
            my $why = row_diff($m, $idx->[$k], $preds->[$k]);
            return "$m->{name} row $idx->[$k]: $why\n" if defined $why;
        }

        return "ok\n";
    };
}

# Requests, filters and expected results of one model, added to those
# of its block in %::Parity: POST /predict/NAME.
sub prepare {
    my ($block, $name, $file, $rows_csv, $want_csv, $tol) = @_;
    my $meta = import_model("$tmp/reg", $name, $file);
    my ($header, $rows) = read_csv($rows_csv);
    my ($classes, $want) = read_csv($want_csv);
    my $m = { name => $name, labels => $meta->{classes}, tol => $tol,
              want => [map { [map { $_ + 0 } @$_] } @$want] };
    my @names = map { $Json->encode($_) } @{ $meta->{features} };
    my (@requests, @filters);

    die "$name: " . @$rows . " rows, " . @$want . " expected\n"
        unless @$rows == @$want && @$rows >= $Batch;
    die "$name: " . @$header . " features in $rows_csv, the model has "
        . @names . "\n" unless @$header == @names;
    die "$name: " . @$classes . " classes in $want_csv, the model has "
        . @{ $m->{labels} } . "\n" unless @$classes == @{ $m->{labels} };

    for (my $from = 0; $from < @$rows; $from += $Batch) {
        my $to = $from + $Batch - 1;
        $to = $#$rows if $to > $#$rows;
        my @idx = $from .. $to;

        push @requests, '{"instances":['
            . join(',', map { '[' . join(',', map { $_ // 'null' }
                                              @{ $rows->[$_] }) . ']' }
                        @idx)
            . '],"probabilities":true}';
        push @filters, [checker($m, \@idx)];
    }

    # by name, the missing features left out (rows with some missing
    # and some given; the first rows when none has a missing value)
    my @idx = grep {
        my $n = grep { !defined } @{ $rows->[$_] };
        $n > 0 && $n < @names
    } 0 .. $#$rows;
    @idx = 0 .. $#$rows unless @idx;
    splice @idx, $ByName if @idx > $ByName;

    push @requests, '{"instances":['
        . join(',', map {
              my $r = $rows->[$_];
              '{' . join(',', map { "$names[$_]:$r->[$_]" }
                              grep { defined $r->[$_] }
                              reverse 0 .. $#names) . '}'
          } @idx)
        . '],"probabilities":true}';
    push @filters, [checker($m, \@idx)];

    my $blk = $::Parity{$block} //= { requests => [], filters => [],
                                       codes => [], bodies => [] };
    push @{ $blk->{requests} }, map { "POST /predict/$name\n$_" }
                                @requests;
    push @{ $blk->{filters} }, @filters;
    push @{ $blk->{codes} }, (200) x @requests;
    push @{ $blk->{bodies} }, ("ok\n") x @requests;
}

our %Parity;
prepare(@$_) for @Models;

repeat_each(1);

no_long_string();
no_shuffle();
run_tests();

__DATA__

=== TEST 1: XGBoost binary (JSON), softmax, softprob (UBJSON), within 1e-6
--- http_config
    mlclf_model xgb_json $TEST_NGINX_IMPORT_REG/xgb_json;
    mlclf_model xgb_ubj $TEST_NGINX_IMPORT_REG/xgb_ubj;
    mlclf_model xgb_softprob $TEST_NGINX_IMPORT_REG/xgb_softprob;
--- config
    mlclf_max_rows 2000;
    client_body_buffer_size 4m;
    location = /predict/xgb_json { mlclf_predict xgb_json; }
    location = /predict/xgb_ubj { mlclf_predict xgb_ubj; }
    location = /predict/xgb_softprob { mlclf_predict xgb_softprob; }
--- more_headers
Content-Type: application/json
--- request eval
$::Parity{xgboost}{requests}
--- response_body_filters eval
$::Parity{xgboost}{filters}
--- error_code eval
$::Parity{xgboost}{codes}
--- response_body eval
$::Parity{xgboost}{bodies}
--- no_error_log
[error]



=== TEST 2: LightGBM binary and multiclass fixtures, within 1e-12
--- http_config
    mlclf_model lgb_binary $TEST_NGINX_IMPORT_REG/lgb_binary;
    mlclf_model lgb_multiclass $TEST_NGINX_IMPORT_REG/lgb_multiclass;
--- config
    mlclf_max_rows 2000;
    client_body_buffer_size 4m;
    location = /predict/lgb_binary { mlclf_predict lgb_binary; }
    location = /predict/lgb_multiclass { mlclf_predict lgb_multiclass; }
--- more_headers
Content-Type: application/json
--- request eval
$::Parity{lightgbm}{requests}
--- response_body_filters eval
$::Parity{lightgbm}{filters}
--- error_code eval
$::Parity{lightgbm}{codes}
--- response_body eval
$::Parity{lightgbm}{bodies}
--- no_error_log
[error]



=== TEST 3: scikit-learn HistGradientBoosting, RandomForest, GradientBoosting
--- http_config
    mlclf_model skl_hgb $TEST_NGINX_IMPORT_REG/skl_hgb;
    mlclf_model skl_rf $TEST_NGINX_IMPORT_REG/skl_rf;
    mlclf_model skl_gb $TEST_NGINX_IMPORT_REG/skl_gb;
--- config
    mlclf_max_rows 2000;
    client_body_buffer_size 4m;
    location = /predict/skl_hgb { mlclf_predict skl_hgb; }
    location = /predict/skl_rf { mlclf_predict skl_rf; }
    location = /predict/skl_gb { mlclf_predict skl_gb; }
--- more_headers
Content-Type: application/json
--- request eval
$::Parity{sklearn}{requests}
--- response_body_filters eval
$::Parity{sklearn}{filters}
--- error_code eval
$::Parity{sklearn}{codes}
--- response_body eval
$::Parity{sklearn}{bodies}
--- no_error_log
[error]



=== TEST 4: the RandomForest refuses missing values, as scikit-learn raises
--- http_config
    mlclf_model skl_rf $TEST_NGINX_IMPORT_REG/skl_rf;
--- config
    location = /predict { mlclf_predict skl_rf; }
--- more_headers
Content-Type: application/json
--- request eval
[
"POST /predict\n" . '{"features": [0.5, null, 1.0, 0.25, 2, -10.5]}',
"POST /predict\n" . '{"instances": [[0.5, 1, 1.0, 0.25, 2, -10.5],'
                    . ' [0.5, 1, 1.0, 0.25, 2, null]]}',
"POST /predict\n" . '{"features": {"f0": 0.5, "f1": 1, "f2": 1.0,'
                    . ' "f4": 2, "f5": -10.5}}',
]
--- error_code eval
[400, 400, 400]
--- response_body eval
[
'{"error":"feature 1 is null and the model has no value to impute",'
    . '"reason":"missing_value"}',
'{"error":"row 1: feature 5 is null and the model has no value to'
    . ' impute","reason":"missing_value"}',
'{"error":"feature \"f3\" is missing","reason":"missing_feature"}',
]
--- no_error_log
[error]
