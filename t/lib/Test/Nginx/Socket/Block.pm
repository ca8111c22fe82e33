package Test::Nginx::Socket::Block;

# One "=== name" block of a data-driven test file: its sections, the
# filters named on each section line, and Test::Base-like accessors
# ($block->name, $block->config, $block->set_value(...)).
#
# Written for this project from the documented behaviour of Test::Base
# and Test::Nginx::Socket; it shares no code with them.

use strict;
use warnings;

our $AUTOLOAD;

my %FILTERS;

sub new {
    my ($class, %args) = @_;

    my $self = bless {
        name        => $args{name},
        description => $args{description},
        seq_num     => $args{seq_num},
        raw         => {},      # section => { text, filters, inline }
        order       => [],
        values      => undef,   # section => [ values ] after filtering
    }, $class;

    return $self;
}

sub add_section {
    my ($self, $section, $text, $filters, $inline) = @_;

    push @{ $self->{order} }, $section
        unless exists $self->{raw}{$section};
    $self->{raw}{$section} = {
        text    => $text,
        filters => $filters,
        inline  => $inline,
    };
    $self->{values} = undef;
}

sub name        { $_[0]{name} }
sub description { $_[0]{description} }
sub seq_num     { $_[0]{seq_num} }

sub has_raw_section {
    my ($self, $section) = @_;

    return exists $self->{raw}{$section};
}

sub original_values {
    my $self = shift;

    return { map { $_ => $self->{raw}{$_}{text} } @{ $self->{order} } };
}

sub sections {
    my $self = shift;

    $self->run_filters;
    return sort keys %{ $self->{values} };
}

sub set_value {
    my ($self, $section, @values) = @_;

    $self->run_filters;
    $self->{values}{$section} = [@values];
}

sub run_filters {
    my $self = shift;

    return if $self->{values};

    my %values;
    $self->{values} = \%values;

    for my $section (@{ $self->{order} }) {
        my $raw = $self->{raw}{$section};
        my @data = ($raw->{text});

        if (!$raw->{inline}) {
            @data = (_trim($data[0]));
        }

        for my $f (@{ $raw->{filters} }) {
            my $code = $FILTERS{$f};

            if (!$code) {
                die "$self->{name}: unknown filter \"$f\" on section "
                    . "\"$section\"\n";
            }

            @data = $code->($self, $section, @data);
        }

        $values{$section} = \@data;
    }
}

sub AUTOLOAD {
    my $self = shift;
    my $section = $AUTOLOAD;

    $section =~ s/.*:://;
    return if $section eq 'DESTROY';

    die "no such method $section on class " . __PACKAGE__ . "\n"
        unless ref $self;

    $self->run_filters;

    my $v = $self->{values}{$section};

    return undef unless $v;
    return wantarray ? @$v : $v->[0];
}

sub can {
    my ($self, $method) = @_;

    my $code = $self->SUPER::can($method);
    return $code if $code;
    return undef unless ref $self;

    $self->run_filters;
    return undef unless exists $self->{values}{$method};
    return sub { my $s = shift; my $n = "$method"; $s->$n(@_) };
}

# Remove blank lines at the start and whitespace after the last newline,
# keeping one trailing newline (the Test::Base "trim" behaviour).
sub _trim {
    my $s = shift;

    return $s unless defined $s;
    $s =~ s/\A(?:[ \t]*\n)+//;
    $s =~ s/(?<=\n)\s*\z//;
    $s = '' if $s =~ /\A\s*\z/;
    return $s;
}

# Not in package main and under strict, as upstream (Test::Base runs it
# in its filter package): a section must name main's variables as $::X
# or $main::X, and cannot call main's functions unqualified.
sub _eval_section {
    my ($block, $section, $code) = @_;

    my @r = eval "package Test::Nginx::Socket::Eval; use strict;"
                 . " no warnings;\n$code";

    if ($@) {
        die "$block->{name}: failed to eval section \"$section\": $@";
    }

    return @r;
}

%FILTERS = (
    chomp => sub {
        my ($b, $s, @d) = @_;
        chomp for grep { defined && !ref } @d;
        return @d;
    },
    chop => sub {
        my ($b, $s, @d) = @_;
        chop for grep { defined && !ref } @d;
        return @d;
    },
    trim => sub {
        my ($b, $s, @d) = @_;
        return map { ref $_ ? $_ : _trim($_) } @d;
    },
    eval => sub {
        my ($b, $s, @d) = @_;
        return _eval_section($b, $s, join '', @d);
    },
    lines => sub {
        my ($b, $s, @d) = @_;
        my $t = join '', @d;
        return $t =~ /^.*\n?/mg;
    },
    join => sub {
        my ($b, $s, @d) = @_;
        return join '', @d;
    },
    array => sub {
        my ($b, $s, @d) = @_;
        return [@d];
    },
    norm => sub {
        my ($b, $s, @d) = @_;
        s/\r\n?/\n/g for grep { defined && !ref } @d;
        return @d;
    },
    regexp => sub {
        my ($b, $s, @d) = @_;
        my $t = join '', @d;
        return qr/$t/xms;
    },
    base64_decode => sub {
        my ($b, $s, @d) = @_;
        require MIME::Base64;
        return MIME::Base64::decode_base64(join '', @d);
    },
    base64_encode => sub {
        my ($b, $s, @d) = @_;
        require MIME::Base64;
        return MIME::Base64::encode_base64(join '', @d);
    },
);

# Parse the text after __DATA__ into blocks.
sub parse_spec {
    my ($class, $text) = @_;

    my @blocks;
    my $cur;
    my ($sec, $sec_filters, $sec_text, $in_desc, $desc);

    my $flush_section = sub {
        return unless defined $sec;
        $cur->add_section($sec, $sec_text, $sec_filters, 0);
        undef $sec;
    };

    my $seq = 0;

    for my $line (split /^/, $text) {
        if ($line =~ /^===[ \t]*(.*?)[ \t]*\r?\n?\z/) {
            $flush_section->();
            if ($cur) {
                $cur->{description} = $desc;
            }
            $cur = $class->new(name => $1, seq_num => ++$seq);
            push @blocks, $cur;
            $in_desc = 1;
            $desc = '';
            next;
        }

        next unless $cur;

        if ($line =~ /^---[ \t]+([\w\-]+)((?:[ \t]+[\w\-]+)*)[ \t]*
                      (?: : [ \t]* (.*?) )? [ \t]*\r?\n?\z/x)
        {
            my ($name, $filters, $inline) = ($1, $2, $3);
            my @filters = grep { length } split /\s+/, ($filters // '');

            $flush_section->();
            $in_desc = 0;

            if (defined $inline) {
                $cur->add_section($name, $inline, \@filters, 1);
                next;
            }

            ($sec, $sec_filters, $sec_text) = ($name, \@filters, '');
            next;
        }

        if (defined $sec) {
            $sec_text .= $line;

        } elsif ($in_desc) {
            $desc .= $line;
        }
    }

    $flush_section->();
    if ($cur) {
        $cur->{description} = $desc;
    }

    for my $b (@blocks) {
        my $d = $b->{description} // '';
        $d =~ s/\A\s+|\s+\z//g;
        $b->{description} = length $d ? $d : $b->{name};
    }

    return @blocks;
}

1;
