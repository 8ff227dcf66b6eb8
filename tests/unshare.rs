//! unshare(1) end to end: the built tool in real namespaces, as root.
//!
//! Whatever mounts (a mount namespace's propagation change included) runs in
//! `common::sh`, a private mount namespace of its own with a scratch tmpfs
//! at `$T`, so nothing can reach the host's mount table. Differential tests
//! run util-linux 2.38 (`/usr/bin/unshare`) with the same arguments where
//! its behaviour is the 2.42 one.

mod common;

use common::{ok, root, sh, stderr, stdout, tool};
use std::io::Write;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------- helpers

/// Runs our unshare with `args`, argv[0] `unshare` (getopt's messages show
/// argv[0] as given; util-linux is run the same way).
fn ours(args: &[&str]) -> Output {
    tool("unshare")
        .arg0("unshare")
        .args(args)
        .output()
        .expect("run unshare")
}

/// Runs util-linux's unshare with `args` (argv[0] `unshare`, as our link
/// is named; getopt's messages start with argv[0] as given).
fn theirs(args: &[&str]) -> Output {
    Command::new("/usr/bin/unshare")
        .arg0("unshare")
        .args(args)
        .env("LC_ALL", "C")
        .output()
        .expect("run /usr/bin/unshare")
}

/// Asserts both unshares give the same stdout, stderr and exit status.
#[track_caller]
fn same_as_util_linux(args: &[&str]) {
    let (a, b) = (ours(args), theirs(args));
    assert_eq!(
        (stdout(&a), stderr(&a), a.status.code(), a.status.signal()),
        (stdout(&b), stderr(&b), b.status.code(), b.status.signal()),
        "unshare {args:?}: ours (left) vs util-linux 2.38 (right)"
    );
}

/// Asserts failure with exactly `err` on stderr, nothing on stdout, status 1.
#[track_caller]
fn fails_with(args: &[&str], err: &str) {
    let out = ours(args);
    assert_eq!(
        (
            stdout(&out).as_str(),
            stderr(&out).as_str(),
            out.status.code()
        ),
        ("", err, Some(1)),
        "unshare {args:?}"
    );
}

/// A scratch directory on the host file system (no mounts), unique per test.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("nsbox-unshare-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        Scratch(dir)
    }
    fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Waits (up to 10 s) until `path` exists with a complete line; returns it.
