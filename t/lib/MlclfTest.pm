package MlclfTest;

# Drives /usr/sbin/nginx directly, master on, for what Test::Nginx cannot
# express: reloads, killed workers, long keep-alive replays.  Uses the
# same environment as the Test::Nginx files (TEST_NGINX_BINARY,
# TEST_NGINX_LOAD_MODULES).

use strict;
use warnings;

use HTTP::Tiny;
use IO::Socket::INET;
use POSIX qw(:sys_wait_h);
use Time::HiRes qw(sleep);
use MlclfFixtures qw(tmpdir slurp);

sub new {
    my ($class, %o) = @_;

    my $self = bless {
        prefix  => tmpdir(),
        workers => $o{workers} || 2,
        http    => $o{http_config} || '',
        server  => $o{config} || '',
        listen  => $o{listen} ? " $o{listen}" : '',
        main    => $o{main_config} ? "$o{main_config}\n" : '',
        user    => $o{user},
        nginx   => $ENV{TEST_NGINX_BINARY} || 'nginx',
        module  => $ENV{TEST_NGINX_LOAD_MODULES}
                   || MlclfFixtures::repo()
                      . '/build/modules/ngx_http_mlclf_module.so',
    }, $class;

    my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1',
                                  LocalPort => 0, Proto => 'tcp')
        or die "no free port: $!";
    $self->{port} = $s->sockport;
    close $s;

    $self->{ua} = HTTP::Tiny->new(keep_alive => 1, timeout => 60);

    return $self;
}

sub port   { $_[0]{port} }
sub prefix { $_[0]{prefix} }

sub write_conf {
    my ($self) = @_;
    my $p = $self->{prefix};

    mkdir "$p/$_" for qw(conf logs tmp);

    my $user = $self->{user} ? "user $self->{user};\n"
             : $> == 0 ? "user root;\n" : '';

    open my $fh, '>', "$p/conf/nginx.conf" or die "nginx.conf: $!";
    print $fh <<"_EOC_";
load_module $self->{module};
${user}worker_processes $self->{workers};
master_process on;
$self->{main}daemon on;
error_log $p/logs/error.log info;
pid $p/logs/nginx.pid;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $p/tmp/body;
    proxy_temp_path $p/tmp/proxy;
    fastcgi_temp_path $p/tmp/fastcgi;
    uwsgi_temp_path $p/tmp/uwsgi;
    scgi_temp_path $p/tmp/scgi;
$self->{http}
    server {
        listen 127.0.0.1:$self->{port}$self->{listen};
$self->{server}
    }
}
_EOC_
    close $fh;
}

sub nginx {
    my ($self, @args) = @_;
    my $p = $self->{prefix};
    my $out = qx{'$self->{nginx}' -p '$p' -c '$p/conf/nginx.conf' -e '$p/logs/error.log' @args 2>&1};
    return ($? >> 8, $out);
}

sub start {
    my ($self) = @_;

    $self->write_conf;

    my ($rc, $out) = $self->nginx();
    die "nginx failed to start: $out" if $rc;

    # wait for the pid file and the listening socket
    for (1 .. 500) {
        if (-s "$self->{prefix}/logs/nginx.pid"
            && IO::Socket::INET->new(PeerAddr => "127.0.0.1:$self->{port}"))
        {
            $self->{master} = $self->master_pid;
            return;
        }
        sleep 0.02;
    }

    die "nginx did not come up";
}

sub master_pid {
    my ($self) = @_;
    my $pid = slurp("$self->{prefix}/logs/nginx.pid");
    chomp $pid;
    return $pid;
}

# { pid => command line } of the master's children that are not zombies
sub children {
    my ($self) = @_;
    my %cmd;

    opendir my $dh, '/proc' or die "/proc: $!";
    for my $pid (grep { /^\d+$/ } readdir $dh) {
        open my $fh, '<', "/proc/$pid/stat" or next;
        my $stat = <$fh>;
        close $fh;
        next unless defined $stat;
        my ($state, $ppid) = $stat =~ /\) (\S) (\d+)/ or next;
        next if $state eq 'Z' || $ppid != $self->{master};
        $cmd{$pid} = eval { slurp("/proc/$pid/cmdline") } // '';
    }
    closedir $dh;

    return \%cmd;
}

# worker processes: children of the master that are not exiting
sub worker_pids {
    my ($self) = @_;
    my $cmd = $self->children;

    return sort { $a <=> $b }
           grep { $cmd->{$_} =~ /worker process/
                  && $cmd->{$_} !~ /shutting down/ } keys %$cmd;
}

# old workers: children of the master that are shutting down
sub shutting_down_pids {
    my ($self) = @_;
    my $cmd = $self->children;

    return grep { $cmd->{$_} =~ /shutting down/ } keys %$cmd;
}

# waits until no process of @old is a live worker and $n workers run
sub wait_workers_replaced {
    my ($self, @old) = @_;
    my %old = map { $_ => 1 } @old;

    for (1 .. 1000) {
        my @now = $self->worker_pids;
        return @now if @now == $self->{workers} && !grep { $old{$_} } @now;
        sleep 0.02;
    }

    die "workers were not replaced";
}

sub wait_log {
    my ($self, $re) = @_;

    for (1 .. 1000) {
        return 1 if $self->error_log =~ $re;
        sleep 0.02;
    }

    return 0;
}

sub error_log {
    my ($self) = @_;
    my $f = "$self->{prefix}/logs/error.log";
    return -e $f ? slurp($f) : '';
}

# nginx -s reload: (exit code, output); it reads the configuration too
sub reload {
    my ($self) = @_;
    my ($rc, $out) = $self->nginx('-s', 'reload');
    die "nginx -s reload: $out" if $rc && !defined wantarray;
    return ($rc, $out);
}

# SIGHUP to the master, as systemd's ExecReload or kill -HUP would
sub hup {
    my ($self) = @_;
    kill 'HUP', $self->{master};
}

sub request {
    my ($self, $method, $path, $body, $ctype) = @_;
    my %o = (headers => {});

    if (defined $body) {
        $o{content} = $body;
        $o{headers}{'Content-Type'} = $ctype || 'application/json';
    }

    return $self->{ua}->request($method,
                                "http://127.0.0.1:$self->{port}$path", \%o);
}

sub predict {
    my ($self, $path, $body) = @_;
    return $self->request('POST', $path, $body);
}

sub stop {
    my ($self) = @_;
    my $pid = $self->{master} or return;

    kill 'QUIT', $pid;
    for (1 .. 1000) {
        last unless kill 0, $pid;
        sleep 0.02;
    }
    kill 'KILL', $pid if kill 0, $pid;
    delete $self->{master};
}

sub DESTROY { $_[0]->stop }

1;
