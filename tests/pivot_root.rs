//! pivot_root(8) end to end, as root. Every pivot (even one expected to
//! fail) runs in `common::sh`'s private mount namespace, and every pivot
//! expected to succeed in a further namespace made by our own `unshare -m`,
//! so neither the host nor the test script's namespace is ever pivoted.

mod common;

use common::{ok, root, sh, stderr, stdout, tool};
use std::os::unix::process::CommandExt;
use std::process::{Command, Output};

/// Our pivot_root with argv[0] `pivot_root` (getopt's messages show argv[0]
/// as given, and util-linux is run the same way).
fn ours(args: &[&str]) -> Output {
    tool("pivot_root")
        .arg0("pivot_root")
        .args(args)
        .output()
        .expect("run pivot_root")
}

/// util-linux's pivot_root, with argv[0] `pivot_root` like our link.
fn theirs(args: &[&str]) -> Output {
    Command::new("/usr/sbin/pivot_root")
        .arg0("pivot_root")
        .args(args)
        .env("LC_ALL", "C")
        .output()
        .expect("run /usr/sbin/pivot_root")
}

#[track_caller]
fn same_as_util_linux(args: &[&str]) {
    let (a, b) = (ours(args), theirs(args));
    assert_eq!(
        (stdout(&a), stderr(&a), a.status.code()),
        (stdout(&b), stderr(&b), b.status.code()),
        "pivot_root {args:?}: ours (left) vs util-linux 2.38 (right)"
    );
}

/// Makes `$T/r` a small root on its own tmpfs (BC MKROOT recipe, /usr is
/// bound inside the namespace that pivots).
const MKROOT: &str = "export T; mkdir r
    /usr/bin/mount -t tmpfs rootfs r
    mkdir -p r/usr r/proc r/tmp r/oldroot
    for d in bin lib lib64 sbin; do ln -s usr/$d r/$d; done
    echo marker > r/marker
";

/// Runs `script` in sh and returns `status=N` plus stderr with `$T`
/// replaced by `T`, for exact comparisons.
fn failing_pivot(setup: &str, pivot: &str) -> String {
    let out = sh(&format!(
        "{setup}
        set +e
        {pivot} 2> err
        echo status=$?
        set -e
        sed \"s#$T#T#g\" err"
    ));
    ok(&out)
}

#[test]
fn pivot_root_new_root_not_a_mount_point_is_einval() {
    if !root() {
        return;
    }
    // BC-17
    let setup = "mkdir -p plain/oldroot";
    let expected = "status=1\n\
        pivot_root: failed to change root from `T/plain' to `T/plain/oldroot': Invalid argument\n";
    let pivot = "pivot_root \"$T/plain\" \"$T/plain/oldroot\"";
    assert_eq!(failing_pivot(setup, pivot), expected);
    let util_linux = "/usr/sbin/pivot_root \"$T/plain\" \"$T/plain/oldroot\"";
    assert_eq!(
        failing_pivot(setup, util_linux),
        expected,
        "same as util-linux"
    );
}

#[test]
fn pivot_root_put_old_outside_new_root_is_einval() {
    if !root() {
        return;
    }
    let setup = format!("{MKROOT} mkdir elsewhere");
    assert_eq!(
        failing_pivot(&setup, "pivot_root \"$T/r\" \"$T/elsewhere\""),
        "status=1\npivot_root: failed to change root from `T/r' to `T/elsewhere': Invalid argument\n"
    );
}

#[test]
fn pivot_root_refuses_a_shared_parent_mount() {
    if !root() {
        return;
    }
    // BC-18: with $T shared the pivot is refused; once $T is private the
    // very same pivot works (in a namespace of its own).
    let out = sh(&format!(
        "{MKROOT}
        /usr/bin/mount --make-shared \"$T\"
        set +e
        pivot_root \"$T/r\" \"$T/r/oldroot\" 2> err
        echo status=$?
        set -e
        sed \"s#$T#T#g\" err
        /usr/bin/mount --make-private \"$T\"
        unshare -m sh -c 'cd \"$T/r\" && pivot_root . oldroot && echo pivoted && read m < /marker && echo $m'"
    ));
    assert_eq!(
        ok(&out),
        "status=1\n\
         pivot_root: failed to change root from `T/r' to `T/r/oldroot': Invalid argument\n\
         pivoted\nmarker\n"
    );
}