fn wait_for_file(path: &Path) -> String {
    let start = Instant::now();
    loop {
        if let Ok(text) = std::fs::read_to_string(path) {
            if text.ends_with('\n') {
                return text;
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "timed out waiting for {path:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn send(pid: i32, signo: i32) {
    // SAFETY: kill(2) with a pid we started; no memory is involved.
    assert_eq!(unsafe { libc::kill(pid, signo) }, 0, "kill({pid}, {signo})");
}

fn alive(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| {
            let state = s.rsplit(')').next().unwrap_or("").trim_start();
            !state.starts_with('Z') && !state.starts_with('X')
        })
        .unwrap_or(false)
}

/// Waits for a spawned child with a 10 s limit (killing it on timeout).
fn wait_limited(child: &mut std::process::Child) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status;
        }
        if start.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("child did not end in time");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

// ------------------------------------------------------- namespace kinds

const KINDS: [(&str, &str, &str); 8] = [
    ("m", "mount", "mnt"),
    ("u", "uts", "uts"),
    ("i", "ipc", "ipc"),
    ("n", "net", "net"),
    ("p", "pid", "pid"),
    ("U", "user", "user"),
    ("C", "cgroup", "cgroup"),
    ("T", "time", "time"),
];

/// For each option in `opts` (e.g. `-m` or `--mount`), the namespace kinds
/// whose `/proc/self/ns` link differs in a forked child from the caller's.
fn changed_kinds(opts: &[String]) -> String {
    let names: Vec<&str> = KINDS.iter().map(|k| k.2).collect();
    let mut script = String::from("for k in ");
    script += &names.join(" ");
    script += "; do echo \"$k $(readlink /proc/self/ns/$k)\"; done > base\n";
    for opt in opts {
        script += &format!(
            "echo \"== {opt}\"; unshare -f {opt} sh -c 'for k in {}; do \
             [ \"$(readlink /proc/self/ns/$k)\" = \"$(grep \"^$k \" base | cut -d\" \" -f2)\" ] \
             || echo $k; done'\n",
            names.join(" ")
        );
    }
    ok(&sh(&script))
}

fn expect_each_changes_only_its_kind(long: bool) {
    let opts: Vec<String> = KINDS
        .iter()
        .map(|(short, long_name, _)| {
            if long {
                format!("--{long_name}")
            } else {
                format!("-{short}")
            }
        })
        .collect();
    let out = changed_kinds(&opts);
    let mut expected = String::new();
    for (opt, kind) in opts.iter().zip(KINDS.iter()) {
        expected += &format!("== {opt}\n{}\n", kind.2);
    }
    assert_eq!(out, expected);
}

#[test]
fn unshare_short_letters_each_unshare_exactly_their_namespace() {
    if !root() {
        return;
    }
    expect_each_changes_only_its_kind(false);
}

#[test]
fn unshare_long_forms_each_unshare_exactly_their_namespace() {
    if !root() {
        return;
    }
    expect_each_changes_only_its_kind(true);
}

#[test]
fn unshare_clustered_letters_unshare_every_kind() {
    if !root() {
        return;
    }
    let out = changed_kinds(&["-muinpUCT".to_owned()]);
    assert_eq!(
        out,
        "== -muinpUCT\nmnt\nuts\nipc\nnet\npid\nuser\ncgroup\ntime\n"
    );
}

#[test]
fn unshare_uts_hostname_change_stays_inside() {
    if !root() {
        return;
    }
    let before = std::fs::read_to_string("/proc/sys/kernel/hostname").expect("hostname");
    let out = ours(&["-u", "sh", "-c", "hostname nsbox-uts-test && hostname"]);
    assert_eq!(ok(&out), "nsbox-uts-test\n");
    let after = std::fs::read_to_string("/proc/sys/kernel/hostname").expect("hostname");
    assert_eq!(before, after);
}

#[test]
fn unshare_net_has_only_loopback() {
    if !root() {
        return;
    }
    let out = ours(&[
        "-n",
        "sh",
        "-c",
        "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '",
    ]);
    assert_eq!(ok(&out), "lo\n");
}

#[test]
fn unshare_mount_namespace_keeps_mounts_inside() {
    if !root() {
        return;
    }
    let out = sh("export T; mkdir m
        unshare -m sh -c '/usr/bin/mount -t tmpfs inside \"$T/m\" && grep -c \" $T/m \" /proc/self/mountinfo'
        grep -c \" $T/m \" /proc/self/mountinfo || echo none-outside");
    assert_eq!(ok(&out), "1\n0\nnone-outside\n");
}

// ------------------------------------------------------------ propagation

/// Runs one propagation case: the scratch mount `$T` is made shared, then
/// `unshare -m ARGS` starts a child that records the propagation fields of
/// its copy of `$T`, mounts on `$T/in` (sent?) and looks for a mount the
/// parent makes on `$T/out` after the child started (received?).
/// Returns (outer fields, inner fields, received, sent).
fn propagation_case(args: &str) -> (String, String, bool, bool) {
    let script = format!(
        r#"export T; mkdir in out
cat > prop <<'EOF'
#!/bin/sh
awk -v t="$1" '$5==t {{ s=""; for (i=7; $i!="-"; i++) s=s $i " "; print "[" s "]" }}' /proc/self/mountinfo
EOF
chmod +x prop
/usr/bin/mount --make-shared "$T"
./prop "$T" > outer
unshare -m {args} sh -c '
  "$T/prop" "$T" > "$T/inner"
  /usr/bin/mount -t tmpfs inner "$T/in"
  touch "$T/ready"
  while [ ! -e "$T/go" ]; do sleep 0.02; done
  if grep -q " $T/out " /proc/self/mountinfo; then echo yes > "$T/recv"; else echo no > "$T/recv"; fi
' &
while [ ! -e ready ]; do sleep 0.02; done
/usr/bin/mount -t tmpfs outer "$T/out"
touch go
wait $!
if grep -q " $T/in " /proc/self/mountinfo; then echo yes > sent; else echo no > sent; fi
echo "$(cat outer)|$(cat inner)|$(cat recv)|$(cat sent)"
"#
    );
    let text = ok(&sh(&script));
    let fields: Vec<&str> = text.trim_end().split('|').collect();
    assert_eq!(fields.len(), 4, "{text}");
    (
        fields[0].to_owned(),
        fields[1].to_owned(),
        fields[2] == "yes",
        fields[3] == "yes",
    )
}

fn group_of(fields: &str, tag: &str) -> Option<String> {
    fields
        .trim_matches(|c| c == '[' || c == ']')
        .split(' ')
        .find_map(|f| f.strip_prefix(tag).map(str::to_owned))
}

#[test]
fn unshare_propagation_default_is_private() {
    if !root() {
        return;
    }
    let (outer, inner, received, sent) = propagation_case("");
    assert!(group_of(&outer, "shared:").is_some(), "outer {outer}");
    assert_eq!(inner, "[]", "no shared:/master: inside");
    assert!(!received && !sent);
}

#[test]
fn unshare_propagation_private_isolates_both_ways() {
    if !root() {
        return;
    }
    let (_, inner, received, sent) = propagation_case("--propagation private");
    assert_eq!(inner, "[]");
    assert!(!received && !sent);
}

#[test]
fn unshare_propagation_slave_receives_but_does_not_send() {
    if !root() {
        return;
    }
    let (outer, inner, received, sent) = propagation_case("--propagation slave");
    assert_eq!(
        group_of(&inner, "master:"),
        group_of(&outer, "shared:"),
        "{outer} {inner}"
    );
    assert_eq!(group_of(&inner, "shared:"), None, "{inner}");
    assert!(received, "slave copy receives the parent's mount");
    assert!(!sent, "slave copy does not send its mount back");
}

#[test]
fn unshare_propagation_shared_leaks_back() {
    if !root() {
        return;
    }
    let (outer, inner, received, sent) = propagation_case("--propagation shared");
    assert!(group_of(&inner, "shared:").is_some(), "{inner}");
    assert_eq!(group_of(&inner, "shared:"), group_of(&outer, "shared:"));
    assert!(received && sent);
}

#[test]
fn unshare_propagation_unchanged_keeps_the_peer_group() {
    if !root() {
        return;
    }
    let (outer, inner, received, sent) = propagation_case("--propagation unchanged");
    assert_eq!(inner, outer);
    assert!(received && sent);
}

#[test]
fn unshare_propagation_is_ignored_without_a_mount_namespace() {
    if !root() {
        return;
    }
    // $T is private in the test namespace; a recursive MS_SHARED on / made
    // by mistake in this namespace would show as shared:N.
    let out = sh("export T
        unshare -u --propagation shared sh -c 'grep \" $T \" /proc/self/mountinfo'
        grep \" $T \" /proc/self/mountinfo");
    let text = ok(&out);
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(!text.contains("shared:"), "{text}");
}

#[test]
fn unshare_propagation_bogus_is_rejected() {
    fails_with(
        &["--propagation", "bogus", "true"],
        "unshare: unsupported propagation mode: bogus\n",
    );
    same_as_util_linux(&["--propagation", "bogus", "true"]);
}

// ------------------------------------------------------------ pid and /proc

#[test]
fn unshare_pid_fork_mount_proc_shows_child_as_pid_1() {
    if !root() {
        return;
    }
    let out = sh(
        "unshare -p -f --mount-proc sh -c 'echo $$; cat /proc/1/comm; \
                  ls /proc | grep -c \"^[0-9][0-9]*$\"'",
    );
    let text = ok(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[..2], ["1", "sh"], "{text}");
    let procs: u32 = lines[2].parse().expect("count");
    assert!(
        procs <= 4,
        "only this namespace's processes in the new /proc: {text}"
    );
}

#[test]
fn unshare_mount_proc_dir_mounts_proc_there() {
    if !root() {
        return;
    }
    // BC-25: a custom DIR that is not a mount point.
    let out = sh("export T; mkdir -p r/proc
        unshare -pf --mount-proc=\"$T/r/proc\" sh -c 'cat \"$T/r/proc/1/comm\"; \
          awk -v t=\"$T/r/proc\" \"\\$5==t {print \\$(NF-2), \\$7}\" /proc/self/mountinfo'
        grep -c \" $T/r/proc \" /proc/self/mountinfo || true");
    assert_eq!(
        ok(&out),
        "sh\nproc -\n0\n",
        "proc, private (no optional fields)"
    );
}

#[test]
fn unshare_pid_without_fork_makes_the_first_child_pid_1() {
    if !root() {
        return;
    }
    // BC-22: unshare itself (and so the exec'd shell) stays outside.
    let out = ours(&["-p", "sh", "-c", "echo outer=$$; sh -c 'echo inner=$$'"]);
    let text = ok(&out);
    assert!(text.ends_with("inner=1\n"), "{text}");
    assert!(!text.starts_with("outer=1\n"), "{text}");
}

#[test]
fn unshare_pid_ns_init_ignores_its_own_sigkill() {
    if !root() {
        return;
    }
    // BC-27, third recipe: PID 1 cannot kill itself with SIGKILL.
    let out = ours(&[
        "--pid",
        "--kill-child",
        "sh",
        "-c",
        "kill -KILL $$; echo survived",
    ]);
    assert_eq!(ok(&out), "survived\n");
}

// ------------------------------------------------------ exit status, signals

#[test]
fn unshare_fork_passes_exit_status() {
    if !root() {
        return;
    }
    let out = ours(&["-f", "sh", "-c", "exit 3"]);
    assert_eq!(out.status.code(), Some(3));
    same_as_util_linux(&["-f", "sh", "-c", "echo hi; exit 3"]);
}

#[test]
fn unshare_fork_reraises_child_sigkill() {
    if !root() {
        return;
    }
    // BC-27: util-linux 2.38 printed "sigprocmask unblock failed" and
    // exited 1 here; nsbox dies of SIGKILL like the child.
    for args in [&["--fork"][..], &["--kill-child"][..]] {
        let mut all = args.to_vec();
        all.extend(["sh", "-c", "kill -KILL $$"]);
        let out = ours(&all);
        assert_eq!(
            out.status.signal(),
            Some(libc::SIGKILL),
            "{all:?}: {:?}",
            out.status
        );
        assert_eq!(stderr(&out), "", "{all:?}");
    }
}

#[test]
fn unshare_fork_reraises_child_sigterm_and_sigsegv() {
    if !root() {
        return;
    }
    let out = ours(&["-f", "sh", "-c", "kill -TERM $$"]);
    assert_eq!(out.status.signal(), Some(libc::SIGTERM));
    same_as_util_linux(&["-f", "sh", "-c", "kill -TERM $$"]);
    // unshare dumps core like the child would (as util-linux): no cores.
    let out = Command::new("sh")
        .args(["-c", "ulimit -c 0; exec \"$0\" -f sh -c 'kill -SEGV $$'"])
        .arg(common::bin_dir().join("unshare"))
        .output()
        .expect("run");
    assert_eq!(out.status.signal(), Some(libc::SIGSEGV), "{:?}", out.status);
    assert_eq!(stderr(&out), "");
}

#[test]
fn unshare_fork_reraises_realtime_signal() {
    if !root() {
        return;
    }
    let out = ours(&[
        "-f",
        "sh",
        "-c",
        "kill -s RTMIN+3 $$ 2>/dev/null || kill -37 $$",
    ]);
    assert_eq!(
        out.status.signal(),
        Some(libc::SIGRTMIN() + 3),
        "{:?}",
        out.status
    );
}

#[test]
fn unshare_fork_parent_blocks_sigterm_and_sigint_while_waiting() {
    if !root() {
        return;
    }
    let dir = Scratch::new("block");
    let info = dir.file("info");
    let script = format!(
        "trap 'exit 7' TERM; grep SigBlk /proc/self/status > {i}.tmp; echo $$ >> {i}.tmp; \
         mv {i}.tmp {i}; while :; do sleep 0.02; done",
        i = info.display()
    );
    let mut child = tool("unshare")
        .args(["-f", "sh", "-c", &script])
        .spawn()
        .expect("spawn");
    let text = wait_for_file(&info);
    let mut lines = text.lines();
    let sigblk = lines.next().unwrap_or("");
    let inner: i32 = lines.next().unwrap_or("").parse().expect("child pid");
    assert_eq!(
        sigblk, "SigBlk:\t0000000000000000",
        "the child gets the caller's mask back"
    );
    let parent = i32::try_from(child.id()).expect("pid");
    send(parent, libc::SIGTERM);
    send(parent, libc::SIGINT);
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        child.try_wait().expect("try_wait").is_none(),
        "parent ignored SIGTERM/SIGINT"
    );
    assert!(alive(inner));
    send(inner, libc::SIGTERM);
    let status = wait_limited(&mut child);
    assert_eq!(status.code(), Some(7), "{status:?}");
}

