package Test::Nginx::Socket;

# A data-driven NGINX test runner compatible in usage with the upstream
# Test::Nginx::Socket (same exported functions, block sections, filters
# and TEST_NGINX_* environment), written for this project from the
# upstream documentation.  See t/lib/README.md for what is supported.

use strict;
use warnings;

use Cwd qw(getcwd);
use Fcntl qw(:flock);
use Errno qw(EINTR EAGAIN EWOULDBLOCK EINPROGRESS);
use File::Path qw(make_path remove_tree);
use File::Basename qw(dirname);
use IO::Select;
use IO::Socket::INET;
use List::Util qw(shuffle);
use POSIX qw(:sys_wait_h);
use Socket qw(IPPROTO_TCP TCP_NODELAY);
use Time::HiRes qw(sleep time);
use Test::More ();
use Test::Builder ();

use Test::Nginx::Socket::Block;

our $VERSION = '0.01';

our @EXPORT = qw(
    run_tests run_test repeat_each workers master_on master_off
    master_process_enabled worker_connections log_level no_shuffle
    no_long_string no_diff no_root_location server_root html_dir
    server_port server_port_for_client server_addr blocks
    add_block_preprocessor add_response_body_check add_cleanup_handler
    env_to_nginx check_accum_error_log bail_out is_str use_hup
    no_nginx_manager timeout nginx_version error_log_data
);

