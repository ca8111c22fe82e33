# Models with text and category inputs trained by mlclf-train answer
# through NGINX as the trainer scored them: raw JSON strings in, the
# held-out rows' accuracy and log loss of meta.json out.
#
# At load time: MlclfFixtures::text_csv() writes 1,500 generated
# e-mails (texts subject and body, categories sender and lang, the
# number n_links, ham or spam; non-ASCII words, commas, double quotes,
# line breaks and empty bodies; rare senders), and mlclf-train fits
# three models on it into a temporary registry:
#   text_lr      logreg; hashed tf-idf of word 1-2 grams (4096 columns
#                each), sender with unknown: ignore (some test senders
#                are unseen in training), lang with unknown: error
#   text_forest  20 trees; subject hashed to 256 columns, body a
#                vocabulary of its 200 most frequent words, senders in
#                fewer than 5 train rows infrequent (unknown ones too)
#   text_gbt     30 rounds of depth 3; 256 hashed columns each, binary
#                body counts, sender limited to 4 columns
# Each version's test.csv (300 rows, quoted fields with "" and line
# breaks, read by MlclfFixtures::csv_rows()) is what NGINX is asked.
#
# TEST 1, 3, 5: a model's test rows in one batch by name, the keys in a
# different order from row to row, an empty body left out: the accuracy
# and log loss computed from NGINX's probabilities are meta.json's (log
# loss within 1e-12, probabilities clipped to [1e-15, 1 - 1e-15] as the
# trainer clips them).
# TEST 2, 4, 6: the same rows by position, every non-ASCII character
# written as a \u escape (a surrogate pair beyond U+FFFF), an empty body
# as null or "" in turn: the reply of the block before, byte for byte.

use strict;
use warnings;

use Test::Nginx::Socket;
use JSON::PP ();
use MlclfFixtures qw(bin tmpdir spit slurp meta run_parallel text_csv
                     csv_rows json_string);

my $Json = JSON::PP->new;
my $Ascii = JSON::PP->new->ascii->allow_nonref;
my $tmp = tmpdir();
my @Inputs = qw(subject body sender lang n_links);

text_csv("$tmp/mail.csv");

my %Yaml = (
    text_lr => <<"YAML",
features:
  - {name: subject, type: text, n_features: 4096, ngram_range: [1, 2]}
  - {name: body, type: text, n_features: 4096, ngram_range: [1, 2]}
  - {name: sender, type: category, unknown: ignore}
  - {name: lang, type: category}
  - {name: n_links, type: integer, min: 0}
model: {kind: logreg, l2: 1.0}
YAML
    text_forest => <<"YAML",
features:
  - {name: subject, type: text, n_features: 256, alternate_sign: false}
  - name: body
    type: text
    vectorizer: vocabulary
    max_features: 200
    sublinear_tf: true
  - {name: sender, type: category, min_frequency: 5, unknown: infrequent}
  - {name: lang, type: category}
  - {name: n_links, type: integer, min: 0}
model: {kind: forest, n_trees: 20, max_depth: 10}
YAML
    text_gbt => <<"YAML",
features:
  - {name: subject, type: text, n_features: 256, ngram_range: [1, 2]}
  - {name: body, type: text, n_features: 256, binary: true}
  - {name: sender, type: category, max_categories: 4, unknown: infrequent}
  - {name: lang, type: category}
  - {name: n_links, type: integer, min: 0}
model: {kind: gbt, n_estimators: 30, max_depth: 3, learning_rate: 0.3}
YAML
);

my @Models = sort keys %Yaml;

for my $name (@Models) {
    spit("$tmp/$name.yaml", <<"YAML" . $Yaml{$name});
name: $name
data: $tmp/mail.csv
label: label
classes: [ham, spam]
split: {test_fraction: 0.2, seed: 42, stratify: true}
YAML
}

run_parallel(map { [bin() . '/mlclf-train', '--config', "$tmp/$_.yaml",
                    '--registry', "$tmp/reg", '--promote', '--quiet'] }
             @Models);

$ENV{TEST_NGINX_TEXT_REG} = "$tmp/reg";