#[test]
fn unshare_forward_signals_passes_sigterm_to_the_child() {
    if !root() {
        return;
    }
    let dir = Scratch::new("forward");
    let ready = dir.file("ready");
    let script = format!(
        "trap 'exit 7' TERM; echo $$ > {r}.tmp; mv {r}.tmp {r}; while :; do sleep 0.02; done",
        r = ready.display()
    );
    let mut child = tool("unshare")
        .args(["--forward-signals", "sh", "-c", &script])
        .spawn()
        .expect("spawn");
    wait_for_file(&ready);
    send(i32::try_from(child.id()).expect("pid"), libc::SIGTERM);
    let status = wait_limited(&mut child);
    assert_eq!(
        status.code(),
        Some(7),
        "the child's TERM trap ran: {status:?}"
    );
}

#[test]
fn unshare_fo_is_ambiguous_between_fork_and_forward_signals() {
    fails_with(
        &["--fo", "true"],
        "unshare: option '--fo' is ambiguous; possibilities: '--fork' '--forward-signals'\n\
         Try 'unshare --help' for more information.\n",
    );
}

#[test]
fn unshare_kill_child_signals_the_child_when_unshare_dies() {
    if !root() {
        return;
    }
    let dir = Scratch::new("killchild");
    // With --kill-child=TERM the child's trap records the signal; with a
    // plain --fork it keeps running (then we stop it ourselves).
    for (opt, expect_signal) in [("--kill-child=term", true), ("--fork", false)] {
        let got = dir.file(&format!("got{expect_signal}"));
        let ready = dir.file(&format!("ready{expect_signal}"));
        let script = format!(
            "trap 'echo term > {g}; exit 0' TERM; echo $$ > {r}.tmp; mv {r}.tmp {r}; \
             while :; do sleep 0.02; done",
            g = got.display(),
            r = ready.display()
        );
        let mut child = tool("unshare")
            .args([opt, "sh", "-c", &script])
            .spawn()
            .expect("spawn");
        let inner: i32 = wait_for_file(&ready).trim().parse().expect("pid");
        send(i32::try_from(child.id()).expect("pid"), libc::SIGKILL);
        let _ = child.wait();
        if expect_signal {
            assert_eq!(wait_for_file(&got), "term\n");
        } else {
            std::thread::sleep(Duration::from_millis(300));
            assert!(alive(inner), "without --kill-child the child lives on");
            assert!(!got.exists());
            send(inner, libc::SIGKILL);
        }
    }
}

#[test]
fn unshare_kill_child_rejects_unknown_signal_names() {
    fails_with(
        &["--kill-child=bogus", "true"],
        "unshare: unknown signal: bogus\n",
    );
    fails_with(
        &["--kill-child=15", "true"],
        "unshare: unknown signal: 15\n",
    );
    same_as_util_linux(&["--kill-child=bogus", "true"]);
}

// ------------------------------------------------------------- user ids

#[test]
fn unshare_user_without_map_gives_overflow_ids() {
    if !root() {
        return;
    }
    // BC-29
    let out = ours(&[
        "-U",
        "sh",
        "-c",
        "id -u; id -g; wc -c < /proc/self/uid_map; cat /proc/self/setgroups",
    ]);
    assert_eq!(ok(&out), "65534\n65534\n0\nallow\n");
    same_as_util_linux(&[
        "-U",
        "sh",
        "-c",
        "id; cat /proc/self/uid_map /proc/self/setgroups",
    ]);
}

#[test]
fn unshare_map_root_user_maps_0_and_denies_setgroups() {
    if !root() {
        return;
    }
    // BC-30
    let out = ours(&[
        "-r",
        "sh",
        "-c",
        "id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups",
    ]);
    let text = ok(&out);
    let words: Vec<&str> = text.split_whitespace().collect();
    assert_eq!(
        words,
        ["0", "0", "0", "0", "1", "0", "0", "1", "deny"],
        "{text}"
    );
    same_as_util_linux(&[
        "--map-root-user",
        "sh",
        "-c",
        "id; cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups",
    ]);
}

#[test]
fn unshare_map_root_user_with_setgroups_allow_is_rejected() {
    fails_with(
        &["-r", "--setgroups=allow", "true"],
        "unshare: options --setgroups=allow and --map-group are mutually exclusive\n",
    );
}

#[test]
fn unshare_map_current_user_keeps_own_ids() {
    if !root() {
        return;
    }
    let out = ours(&[
        "-c",
        "sh",
        "-c",
        "id -u; cat /proc/self/uid_map /proc/self/setgroups",
    ]);
    let words: Vec<String> = ok(&out).split_whitespace().map(str::to_owned).collect();
    assert_eq!(words, ["0", "0", "0", "1", "deny"]);
    same_as_util_linux(&["--map-current-user", "id"]);
}

#[test]
fn unshare_map_user_and_group_resolve_names_and_numbers() {
    if !root() {
        return;
    }
    let show = "awk '{print $1, $2, $3}' /proc/self/uid_map /proc/self/gid_map";
    let out = ours(&["--map-user=nobody", "--map-group=nogroup", "sh", "-c", show]);
    assert_eq!(ok(&out), "65534 0 1\n65534 0 1\n");
    let out = ours(&[
        "--map-user",
        "1234",
        "--map-group",
        "4321",
        "sh",
        "-c",
        show,
    ]);
    assert_eq!(ok(&out), "1234 0 1\n4321 0 1\n");
    same_as_util_linux(&["--map-user=nobody", "--map-group=nogroup", "sh", "-c", show]);
    fails_with(
        &["--map-user=no-such-user-nsbox", "true"],
        "unshare: failed to parse uid 'no-such-user-nsbox'\n",
    );
    fails_with(
        &["--map-group=no-such-group-nsbox", "true"],
        "unshare: failed to parse gid 'no-such-group-nsbox'\n",
    );
}

#[test]
fn unshare_setgroups_allow_and_deny_are_written() {
    if !root() {
        return;
    }
    for word in ["allow", "deny"] {
        let out = ours(&["-U", "--setgroups", word, "cat", "/proc/self/setgroups"]);
        assert_eq!(ok(&out), format!("{word}\n"));
    }
    fails_with(
        &["--setgroups", "maybe", "true"],
        "unshare: unsupported --setgroups argument 'maybe'\n",
    );
    same_as_util_linux(&["--setgroups", "maybe", "true"]);
}

