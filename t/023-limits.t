# Request limits and name checks (plain Test::More driving nginx through
# t/lib/MlclfTest.pm; docs/reliability.md lists the limits):
#
# - body size: client_max_body_size (nginx's default 1m) answers 413
#   before the module reads anything; a body nginx buffers in a temp file
#   (over client_body_buffer_size) is read back and answered;
# - batch rows: mlclf_max_rows, default 1000 (413 too_many_rows over it),
#   bounds checked at configuration time;
# - feature count: exactly the model's (400 bad_shape otherwise);
# - JSON depth: mlclf_max_depth, default 8 (400 too_deep), 1..1000;
# - registry names with "/", ".." or control characters (anything but
#   [a-z0-9_-]{1,64}) are refused by the module's mlclf_model, by
#   mlclf-train --name and the YAML name, and by every mlclf-registry
#   command.

use strict;
use warnings;

use Test::More;
use MlclfFixtures qw(tmpdir train bin);
use MlclfTest;

my $tmp = tmpdir();
my $reg = "$tmp/reg";

train($reg, 'iris-logreg.yaml', promote => 1);

my $row = '[5.1,3.5,1.4,0.2]';

sub rows {
    my ($n) = @_;
    return '{"instances":[' . join(',', ($row) x $n) . ']}';
}

sub nested {
    my ($depth) = @_;
    # {"features": ...} is depth 1, each array one more
    return '{"features":' . ('[' x ($depth - 1)) . '5.1'
           . (']' x ($depth - 1)) . '}';
}

my $t = MlclfTest->new(
    workers     => 1,
    http_config => "    mlclf_model iris $reg/iris;",
    config      => "        location = /predict { mlclf_predict iris; }\n"
                 . "        location = /rows5 { mlclf_predict iris;\n"
                 . "            mlclf_max_rows 5; }\n"
                 . "        location = /depth2 { mlclf_predict iris;\n"
                 . "            mlclf_max_depth 2; }\n"
                 . "        location = /tempfile { mlclf_predict iris;\n"
                 . "            client_body_buffer_size 1k;\n"
                 . "            client_body_in_file_only clean; }",
);

$t->start;