# A version's CSV file as hashes by column name.
sub records {
    my ($path) = @_;
    my @rows = csv_rows(slurp($path));
    my $head = shift @rows;

    return map {
               my $r = $_;
               +{ map { $head->[$_] => $r->[$_] } 0 .. $#$head }
           } @rows;
}

our (%Meta, %Rows, %ByName, %ByPosition);

for my $name (@Models) {
    my $vdir = "$tmp/reg/$name/versions/v1";
    my @rows = records("$vdir/test.csv");
    my %seen = map { $_->{sender} => 1 } records("$vdir/train.csv");

    die "$name: " . scalar(@rows) . " test rows, not 300\n"
        unless @rows == 300;

    # what the rows must exercise
    for my $want (['an empty body', sub { $_[0]{body} eq '' }],
                  ['a line break', sub { $_[0]{body} =~ /\n/ }],
                  ['a double quote', sub { $_[0]{body} =~ /"/ }],
                  ['a comma', sub { $_[0]{body} =~ /,/ }],
                  ['a final capital sigma',
                   sub { texts($_[0]) =~ /\xce\xa3(?:[ ,!"\n]|\z)/ }],
                  ['a CJK character',
                   sub { texts($_[0]) =~ /[\xe4-\xe9][\x80-\xbf]{2}/ }],
                  ['an unseen sender', sub { !$seen{ $_[0]{sender} } }])
    {
        die "$name: no test row with $want->[0]\n"
            unless grep { $want->[1]->($_) } @rows;
    }

    $Meta{$name} = meta($vdir);
    $Rows{$name} = \@rows;

    my $i = 0;

    $ByName{$name} = '{"instances":['
        . join(',', map {
              my $r = $_;
              my $k = $i++ % @Inputs;
              my @keys = (@Inputs[$k .. $#Inputs], @Inputs[0 .. $k - 1]);

              '{' . join(',', map {
                        "\"$_\":"
                        . ($_ eq 'n_links' ? $r->{$_} : json_string($r->{$_}))
                    } grep { $_ ne 'body' || $r->{body} ne '' } @keys) . '}'
          } @rows)
        . '],"probabilities":true}';

    $i = 0;

    $ByPosition{$name} = '{"instances":['
        . join(',', map {
              my $r = $_;
              my $empty = $i++ % 2 ? 'null' : '""';

              '[' . join(',', map {
                        $_ eq 'n_links' ? $r->{$_}
                        : $_ eq 'body' && $r->{$_} eq '' ? $empty
                        : ascii($r->{$_})
                    } @Inputs) . ']'
          } @rows)
        . '],"probabilities":true}';
}

sub texts {
    my ($r) = @_;
    return "$r->{subject} $r->{body}";
}

# A JSON string of UTF-8 bytes with every non-ASCII character escaped.
sub ascii {
    my ($v) = @_;
    utf8::decode($v) or die "not UTF-8: $v\n";
    return $Ascii->encode($v);
}

my %first_reply;

# check('text_lr'): a filter that compares the reply with meta.json:
# "ok\n", or what differs.
sub check {
    my ($name) = @_;

    return sub {
        my ($body) = @_;
        my $r = eval { $Json->decode($body) };
        my $rows = $Rows{$name};
        my $metrics = $Meta{$name}{metrics};

        $first_reply{$name} = $body;

        return "not JSON: " . substr($body, 0, 200) . "\n"
            unless ref $r eq 'HASH' && ref $r->{predictions} eq 'ARRAY'
                   && @{ $r->{predictions} } == @$rows;

        my ($hits, $loss) = (0, 0);

        for my $i (0 .. $#$rows) {
            my $p = $r->{predictions}[$i];
            my $want = $rows->[$i]{label};
            my $pr = $p->{probabilities}{$want};

            $pr = 1e-15 if $pr < 1e-15;
            $pr = 1 - 1e-15 if $pr > 1 - 1e-15;

            $hits++ if $p->{prediction} eq $want;
            $loss -= log($pr);
        }

        my $acc = $hits / @$rows;
        $loss /= @$rows;

        return "accuracy $acc, meta.json says $metrics->{accuracy}\n"
            unless $acc == $metrics->{accuracy};
        return "log loss $loss, meta.json says $metrics->{log_loss}\n"
            unless abs($loss - $metrics->{log_loss}) <= 1e-12;

        return "ok\n";
    };
}

# same('text_lr'): a filter, "same\n" when the reply is the one check()
# saw for that model.
sub same {
    my ($name) = @_;

    return sub {
        my ($body) = @_;
        return "no reply by name\n" unless defined $first_reply{$name};
        return $body eq $first_reply{$name} ? "same\n" : "differs\n";
    };
}

repeat_each(1);
plan tests => repeat_each() * blocks() * 3;

our $HttpConfig = <<'_EOC_';
    mlclf_model text_lr $TEST_NGINX_TEXT_REG/text_lr;
    mlclf_model text_forest $TEST_NGINX_TEXT_REG/text_forest;
    mlclf_model text_gbt $TEST_NGINX_TEXT_REG/text_gbt;
_EOC_

our $Config = <<'_EOC_';
    mlclf_max_rows 1000;
    client_body_buffer_size 1m;
    location ~ ^/predict/(text_\w+)$ { mlclf_predict $1; }
_EOC_

add_block_preprocessor(sub {
    my $block = shift;

    $block->set_value('http_config', $HttpConfig);
    $block->set_value('config', $Config);
    $block->set_value('more_headers', 'Content-Type: application/json');
});

no_long_string();
no_shuffle();
run_tests();

__DATA__

=== TEST 1: logreg, test.csv by name: meta.json's accuracy and log loss
--- request eval
"POST /predict/text_lr\n" . $main::ByName{text_lr}
--- response_body_filters eval
[main::check('text_lr')]
--- error_code: 200
--- response_body
ok
--- no_error_log
[error]



=== TEST 2: logreg, the same rows by position, escaped: the same reply
--- request eval
"POST /predict/text_lr\n" . $main::ByPosition{text_lr}
--- response_body_filters eval
[main::same('text_lr')]
--- error_code: 200
--- response_body
same
--- no_error_log
[error]



=== TEST 3: forest, test.csv by name: meta.json's accuracy and log loss
--- request eval
"POST /predict/text_forest\n" . $main::ByName{text_forest}
--- response_body_filters eval
[main::check('text_forest')]
--- error_code: 200
--- response_body
ok
--- no_error_log
[error]



=== TEST 4: forest, the same rows by position, escaped: the same reply
--- request eval
"POST /predict/text_forest\n" . $main::ByPosition{text_forest}
--- response_body_filters eval
[main::same('text_forest')]
--- error_code: 200
--- response_body
same
--- no_error_log
[error]



=== TEST 5: gbt, test.csv by name: meta.json's accuracy and log loss
--- request eval
"POST /predict/text_gbt\n" . $main::ByName{text_gbt}
--- response_body_filters eval
[main::check('text_gbt')]
--- error_code: 200
--- response_body
ok
--- no_error_log
[error]



=== TEST 6: gbt, the same rows by position, escaped: the same reply
--- request eval
"POST /predict/text_gbt\n" . $main::ByPosition{text_gbt}
--- response_body_filters eval
[main::same('text_gbt')]
--- error_code: 200
--- response_body
same
--- no_error_log
[error]
