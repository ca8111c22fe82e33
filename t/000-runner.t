# Self-tests of the Test::Nginx::Socket runner in t/lib, against plain
# nginx (no third-party module).  Blocks whose name contains "EXPECTED
# FAILURE" run under --- todo; the checks after run_tests() assert that
# those sub-tests really failed, so the runner is shown to catch errors.
# They rely on t/lib's --- todo (the block runs, its failures are TODO;
# upstream skips such a block) and on t/lib's internals, so this file
# skips itself under any other Test::Nginx::Socket (t/lib/README.md).

use Cwd qw(abs_path);
use File::Basename qw(dirname);

BEGIN {
    require Test::Nginx::Socket;

    my $ours = abs_path(dirname(__FILE__) . '/lib/Test/Nginx/Socket.pm');
    my $used = abs_path($INC{'Test/Nginx/Socket.pm'});

    if ($used ne $ours) {
        require Test::More;
        Test::More::plan(skip_all => "the self-test of t/lib's runner,"
                                     . " not of $used");
    }
}

use Test::Nginx::Socket 'no_plan';

repeat_each(1);
no_shuffle();
no_long_string();
log_level('debug');

$ENV{TEST_NGINX_GREETING} = 'howdy';

our $HttpConfig = <<'_EOC_';
    map $http_x_pick $picked {
        default none;
        a       alpha;
    }
_EOC_

# master_on() for the blocks that ask for it, off for the others; a
# preprocessor also gives a default --- more_headers to one block.
add_block_preprocessor(sub {
    my $block = shift;

    if ($block->name =~ /master/) {
        master_on();
        workers(2);
    } else {
        master_process_enabled(0);
        workers(1);
    }

    if (defined $block->want_default_header
        && !defined $block->more_headers)
    {
        $block->set_value('more_headers', "X-Pick: a\n");
    }
});

# a custom section checked by a response body check
add_response_body_check(sub {
    my ($block, $body, $req_idx, $repeated_req_idx, $dry_run) = @_;

    my $want = $block->body_length;
    return unless defined $want;
    $want =~ s/\s+//g;
    is(length $body, $want,
       $block->name . " - body_length (req $req_idx)");
});

run_tests();

# The sub-test counts of README.md, block by block:
# 3 + 7 + 2 + 3 + 2 + 3 + 2 + 6 + 4 + 4 + 2 + 9 + 4 + 2 + 5 + 1 + 2 + 3
# + 3 + 3 + 1 + 2 + 3 + 3 + 6
is(Test::More->builder->current_test, 85, 'sub-tests counted as documented');

# --- checks on what the blocks above produced --------------------------

my @details = Test::More->builder->details;

my @expected_failures = grep { $_->{type} eq 'todo' } @details;
is(scalar(@expected_failures), 10, 'the expected failures ran as TODO');
for my $d (@expected_failures) {
    ok(!$d->{actual_ok}, "really failed: $d->{name}");
}

my @skips = grep { $_->{type} eq 'skip' } @details;
is(scalar @skips, 2, 'skip_nginx skipped 2 sub-tests');

# Block parser and request builder, without nginx.
my @b = Test::Nginx::Socket::Block->parse_spec(<<'_EOS_');
=== TEST A: parser
some description
--- config
    location /x {}

--- error_code: 201
--- response_body eval
"a\tb"
--- http_config eval: $::HttpConfig
--- lines_sec chomp
one
two


=== TEST B
--- SKIP
--- request
GET /
_EOS_

is(scalar @b, 2, 'parser: two blocks');
is($b[0]->name, 'TEST A: parser', 'parser: name');
is($b[0]->description, 'some description', 'parser: description');
is($b[0]->config, "    location /x {}\n", 'parser: trimmed section');
is($b[0]->error_code, '201', 'parser: inline value');
is($b[0]->response_body, "a\tb", 'parser: eval filter');
is($b[0]->http_config, $HttpConfig, 'parser: eval of an inline value');
is($b[0]->lines_sec, "one\ntwo", 'parser: chomp filter');
ok(!defined $b[0]->no_such_section, 'parser: absent section is undef');
ok($b[1]->has_raw_section('SKIP'), 'parser: SKIP seen');

my $r = Test::Nginx::Socket::build_request(
    Test::Nginx::Socket::strip_request_comments("# comment\n  POST /p\nbody\n"),
    "X-A: 1\n", 'close');
is($r->{packets}[0][0],
   "POST /p HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
   . "X-A: 1\r\nContent-Length: 4\r\n\r\nbody",
   'build_request: comment, trimmed body, more_headers, Content-Length');

$r = Test::Nginx::Socket::build_request(
    ["POST /p\nab", { value => "cd", delay_before => 0.1 }], undef,
    'close');
is(scalar @{ $r->{packets} }, 2, 'build_request: split packets');
like($r->{packets}[0][0], qr/Content-Length: 4\r\n\r\nab\z/,
     'build_request: length counts all packets');
is($r->{packets}[1][1], 0.1, 'build_request: delay_before');

$r = Test::Nginx::Socket::build_request(
    "POST /p\n \t ", "Content-Length: 3\nX-B:2", 'close');