#[test]
fn unshare_setuid_setgid_switch_credentials_and_drop_groups() {
    if !root() {
        return;
    }
    let out = ours(&["-S", "65534", "-G", "65534", "id"]);
    assert_eq!(
        ok(&out),
        "uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)\n"
    );
    same_as_util_linux(&["--setuid", "65534", "--setgid", "65534", "id"]);
    same_as_util_linux(&["-S", "abc", "true"]);
    same_as_util_linux(&["-G", "x", "true"]);
    fails_with(
        &["-S", "-1", "true"],
        "unshare: failed to parse uid: '-1': Numerical result out of range\n",
    );
}

#[test]
fn unshare_keep_caps_raises_ambient_capabilities() {
    if !root() {
        return;
    }
    let show = "grep -E '^Cap(Eff|Amb)' /proc/self/status";
    let without = ok(&ours(&["-U", "--map-user=1000", "sh", "-c", show]));
    assert_eq!(
        without,
        "CapEff:\t0000000000000000\nCapAmb:\t0000000000000000\n"
    );
    let with = ok(&ours(&[
        "-U",
        "--map-user=1000",
        "--keep-caps",
        "sh",
        "-c",
        show,
    ]));
    let lines: Vec<&str> = with.lines().collect();
    assert_eq!(lines.len(), 2, "{with}");
    assert_ne!(lines[0], "CapEff:\t0000000000000000", "{with}");
    assert_eq!(
        lines[0].trim_start_matches("CapEff:"),
        lines[1].trim_start_matches("CapAmb:"),
        "{with}"
    );
}

// ------------------------------------------------------------ time

#[test]
fn unshare_time_offsets_are_applied() {
    if !root() {
        return;
    }
    let out = ours(&[
        "-T",
        "--boottime",
        "1000000",
        "--monotonic=-5",
        "sh",
        "-c",
        "awk '{print $1, $2}' /proc/self/timens_offsets; cut -d. -f1 /proc/uptime",
    ]);
    let text = ok(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[..2], ["monotonic -5", "boottime 1000000"], "{text}");
    let uptime: u64 = lines[2].parse().expect("uptime");
    assert!(uptime >= 1_000_000, "{text}");
}

#[test]
fn unshare_monotonic_and_boottime_require_time_namespace() {
    let msg =
        "unshare: options --monotonic and --boottime require unsharing of a time namespace (-T)\n";
    fails_with(&["--monotonic", "5", "true"], msg);
    fails_with(&["--boottime=5", "true"], msg);
    fails_with(
        &["--monotonic", "abc", "-T", "true"],
        "unshare: failed to parse monotonic offset: 'abc'\n",
    );
    same_as_util_linux(&["--monotonic", "abc", "true"]);
    same_as_util_linux(&["--boottime", "99999999999999999999", "-T", "true"]);
}

// ------------------------------------------------------------ root and wd

#[test]
fn unshare_root_chroots_and_starts_in_its_top() {
    if !root() {
        return;
    }
    let out = sh("export T; mkdir -p r/usr r/tmp
        for d in bin lib lib64 sbin; do ln -s usr/$d r/$d; done
        /usr/bin/mount --bind /usr r/usr
        echo marker > r/marker
        cd /tmp
        unshare -R \"$T/r\" sh -c 'pwd; cat /marker'
        unshare --root=\"$T/r\" --wd=/tmp sh -c pwd");
    assert_eq!(ok(&out), "/\nmarker\n/tmp\n");
    same_as_util_linux(&["-R", "/nonexistent-nsbox", "true"]);
}

#[test]
fn unshare_wd_changes_directory() {
    if !root() {
        return;
    }
    assert_eq!(ok(&ours(&["-w", "/proc", "pwd"])), "/proc\n");
    assert_eq!(ok(&ours(&["--wd=/", "pwd"])), "/\n");
    // 2.38 said "cannot chdir to '/x'"; 2.42 says:
    fails_with(
        &["-w", "/nonexistent-nsbox", "true"],
        "unshare: cannot change directory to /nonexistent-nsbox: No such file or directory\n",
    );
}

// ------------------------------------------------------- persistent ns

#[test]
fn unshare_persistent_namespaces_are_bound_on_their_files() {
    if !root() {
        return;
    }
    // Each FILE must hold the very namespace the program ran in.
    let out = sh("export T; touch m u n p t i
        unshare -f --mount=\"$T/m\" --user=\"$T/u\" --net=\"$T/n\" --pid=\"$T/p\" --time=\"$T/t\" --ipc=\"$T/i\" \
          sh -c 'for k in mnt user net pid time ipc; do readlink /proc/self/ns/$k | tr -dc 0-9; echo; done' > inside
        for f in m u n p t i; do stat -L -c %i \"$T/$f\"; done > files
        cmp inside files && echo same-namespaces
        awk '$(NF-2) == \"nsfs\"' /proc/self/mountinfo | wc -l
        /usr/bin/nsenter --net=\"$T/n\" sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d \" \"'");
    assert_eq!(ok(&out), "same-namespaces\n6\nlo\n");
}

#[test]
fn unshare_persistent_user_namespace_is_bound_by_the_helper() {
    if !root() {
        return;
    }
    // util-linux 2.38 fails here (the bind needs privilege in the parent
    // user namespace, which unshare no longer has after unshare(2)).
    let out = sh("export T; touch u
        unshare --user=\"$T/u\" --map-root-user sh -c 'readlink /proc/self/ns/user | tr -dc 0-9; echo'
        stat -L -c %i \"$T/u\"
        /usr/bin/nsenter --user=\"$T/u\" --preserve-credentials cat /proc/self/uid_map | awk '{print $1,$2,$3}'");
    let text = ok(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(lines[0], lines[1], "{text}");
    assert_eq!(lines[2], "0 0 1");
}

#[test]
fn unshare_persistent_mount_namespace_binds_whatever_cpu_made_it() {
    if !root() {
        return;
    }
    // Namespace ids come from per-CPU batches, so a namespace made on one
    // CPU may look older than the one it was made from, and the kernel's
    // loop check then refuses the bind (EINVAL). Pin the binding namespace
    // and the new one to different CPUs both ways round: one of the two
    // orders is the bad one, which util-linux fails and we must not.
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let last = cpus - 1;
    let script = format!(
        r#"export T; touch m
cat > inner <<'EOF'
#!/bin/sh
# In a namespace made on one CPU: bind new mount namespaces made on CPU $1.
ok=0; ul=0
for i in 1 2 3; do
  if taskset -c "$1" unshare --mount="$T/m" true; then ok=$((ok+1)); /usr/bin/umount "$T/m"; fi
  if taskset -c "$1" /usr/bin/unshare --mount="$T/m" true 2>/dev/null; then ul=$((ul+1)); /usr/bin/umount "$T/m"; fi
done
taskset -c "$1" unshare --mount="$T/m" --fork sh -c 'readlink /proc/self/ns/mnt | tr -dc 0-9; echo' > "$T/inside"
[ "$(stat -L -c %i "$T/m")" = "$(cat "$T/inside")" ] && ok=$((ok+1))
/usr/bin/umount "$T/m" || true
echo "$ok $ul"
EOF
chmod +x inner
taskset -c 0 /usr/bin/unshare -m --propagation private ./inner {last}
taskset -c {last} /usr/bin/unshare -m --propagation private ./inner 0
"#
    );
    let text = ok(&sh(&script));
    let counts: Vec<u32> = text
        .split_whitespace()
        .map(|w| w.parse().expect("count"))
        .collect();
    assert_eq!(counts.len(), 4, "{text}");
    assert_eq!(
        (counts[0], counts[2]),
        (4, 4),
        "every bind succeeds, both orders: {text}"
    );
    // util-linux 2.38 trips in one of the orders most of the time, but not
    // always (timing): reported, not asserted.
    if cpus > 1 && counts[1] + counts[3] == 6 {
        eprintln!("util-linux 2.38 did not trip this time: {text}");
    }
}

#[test]
fn unshare_persistent_bind_failure_leaves_nothing_behind() {
    if !root() {
        return;
    }
    // The net bind succeeds, the mount bind fails (FILE on a shared mount):
    // the net bind is undone and the forked program never runs.
    let out = sh("export T; touch n m
        /usr/bin/mount --make-shared \"$T\"
        set +e
        unshare -f --net=\"$T/n\" --mount=\"$T/m\" sh -c 'touch \"$T/ran\"' 2> err
        echo status=$?
        set -e
        awk '$(NF-2) == \"nsfs\"' /proc/self/mountinfo | wc -l
        [ -e ran ] && echo program-ran || echo program-did-not-run
        sed 's#/proc/[0-9]*/#/proc/PID/#' err");
    let text = ok(&out);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("status=1"), "{text}");
    assert_eq!(lines.next(), Some("0"), "no nsfs mount left: {text}");
    assert_eq!(lines.next(), Some("program-did-not-run"), "{text}");
    let first = lines.next().unwrap_or("");
    assert!(
        first.starts_with("unshare: mount /proc/PID/ns/mnt on /tmp/nsbox-test."),
        "{text}"
    );
    assert!(first.ends_with("/m failed: Invalid argument"), "{text}");
    let second = lines.next().unwrap_or("");
    assert!(second.contains("/m is on a shared mount ("), "{text}");
    assert!(
        second.contains("make it private first (mount --make-private /tmp/nsbox-test."),
        "{text}"
    );
}

#[test]
fn unshare_persistent_missing_file_names_the_cause() {
    if !root() {
        return;
    }
    let out = sh("export T
        set +e
        unshare --uts=\"$T/none\" true 2> err
        echo status=$?
        sed 's#/proc/[0-9]*/#/proc/PID/#; s#'\"$T\"'#T#g' err");
    assert_eq!(
        ok(&out),
        "status=1\n\
         unshare: mount /proc/PID/ns/uts on T/none failed: No such file or directory\n\
         unshare: T/none does not exist; create the file first (for example with touch)\n"
    );
}

#[test]
fn unshare_persistent_pid_without_fork_is_rejected_up_front() {
    fails_with(
        &["--pid=/nonexistent-nsbox", "true"],
        "unshare: --pid=FILE requires --fork: a new PID namespace exists only once its first process does\n",
    );
}

// ------------------------------------------------------------ exec, usage

#[test]
fn unshare_exec_failure_exits_127_or_126() {
    fails_with_code(
        &["nosuch-program-nsbox"],
        "unshare: failed to execute nosuch-program-nsbox: No such file or directory\n",
        127,
    );
    fails_with_code(
        &["/etc/passwd"],
        "unshare: failed to execute /etc/passwd: Permission denied\n",
        126,
    );
    same_as_util_linux(&["nosuch-program-nsbox"]);
    same_as_util_linux(&["/etc/passwd"]);
}

#[track_caller]
fn fails_with_code(args: &[&str], err: &str, code: i32) {
    let out = ours(args);
    assert_eq!(
        (stderr(&out).as_str(), out.status.code()),
        (err, Some(code)),
        "{args:?}"
    );
}

#[test]
fn unshare_without_program_runs_the_shell_as_login_shell() {
    let mut child = tool("unshare")
        .env("SHELL", "/bin/sh")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"echo $0; exit 4\n")
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(stdout(&out), "-sh\n");
    assert_eq!(out.status.code(), Some(4));
}

