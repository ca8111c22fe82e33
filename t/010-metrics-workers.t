# mlclf_zone with the master on and two workers: the counters of both
# workers are summed exactly, whichever worker answers /metrics.  Each
# request of a block comes on its own connection.  Which worker took
# which connection is checked in t/010-metrics-reload.t (reuseport and
# $pid); here only the sums.  Model: the iris forest of
# tests/fixtures/requests (version v3).

use Test::Nginx::Socket 'no_plan';
use MlclfFixtures qw(tmpdir parity_model);
use MlclfMetrics qw(promtool_check conformance);

my $tmp = tmpdir();
parity_model("$tmp/iris.mlclf");

$ENV{TEST_NGINX_MLCLF_MODEL} = "$tmp/iris.mlclf";

repeat_each(1);
workers(2);
master_on();

our $Good = "POST /predict\n" . '{"features": [5.1, 3.5, 1.4, 0.2]}';
our $Bad = "POST /predict\n" . '{"features": [5.1, 3.5, 1.4]}';

our @Requests = (($Good) x 30, ($Bad) x 7, "GET /metrics");
our @Codes = ((200) x 30, (400) x 7, 200);

add_block_preprocessor(sub {
    my $block = shift;

    if (!defined $block->http_config) {
        $block->set_value('http_config', <<'_EOC_');
    mlclf_zone mlclf:1m;
    mlclf_model iris $TEST_NGINX_MLCLF_MODEL;
_EOC_
    }

    if (!defined $block->config) {
        $block->set_value('config', <<'_EOC_');
    location = /predict { mlclf_predict iris; }
    location = /metrics { mlclf_metrics; }
_EOC_
    }
});

add_response_body_check(sub {
    my ($block, $body, $req_idx, $rep, $dry_run) = @_;

    return if $dry_run || !defined $body || $body !~ /^# HELP /;

    my ($rc, $out) = promtool_check($body);
    is("$rc $out", '0 ', $block->name . " - promtool check metrics");
    is(join("\n", conformance($body)), '', $block->name . " - conformance");
});

no_shuffle();
run_tests();

__DATA__

=== TEST 1: 30 good and 7 bad requests, summed over two workers
--- more_headers
Content-Type: application/json
--- request eval
\@main::Requests
--- error_code eval
\@main::Codes
--- response_body_like eval
[
(qr/"setosa"/) x 30,
(qr/"reason":"bad_shape"/) x 7,
qr/^mlclf_requests_total\{model="iris",version="v3",code="200"\} 30\nmlclf_requests_total\{model="iris",version="v3",code="400"\} 7\n.*^mlclf_errors_total\{model="iris",version="v3",reason="bad_shape"\} 7\n.*^mlclf_request_duration_seconds_count\{model="iris",version="v3"\} 37\n.*^mlclf_predictions_total\{model="iris",version="v3",class="setosa"\} 30\n/ms
]
--- no_error_log
[error]



=== TEST 2: a batch of 500 rows on each of 4 connections
--- more_headers
Content-Type: application/json
--- request eval
[
("POST /predict\n" . '{"instances": [' . join(',', ('[6.0, 2.9, 4.5, 1.5]') x 500) . ']}') x 4,
"GET /metrics",
]
--- response_body_like eval
[
(qr/"predictions"/) x 4,
qr/^mlclf_requests_total\{model="iris",version="v3",code="200"\} 4\n.*^mlclf_predictions_total\{model="iris",version="v3",class="versicolor"\} 2000\n/ms
]
--- no_error_log
[error]
