//! nsenter against real namespaces made by the tests (with util-linux's
//! unshare, so that these tests pin nsenter alone), plus differential
//! checks against /usr/bin/nsenter for the options 2.38 shares.
//!
//! Each script starts its target processes itself and ends them by PID.

mod common;

use common::{ok, root, sh, sh_in, stderr, stdout, tool};

/// `tests/common/processes.sh` (`start NAME CMD...`, cleanup at exit), and
/// `ns PID TYPE`, a namespace's link text.
const PROLOGUE: &str = concat!(
    include_str!("common/processes.sh"),
    r#"ns() { readlink "/proc/$1/ns/$2"; }
"#
);

fn script(body: &str) -> std::process::Output {
    sh(&format!("{PROLOGUE}\n{body}"))
}

#[test]
fn nsenter_enters_net_and_uts_namespaces_of_target() {
    if !root() {
        return;
    }
    let out = script(
        r#"start P /usr/bin/unshare -n -u sh -c 'echo boxname > /proc/sys/kernel/hostname; touch "$0/P.ready"; exec sleep 60' "$T"
        nsenter -t $P -n -u sh -c 'readlink /proc/self/ns/net; cat /proc/sys/kernel/hostname; readlink /proc/self/ns/mnt'
        ns $P net
        ns $$ mnt"#,
    );
    let text = ok(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5, "{text}");
    assert_eq!(lines[0], lines[3], "net namespace not entered: {text}");
    assert_eq!(lines[1], "boxname");
    assert_eq!(lines[2], lines[4], "mount namespace changed without -m");
}

#[test]
fn nsenter_all_enters_every_namespace_but_own_user_namespace() {
    if !root() {
        return;
    }
    let out = script(
        r#"start P /usr/bin/unshare -m -u -i -n -p -f -C sh -c 'touch "$0/P.ready"; exec sleep 60' "$T"
        C=$(cat /proc/$P/task/$P/children)
        for k in mnt uts ipc net cgroup; do echo "$k $(ns $C $k)"; done
        nsenter -t $C -a sh -c 'for k in mnt uts ipc net cgroup; do echo "$k $(readlink /proc/self/ns/$k)"; done; readlink /proc/self/ns/pid' > inside
        cat inside"#,
    );
    let text = ok(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 11, "{text}\n{}", stderr(&out));
    assert_eq!(&lines[0..5], &lines[5..10], "{text}");
    assert!(lines[10].starts_with("pid:["), "{text}");
}