#[test]
fn unshare_usage_errors_match_util_linux() {
    for args in [
        &["--bogus"][..],
        &["-x"],
        &["--propagation"],
        &["--setgroups"],
        &["-S"],
        &["--fork=1"],
        &["--kill-child=bogus", "--bogus"],
        &["--bogus", "--kill-child=bogus"],
        &["--propagation", "bogus", "--bogus"],
    ] {
        same_as_util_linux(args);
    }
    fails_with(
        &["--bogus"],
        "unshare: unrecognized option '--bogus'\nTry 'unshare --help' for more information.\n",
    );
}

#[test]
fn unshare_getopt_messages_name_argv0_as_given() {
    // glibc's getopt prints argv[0] verbatim; util-linux's own messages and
    // the try-help line use the short name.
    let out = Command::new(common::bin_dir().join("unshare"))
        .args(["--bogus"])
        .output()
        .expect("run");
    let theirs = Command::new("/usr/bin/unshare")
        .arg("--bogus")
        .output()
        .expect("run");
    let path = common::bin_dir().join("unshare");
    assert_eq!(
        stderr(&out),
        format!(
            "{}: unrecognized option '--bogus'\nTry 'unshare --help' for more information.\n",
            path.display()
        )
    );
    assert_eq!(
        stderr(&theirs),
        "/usr/bin/unshare: unrecognized option '--bogus'\nTry 'unshare --help' for more information.\n"
    );
}

#[test]
fn unshare_help_lists_every_option() {
    let out = ours(&["--help"]);
    let text = ok(&out);
    assert_eq!(stderr(&out), "");
    assert!(
        text.starts_with("\nUsage:\n unshare [options] [PROGRAM [ARGUMENT...]]\n"),
        "{text}"
    );
    for opt in [
        "-m, --mount[=FILE]",
        "-u, --uts[=FILE]",
        "-i, --ipc[=FILE]",
        "-n, --net[=FILE]",
        "-p, --pid[=FILE]",
        "-U, --user[=FILE]",
        "-C, --cgroup[=FILE]",
        "-T, --time[=FILE]",
        "--mount-proc[=DIR]",
        "--propagation slave|shared|private|unchanged",
        "-R, --root DIR",
        "-w, --wd DIR",
        "--map-user UID|NAME",
        "--map-group GID|NAME",
        "-r, --map-root-user",
        "-c, --map-current-user",
        "--setgroups allow|deny",
        "--keep-caps",
        "-S, --setuid UID",
        "-G, --setgid GID",
        "-f, --fork",
        "--kill-child[=SIGNAL]",
        "--forward-signals",
        "--monotonic SECONDS",
        "--boottime SECONDS",
        "--mount-binfmt[=DIR]",
        "-l, --load-interp DEF",
        "--map-users INNER:OUTER:COUNT|auto|subids|all",
        "--map-groups INNER:OUTER:COUNT|auto|subids|all",
        "--map-auto",
        "--map-subids",
        "--owner UID:GID",
        "--clear-env",
        "--whitelist-env LIST",
        "--pivot-root DIR          nsbox extension",
        "-h, --help",
        "-V, --version",
    ] {
        assert!(text.contains(opt), "help lacks {opt}");
    }
    assert_eq!(ok(&ours(&["-h", "--bogus"])), text, "help stops parsing");
}

#[test]
fn unshare_version_names_nsbox() {
    let out = ours(&["-V"]);
    assert!(ok(&out).starts_with("unshare from nsbox "));
    assert!(stdout(&out).ends_with("(util-linux 2.42 compatible)\n"));
    assert_eq!(ok(&ours(&["--version"])), stdout(&out));
}

#[test]
fn unshare_program_options_are_not_ours() {
    if !root() {
        return;
    }
    // `+` getopt mode: everything after the program belongs to it.
    let out = ours(&["-f", "echo", "-m", "--fork", "--bogus"]);
    assert_eq!(ok(&out), "-m --fork --bogus\n");
    same_as_util_linux(&["-f", "echo", "-m", "--fork", "--bogus"]);
}

// ------------------------------------------------------ id blocks (ranges)

/// `awk` that prints the map files' lines as `INNER OUTER COUNT`.
const SHOW_MAPS: &str = "awk '{print $1, $2, $3}' /proc/self/uid_map; echo --; \
                         awk '{print $1, $2, $3}' /proc/self/gid_map; cat /proc/self/setgroups";

#[test]
fn unshare_map_users_blocks_are_written_directly_as_root() {
    if !root() {
        return;
    }
    // Repeatable, new and old syntax, in command-line order; as root no
    // newuidmap is needed (there is none on PATH here) and the gid map
    // does not need setgroups denied.
    let out = ours(&[
        "--map-users=0:100000:65536",
        "--map-users",
        "200000,70000,10",
        "--map-groups=0:100000:65536",
        "sh",
        "-c",
        SHOW_MAPS,
    ]);
    assert_eq!(
        ok(&out),
        "0 100000 65536\n70000 200000 10\n--\n0 100000 65536\nallow\n"
    );
    let out = ours(&["--map-users=all", "--map-groups=all", "sh", "-c", SHOW_MAPS]);
    assert_eq!(ok(&out), "0 0 4294967295\n--\n0 0 4294967295\nallow\n");
}

