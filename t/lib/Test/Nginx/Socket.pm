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
our $CheckAccumErrLog = $ENV{TEST_NGINX_CHECK_ACCUM_ERR_LOG} ? 1 : 0;
our $Timeout          = $ENV{TEST_NGINX_TIMEOUT} || 3;
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
            die "$name: environment variable $v is not set\n";
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

sub tail_lines {
    my ($text, $n) = @_;

    my @lines = split /\n/, $text;
    @lines = @lines[-$n .. -1] if @lines > $n;
    return join '', map { "$_\n" } @lines;
}

# A log section as a list of patterns, as upstream reads it: a string
# gives one per line (empty lines dropped; lines of blanks are patterns
# too), a qr// one, an array its defined elements as they are.
sub patterns_of {
    my $v = shift;

    return () unless defined $v;

    if (!ref $v) {
        chomp $v;
        return split /\n+/, $v;
    }

    return ($v) if ref $v eq 'Regexp';
    return grep { defined } @$v if ref $v eq 'ARRAY';
    die "a log section is a string, a qr// or an array, not a "
        . ref($v) . "\n";
}

sub pattern_desc {
    my $p = shift;
    return ref $p ? "$p" : "\"$p\"";
}

# $line keeps its newline; strings match as substrings.
sub line_matches {
    my ($line, $p) = @_;

    return 1 if ref $p && $line =~ $p;
    return index($line, "$p") >= 0;
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

    # upstream's default page (user_files may replace it)
    open my $out, '>', "$HtmlDir/index.html"
        or die "cannot write $HtmlDir/index.html: $!\n";
    print $out '<html><head><title>It works!</title></head>'
               . '<body>It works!</body></html>';
    close $out;
}

