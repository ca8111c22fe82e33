package MlclfFixtures;

# Fixtures for the t/*.t files: trained registries (made by the real
# mlclf-train from conf/*.yaml), damaged model files built from a good
# one, the bad-request catalogue of tests/fixtures/bad-requests.txt and
# the models it is replayed against, and a generated CSV of texts and
# categories with the reader of such CSV files.  Everything is created
# under a temporary directory removed at exit.

use strict;
use warnings;

use Cwd qw(abs_path);
use File::Basename qw(dirname);
use File::Copy qw(copy);
use File::Path qw(make_path);
use File::Temp qw(tempdir);
use Compress::Zlib qw(crc32);
use JSON::PP ();
use POSIX ();

use Exporter 'import';
our @EXPORT_OK = qw(repo bin tmpdir train promote damaged meta
                    bad_requests slurp spit parity_model run_parallel
                    import_model run_quiet inputs_model text_csv
                    csv_rows json_string);

my $Repo = abs_path(dirname(__FILE__) . '/../..');

sub repo { $Repo }

sub bin { $ENV{MLCLF_BIN} || "$Repo/build/bin" }

# World-readable: nginx workers may run as another user when the tests
# run as root.
sub tmpdir {
    my $dir = tempdir('mlclf-t-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    chmod 0755, $dir;
    return $dir;
}

sub run_quiet {
    my @cmd = @_;
    my $out = qx{cd '$Repo' && @cmd 2>&1};
    die "@cmd: failed ($?):\n$out" if $?;
    return $out;
}

# run_parallel([cmd, args...], ...): the commands at once, from the
# repository, each with its output in a file of its own; dies naming the
# first that failed, with its output.
sub run_parallel {
    my @cmds = @_;
    my $logs = tmpdir();
    my @pids;

    for my $i (0 .. $#cmds) {
        my $log = "$logs/$i.log";
        my $pid = fork() // die "fork: $!";

        if ($pid == 0) {
            # no die here: the child must not run the parent's END blocks
            if (chdir($Repo) && open(STDOUT, '>', $log)
                && open(STDERR, '>&', \*STDOUT))
            {
                exec { $cmds[$i][0] } @{ $cmds[$i] };
            }
            print STDERR "$cmds[$i][0]: $!\n";
            POSIX::_exit(127);
        }

        push @pids, $pid;
    }

    my @failed;

    for my $i (0 .. $#pids) {
        waitpid($pids[$i], 0);
        push @failed, "@{ $cmds[$i] }: failed ($?):\n"
                      . slurp("$logs/$i.log") if $?;
    }

    die $failed[0] if @failed;
}

# import_model($registry, $name, $file): mlclf-import --promote, returns
# the new version's meta.json (its features and classes in order).
sub import_model {
    my ($reg, $name, $file) = @_;
    my @cmd = (bin() . '/mlclf-import', '--registry', $reg, '--name',
               $name, '--promote', '--json', $file);
    my $err = tmpdir() . '/import.err';
    my $out = qx{cd '$Repo' && @cmd 2>'$err'};
    die "@cmd: failed ($?):\n" . slurp($err) if $?;
    return JSON::PP->new->decode($out);
}

# train($registry, 'iris-logreg.yaml', name => 'iris', promote => 1)
sub train {
    my ($reg, $yaml, %o) = @_;
    my @cmd = (bin() . '/mlclf-train', '--config', "conf/$yaml",
               '--registry', $reg, '--quiet');
    push @cmd, '--name', $o{name} if $o{name};
    push @cmd, '--promote' if $o{promote};
    run_quiet(@cmd);
}

sub promote {
    my ($reg, $name, $version) = @_;
    run_quiet(bin() . '/mlclf-registry', '--registry', $reg, 'promote',
              $name, $version);
}

sub slurp {
    my ($path) = @_;
    open my $fh, '<:raw', $path or die "open $path: $!";
    local $/;
    my $data = <$fh>;
    close $fh;
    return $data;
}

sub spit {
    my ($path, $data) = @_;
    open my $fh, '>:raw', $path or die "open $path: $!";
    print $fh $data;
    close $fh or die "close $path: $!";
    chmod 0644, $path;
}

# Damaged copies of a good model in $dir (see libmlclf/mlclf_format.h):
# returns { truncated, flipped, version, magic, empty } => path.
sub damaged {
    my ($good, $dir) = @_;
    my $m = slurp($good);
    my %f;

    make_path($dir);

    $f{truncated} = "$dir/truncated.mlclf";
    spit($f{truncated}, substr($m, 0, int(length($m) / 2)));

    # one payload byte flipped: the payload CRC-32 no longer matches
    my $flip = $m;
    my $at = length($m) - 9;
    substr($flip, $at, 1) = chr(ord(substr($flip, $at, 1)) ^ 0x55);
    $f{flipped} = "$dir/flipped.mlclf";
    spit($f{flipped}, $flip);

    # format version 6 at offset 8, header CRC-32 (offset 64) made valid
    my $ver = $m;
    substr($ver, 8, 4) = pack('V', 6);
    substr($ver, 64, 4) = pack('V', 0);
    substr($ver, 64, 4) = pack('V', crc32(substr($ver, 0, 128)));
    $f{version} = "$dir/version.mlclf";
    spit($f{version}, $ver);

    my $mag = $m;
    substr($mag, 0, 5) = 'XLCLF';
    $f{magic} = "$dir/magic.mlclf";
    spit($f{magic}, $mag);

    $f{empty} = "$dir/empty.mlclf";
    spit($f{empty}, '');

    return \%f;
}

sub meta {
    my ($versiondir) = @_;
    return JSON::PP->new->decode(slurp("$versiondir/meta.json"));
}

# text_csv($path): 1,500 e-mails, ham or spam, made by a linear
# congruential generator, so the same bytes on every run: columns
# subject and body (texts), sender and lang (categories), n_links (a
# number) and label.  Words come from a ham, a spam and a shared
# vocabulary, a message drawing some of its words from the other
# class's, so a model learns the task but not perfectly.  Some words
# are not ASCII (é, ß, Greek capitals that lowercase to a final sigma,
# CJK, one beyond U+FFFF, an emoji), some carry a comma, double quotes
# or a line break, some bodies are empty, and about 1 sender in 20 is
# one of 40 rare domains (some only in the test rows).  Every lang
# value is frequent.
my @HamWords = qw(meeting agenda minutes project schedule review lunch
                  report invoice attached thanks regards team quarterly
                  budget notes calendar draft café straße Größe λόγος
                  ΟΔΟΣ 会議 東京);
my @SpamWords = qw(free winner prize money offer click cheap loans
                   urgent claim cash bonus deal unsubscribe guaranteed
                   crypto lottery gratuit größte 無料 ΔΩΡΕΑΝ ΚΕΡΔΟΣ);
my @SharedWords = qw(hello today please your account email new update
                     message time week info now best access naïve
                     résumé 你好 𠮷野家 ok🎉);
my @Senders = qw(example.com mail.org corp.net school.edu shop.biz);
my @Langs = qw(en de el ja);

sub text_csv {
    my ($path) = @_;
    my $s = 20261202;

    my $rnd = sub {
        $s = ($s * 1103515245 + 12345) % 2147483648;
        return $s / 2147483648;
    };
    my $pick = sub { $_[0][int($rnd->() * @{ $_[0] })] };

    # n words of class c: 35% its own, 10% the other class's, 55% shared
    my $words = sub {
        my ($c, $n) = @_;
        my @w;

        for (1 .. $n) {
            my $r = $rnd->();
            push @w, $pick->($r < 0.35 ? ($c ? \@SpamWords : \@HamWords)
                             : $r < 0.45 ? ($c ? \@HamWords : \@SpamWords)
                             : \@SharedWords);
        }

        return @w;
    };

    my $field = sub {
        my ($v) = @_;
        return $v unless $v =~ /[",\r\n]/;
        $v =~ s/"/""/g;
        return "\"$v\"";
    };

    my @lines = ('subject,body,sender,lang,n_links,label');

    for (1 .. 1500) {
        my $c = $rnd->() < 0.4 ? 1 : 0;
        my $subject = join ' ', $words->($c, 1 + int($rnd->() * 5));
        my $body = '';

        if ($rnd->() >= 0.08) {
            my @w = $words->($c, 3 + int($rnd->() * 25));

            for my $w (@w) {
                my $q = $rnd->();
                $w = $q < 0.08 ? "$w,"
                     : $q < 0.12 ? "\"$w\""
                     : $q < 0.15 ? "$w\n"
                     : $q < 0.18 ? "$w!" : $w;
            }

            $body = join ' ', @w;
        }

        my $sender = $rnd->() < 0.05
                     ? sprintf('rare%d.example', int($rnd->() * 40))
                     : $pick->(\@Senders);
        my $lang = $pick->(\@Langs);
        my $links = int($rnd->() * ($c ? 6 : 3));

        push @lines, join(',', map { $field->($_) } $subject, $body,
                          $sender, $lang, $links, $c ? 'spam' : 'ham');
    }

    spit($path, join("\n", @lines) . "\n");
    return $path;
}

# csv_rows($bytes): the records of a CSV file as array refs, header
# included: RFC 4180 fields, quoted ones with "" for a double quote and
# line breaks inside; LF or CRLF line ends.  Bytes in, bytes out.
sub csv_rows {
    my ($text) = @_;
    my @rows;

    pos($text) = 0;

    while (pos($text) < length $text) {
        my @row;

        do {
            if ($text =~ /\G"((?:[^"]++|"")*+)"/gc) {
                (my $f = $1) =~ s/""/"/g;
                push @row, $f;

            } else {
                # no zero-length match: /g would refuse \z after one
                push @row, $text =~ /\G([^",\r\n]++)/gc ? $1 : '';
            }
        } while ($text =~ /\G,/gc);

        die "CSV: a field ends at byte " . pos($text) . " without , or"
            . " a line end\n" unless $text =~ /\G(?:\r?\n|\z)/gc;

        push @rows, \@row;
    }

    return @rows;
}

# json_string($bytes): a JSON string of UTF-8 bytes, only " \ and
# control characters escaped.
sub json_string {
    my ($v) = @_;
    $v =~ s/(["\\])/\\$1/g;
    $v =~ s/([\x00-\x1f])/sprintf('\\u%04x', ord $1)/ge;
    return "\"$v\"";
}

# A valid row of each model of the catalogue, for "@rows:N".
my %CatalogueRow = (
    iris => '[5.1,3.5,1.4,0.2]',
    text => '[1,"a.com","free money","x","win"]',
);

# [[status, reason, body, model], ...] with the markers expanded, model
# being the name of the "@model" section of the case ("iris" first): the
# /predict cases.  bad_requests('v2') gives the cases of the "@v2"
# sections instead, for POST /v2/models/NAME/infer, each with a fifth
# element: the Inference-Header-Content-Length to send, or undef.
sub bad_requests {
    my ($protocol) = @_;
    my $file = "$Repo/tests/fixtures/bad-requests.txt";
    my $model = 'iris';
    my $section = 'predict';
    my @cases;

    $protocol = 'predict' unless defined $protocol;

    open my $fh, '<:raw', $file or die "open $file: $!";

    while (my $line = <$fh>) {
        chomp $line;
        next if $line eq '' || $line =~ /^#/;

        if ($line =~ /^\@(model|v2) (\S+)$/) {
            ($section, $model) = ($1 eq 'model' ? 'predict' : 'v2', $2);
            die "$file:$.: no model \"$model\"\n"
                unless exists $CatalogueRow{$model};
            next;
        }

        next unless $section eq $protocol;

        my ($status, $reason, $body) = split / /, $line, 3;
        my $header_len;
        $body = '' unless defined $body;

        if ($body eq '@empty') {
            $body = '';

        } elsif ($body eq '@ws') {
            $body = " \t\r\n ";

        } elsif ($body =~ /^\@rows:(\d+)$/) {
            $body = '{"instances":['
                    . join(',', ($CatalogueRow{$model}) x $1) . ']}';

        } elsif ($body =~ /^\@tensor:(\d+)$/) {
            my $n = $1;
            (my $row = $CatalogueRow{$model}) =~ s/^\[|\]$//g;
            $body = '{"inputs":[{"name":"features","shape":[' . $n
                    . ',4],"datatype":"FP64","data":['
                    . join(',', ($row) x $n) . ']}]}';

        } elsif ($body =~ s/^\@binary:(\d+)://) {
            $header_len = $1;
            $body =~ s/\\x([0-9a-fA-F]{2})/chr(hex($1))/ge;

        } elsif ($body =~ /^\@text:(\d+)$/) {
            die "$file:$.: \@text is for the text model\n"
                unless $model eq 'text';
            $body = '{"features":[1,"a.com","' . ('a' x $1)
                    . '","x","win"]}';

        } elsif ($body =~ s/^\@bytes://) {
            $body =~ s/\\x([0-9a-fA-F]{2})/chr(hex($1))/ge
                or die "$file:$.: \@bytes without a \\xNN\n";
        }

        push @cases, $protocol eq 'v2'
                     ? [$status, $reason, $body, $model, $header_len]
                     : [$status, $reason, $body, $model];
    }

    close $fh;
    return @cases;
}


# The forest tests/test_json.c builds (see tests/fixtures/requests/README),
# written by the project's own writer into $path, so that the replies of
# POST /predict can be compared byte for byte with tests/fixtures/requests.
my $ParitySrc = <<'_EOC_';
#include <stdio.h>
#include <mlclf.h>

static const char *const  features[] = {
    "sepal_length", "sepal_width", "petal_length", "petal_width"
};
static const char *const  classes[] = { "setosa", "versicolor", "virginica" };
static const uint32_t     tree_offsets[] = { 0, 5 };
static const int32_t      node_feature[] = { 2, -1, 3, -1, -1 };
static const double       node_threshold[] = { 2.5, 0, 1.75, 0, 0 };
static const uint32_t     node_left[] = { 1, 0, 3, 1, 2 };
static const uint32_t     node_right[] = { 2, 0, 4, 0, 0 };
static const double       leaf_values[] = {
    0.97, 0.02, 0.01, 0.01, 0.90, 0.09, 0.00, 0.25, 0.75
};

int
main(int argc, char **argv)
{
    mlclf_err_t   err;
    mlclf_spec_t  spec = { 0 };

    (void) argc;
    spec.kind = MLCLF_KIND_FOREST;
    spec.n_features = 4;
    spec.n_classes = 3;
    spec.version = 3;
    spec.feature_names = features;
    spec.class_labels = classes;
    spec.n_trees = 1;
    spec.n_nodes = 5;
    spec.n_leaves = 3;
    spec.tree_offsets = tree_offsets;
    spec.node_feature = node_feature;
    spec.node_threshold = node_threshold;
    spec.node_left = node_left;
    spec.node_right = node_right;
    spec.leaf_values = leaf_values;

    if (mlclf_write(argv[1], &spec, &err) != MLCLF_OK) {
        fprintf(stderr, "mlclf_write: %s\n", err.msg);
        return 1;
    }

    return 0;
}
_EOC_

sub parity_model {
    my ($path) = @_;
    return c_model($ParitySrc, $path);
}

# The raw-input model of the catalogue's "@model text" section: the
# logreg that tests/test_json.c builds with model_spec_inputs() (see
# tests/model_spec.h), written by the same code into $path.
my $InputsSrc = <<'_EOC_';
#include <stdio.h>
#include <mlclf.h>
#include "model_spec.h"

int
main(int argc, char **argv)
{
    mlclf_err_t   err;
    mlclf_spec_t  spec;

    (void) argc;
    model_spec_inputs(&spec, MLCLF_KIND_LOGREG);

    if (mlclf_write(argv[1], &spec, &err) != MLCLF_OK) {
        fprintf(stderr, "mlclf_write: %s\n", err.msg);
        return 1;
    }

    return 0;
}
_EOC_

sub inputs_model {
    my ($path) = @_;
    return c_model($InputsSrc, $path, 'tests/model_spec.c');
}

# c_model($source, $path, @more_sources): $source compiled against
# libmlclf (and the given files of the repository), run to write $path.
sub c_model {
    my ($src, $path, @more) = @_;
    my $dir = tmpdir();

    spit("$dir/model.c", $src);
    run_quiet("cc -std=gnu11 -O1 -D_GNU_SOURCE -Ilibmlclf -Itests"
              . " \$(pkg-config --cflags libcjson) -o $dir/model"
              . " $dir/model.c @more libmlclf/*.c -lcjson"
              . " -lunistring -lmurmurhash -lz -lm");
    run_quiet("$dir/model", $path);
    chmod 0644, $path;
    return $path;
}

1;