#[test]
fn unshare_single_map_comes_first_and_cuts_a_hole_in_blocks() {
    if !root() {
        return;
    }
    // util-linux issue #3838: -r takes inner 0, the block moves up by one
    // and loses its top id.
    let out = ours(&[
        "-r",
        "--map-users=0:100000:65536",
        "--map-groups=0:100000:65536",
        "sh",
        "-c",
        &format!("id -u; {SHOW_MAPS}"),
    ]);
    assert_eq!(
        ok(&out),
        "0\n0 0 1\n1 100000 65535\n--\n0 0 1\n1 100000 65535\nallow\n"
    );
    // --map-user=1000 as root with an identity block: split around both ids.
    let out = ours(&[
        "--map-user=1000",
        "--map-users=0:0:65536",
        "sh",
        "-c",
        SHOW_MAPS,
    ]);
    assert_eq!(ok(&out), "1000 0 1\n0 1 1000\n1001 1001 64535\n--\nallow\n");
    // With a group block the group map is written from outside, so
    // --setgroups=allow is no conflict.
    let out = ours(&[
        "-r",
        "--setgroups=allow",
        "--map-groups=0:100000:10",
        "cat",
        "/proc/self/setgroups",
    ]);
    assert_eq!(ok(&out), "allow\n");
}

#[test]
fn unshare_map_auto_and_subids_use_the_first_block_of_the_user() {
    if !root() {
        return;
    }
    // /etc/subuid and /etc/subgid replaced inside the test's own mount
    // namespace only. A name line never stands for uid 0.
    let out = sh(
        "printf 'alice:1:2\\nroot:100000:65536\\nroot:300000:5\\n' > subuid
         printf '0:200000:1000\\n' > subgid
         mount --bind subuid /etc/subuid; mount --bind subgid /etc/subgid
         maps=\"awk '{print \\$1, \\$2, \\$3}' /proc/self/uid_map /proc/self/gid_map\"
         echo '== auto'; unshare --map-auto sh -c \"$maps\"
         echo '== subids'; unshare --map-subids sh -c \"$maps\"
         echo '== -r auto'; unshare -r --map-users=auto --map-groups=subids sh -c \"$maps\"
         printf 'alice:1:2\\n' > subuid
         unshare --map-auto true 2>&1 || echo rc=$?
         printf 'root:x:2\\n' > subuid
         unshare --map-users=subids true 2>&1 || echo rc=$?",
    );
    assert_eq!(
        ok(&out),
        "== auto\n0 100000 65536\n0 200000 1000\n\
         == subids\n100000 100000 65536\n200000 200000 1000\n\
         == -r auto\n0 0 1\n1 100000 65536\n0 0 1\n200000 200000 1000\n\
         unshare: no line matching user \"root\" in /etc/subuid\nrc=1\n\
         unshare: failed to parse subid map: 'x'\nrc=1\n"
    );
}

#[test]
fn unshare_map_syntax_errors() {
    for bad in ["1:2", "1:2:3:4", "x", "1,2,x", "-1:0:1", "1:2:3 "] {
        fails_with(
            &["--map-users", bad, "true"],
            &format!("unshare: invalid mapping '{bad}'\n"),
        );
    }
    fails_with(
        &["--map-groups=0:0", "true"],
        "unshare: invalid mapping '0:0'\n",
    );
    for bad in ["1000", "a:b", "1:2:3", ":"] {
        fails_with(
            &["--owner", bad, "true"],
            "unshare: failed to parse owner\n",
        );
    }
    for args in [&["--map-users"][..], &["--map-groups"], &["--map-auto=x"]] {
        same_as_util_linux(args);
    }
    // --map-users makes --map-u (and --map-g) ambiguous, as in util-linux.
    same_as_util_linux(&["--map-u", "1", "true"]);
    same_as_util_linux(&["--map-g", "1", "true"]);
    fails_with(
        &["--map-u", "1", "true"],
        "unshare: option '--map-u' is ambiguous; possibilities: '--map-user' '--map-users'\n\
         Try 'unshare --help' for more information.\n",
    );
}

/// Runs `script` with sh as user nobody (uid 65534), PATH starting with
/// `bin` (where fake id-map helpers live).
fn as_nobody(bin: &Path, script: &str) -> Output {
    Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "sh",
            "-c",
            script,
        ])
        .env(
            "PATH",
            format!("{}:{}", bin.display(), common::bin_dir().display()) + ":/usr/bin:/bin",
        )
        .env("LC_ALL", "C")
        .output()
        .expect("run setpriv")
}

#[test]
fn unshare_map_users_unprivileged_runs_newuidmap_and_newgidmap() {
    if !root() {
        return;
    }
    // Fake helpers record their arguments (so this works without the
    // uidmap package); the maps stay unwritten, which shows as overflow ids.
    let dir = Scratch::new("newidmap");
    let log = dir.file("log");
    for helper in ["newuidmap", "newgidmap"] {
        let path = dir.file(helper);
        std::fs::write(
            &path,
            format!(
                "#!/bin/sh\necho {helper} \"$@\" >> {}\nexit ${{FAKE_STATUS:-0}}\n",
                log.display()
            ),
        )
        .expect("write fake helper");
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .expect("chmod");
    }
    std::fs::set_permissions(&dir.0, std::os::unix::fs::PermissionsExt::from_mode(0o777))
        .expect("chmod dir");
    let out = as_nobody(
        &dir.0,
        "unshare -c --map-users=0:100000:10 --map-groups 5,0,3 sh -c 'echo $$; id -u'",
    );
    let text = ok(&out);
    // Without --fork the program is unshare itself: $$ is the pid the
    // helpers were given.
    let pid = text.lines().next().unwrap_or_default().to_owned();
    assert_eq!(text, format!("{pid}\n65534\n"));
    assert_eq!(
        std::fs::read_to_string(&log).expect("log"),
        format!("newuidmap {pid} 65534 65534 1 0 100000 10\nnewgidmap {pid} 65534 65534 1 0 5 3\n")
    );
    // A failing helper's status becomes unshare's; the program never runs.
    let out = as_nobody(
        &dir.0,
        "FAKE_STATUS=3 unshare --map-users=0:100000:10 echo ran",
    );
    assert_eq!((stdout(&out).as_str(), out.status.code()), ("", Some(3)));
    // No helper at all: a clear error.
    let unshare = common::bin_dir().join("unshare");
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .args(["env", "PATH=/nonexistent"])
        .arg(&unshare)
        .args(["--map-groups=0:100000:10", "true"])
        .env("LC_ALL", "C")
        .output()
        .expect("run");
    assert_eq!(
        (stderr(&out).as_str(), out.status.code()),
        (
            "unshare: failed to execute newgidmap: No such file or directory\n\
             unshare: unprivileged --map-users/--map-groups need newgidmap in $PATH (package uidmap)\n",
            Some(127)
        )
    );
}

#[test]
fn unshare_owner_switches_credentials_before_the_user_namespace() {
    if !root() {
        return;
    }
    // uid 1000 owns the namespace and is root inside; a file it creates
    // belongs to 1000 outside.
    let out = sh(
        "unshare --owner 1000:1000 --map-users=0:1000:1 --map-groups=0:1000:1 \
         sh -c 'id -u; id -g; touch owned'
         stat -c %u:%g owned",
    );
    assert_eq!(ok(&out), "0\n0\n1000:1000\n");
    // With --owner a single map is written from outside too.
    let out = ours(&["--owner=1000:1000", "-r", "sh", "-c", SHOW_MAPS]);
    assert_eq!(ok(&out), "0 0 1\n--\n0 0 1\nallow\n");
}