sub post {
    my ($path, $body) = @_;
    my $r = $t->predict($path, $body);
    my ($reason) = $r->{content} =~ /"reason":"(\w+)"/;
    return "$r->{status} " . ($reason // ($r->{status} == 200 ? 'ok' : '-'));
}

# body size
is(post('/predict', rows(1000)), '200 ok',
   'defaults: 1000 rows (18 kB) answered');
my $big = '{"instances":[' . join(',', ($row) x 60000) . ']}';
cmp_ok(length $big, '>', 1024 * 1024, 'a body over 1 MB');
is(post('/predict', $big), '413 -',
   'default client_max_body_size 1m: 413 from nginx');
is(post('/tempfile', rows(100)), '200 ok',
   'a body in a temp file is read back and answered');

# batch rows
is(post('/predict', rows(1001)), '413 too_many_rows',
   'default mlclf_max_rows 1000: 1001 rows refused');
is(post('/rows5', rows(5)), '200 ok', 'mlclf_max_rows 5: 5 rows');
is(post('/rows5', rows(6)), '413 too_many_rows', 'mlclf_max_rows 5: 6 rows');

# feature count
is(post('/predict', '{"features":[5.1,3.5,1.4]}'), '400 bad_shape',
   '3 features for a 4-feature model');
is(post('/predict', '{"features":[5.1,3.5,1.4,0.2,1]}'), '400 bad_shape',
   '5 features');
is(post('/predict', '{"features":[' . join(',', (1) x 10000) . ']}'),
   '400 bad_shape', '10000 features');
is(post('/predict', '{"features":{"x' . ('y' x 1000) . '":1}}'),
   '400 unknown_feature', 'a 1000-byte feature name');

# JSON depth
is(post('/predict', nested(8)), '400 bad_shape',
   'default mlclf_max_depth 8: depth 8 is parsed (and is no row)');
is(post('/predict', nested(9)), '400 too_deep',
   'default mlclf_max_depth 8: depth 9 refused');
is(post('/predict', '[' x 100000), '400 too_deep',
   '100000 open brackets: too_deep, no deep recursion');
is(post('/depth2', '{"features":[5.1,3.5,1.4,0.2]}'), '200 ok',
   'mlclf_max_depth 2: a flat row');
is(post('/depth2', '{"instances":[[5.1,3.5,1.4,0.2]]}'), '400 too_deep',
   'mlclf_max_depth 2: a batch is depth 3');

$t->stop;

unlike($t->error_log, qr/\[(?:alert|crit|emerg)\]|exited on signal/,
       'no worker crashed');

# configuration-time bounds and names: nginx -t

sub nginx_t {
    my ($http, $server) = @_;
    my $c = MlclfTest->new(workers => 1, http_config => $http,
                           config => $server || '');
    $c->write_conf;
    my ($rc, $out) = $c->nginx('-t');
    return ($rc, $out);
}

for my $bad (['mlclf_max_rows 0', qr/value must be equal to or greater than 1/],
             ['mlclf_max_depth 0', qr/value must be between 1 and 1000/],
             ['mlclf_max_depth 1001', qr/value must be between 1 and 1000/])
{
    my ($rc, $out) = nginx_t("    mlclf_model iris $reg/iris;",
                             "        location = /p { mlclf_predict iris;"
                             . " $bad->[0]; }");
    isnt($rc, 0, "nginx -t refuses $bad->[0]");
    like($out, $bad->[1], "$bad->[0]: the message says why");
}

my @bad_names = ('a/b', '..', '../iris', 'iris/..', "ir\x01is", "ir\x7fis",
                 'Iris', 'x' x 65, '');

for my $name (@bad_names) {
    (my $shown = $name) =~ s/([^\x21-\x7e])/sprintf('\\x%02x', ord $1)/ge;
    my ($rc, $out) = nginx_t("    mlclf_model \"$name\" $reg/iris;");
    isnt($rc, 0, "mlclf_model \"$shown\": nginx -t fails");
    like($out, qr/invalid model name/, "mlclf_model \"$shown\": invalid name");
}

# the trainer: --name and the YAML's name

my $train = bin() . '/mlclf-train';
my $registry = bin() . '/mlclf-registry';
my $repo = MlclfFixtures::repo();

for my $name (@bad_names) {
    next if $name eq '';
    (my $shown = $name) =~ s/([^\x21-\x7e])/sprintf('\\x%02x', ord $1)/ge;
    my $r = "$tmp/train-" . length($name) . '-' . unpack('H*', $name);

    my $q = $name =~ s/'/'\\''/gr;
    qx{'$train' --config '$repo/conf/iris-logreg.yaml' --registry '$r/reg' --name '$q' --quiet 2>&1};
    my $rc = $? >> 8;
    ok($rc != 0 && $rc < 128, "mlclf-train --name \"$shown\": refused ($rc)");
    ok(!-e "$r/reg" || !glob("$r/reg/*/versions/*") && !-e "$r/iris",
       "mlclf-train --name \"$shown\": nothing written");

    open my $in, '<', "$repo/conf/iris-logreg.yaml" or die "yaml: $!";
    open my $out, '>', "$r.yaml" or die "$r.yaml: $!";
    while (<$in>) {
        s{^name: .*}{name: "$shown"};
        s{^data: (?!/)(.*)}{data: $repo/$1};
        print $out $_;
    }
    close $in;
    close $out;

    system("'$train' --config '$r.yaml' --registry '$r/reg2' --quiet"
           . " >/dev/null 2>&1");
    $rc = $? >> 8;
    ok($rc != 0 && $rc < 128, "name: \"$shown\" in the YAML: refused ($rc)");
    ok(!glob("$r/reg2/*/versions/*"), "YAML \"$shown\": nothing written");
}

# the registry CLI: every command, exit 2

for my $name (@bad_names) {
    (my $shown = $name) =~ s/([^\x21-\x7e])/sprintf('\\x%02x', ord $1)/ge;

    for my $cmd (['list'], ['show'], ['verify'], ['promote', 'v1'],
                 ['rollback'], ['history'])
    {
        my @args = ($cmd->[0], $name, @$cmd[1 .. $#$cmd]);
        my $out = qx{'$registry' --registry '$reg' @{[ map { "'$_'" } @args ]} 2>&1};
        is($? >> 8, 2, "mlclf-registry $cmd->[0] \"$shown\": exit 2");
    }
}

is(readlink("$reg/iris/active"), 'versions/v1', 'the registry is untouched');

done_testing();
