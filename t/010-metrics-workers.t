# mlclf_zone with the master on and two workers: the counters of both
# workers are summed exactly, whichever worker answers /metrics.  Each
# request of a block comes on its own connection.  Which worker took
# which connection is checked in t/010-metrics-reload.t (reuseport and
# $pid); here only the sums.  Model: the iris forest of
# tests/fixtures/requests (version v3).
#
# A request is counted in the log phase, after its reply is written, so
# the block's closing GET /metrics may be answered by the other worker
# before the last request is counted.  The exact sums are therefore in
# a section of our own, "--- metrics_values eval" ({ series => value }):
# on the block's /metrics reply, the check below polls /metrics
# (bounded, MlclfMetrics::wait_metrics) until they hold, then asserts
# each of them on that text.

use Test::Nginx::Socket 'no_plan';
use MlclfFixtures qw(tmpdir parity_model);
use MlclfMetrics qw(metrics_text_ok parse_metrics wait_metrics
                    metrics_getter);

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

# a batch of 500 versicolor rows
our $Batch500 = "POST /predict\n" . '{"instances": ['
                . join(',', ('[6.0, 2.9, 4.5, 1.5]') x 500) . ']}';

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

    my $name = $block->name;

    metrics_text_ok($body, "$name - ");

    my $want = $block->metrics_values or return;

    my $text = wait_metrics(metrics_getter('http://' . server_addr() . ':'
                                           . server_port_for_client()
                                           . '/metrics'), $want);
    $text = '' unless defined $text;

    metrics_text_ok($text, "$name - polled: ");

    my $m = parse_metrics($text);
    is($m->{$_}, $want->{$_}, "$name - $_") for sort keys %$want;
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
qr/^mlclf_requests_total\{model="iris",version="v3",code="200"\} \d+\nmlclf_requests_total\{model="iris",version="v3",code="400"\} \d+\n/m
]
--- metrics_values eval
{
'mlclf_requests_total{model="iris",version="v3",code="200"}' => 30,
'mlclf_requests_total{model="iris",version="v3",code="400"}' => 7,
'mlclf_errors_total{model="iris",version="v3",reason="bad_shape"}' => 7,
'mlclf_request_duration_seconds_count{model="iris",version="v3"}' => 37,
'mlclf_request_duration_seconds_bucket{model="iris",version="v3",le="+Inf"}' => 37,
'mlclf_predictions_total{model="iris",version="v3",class="setosa"}' => 30,
}
--- no_error_log
[error]



=== TEST 2: a batch of 500 rows on each of 4 connections
--- more_headers
Content-Type: application/json
--- request eval
[
($::Batch500) x 4,
"GET /metrics",
]
--- response_body_like eval
[
(qr/"predictions"/) x 4,
qr/^mlclf_predictions_total\{model="iris",version="v3",class="versicolor"\} \d+\n/m
]
--- metrics_values eval
{
'mlclf_requests_total{model="iris",version="v3",code="200"}' => 4,
'mlclf_predictions_total{model="iris",version="v3",class="versicolor"}' => 2000,
}
--- no_error_log
[error]