# Settings, kept in Test::Nginx::Util as well for scripts that read them
# from there ($Test::Nginx::Util::ServerPort and friends).
our $RepeatEach       = 1;
our $Workers          = 1;
our $MasterProcessEnabled
    = (($ENV{TEST_NGINX_MASTER_PROCESS} // 'off') eq 'on') ? 1 : 0;
our $WorkerConnections = 64;
our $LogLevel         = $ENV{TEST_NGINX_LOG_LEVEL} || 'debug';
our $NoShuffle        = $ENV{TEST_NGINX_NO_SHUFFLE} ? 1 : 0;
our $NoLongString     = 0;
our $NoRootLocation   = 0;
our $CheckAccumErrLog = 0;
our $Timeout          = 3;
our $TestNginxSleep   = $ENV{TEST_NGINX_SLEEP} // 0.015;
our $Randomize        = $ENV{TEST_NGINX_RANDOMIZE} ? 1 : 0;
our $NoClean          = $ENV{TEST_NGINX_NO_CLEAN} ? 1 : 0;
our $Verbose          = $ENV{TEST_NGINX_VERBOSE} ? 1 : 0;
our $ServerAddr       = '127.0.0.1';
our $NginxBinary      = $ENV{TEST_NGINX_BINARY} || find_nginx();

our $ServerPort = $ENV{TEST_NGINX_SERVER_PORT} || $ENV{TEST_NGINX_PORT}
                  || 1984;
our $ServerPortForClient = $ENV{TEST_NGINX_CLIENT_PORT}
                           || $ENV{TEST_NGINX_PORT} || $ServerPort;

our $ServRoot;
if ($ENV{TEST_NGINX_SERVROOT}) {
    $ServRoot = $ENV{TEST_NGINX_SERVROOT};
    $ServRoot = getcwd() . "/$ServRoot" if $ServRoot !~ m{^/};

} elsif ($Randomize) {
    $ServRoot = getcwd() . "/t/servroot_$$";

} else {
    $ServRoot = getcwd() . '/t/servroot';
}

if ($Randomize && !$ENV{TEST_NGINX_SERVER_PORT} && !$ENV{TEST_NGINX_PORT})
{
    $ServerPort = $ServerPortForClient = pick_free_port();
}

our $HtmlDir  = "$ServRoot/html";
our $LogDir   = "$ServRoot/logs";
our $ConfDir  = "$ServRoot/conf";
our $ConfFile = "$ConfDir/nginx.conf";
our $ErrLogFile = "$LogDir/error.log";
our $AccLogFile = "$LogDir/access.log";
our $PidFile  = "$LogDir/nginx.pid";

our @EnvToNginx = qw(
    MOCKEAGAIN_VERBOSE MOCKEAGAIN MOCKEAGAIN_WRITE_TIMEOUT_PATTERN
    LD_PRELOAD LD_LIBRARY_PATH DYLD_INSERT_LIBRARIES
    DYLD_FORCE_FLAT_NAMESPACE ASAN_OPTIONS MOCKNOEAGAIN_VERBOSE
    MOCKNOEAGAIN
);

our @BlockPreprocessors;
our @ResponseBodyChecks;
our @CleanupHandlers;

our $PrevConfig;
our $NginxPid;          # the nginx (master or single) process we started
our $NginxVersionNum;   # e.g. 1022001
our %RandPorts;

$ENV{TEST_NGINX_SERVER_PORT} //= $ServerPort;
$ENV{TEST_NGINX_CLIENT_PORT} //= $ServerPortForClient;
$ENV{TEST_NGINX_SERVER_ROOT} //= $ServRoot;
$ENV{TEST_NGINX_HTML_DIR}    //= $HtmlDir;

# Share the variables with Test::Nginx::Util (upstream keeps them there).
{
    no strict 'refs';
    for my $v (qw(RepeatEach ServerPort ServerPortForClient ServRoot
                  HtmlDir LogDir ConfFile ErrLogFile PidFile NginxBinary
                  LogLevel Workers MasterProcessEnabled NoShuffle
                  ServerAddr Timeout))
    {
        *{"Test::Nginx::Util::$v"} = \${"Test::Nginx::Socket::$v"};
    }
}

my @Blocks;         # all parsed blocks (after ONLY / SKIP / LAST)
my $BlocksLoaded;
my $InChild = 0;
my $OwnerPid = $$;      # forked children of the script must not clean up

sub import {
    my ($class, @args) = @_;
    my $caller = caller;

    no strict 'refs';

    if (@args && $args[0] eq '-Base') {
        shift @args;
        push @{"${caller}::ISA"}, $class
            unless $caller->isa($class);
    }

    for my $f (@EXPORT) {
        *{"${caller}::$f"} = \&{"Test::Nginx::Socket::$f"};
    }

    for my $f (@Test::More::EXPORT) {
        next if $f =~ /^[\$\@%&]/;
        next if defined &{"${caller}::$f"};
        *{"${caller}::$f"} = \&{"Test::More::$f"};
    }

    if (@args) {
        Test::More->builder->plan(@args);
    }
}

# ---------------------------------------------------------------------
# Configuration functions (called before run_tests)

sub repeat_each {
    $RepeatEach = shift if @_;
    return $RepeatEach;
}

sub workers {
    $Workers = shift if @_;
    return $Workers;
}

sub master_on  { $MasterProcessEnabled = 1 }
sub master_off { $MasterProcessEnabled = 0 }
sub use_hup    { $MasterProcessEnabled = 1 }

sub master_process_enabled {
    $MasterProcessEnabled = $_[0] ? 1 : 0 if @_;
    return $MasterProcessEnabled;
}

sub worker_connections {
    $WorkerConnections = shift if @_;
    return $WorkerConnections;
}

sub log_level {
    $LogLevel = shift if @_;
    return $LogLevel;
}

sub no_shuffle         { $NoShuffle = 1 }
sub no_long_string     { $NoLongString = 1 }
sub no_diff            { }
sub no_root_location   { $NoRootLocation = 1 }
sub check_accum_error_log { $CheckAccumErrLog = 1 }
sub no_nginx_manager   { die "no_nginx_manager() is not supported\n" }
sub server_root        { $ServRoot }
sub html_dir           { $HtmlDir }
sub server_port        { $ServerPort = shift if @_; $ServerPort }
sub server_port_for_client {
    $ServerPortForClient = shift if @_;
    $ServerPortForClient;
}
sub server_addr        { $ServerAddr = shift if @_; $ServerAddr }

sub timeout {
    $Timeout = shift if @_;
    return $Timeout;
}

sub env_to_nginx {
    push @EnvToNginx, @_;
}

sub add_block_preprocessor {
    my $code = shift;
    die "add_block_preprocessor: not a code ref\n" if ref $code ne 'CODE';
    push @BlockPreprocessors, $code;
}

sub add_response_body_check {
    my $code = shift;
    die "add_response_body_check: not a code ref\n" if ref $code ne 'CODE';
    push @ResponseBodyChecks, $code;
}

sub add_cleanup_handler {
    my $code = shift;
    die "add_cleanup_handler: not a code ref\n" if ref $code ne 'CODE';
    push @CleanupHandlers, $code;
}

sub bail_out {
    my $msg = shift;

    cleanup();
    Test::More::BAIL_OUT($msg);
}

# is() that also takes a qr// as the expected value.
sub is_str {
    my ($got, $expected, $name) = @_;

    local $Test::Builder::Level = $Test::Builder::Level + 1;

    if (ref $expected && ref $expected eq 'Regexp') {
        return Test::More::like($got, $expected, $name);
    }

    return Test::More::is($got, $expected, $name);
}

# ---------------------------------------------------------------------
# Blocks

sub _read_spec {
    my $text;

    {
        no strict 'refs';
        my $fh = \*{"main::DATA"};
        if (defined fileno($fh)) {
            binmode $fh;
            local $/;
            $text = <$fh>;
        }
    }

    if (!defined $text) {
        open my $in, '<:raw', $0 or die "cannot open $0: $!\n";
        local $/;
        my $all = <$in>;
        close $in;
        if ($all =~ /^__(?:DATA|END)__\r?\n(.*)\z/ms) {
            $text = $1;
        }
    }

    return $text // '';
}

sub _load_blocks {
    return if $BlocksLoaded;
    $BlocksLoaded = 1;

    my @all = Test::Nginx::Socket::Block->parse_spec(_read_spec());

    my @only = grep { $_->has_raw_section('ONLY') } @all;
    if (@only) {
        Test::More::diag("I found ONLY: maybe you're debugging?");
        @all = ($only[0]);
    }

    my @kept;
    for my $b (@all) {
        next if $b->has_raw_section('SKIP');
        push @kept, $b;
        last if $b->has_raw_section('LAST');
    }

    @Blocks = @kept;
}

sub blocks {
    my $section = shift;

    _load_blocks();

    return @Blocks unless defined $section;

    return grep { $_->has_raw_section($section) } @Blocks;
}

# ---------------------------------------------------------------------
# Helpers

sub find_nginx {
    for my $dir (split /:/, $ENV{PATH} // '') {
        return "$dir/nginx" if -x "$dir/nginx";
    }

    return '/usr/sbin/nginx' if -x '/usr/sbin/nginx';
    return 'nginx';
}

sub nginx_version {
    return $NginxVersionNum if defined $NginxVersionNum;

    my $out = `$NginxBinary -v 2>&1`;
    if (defined $out && $out =~ m{nginx/(\d+)\.(\d+)\.(\d+)}) {
        $NginxVersionNum = $1 * 1000000 + $2 * 1000 + $3;
    } else {
        $NginxVersionNum = 0;
    }

    return $NginxVersionNum;
}

sub openssl_version {
    my $out = `$NginxBinary -V 2>&1` // '';
    if ($out =~ /built with OpenSSL (\d+)\.(\d+)\.(\d+)([a-z]?)/) {
        return $1 * 1000000 + $2 * 10000 + $3 * 100
               + ($4 ? ord($4) - ord('a') + 1 : 0);
    }

    return undef;
}

sub pick_free_port {
    for (1 .. 50) {
        my $sock = IO::Socket::INET->new(
            LocalAddr => '127.0.0.1',
            LocalPort => 0,
            Proto     => 'tcp',
            Listen    => 1,
            ReuseAddr => 1,
        ) or next;
        my $port = $sock->sockport;
        close $sock;
        return $port if $port > 1024;
    }

    die "cannot find a free TCP port\n";
}

sub parse_time {
    my $t = shift;

    return undef unless defined $t;
    $t =~ s/^\s+|\s+$//g;
    return $1 / 1000 if $t =~ /^(\d+(?:\.\d+)?)ms$/;
    return $1 if $t =~ /^(\d+(?:\.\d+)?)s?$/;
    die "bad time value \"$t\"\n";
}

sub expand_env {
    my ($text, $name) = @_;

    return $text unless defined $text;

    $text =~ s{\$(TEST_NGINX_[A-Z0-9_]+)}{
        my $v = $1;
        if ($v =~ /^TEST_NGINX_RAND_PORT_\d+$/) {
            $RandPorts{$v} //= pick_free_port();
        } elsif (defined $ENV{$v}) {
            $ENV{$v};
        } else {
            die "$name: environment variable $v is not set "
                . "(used in the config)\n";
        }
    }ge;

    return $text;
}

sub read_file_from {
    my ($file, $pos) = @_;

    open my $in, '<:raw', $file or return '';
    seek $in, $pos, 0 if $pos;
    local $/;
    my $data = <$in>;
    close $in;
    return $data // '';
}

sub file_size {
    my $file = shift;
    my @st = stat $file;
    return @st ? $st[7] : 0;
}

sub tail_lines {
    my ($text, $n) = @_;

    my @lines = split /\n/, $text;
    @lines = @lines[-$n .. -1] if @lines > $n;
    return join '', map { "$_\n" } @lines;
}

# Turn a section value into a list of patterns: strings (one per
# non-empty line) or qr// objects.
sub patterns_of {
    my $v = shift;

    return () unless defined $v;

    my @items = ref $v eq 'ARRAY' ? @$v : ($v);
    my @pats;

    for my $item (@items) {
        next unless defined $item;
        if (ref $item) {
            push @pats, $item;
            next;
        }

        for my $line (split /\n/, $item) {
            next if $line =~ /^\s*$/;
            push @pats, $line;
        }
    }

    return @pats;
}

sub pattern_desc {
    my $p = shift;
    return ref $p ? "$p" : "\"$p\"";
}

sub line_matches {
    my ($line, $p) = @_;

    return $line =~ $p if ref $p;
    return index($line, $p) >= 0;
}

# Value of a per-request section for request $i (arrays are indexed).
sub pick {
    my ($v, $i) = @_;

    return $v unless ref $v && ref $v eq 'ARRAY';
    return $v->[$i];
}

# ---------------------------------------------------------------------
# Server management

sub setup_server_root {
    remove_tree($ServRoot, { error => \my $ignored }) if -d $ServRoot;

    for my $d ($ServRoot, $HtmlDir, $LogDir, $ConfDir,
               map { "$ServRoot/${_}_temp" }
                   qw(client_body proxy fastcgi uwsgi scgi))
    {
        make_path($d);
    }
}

sub write_user_files {
    my $block = shift;

    my $files = $block->user_files;
    return unless defined $files;

    my @list;

    if (ref $files eq 'ARRAY') {
        @list = map { [@$_] } @$files;

    } elsif (!ref $files) {
        my $cur;
        for my $line (split /^/, $files) {
            if ($line =~ /^>>>\s+(\S+)(?:\s+(\S+))?\s*$/) {
                $cur = [$1, '', $2];
                push @list, $cur;
                next;
            }
            $cur->[1] .= $line if $cur;
        }

    } else {
        die $block->name . ": bad user_files value\n";
    }

    for my $f (@list) {
        my ($name, $body, $mtime) = @$f;
        my $path = $name =~ m{^/} ? $name : "$HtmlDir/$name";

        make_path(dirname($path));
        open my $out, '>:raw', $path
            or die $block->name . ": cannot write $path: $!\n";
        print $out $body // '';
        close $out;

        if (defined $mtime) {
            my $t = $mtime;
            if ($t =~ /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(?:\.(\d\d))?$/) {
                require Time::Local;
                $t = Time::Local::timelocal($6 // 0, $5, $4, $3, $2 - 1,
                                            $1);
            }
            utime $t, $t, $path;
        }
    }
}

sub gen_config {
    my ($block, $config) = @_;

    my $name = $block->name;
    my $level = $block->log_level // $LogLevel;
    $level =~ s/^\s+|\s+$//g;

    my $main = expand_env($block->main_config // '', $name);
    my $post = expand_env($block->post_main_config // '', $name);
    my $http = expand_env($block->http_config // '', $name);
    $config = expand_env($config // '', $name);

    my $server_name = $block->server_name // 'localhost';
    $server_name =~ s/^\s+|\s+$//g;

    my $conf = "# generated by t/lib/Test/Nginx/Socket.pm for: $name\n";

    for my $mod (split ' ', $ENV{TEST_NGINX_LOAD_MODULES} // '') {
        $conf .= "load_module $mod;\n";
    }

    $conf .= "worker_processes $Workers;\n"
           . "daemon off;\n"
           . "master_process " . ($MasterProcessEnabled ? 'on' : 'off')
           . ";\n"
           . "error_log $ErrLogFile $level;\n"
           . "pid $PidFile;\n";

    if ($> == 0) {
        my $user = $ENV{TEST_NGINX_WORKER_USER} || 'root';
        $conf .= "user $user;\n";
    }

    for my $e (@EnvToNginx) {
        if ($e =~ /[\s'"]/) {
            (my $q = $e) =~ s/'/\\'/g;
            $conf .= "env '$q';\n";
        } else {
            $conf .= "env $e;\n";
        }
    }

    $conf .= "\n$main\n" if length $main;

    $conf .= "events {\n"
           . "    worker_connections $WorkerConnections;\n";
    $conf .= "    use $ENV{TEST_NGINX_EVENT_TYPE};\n"
        if $ENV{TEST_NGINX_EVENT_TYPE};
    $conf .= "}\n\n";

    my $listen = "$ServerAddr:$ServerPort";
    $listen .= ' reuseport' if $ENV{TEST_NGINX_REUSE_PORT};

    $conf .= "http {\n"
           . "    access_log $AccLogFile;\n"
           . "    default_type text/plain;\n"
           . "    keepalive_timeout 68;\n"
           . "    client_body_temp_path $ServRoot/client_body_temp;\n"
           . "    proxy_temp_path $ServRoot/proxy_temp;\n"
           . "    fastcgi_temp_path $ServRoot/fastcgi_temp;\n"
           . "    uwsgi_temp_path $ServRoot/uwsgi_temp;\n"
           . "    scgi_temp_path $ServRoot/scgi_temp;\n";
    $conf .= "    postpone_output $ENV{TEST_NGINX_POSTPONE_OUTPUT};\n"
        if $ENV{TEST_NGINX_POSTPONE_OUTPUT};
    $conf .= "\n$http\n"
           . "    server {\n"
           . "        listen $listen;\n"
           . "        server_name $server_name;\n"
           . "        client_max_body_size 30M;\n";

    if (!$NoRootLocation) {
        $conf .= "        location / {\n"
               . "            root $HtmlDir;\n"
               . "            index index.html index.htm;\n"
               . "        }\n";
    }

    $conf .= "\n$config\n"
           . "    }\n"
           . "}\n";

    $conf .= "\n$post\n" if length $post;

    return $conf;
}

sub pid_alive {
    my $pid = shift;
    return $pid && kill(0, $pid);
}

# Stop a server left over by an earlier run (TEST_NGINX_NO_CLEAN or a
# crash) that still owns our servroot.
sub kill_stale_nginx {
    return unless -f $PidFile;

    open my $in, '<', $PidFile or return;
    my $pid = <$in>;
    close $in;
    return unless defined $pid && $pid =~ /^(\d+)/;
    $pid = $1;
    return if defined $NginxPid && $pid == $NginxPid;

    if (kill 0, $pid) {
        kill 'QUIT', $pid;
        for (1 .. 200) {
            last unless kill 0, $pid;
            sleep 0.05;
        }
        kill 'KILL', $pid if kill 0, $pid;
    }
}

# Start nginx in the foreground as our child.  Returns (1) once its pid
# file is written (listening sockets are open by then), or (0, $status)
# if it exited first, or (0, undef) on a start timeout.
sub start_nginx {
    my $start_timeout = shift // 10;

    kill_stale_nginx();

    my @cmd = ($NginxBinary, '-p', "$ServRoot/", '-c', $ConfFile);

    warn "starting: @cmd\n" if $Verbose;

    my $pid = fork();
    die "fork failed: $!\n" unless defined $pid;

    if ($pid == 0) {
        $InChild = 1;
        POSIX::setpgid(0, 0);
        open STDIN, '<', '/dev/null';
        open STDOUT, '>>', "$LogDir/stdout.log";
        # nginx writes its start-up errors (before the error_log of the
        # config is open) to stderr: keep them with the error log so that
        # error_log checks see them, as with upstream's default build.
        open STDERR, '>>', $ErrLogFile;
        { exec { $cmd[0] } @cmd; }
        print STDERR "cannot exec $cmd[0]: $!\n";
        POSIX::_exit(127);
    }

    $NginxPid = $pid;

    my $deadline = time + $start_timeout;

    while (time < $deadline) {
        my $r = waitpid($pid, WNOHANG);
        if ($r == $pid) {
            my $status = $?;
            undef $NginxPid;
            return (0, $status);
        }

        if (-s $PidFile) {
            open my $in, '<', $PidFile;
            my $p = $in ? <$in> : undef;
            close $in if $in;
            if (defined $p && $p =~ /^(\d+)/ && $1 == $pid) {
                return (1);
            }
        }

        sleep 0.01;
    }

    return (0, undef);
}

# Graceful stop (SIGQUIT), then SIGKILL to the whole process group.
sub stop_nginx {
    my $pid = $NginxPid;
    return unless $pid;

    kill 'QUIT', $pid;

    my $deadline = time + 10;
    my $done;
    while (time < $deadline) {
        my $r = waitpid($pid, WNOHANG);
        if ($r == $pid || $r == -1) {
            $done = 1;
            last;
        }
        sleep 0.01;
    }

    if (!$done) {
        warn "WARNING: killing nginx $pid with force\n";
        kill 'KILL', -$pid;
        kill 'KILL', $pid;
        waitpid($pid, 0);
    }

    # with the master on, give workers a moment to disappear too
    for (1 .. 100) {
        last unless kill 0, -$pid;
        sleep 0.01;
    }
    kill 'KILL', -$pid if kill 0, -$pid;

    undef $NginxPid;
}

sub cleanup {
    return if $InChild || $$ != $OwnerPid;

    for my $h (@CleanupHandlers) {
        eval { $h->() };
    }
    @CleanupHandlers = ();

    if ($NginxPid && !$NoClean) {
        stop_nginx();
    }

    # a random servroot is ours alone: do not leave it behind
    if ($Randomize && !$NoClean && !$ENV{TEST_NGINX_SERVROOT}
        && !$NginxPid && -d $ServRoot)
    {
        remove_tree($ServRoot);
    }
}

END {
    my $status = $?;
    cleanup();
    $? = $status;
}

for my $sig (qw(INT TERM)) {
    $SIG{$sig} = sub {
        cleanup();
        $SIG{$sig} = 'DEFAULT';
        kill $sig, $$;
    };
}

# ---------------------------------------------------------------------
# HTTP client

# Split a request spec into (method, uri, version, body-first-part).
sub parse_request_text {
    my $text = shift;

    $text =~ s/\A\s+//;
    while ($text =~ s/\A#[^\n]*(?:\n|\z)//) {
        $text =~ s/\A\s+//;
    }

    my ($line, $rest) = split /\r?\n/, $text, 2;
    $line //= '';
    my ($meth, $uri, $ver) = split ' ', $line;

    return ($meth // 'GET', $uri // '/', $ver // 'HTTP/1.1', $rest // '');
}

sub header_lines_of {
    my $v = shift;

    return () unless defined $v;

    my @lines;
    for my $l (split /\n/, $v) {
        $l =~ s/^\s+|\s+$//g;
        next unless length $l;
        push @lines, $l;
    }

    return @lines;
}

# Build one HTTP request from a spec: a string, or an array of packets
# (strings or { value => ..., delay_before => secs }).  Returns
# { method, packets => [ [data, delay] ... ] }.
sub build_request {
    my ($spec, $more_headers, $conn, $strip_tail) = @_;

    my @parts = ref $spec eq 'ARRAY' ? @$spec : ($spec);
    my @norm;
    for my $p (@parts) {
        if (ref $p eq 'HASH') {
            push @norm, [$p->{value} // '', $p->{delay_before} // 0];
        } else {
            push @norm, [$p // '', 0];
        }
    }

    if ($strip_tail && @norm == 1) {
        $norm[0][0] =~ s/\s+\z//;
    }

    my ($meth, $uri, $ver, $first_body) = parse_request_text($norm[0][0]);

    my $body_len = length $first_body;
    $body_len += length $_->[0] for @norm[1 .. $#norm];

    my @hdrs = header_lines_of($more_headers);
    my %has;
    for my $h (@hdrs) {
        $has{lc $1} = 1 if $h =~ /^([^:\s]+)\s*:/;
    }

    my $head = "$meth $uri $ver\r\n";
    $head .= "Host: localhost\r\n" unless $has{host};
    $head .= "Connection: $conn\r\n" unless $has{connection};
    $head .= "$_\r\n" for @hdrs;

    if ($body_len > 0 && !$has{'content-length'}
        && !$has{'transfer-encoding'})
    {
        $head .= "Content-Length: $body_len\r\n";
    }

    $head .= "\r\n";

    my @packets = ([$head . $first_body, $norm[0][1]]);
    push @packets, [$_->[0], $_->[1]] for @norm[1 .. $#norm];

    return { method => uc $meth, packets => \@packets };
}

# Send the packets and read until EOF.  Returns (data, error).
sub http_exchange {
    my ($packets, $timeout, $shutdown, $addr) = @_;

    my $sock = IO::Socket::INET->new(
        PeerAddr => $addr // $ServerAddr,
        PeerPort => $ServerPortForClient,
        Proto    => 'tcp',
        Timeout  => $timeout,
    );

    return ('', "cannot connect to $ServerAddr:$ServerPortForClient: $!")
        unless $sock;

    setsockopt($sock, IPPROTO_TCP, TCP_NODELAY, 1);
    $sock->blocking(0);

    my $sel = IO::Select->new($sock);
    my $err;

    my $n = 0;
    PACKET:
    for my $p (@$packets) {
        my ($data, $delay) = @$p;

        sleep $delay if $delay;
        sleep $TestNginxSleep if $n++ > 0 && !$delay;

        while (length $data) {
            if (!$sel->can_write($timeout)) {
                $err = 'client socket timed out';
                last PACKET;
            }

            my $w = syswrite($sock, $data);
            if (!defined $w) {
                next if $! == EINTR || $! == EAGAIN || $! == EWOULDBLOCK;
                $err = "write failed: $!";
                last PACKET;
            }
            substr($data, 0, $w, '');
        }
    }

    if (!$err && defined $shutdown) {
        shutdown($sock, $shutdown);
    }

    my $buf = '';

    if (!$err) {
        while (1) {
            if (!$sel->can_read($timeout)) {
                $err = 'client socket timed out';
                last;
            }

            my $r = sysread($sock, $buf, 65536, length $buf);
            if (!defined $r) {
                next if $! == EINTR || $! == EAGAIN || $! == EWOULDBLOCK;
                $err = "read failed: $!" unless $! =~ /reset/i;
                last;
            }
            last if $r == 0;
        }
    }

    close $sock;

    return ($buf, $err);
}

# Parse one response from the front of $$buf.  Returns a hash with
# status, headers (array of [name, value]), raw_headers, body, error.
sub parse_response {
    my ($buf, $method, $http09) = @_;

    my %res = (status => undef, headers => [], raw_headers => '',
               body => '', error => undef);

    if ($http09) {
        $res{body} = $$buf;
        $$buf = '';
        return \%res;
    }

    if ($$buf !~ /\r?\n\r?\n/) {
        $res{error} = length $$buf ? 'truncated response header'
                                   : 'no response';
        $res{raw_headers} = $$buf;
        $$buf = '';
        return \%res;
    }

    my $end = $-[0];
    my $sep_len = $+[0] - $-[0];
    my $head = substr($$buf, 0, $end);
    substr($$buf, 0, $end + $sep_len, '');

    $res{raw_headers} = "$head\r\n\r\n";

    my @lines = split /\r?\n/, $head;
    my $status_line = shift @lines // '';

    if ($status_line =~ m{^HTTP/\d+\.\d+\s+(\d{3})(?:\s+(.*))?$}) {
        $res{status} = $1;
        $res{status_line} = $status_line;
    } else {
        $res{error} = "bad status line: $status_line";
    }

    for my $l (@lines) {
        if ($l =~ /^\s+(.*)$/ && @{ $res{headers} }) {
            $res{headers}[-1][1] .= " $1";
            next;
        }
        if ($l =~ /^([^:]+?)\s*:\s*(.*?)\s*$/) {
            push @{ $res{headers} }, [$1, $2];
        }
    }

    my $status = $res{status} // 0;
    my $te = header_value(\%res, 'Transfer-Encoding');
    my $cl = header_value(\%res, 'Content-Length');

    if (($method // '') eq 'HEAD' || $status =~ /^1/ || $status == 204
        || $status == 304)
    {
        return \%res;
    }

    if (defined $te && $te =~ /chunked/i) {
        my $body = '';
        while (1) {
            if ($$buf !~ /\A([0-9a-fA-F]+)[^\r\n]*\r?\n/) {
                $res{error} = 'bad or truncated chunked body';
                last;
            }
            my $size = hex $1;
            my $hl = $+[0];
            if ($size == 0) {
                substr($$buf, 0, $hl, '');
                # trailers up to an empty line
                if ($$buf =~ /\A(?:[^\r\n]+\r?\n)*\r?\n/) {
                    substr($$buf, 0, $+[0], '');
                } else {
                    $$buf = '';
                }
                last;
            }
            if (length($$buf) < $hl + $size) {
                $res{error} = 'truncated chunked body';
                $body .= substr($$buf, $hl);
                $$buf = '';
                last;
            }
            $body .= substr($$buf, $hl, $size);
            substr($$buf, 0, $hl + $size, '');
            $$buf =~ s/\A\r?\n//;
        }
        $res{body} = $body;
        $res{chunked} = 1;
        return \%res;
    }

    if (defined $cl && $cl =~ /^\d+$/) {
        if (length $$buf < $cl) {
            $res{error} = "truncated body (got " . length($$buf)
                          . " of $cl bytes)";
            $res{body} = $$buf;
            $$buf = '';
        } else {
            $res{body} = substr($$buf, 0, $cl);
            substr($$buf, 0, $cl, '');
        }
        return \%res;
    }

    $res{body} = $$buf;
    $$buf = '';
    return \%res;
}

sub header_value {
    my ($res, $name) = @_;

    my @v = map { $_->[1] } grep { lc $_->[0] eq lc $name }
            @{ $res->{headers} };
    return undef unless @v;
    return join ', ', @v;
}

# ---------------------------------------------------------------------
# Checks

sub test_name {
    my ($name, $what, $rep, $req, $nreq) = @_;

    my $s = "$name - $what";
    my @ctx;
    push @ctx, "repeated req $rep" if $RepeatEach > 1;
    push @ctx, "req $req" if $nreq > 1;
    $s .= ' (' . join(', ', @ctx) . ')' if @ctx;
    return $s;
}

sub apply_body_filters {
    my ($filters, $body) = @_;

    return $body unless defined $filters;

    my @f;
    if (ref $filters eq 'ARRAY') {
        @f = @$filters;
    } elsif (ref $filters eq 'CODE') {
        @f = ($filters);
    } else {
        @f = split ' ', $filters;
    }

    my %builtin = (
        md5_hex  => sub { require Digest::MD5; Digest::MD5::md5_hex($_[0]) },
        sha1_hex => sub { require Digest::SHA; Digest::SHA::sha1_hex($_[0]) },
        length   => sub { length $_[0] },
        uc       => sub { uc $_[0] },
        lc       => sub { lc $_[0] },
        ucfirst  => sub { ucfirst $_[0] },
        lcfirst  => sub { lcfirst $_[0] },
    );

    for my $f (@f) {
        my $code = ref $f eq 'CODE' ? $f : $builtin{$f};
        die "unknown response_body_filters filter \"$f\"\n" unless $code;
        $body = $code->($body);
    }

    return $body;
}

# Expected bodies may say $ServerPort / $ServerPortForClient.
sub expand_server_port {
    my $v = shift;

    return $v if !defined $v || ref $v;
    $v =~ s/\$ServerPortForClient\b/$ServerPortForClient/g;
    $v =~ s/\$ServerPort\b/$ServerPort/g;
    return $v;
}

sub check_response {
    my ($block, $res, $rep, $i, $nreq) = @_;

    my $name = $block->name;
    my $tn = sub { test_name($name, $_[0], $rep, $i, $nreq) };

    # status
    my $code = pick(scalar $block->error_code, $i);
    my $code_like = pick(scalar $block->error_code_like, $i);

    if (!($block->http09 && !defined $code && !defined $code_like)) {
        my $got = $res->{status} // '';
        if (defined $code_like) {
            my $re = ref $code_like ? $code_like : qr/$code_like/;
            Test::More::like($got, $re, $tn->('status code ok'));
        } else {
            $code //= 200;
            $code =~ s/^\s+|\s+$//g;
            Test::More::is($got, $code, $tn->('status code ok'));
        }
    }

    # headers
    my $rh = pick(scalar $block->response_headers, $i);
    if (defined $rh) {
        for my $line (ref $rh eq 'HASH' ? map { "$_: $rh->{$_}" } sort keys
                      %$rh : split /\n/, $rh)
        {
            next if $line =~ /^\s*$/;
            if ($line =~ /^\s*!\s*(\S+?)\s*:?\s*$/) {
                my $h = $1;
                my $v = header_value($res, $h);
                Test::More::ok(!defined $v,
                               $tn->("header $h not present"))
                    or Test::More::diag("  got $h: $v");
                next;
            }
            if ($line =~ /^\s*([^:]+?)\s*:\s*(.*?)\s*$/) {
                my ($h, $want) = ($1, $2);
                my $v = header_value($res, $h);
                Test::More::is($v // '', $want, $tn->("header $h ok"));
                next;
            }
            Test::More::fail($tn->("bad response_headers line: $line"));
        }
    }

    my $rhl = pick(scalar $block->response_headers_like, $i);
    if (defined $rhl) {
        for my $line (split /\n/, $rhl) {
            next if $line =~ /^\s*$/;
            if ($line =~ /^\s*([^:]+?)\s*:\s*(.*?)\s*$/) {
                my ($h, $pat) = ($1, $2);
                my $v = header_value($res, $h);
                Test::More::like($v // '', qr/^$pat$/,
                                 $tn->("header $h like ok"));
                next;
            }
            Test::More::fail($tn->("bad response_headers_like line: $line"));
        }
    }

    my $rrhl = pick(scalar $block->raw_response_headers_like, $i);
    if (defined $rrhl) {
        my $re = ref $rrhl ? $rrhl : qr/$rrhl/s;
        Test::More::like($res->{raw_headers}, $re,
                         $tn->('raw_response_headers_like ok'));
    }

    my $rrhu = pick(scalar $block->raw_response_headers_unlike, $i);
    if (defined $rrhu) {
        my $re = ref $rrhu ? $rrhu : qr/$rrhu/s;
        Test::More::unlike($res->{raw_headers}, $re,
                           $tn->('raw_response_headers_unlike ok'));
    }

    # body
    my $body = $res->{body};
    my $filters = $block->response_body_filters;
    if (defined $filters) {
        my $f = $filters;
        if (ref $f eq 'ARRAY' && @$f && ref $f->[0] eq 'ARRAY') {
            $f = $f->[$i];
        }
        $body = apply_body_filters($f, $body);
    }

    my $want = pick(scalar $block->response_body, $i);
    $want = pick(scalar $block->response_body_eval, $i) if !defined $want;
    $want = expand_server_port($want);
    if (defined $want) {
        local $Test::Builder::Level = $Test::Builder::Level + 1;
        is_str($body, $want, $tn->('response_body - response is expected'));
    }

    my $like = expand_server_port(pick(scalar $block->response_body_like,
                                       $i));
    if (defined $like) {
        my $re = ref $like ? $like : qr/$like/s;
        Test::More::like($body, $re,
                         $tn->('response_body_like - response is expected'));
    }

    my $unlike = pick(scalar $block->response_body_unlike, $i);
    if (defined $unlike) {
        my $re = ref $unlike ? $unlike : qr/$unlike/s;
        Test::More::unlike($body, $re,
                       $tn->('response_body_unlike - response is expected'));
    }

    for my $check (@ResponseBodyChecks) {
        $check->($block, $body, $i, $rep, 0);
    }
}

sub check_log {
    my ($block, $kind, $text, $rep, $must_match_sec, $must_not_sec) = @_;

    my $name = $block->name;
    my @lines = split /\n/, $text;
    my $file = $kind eq 'access' ? 'access.log' : 'error.log';
    my $ctx = $RepeatEach > 1 ? " (req $rep)" : '';

    for my $p (patterns_of(scalar $block->$must_match_sec)) {
        my $found = grep { line_matches($_, $p) } @lines;
        Test::More::ok($found, "$name - $must_match_sec: pattern "
                       . pattern_desc($p) . " matches a line in $file$ctx")
            or Test::More::diag("  $file (this request):\n"
                                . tail_lines($text, 20));
    }

    for my $p (patterns_of(scalar $block->$must_not_sec)) {
        my @hits = grep { line_matches($_, $p) } @lines;
        Test::More::ok(!@hits, "$name - $must_not_sec: pattern "
                       . pattern_desc($p) . " matches no line in $file$ctx")
            or Test::More::diag("  matching line: $hits[0]");
    }
}

sub check_grep_error_log {
    my ($block, $text, $rep) = @_;

    my $pat = $block->grep_error_log;
    return unless defined $pat;

    my $name = $block->name;
    my $out = '';

    for my $line (split /\n/, $text) {
        if (ref $pat) {
            while ($line =~ /$pat/g) {
                $out .= "$&\n";
                last if length($&) == 0;
            }
        } else {
            my $pos = 0;
            while ((my $at = index($line, $pat, $pos)) >= 0) {
                $out .= "$pat\n";
                $pos = $at + (length($pat) || 1);
            }
        }
    }

    my $want = $block->grep_error_log_out;
    $want = pick($want, $rep) if ref $want eq 'ARRAY';
    $want //= '';

    is_str($out, $want, "$name - grep_error_log_out"
                        . ($RepeatEach > 1 ? " (req $rep)" : ''));
}

# ---------------------------------------------------------------------
# Running

sub skip_count {
    my ($block) = @_;

    my $name = $block->name;

    if (defined(my $s = $block->skip_eval)) {
        if ($s =~ /^\s*(\d+)\s*:\s*(.*)$/s) {
            my ($n, $code) = ($1, $2);
            my $r = eval "package main; no strict; $code";
            bail_out("$name - skip_eval - failed to eval \"$code\": $@")
                if $@;
            return ($n, 'skip_eval') if $r;
        } else {
            bail_out("$name - bad skip_eval spec: $s");
        }
    }

    for my $sec (qw(skip_nginx skip_nginx2 skip_openssl)) {
        my $s = $block->$sec;
        next unless defined $s;

        if ($s !~ /^\s*(\d+)\s*:\s*(.*?)\s*$/s) {
            bail_out("$name - bad $sec spec: $s");
        }
        my ($n, $rest) = ($1, $2);
        my $reason;
        ($rest, $reason) = split /\s*:\s*/, $rest, 2;

        my $have = $sec eq 'skip_openssl' ? openssl_version()
                                          : nginx_version();
        my $cmp = sub {
            my ($op, $ver) = @_;
            my $v;
            if ($sec eq 'skip_openssl') {
                $ver =~ /^(\d+)\.(\d+)\.(\d+)([a-z]?)$/
                    or bail_out("$name - bad version $ver");
                $v = $1 * 1000000 + $2 * 10000 + $3 * 100
                     + ($4 ? ord($4) - ord('a') + 1 : 0);
            } else {
                $ver =~ /^(\d+)\.(\d+)\.(\d+)$/
                    or bail_out("$name - bad version $ver");
                $v = $1 * 1000000 + $2 * 1000 + $3;
            }
            return 1 if !defined $have;
            return $op eq '<'  ? $have <  $v
                 : $op eq '<=' ? $have <= $v
                 : $op eq '>'  ? $have >  $v
                 : $op eq '>=' ? $have >= $v
                 : bail_out("$name - bad operator $op");
        };

        my $skip;
        if ($rest =~ /^([<>]=?)\s*(\S+)\s+(and|or)\s+([<>]=?)\s*(\S+)$/) {
            my ($a, $b) = ($cmp->($1, $2), $cmp->($4, $5));
            $skip = $3 eq 'and' ? ($a && $b) : ($a || $b);
        } elsif ($rest =~ /^([<>]=?)\s*(\S+)$/) {
            $skip = $cmp->($1, $2);
        } else {
            bail_out("$name - bad $sec spec: $s");
        }

        return ($n, $reason || "$sec $rest") if $skip;
    }

    return;
}

sub request_list {
    my $block = shift;

    my $more = $block->more_headers;
    my (@conns, $spec);

    if (defined($spec = $block->raw_request)) {
        my @packets = ref $spec eq 'ARRAY' ? @$spec : ($spec);
        my $delay = parse_time($block->raw_request_middle_delay) // 0;
        my $n = 0;
        push @conns, {
            packets => [ map { [$_, $n++ ? $delay : 0] } @packets ],
            methods => [ $packets[0] =~ /^\s*HEAD\s/ ? 'HEAD' : 'GET' ],
        };
        return @conns;
    }

    if (defined($spec = $block->pipelined_requests)) {
        die $block->name . ": pipelined_requests must be an array\n"
            unless ref $spec eq 'ARRAY';
        my (@methods, $data);
        for my $k (0 .. $#$spec) {
            my $conn = $k == $#$spec ? 'close' : 'keep-alive';
            my $r = build_request($spec->[$k], pick($more, $k), $conn, 0);
            push @methods, $r->{method};
            $data .= join '', map { $_->[0] } @{ $r->{packets} };
        }
        push @conns, { packets => [[$data, 0]], methods => \@methods };
        return @conns;
    }

    $spec = $block->request;
    $spec = $block->request_eval unless defined $spec;
    return () unless defined $spec;

    my $is_eval = grep { $_ eq 'eval' }
                  @{ ($block->{raw}{request} // {})->{filters} // [] };

    my @reqs = ref $spec eq 'ARRAY' ? @$spec : ($spec);
    for my $k (0 .. $#reqs) {
        my $r = build_request($reqs[$k], pick($more, $k), 'close',
                              !$is_eval && !ref $spec);
        push @conns, { packets => $r->{packets}, methods => [$r->{method}] };
    }

    return @conns;
}

sub run_block {
    my $block = shift;

    my $name = $block->name;
    my $tb = Test::More->builder;

    my $config = $block->config;
    if (!defined $config) {
        $config = $PrevConfig;
        if (!defined $config) {
            bail_out("$name - no '--- config' section and no previous one "
                     . "to reuse");
        }
    }
    $PrevConfig = $config;

    my ($nskip, $skip_reason) = skip_count($block);
    if (defined $nskip) {
        SKIP: {
            Test::More::skip("$name - $skip_reason", $nskip * $RepeatEach);
        }
        return;
    }

    my $todo = $block->todo;
    if (defined $todo && $todo =~ /^\s*\d+\s*:\s*(.*?)\s*$/s) {
        $tb->todo_start($1);
    }

    my $fails_before = grep { !$_ } $tb->summary;

    my $must_die = $block->must_die;
    if (defined $must_die) {
        $must_die =~ s/^\s+|\s+$//g;
        run_must_die($block, $config, $must_die);
    } else {
        run_requests($block, $config);
    }

    $tb->todo_end if $tb->in_todo;

    my $fails_after = grep { !$_ } $tb->summary;
    if ($fails_after > $fails_before) {
        Test::More::diag(log_summary($name));
    }

    if (my $acc = $ENV{TEST_NGINX_ERROR_LOG}) {
        if (open my $out, '>>', $acc) {
            print $out "=== $name\n", read_file_from($ErrLogFile, 0);
            close $out;
        }
    }
}

# The last non-debug lines of error.log (the debug ones are noise in a
# failure report), or its last lines when it has no others.
sub log_summary {
    my $name = shift;

    my $log = read_file_from($ErrLogFile, 0);
    my (@lines, $in_debug);
    for my $l (split /\n/, $log) {
        if ($l =~ m{^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \[(\w+)\]}) {
            $in_debug = $1 eq 'debug';
        }
        push @lines, $l unless $in_debug;
    }
    my $what = 'non-debug lines';

    if (!@lines) {
        @lines = split /\n/, $log;
        $what = 'lines';
    }

    @lines = @lines[-20 .. -1] if @lines > 20;

    return "$name: last $what of $ErrLogFile:\n"
           . join '', map { "  $_\n" } @lines;
}

sub prepare_server_root {
    my ($block, $config) = @_;

    stop_nginx() if $NginxPid;
    kill_stale_nginx();
    setup_server_root();
    write_user_files($block);

    open my $out, '>', $ConfFile or die "cannot write $ConfFile: $!\n";
    print $out gen_config($block, $config);
    close $out;
}

sub run_must_die {
    my ($block, $config, $must_die) = @_;

    my $name = $block->name;

    for my $rep (0 .. $RepeatEach - 1) {
        prepare_server_root($block, $config);

        my ($ok, $status) = start_nginx();

        if ($ok) {
            # Still alive with its pid file written: let a late failure
            # (e.g. in a module's process init) show up.
            my $deadline = time + 0.5;
            while (time < $deadline) {
                my $r = waitpid($NginxPid, WNOHANG);
                if ($r == $NginxPid) {
                    ($ok, $status) = (0, $?);
                    undef $NginxPid;
                    last;
                }
                sleep 0.01;
            }
        }

        if ($ok || !defined $status) {
            Test::More::fail("$name - nginx must die but it started");
            stop_nginx();

        } elsif ($status & 127) {
            Test::More::fail("$name - nginx was killed by signal "
                             . ($status & 127));

        } elsif (length $must_die && $must_die =~ /^\d+$/) {
            Test::More::is($status >> 8, $must_die,
                           "$name - die with the expected exit code");

        } else {
            Test::More::isnt($status >> 8, 0, "$name - die as expected");
        }

        my $log = read_file_from($ErrLogFile, 0);
        check_log($block, 'error', $log, $rep, 'error_log', 'no_error_log');
    }
}

sub run_requests {
    my ($block, $config) = @_;

    my $name = $block->name;

    prepare_server_root($block, $config);

    my ($ok, $status) = start_nginx();
    if (!$ok) {
        Test::More::fail("$name - nginx failed to start"
                         . (defined $status
                            ? " (exit status " . ($status >> 8) . ")"
                            : " (timed out)"));
        my @why = grep { /\[(?:emerg|alert|crit)\]/ }
                  split /\n/, read_file_from($ErrLogFile, 0);
        Test::More::diag(join "\n", "  config: $ConfFile",
                         map { "  $_" } @why);
        stop_nginx() if $NginxPid;
        return;
    }

    if (defined(my $init = $block->init)) {
        eval "package main; no strict; $init";
        bail_out("$name - init failed: $@") if $@;
    }

    my $timeout = parse_time($block->timeout) // $Timeout;
    my $shutdown = $block->shutdown;
    if (defined $shutdown) {
        $shutdown =~ s/^\s+|\s+$//g;
        $shutdown = 1 unless length $shutdown;
    }
    my $addr = $block->server_addr_for_client;
    $addr =~ s/^\s+|\s+$//g if defined $addr;
    my $wait = parse_time($block->wait);

    my $err_pos = 0;
    my $acc_pos = 0;

    for my $rep (0 .. $RepeatEach - 1) {
        if ($rep > 0) {
            write_user_files($block);
        }

        my @conns = request_list($block);
        my $nreq = 0;
        $nreq += @{ $_->{methods} } for @conns;

        my $i = 0;
        for my $c (@conns) {
            my ($data, $err) = http_exchange($c->{packets}, $timeout,
                                             $shutdown, $addr);

            if ($err) {
                if ($err =~ /timed out/ && defined $block->abort) {
                    # expected: the response so far is checked below
                } else {
                    Test::More::fail("$name - ERROR: $err"
                                     . ($nreq > 1 ? " (req $i)" : ''));
                }
            }

            for my $method (@{ $c->{methods} }) {
                my $res = parse_response(\$data, $method, $block->http09);
                if (!defined $block->ignore_response) {
                    if ($res->{error} && !($err && defined $block->abort)) {
                        Test::More::diag("$name - response: $res->{error}");
                    }
                    check_response($block, $res, $rep, $i, $nreq);
                }
                $i++;
            }
        }

        sleep $wait if $wait;
        sleep $TestNginxSleep;

        my $err_text = read_file_from($ErrLogFile,
                                      $CheckAccumErrLog ? 0 : $err_pos);
        $err_pos = file_size($ErrLogFile);
        my $acc_text = read_file_from($AccLogFile,
                                      $CheckAccumErrLog ? 0 : $acc_pos);
        $acc_pos = file_size($AccLogFile);

        check_log($block, 'error', $err_text, $rep, 'error_log',
                  'no_error_log');
        check_grep_error_log($block, $err_text, $rep);
        check_log($block, 'access', $acc_text, $rep, 'access_log',
                  'no_access_log');
    }

    my $is_last = $block == $Blocks[-1] ? 1 : 0;
    my $need_shutdown_log = defined $block->shutdown_error_log
                            || defined $block->no_shutdown_error_log;

    if ($NoClean && $is_last && !$need_shutdown_log) {
        return;
    }

    my $pos = file_size($ErrLogFile);

    my $r = waitpid($NginxPid, WNOHANG);
    if ($r == $NginxPid) {
        my $st = $?;
        undef $NginxPid;
        Test::More::fail("$name - nginx exited during the block ("
                         . (($st & 127) ? "signal " . ($st & 127)
                                        : "exit status " . ($st >> 8))
                         . ")");
    }

    stop_nginx();

    if ($need_shutdown_log) {
        my $text = read_file_from($ErrLogFile, $pos);
        check_log($block, 'error', $text, 0, 'shutdown_error_log',
                  'no_shutdown_error_log');
    }
}

sub run_test {
    my $block = shift;

    for my $pp (@BlockPreprocessors) {
        $pp->($block);
    }

    run_block($block);
}

# Serialise test scripts sharing one servroot (e.g. `prove -j`, or two
# people in one work tree): the second waits for the first to finish.
our $ServRootLockFh;

sub lock_server_root {
    # a randomized servroot belongs to this process alone
    return if $ServRootLockFh || $Randomize;

    make_path(dirname($ServRoot));
    open my $fh, '>>', "$ServRoot.lock" or return;
    if (!flock($fh, LOCK_EX | LOCK_NB)) {
        Test::More::diag("waiting for another test run using $ServRoot "
                         . "(set TEST_NGINX_RANDOMIZE=1 to run in "
                         . "parallel)");
        flock($fh, LOCK_EX);
    }
    $ServRootLockFh = $fh;
}

sub run_tests {
    _load_blocks();
    lock_server_root();

    nginx_version();

    my @list = @Blocks;
    @list = shuffle(@list) unless $NoShuffle;
    @Blocks = @list;

    for my $block (@list) {
        run_test($block);
    }

    cleanup() unless $NoClean;
}

1;