// ------------------------------------------------------------ environment

#[test]
fn unshare_clear_env_and_whitelist_env() {
    // util-linux tests/ts/unshare/env (expected: env-clear-env,
    // env-whitelist-env).
    let out = tool("unshare")
        .env("UL_TEST_ENV", "foo")
        .args([
            "--clear-env",
            "sh",
            "-c",
            "echo \"${UL_TEST_ENV:-CLEARED}\"",
        ])
        .output()
        .expect("run");
    assert_eq!(ok(&out), "CLEARED\n");
    let out = tool("unshare")
        .env("UL_TEST_ENV1", "foo")
        .env("UL_TEST_ENV2", "bar")
        .args([
            "--whitelist-env",
            "UL_TEST_ENV1",
            "sh",
            "-c",
            "echo \"${UL_TEST_ENV1}${UL_TEST_ENV2}\"",
        ])
        .output()
        .expect("run");
    assert_eq!(ok(&out), "foo\n");
    // Nothing else survives; repeatable; unset names are skipped; the
    // program is still found (execvp's default path).
    let out = tool("unshare")
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("A", "1")
        .env("B", "2")
        .env("C", "3")
        .args(["--whitelist-env", "A,NOPE", "--whitelist-env=C", "env"])
        .output()
        .expect("run");
    let mut lines: Vec<String> = ok(&out).lines().map(str::to_owned).collect();
    lines.sort();
    assert_eq!(lines, ["A=1", "C=3"]);
    let out = tool("unshare")
        .args(["--clear-env", "env"])
        .output()
        .expect("run");
    assert_eq!(ok(&out), "");
    // None of the names set: nothing is kept (util-linux kept everything).
    let out = tool("unshare")
        .args(["--whitelist-env=NSBOX_UNSET_VARIABLE", "env"])
        .output()
        .expect("run");
    assert_eq!(ok(&out), "");
}

// ------------------------------------------------------------ signals (2)

/// util-linux tests/ts/unshare/forward-signals{,-kill-child}: a child in
/// new user and PID namespaces that exits with the number of the signal it
/// gets; SIGTERM to unshare reaches it.
fn forward_sigterm(extra: &[&str]) -> Option<i32> {
    let dir = Scratch::new(&format!("fwd{}", extra.len()));
    let ready = dir.file("ready");
    let script = format!(
        "trap 'exit 15' TERM; trap 'exit 2' INT; echo $$ > {r}.tmp; mv {r}.tmp {r}; \
         while :; do sleep 0.02; done",
        r = ready.display()
    );
    let mut child = tool("unshare")
        .args([
            "--user",
            "--map-root-user",
            "--pid",
            "--mount-proc",
            "--fork",
        ])
        .arg("--forward-signals")
        .args(extra)
        .args(["sh", "-c", &script])
        .stdin(Stdio::null())
        .spawn()
        .expect("spawn");
    wait_for_file(&ready);
    send(i32::try_from(child.id()).expect("pid"), libc::SIGTERM);
    wait_limited(&mut child).code()
}

#[test]
fn unshare_forward_signals_corpus() {
    if !root() {
        return;
    }
    let report = |code: Option<i32>, tail: &str| match code {
        Some(15) => format!("SIGTERM forwarded successfully{tail}\n"),
        other => format!("UNEXPECTED EXIT CODE: {other:?}\n"),
    };
    assert_eq!(
        report(forward_sigterm(&[]), ""),
        "SIGTERM forwarded successfully\n"
    );
    assert_eq!(
        report(forward_sigterm(&["--kill-child"]), " with kill-child"),
        "SIGTERM forwarded successfully with kill-child\n"
    );
}

