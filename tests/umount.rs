//! umount(8): one or more targets, `-R`, `-l`, `-f`, `-r`, `-q`, `-v`,
//! messages and the summed exit status, each inside a new private mount
//! namespace, plus differential runs against the installed util-linux
//! umount (2.38; where 2.42 behaves differently the test says so).

mod common;

use common::{ok, root, sh, stderr};

/// Runs `setup` then `cmd` with util-linux's tools and with ours (see
/// tests/mount.rs); returns both transcripts.
fn both(setup: &str, cmd: &str) -> (String, String) {
    let run = |m: &str, u: &str| {
        let script = format!(
            "export LIBMOUNT_UTAB=$T/.utab; MOUNT={m}; UMOUNT={u}\n{setup}\nset +e\n\
             ( {cmd} ) >$T/.out 2>$T/.err; echo rc=$? >>$T/.out\n\
             sed \"s|$T|\\$T|g\" $T/.out; echo ---; sed \"s|$T|\\$T|g\" $T/.err"
        );
        ok(&sh(&script))
    };
    (
        // Through $PATH, so that argv[0] (in getopt's messages) is the bare name.
        run(
            "'env PATH=/usr/sbin:/usr/bin:/sbin:/bin mount'",
            "'env PATH=/usr/sbin:/usr/bin:/sbin:/bin umount'",
        ),
        run("mount", "umount"),
    )
}

fn assert_same(setup: &str, cmd: &str) -> String {
    let (theirs, ours) = both(setup, cmd);
    assert_eq!(ours, theirs, "util-linux vs nsbox for: {cmd}");
    ours
}

/// Mount points under the scratch directory, `$T` shown as `T`.
const LIST: &str =
    "awk -v t=$T 'index($5, t) == 1 { sub(t, \"T\", $5); print $5 }' /proc/self/mountinfo";

#[test]
fn umount_detaches_a_mount() {
    if !root() {
        return;
    }
    let out = sh(&format!(
        "mkdir a; /usr/bin/mount -t tmpfs x a; umount a; {LIST}; \
         /usr/bin/mount -t tmpfs y a; umount $T/a; {LIST}"
    ));
    assert_eq!(ok(&out), "T\nT\n");
}

#[test]
fn umount_of_a_stack_removes_the_top_mount_first() {
    if !root() {
        return;
    }
    let out = sh(
        "mkdir a; /usr/bin/mount -t tmpfs x a; /usr/bin/mount -t tmpfs y a; umount a; \
                  /usr/bin/findmnt -nr -o SOURCE --mountpoint $T/a",
    );
    assert_eq!(ok(&out), "x\n");
}

#[test]
fn umount_by_source_finds_the_mount_point() {
    if !root() {
        return;
    }
    let out = sh(&format!(
        "mkdir a; /usr/bin/mount -t tmpfs uniquesrc a; umount -v uniquesrc 2>&1 | sed \"s|$T|T|\"; {LIST}"
    ));
    assert_eq!(ok(&out), "umount: T/a (uniquesrc) unmounted\nT\n");
}

#[test]
fn umount_sums_exit_codes_of_targets() {
    if !root() {
        return;
    }
    // Two failures are 32 + 32 = 64 (util-linux adds the per-target codes).
    let out =
        sh("mkdir a b; /usr/bin/mount -t tmpfs x b; set +e; umount a /nonexistent b; echo rc=$?");
    assert_eq!(ok(&out), "rc=64\n");
    let err = stderr(&out);
    assert_eq!(
        err,
        "umount: a: not mounted.\numount: /nonexistent: no mount point specified.\n"
    );
}

