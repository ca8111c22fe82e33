# Raw inputs that a model with text and category inputs refuses, each
# with its exact status, reason and message, and the ones it takes: a
# null or absent text, an unseen category under unknown: ignore, texts
# at mlclf_max_text.
#
# The model: t/027-train-text.t's text_lr, the logreg mlclf-train fits
# at load time on MlclfFixtures::text_csv()'s e-mails, its inputs in
# this order: subject and body (hashing texts), sender (category,
# unknown: ignore), lang (category en, de, el, ja, unknown: error),
# n_links (a number).  /short has mlclf_max_text 16, /predict the
# default 64k.  The catalogue's own text cases (t/003-bad-input.t,
# "@model text") run against the hand-made model of tests/model_spec.c.

use strict;
use warnings;

# The plan is not a formula: most blocks send several requests.
use Test::Nginx::Socket 'no_plan';
use JSON::PP ();
use MlclfFixtures qw(bin tmpdir spit run_quiet text_csv);

my $tmp = tmpdir();

text_csv("$tmp/mail.csv");

spit("$tmp/text_lr.yaml", <<"YAML");
name: text_lr
data: $tmp/mail.csv
label: label
classes: [ham, spam]
split: {test_fraction: 0.2, seed: 42, stratify: true}
features:
  - {name: subject, type: text, n_features: 4096, ngram_range: [1, 2]}
  - {name: body, type: text, n_features: 4096, ngram_range: [1, 2]}
  - {name: sender, type: category, unknown: ignore}
  - {name: lang, type: category}
  - {name: n_links, type: integer, min: 0}
model: {kind: logreg, l2: 1.0}
YAML

run_quiet(bin() . '/mlclf-train', '--config', "$tmp/text_lr.yaml",
          '--registry', "$tmp/reg", '--promote', '--quiet');

$ENV{TEST_NGINX_TEXT_REG} = "$tmp/reg";

our $Ok = qr/^\{"prediction":"(?:ham|spam)","confidence":[0-9.e-]+,"model_version":"v1"\}\z/;

my $Json = JSON::PP->new;

# A filter for a batch of 6 rows: "same\n" when every row got the same
# reply.
sub all_same {
    my ($body) = @_;
    my $r = eval { $Json->decode($body) };

    return "not a batch reply: $body\n"
        unless ref $r eq 'HASH' && ref $r->{predictions} eq 'ARRAY';

    my @p = map { $Json->canonical->encode($_) } @{ $r->{predictions} };

    return scalar(@p) . " rows\n" unless @p == 6;
    return "row $_ differs: $p[$_] vs $p[0]\n"
        for grep { $p[$_] ne $p[0] } 1 .. $#p;
    return "same\n";
}

# a body of a subject of $n bytes "a" and a body of $m bytes "b"
sub long {
    my ($n, $m) = @_;
    return '{"features":{"subject":"' . ('a' x $n) . '","body":"'
           . ('b' x $m) . '","sender":"mail.org","lang":"en",'
           . '"n_links":1}}';
}

repeat_each(1);

our $HttpConfig = <<'_EOC_';
    mlclf_model text_lr $TEST_NGINX_TEXT_REG/text_lr;
_EOC_

our $Config = <<'_EOC_';
    client_body_buffer_size 1m;
    location = /predict { mlclf_predict text_lr; }
    location = /short { mlclf_predict text_lr; mlclf_max_text 16; }
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

=== TEST 1: raw values by name, by position, in a batch
--- request eval
[
'POST /predict
{"features":{"subject":"Free money","body":"Click, \"win\" now\né ß ΟΔΟΣ 無料","sender":"mail.org","lang":"en","n_links":3}}',
'POST /predict
{"features":["Free money","Click, \"win\" now\n\u00e9 \u00df \u039f\u0394\u039f\u03a3 \u7121\u6599","mail.org","en",3]}',
'POST /predict
{"instances":[["meeting",null,"corp.net","de",0],{"n_links":1,"lang":"ja","sender":"shop.biz","subject":"東京"}],"probabilities":true}',
]
--- error_code eval
[200, 200, 200]
--- response_body_like eval
[$main::Ok, $main::Ok,
 qr/^\{"model_version":"v1","predictions":\[\{"prediction":"(?:ham|spam)","confidence":[0-9.e-]+,"probabilities":\{"ham":[0-9.e-]+,"spam":[0-9.e-]+\}\},\{"prediction":"(?:ham|spam)",[^\]]+\]\}\z/]
--- no_error_log
[error]