#[test]
fn unshare_stopped_child_stops_unshare_and_is_continued_with_it() {
    if !root() {
        return;
    }
    let mut child = tool("unshare")
        .args(["-f", "sh", "-c", "kill -STOP $$; echo resumed"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    let pid = i32::try_from(child.id()).expect("pid");
    // unshare reports the stop by stopping itself.
    let start = Instant::now();
    loop {
        let mut status = 0;
        // SAFETY: waitpid on our own child with a valid status pointer.
        let rc = unsafe { libc::waitpid(pid, &mut status, libc::WUNTRACED | libc::WNOHANG) };
        if rc == pid {
            assert!(libc::WIFSTOPPED(status), "status {status:#x}");
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "unshare did not stop"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    send(pid, libc::SIGCONT);
    let status = wait_limited(&mut child);
    assert_eq!(status.code(), Some(0));
    let mut text = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().expect("stdout"), &mut text)
        .expect("read");
    assert_eq!(text, "resumed\n");
}

// ---------------------------------------------------------------- binfmt

fn binfmt_misc_available() -> bool {
    std::fs::read_to_string("/proc/filesystems")
        .map(|f| f.contains("binfmt_misc"))
        .unwrap_or(false)
}

#[test]
fn unshare_mount_binfmt_and_load_interp() {
    if !root() || !binfmt_misc_available() {
        return;
    }
    // The user namespace's own binfmt_misc (Linux 6.7), with a fresh /proc
    // (hence -p -f).
    let out = ours(&[
        "-rpf",
        "--mount-binfmt",
        "cat",
        "/proc/sys/fs/binfmt_misc/status",
    ]);
    assert_eq!(ok(&out), "enabled\n");
    let out = sh("mkdir b; unshare -rpf --mount-binfmt=$T/b sh -c 'cat b/status; test -e /proc/1'");
    assert_eq!(ok(&out), "enabled\n");
    // -l registers an interpreter for *.nsbt files (here echo, which
    // prints the file name), seen only inside; outside the shell runs the
    // file as a script.
    let out = sh("echo 'echo not by binfmt' > x.nsbt; chmod +x x.nsbt
         unshare -rpf -l ':nsbt:E::nsbt::/bin/echo:' sh -c 'ls /proc/sys/fs/binfmt_misc; ./x.nsbt'
         ./x.nsbt");
    assert_eq!(
        ok(&out),
        "nsbt\nregister\nstatus\n./x.nsbt\nnot by binfmt\n"
    );
}

/// A directory tree `$T/r` usable as a root: the host's /usr bound in,
/// the usual merged-/usr links, empty /proc, /tmp, /work.
const MAKE_ROOT: &str = "mkdir -p r/usr r/proc r/tmp r/work
     mount --bind /usr r/usr
     for l in bin lib lib32 lib64 libx32 sbin; do [ -e /usr/$l ] && ln -s usr/$l r/$l; done
     echo in-root > r/work/marker\n";

#[test]
fn unshare_load_interp_fixed_flag_registers_before_root() {
    if !root() || !binfmt_misc_available() {
        return;
    }
    // With F and --root the interpreter is opened before chroot, so it may
    // live outside the new root; without F it must be found inside.
    let out = sh(&format!(
        "{MAKE_ROOT}
         cp /bin/sh outside-sh
         printf 'echo fixed\\n' > r/tmp/y.nsbt; chmod +x r/tmp/y.nsbt
         unshare -rpf -R $T/r -l \":nsbt:E::nsbt::$T/outside-sh:F\" /tmp/y.nsbt
         unshare -rpf -R $T/r -l \":nsbt:E::nsbt::$T/outside-sh:\" /tmp/y.nsbt 2>&1 || echo rc=$?"
    ));
    assert_eq!(
        ok(&out),
        "fixed\nunshare: failed to execute /tmp/y.nsbt: No such file or directory\nrc=127\n"
    );
}

// ------------------------------------------------ --pivot-root (extension)

#[test]
fn unshare_pivot_root_leaves_only_the_new_roots_mounts() {
    if !root() {
        return;
    }
    // r is not a mount point: it is bound onto itself first. Afterwards
    // the program sees r's mounts only (/ and /usr), no /proc, and the
    // host's mounts are gone, not merely out of sight as with --root.
    let out = sh(&format!(
        "{MAKE_ROOT}
         before=$(findmnt -rn -R -o TARGET $T | wc -l)
         unshare --pivot-root=$T/r sh -c 'pwd; cat work/marker; ls /proc | wc -l; \
             test -e /proc/self || echo no proc'
         unshare --pivot-root=$T/r --mount-proc sh -c 'cut -d\" \" -f5 /proc/self/mountinfo'
         after=$(findmnt -rn -R -o TARGET $T | wc -l)
         [ $before = $after ] && echo nothing left behind"
    ));
    assert_eq!(
        ok(&out),
        "/\nin-root\n0\nno proc\n/\n/usr\n/proc\nnothing left behind\n"
    );
}

#[test]
fn unshare_pivot_root_combines_with_pid_proc_wd_and_credentials() {
    if !root() {
        return;
    }
    let out = sh(&format!(
        "{MAKE_ROOT}
         mount -t tmpfs already-a-mount r/tmp
         unshare -pf --mount-proc --pivot-root $T/r -w /work -S 1000 -G 1000 \
             sh -c 'pwd; cat marker; id -u; id -g; echo $$; test -d /proc/1/ns && echo proc ok'
         echo '== already a mount point'
         mount --rbind r r
         unshare --pivot-root=$T/r --mount-proc sh -c 'cut -d\" \" -f5 /proc/self/mountinfo'
         echo '== user namespace'
         unshare -rpf --mount-proc --pivot-root=$T/r sh -c 'id -u; cut -d\" \" -f5 /proc/self/mountinfo'"
    ));
    assert_eq!(
        ok(&out),
        "/work\nin-root\n1000\n1000\n1\nproc ok\n\
         == already a mount point\n/\n/usr\n/tmp\n/proc\n\
         == user namespace\n0\n/\n/usr\n/tmp\n/proc\n"
    );
}

#[test]
fn unshare_pivot_root_errors() {
    if !root() {
        return;
    }
    // A shared mount is refused before anything is mounted: a bind on
    // it would reach the parent namespace (and so would its unmount).
    let out = sh(&format!(
        "{MAKE_ROOT}
         unshare --pivot-root=$T/r --propagation shared true 2>&1 | sed \"s|$T|T|\" || true
         mount --make-shared $T
         before=$(findmnt -rn -R -o TARGET $T | wc -l)
         unshare --pivot-root=$T/r --propagation unchanged --mount-proc true 2>&1 | sed \"s|$T|T|\" || true
         [ $before = $(findmnt -rn -R -o TARGET $T | wc -l) ] && echo nothing left behind
         mount --make-private $T
         unshare --pivot-root=$T/nonexistent true 2>&1 | sed \"s|$T|T|\" || true
         unshare --pivot-root=$T/r -R / true 2>&1 || true
         unshare --pi true && echo --pi is --pid"
    ));
    let refused = "unshare: cannot pivot_root to 'T/r': Invalid argument\n\
                   unshare: pivot_root(2) refuses shared mounts: use --propagation private or slave\n";
    assert_eq!(
        ok(&out),
        format!(
            "{refused}{refused}nothing left behind\n\
             unshare: cannot pivot_root to 'T/nonexistent': No such file or directory\n\
             unshare: options --root and --pivot-root are mutually exclusive\n\
             --pi is --pid\n"
        )
    );
}

#[test]
fn unshare_map_users_old_syntax_matches_util_linux_unprivileged() {
    if !root() {
        return;
    }
    // util-linux 2.38 knows only OUTER,INNER,COUNT and one block per kind
    // (the last option wins), and always runs the helpers. Unprivileged,
    // both must run them with the same arguments (the single map first,
    // the hole cut) and print the same.
    let dir = Scratch::new("newidmap-diff");
    let log = dir.file("log");
    for helper in ["newuidmap", "newgidmap"] {
        let path = dir.file(helper);
        std::fs::write(
            &path,
            format!(
                "#!/bin/sh\nshift\necho {helper} \"$@\" >> {}\n",
                log.display()
            ),
        )
        .expect("write fake helper");
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .expect("chmod");
    }
    std::fs::set_permissions(&dir.0, std::os::unix::fs::PermissionsExt::from_mode(0o777))
        .expect("chmod dir");
    let ours_path = common::bin_dir().join("unshare");
    for args in [
        "-c --map-users=100000,0,10 --map-groups=100000,0,65536",
        "-r --map-users=100000,0,10",
        "--map-user=5 --map-users 100000,0,10",
        "--map-groups=0,0,1 --map-group=0",
    ] {
        let mut results = Vec::new();
        for program in [ours_path.as_path(), Path::new("/usr/bin/unshare")] {
            let _ = std::fs::remove_file(&log);
            let out = as_nobody(
                &dir.0,
                &format!("exec {} {args} sh -c 'id -u; id -g'", program.display()),
            );
            let helpers = std::fs::read_to_string(&log).unwrap_or_default();
            results.push((stdout(&out), stderr(&out), out.status.code(), helpers));
        }
        assert_eq!(results[0], results[1], "{args}: ours (left), util-linux");
    }
}

#[test]
fn unshare_map_auto_unprivileged_with_the_real_setuid_helpers() {
    if !root() {
        return;
    }
    // Runs only where the uidmap package is installed; the fake-helper
    // tests above cover the same paths without it.
    if !Path::new("/usr/bin/newuidmap").exists() || !Path::new("/usr/bin/newgidmap").exists() {
        eprintln!("skipped: newuidmap/newgidmap not installed (package uidmap)");
        return;
    }
    let out = sh("echo 'nobody:100000:65536' > subids
         mount --bind subids /etc/subuid; mount --bind subids /etc/subgid
         maps=\"awk '{print \\$1, \\$2, \\$3}' /proc/self/uid_map /proc/self/gid_map; id -u\"
         echo '== -r --map-auto'
         setpriv --reuid=65534 --regid=65534 --clear-groups unshare -r --map-auto sh -c \"$maps\"
         echo '== -c --map-subids'
         setpriv --reuid=65534 --regid=65534 --clear-groups unshare -c --map-subids sh -c \"$maps\"");
    // -r --map-auto keeps the whole block (util-linux 2.41-2.42 lost its
    // top id, fixed by PR #4457).
    assert_eq!(
        ok(&out),
        "== -r --map-auto\n0 65534 1\n1 100000 65536\n0 65534 1\n1 100000 65536\n0\n\
         == -c --map-subids\n65534 65534 1\n100000 100000 65536\n65534 65534 1\n100000 100000 65536\n65534\n"
    );
}

#[test]
fn unshare_map_too_large_for_the_kernel_page_is_refused() {
    if !root() {
        return;
    }
    let blocks: Vec<String> = (0..200u32)
        .map(|i| {
            let id = 4_000_000_000u32 + i * 10;
            format!("--map-users={id}:{id}:1")
        })
        .collect();
    let mut args: Vec<&str> = blocks.iter().map(String::as_str).collect();
    args.extend(["echo", "ran"]);
    let out = ours(&args);
    let err = stderr(&out);
    assert!(
        err.starts_with("unshare: /proc/")
            && err.ends_with("/uid_map too large for kernel 4k limit\n"),
        "{err}"
    );
    assert_eq!((stdout(&out).as_str(), out.status.code()), ("", Some(1)));
}

#[test]
fn the_shell_is_executed_as_named_and_an_ignored_sigpipe_is_inherited() {
    if !root() {
        return;
    }
    // util-linux exec_shell(): execl(3), no $PATH search; a SIGPIPE the
    // caller ignores stays ignored for the program (systemd's default).
    let out = sh("set +e; SHELL=bash unshare -u; echo rc=$?; \
         (trap '' PIPE; unshare -u grep SigIgn /proc/self/status; \
          nsenter -t $$ -u grep SigIgn /proc/self/status) | awk '{ print substr($2, 13) }'");
    assert_eq!(stdout(&out), "rc=127\n1000\n1000\n");
    assert_eq!(
        stderr(&out),
        "unshare: failed to execute bash: No such file or directory\n"
    );
}
