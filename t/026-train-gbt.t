# A gradient-boosted model trained by mlclf-train with missing: allow
# answers through NGINX as the trainer scored it (issue 13, point 1: the
# served model routes null the same way).
#
# At load time: a CSV of 3,000 rows, 4 features and 3 classes is written
# with about 15% of the values of f0 and f1 missing (empty fields), and
# a missing f0 marks class "a".  mlclf-train trains a gbt on it
# (missing: allow, 30 rounds, depth 4) into a temporary registry and
# promotes it; its test.csv (the 600 held-out rows, empty fields
# included) is what NGINX is asked.
#
# TEST 1: the 600 test rows by position (a missing value is null): the
# accuracy and log loss computed from NGINX's probabilities are those the
# trainer wrote in meta.json, computed by the serving kernel in-process
# (log loss within 1e-12: the reply's numbers are rounded to 17
# digits), and every row whose f0 is missing is predicted "a".
# TEST 2: the same rows by name with the missing features left out:
# the same replies as by position, byte for byte.

use strict;
use warnings;

use Test::Nginx::Socket 'no_plan';
use JSON::PP ();
use MlclfFixtures qw(bin tmpdir spit slurp run_quiet meta);

my $Json = JSON::PP->new->allow_nonref;
my $tmp = tmpdir();
my @Names = qw(f0 f1 f2 f3);
my @Labels = qw(a b c);

# The data: a linear congruential generator, so the file is the same
# bytes on every run.
my $s = 12345;
sub rnd {
    $s = ($s * 1103515245 + 12345) % 2147483648;
    return $s / 2147483648;
}

my @lines = (join(',', @Names, 'label'));
for my $i (0 .. 2999) {
    my $c = $i % 3;
    my @x = map { sprintf('%.4f', rnd() + ($_ == $c ? 0.5 : 0)) } 0 .. 3;
    $x[1] = '' if rnd() < 0.15;
    $x[0] = '' if $c == 0 && rnd() < 0.3;
    push @lines, join(',', @x, $Labels[$c]);
}
spit("$tmp/data.csv", join("\n", @lines) . "\n");

spit("$tmp/gbt.yaml", <<"YAML");
name: gbt_missing
data: $tmp/data.csv
label: label
features: [f0, f1, f2, f3]
classes: [a, b, c]
missing: allow
split: {test_fraction: 0.2, seed: 42, stratify: true}
model:
  kind: gbt
  n_estimators: 30
  learning_rate: 0.3
  max_depth: 4
YAML

run_quiet(bin() . '/mlclf-train', '--config', "$tmp/gbt.yaml",
          '--registry', "$tmp/reg", '--promote', '--quiet');

my $vdir = "$tmp/reg/gbt_missing/versions/v1";
my $meta = meta($vdir);

my @test = split /\n/, slurp("$vdir/test.csv");
shift @test;
my @rows = map { [split /,/, $_, -1] } @test;   # 4 features, then label

die scalar(@rows) . " test rows, not 600\n" unless @rows == 600;
die "no test row has f0 missing\n" unless grep { $_->[0] eq '' } @rows;

$ENV{TEST_NGINX_GBT_REG} = "$tmp/reg";

our $ByPosition = '{"instances":['
    . join(',', map {
          '[' . join(',', map { $_ eq '' ? 'null' : $_ } @$_[0 .. 3]) . ']'
      } @rows)
    . '],"probabilities":true}';

our $ByName = '{"instances":['
    . join(',', map {
          my $r = $_;
          '{' . join(',', map { "\"$Names[$_]\":$r->[$_]" }
                          grep { $r->[$_] ne '' } reverse 0 .. 3) . '}'
      } @rows)
    . '],"probabilities":true}';

my $first_reply;

# The reply against meta.json: "ok\n", or what differs.
sub check {
    my ($body) = @_;
    my $r = eval { $Json->decode($body) };

    $first_reply = $body;

    return "not JSON: " . substr($body, 0, 200) . "\n"
        unless ref $r eq 'HASH' && ref $r->{predictions} eq 'ARRAY'
               && @{ $r->{predictions} } == @rows;

    my ($hits, $loss) = (0, 0);

    for my $i (0 .. $#rows) {
        my $p = $r->{predictions}[$i];
        my $want = $rows[$i][4];

        $hits++ if $p->{prediction} eq $want;
        $loss -= log($p->{probabilities}{$want});

        return "row $i: f0 missing, predicted $p->{prediction}\n"
            if $rows[$i][0] eq '' && $p->{prediction} ne 'a';
    }

    my $acc = $hits / @rows;
    $loss /= @rows;

    return "accuracy $acc, meta.json says $meta->{metrics}{accuracy}\n"
        unless $acc == $meta->{metrics}{accuracy};
    return "log loss $loss, meta.json says $meta->{metrics}{log_loss}\n"
        unless abs($loss - $meta->{metrics}{log_loss}) <= 1e-12;

    return "ok\n";
}

# TEST 2's reply must be TEST 1's.
sub same {
    my ($body) = @_;
    return "TEST 1 gave no reply\n" unless defined $first_reply;
    return $body eq $first_reply ? "same\n" : "differs\n";
}

repeat_each(1);

no_long_string();
no_shuffle();
run_tests();

__DATA__

=== TEST 1: test.csv by position: meta.json's accuracy and log loss
--- http_config
    mlclf_model gbt_missing $TEST_NGINX_GBT_REG/gbt_missing;
--- config
    mlclf_max_rows 1000;
    client_body_buffer_size 1m;
    location = /predict { mlclf_predict gbt_missing; }
--- more_headers
Content-Type: application/json
--- request eval
"POST /predict\n" . $::ByPosition
--- response_body_filters eval
[\&main::check]
--- error_code: 200
--- response_body
ok
--- no_error_log
[error]



=== TEST 2: the same rows by name, missing features left out
--- http_config
    mlclf_model gbt_missing $TEST_NGINX_GBT_REG/gbt_missing;
--- config
    mlclf_max_rows 1000;
    client_body_buffer_size 1m;
    location = /predict { mlclf_predict gbt_missing; }
--- more_headers
Content-Type: application/json
--- request eval
"POST /predict\n" . $::ByName
--- response_body_filters eval
[\&main::same]
--- error_code: 200
--- response_body
same
--- no_error_log
[error]