#[test]
fn nsenter_own_user_namespace_is_einval_named_ns_user() {
    if !root() {
        return;
    }
    let out = tool("nsenter")
        .args(["-t", &std::process::id().to_string(), "-U", "true"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "nsenter: reassociate to namespace 'ns/user' failed: Invalid argument\n"
    );
}

#[test]
fn nsenter_pid_namespace_forks_and_passes_status_and_signal() {
    if !root() {
        return;
    }
    let out = script(
        r#"start P /usr/bin/unshare -p -f --mount-proc sh -c 'touch "$0/P.ready"; exec sleep 60' "$T"
        C=$(cat /proc/$P/task/$P/children)
        set +e
        nsenter -t $C -p -m sh -c 'echo pid=$$; cat /proc/1/comm; exit 7'; echo rc=$?
        nsenter -t $C -p sh -c 'kill -TERM $$'; echo rc=$?
        nsenter -t $C -p -F sh -c 'echo nofork-ppid-is-host=$( [ $PPID -ne 0 ] && echo yes)'; echo rc=$?"#,
    );
    let text = ok(&out);
    assert!(text.contains("rc=7\n"), "{text}");
    assert!(
        text.contains("\nsleep\n"),
        "target's /proc not seen: {text}"
    );
    assert!(!text.contains("pid=1\n"), "{text}");
    assert!(text.contains("rc=143\n"), "signal not re-raised: {text}");
    assert!(text.contains("rc=0\n"), "{text}");
}

#[test]
fn nsenter_enters_namespace_kept_only_by_a_bind_mount() {
    if !root() {
        return;
    }
    let out = script(
        r#"touch netns
        start P /usr/bin/unshare -n sh -c 'touch "$0/P.ready"; exec sleep 60' "$T"
        /usr/bin/mount --bind /proc/$P/ns/net netns
        want=$(ns $P net)
        kill -9 $P; wait $P 2>/dev/null || true
        echo "want $want"
        nsenter --net=netns readlink /proc/self/ns/net
        nsenter -nnetns readlink /proc/self/ns/net
        nsenter -n=netns readlink /proc/self/ns/net"#,
    );
    let text = ok(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}\n{}", stderr(&out));
    let want = lines[0].trim_start_matches("want ");
    assert!(lines[1..].iter().all(|l| *l == want), "{text}");
}

#[test]
fn nsenter_target_with_pidfs_inode_refuses_a_wrong_inode() {
    if !root() {
        return;
    }
    let out = script(
        r#"start P /usr/bin/unshare -u sh -c 'echo inodebox > /proc/sys/kernel/hostname; touch "$0/P.ready"; exec sleep 60' "$T"
        ino=$(python3 -c 'import os,sys; print(os.fstat(os.pidfd_open(int(sys.argv[1]))).st_ino)' $P)
        nsenter -t "$P:$ino" -u cat /proc/sys/kernel/hostname
        set +e
        nsenter -t "$P:$((ino + 1))" -u true; echo rc=$?"#,
    );
    let text = ok(&out);
    assert!(text.starts_with("inodebox\n"), "{text}\n{}", stderr(&out));
    assert!(text.contains("rc=1\n"), "{text}");
    assert!(
        stderr(&out).contains("failed to obtain a valid file descriptor for PID"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn nsenter_credentials_root_wd_and_env() {
    if !root() {
        return;
    }
    let out = script(
        r#"mkdir -p r/sub
        start P env NSBOX_MARK=target sh -c 'cd "$0/r/sub"; touch "$0/P.ready"; exec sleep 60' "$T"
        nsenter -t $P -m -S 65534 -G 65534 id -u
        nsenter -t $P -m -S 65534 -G 65534 id -g
        nsenter -t $P -m -w pwd
        nsenter -t $P -m -r -w pwd
        nsenter -t $P -m -W/tmp pwd
        nsenter -t $P -m --wd=/ pwd
        nsenter -t $P -m -e sh -c 'echo "mark=$NSBOX_MARK"'
        nsenter -t $P -m -S follow -G follow id -u"#,
    );
    let text = ok(&out);
    let t_dir = text.lines().nth(2).unwrap_or_default().to_owned();
    let expected = format!("65534\n65534\n{t_dir}\n{t_dir}\n/tmp\n/\nmark=target\n0\n");
    assert_eq!(text, expected, "{}", stderr(&out));
    assert!(t_dir.ends_with("/r/sub"), "{t_dir}");
}

#[test]
fn nsenter_user_namespace_preserve_credentials_and_keep_caps() {
    if !root() {
        return;
    }
    let out = script(
        r#"start P /usr/bin/unshare -U --map-user=0 --map-group=0 sh -c 'touch "$0/P.ready"; exec sleep 60' "$T"
        nsenter -t $P -U sh -c 'id -u; grep CapAmb /proc/self/status'
        nsenter -t $P -U --keep-caps sh -c 'grep CapAmb /proc/self/status'
        nsenter -t $P -U --preserve-credentials id -u
        start Q /usr/bin/unshare -U -r -f sh -c 'readlink /proc/self/ns/user > "$0/middle"; exec /usr/bin/unshare -U -r sh -c "touch $0/Q.ready; exec sleep 60"' "$T"
        C=$(cat /proc/$Q/task/$Q/children)
        nsenter -t $C --user-parent --preserve-credentials readlink /proc/self/ns/user
        cat middle"#,
    );
    let text = ok(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 6, "{text}\n{}", stderr(&out));
    assert_eq!(lines[0], "0");
    assert_eq!(lines[1], "CapAmb:\t0000000000000000");
    assert_ne!(
        lines[2], "CapAmb:\t0000000000000000",
        "--keep-caps lost caps"
    );
    assert_eq!(lines[3], "0", "root maps to 0 inside");
    assert_eq!(
        lines[4], lines[5],
        "--user-parent is not the middle namespace"
    );
}

#[test]
fn nsenter_net_socket_enters_the_sockets_namespace() {
    if !root() {
        return;
    }
    // The target holds on fd 7 a socket made in our network namespace,
    // but lives in a new one: only the socket leads back to ours.
    let out = script(
        r#"start P python3 -c '
import os, socket, sys
s = socket.socket()
os.dup2(s.fileno(), 7, inheritable=True)
os.execv("/usr/bin/unshare", ["unshare", "-n", "sh", "-c", "touch $0/P.ready; exec sleep 60", sys.argv[1]])' "$T"
        readlink /proc/self/ns/net
        nsenter -t $P -N 7 readlink /proc/self/ns/net
        readlink /proc/$P/ns/net"#,
    );
    let text = ok(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}\n{}", stderr(&out));
    assert_eq!(lines[0], lines[1]);
    assert_ne!(lines[1], lines[2]);
}

#[test]
fn nsenter_join_cgroup_moves_into_target_cgroup() {
    if !root() {
        return;
    }
    let out = script(
        r#"if [ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ]; then echo no-cgroup2; exit 0; fi
        start P sh -c 'touch "$0/P.ready"; exec sleep 60' "$T"
        cat /proc/$P/cgroup
        nsenter -t $P -m -c cat /proc/self/cgroup"#,
    );
    let text = ok(&out);
    if text.starts_with("no-cgroup2") {
        let out = tool("nsenter")
            .args(["-t", "1", "-m", "-c", "true"])
            .output()
            .expect("run");
        assert_eq!(
            stderr(&out),
            "nsenter: --join-cgroup is only supported in cgroup v2\n"
        );
        return;
    }
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}\n{}", stderr(&out));
    assert_eq!(lines[0], lines[1]);
}

#[test]
fn nsenter_enters_mini_container_and_sees_its_hostname_pid1_and_mounts() {
    if !root() {
        return;
    }
    let out = sh_in(
        &[],
        &format!(
            r#"{PROLOGUE}
            MINI_HOSTNAME=entered TMPDIR=$T NSBOX={nsbox} {script} sh -c 'exec sleep 60' &
            M=$!
            # The container's init: the child of the unshare the script started.
            C=
            while [ -z "$C" ] || [ "$(cat /proc/$C/comm 2>/dev/null)" != sleep ]; do
                sleep 0.05
                U=$(cat /proc/$M/task/$M/children 2>/dev/null | tr -d ' ')
                [ -z "$U" ] || C=$(cat /proc/$U/task/$U/children 2>/dev/null | tr -d ' ')
            done
            pids="$pids $C"
            nsenter -t $C -a sh -c 'cat /proc/sys/kernel/hostname; cat /proc/1/comm; findmnt -rn -o TARGET | sort'
            # Ending the container's init lets the script clean up and exit.
            kill -9 $C; wait $M || true"#,
            nsbox = env!("CARGO_BIN_EXE_nsbox"),
            script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/mini-container"),
        ),
    );
    let text = ok(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.first(), Some(&"entered"), "{text}\n{}", stderr(&out));
    assert_eq!(lines.get(1), Some(&"sleep"), "{text}");
    assert!(
        lines.contains(&"/proc") && lines.contains(&"/usr"),
        "{text}"
    );
    assert!(
        !lines
            .iter()
            .any(|l| l.starts_with("/tmp") || l.starts_with("/work")),
        "host mounts visible: {text}"
    );
}

#[test]
fn nsenter_usage_errors_match_util_linux() {
    let cases: &[(&[&str], &str)] = &[
        (&["-n"], "nsenter: no target PID specified\n"),
        (&[], "nsenter: no namespace specified\n"),
        (&["-t", "abc", "-n"], "nsenter: invalid PID argument\n"),
        (
            &["--bogus"],
            "nsenter: unrecognized option '--bogus'\nTry 'nsenter --help' for more information.\n",
        ),
        (
            &["-t", "999999999", "-n", "true"],
            "nsenter: cannot open /proc/999999999/ns/net: No such file or directory\n",
        ),
        (
            &["--net=/nonexistent/x", "true"],
            "nsenter: cannot open /nonexistent/x: No such file or directory\n",
        ),
        (
            &["-w", "-W/", "true"],
            "nsenter: options --wd and --wdns cannot be combined\n",
        ),
    ];
    // getopt's own messages name the program as invoked (here by path).
    let invoked = format!(
        "{}: unrecognized",
        common::bin_dir().join("nsenter").display()
    );
    for (args, expected) in cases {
        let out = tool("nsenter").args(*args).output().expect("run");
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let expected = expected.replace("nsenter: unrecognized", &invoked);
        assert_eq!(stderr(&out), expected, "{args:?}");
        assert_eq!(stdout(&out), "", "{args:?}");
    }
}

#[test]
fn nsenter_matches_util_linux_on_shared_options() {
    if !root() {
        return;
    }
    // Same stdout and exit status as /usr/bin/nsenter (2.38) for the same
    // command lines against the same target.
    let out = script(
        r#"start P /usr/bin/unshare -n -u -i sh -c 'echo diffbox > /proc/sys/kernel/hostname; touch "$0/P.ready"; exec sleep 60' "$T"
        for impl in nsenter /usr/bin/nsenter; do
            set +e
            $impl -t $P -u cat /proc/sys/kernel/hostname; echo "rc=$?"
            $impl -t $P -n -i readlink /proc/self/ns/net /proc/self/ns/ipc; echo "rc=$?"
            $impl -t $P -u sh -c 'exit 5'; echo "rc=$?"
            $impl -t $P -u /nonexistent/prog 2>/dev/null; echo "rc=$?"
            $impl -t $P -u /etc 2>/dev/null; echo "rc=$?"
            $impl -t $P -S 1 -G 1 -u id -u; echo "rc=$?"
            $impl -t $P --uts=/proc/$P/ns/uts cat /proc/sys/kernel/hostname; echo "rc=$?"
            set -e
            echo ---
        done"#,
    );
    let text = ok(&out);
    let halves: Vec<&str> = text.split("---\n").collect();
    assert_eq!(halves.len(), 3, "{text}");
    assert_eq!(halves[0], halves[1], "differs from util-linux:\n{text}");
    assert!(halves[0].contains("diffbox\nrc=0\n"), "{text}");
    assert!(halves[0].contains("rc=127\nrc=126\n"), "{text}");
}

/// Without SELinux `-Z` has nothing to follow and, as in util-linux 2.42,
/// says nothing.
#[test]
fn nsenter_follow_context_is_silent_without_selinux() {
    if !root() || std::path::Path::new("/sys/fs/selinux/enforce").exists() {
        return;
    }
    let out = tool("nsenter")
        .args(["-Z", "-t", &std::process::id().to_string(), "-u", "true"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
}

#[test]
fn nsenter_refuses_a_zombie_target() {
    if !root() {
        return;
    }
    let out = script(
        r#"start P python3 -c '
import os, sys, time
pid = os.fork()
if pid == 0:
    os._exit(0)
open(sys.argv[1] + "/zpid", "w").write(str(pid))
open(sys.argv[1] + "/P.ready", "w").close()
time.sleep(60)' "$T"
        Z=$(cat zpid)
        while ! grep -q '^State:.*Z' /proc/$Z/status; do sleep 0.02; done
        set +e
        nsenter -t $Z -n true; echo rc=$?"#,
    );
    let text = ok(&out);
    assert_eq!(text, "rc=1\n");
    assert_eq!(
        stderr(&out),
        "nsenter: reassociate to namespaces failed: No such process\n"
    );
}

#[test]
fn nsenter_follows_a_stopped_child_and_resumes_it() {
    if !root() {
        return;
    }
    // The program stops itself; nsenter stops too, and when continued it
    // continues the program, then passes on its exit status.
    let out = script(
        r#"start P /usr/bin/unshare -p -f sh -c 'touch "$0/P.ready"; exec sleep 60' "$T"
        C=$(cat /proc/$P/task/$P/children)
        set +e
        nsenter -t $C -p sh -c 'kill -STOP $$; echo resumed; exit 4' > out & N=$!
        while [ "$(cut -d' ' -f3 /proc/$N/stat)" != T ]; do sleep 0.02; done
        echo nsenter-stopped
        kill -CONT $N
        wait $N; echo rc=$?
        cat out"#,
    );
    let text = ok(&out);
    assert_eq!(text, "nsenter-stopped\nrc=4\nresumed\n", "{}", stderr(&out));
}

#[test]
fn nsenter_enters_a_namespace_persisted_by_our_unshare() {
    if !root() {
        return;
    }
    let out = script(
        r#"touch netfile utsfile
        unshare --net=netfile --uts=utsfile sh -c 'echo persisted > /proc/sys/kernel/hostname; readlink /proc/self/ns/net'
        nsenter --net=netfile --uts=utsfile sh -c 'readlink /proc/self/ns/net; cat /proc/sys/kernel/hostname'
        readlink /proc/self/ns/net"#,
    );
    let text = ok(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}\n{}", stderr(&out));
    assert_eq!(lines[0], lines[1], "not the persisted namespace");
    assert_eq!(lines[2], "persisted");
    assert_ne!(lines[1], lines[3]);
}

#[test]
fn help_and_version_report_write_errors() {
    // util-linux close_stdout(): "write error: strerror" and status 1.
    let out = sh("set +e; nsenter --version > /dev/full; echo rc=$?; \
         nsenter --help > /dev/full; echo rc=$?");
    assert_eq!(stdout(&out), "rc=1\nrc=1\n");
    assert_eq!(
        stderr(&out),
        "nsenter: write error: No space left on device\n\
         nsenter: write error: No space left on device\n"
    );
}