=== TEST 2: a null, absent or empty text is an empty document
--- request eval
'POST /predict
{"instances":[
{"subject":"hello","body":"","sender":"mail.org","lang":"el","n_links":2},
{"subject":"hello","body":null,"sender":"mail.org","lang":"el","n_links":2},
{"subject":"hello","sender":"mail.org","lang":"el","n_links":2},
["hello",null,"mail.org","el",2],
["hello","","mail.org","el",2],
["hello","  ,, !! ","mail.org","el",2]
]}'
--- error_code: 200
--- response_body_filters eval
[\&main::all_same]
--- response_body
same
--- no_error_log
[error]



=== TEST 3: an unseen sender sets no column, whatever its bytes or length
--- request eval
'POST /short
{"instances":[
{"subject":"hello","body":"x","sender":"nowhere.example","lang":"en","n_links":0},
["hello","x","","en",0],
["hello","x","MAIL.ORG","en",0],
["hello","x","a-sender-longer-than-the-text-limit.example","en",0],
["hello","x","\u0395\u03bb\u03bb\u03ac\u03b4\u03b1.gr","en",0],
["hello","x","Ελλάδα.gr","en",0]
]}'
--- error_code: 200
--- response_body_filters eval
[\&main::all_same]
--- response_body
same
--- no_error_log
[error]



=== TEST 4: a number, a boolean, an array or an object where a string belongs
--- request eval
[
'POST /predict
{"features":{"subject":7,"body":"x","sender":"mail.org","lang":"en","n_links":0}}',
'POST /predict
{"features":["hello","x",true,"en",0]}',
'POST /predict
{"features":["hello","x","mail.org",["en"],0]}',
'POST /predict
{"instances":[["hello","x","mail.org","en",0],{"subject":"hello","body":{"t":"x"},"sender":"mail.org","lang":"en","n_links":0}]}',
]
--- error_code eval
[400, 400, 400, 400]
--- response_body eval
[
'{"error":"feature \"subject\" is not a string","reason":"not_a_string"}',
'{"error":"feature 2 is not a string","reason":"not_a_string"}',
'{"error":"feature 3 is not a string","reason":"not_a_string"}',
'{"error":"row 1: feature \"body\" is not a string","reason":"not_a_string"}',
]
--- no_error_log
[error]



=== TEST 5: a string where the number belongs
--- request eval
[
'POST /predict
{"features":{"subject":"hello","body":"x","sender":"mail.org","lang":"en","n_links":"3"}}',
'POST /predict
{"features":["hello","x","mail.org","en","3"]}',
'POST /predict
{"instances":[["hello","x","mail.org","en",0],["hello","x","mail.org","en",""]]}',
]
--- error_code eval
[400, 400, 400]
--- response_body eval
[
'{"error":"feature \"n_links\" is not a number","reason":"not_a_number"}',
'{"error":"feature 4 is not a number","reason":"not_a_number"}',
'{"error":"row 1: feature 4 is not a number","reason":"not_a_number"}',
]
--- no_error_log
[error]



=== TEST 6: a lang the model does not know (unknown: error)
--- request eval
[
'POST /predict
{"features":{"subject":"hello","body":"x","sender":"mail.org","lang":"fr","n_links":0}}',
'POST /predict
{"features":["hello","x","mail.org","EN",0]}',
'POST /predict
{"features":["hello","x","mail.org","",0]}',
'POST /predict
{"instances":[["hello","x","mail.org","en",0],["hello","x","mail.org","en ",0]]}',
]
--- error_code eval
[400, 400, 400, 400]
--- response_body eval
[
'{"error":"feature \"lang\" is not a known category","reason":"unknown_category"}',
'{"error":"feature 3 is not a known category","reason":"unknown_category"}',
'{"error":"feature 3 is not a known category","reason":"unknown_category"}',
'{"error":"row 1: feature 3 is not a known category","reason":"unknown_category"}',
]
--- no_error_log
[error]



=== TEST 7: a null or absent category is refused, whatever its unknown rule
--- request eval
[
'POST /predict
{"features":{"subject":"hello","body":"x","sender":"mail.org","lang":null,"n_links":0}}',
'POST /predict
{"features":["hello","x",null,"en",0]}',
'POST /predict
{"features":{"subject":"hello","body":"x","lang":"en","n_links":0}}',
'POST /predict
{"instances":[["hello","x","mail.org","en",0],{"subject":"hello","body":"x","sender":"mail.org","n_links":0}]}',
]
--- error_code eval
[400, 400, 400, 400]
--- response_body eval
[
'{"error":"feature \"lang\" is null and the model refuses a missing category","reason":"missing_value"}',
'{"error":"feature 2 is null and the model refuses a missing category","reason":"missing_value"}',
'{"error":"feature \"sender\" is missing","reason":"missing_feature"}',
'{"error":"row 1: feature \"lang\" is missing","reason":"missing_feature"}',
]
--- no_error_log
[error]



