# Replay: every sample data set, logistic regression and forest, trained
# by mlclf-train into a temporary registry; each row of the version's
# test.csv goes through POST /predict (one keep-alive connection), and
# correct/total must equal the accuracy the trainer wrote in meta.json,
# exactly.  The same rows as one batch must give the same predictions.

use strict;
use warnings;

use Test::More;
use JSON::PP ();
use MlclfFixtures qw(repo tmpdir train meta slurp);
use MlclfTest;

my @sets = qw(iris-logreg iris-forest wine-logreg wine-forest
              breast_cancer-logreg breast_cancer-forest);

my $tmp = tmpdir();
my $reg = "$tmp/reg";
my (@models, $http, $server);

for my $set (@sets) {
    my $yaml = slurp(repo() . "/conf/$set.yaml");
    my ($label) = $yaml =~ /^label:\s*(\S+)/m or die "$set: no label";
    (my $name = $set) =~ tr/-/_/;

    train($reg, "$set.yaml", name => $name, promote => 1);

    push @models, { name => $name, label => $label,
                    dir => "$reg/$name/versions/v1" };
    $http .= "    mlclf_model $name $reg/$name;\n";
    $server .= "        location = /$name { mlclf_predict $name; }\n";
}

my $t = MlclfTest->new(workers => 1, http_config => $http,
                       config => $server);
$t->start;

my $json = JSON::PP->new->canonical;

for my $m (@models) {
    my $meta = meta($m->{dir});
    my @lines = split /\n/, slurp("$m->{dir}/test.csv");
    my @cols = split /,/, shift @lines;
    my ($li) = grep { $cols[$_] eq $m->{label} } 0 .. $#cols;
    my ($correct, $total, @rows, @labels, @served) = (0, 0);

    for my $line (@lines) {
        my @v = split /,/, $line, -1;
        my $truth = $v[$li];
        my %row;

        for my $i (0 .. $#cols) {
            $row{$cols[$i]} = 0 + $v[$i] unless $i == $li;
        }

        my $r = $t->predict("/$m->{name}", $json->encode({features => \%row}));
        die "$m->{name}: $r->{status} $r->{content}" if $r->{status} != 200;

        my $p = $json->decode($r->{content})->{prediction};
        push @served, $p;
        push @rows, \%row;
        $correct++ if $p eq $truth;
        $total++;
    }

    cmp_ok($total, '==', $meta->{n_test}, "$m->{name}: all test rows");
    cmp_ok($correct / $total, '==', $meta->{metrics}{accuracy},
           "$m->{name}: served accuracy $correct/$total equals the "
           . "trainer's $meta->{metrics}{accuracy}");

    my $r = $t->predict("/$m->{name}", $json->encode({instances => \@rows}));
    my $batch = $json->decode($r->{content})->{predictions};
    is_deeply([map { $_->{prediction} } @$batch], \@served,
              "$m->{name}: one batch predicts as the single rows");
}

$t->stop;

unlike($t->error_log, qr/\[(?:alert|crit|emerg)\]/, 'no alerts');

done_testing();