#[test]
fn pivot_root_moves_the_root_and_puts_the_old_one_under_put_old() {
    if !root() {
        return;
    }
    // rauha#33 fix: a plain directory bound onto itself is a mount point.
    let out = sh("export T; mkdir r
        /usr/bin/mount --bind r r
        mkdir -p r/usr r/proc r/oldroot
        for d in bin lib lib64 sbin; do ln -s usr/$d r/$d; done
        echo marker > r/marker
        unshare -m sh -c '
          /usr/bin/mount --bind /usr \"$T/r/usr\"
          cd \"$T/r\"
          pivot_root . oldroot
          /usr/bin/mount -t proc proc /proc
          cat /marker
          cut -d\" \" -f5,4 /proc/self/mountinfo
          [ -e /oldroot/etc/passwd ] && echo old-root-under-oldroot
        '
        grep -c \" $T/r/oldroot \" /proc/self/mountinfo || echo unchanged-outside");
    let text = ok(&out);
    // (awk is an /etc/alternatives link, gone after the pivot: use cut)
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("marker"), "{text}");
    let mut mounts: Vec<&str> = lines
        .by_ref()
        .take_while(|l| *l != "old-root-under-oldroot")
        .filter(|l| matches!(l.split(' ').nth(1), Some("/" | "/oldroot" | "/usr")))
        .collect();
    mounts.sort_unstable();
    assert_eq!(
        mounts,
        ["/ /oldroot", "/r /", "/usr /usr"],
        "root, mount point: {text}"
    );
    assert_eq!(lines.next(), Some("0"), "{text}");
    assert_eq!(lines.next(), Some("unchanged-outside"), "{text}");
}

#[test]
fn pivot_root_dot_dot_then_lazy_umount_leaves_only_the_new_root() {
    if !root() {
        return;
    }
    // BC-20: the `pivot_root . .` + `umount -l .` idiom.
    let out = sh(&format!(
        "{MKROOT}
        unshare -m sh -c '
          /usr/bin/mount --bind /usr \"$T/r/usr\"
          /usr/bin/mount -t proc proc \"$T/r/proc\"
          cd \"$T/r\" && pivot_root . . && /usr/bin/umount -l . && cd / && echo detached
          cat /marker
          cut -d\" \" -f5 /proc/self/mountinfo | sort'"
    ));
    assert_eq!(ok(&out), "detached\nmarker\n/\n/proc\n/usr\n");
}

#[test]
fn pivot_root_double_dash_with_two_paths_is_bad_usage() {
    let out = ours(&["--", "a", "b"]);
    assert_eq!(
        (
            stdout(&out).as_str(),
            stderr(&out).as_str(),
            out.status.code()
        ),
        (
            "",
            "pivot_root: bad usage\nTry 'pivot_root --help' for more information.\n",
            Some(1)
        )
    );
    same_as_util_linux(&["--", "a", "b"]);
}

#[test]
fn pivot_root_usage_errors_match_util_linux() {
    for args in [
        &[][..],
        &["a"],
        &["a", "b", "c"],
        &["-x"],
        &["--bogus"],
        &["-x", "-h"],
        &["-x", "a", "b"],
    ] {
        same_as_util_linux(args);
    }
}

#[test]
fn pivot_root_errors_match_util_linux() {
    if !root() {
        return;
    }
    // Run in the private namespace, although none of these can succeed.
    let out = sh(
        "for args in '/nonexistent-nsbox /nonexistent-nsbox/old' '-- /nonexistent-nsbox' \
                          '/nonexistent-nsbox --' '- /nonexistent-nsbox'; do
          set +e
          pivot_root $args; echo \"ours=$?\"
          /usr/sbin/pivot_root $args; echo \"theirs=$?\"
          set -e
        done 2>&1",
    );
    let text = ok(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 16, "{text}");
    for case in lines.chunks(4) {
        assert_eq!(case[0], case[2], "{text}");
        assert_eq!(case[1], "ours=1", "{text}");
        assert_eq!(case[3], "theirs=1", "{text}");
    }
    assert_eq!(
        lines[0],
        "pivot_root: failed to change root from `/nonexistent-nsbox' to `/nonexistent-nsbox/old': No such file or directory"
    );
    assert_eq!(
        lines[8],
        "pivot_root: failed to change root from `--' to `/nonexistent-nsbox': No such file or directory",
        "getopt moved `--' first"
    );
}

#[test]
fn pivot_root_help_and_version() {
    let out = ours(&["--help"]);
    let text = ok(&out);
    assert!(
        text.starts_with("\nUsage:\n pivot_root [options] NEW_ROOT PUT_OLD\n"),
        "{text}"
    );
    assert!(
        text.contains("-h, --help") && text.contains("-V, --version"),
        "{text}"
    );
    assert_eq!(
        ok(&ours(&["a", "-h"])),
        text,
        "getopt finds -h after an operand"
    );
    let version = ok(&ours(&["-V"]));
    assert!(version.starts_with("pivot_root from nsbox "), "{version}");
    assert!(
        version.ends_with("(util-linux 2.42 compatible)\n"),
        "{version}"
    );
}

#[test]
fn messages_print_non_utf8_paths_as_they_are() {
    // od(1) shows the bytes: a lossy conversion would print U+FFFD.
    let out = common::sh(
        "set +e; { pivot_root \"$(printf 'n\\377')\" /x; unshare -u \"$(printf 'p\\377')\"; } 2>&1 | od -An -c",
    );
    let text = common::stdout(&out);
    assert_eq!(text.matches("377").count(), 2, "{text}");
}