like($r->{packets}[0][0], qr/\r\nX-B: 2\r\n\r\n \t \z/,
     'build_request: a given Content-Length keeps the body as written');

$r = Test::Nginx::Socket::build_request(
    "POST /p\nab", "content-length: 2", 'close');
like($r->{packets}[0][0], qr/\r\ncontent-length: 2\r\nContent-Length: 2\r\n/,
     'build_request: only "Content-Length:" spelt so is seen');

ok(!eval { Test::Nginx::Socket::build_request("GET /a HTTP/1.1 x\n") },
   'build_request: a request line of four words is refused');

my $buf = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
          . "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
          . "HTTP/1.1 204 No Content\r\nX-Y: z\r\n\r\n";
my $res = Test::Nginx::Socket::parse_response(\$buf, 'GET');
is($res->{body}, 'abcde', 'parse_response: chunked');
is($res->{raw_headers},
   "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n",
   'parse_response: raw headers end with the last header line');
$res = Test::Nginx::Socket::parse_response(\$buf, 'GET');
is($res->{status}, 204, 'parse_response: second response');
is(Test::Nginx::Socket::header_value($res, 'x-y'), 'z',
   'parse_response: header lookup is case-insensitive');

$buf = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab";
$res = Test::Nginx::Socket::parse_response(\$buf, 'GET');
ok($res->{bad_chunked}, 'parse_response: a truncated chunk is an error');

is_deeply([Test::Nginx::Socket::patterns_of("a\n\nb c\n")], ['a', 'b c'],
          'patterns_of: one pattern per non-empty line');

# What upstream refuses or would not check, refused before nginx starts.
my @p = Test::Nginx::Socket::Block->parse_spec(<<'_EOS_');
=== P1: a scalar for many requests
--- response_headers
X-A: 1
--- response_body eval
["a", "b"]

=== P2: an array of two for one request
--- response_body_like eval
[qr/a/, qr/b/]

=== P3: like and unlike on one reply
--- response_body_like: a
--- response_body_unlike: b

=== P4: body and like
--- response_body: a
--- response_body_like: a

=== P5: headers and headers_like
--- response_headers
X-A: 1
--- response_headers_like
X-B: \d

=== P6: one value per request
--- error_code eval
[200, 404]
--- response_body_like eval
[qr/a/, qr/b/]
--- more_headers
X-A: 1
_EOS_

