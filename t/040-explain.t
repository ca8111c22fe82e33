# Explanations through NGINX (issue 16, point 4): "explain": true gives
# each row XGBoost's own pred_contribs, and the bad requests of point 5
# are refused with a 4xx.
#
# At load time tests/ref/xgboost_explain.py (Debian's python3-xgboost
# 1.7.4) trains binary:logistic and multi:softprob models, 100 trees of
# depth 6 each round, on data with missing values, and writes
# Booster.predict(..., pred_contribs=True) for 1,200 rows.  Each model is
# imported by build/bin/mlclf-import into a temporary registry (its
# sum_hessian becomes the node covers) and served; the first 300 rows
# go through in batches of 100 (mlclf_max_explain_rows' default), a
# missing value as null, and a response_body_filters sub compares every
# contribution and base value with XGBoost's within 1e-5 (XGBoost
# computes them in float32), giving "ok\n" or the first difference.
#
# The binary model is also imported with its sum_hessian arrays taken
# out: it predicts, but cannot explain (400 cannot_explain).
#
# TEST 4: models with text and category inputs explain by input.
# mlclf-train fits a logreg (hashed texts), a forest and a gbt on
# MlclfFixtures::text_csv()'s e-mails; 40 of them go to each with
# "explain" and "probabilities", and a filter checks that each row names
# the five inputs, one number per output, and that base plus
# contributions is the margin: the log-odds of "spam" (logreg, gbt) or
# each class's probability (forest), within 1e-9 of the reply's own
# probabilities.

use strict;
use warnings;

use Test::Nginx::Socket 'no_plan';
use JSON::PP ();
use MlclfFixtures qw(repo bin tmpdir spit slurp run_quiet run_parallel
                     import_model text_csv csv_rows);

my $Batch = 100;
my $Rows = 300;
my $Tol = 1e-5;

my $Json = JSON::PP->new->allow_nonref;
my $tmp = tmpdir();

mkdir "$tmp/$_" or die "mkdir $tmp/$_: $!" for qw(reg xgb);

run_quiet('/usr/bin/python3', repo() . '/tests/ref/xgboost_explain.py',
          "$tmp/xgb");

# the binary model without covers
my $doc = $Json->decode(slurp("$tmp/xgb/binary.json"));
delete $_->{sum_hessian}
    for @{ $doc->{learner}{gradient_booster}{model}{trees} };
spit("$tmp/xgb/nocover.json", $Json->encode($doc));

$ENV{TEST_NGINX_EXPLAIN_REG} = "$tmp/reg";

sub read_csv {
    my ($path) = @_;
    open my $fh, '<', $path or die "open $path: $!";
    my $head = <$fh>;
    my @rows;
    while (my $line = <$fh>) {
        chomp $line;
        push @rows, [map { $_ eq '' ? undef : $_ } split /,/, $line, -1];
    }
    close $fh;
    return \@rows;
}

my $x = read_csv("$tmp/xgb/rows.csv");

