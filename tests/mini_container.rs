//! scripts/mini-container end to end: the seed's mini container built with
//! nsbox tools only, with an assembled root and with a `--rootfs` directory.
//! Each run is wrapped in a private mount namespace of its own (common::sh),
//! so even a broken tool could not mount on the host.

mod common;

use common::{ok, root, sh, sh_in, stderr};

/// The command that runs the script with the nsbox binary under test.
fn mini() -> String {
    format!(
        "NSBOX={} {}/scripts/mini-container",
        env!("CARGO_BIN_EXE_nsbox"),
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn mini_container_runs_command_as_pid1_with_own_hostname_and_mounts() {
    if !root() {
        return;
    }
    let out = sh(&format!(
        "cat /proc/self/mountinfo > before
         mkdir tmpdir; export TMPDIR=$T/tmpdir
         set +e
         {} sh -c 'echo pid=$$; echo host=$(cat /proc/sys/kernel/hostname); \
                   findmnt -rn -o TARGET | sort; exit 7'
         echo status=$?
         set -e
         cat /proc/self/mountinfo > after
         cmp before after && echo table-unchanged
         [ -z \"$(ls -A tmpdir)\" ] && echo no-leftovers",
        mini()
    ));
    let text = ok(&out);
    assert!(text.contains("pid=1\n"), "{text}\n{}", stderr(&out));
    assert!(text.contains("host=nsbox-mini\n"), "{text}");
    assert!(text.contains("status=7\n"), "{text}");
    assert!(text.contains("table-unchanged\n"), "{text}");
    assert!(text.contains("no-leftovers\n"), "{text}");
    let targets: Vec<&str> = text.lines().filter(|l| l.starts_with('/')).collect();
    for expected in ["/", "/usr", "/proc", "/dev", "/dev/null"] {
        assert!(
            targets.contains(&expected),
            "{expected} missing: {targets:?}"
        );
    }
    for target in &targets {
        assert!(
            *target == "/"
                || target.starts_with("/usr")
                || target.starts_with("/dev")
                || *target == "/proc",
            "host mount visible inside: {target}"
        );
    }
}

#[test]
fn mini_container_without_command_shows_hostname_processes_and_mounts() {
    if !root() {
        return;
    }
    let out = sh(&format!("MINI_HOSTNAME=boxy {} < /dev/null", mini()));
    let text = ok(&out);
    assert!(
        text.contains("hostname: boxy\n"),
        "{text}\n{}",
        stderr(&out)
    );
    // ps -ef: the container's first process is PID 1, its parent PID 0.
    assert!(
        text.lines().any(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            f.len() > 3 && f[1] == "1" && f[2] == "0"
        }),
        "no PID 1 in the process list:\n{text}"
    );
    assert!(
        text.lines().any(|l| l.starts_with("TARGET")),
        "no findmnt header:\n{text}"
    );
    assert!(!text.contains("/work"), "host mount visible:\n{text}");
    assert!(!text.contains("nsbox-test"), "host mount visible:\n{text}");
}

#[test]
fn mini_container_rootfs_dir_is_used_and_left_unchanged() {
    if !root() {
        return;
    }
    // A rootfs directory like a debootstrap tree: its own /etc, the host's
    // /usr bind-mounted (in the test's private namespace) for the binaries.
    let out = sh(&format!(
        "mkdir -p r/usr r/etc r/proc r/dev r/tmp r/marker-dir
         for d in bin sbin lib lib64; do ln -s usr/$d r/$d; done
         echo from-rootfs > r/etc/motd
         /usr/bin/mount --bind /usr r/usr
         snap() {{ find r -xdev -printf '%p %m %s %l\\n' | sort; }}
         snap > before
         set +e
         {} --rootfs r sh -c 'echo pid=$$; cat /etc/motd; ls / | tr \"\\n\" \" \"; echo; exit 3'
         echo status=$?
         set -e
         snap > after
         diff before after && echo rootfs-unchanged",
        mini()
    ));
    let text = ok(&out);
    assert!(text.contains("pid=1\n"), "{text}\n{}", stderr(&out));
    assert!(text.contains("from-rootfs\n"), "{text}");
    assert!(text.contains("marker-dir"), "{text}");
    assert!(!text.contains("put_old"), "put_old left visible: {text}");
    assert!(text.contains("status=3\n"), "{text}");
    assert!(text.contains("rootfs-unchanged\n"), "{text}");
}

/// Perl server: listens on 127.0.0.1:7357, creates the file ARGV[1] once
/// listening, answers every connection with ARGV[0].
const SERVE_PL: &str = r#"use IO::Socket::INET;
my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1:7357", Listen => 5, ReuseAddr => 1)
    or die "listen: $!";
open(my $f, ">", $ARGV[1]) or die; close $f;
while (my $c = $s->accept) { print $c "$ARGV[0]\n"; close $c; }
"#;

/// Perl client: prints the answer of 127.0.0.1:7357.
const ASK_PL: &str = r#"use IO::Socket::INET;
my $c = IO::Socket::INET->new(PeerAddr => "127.0.0.1:7357") or die "connect: $!";
print scalar <$c>;
"#;

/// Runs inside the container: its own server, asked from inside.
const INNER_SH: &str = r#"perl /tmp/serve.pl inside /tmp/inner-ready & pid=$!
while [ ! -e /tmp/inner-ready ]; do sleep 0.05; done
echo "in-container: $(perl /tmp/ask.pl)"
while [ ! -e /tmp/go ]; do sleep 0.05; done
kill $pid
"#;

#[test]
fn mini_container_loopback_server_coexists_with_host_server_on_same_port() {
    if !root() {
        return;
    }
    // The "host" side is itself a fresh network namespace (so the test owns
    // its loopback); the container gets its own, nested one. Both servers
    // listen on 127.0.0.1:7357 at the same moment and each answers its side.
    let dir = std::env::temp_dir().join(format!("nsbox-loopback-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    for (name, text) in [
        ("serve.pl", SERVE_PL),
        ("ask.pl", ASK_PL),
        ("inner.sh", INNER_SH),
    ] {
        std::fs::write(dir.join(name), text).expect("write script");
    }
    let script = format!(
        "S={dir}
         mkdir -p r/usr r/etc r/proc r/dev r/tmp
         for d in bin sbin lib lib64; do ln -s usr/$d r/$d; done
         /usr/bin/mount --bind /usr r/usr
         cp $S/serve.pl $S/ask.pl $S/inner.sh r/tmp/
         ip link set lo up
         perl $S/serve.pl host host-ready & hostpid=$!
         while [ ! -e host-ready ]; do sleep 0.05; done
         {mini} --rootfs r sh /tmp/inner.sh & minipid=$!
         while [ ! -e r/tmp/inner-ready ]; do sleep 0.05; done
         echo \"on-host: $(perl $S/ask.pl)\"
         touch r/tmp/go
         wait $minipid
         kill $hostpid",
        dir = dir.display(),
        mini = mini()
    );
    let out = sh_in(&["--net"], &script);
    let _ = std::fs::remove_dir_all(&dir);
    let text = ok(&out);
    assert!(
        text.contains("in-container: inside\n"),
        "{text}\n{}",
        stderr(&out)
    );
    assert!(text.contains("on-host: host\n"), "{text}\n{}", stderr(&out));
}

#[test]
fn mini_container_on_a_terminal_opens_a_shell_as_pid1() {
    if !root() {
        return;
    }
    // script(1) gives the container a terminal; the shell reads our input.
    let out = sh(&format!(
        "printf 'echo inside-shell-$$\\nexit 5\\n' > input
         set +e
         script -qec '{}' /dev/null < input > typescript
         echo status=$?
         set -e
         grep -c inside-shell-1 typescript",
        mini()
    ));
    let text = ok(&out);
    assert!(text.contains("status=5\n"), "{text}\n{}", stderr(&out));
    assert!(text.ends_with("1\n"), "no shell output: {text}");
}