sub write_user_files {
    my $block = shift;

    my $files = $block->user_files;
    return unless defined $files;

    my @list;

    if (ref $files eq 'ARRAY') {
        @list = map { [@$_] } @$files;

    } elsif (!ref $files) {
        # as upstream: a line holding ">>> NAME [DATE]" starts a file
        my $cur;
        for my $line (split /^/, $files) {
            if ($line =~ />>> (\S+)(?:\s+(.+))?/) {
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
        print $out expand_env($body // '', $block->name);
        close $out;

        if ($mtime) {
            # touch -t CCYYMMDDhhmm[.ss], in GMT as upstream, or seconds
            my $t = $mtime;
            if ($t =~ /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(?:\.(\d\d))?$/) {
                require Time::Local;
                $t = Time::Local::timegm($6 // 0, $5, $4, $3, $2 - 1, $1);
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
    $server_name =~ s/\\/\\\\/g;
    $server_name =~ s/'/\\'/g;

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
           . "    accept_mutex off;\n"
           . "    worker_connections $WorkerConnections;\n";
    $conf .= "    use $ENV{TEST_NGINX_EVENT_TYPE};\n"
        if $ENV{TEST_NGINX_EVENT_TYPE};
    $conf .= "}\n\n";

    # all addresses, as upstream
    my $listen = "$ServerPort";
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
           . "        server_name '$server_name';\n"
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

    # -e: the messages of start-up, before the config's error_log is
    # open, go to error.log too, in its format (upstream does the same)
    my @cmd = ($NginxBinary, '-p', "$ServRoot/", '-c', $ConfFile,
               '-e', $ErrLogFile);

    warn "starting: @cmd\n" if $Verbose;

    my $pid = fork();
    die "fork failed: $!\n" unless defined $pid;

    if ($pid == 0) {
        $InChild = 1;
        POSIX::setpgid(0, 0);
        open STDIN, '<', '/dev/null';
        open STDOUT, '>>', "$LogDir/stdout.log";
        # nginx repeats its start-up warnings and errors on stderr
        # ("nginx: [emerg] ..."); upstream leaves those on the terminal,
        # where no check sees them: keep them apart from error.log.
        open STDERR, '>>', "$LogDir/stderr.log";
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

# Leading white space and "#" comment lines before the request line of a
# request given as one string (not of the elements of an array).
sub strip_request_comments {
    my $text = shift;

    return $text if !defined $text || ref $text;
    while ($text =~ s/^\s*\#[^\n]+\s+|^\s+//gs) {
        # until nothing is left to strip
    }

    return $text;
}

# more_headers as sent: one "Name: value" line per non-empty, non-"#"
# line; also whether it says Transfer-Encoding: chunked.
sub more_header_lines {
    my $text = shift // '';
    my ($out, $chunked) = ('', 0);

    for my $line (split /\n+/, $text) {
        next if $line =~ /^\s*\#/;
        my ($key, $val) = split /:\s*/, $line, 2;
        $val //= '';
        $chunked = 1 if lc $key eq 'transfer-encoding' && $val eq 'chunked';
        $out .= "$key: $val\r\n";
    }

    return ($out, $chunked);
}

# Build one HTTP request from a spec: a string, or an array of packets
# (strings or { value => ..., delay_before => secs }).  Returns
# { method, packets => [ [data, delay] ... ] }; dies on a bad spec.
#
# As upstream: the first line is "METHOD [URI [VERSION]]"; the body (the
# rest) loses its leading and trailing white space and gets a
# Content-Length unless more_headers has "Content-Length:" (spelt so) or
# Transfer-Encoding: chunked, in which case it is sent as written.
sub build_request {
    my ($spec, $more_headers, $conn) = @_;

    my @parts = ref $spec eq 'ARRAY' ? @$spec : ($spec);
    my @norm;
    for my $p (@parts) {
        if (ref $p eq 'HASH') {
            push @norm, [$p->{value} // '', $p->{delay_before} // 0];
        } else {
            push @norm, [$p // '', 0];
        }
    }

    my $all = join '', map { $_->[0] } @norm;
    my ($first, $content) = $all =~ /\A([^\n]*\n?)(.*)\z/s;

    die "request line should be non-empty\n" if $first eq '';
    $first =~ /^(\s*)(\S+)( *)(?:(\S+)( *))?(?:(\S+)( *))?(\s*)$/
        or die "request line is not valid: \"$first\" (want"
               . " 'METHOD [URI [VERSION]]')\n";
    my ($meth, $uri, $ver) = ($2, $4 // '/', $6 // 'HTTP/1.1');

    $more_headers //= '';
    my ($hdrs, $chunked) = more_header_lines($more_headers);

    my $lead = 0;
    my $len_header = '';

    if (!$chunked && $content ne ''
        && $more_headers !~ /(?:^|\n)Content-Length:/)
    {
        $lead = length(($content =~ /\A(\s*)/)[0]);
        $content =~ s/^\s+|\s+$//gs;
        $len_header = "Content-Length: " . length($content) . "\r\n";
    }

    my $head = "$meth $uri $ver\r\n";
    $head .= "Host: localhost\r\n" if $more_headers !~ /(?:^|\n)Host:/msi;
    $head .= "Connection: $conn\r\n"
        if $more_headers !~ /(?:^|\n)Connection/msi;
    $head .= "$hdrs$len_header\r\n";

    my $req = $head . $content;

    # Keep the packet boundaries (all in the body) where they were.
    my @packets;
    my ($from, $off) = (0, 0);
    for my $k (0 .. $#norm) {
        $off += length $norm[$k][0];

        my $to;
        if ($k == $#norm) {
            $to = length $req;

        } else {
            my $in_body = $off - length $first;
            die "a packet boundary in the request line is not"
                . " supported\n" if $in_body <= 0;
            $in_body -= $lead;
            $in_body = 0 if $in_body < 0;
            $in_body = length $content if $in_body > length $content;
            $to = length($head) + $in_body;
        }

        push @packets, [substr($req, $from, $to - $from), $norm[$k][1]];
        $from = $to;
    }

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

    # as upstream: up to the end of the last header line
    $res{raw_headers} = "$head\r\n";

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
            if ($$buf !~ /\A[ \t]*([0-9a-fA-F]+)[ \t]*\r\n/) {
                $res{error} = 'bad or truncated chunked body';
                $res{bad_chunked} = 1;
                last;
            }
            my $size = hex $1;
            my $hl = $+[0];
            if ($size == 0) {
                substr($$buf, 0, $hl, '');
                # trailers up to an empty line
                if ($$buf =~ /\A(?:[^\r\n]+\r\n)*\r\n/) {
                    substr($$buf, 0, $+[0], '');
                } else {
                    $res{error} = 'no CRLF after the last chunk';
                    $res{bad_chunked} = 1;
                    $$buf = '';
                }
                last;
            }
            if (length($$buf) < $hl + $size) {
                $res{error} = 'truncated chunked body';
                $res{bad_chunked} = 1;
                $body .= substr($$buf, $hl);
                $$buf = '';
                last;
            }
            $body .= substr($$buf, $hl, $size);
            substr($$buf, 0, $hl + $size, '');
            if ($$buf !~ s/\A\r\n//) {
                $res{error} = 'no CRLF after a chunk';
                $res{bad_chunked} = 1;
                last;
            }
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

# Expected values may say $ServerPort / $ServerPortForClient.
sub expand_server_port {
    my $v = shift;

    return $v if !defined $v || ref $v;
    $v =~ s/\$ServerPort\b/$ServerPort/g;
    $v =~ s/\$ServerPortForClient\b/$ServerPortForClient/g;
    return $v;
}

# The sections checked against each response.  With several requests
# (an array in --- request, or --- pipelined_requests) upstream takes
# the value for request N from element N of an array and bails out on a
# scalar; with one request it takes element 0 of an array and ignores
# the others.
our @PerRequestSections = qw(
    error_code error_code_like raw_response_headers_like
    raw_response_headers_unlike response_headers response_headers_like
    response_body response_body_eval response_body_like
    response_body_unlike
);

# the sections that may be a qr// (not response_headers_like: upstream
# reads its lines)
my %Regexps = map { $_ => 1 } qw(
    error_code_like raw_response_headers_like raw_response_headers_unlike
    response_body response_body_like response_body_unlike
);

# Why this block would not mean the same under upstream, or undef.  We
# refuse what upstream refuses, and also what it silently ignores: an
# array of another length than the requests (the extra elements are
# never checked), and a section upstream skips when another is present.
sub block_problem {
    my ($block, $nreq, $need_array) = @_;

    my %has = map { $_ => defined(scalar $block->$_) }
              @PerRequestSections, 'more_headers';

    if (($has{response_body} || $has{response_body_eval})
        && ($has{response_body_like} || $has{response_body_unlike}))
    {
        return "response_body_like/_unlike next to response_body:"
               . " upstream checks only response_body";
    }

    if ($has{response_body_like} && $has{response_body_unlike}) {
        return "response_body_unlike next to response_body_like:"
               . " upstream checks only response_body_like";
    }

    if ($has{response_headers} && $has{response_headers_like}) {
        return "response_headers_like next to response_headers:"
               . " upstream checks only response_headers";
    }

    for my $sec (@PerRequestSections, 'more_headers') {
        next unless $has{$sec};

        my $v = $block->$sec;

        if (ref $v eq 'ARRAY') {
            next if @$v == $nreq;
            return "$sec has " . scalar(@$v) . " values for $nreq"
                   . " request" . ($nreq == 1 ? '' : 's')
                   . ($nreq == 1 ? ": upstream checks only the first"
                                 : '');
        }

        if ($need_array && $sec ne 'more_headers') {
            return "You asked for many requests, the expected results"
                   . " should be arrays as well ($sec)";
        }

        if (ref $v && !(ref $v eq 'Regexp' && $Regexps{$sec})) {
            return "$sec is a " . ref($v) . " reference";
        }
    }

    return undef;
}

# upstream's response_headers / response_headers_like syntax, one entry
# per header name (the last line wins): "Name: value", "Name:" (empty or
# absent), "!Name" or "Name" (absent: value undef)
sub parse_header_spec {
    my $text = shift;
    my (%h, @order);

    for my $line (split /\n/, $text) {
        $line =~ s/^\s+|\s+$//g;
        my ($key, $val);
        if ($line =~ s/^!\s*//) {
            $key = $line;
        } else {
            ($key, $val) = split /\s*:\s*/, $line, 2;
        }
        push @order, $key unless exists $h{$key};
        $h{$key} = $val;
    }

    return map { [$_, $h{$_}] } @order;
}

sub check_response {
    my ($block, $res, $rep, $i, $nreq) = @_;

    my $name = $block->name;
    my $tn = sub { test_name($name, $_[0], $rep, $i, $nreq) };

    # status, compared as written (a multi-line "--- error_code" keeps
    # its newline, as under upstream; use "--- error_code: 200")
    my $code = pick(scalar $block->error_code, $i);
    my $code_like = pick(scalar $block->error_code_like, $i);

    if (!($block->http09 && !defined $code && !defined $code_like)) {
        my $got = $res->{status} // '';
        if (defined $code_like) {
            Test::More::like($got, qr/$code_like/sm,
                             $tn->('status code ok'));
        } else {
            Test::More::is($got, $code // 200, $tn->('status code ok'));
        }
    }

    my $rrhl = pick(scalar $block->raw_response_headers_like, $i);
    if (defined $rrhl) {
        Test::More::like($res->{raw_headers}, qr/$rrhl/s,
                         $tn->('raw_response_headers_like ok'));
    }

    my $rrhu = pick(scalar $block->raw_response_headers_unlike, $i);
    if (defined $rrhu) {
        Test::More::unlike($res->{raw_headers}, qr/$rrhu/s,
                           $tn->('raw_response_headers_unlike ok'));
    }

    # headers (names are matched without regard to case, also for the
    # absent ones: upstream looks for those case-sensitively)
    my $rh = pick(scalar $block->response_headers, $i);
    if (defined $rh) {
        for my $kv (parse_header_spec($rh)) {
            my ($h, $want) = @$kv;
            my $v = header_value($res, $h);

            if (!defined $want) {
                Test::More::ok(!defined $v, $tn->("header $h not present"))
                    or Test::More::diag("  got $h: $v");
                next;
            }

            Test::More::is($v // '', expand_server_port($want),
                           $tn->("header $h ok"));
        }
    }

    my $rhl = pick(scalar $block->response_headers_like, $i);
    if (defined $rhl) {
        for my $kv (parse_header_spec($rhl)) {
            my ($h, $pat) = @$kv;
            my $v = header_value($res, $h);
            $pat //= '';
            Test::More::like($v // '', qr/^$pat$/,
                             $tn->("header $h like ok"));
        }
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
    my $want_eval = pick(scalar $block->response_body_eval, $i);

    if (!defined $want && defined $want_eval) {
        # deprecated upstream, where it is Perl code
        $want = eval "package Test::Nginx::Socket::Eval; use strict;"
                     . " $want_eval";
        bail_out("$name - response_body_eval: $@") if $@;
    }

    if (defined $want) {
        if (!ref $want) {
            $want = expand_env(expand_server_port($want), $name);
        }
        local $Test::Builder::Level = $Test::Builder::Level + 1;
        is_str($body, $want, $tn->('response_body - response is expected'));
    }

    my $like = expand_server_port(pick(scalar $block->response_body_like,
                                       $i));
    if (defined $like) {
        Test::More::like($body, qr/$like/s,
                         $tn->('response_body_like - response is expected'));
    }

    my $unlike = expand_server_port(pick(scalar $block->response_body_unlike,
                                         $i));
    if (defined $unlike) {
        Test::More::unlike($body, qr/$unlike/s,
                       $tn->('response_body_unlike - response is expected'));
    }

    for my $check (@ResponseBodyChecks) {
        $check->($block, $body, $i, $rep, 0);
    }
}

# One check of a log: each pattern of $must_sec matches a line (one
# test each), each pattern of $must_not_sec matches none (one test, or
# one failure per matching line).  @$lines keep their newlines.
sub check_log {
    my ($block, $file, $lines, $ctx, $must_sec, $must_not_sec) = @_;

    my $name = $block->name;

    for my $p (patterns_of(scalar $block->$must_sec)) {
        my $found = grep { line_matches($_, $p) } @$lines;
        Test::More::ok($found, "$name - $must_sec: pattern "
                       . pattern_desc($p) . " matches a line in $file$ctx")
            or Test::More::diag("  $file (lines read):\n"
                                . tail_lines(join('', @$lines), 20));
    }

    for my $p (patterns_of(scalar $block->$must_not_sec)) {
        my @hits = grep { line_matches($_, $p) } @$lines;

        if (!@hits) {
            Test::More::pass("$name - $must_not_sec: pattern "
                             . pattern_desc($p)
                             . " matches no line in $file$ctx");
            next;
        }

        for my $hit (@hits) {
            chomp $hit;
            Test::More::fail("$name - $must_not_sec: pattern "
                             . pattern_desc($p) . " matches a line in"
                             . " $file$ctx: $hit");
        }
    }
}

sub check_grep_error_log {
    my ($block, $lines, $rep, $ctx) = @_;

    my $name = $block->name;
    my $pat = $block->grep_error_log;
    my $want = $block->grep_error_log_out;

    if (!defined $pat) {
        bail_out("$name - No --- grep_error_log defined but"
                 . " --- grep_error_log_out is defined") if defined $want;
        return;
    }

    bail_out("$name - No --- grep_error_log_out defined but"
             . " --- grep_error_log is defined") unless defined $want;

    $pat = $pat->[$rep] if ref $pat eq 'ARRAY';
    $want = $want->[$rep] if ref $want eq 'ARRAY';
    $want = expand_env($want, $name) unless ref $want;

    # the first match of each line, as upstream
    my $out = '';
    for my $line (@$lines) {
        if ((ref $pat && $line =~ /$pat/) || $line =~ /\Q$pat\E/) {
            my $m = $&;
            $out .= "$m\n" if $m !~ /\n/;
        }
    }

    is_str($out, $want, "$name - grep_error_log_out$ctx");
}

# upstream fails a block on an assertion failure in the error log
sub check_assertions {
    my ($block, $lines) = @_;

    for my $line (grep { /\bAssertion .*?failed\b/ } @$lines) {
        chomp(my $l = $line);
        Test::More::fail($block->name . " - $l");
    }
}

# The log state of a running block: error.log is read from where the
# last check stopped (from its start with check_accum_error_log()),
# access.log always whole, as upstream does.
sub new_log_reader {
    return { err_pos => 0 };
}

sub error_log_lines {
    my $st = shift;

    my $text = read_file_from($ErrLogFile,
                              $CheckAccumErrLog ? 0 : $st->{err_pos});
    $st->{err_pos} += length $text unless $CheckAccumErrLog;
    return [split /^/m, $text];
}

# The checks upstream makes after each response of a block (and once
# more after its last one): they see the lines logged since the previous
# check, a wait of 3 * TEST_NGINX_SLEEP later (log-phase lines come
# after the response).
sub check_logs {
    my ($block, $st, $rep) = @_;

    my $ctx = " (req $rep)";

    sleep $TestNginxSleep * 3;
    my $err = error_log_lines($st);

    check_grep_error_log($block, $err, $rep, $ctx);
    check_log($block, 'error.log', $err, $ctx, 'error_log', 'no_error_log');
    check_assertions($block, $err);

    return if defined $block->ignore_response;

    my $acc = [split /^/m, read_file_from($AccLogFile, 0)];
    check_log($block, 'access.log', $acc, $ctx, 'access_log',
              'no_access_log');
}

# ---------------------------------------------------------------------
# Running

sub skip_count {
    my ($block) = @_;

    my $name = $block->name;

    if (defined(my $s = $block->skip_eval)) {
        if ($s =~ /^\s*(\d+)\s*:\s*(.*)$/s) {
            my ($n, $code) = ($1, $2);
            my $r = eval "package Test::Nginx::Socket::Eval; use strict;"
                         . " $code";
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

# The connections to make: [{ packets, methods }], the number of
# responses expected, and whether the per-request sections must be
# arrays (several requests, or pipelined ones).  Dies on a bad spec.
sub request_list {
    my $block = shift;

    my $name = $block->name;
    my $more = $block->more_headers;
    my (@conns, $spec);

    if (defined($spec = $block->raw_request)) {
        my @packets = ref $spec eq 'ARRAY' ? @$spec : ($spec);
        my $delay = parse_time($block->raw_request_middle_delay) // 0;
        my $n = 0;
        push @conns, {
            packets => [ map { [$_, $n++ ? $delay : 0] } @packets ],
            methods => [ join('', @packets) =~ /^\s*HEAD\s+/
                         ? 'HEAD' : 'GET' ],
        };
        return (\@conns, 1, 0);
    }

    if (defined($spec = $block->pipelined_requests)) {
        die "invalid entries in --- pipelined_requests\n"
            unless ref $spec eq 'ARRAY';
        my (@methods, $data);
        for my $k (0 .. $#$spec) {
            my $conn = $k == $#$spec ? 'close' : 'keep-alive';
            my $r = build_request(expand_env($spec->[$k], $name),
                                  pick($more, $k), $conn);
            push @methods, $r->{method};
            $data .= join '', map { $_->[0] } @{ $r->{packets} };
        }
        push @conns, { packets => [[$data, 0]], methods => \@methods };
        return (\@conns, scalar @methods, 1);
    }

    $spec = strip_request_comments(scalar $block->request);

    if (!defined $spec && defined $block->request_eval) {
        # deprecated upstream, where it is Perl code
        $spec = eval "package Test::Nginx::Socket::Eval; use strict;"
                     . " " . $block->request_eval;
        die "request_eval: $@" if $@;
    }

    die "request empty\n" unless defined $spec;

    my @reqs = ref $spec eq 'ARRAY' ? @$spec : ($spec);
    die "request empty\n" unless @reqs;

    for my $k (0 .. $#reqs) {
        my $r = build_request($reqs[$k], pick($more, $k), 'close');
        push @conns, { packets => $r->{packets}, methods => [$r->{method}] };
    }

    return (\@conns, scalar @reqs, @reqs > 1 ? 1 : 0);
}

sub run_block {
    my $block = shift;

    my $name = $block->name;
    my $tb = Test::More->builder;

    # Upstream runs a block without a config against the nginx of the
    # block before, not restarted: its logs and files, even its error.log
    # lines.  We start every block afresh, so we refuse that case.
    my $config = $block->config;
    if (!defined $config) {
        bail_out("$name - no '--- config' section (t/lib does not reuse"
                 . " the previous block's server; see t/lib/README.md)");
    }

    my ($nskip, $skip_reason) = skip_count($block);
    if (defined $nskip) {
        SKIP: {
            Test::More::skip("$name - $skip_reason", $nskip * $RepeatEach);
        }
        return;
    }

    my $must_die = $block->must_die;
    my $reqs;

    if (!defined $must_die) {
        my ($conns, $nreq, $need_array) = eval { request_list($block) };
        bail_out("$name - $@") if $@;

        my $problem = block_problem($block, $nreq, $need_array);
        bail_out("$name - $problem") if defined $problem;

        $reqs = [$nreq, $need_array];
    }

    my $todo = $block->todo;
    if (defined $todo && $todo =~ /^\s*\d+\s*:\s*(.*?)\s*$/s) {
        $tb->todo_start($1);
    }

    my $fails_before = grep { !$_ } $tb->summary;

    if (defined $must_die) {
        $must_die =~ s/^\s+|\s+$//g;
        run_must_die($block, $config, $must_die);
    } else {
        run_requests($block, $config, @$reqs);
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

# nginx must exit before it writes its pid file (upstream: the nginx
# command fails, before it goes daemon); a failure after that, in a
# worker or a module's process init, does not count as dying.
sub run_must_die {
    my ($block, $config, $must_die) = @_;

    my $name = $block->name;

    for my $rep (0 .. $RepeatEach - 1) {
        prepare_server_root($block, $config);

        my ($ok, $status) = start_nginx();

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

        my $err = error_log_lines(new_log_reader());
        my $ctx = " (req $rep)";
        check_log($block, 'error.log', $err, $ctx, 'error_log',
                  'no_error_log');
        check_assertions($block, $err);
    }
}

sub run_requests {
    my ($block, $config, $nreq, $need_array) = @_;

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
        push @why, split /\n/, read_file_from("$LogDir/stderr.log", 0);
        Test::More::diag(join "\n", "  config: $ConfFile",
                         map { "  $_" } @why);
        stop_nginx() if $NginxPid;
        return;
    }

    if (defined(my $init = $block->init)) {
        eval "package main; use strict; $init";
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
    my $tn = $need_array ? $nreq : 1;

    my $logs = new_log_reader();

    for my $rep (0 .. $RepeatEach - 1) {
        if ($rep > 0) {
            write_user_files($block);
        }

        my ($conns) = request_list($block);

        my $i = 0;
        for my $c (@$conns) {
            my ($data, $err) = http_exchange($c->{packets}, $timeout,
                                             $shutdown, $addr);

            if ($err) {
                if ($err =~ /timed out/ && defined $block->abort) {
                    # expected: the response so far is checked below
                } else {
                    Test::More::fail("$name - ERROR: $err"
                                     . ($tn > 1 ? " (req $i)" : ''));
                }
            }

            for my $method (@{ $c->{methods} }) {
                my $res = parse_response(\$data, $method, $block->http09);
                if (!defined $block->ignore_response) {
                    if ($res->{bad_chunked}) {
                        Test::More::fail("$name - invalid chunked body:"
                                         . " $res->{error}"
                                         . ($tn > 1 ? " (req $i)" : ''));

                    } elsif ($res->{error}
                             && !($err && defined $block->abort))
                    {
                        Test::More::diag("$name - response: $res->{error}");
                    }
                    check_response($block, $res, $rep, $i, $tn);
                }

                # as upstream: the logs are checked after each response
                if ($i < $nreq - 1) {
                    sleep $wait if $wait;
                    check_logs($block, $logs, $rep);
                }

                $i++;
            }
        }

        sleep $wait if $wait;
        check_logs($block, $logs, $rep);
    }

    my $is_last = $block == $Blocks[-1] ? 1 : 0;
    my $need_shutdown_log = defined $block->shutdown_error_log
                            || defined $block->no_shutdown_error_log;

    if ($NoClean && $is_last && !$need_shutdown_log) {
        return;
    }

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
        # what was logged since the last check, the shutdown included
        check_log($block, 'error.log', error_log_lines($logs), '',
                  'shutdown_error_log', 'no_shutdown_error_log');
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
