# conf/prometheus/: the scrape config and both rule files pass promtool
# check, the rule unit tests (mlclf-rules.test.yml) pass promtool test
# rules, and every series named by the rules and by the Grafana
# dashboard is one the module exports (ngx_http_mlclf_metrics.h) or a
# recording rule defines.  Needs no nginx.

use strict;
use warnings;

use Test::More;
use JSON::PP ();
use MlclfFixtures qw(repo slurp);
use MlclfMetrics qw(promtool);

my $promtool = promtool();

plan skip_all => "$promtool not found (apt-get install prometheus)"
    unless -x $promtool;

my $dir = repo() . '/conf/prometheus';

sub run {
    my (@args) = @_;
    my $out = qx{cd '$dir' && '$promtool' @args 2>&1};
    return ($? >> 8, $out);
}

my ($rc, $out) = run('check', 'config', 'prometheus.yml');
is($rc, 0, 'promtool check config prometheus.yml') or diag $out;
like($out, qr/SUCCESS: 2 rule files found/, 'it finds both rule files');

($rc, $out) = run('check', 'rules', 'mlclf-recording.rules.yml',
                  'mlclf-alerts.rules.yml');
is($rc, 0, 'promtool check rules') or diag $out;
unlike($out, qr/WARNING|FAILED/i, 'no warning');

($rc, $out) = run('test', 'rules', 'mlclf-rules.test.yml');
is($rc, 0, 'promtool test rules mlclf-rules.test.yml') or diag $out;

# the names the module writes: every sample line of the format strings
my %known;
my $h = slurp(repo() . '/ngx_http_mlclf_module/ngx_http_mlclf_metrics.h');
$known{$1}++ while $h =~ /"((?:nginx|mlclf)_[a-z_]+)(?:\{| %)/g;
$known{"mlclf_request_duration_seconds_$_"}++ for qw(bucket sum count);
$known{up}++;

my $rules = slurp("$dir/mlclf-recording.rules.yml");
$known{$1}++ while $rules =~ /^\s*- record: (\S+)/mg;

ok($known{mlclf_requests_total} && $known{nginx_connections_active}
   && $known{'model_version:mlclf_requests:rate5m'},
   'names found: ' . scalar(keys %known));

sub unknown {
    my ($expr) = @_;
    my @bad;

    (my $e = $expr) =~ s/\{[^}]*\}//g;     # label matchers
    $e =~ s/"[^"]*"//g;

    for my $name ($e =~ /([a-z_][a-z0-9_:]*(?:_total|_seconds\w*|_info|
                               _accuracy|_active|_reading|_writing|
                               _waiting|_slots\w*|:\w+))/gx)
    {
        push @bad, $name unless $known{$name};
    }

    return @bad;
}

my @bad;
for my $file ('mlclf-recording.rules.yml', 'mlclf-alerts.rules.yml') {
    (my $text = slurp("$dir/$file")) =~ s/^\s*#.*$//mg;
    push @bad, map { "$file: $_" } unknown($text);
}

my $dash = JSON::PP->new->decode(slurp("$dir/mlclf-dashboard.json"));
my $n = 0;

for my $p (@{ $dash->{panels} }) {
    for my $t (@{ $p->{targets} }) {
        $n++;
        push @bad, map { "dashboard \"$p->{title}\": $_" }
                   unknown($t->{expr});
    }
}

ok($n >= 10, "the dashboard has $n queries");
is(join("\n", @bad), '', 'every series used is exported or recorded');

done_testing();