my @why = map { Test::Nginx::Socket::block_problem($_, 2, 1) // '' }
          @p[0, 5];
push @why, map { Test::Nginx::Socket::block_problem($_, 1, 0) // '' }
           @p[1 .. 4];
like($why[0], qr/should be arrays as well \(response_headers\)/,
     'block_problem: a scalar for many requests');
is($why[1], '', 'block_problem: one value per request');
like($why[2], qr/response_body_like has 2 values for 1 request/,
     'block_problem: an array of two for one request');
like($why[3], qr/checks only response_body_like/,
     'block_problem: like and unlike');
like($why[4], qr/checks only response_body$/,
     'block_problem: body and like');
like($why[5], qr/checks only response_headers$/,
     'block_problem: headers and headers_like');

__DATA__

=== TEST 1: return 200 with a body
--- config
    location = /t {
        return 200 "hi";
    }
--- request
GET /t
--- response_body chomp
hi
--- error_code: 200
--- no_error_log
[error]



=== TEST 2: response_body eval and response_headers
--- config
    location = /t {
        add_header X-Foo bar;
        add_header X-Port $server_port;
        return 200 "hi\n";
    }
--- request
    GET /t
--- response_body eval
"hi\n"
--- response_headers
Content-Type: text/plain
X-Foo: bar
X-Port: $ServerPort
!X-Absent
X-Absent-Too



=== TEST 3: more_headers, env expansion, http_config eval
--- http_config eval: $::HttpConfig
--- config
    location = /t {
        return 200 "$http_x_foo $picked $TEST_NGINX_GREETING";
    }
--- request
GET /t
--- more_headers
X-Foo: hello
X-Pick: a
--- response_body chomp
hello alpha howdy



=== TEST 4: POST body, Content-Length added
--- config
    location = /t {
        return 200 "$request_method $content_length";
    }
--- request
POST /t
{"features":[5.1,3.5,1.4,0.2]}
--- response_body chomp
POST 30
--- body_length: 7



=== TEST 5: error_code and error_code_like
--- config
    location = /t {
        return 404;
    }
--- request
GET /t
--- error_code_like: ^4\d\d$
--- response_body_like: 404 Not Found



=== TEST 6: must_die on a broken directive
--- config
    location = /t {
        return a b c;
    }
--- must_die
--- error_log
invalid number of arguments in "return" directive
--- no_error_log
[alert]



=== TEST 7: must_die with an exit code
--- http_config
    no_such_directive on;
--- config
--- must_die: 1
--- error_log eval
qr/unknown directive "no_such_directive"/



=== TEST 8: error_log (string, regex, array) and no_error_log
--- config
    location = /t {
        return 200 "ok";
    }
--- request
GET /t?a=1
--- error_log eval
[qr/http args: "a=\d"/, "http uri: \"/t\"",
 'http request line: "GET /t?a=1 HTTP/1.1"']
--- no_error_log
[error]
[crit]



=== TEST 9: pipelined requests
--- config
    location = /a {
        return 200 "A";
    }
    location = /b {
        return 201 "B";
    }
--- pipelined_requests eval
["GET /a", "GET /b"]
--- error_code eval
[200, 201]
--- response_body eval
["A", "B"]



=== TEST 10: several requests in a request eval array
--- config
    location = /a {
        return 200 "A";
    }
    location = /b {
        return 200 "B";
    }
--- request eval
["GET /a", "GET /b"]
--- response_body eval
["A", "B"]



=== TEST 11: raw_request sent in two packets
--- config
    location = /t {
        return 200 "raw $http_x_r";
    }
--- raw_request eval
["GET /t HTTP/1.1\r\nHost: localhost\r\nX-R: ",
 "1\r\nConnection: close\r\n\r\n"]
--- response_body chomp
raw 1



=== TEST 12: user_files, chunked response, HEAD
--- config
    location = /sub.txt {
        root html;
        sub_filter world there;
        sub_filter_types *;
    }
--- user_files
>>> index.html
<html>index</html>
>>> sub.txt
hello world
--- request eval
["GET /sub.txt", "GET /", "HEAD /index.html"]
--- response_body eval
["hello there\n", "<html>index</html>\n", ""]
--- response_headers eval
["Transfer-Encoding: chunked", "Content-Length: 19", "Content-Length: 19"]



=== TEST 13: response_headers_like, the default index.html
--- config
--- request
GET /
--- response_headers_like
Content-Length: \d+
Server: nginx.*
--- response_body_like: It works!



=== TEST 14: block preprocessor sets more_headers
--- http_config eval: $::HttpConfig
--- config
    location = /t {
        return 200 "$picked";
    }
--- want_default_header
--- request
GET /t
--- response_body chomp
alpha



=== TEST 15: master on with 2 workers, grep_error_log, shutdown log
--- config
    location = /t {
        return 200 "m";
    }
--- request
GET /t
--- response_body chomp
m
--- grep_error_log eval
qr/start worker process \d+/
--- grep_error_log_out eval
qr/\A(?:start worker process \d+\n){2}\z/
--- shutdown_error_log
gracefully shutting down
--- no_shutdown_error_log
[alert]



=== TEST 16: timeout with abort is not a failure
--- config
    location = /t {
        return 200;
    }
--- raw_request eval
"GET /t HTTP/1.1\r\nHost: localhost\r\n"
--- timeout: 300ms
--- abort
--- ignore_response
--- no_error_log
[alert]



=== TEST 17: skip_nginx skips its sub-tests
--- config
    location = /t {
        return 200;
    }
--- request
GET /t
--- response_body
--- skip_nginx
2: < 999.0.0



=== TEST 18: access_log
--- config
    location = /t {
        return 204;
    }
--- request
GET /logged
--- error_code: 404
--- access_log
GET /logged HTTP/1.1
--- no_access_log
GET /t HTTP



=== TEST 19: EXPECTED FAILURE wrong body, status and header
--- config
    location = /t {
        return 200 "hi";
    }
--- request
GET /t
--- todo
3: the runner must catch these
--- error_code: 201
--- response_body chomp
ho
--- response_headers
X-Nope: 1



=== TEST 20: EXPECTED FAILURE error_log patterns
--- config
    location = /t {
        return 200 "hi";
    }
--- request
GET /t
--- todo
3: the runner must catch these
--- error_code: 500
--- error_log
this text is never logged
--- no_error_log
http request line



=== TEST 21: EXPECTED FAILURE must_die on a good config
--- config
    location = /t {
        return 200;
    }
--- todo
1: the runner must catch this
--- must_die



=== TEST 22: $ServerPort in an expected body
--- config
    location = /t {
        return 200 "port $server_port";
    }
--- request
GET /t
--- response_body chomp
port $ServerPort



=== TEST 23: EXPECTED FAILURE nginx dies during the block
--- config
    location = /t {
        return 200;
    }
--- init
kill 'KILL', $Test::Nginx::Socket::NginxPid;
select undef, undef, undef, 0.2;
--- request
GET /t
--- todo
3: the runner must catch these



=== TEST 24: start-up lines in error.log, in its format, not from stderr
--- http_config
    server {
        listen $TEST_NGINX_SERVER_PORT;
        server_name localhost;
        location = /t {
            return 200;
        }
    }
--- config
    location = /t {
        return 200;
    }
--- request
GET /t
--- error_log eval
qr/^[\d\/]+ [\d:]+ \[warn\] \d+#\d+: conflicting server name "localhost"/
--- no_error_log
nginx: [warn]



=== TEST 25: the logs are checked after each request, on the new lines
--- config
    location = /t {
        return 200;
    }
--- request eval
["GET /t", "GET /t"]
--- error_code eval
[200, 200]
--- grep_error_log: http uri: "/t"
--- grep_error_log_out
http uri: "/t"
--- error_log
http uri: "/t"
