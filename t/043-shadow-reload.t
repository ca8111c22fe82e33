# mlclf_shadow's counters across workers and reloads (plain Test::More
# driving nginx through t/lib/MlclfTest.pm, master on, two workers,
# reuseport): agreement summed over both workers; a reload keeps the
# pair's series; promoting the shadow's registry to another version and
# reloading adds the new pair's series and keeps the old pair's.  The
# model is iris v1 (logistic regression); the shadow's registry holds
# the same logreg as v1 and a forest as v2, trained by mlclf-train into
# temporary directories.

use strict;
use warnings;

use Test::More;
use MlclfFixtures qw(tmpdir train promote);
use MlclfMetrics qw(metrics_text_ok parse_metrics wait_metrics);
use MlclfTest;

my $tmp = tmpdir();

train("$tmp/reg", 'iris-logreg.yaml', promote => 1);
train("$tmp/shadow", 'iris-logreg.yaml', promote => 1);
train("$tmp/shadow", 'iris-forest.yaml', name => 'iris');

my $row = '{"features": [5.1, 3.5, 1.4, 0.2]}';

my $t = MlclfTest->new(
    workers     => 2,
    listen      => 'reuseport',
    http_config => "    mlclf_zone mlclf:1m;\n"
                 . "    mlclf_model iris $tmp/reg/iris;\n"
                 . "    mlclf_model next $tmp/shadow/iris;",
    config      => "        location = /predict { mlclf_predict iris;\n"
                 . "            mlclf_shadow next; }\n"
                 . "        location = /metrics { mlclf_metrics; }",
);

$t->start;

# a connection per request, so that both workers answer
$t->{ua} = HTTP::Tiny->new(keep_alive => 0);

sub agree {
    my ($version) = @_;
    return 'mlclf_shadow_agreement_total{model="iris",version="v1",'
           . 'shadow="next",shadow_version="' . $version
           . '",class="setosa",agree="true"}';
}

sub scrape {
    my ($what, %want) = @_;

    my $text = wait_metrics(sub {
        my $r = $t->request('GET', '/metrics');
        return $r->{status} == 200 ? $r->{content} : undef;
    }, \%want);

    $text = '' unless defined $text;
    metrics_text_ok($text, "$what: ");

    my $m = parse_metrics($text);
    is($m->{$_}, $want{$_}, "$what: $_") for sort keys %want;
}

sub send_n {
    my ($n) = @_;
    my $ok = 0;

    for (1 .. $n) {
        $ok++ if $t->predict('/predict', $row)->{status} == 200;
    }

    return $ok;
}

is(send_n(20), 20, '20 requests');
scrape('start', agree('v1') => 20);

my @old = $t->worker_pids;
$t->reload;
my @new = $t->wait_workers_replaced(@old);

is(send_n(5), 5, '5 requests after a reload');
scrape('reload', agree('v1') => 25);

promote("$tmp/shadow", 'iris', 'v2');
@old = @new;
$t->reload;
@new = $t->wait_workers_replaced(@old);

is(send_n(4), 4, '4 requests with the shadow at v2');
scrape('promoted', agree('v1') => 25, agree('v2') => 4);

$t->stop;

done_testing();