#[test]
fn busy_target_is_reported_and_lazy_detaches_it() {
    if !root() {
        return;
    }
    let out = sh(&format!(
        "mkdir a; /usr/bin/mount -t tmpfs x a; cd a; set +e; umount $T/a; echo rc=$?; \
         umount -l $T/a; echo rc=$?; cd $T; {LIST}"
    ));
    assert_eq!(ok(&out), "rc=32\nrc=0\nT\n");
    assert!(
        stderr(&out).ends_with("/a: target is busy.\n"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn read_only_remounts_a_busy_target() {
    if !root() {
        return;
    }
    // 2.42 behaviour (2.38 looked the target up without its source and
    // could not remount).
    let out = sh(
        "mkdir a; /usr/bin/mount -t tmpfs x a; cd a; umount -r $T/a; echo rc=$?; \
                  awk -v m=$T/a '$5 == m { print $6 }' /proc/self/mountinfo",
    );
    assert_eq!(ok(&out), "rc=0\nro,relatime\n");
}

#[test]
fn recursive_unmounts_children_first_and_deepest_first() {
    if !root() {
        return;
    }
    let out = sh(&format!(
        "mkdir m; /usr/bin/mount -t tmpfs top m; mkdir m/a m/b; /usr/bin/mount -t tmpfs a m/a; \
         mkdir m/a/deep; /usr/bin/mount -t tmpfs deep m/a/deep; /usr/bin/mount -t tmpfs b m/b; \
         /usr/bin/mount -t tmpfs over m; \
         umount -R -v m 2>&1 | sed \"s|$T|T|\"; {LIST}"
    ));
    assert_eq!(
        ok(&out),
        "umount: T/m unmounted\n\
         umount: T/m/b unmounted\n\
         umount: T/m/a/deep unmounted\n\
         umount: T/m/a unmounted\n\
         umount: T/m unmounted\n\
         T\n"
    );
}

#[test]
fn recursive_stops_at_the_first_failure() {
    if !root() {
        return;
    }
    let out = sh(&format!(
        "mkdir m; /usr/bin/mount -t tmpfs top m; mkdir m/a m/b; /usr/bin/mount -t tmpfs a m/a; \
         /usr/bin/mount -t tmpfs b m/b; cd m/a; set +e; umount -R $T/m 2>&1 | sed \"s|$T|T|\"; \
         cd $T; umount -R $T/m; echo rc=$?; {LIST}"
    ));
    // m/b (mounted last) goes first, m/a is busy: stop there; the second
    // run finishes the job.
    assert_eq!(ok(&out), "umount: T/m/a: target is busy.\nrc=0\nT\n");
}

#[test]
fn recursive_on_something_not_mounted_is_a_usage_error() {
    if !root() {
        return;
    }
    let out = sh(
        "mkdir a; set +e; umount -R a; echo rc=$?; umount -R /nonexistent; echo rc=$?; \
                  umount -qR a; echo rc=$?",
    );
    assert_eq!(ok(&out), "rc=1\nrc=1\nrc=1\n");
    assert_eq!(
        stderr(&out),
        "umount: a: not mounted\numount: /nonexistent: not found\n"
    );
}

#[test]
fn quiet_hides_not_mounted_but_keeps_the_status() {
    if !root() {
        return;
    }
    let out = sh("mkdir a; set +e; umount -q a; echo rc=$?; umount -q /nonexistent; echo rc=$?");
    assert_eq!(ok(&out), "rc=32\nrc=32\n");
    assert_eq!(
        stderr(&out),
        "umount: /nonexistent: no mount point specified.\n"
    );
}

#[test]
fn verbose_reports_on_stderr_with_the_source_when_it_was_looked_up() {
    if !root() {
        return;
    }
    // 2.42: an absolute directory is unmounted without reading the mount
    // table, so no source is known; -l (and a relative path) read it.
    let out = sh(
        "mkdir a; /usr/bin/mount -t tmpfs x a; /usr/bin/mount -t tmpfs y a; \
                  umount -v $T/a 2>&1 >/dev/null | sed \"s|$T|T|\"; \
                  umount -lv $T/a 2>&1 >/dev/null | sed \"s|$T|T|\"",
    );
    assert_eq!(
        ok(&out),
        "umount: T/a unmounted\numount: T/a (x) unmounted\n"
    );
}

#[test]
fn force_unmounts() {
    if !root() {
        return;
    }
    let out = sh(&format!(
        "mkdir a; /usr/bin/mount -t tmpfs x a; umount -f a; {LIST}"
    ));
    assert_eq!(ok(&out), "T\n");
}

#[test]
fn fake_unmounts_nothing() {
    if !root() {
        return;
    }
    let out = sh(&format!(
        "mkdir a; /usr/bin/mount -t tmpfs x a; umount --fake a; {LIST}"
    ));
    assert_eq!(ok(&out), "T\nT/a\n");
}

#[test]
fn usage_errors() {
    let out = common::tool("umount").output().expect("run umount");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "umount: bad usage\nTry 'umount --help' for more information.\n"
    );
    let out = common::tool("umount")
        .args(["-R", "-r", "/x"])
        .output()
        .expect("run umount");
    assert_eq!(out.status.code(), Some(1));
    // 2.42 wording (2.38: "mutually exclusive arguments: --recursive --read-only").
    assert_eq!(
        stderr(&out),
        "umount: options --recursive and --read-only cannot be combined\n"
    );
    let out = common::tool("umount")
        .arg("--help")
        .output()
        .expect("run umount");
    assert!(ok(&out).starts_with("Usage:\n umount [-hV]\n"));
    let out = common::tool("umount")
        .arg("-V")
        .output()
        .expect("run umount");
    assert!(ok(&out).starts_with("umount from nsbox "));
}

#[test]
fn differential_messages_and_statuses() {
    if !root() {
        return;
    }
    for cmd in [
        "$UMOUNT",
        "$UMOUNT a",
        "$UMOUNT /nonexist",
        "$UMOUNT a /nonexist",
        "$UMOUNT -q a",
        "$UMOUNT -R a; $UMOUNT -R /nonexist; $UMOUNT -qR a",
        "$UMOUNT --bogus",
        "cd b; $UMOUNT $T/b",
    ] {
        let out = assert_same("mkdir a b; /usr/bin/mount -t tmpfs x b", cmd);
        assert!(!out.starts_with("rc=0\n"), "{cmd} should fail: {out}");
    }
}

#[test]
fn differential_successes() {
    if !root() {
        return;
    }
    let out = assert_same(
        "mkdir a b c; /usr/bin/mount -t tmpfs x b; /usr/bin/mount -t tmpfs y b; /usr/bin/mount --bind a c",
        "$UMOUNT -v b b; $UMOUNT -lv c; $UMOUNT -fv b; $UMOUNT -v y; grep $T /proc/self/mountinfo | cut -d' ' -f5",
    );
    assert!(out.contains("umount: $T/b (y) unmounted\n"), "{out}");
}

#[test]
fn differential_all_with_types_and_options() {
    if !root() {
        return;
    }
    let out = assert_same(
        "mkdir a b; /usr/bin/mount -t ramfs r1 a; mkdir a/x; /usr/bin/mount -t ramfs r2 a/x; \
         /usr/bin/mount -t tmpfs -o size=8k,nr_inodes=77 t b",
        "$UMOUNT -a -t ramfs -v | grep -v ': ignored$'; awk '{print $5}' /proc/self/mountinfo | grep -c \"^$T\"; \
         $UMOUNT -a -O nr_inodes=77 -v | grep -v ': ignored$'; awk '{print $5}' /proc/self/mountinfo | grep -c \"^$T\"; \
         $UMOUNT -a -t ramfs --fake",
    );
    assert!(out.contains("$T/a/x: successfully unmounted\n"), "{out}");
}

#[test]
fn differential_all_targets() {
    if !root() {
        return;
    }
    assert_same(
        "mkdir a b c; /usr/bin/mount -t tmpfs tA a; /usr/bin/mount --bind a b; /usr/bin/mount --bind a c",
        &format!("$UMOUNT -A -v tA; {LIST}; $UMOUNT -A nothing; $UMOUNT -A $T; $UMOUNT -A -q nothing"),
    );
    assert_same(
        "mkdir a b; /usr/bin/mount -t tmpfs tA a; mkdir a/z; /usr/bin/mount -t tmpfs z a/z; /usr/bin/mount --rbind a b",
        &format!("$UMOUNT -A -R -v $T/b; {LIST}"),
    );
}

#[test]
fn differential_detach_loop() {
    if !root() {
        return;
    }
    let out = assert_same(
        "command -v mkfs.ext4 >/dev/null || { echo 'mkfs.ext4 missing' >&2; exit 1; }; \
         truncate -s 8M img; mkfs.ext4 -q -F img; mkdir m n; L=$(/usr/sbin/losetup -f --show img); \
         /usr/bin/mount $L m; /usr/bin/mount img n",
        "$UMOUNT img | sed 's/loop[0-9]*/loopN/'; $UMOUNT m; \
         /usr/sbin/losetup -j $T/img | wc -l; /usr/bin/mount $L m; $UMOUNT -d m; \
         /usr/sbin/losetup -j $T/img | wc -l",
    );
    assert!(out.starts_with("1\n0\nrc=0\n"), "{out}");
}

#[test]
fn graceful_ignores_what_is_not_mounted() {
    if !root() {
        return;
    }
    let out = sh(
        "mkdir a; set +e; umount -g a; echo rc=$?; umount -g /nonexistent; echo rc=$?; \
                  /usr/bin/mount -t tmpfs x a; umount -g a; echo rc=$?; umount a; echo rc=$?",
    );
    assert_eq!(ok(&out), "rc=0\nrc=0\nrc=0\nrc=32\n");
}

/// `/sbin/umount.TYPE` helpers, installed for the test through an overlay
/// on /usr/sbin inside the test's mount namespace: the helper gets the
/// target and `-n -l -f -v -r` as given, its status is umount's, and `-i`
/// never runs it. The helper logs its arguments and unmounts nothing.
#[test]
fn differential_umount_helpers() {
    if !root() {
        return;
    }
    let setup = "mkdir up work r s; /usr/bin/mount -t overlay ovl \
         -o lowerdir=/usr/sbin,upperdir=$T/up,workdir=$T/work /usr/sbin; \
         printf '#!/bin/sh\\necho \"helper: $*\" >&2\\nexit ${HELPER_RC:-0}\\n' > /usr/sbin/umount.ramfs; \
         chmod +x /usr/sbin/umount.ramfs; \
         /usr/bin/mount -t ramfs r1 r; /usr/bin/mount -t ramfs r2 s";
    let out = assert_same(
        setup,
        &format!(
            "$UMOUNT r; echo rc=$?; $UMOUNT -l -v -f $T/r; echo rc=$?; \
             HELPER_RC=3 $UMOUNT $T/r $T/s; echo rc=$?; $UMOUNT -n -r r1; echo rc=$?; \
             $UMOUNT -i $T/s; echo rc=$?; mkdir r/sub; /usr/bin/mount -t ramfs r3 r/sub; \
             $UMOUNT -R $T/r; echo rc=$?; {LIST}"
        ),
    );
    assert!(out.contains("helper: $T/r -l -f -v\n"), "{out}");
    assert!(out.contains("rc=6\n"), "{out}");
    assert!(out.contains("T/r\n") && !out.contains("T/s\n"), "{out}");
}

#[test]
fn differential_umount_all_tells_helpers_the_table_was_not_used() {
    // umount -a looks each mount up as libmount does, by statfs(2), so the
    // helper is told -n.
    if !root() {
        return;
    }
    let setup = "mkdir up work s; /usr/bin/mount -t overlay ovl \
         -o lowerdir=/usr/sbin,upperdir=$T/up,workdir=$T/work /usr/sbin; \
         printf '#!/bin/sh\\necho \"helper: $*\" >&2\\n' > /usr/sbin/umount.ramfs; \
         chmod +x /usr/sbin/umount.ramfs; /usr/bin/mount -t ramfs -o mode=711 r4 s";
    let out = assert_same(setup, "$UMOUNT -a -t ramfs -O mode=711; echo rc=$?");
    assert!(out.contains("helper: $T/s -n\n"), "{out}");
}

/// The utab lines, `[utab]` first, without the `ID=` field 2.38 does not
/// write.
const UTAB: &str = "ut() { echo '[utab]'; sed 's/^ID=[0-9]* //' $T/.utab 2>/dev/null; }; ";

/// umount removes the utab line of what it unmounted: the last line of
/// that mount point (a stack loses its top line first), each mount of
/// `-R`, with `-l` too; `--fake` removes it without unmounting; `-n`
/// unmounts and keeps it.
#[test]
fn differential_umount_removes_utab_lines() {
    if !root() {
        return;
    }
    let out = assert_same(
        "mkdir a b c; /usr/bin/mount -t tmpfs -o x-top top a; mkdir a/s1 a/s2; \
         /usr/bin/mount -t tmpfs -o x-s1 s1 a/s1; /usr/bin/mount -t tmpfs -o x-s2 s2 a/s2; \
         mkdir a/s2/deep; /usr/bin/mount -t tmpfs -o x-deep deep a/s2/deep; \
         /usr/bin/mount -t tmpfs -o x-low low b; /usr/bin/mount -t tmpfs -o x-high high b; \
         /usr/bin/mount -t tmpfs -o x-c c c",
        &format!(
            "{UTAB}ut; $UMOUNT -R a; echo rc=$?; ut; $UMOUNT b; ut; $UMOUNT -n b; ut; \
             $UMOUNT --fake c; ut; $UMOUNT -l c; echo rc=$?; ut"
        ),
    );
    assert!(
        out.contains(
            "rc=0\n[utab]\nSRC=low TARGET=$T/b ROOT=/ OPTS=x-low\nSRC=high TARGET=$T/b ROOT=/ OPTS=x-high\n\
             SRC=c TARGET=$T/c ROOT=/ OPTS=x-c\n[utab]\nSRC=low TARGET=$T/b ROOT=/ OPTS=x-low\n\
             SRC=c TARGET=$T/c ROOT=/ OPTS=x-c\n[utab]\nSRC=low TARGET=$T/b ROOT=/ OPTS=x-low\n\
             SRC=c TARGET=$T/c ROOT=/ OPTS=x-c\n[utab]\nSRC=low TARGET=$T/b ROOT=/ OPTS=x-low\n\
             rc=0\n[utab]\nSRC=low TARGET=$T/b ROOT=/ OPTS=x-low\nrc=0\n---\n"
        ),
        "{out}"
    );
}

/// Where util-linux leaves utab wrong, nsbox does not: once one target of
/// a run was looked up by statfs(2) (a directory without a utab line),
/// libmount's no-utab flag stays set for the rest of the run, so `-R`
/// leaves the lines of the mounts unmounted after it; and `-r` that
/// remounts a busy filesystem read-only removes the line of a mount that
/// is still there.
#[test]
fn umount_keeps_utab_right_where_util_linux_does_not() {
    if !root() {
        return;
    }
    let out = sh(&format!(
        "{UTAB}mkdir a b; /usr/bin/mount -t tmpfs -o x-top top a; mkdir a/s1 a/s2; \
         /usr/bin/mount -t tmpfs -o x-s1 s1 a/s1; /usr/bin/mount -t tmpfs s2 a/s2; \
         umount -R a; echo rc=$?; ut; \
         /usr/bin/mount -t tmpfs -o x-busy busy b; touch b/f; exec 3<b/f; \
         umount -r b; echo rc=$?; ut | sed \"s|$T|T|\"; /usr/bin/findmnt -n -o VFS-OPTIONS $T/b"
    ));
    assert_eq!(
        ok(&out),
        "rc=0\n[utab]\nrc=0\n[utab]\nSRC=busy TARGET=T/b ROOT=/ OPTS=x-busy\nro,relatime\n"
    );
}

/// util-linux's `excl[]` rows are scanned in its order, and `-O` sorts
/// before the first letter of every row it is in: `-O` with `-t` or `-R`
/// is accepted, `-R` with `-t` is not.
#[test]
fn differential_exclusive_options_follow_util_linux_scan_order() {
    if !root() {
        return;
    }
    let (theirs, ours) = both(
        "mkdir a b; /usr/bin/mount -t ramfs -o ro r1 a; /usr/bin/mount -t ramfs r2 b",
        &format!(
            "$UMOUNT -a -t ramfs -O ro -v; echo rc=$?; $UMOUNT -O ro -R $T/b; echo rc=$?; \
             $UMOUNT -R -t ramfs $T/b; echo rc=$?; {LIST}"
        ),
    );
    // 2.42 words the refusal as "options X and Y cannot be combined".
    let theirs = theirs.replace(
        "mutually exclusive arguments: --test-opts --recursive --types",
        "options --recursive and --types cannot be combined",
    );
    assert_eq!(ours, theirs);
    assert!(ours.contains("$T/a : successfully unmounted\n"), "{ours}");
    assert!(ours.contains("rc=0\nrc=0\nrc=1\n"), "{ours}");
}

/// With `-c` a relative target is still found in the mount table by its
/// absolute path (libmount's `mnt_table_find_target()`), and named so.
#[test]
fn differential_no_canonicalize_finds_a_relative_target() {
    if !root() {
        return;
    }
    let out = assert_same(
        "mkdir b c; /usr/bin/mount -t tmpfs sb b; /usr/bin/mount -t tmpfs sc c",
        &format!("$UMOUNT -c -v b; echo rc=$?; $UMOUNT -c -v ./c; echo rc=$?; {LIST}"),
    );
    assert!(out.contains("umount: $T/b (sb) unmounted"), "{out}");
}

#[test]
fn differential_umount_by_tag_and_all_by_utab_options() {
    // libmount: a LABEL=/UUID= spec stands for its device; -a -O also sees
    // the userspace options utab records.
    if !root() {
        return;
    }
    let setup = "command -v mkfs.ext4 >/dev/null || { echo 'mkfs.ext4 missing' >&2; exit 1; }; \
         truncate -s 8M img; mkfs.ext4 -q -F -L nsbx-um -U 0b1c2d3e-0000-4000-8000-0000000000a1 img; \
         mkdir m n; L=$(/usr/sbin/losetup -f --show img)";
    let out = assert_same(
        setup,
        &format!(
            "/usr/bin/mount \"$L\" m; $UMOUNT LABEL=nsbx-um; echo rc=$?; \
             /usr/bin/mount \"$L\" m; $UMOUNT UUID=0b1c2d3e-0000-4000-8000-0000000000a1; echo rc=$?; \
             $UMOUNT LABEL=nsbx-none; echo rc=$?; \
             /usr/bin/mount -t tmpfs -o x-nsbx um n; $UMOUNT -a -O x-nsbx; echo rc=$?; {LIST}; \
             /usr/sbin/losetup -d \"$L\""
        ),
    );
    assert!(out.starts_with("rc=0\nrc=0\nrc=32\nrc=0\n"), "{out}");
    assert!(!out.contains("T/n\n") && !out.contains("T/m\n"), "{out}");
}