# The filter of rows $from .. $from + $Batch - 1 of model $name, whose
# pred_contribs are $want (per row: per output, features then bias).
sub checker {
    my ($name, $meta, $want, $from) = @_;
    my $nf = @{ $meta->{features} };

    return sub {
        my ($body) = @_;
        my $r = eval { $Json->decode($body) };
        my $p = ref $r eq 'HASH' ? $r->{predictions} : undef;

        return "$name: not a batch reply: " . substr($body, 0, 200) . "\n"
            unless ref $p eq 'ARRAY' && @$p == $Batch;

        for my $i (0 .. $#$p) {
            my $e = $p->[$i]{explanation};
            my $w = $want->[$from + $i];
            my $no = @$w / ($nf + 1);

            return "$name row " . ($from + $i) . ": no explanation\n"
                unless ref $e eq 'HASH' && ref $e->{base} eq 'ARRAY'
                       && @{ $e->{base} } == $no;

            for my $k (0 .. $no - 1) {
                for my $j (0 .. $nf) {
                    my $g = $j == $nf
                            ? $e->{base}[$k]
                            : $e->{contributions}{ $meta->{features}[$j] }[$k];
                    my $v = $w->[$k * ($nf + 1) + $j];

                    return "$name row " . ($from + $i) . " output $k column "
                           . "$j: " . ($g // 'none') . ", XGBoost $v\n"
                        unless defined $g && abs($g - $v) <= $Tol;
                }
            }
        }

        return "ok\n";
    };
}

our (@Requests, @Filters);

for my $name (qw(binary softprob)) {
    my $meta = import_model("$tmp/reg", $name, "$tmp/xgb/$name.json");
    my $want = read_csv("$tmp/xgb/contribs_$name.csv");

    for (my $from = 0; $from < $Rows; $from += $Batch) {
        push @Requests, "POST /predict/$name\n" . '{"instances":['
            . join(',', map {
                  '[' . join(',', map { $_ // 'null' } @{ $x->[$_] }) . ']'
              } $from .. $from + $Batch - 1)
            . '],"explain":true}';
        push @Filters, [checker($name, $meta, $want, $from)];
    }
}

import_model("$tmp/reg", 'nocover', "$tmp/xgb/nocover.json");

our $Row = '[' . join(',', map { $_ // 'null' } @{ $x->[0] }) . ']';
our $Plain = '{"instances":[' . join(',', ($Row) x ($Batch + 1)) . ']';
our $Over = $Plain . ',"explain":true}';
$Plain .= '}';

# models with text and category inputs, by input
my @Inputs = qw(subject body sender lang n_links);
my %TextYaml = (
    text_lr => "model: {kind: logreg, l2: 1.0}\n",
    text_forest => "model: {kind: forest, n_trees: 10, max_depth: 8}\n",
    text_gbt => "model: {kind: gbt, n_estimators: 20, max_depth: 4}\n",
);

text_csv("$tmp/mail.csv");

for my $name (sort keys %TextYaml) {
    spit("$tmp/$name.yaml", <<"YAML" . $TextYaml{$name});
name: $name
data: $tmp/mail.csv
label: label
classes: [ham, spam]
split: {test_fraction: 0.2, seed: 42, stratify: true}
features:
  - {name: subject, type: text, n_features: 1024, ngram_range: [1, 2]}
  - {name: body, type: text, vectorizer: vocabulary, max_features: 300}
  - {name: sender, type: category, unknown: ignore}
  - {name: lang, type: category}
  - {name: n_links, type: integer, min: 0}
YAML
}

run_parallel(map { [bin() . '/mlclf-train', '--config', "$tmp/$_.yaml",
                    '--registry', "$tmp/reg", '--promote', '--quiet'] }
             sort keys %TextYaml);

my @Mail = csv_rows(slurp("$tmp/mail.csv"));
my $MailHead = shift @Mail;

our $Mails = '{"instances":[' . join(',', map {
        my $r = $_;
        my %h = map { $MailHead->[$_] => $r->[$_] } 0 .. $#$MailHead;
        $h{n_links} += 0;
        delete $h{label};
        $Json->canonical->encode(\%h);
    } @Mail[0 .. 39]) . '],"explain":true,"probabilities":true}';

# base plus contributions against the reply's probabilities
sub by_input {
    my ($kind) = @_;

    return sub {
        my ($body) = @_;
        my $r = eval { $Json->decode($body) };
        my $p = ref $r eq 'HASH' ? $r->{predictions} : undef;

        return "$kind: not a batch reply: " . substr($body, 0, 200) . "\n"
            unless ref $p eq 'ARRAY' && @$p == 40;

        for my $i (0 .. $#$p) {
            my $e = $p->[$i]{explanation};
            my $c = ref $e eq 'HASH' ? $e->{contributions} : undef;
            my $no = $kind eq 'forest' ? 2 : 1;

            return "$kind row $i: inputs "
                   . join(',', sort keys %{ $c // {} }) . "\n"
                unless ref $c eq 'HASH'
                       && join(',', sort keys %$c)
                          eq join(',', sort @Inputs)
                       && !grep { @{ $c->{$_} } != $no } @Inputs;

            for my $k (0 .. $no - 1) {
                my $z = $e->{base}[$k];
                $z += $c->{$_}[$k] for @Inputs;

                my $label = $no == 1 ? 'spam' : $e->{outputs}[$k];
                my $want = $p->[$i]{probabilities}{$label};
                my $got = $no == 1 ? 1 / (1 + exp(-$z)) : $z;

                return "$kind row $i output $k: $got, probability $want\n"
                    unless abs($got - $want) <= 1e-9;
            }
        }

        return "ok\n";
    };
}

our @TextFilters = map { [by_input($_)] } qw(logreg forest gbt);

repeat_each(1);

no_long_string();
no_shuffle();
run_tests();

__DATA__

=== TEST 1: XGBoost binary and softprob: pred_contribs within 1e-5
--- http_config
    mlclf_model binary $TEST_NGINX_EXPLAIN_REG/binary;
    mlclf_model softprob $TEST_NGINX_EXPLAIN_REG/softprob;
--- config
    client_body_buffer_size 1m;
    location = /predict/binary { mlclf_predict binary; }
    location = /predict/softprob { mlclf_predict softprob; }
--- more_headers
Content-Type: application/json
--- request eval
\@::Requests
--- response_body_filters eval
\@::Filters
--- error_code eval
[(200) x @::Requests]
--- response_body eval
[("ok\n") x @::Requests]
--- no_error_log
[error]



=== TEST 2: more rows than mlclf_max_explain_rows: 413, without explain 200
--- http_config
    mlclf_model binary $TEST_NGINX_EXPLAIN_REG/binary;
--- config
    location = /predict { mlclf_predict binary; }
    location = /three {
        mlclf_max_explain_rows 3;
        mlclf_predict binary;
    }
--- more_headers
Content-Type: application/json
--- request eval
["POST /predict\n$::Over",
 "POST /predict\n$::Plain",
 "POST /three\n{\"instances\":[$::Row,$::Row,$::Row,$::Row],\"explain\":true}",
 "POST /three\n{\"instances\":[$::Row,$::Row,$::Row],\"explain\":true}"]
--- error_code eval
[413, 200, 413, 200]
--- response_body_like eval
[qr/^\{"error":"101 rows to explain, more than the limit of 100","reason":"too_many_rows"\}$/,
 qr/^\{"model_version":"v1","predictions":\[\{"prediction":"[01]","confidence":[^}]*\}/,
 qr/^\{"error":"4 rows to explain, more than the limit of 3","reason":"too_many_rows"\}$/,
 qr/"explanation":\{"outputs":\["1"\],"base":\[[^]]+\],"contributions":\{"f0":\[/]
--- no_error_log
[error]



=== TEST 3: explain not a boolean, or on a model without covers: 400
--- http_config
    mlclf_model binary $TEST_NGINX_EXPLAIN_REG/binary;
    mlclf_model nocover $TEST_NGINX_EXPLAIN_REG/nocover;
--- config
    location = /predict { mlclf_predict binary; }
    location = /nocover { mlclf_predict nocover; }
--- more_headers
Content-Type: application/json
--- request eval
["POST /predict\n{\"features\":$::Row,\"explain\":\"yes\"}",
 "POST /predict\n{\"features\":$::Row,\"explain\":1}",
 "POST /nocover\n{\"features\":$::Row,\"explain\":true}",
 "POST /nocover\n{\"features\":$::Row,\"explain\":false}"]
--- error_code eval
[400, 400, 400, 200]
--- response_body_like eval
[qr/^\{"error":"\\"explain\\" must be true or false","reason":"bad_shape"\}$/,
 qr/"reason":"bad_shape"/,
 qr/^\{"error":"this model cannot explain: its file has no node covers \(model format 4\)","reason":"cannot_explain"\}$/,
 qr/^\{"prediction":"[01]","confidence":[^,]+,"model_version":"v1"\}$/]
--- no_error_log
[error]



=== TEST 4: text and category inputs: one contribution each, the margin
--- http_config
    mlclf_model text_lr $TEST_NGINX_EXPLAIN_REG/text_lr;
    mlclf_model text_forest $TEST_NGINX_EXPLAIN_REG/text_forest;
    mlclf_model text_gbt $TEST_NGINX_EXPLAIN_REG/text_gbt;
--- config
    client_body_buffer_size 1m;
    location = /lr { mlclf_predict text_lr; }
    location = /forest { mlclf_predict text_forest; }
    location = /gbt { mlclf_predict text_gbt; }
--- more_headers
Content-Type: application/json
--- request eval
["POST /lr\n$::Mails", "POST /forest\n$::Mails", "POST /gbt\n$::Mails"]
--- response_body_filters eval
\@::TextFilters
--- error_code eval
[200, 200, 200]
--- response_body eval
["ok\n", "ok\n", "ok\n"]
--- no_error_log
[error]
