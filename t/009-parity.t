# Parity with the core: every request of tests/fixtures/requests gets,
# through POST /predict, exactly the reply bytes that tests/test_json.c
# checks (NAME.reply without its final newline), from the same model
# written by libmlclf (the forest described in the corpus README).

# Several requests in one block: every per-request section is an array
# with one value per request (upstream refuses a scalar there), and
# no_error_log is checked after each request.
use Test::Nginx::Socket 'no_plan';
use MlclfFixtures qw(repo tmpdir parity_model slurp);

my $tmp = tmpdir();
parity_model("$tmp/iris.mlclf");

$ENV{TEST_NGINX_MLCLF_MODEL} = "$tmp/iris.mlclf";

my $dir = repo() . '/tests/fixtures/requests';
opendir my $dh, $dir or die "opendir $dir: $!";
my @names = sort map { /^(.+)\.json$/ ? $1 : () } readdir $dh;
closedir $dh;

our @Requests = map { "POST /predict\n" . slurp("$dir/$_.json") } @names;
our @Replies = map { my $r = slurp("$dir/$_.reply"); $r =~ s/\n\z//; $r }
               @names;
our @Codes = (200) x @names;
our @Headers = ("X-Model-Version: v3") x @names;

repeat_each(1);

no_shuffle();
run_tests();

__DATA__

=== TEST 1: the reply corpus of tests/test_json.c, byte for byte
--- http_config
    mlclf_model iris $TEST_NGINX_MLCLF_MODEL;
--- config
    location = /predict { mlclf_predict iris; }
--- more_headers
Content-Type: application/json
--- request eval
\@main::Requests
--- error_code eval
\@main::Codes
--- response_body eval
\@main::Replies
--- response_headers eval
\@main::Headers
--- no_error_log
[error]