=== TEST 8: \u0000 in any string value, a text, a category or another member
--- request eval
[
'POST /predict
{"features":{"subject":"free\u0000money","body":"x","sender":"mail.org","lang":"en","n_links":0}}',
'POST /predict
{"features":["hello","x","mail.org\u0000","en",0]}',
'POST /predict
{"features":["hello","x","mail.org","en",0],"probabilities":"\u0000"}',
'POST /predict
{"instances":[["hello","x","mail.org","en",0],["hello","\u0000","mail.org","en",0]]}',
]
--- error_code eval
[400, 400, 400, 400]
--- response_body eval
[
'{"error":"\\\\u0000 in a string value, at byte 28","reason":"bad_text"}',
'{"error":"\\\\u0000 in a string value, at byte 34","reason":"bad_text"}',
'{"error":"\\\\u0000 in a string value, at byte 61","reason":"bad_text"}',
'{"error":"\\\\u0000 in a string value, at byte 56","reason":"bad_text"}',
]
--- no_error_log
[error]



=== TEST 9: invalid UTF-8 anywhere is no JSON: the offset of its first byte
--- request eval
[
"POST /predict\n" . qq{{"features":["caf\xe9","x","mail.org","en",0]}},
"POST /predict\n" . qq{{"features":["hello","\xc0\xaf","mail.org","en",0]}},
"POST /predict\n" . qq{{"features":["hello","\xed\xa0\x80","mail.org","en",0]}},
"POST /predict\n" . qq{{"features":["hello","x \xe6\x97","mail.org","en",0]}},
"POST /predict\n" . qq{{"features":["hello","x","mail\x80.org","en",0]}},
"POST /predict\n" . qq{{"features":{"subject":"hello","b\xf8dy":"x","sender":"mail.org","lang":"en","n_links":0}}},
]
--- error_code eval
[400, 400, 400, 400, 400, 400]
--- response_body eval
[
'{"error":"invalid JSON at byte 17","reason":"bad_json"}',
'{"error":"invalid JSON at byte 22","reason":"bad_json"}',
'{"error":"invalid JSON at byte 22","reason":"bad_json"}',
'{"error":"invalid JSON at byte 24","reason":"bad_json"}',
'{"error":"invalid JSON at byte 30","reason":"bad_json"}',
'{"error":"invalid JSON at byte 33","reason":"bad_json"}',
]
--- no_error_log
[error]



=== TEST 10: a text over mlclf_max_text, counted in bytes of UTF-8
--- request eval
[
"POST /short\n" . main::long(17, 1),
"POST /short\n" . main::long(1, 17),
'POST /short
{"features":["hello","日日日日日日","mail.org","en",0]}',
'POST /short
{"features":["hello","\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9","mail.org","en",0]}',
'POST /short
{"instances":[["hello","x","mail.org","en",0],["hello","x","mail.org","en",0],["0123456789abcdefg","x","mail.org","en",0]]}',
"POST /predict\n" . main::long(1, 65537),
]
--- error_code eval
[413, 413, 413, 413, 413, 413]
--- response_body eval
[
'{"error":"feature \"subject\" is 17 bytes, more than the limit of 16","reason":"text_too_long"}',
'{"error":"feature \"body\" is 17 bytes, more than the limit of 16","reason":"text_too_long"}',
'{"error":"feature 1 is 18 bytes, more than the limit of 16","reason":"text_too_long"}',
'{"error":"feature 1 is 18 bytes, more than the limit of 16","reason":"text_too_long"}',
'{"error":"row 2: feature 0 is 17 bytes, more than the limit of 16","reason":"text_too_long"}',
'{"error":"feature \"body\" is 65537 bytes, more than the limit of 65536","reason":"text_too_long"}',
]
--- no_error_log
[error]



=== TEST 11: texts of exactly mlclf_max_text bytes pass
--- request eval
[
"POST /short\n" . main::long(16, 16),
'POST /short
{"features":["hello","日日日日日x","mail.org","en",0]}',
'POST /short
{"features":["\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9","x","mail.org","en",0]}',
"POST /predict\n" . main::long(17, 17),
"POST /predict\n" . main::long(65536, 65536),
]
--- error_code eval
[200, 200, 200, 200, 200]
--- response_body_like eval
[$main::Ok, $main::Ok, $main::Ok, $main::Ok, $main::Ok]
--- no_error_log
[error]
