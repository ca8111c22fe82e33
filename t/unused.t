# The module loaded but not configured changes nothing.

use Test::Nginx::Socket;

repeat_each(1);
plan tests => repeat_each() * (blocks() * 3 - 1);

no_shuffle();
run_tests();

__DATA__

=== TEST 1: a plain location
--- config
    location = /t { return 200 "hello\n"; }
--- request
GET /t
--- response_body
hello
--- no_error_log
[error]



=== TEST 2: another module reads a POST body as before
--- config
    location = /t {
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/u;
    }
    location = /u {
        return 200 "$http_content_type $content_length\n";
    }
--- more_headers
Content-Type: application/json
--- request
POST /t
{"features": [1, 2, 3, 4]}
--- response_body
application/json 26
--- no_error_log
[error]



=== TEST 3: static files and 404
--- config
    location /static/ { root html; }
--- request
GET /static/nothing-here
--- error_code: 404
--- error_log
html/static/nothing-here" failed (2: No such file or directory)
