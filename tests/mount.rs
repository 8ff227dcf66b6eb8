//! mount(8): binds, moves, propagation, options, listing and messages, each
//! run inside a new private mount namespace (`common::sh`), plus
//! differential runs against the installed util-linux mount.
//!
//! The installed util-linux is 2.38; nsbox follows 2.42. Where the two
//! differ on purpose the test says so (the `--bind --move` wording, the
//! unbindable message).

mod common;

use common::{ok, root, sh, stderr, stdout};

/// Propagation of mount point `$1` as findmnt prints it.
const PROP: &str = "prop() { /usr/bin/findmnt -nr -o PROPAGATION --mountpoint \"$1\"; }; ";

/// VFS options of mount point `$1` (mountinfo field 6).
const VFSOPTS: &str =
    "vfsopts() { awk -v m=\"$1\" '$5 == m { o = $6 } END { print o }' /proc/self/mountinfo; }; ";

/// Runs `setup` (with util-linux's mount) and then `cmd` twice in fresh
/// namespaces: with `$MOUNT`/`$UMOUNT` set to util-linux's tools and to
/// ours. Returns both transcripts (`stdout`, `---`, `stderr`, `rc=N`), with
/// the scratch directory shown as `$T`.
pub fn both(setup: &str, cmd: &str) -> (String, String) {
    both_with(setup, cmd, "mount")
}

/// [`both`], with ours run as `ours` (a command prefix ending in `mount`).
fn both_with(setup: &str, cmd: &str, ours: &str) -> (String, String) {
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
        run(&format!("'{ours}'"), "umount"),
    )
}

#[test]
fn bind_makes_a_directory_visible_at_a_second_place() {
    if !root() {
        return;
    }
    let out = sh("mkdir a b; echo hi > a/f; mount --bind a b; cat b/f; \
                  awk '$5 ~ /\\/b$/ {print $4}' /proc/self/mountinfo");
    assert_eq!(ok(&out), "hi\n/a\n");
}

#[test]
fn rbind_takes_submounts_along_and_bind_does_not() {
    if !root() {
        return;
    }
    let out = sh(
        "mkdir a b c; mkdir a/sub; /usr/bin/mount -t tmpfs subfs a/sub; touch a/sub/x; \
                  mount --bind a b; mount --rbind a c; \
                  ls b/sub; echo --; ls c/sub",
    );
    assert_eq!(ok(&out), "--\nx\n");
}

#[test]
fn move_relocates_a_mount() {
    if !root() {
        return;
    }
    // Corpus tests/ts/mount/move: bind, rprivate, move; the old place is empty.
    let out = sh(
        "mkdir a b c; /usr/bin/mount --bind a a; mount --make-rprivate a; \
                  mount --bind a b; mount --move b c; \
                  /usr/bin/mountpoint -q b && echo b-mounted || echo b-free; \
                  /usr/bin/mountpoint -q c && echo c-mounted",
    );
    assert_eq!(ok(&out), "b-free\nc-mounted\n");
}

#[test]
fn move_under_a_shared_parent_fails_then_succeeds_once_private() {
    if !root() {
        return;
    }
    // BC-16.
    let out = sh(
        "mkdir a b; /usr/bin/mount -t tmpfs mv1 a; mount --make-shared $T; \
                  set +e; mount --move a b; echo rc=$?; set -e; \
                  mount --make-private $T; mount --move a b; echo rc=$?; \
                  /usr/bin/findmnt -nr -o SOURCE --mountpoint $T/b",
    );
    assert_eq!(ok(&out), "rc=32\nrc=0\nmv1\n");
    let err = stderr(&out);
    assert!(
        err.contains(
            "/b: bad option; moving a mount residing under a shared mount is unsupported.\n"
        ),
        "{err}"
    );
    assert!(
        err.contains("       dmesg(1) may have more information after failed mount system call.\n")
    );
}

#[test]
fn a_mount_under_a_shared_mount_appears_in_its_peer_and_not_in_a_private_copy() {
    if !root() {
        return;
    }
    let out = sh(
        "mkdir a peer priv; /usr/bin/mount -t tmpfs base a; mount --make-shared a; \
                  mount --bind a peer; mount --bind a priv; mount --make-private priv; \
                  mkdir a/new; mount -t tmpfs newfs a/new; \
                  /usr/bin/findmnt -nr -o SOURCE --mountpoint $T/peer/new; \
                  /usr/bin/findmnt -nr -o SOURCE --mountpoint $T/priv/new || echo not-in-private",
    );
    assert_eq!(ok(&out), "newfs\nnot-in-private\n");
}

#[test]
fn a_slave_receives_but_does_not_send() {
    if !root() {
        return;
    }
    let out = sh(&format!(
        "{PROP}mkdir m s; /usr/bin/mount -t tmpfs base m; mount --make-shared m; \
         mount --bind m s; mount --make-slave s; prop $T/s; \
         mkdir m/down; mount -t tmpfs fromm m/down; \
         /usr/bin/findmnt -nr -o SOURCE --mountpoint $T/s/down; \
         mkdir s/up; mount -t tmpfs froms s/up; \
         /usr/bin/findmnt -nr -o SOURCE --mountpoint $T/m/up || echo not-sent"
    ));
    assert_eq!(ok(&out), "private,slave\nfromm\nnot-sent\n");
}

#[test]
fn binding_an_unbindable_mount_fails_with_a_clear_message() {
    if !root() {
        return;
    }
    // BC-14: util-linux prints the misleading "wrong fs type, bad option,
    // bad superblock..." here; nsbox says what is wrong. Exit status 32 as
    // util-linux; no dmesg hint, the kernel logs nothing about it.
    let out = sh(&format!(
        "{PROP}mkdir src dst; /usr/bin/mount -t tmpfs srctmp src; mkdir src/sub; \
         /usr/bin/mount -t tmpfs subtmp src/sub; mkdir src/sub/d2; mount --make-unbindable src/sub; \
         prop $T/src/sub; set +e; \
         {{ mount --bind src/sub dst; echo rc=$?; mount --bind src/sub/d2 dst; echo rc=$?; }} 2>&1 \
         | sed \"s|$T|T|g\""
    ));
    assert_eq!(
        ok(&out),
        "private,unbindable\n\
         mount: T/dst: T/src/sub is unbindable; bind mounts of unbindable mounts are not allowed.\n\
         rc=32\n\
         mount: T/dst: T/src/sub/d2 is on the unbindable mount T/src/sub; bind mounts of unbindable mounts are not allowed.\n\
         rc=32\n"
    );
}

#[test]
fn rbind_skips_an_unbindable_submount_and_make_shared_clears_unbindable() {
    if !root() {
        return;
    }
    // BC-14, second half.
    let out = sh(&format!(
        "{PROP}mkdir src dst2; /usr/bin/mount -t tmpfs srctmp src; mkdir src/sub src/sub2; \
         /usr/bin/mount -t tmpfs subtmp src/sub; /usr/bin/mount -t tmpfs sub2tmp src/sub2; \
         mount --make-unbindable src/sub; mount --rbind src dst2; \
         /usr/bin/findmnt -nr -o TARGET -R $T/dst2 | sed \"s|$T|T|\"; \
         mount --make-shared src/sub; prop $T/src/sub"
    ));
    assert_eq!(ok(&out), "T/dst2\nT/dst2/sub2\nshared\n");
}

#[test]
fn shared_subtree_corpus_expectations() {
    if !root() {
        return;
    }
    // tests/expected/mount/shared-subtree-*: bind MP MP then make-shared,
    // make-private, make-unbindable; --make-shared combined with --bind;
    // --make-private --make-unbindable combined with a new mount;
    // -o ro,private.
    let out = sh(&format!(
        "{PROP}{VFSOPTS}mkdir mp mp2 mp3 mp4; \
         mount --bind mp mp; mount --make-shared mp; prop $T/mp; \
         mount --make-private mp; prop $T/mp; \
         mount --make-unbindable mp; prop $T/mp; \
         mount --make-shared --bind mp2 mp2; prop $T/mp2; \
         mount -t tmpfs --make-private --make-unbindable x mp3; prop $T/mp3; \
         mount -t tmpfs -o ro,private y mp4; prop $T/mp4; vfsopts $T/mp4"
    ));
    assert_eq!(
        ok(&out),
        "shared\nprivate\nprivate,unbindable\nshared\nprivate,unbindable\nprivate\nro,relatime\n"
    );
}

#[test]
fn make_slave_of_a_private_mount_stays_private() {
    if !root() {
        return;
    }
    // tests/expected/mount/fallback-mount_setattr (without forcing ENOSYS).
    let out = sh(&format!(
        "{PROP}mkdir mp; /usr/bin/mount -t tmpfs x mp; mount --make-slave mp; prop $T/mp; \
         mount --make-rshared mp; prop $T/mp; mount --make-rslave mp; prop $T/mp"
    ));
    assert_eq!(ok(&out), "private\nshared\nprivate\n");
}

#[test]
fn recursive_propagation_reaches_every_submount() {
    if !root() {
        return;
    }
    let out = sh(&format!(
        "{PROP}mkdir m; /usr/bin/mount -t tmpfs top m; mkdir m/a; /usr/bin/mount -t tmpfs a m/a; \
         mount --make-rshared m; prop $T/m; prop $T/m/a; \
         mount --make-private m; prop $T/m; prop $T/m/a; \
         mount -o rprivate none m; prop $T/m/a"
    ));
    assert_eq!(ok(&out), "shared\nshared\nprivate\nshared\nprivate\n");
}

#[test]
fn bind_ro_is_read_only_and_leaves_the_source_writable() {
    if !root() {
        return;
    }
    let out = sh(&format!(
        "{VFSOPTS}mkdir a b c; /usr/bin/mount -t tmpfs src a; \
         mount -o bind,ro a b; vfsopts $T/b; touch a/ok; \
         touch b/no 2>/dev/null || echo read-only; \
         mount --bind -r a c; vfsopts $T/c; vfsopts $T/a"
    ));
    assert_eq!(
        ok(&out),
        "ro,relatime\nread-only\nro,relatime\nrw,relatime\n"
    );
}

#[test]
fn rbind_ro_makes_only_the_top_mount_read_only() {
    if !root() {
        return;
    }
    let out = sh(&format!(
        "{VFSOPTS}mkdir a b; mkdir a/sub; /usr/bin/mount -t tmpfs sub a/sub; \
         mount -o rbind,ro a b; vfsopts $T/b; vfsopts $T/b/sub"
    ));
    assert_eq!(ok(&out), "ro,relatime\nrw,relatime\n");
}

#[test]
fn options_are_split_into_flags_data_and_userspace_options() {
    if !root() {
        return;
    }
    let out = sh("mkdir a; mount -t tmpfs -o ro,noexec,nosuid,size=1m,mode=700,x-foo,defaults,_netdev,nofail,noauto x a; \
                  awk -v m=$T/a '$5 == m { print $6, $NF }' /proc/self/mountinfo; stat -c %a a");
    assert_eq!(
        ok(&out),
        "ro,nosuid,noexec,relatime ro,size=1024k,mode=700\n700\n"
    );
}

#[test]
fn remount_keeps_the_other_options() {
    if !root() {
        return;
    }
    let out = sh(&format!(
        "{VFSOPTS}mkdir a; mount -t tmpfs -o nosuid,size=1m x a; mount -o remount,ro a; vfsopts $T/a; \
         mount -o remount,rw,noexec a; vfsopts $T/a; \
         awk -v m=$T/a '$5 == m {{ print $NF }}' /proc/self/mountinfo; \
         mount -w -o remount a; mount -r -o remount a; vfsopts $T/a"
    ));
    assert_eq!(
        ok(&out),
        "ro,nosuid,relatime\nrw,nosuid,noexec,relatime\nrw,size=1024k\nro,nosuid,noexec,relatime\n"
    );
}

#[test]
fn remount_bind_changes_only_the_bind_mount() {
    if !root() {
        return;
    }
    let out = sh(&format!(
        "{VFSOPTS}mkdir a b; mount --bind a b; mount -o remount,bind,ro b; vfsopts $T/b; \
         touch a/x; touch b/y 2>/dev/null || echo ro"
    ));
    assert_eq!(ok(&out), "ro,relatime\nro\n");
}

#[test]
fn verbose_reports_each_operation_on_stdout() {
    if !root() {
        return;
    }
    let out = sh("mkdir a b c d; { mount -v --bind a b; mount -v --move b c; mount -v --make-private c; \
                  mount -v -t tmpfs x d; mount -v -t tmpfs --make-shared y d; mount -v -o remount,ro d; \
                  mount -v -o remount,bind,rw d; } | sed \"s|$T|T|g\"");
    assert_eq!(
        ok(&out),
        "mount: T/a bound on T/b.\n\
         mount: T/b moved to T/c.\n\
         mount: T/c propagation flags changed.\n\
         mount: x mounted on T/d.\n\
         mount: y mounted on T/d.\n\
         mount: T/d propagation flags changed.\n\
         mount: y mounted on T/d.\n\
         mount: y bound on T/d.\n"
    );
}

#[test]
fn fake_mounts_nothing_but_reports() {
    if !root() {
        return;
    }
    let out = sh("mkdir a b; mount -f -v --bind a b | sed \"s|$T|T|g\"; \
                  /usr/bin/mountpoint -q b || echo not-mounted");
    assert_eq!(ok(&out), "mount: T/a bound on T/b.\nnot-mounted\n");
}

#[test]
fn onlyonce_refuses_a_mounted_target() {
    if !root() {
        return;
    }
    let out = sh("mkdir a; mount -t tmpfs x a; set +e; mount --onlyonce -t tmpfs y a; echo rc=$?");
    assert_eq!(ok(&out), "rc=32\n");
    assert!(
        stderr(&out).ends_with("/a: filesystem already mounted.\n"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn mkdir_creates_the_mount_point() {
    if !root() {
        return;
    }
    let out = sh("mount -t tmpfs --mkdir=0711 x new/dir; stat -c %a new/dir/..; /usr/bin/mountpoint -q new/dir && echo mounted");
    assert_eq!(ok(&out), "711\nmounted\n");
}

#[test]
fn fstab_entry_completes_a_lone_source_or_target() {
    if !root() {
        return;
    }
    let out = sh("mkdir a b c; printf '# comment\\n\\nx\\\\040y %s/b tmpfs size=1m,noauto 0 0\\n%s/a %s/c none bind\\n' $T $T $T > fst; \
                  mount -T fst $T/b; mount -T fst -v c | sed \"s|$T|T|g\"; \
                  /usr/bin/findmnt -nr -o SOURCE --mountpoint $T/b; \
                  set +e; mount -T fst /nowhere; echo rc=$?");
    assert_eq!(ok(&out), "mount: T/a bound on T/c.\nx\\x20y\nrc=1\n");
    assert_eq!(stderr(&out), "mount: /nowhere: can't find in /etc/fstab.\n");
}

#[test]
fn bind_move_and_rbind_cannot_be_combined_2_42_wording() {
    if !root() {
        return;
    }
    // util-linux 2.38 said "mutually exclusive arguments: --bind --move
    // --rbind"; 2.42 names the two options given.
    let out =
        sh("mkdir a b; set +e; mount --bind --move a b; echo rc=$?; mount -M -R a b; echo rc=$?");
    assert_eq!(ok(&out), "rc=1\nrc=1\n");
    assert_eq!(
        stderr(&out),
        "mount: options --bind and --move cannot be combined\n\
         mount: options --move and --rbind cannot be combined\n"
    );
}

#[test]
fn help_and_version() {
    let out = common::tool("mount")
        .arg("--help")
        .output()
        .expect("run mount");
    let text = ok(&out);
    assert!(text.starts_with("Usage:\n mount [-lhV]\n"), "{text}");
    assert!(text.contains("--make-runbindable"));
    let out = common::tool("mount").arg("-V").output().expect("run mount");
    assert!(ok(&out).starts_with("mount from nsbox "));
}

fn assert_same(setup: &str, cmd: &str) -> String {
    let (theirs, ours) = both(setup, cmd);
    assert_eq!(ours, theirs, "util-linux vs nsbox for: {cmd}");
    ours
}

#[test]
fn differential_listing() {
    if !root() {
        return;
    }
    let out = assert_same(
        "mkdir a b c \"$(printf 'x\\001y')\"; /usr/bin/mount -t tmpfs -o size=1m,mode=700,noexec first a; \
         /usr/bin/mount --bind a b; /usr/bin/mount -t tmpfs \"$(printf 'tab\\there')\" \"$(printf 'x\\001y')\"",
        "$MOUNT; $MOUNT -t tmpfs; $MOUNT -t notmpfs; $MOUNT -t proc,sysfs; $MOUNT -l -t tmpfs",
    );
    assert!(
        out.contains("first on $T/a type tmpfs (rw,noexec,relatime,size=1024k,mode=700)\n"),
        "{out}"
    );
    assert!(out.contains(" on $T/x?y type tmpfs "), "{out}");
}

#[test]
fn differential_bind_move_and_verbose() {
    if !root() {
        return;
    }
    let out = assert_same(
        "mkdir a b c d; ln -s a la; touch f g",
        "$MOUNT -v --bind la c; $MOUNT -v --move c d; $MOUNT -v --make-private d; \
         $MOUNT -v -o bind,ro a b; $MOUNT -v -o rbind,ro,shared a c; $MOUNT -v -o move c b; \
         $MOUNT -v --bind f g; $MOUNT -v -o remount,bind,ro g; $MOUNT -f -v --bind a c; \
         grep $T /proc/self/mountinfo | cut -d' ' -f4- | sed 's/shared:[0-9]*/shared:N/'",
    );
    assert!(out.contains("mount: $T/a bound on $T/c.\n"), "{out}");
    // Peer group IDs are the kernel's, shared with tests running alongside.
    assert!(
        out.contains("/a $T/b ro,relatime shared:N - tmpfs"),
        "{out}"
    );
}

#[test]
fn differential_errors() {
    if !root() {
        return;
    }
    for cmd in [
        "$MOUNT /nonexist $T/a",
        "$MOUNT -t tmpfs x $T/nonexist",
        "$MOUNT --bind /nonexist a",
        "$MOUNT --bind nonexist a",
        "$MOUNT --bind a nonexist",
        "$MOUNT --bind a f",
        "$MOUNT -t tmpfs x f",
        "$MOUNT -t bogusfs x a",
        "$MOUNT -t nosuchfs x a",
        "$MOUNT -t tmpfs -o size=abc x a",
        "$MOUNT -t tmpfs -o foo=bar x a",
        "$MOUNT --make-private nonexist",
        "$MOUNT --make-private /tmp",
        "$MOUNT -o remount,ro a",
        "$MOUNT -M a b",
    ] {
        let out = assert_same("mkdir a b; touch f", cmd);
        assert!(
            out.ends_with("dmesg(1) may have more information after failed mount system call.\n"),
            "{out}"
        );
        assert!(out.contains("rc=32\n"), "{out}");
    }
}

#[test]
fn differential_usage_and_fstab_errors() {
    if !root() {
        return;
    }
    for cmd in [
        "$MOUNT -o bind a",
        "$MOUNT /zz",
        "$MOUNT --target /zz",
        "$MOUNT --source /zz",
        "$MOUNT -t tmpfs x",
        "$MOUNT --bind",
        "$MOUNT -r",
        "$MOUNT -o ro",
        "$MOUNT --make-private",
        "$MOUNT a b c",
        "$MOUNT --source a --target b c",
        "$MOUNT -t tmpfs --bind a b",
        "$MOUNT --source a --bind b",
        "$MOUNT -T nonexist /x",
        "$MOUNT --bogus",
    ] {
        let out = assert_same("mkdir a b", cmd);
        assert!(out.contains("rc=1\n"), "{out}");
    }
}

#[test]
fn differential_remount_and_propagation() {
    if !root() {
        return;
    }
    assert_same(
        "mkdir a b",
        "$MOUNT -v -t tmpfs -o ro,nosuid x b; $MOUNT -v -t tmpfs --make-shared y b; \
         $MOUNT -v -o remount,rw b; $MOUNT --make-rshared $T; $MOUNT -v --make-shared --make-private --make-runbindable $T/b; \
         grep $T /proc/self/mountinfo | cut -d' ' -f4- | sed 's/shared:[0-9]*/shared:N/; s/master:[0-9]*/master:N/'",
    );
    assert_same(
        "mkdir a b; /usr/bin/mount -t tmpfs mv1 a",
        "$MOUNT --make-shared $T; $MOUNT --move a b; $MOUNT --make-private $T; $MOUNT --move a b; $MOUNT -t tmpfs",
    );
}

/// `mount -a -o remount` walks the mount table, not fstab. A remount
/// without `bind` changes the superblock, which the host shares with the
/// test's namespace copy: `-t ramfs` (and `-O` on a size only these tmpfs
/// have) keep it to the superblocks the test made.
#[test]
fn differential_remount_all_walks_the_mount_table() {
    if !root() {
        return;
    }
    let setup =
        "mkdir a b c d; /usr/bin/mount -t ramfs r1 a; /usr/bin/mount -t ramfs -o mode=700 r2 b; \
         /usr/bin/mount -t tmpfs -o size=7340k t1 c; /usr/bin/mount -t tmpfs -o size=7340k t2 d";
    let vfs = "grep \" $T/\" /proc/self/mountinfo | awk '{print $5, $6}'";
    let out = assert_same(
        setup,
        &format!(
            "$MOUNT -a -v -o remount,ro -t ramfs; echo rc=$?; {vfs}; \
             $MOUNT -a -o remount,rw -t ramfs -O mode=700; echo rc=$?; {vfs}; \
             $MOUNT -a -o remount,size=bogus -t tmpfs -O size=7340k; echo rc=$?; {vfs}"
        ),
    );
    assert!(out.contains("$T/a : successfully remounted\n"), "{out}");
    assert!(out.contains("$T/c : ignored\n"), "{out}");
    assert!(
        out.contains("$T/a ro,relatime\n$T/b ro,relatime\n"),
        "{out}"
    );
    assert!(
        out.contains("$T/a ro,relatime\n$T/b rw,relatime\n"),
        "{out}"
    );
    assert!(out.contains("rc=32\n"), "{out}");
}

/// `/dev/loopN` → `/dev/loopN` with the number hidden (another test may
/// hold the first free device).
fn hide_loop_numbers(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("/dev/loop") {
        out.push_str(&rest[..i + 9]);
        rest = rest[i + 9..].trim_start_matches(|c: char| c.is_ascii_digit());
        out.push('N');
    }
    out.push_str(rest);
    out
}

fn assert_same_loops(setup: &str, cmd: &str) -> String {
    let (theirs, ours) = both(setup, cmd);
    let (theirs, ours) = (hide_loop_numbers(&theirs), hide_loop_numbers(&ours));
    assert_eq!(ours, theirs, "util-linux vs nsbox for: {cmd}");
    ours
}

/// An ext4 image `img` (16 MiB, label and UUID given) in `$T`, and mount
/// points `m` and `n`.
fn ext4_setup(label: &str, uuid: &str) -> String {
    format!(
        "command -v mkfs.ext4 >/dev/null || {{ echo 'mkfs.ext4 missing (install e2fsprogs)' >&2; exit 1; }}; \
         truncate -s 16M img; mkfs.ext4 -q -F -L {label} -U {uuid} img; mkdir m n"
    )
}

/// The loop devices backed by `$T/img` (must be none when a test ends).
const LOOPS_OF_IMG: &str = "/usr/sbin/losetup -n -O NAME -j $T/img | sed 's/[0-9]*$//'";

#[test]
fn image_file_is_loop_mounted_with_its_type_probed_and_autocleared() {
    if !root() {
        return;
    }
    let out = sh(&format!(
        "{}; mount img m; /usr/bin/findmnt -n -o FSTYPE,SOURCE m | sed 's/loop[0-9]*/loopN/'; \
         {LOOPS_OF_IMG}; umount m; echo after; {LOOPS_OF_IMG}",
        ext4_setup("nsbx-auto", "0b1c2d3e-0000-4000-8000-000000000001")
    ));
    assert_eq!(ok(&out), "ext4   /dev/loopN\n/dev/loop\nafter\n");
}

#[test]
fn differential_loop_mounts_and_errors() {
    if !root() {
        return;
    }
    let out = assert_same_loops(
        &ext4_setup("nsbx-diff", "0b1c2d3e-0000-4000-8000-000000000002"),
        &format!(
            "$MOUNT -v img m; $UMOUNT m; $MOUNT -v -o loop,ro -t ext4 img m; \
             /usr/bin/findmnt -n -o FSTYPE,OPTIONS m; $UMOUNT -d m; \
             echo garbage > small; $MOUNT small m; truncate -s 4k zero; $MOUNT zero m; \
             $MOUNT -o loop,offset=abc img m; $MOUNT -t ext4 -o loop /nonexist m; \
             $MOUNT -o loop img /nonexist; {LOOPS_OF_IMG}"
        ),
    );
    assert!(
        out.contains("mount: /dev/loopN mounted on $T/m.\n"),
        "{out}"
    );
    assert!(
        out.contains("mount: m: failed to setup loop device for /nonexist.\n"),
        "{out}"
    );
}

#[test]
fn differential_remount_of_a_lone_source() {
    // libmount `apply_table()`: a lone operand that is no mount point is
    // looked up as a source.
    if !root() {
        return;
    }
    let out = assert_same_loops(
        "mkdir abc",
        "/usr/bin/mount -t tmpfs own abc; $MOUNT -o remount,ro own; echo rc=$?; \
         /usr/bin/findmnt -n -o OPTIONS abc | cut -d, -f1; $MOUNT -v -o remount,rw own; \
         $MOUNT -o remount,ro nonesuch || echo rc=$?; $UMOUNT abc",
    );
    assert!(out.contains("rc=0\nro\n"), "{out}");
}

#[test]
fn differential_listing_of_another_namespace() {
    if !root() {
        return;
    }
    let out = assert_same_loops(
        "mkdir q",
        "/usr/bin/unshare -m --propagation private sh -c \
           '/usr/bin/mount -t tmpfs nsbox-inner q && exec sleep 30' & P=$!; \
         while ! grep -q nsbox-inner /proc/$P/mountinfo 2>/dev/null; do sleep 0.05; done; \
         a=$($MOUNT -N $P -t tmpfs | grep -c nsbox-inner || true); \
         b=$($MOUNT -t tmpfs | grep -c nsbox-inner || true); kill $P; echo \"$a\"; echo \"$b\"",
    );
    assert!(out.starts_with("1\n0\n"), "{out}");
}

#[test]
fn differential_helpers_run_in_the_namespace_mount_started_in() {
    // With -N, libmount looks for the helper and runs it in the original
    // mount namespace, and passes the target's last, as /proc/PID/fd/FD.
    if !root() {
        return;
    }
    let out = assert_same_loops(
        "mkdir q; /usr/bin/mount -t tmpfs sbin /usr/sbin; \
         printf '#!/bin/sh\\necho \"$0 called with $*\"; readlink /proc/self/ns/mnt\\n' \
           > /sbin/mount.nshelp; chmod +x /sbin/mount.nshelp",
        "/usr/bin/unshare -m --propagation private sh -c '/usr/bin/umount /usr/sbin && exec sleep 30' & P=$!; \
         while [ -e /proc/$P/root/usr/sbin/mount.nshelp ]; do sleep 0.05; done; \
         out=$($MOUNT -N $P -t nshelp src $T/q); kill $P; \
         echo \"$out\" | head -1 | sed 's#/proc/[0-9]*/fd/[0-9]*#/proc/PID/fd/N#'; \
         [ \"$(echo \"$out\" | tail -1)\" = \"$(readlink /proc/self/ns/mnt)\" ] && echo ORIGIN",
    );
    assert!(
        out.starts_with(
            "/sbin/mount.nshelp called with src $T/q -o rw -N /proc/PID/fd/N\nORIGIN\n"
        ),
        "{out}"
    );
}

#[test]
fn differential_messages_print_non_utf8_paths_as_they_are() {
    if !root() {
        return;
    }
    // od(1) shows the bytes: a lossy conversion would print U+FFFD.
    let out = assert_same_loops(
        "D=$(printf 'd\\351x'); mkdir \"$D\"",
        "{ $MOUNT -v -t tmpfs src \"$D\"; $UMOUNT -v \"$D\"; $UMOUNT \"$D\"; \
           $MOUNT -t tmpfs src \"$D/no\"; } 2>&1 | sed \"s#$T#T#g\" | od -An -c",
    );
    assert!(out.contains("351"), "{out}");
}

#[test]
fn differential_nofail_excuses_a_tag_that_finds_nothing() {
    if !root() {
        return;
    }
    let out = assert_same_loops(
        "mkdir t1 t2; echo \"LABEL=nsbx-nothere $T/t1 ext4 nofail 0 0\" > fst; \
         echo \"LABEL=nsbx-nothere2 $T/t2 ext4 defaults 0 0\" >> fst",
        "$MOUNT -T fst $T/t1; echo rc=$?; $MOUNT -T fst -a; echo rc=$?",
    );
    assert!(out.starts_with("rc=0\nrc=64\n"), "{out}");
}

#[test]
fn differential_a_device_finds_its_fstab_entry_written_as_a_tag() {
    // libmount `mnt_table_find_srcpath()`: an entry `UUID=...` stands for
    // the device that carries it.
    if !root() {
        return;
    }
    let out = assert_same_loops(
        &ext4_setup("nsbx-ftag", "0b1c2d3e-0000-4000-8000-0000000000b1"),
        "L=$(/usr/sbin/losetup -f --show img); \
         echo \"UUID=0b1c2d3e-0000-4000-8000-0000000000b1 $T/m auto noatime 0 0\" > fst; \
         $MOUNT -T fst \"$L\"; echo rc=$?; /usr/bin/findmnt -n -o OPTIONS m | cut -d, -f2; \
         $UMOUNT m; /usr/sbin/losetup -d \"$L\"",
    );
    assert!(out.starts_with("rc=0\nnoatime\n"), "{out}");
}

#[test]
fn differential_remount_takes_the_fstab_options_first() {
    // libmount `mnt_context_apply_fstab()`: fstab before the mount table.
    if !root() {
        return;
    }
    let out = assert_same_loops(
        "mkdir t1; echo \"nsbx-x1 $T/t1 tmpfs mode=700,noexec 0 0\" > fst",
        "/usr/bin/mount -t tmpfs -o size=2m nsbx-x1 t1; \
         $MOUNT -T fst -o remount $T/t1; echo rc=$?; /usr/bin/findmnt -n -o VFS-OPTIONS t1; \
         $MOUNT -T fst -o remount,exec nsbx-x1; echo rc=$?; /usr/bin/findmnt -n -o VFS-OPTIONS t1; \
         $UMOUNT t1",
    );
    assert!(
        out.starts_with("rc=0\nrw,noexec,relatime\nrc=0\nrw,relatime\n"),
        "{out}"
    );
}

#[test]
fn differential_options_source_mtab_and_force_look_fstab_up_as_libmount() {
    if !root() {
        return;
    }
    let out = assert_same_loops(
        "mkdir t1; echo \"nsbx-x1 $T/t1 tmpfs mode=700,noexec 0 0\" > fst",
        "$MOUNT -T fst --options-source mtab $T/t1; echo rc=$?; \
         $MOUNT -T fst --options-source-force nsbx-x9 $T/t1; echo rc=$?; \
         $MOUNT -T fst --options-source-force nsbx-x1 $T/t1; echo rc=$?; \
         /usr/bin/findmnt -n -o VFS-OPTIONS t1; $UMOUNT t1",
    );
    assert!(
        out.starts_with("rc=1\nrc=1\nrc=0\nrw,noexec,relatime\n"),
        "{out}"
    );
}

#[test]
fn differential_a_second_mount_of_an_image_reuses_its_loop_device() {
    // libmount never attaches one file to two loop devices (the kernel
    // would see two block devices on one file): the same range is reused
    // (read-only with a warning when the device is), an overlapping one
    // is refused.
    if !root() {
        return;
    }
    let out = assert_same_loops(
        &ext4_setup("nsbx-reuse", "0b1c2d3e-0000-4000-8000-000000000003"),
        &format!(
            "mkdir o; \
             $MOUNT -o loop img m; $MOUNT -o loop img n; echo rc=$?; {LOOPS_OF_IMG} | wc -l; \
             $UMOUNT n; $UMOUNT m; \
             $MOUNT -o loop,ro img m; $MOUNT -o loop img n; echo rc=$?; \
             /usr/bin/findmnt -n -o OPTIONS n | cut -d, -f1; {LOOPS_OF_IMG} | wc -l; \
             $MOUNT -w -o loop img o || echo rc=$?; $UMOUNT n; $UMOUNT m; \
             $MOUNT -o loop img m; $MOUNT -o loop,offset=1024 img n || echo rc=$?; \
             $MOUNT -o loop=/dev/loop7 img n || echo rc=$?; $UMOUNT m; {LOOPS_OF_IMG}"
        ),
    );
    for line in [
        "rc=0\nro\n1\n",
        "mount: $T/n: WARNING: source write-protected, mounted read-only.\n",
        "mount: o: mount failed: Read-only file system.\n",
        "mount: n: overlapping loop device exists for $T/img.\n",
    ] {
        assert!(out.contains(line), "{line:?} not in\n{out}");
    }
}

#[test]
fn differential_a_write_protected_source_is_mounted_read_only_with_a_warning() {
    if !root() {
        return;
    }
    let out = assert_same_loops(
        &ext4_setup("nsbx-wp", "0b1c2d3e-0000-4000-8000-000000000004"),
        "L=$(/usr/sbin/losetup -r -f --show img); \
         $MOUNT \"$L\" m; echo rc=$?; /usr/bin/findmnt -n -o OPTIONS m | cut -d, -f1; $UMOUNT m; \
         $MOUNT -w \"$L\" m || echo rc=$?; /usr/sbin/losetup -d \"$L\"",
    );
    assert!(out.contains("rc=0\nro\n"), "{out}");
    assert!(
        out.contains("mount: $T/m: WARNING: source write-protected, mounted read-only.\n"),
        "{out}"
    );
}

#[test]
fn differential_label_and_uuid_without_udev_links() {
    if !root() {
        return;
    }
    let out = assert_same_loops(
        &ext4_setup("nsbx-tag", "0b1c2d3e-0000-4000-8000-000000000003"),
        &format!(
            "$MOUNT -o loop img m; $MOUNT -l -t ext4; $MOUNT -v LABEL=nsbx-tag n; $UMOUNT n; \
             $MOUNT -v -U 0b1c2d3e-0000-4000-8000-000000000003 n; $UMOUNT n; \
             $MOUNT -v -L nsbx-tag n; $UMOUNT n; \
             $MOUNT UUID=0b1c2d3e-0000-4000-8000-000000000003 --target n; $UMOUNT n; \
             $MOUNT -L no-such-label-nsbx n; $MOUNT -U 0b1c2d3e-ffff-4000-8000-000000000003 n; \
             $UMOUNT m; {LOOPS_OF_IMG}"
        ),
    );
    assert!(out.contains("mounted on $T/n.\n"), "{out}");
    assert!(
        out.contains("mount: n: can't find LABEL=\"no-such-label-nsbx\".\n"),
        "{out}"
    );
}

#[test]
fn differential_mount_all_with_types_options_and_fork() {
    if !root() {
        return;
    }
    let setup = format!(
        "{}; mkdir a b c; cat > fstab <<EOF\n\
         $T/img $T/m auto defaults 0 0\n\
         t1 $T/a tmpfs size=1m,x-a 0 0\n\
         t2 $T/b ramfs noauto 0 0\n\
         t3 $T/c tmpfs ro,x-b 0 0\n\
         t4 $T/nonexist tmpfs defaults 0 0\n\
         EOF",
        ext4_setup("nsbx-all", "0b1c2d3e-0000-4000-8000-000000000004")
    );
    let tree = "/usr/bin/findmnt -R -l -n -o SOURCE,TARGET,FSTYPE,OPTIONS $T | sort";
    let out = assert_same_loops(
        &setup,
        &format!(
            "$MOUNT -T fstab -a -v; echo rc=$?; {tree}; $MOUNT -T fstab -a -v; echo rc=$?; \
             /usr/bin/umount m a c; $MOUNT -T fstab -a -t tmpfs -O x-b -v; echo rc=$?; {tree}; \
             /usr/bin/umount c; $MOUNT -T fstab -a -t ramfs; echo rc=$?; \
             $MOUNT -T fstab -a -F; echo rc=$?; {tree}; /usr/bin/umount m a c; {LOOPS_OF_IMG}"
        ),
    );
    assert!(out.contains("$T/b : ignored\n"), "{out}");
    assert!(out.contains("$T/a : already mounted\n"), "{out}");
}

#[test]
fn mount_helpers_get_util_linux_arguments_and_their_status_is_returned() {
    if !root() {
        return;
    }
    // The corpus (2.42) wording: tests/ts/mount/special.
    let out = sh(
        "/usr/bin/mount -t tmpfs sbin /usr/sbin; \
         printf '#!/bin/sh\\necho \"$0 called with \\\\\"$*\\\\\"\"\\nexit 3\\n' > /sbin/mount.mytest; \
         chmod +x /sbin/mount.mytest; printf 'not a program' > /sbin/mount.notx; \
         printf '#!/nonexistent/interp\\n' > /sbin/mount.broken; chmod +x /sbin/mount.broken; \
         set +e; \
         mount -t mytest -o foo,defaults /foo /bar; echo rc=$?; \
         mount -t mytest /foo /bar; echo rc=$?; \
         mount -t mytest -o user,abc /foo /bar; echo rc=$?; \
         mount -t mytest -o user=name,abc /foo /bar; echo rc=$?; \
         mount -t mytest.sub -s -n -v -o ro,x-foo,noauto,nosuid /foo /bar; echo rc=$?; \
         mount -t broken /foo /bar 2>/dev/null; echo rc=$?; \
         mount -i -t mytest /foo /bar 2>/dev/null; echo rc=$?; \
         mount -t notx /foo /bar 2>/dev/null; echo rc=$?",
    );
    assert_eq!(
        ok(&out),
        "/sbin/mount.mytest called with \"/foo /bar -o rw,foo\"\nrc=3\n\
         /sbin/mount.mytest called with \"/foo /bar -o rw\"\nrc=3\n\
         /sbin/mount.mytest called with \"/foo /bar -o rw,user,noexec,nosuid,nodev,abc\"\nrc=3\n\
         /sbin/mount.mytest called with \"/foo /bar -o rw,user=name,abc\"\nrc=3\n\
         /sbin/mount.mytest called with \"/foo /bar -s -n -v -o ro,nosuid -t mytest.sub\"\nrc=3\n\
         rc=126\nrc=32\nrc=32\n"
    );
}

#[test]
fn mount_helpers_run_as_libmount_2_42_runs_them() {
    if !root() {
        return;
    }
    // A type list tries its first type's helper (the corpus's
    // special-multi-types); a helper that cannot be executed is reported
    // (libmount finds helpers by stat(2) alone); one killed by a signal
    // gives 255; `-v` adds no line of its own after a helper; helpers get
    // the environment util-linux's mount sanitizes (no PATH, HOME, SHELL,
    // LD_*, nor a LANG with a slash).
    let out = sh(
        "/usr/bin/mount -t tmpfs sbin /usr/sbin; \
         printf '#!/bin/sh\necho \"$0 called with \\\\\"$*\\\\\"\"\n' > /sbin/mount.mytest; \
         printf '#!/bin/sh\nkill -9 $$\n' > /sbin/mount.killed; \
         printf '#!/bin/sh\nenv | grep -E \"^(PATH|HOME|SHELL|LD_FOO|LANG|KEEP)=\" | sort\n' > /sbin/mount.env; \
         printf 'not a program' > /sbin/mount.plain; chmod +x /sbin/mount.mytest /sbin/mount.killed /sbin/mount.env; \
         set +e; \
         mount -t mytest,invalid /foo /bar; echo rc=$?; \
         mount -v -t mytest /foo /bar; echo rc=$?; \
         mount -t plain /foo /bar; echo rc=$?; \
         mount -t killed /foo /bar; echo rc=$?; \
         HOME=/h SHELL=/bin/sh LD_FOO=x LANG=../x KEEP=1 mount -t env /foo /bar; echo rc=$?",
    );
    assert_eq!(
        stdout(&out),
        "/sbin/mount.mytest called with \"/foo /bar -o rw\"\nrc=0\n\
         /sbin/mount.mytest called with \"/foo /bar -v -o rw\"\nrc=0\n\
         rc=126\nrc=255\nKEEP=1\nrc=0\n",
        "{}",
        stderr(&out)
    );
    assert_eq!(
        stderr(&out),
        "mount: /bar: failed to execute /sbin/mount.plain.\n"
    );
}

/// The propagation matrix: each starting state (private, shared, slave,
/// shared+slave, unbindable) on a mount q with a submount q/c, then each of
/// the 8 --make-*; the states are made with util-linux's mount.
const MATRIX_SETUP: &str = "\
    mk() { mkdir -p $1; /usr/bin/mount -t tmpfs $2 $1; mkdir $1/c; /usr/bin/mount -t tmpfs $2c $1/c; }; \
    state() { d=$1; case $2 in \
      private) mk $d/q q ;; \
      shared) mk $d/q q; /usr/bin/mount --make-rshared $d/q ;; \
      slave) mk $d/p p; /usr/bin/mount --make-rshared $d/p; mkdir $d/q; /usr/bin/mount --rbind $d/p $d/q; /usr/bin/mount --make-rslave $d/q ;; \
      sharedslave) mk $d/p p; /usr/bin/mount --make-rshared $d/p; mkdir $d/q; /usr/bin/mount --rbind $d/p $d/q; /usr/bin/mount --make-rslave $d/q; /usr/bin/mount --make-rshared $d/q ;; \
      unbindable) mk $d/q q; /usr/bin/mount --make-runbindable $d/q ;; \
    esac; }";

const MATRIX: &str = "for s in private shared slave sharedslave unbindable; do \
      for op in shared slave private unbindable rshared rslave rprivate runbindable; do \
        d=$T/$s-$op; mkdir $d; state $d $s; $MOUNT --make-$op $d/q; echo \"$s $op rc=$? \
        $(/usr/bin/findmnt -n -o PROPAGATION $d/q) $(/usr/bin/findmnt -n -o PROPAGATION $d/q/c)\"; \
      done; done";

#[test]
fn differential_propagation_matrix() {
    if !root() {
        return;
    }
    let out = assert_same(MATRIX_SETUP, MATRIX);
    assert_eq!(out.matches(" rc=0 ").count(), 40, "{out}");
}

/// The classic mount(2) path, forced: with the new mount API
/// (`open_tree`, `move_mount`, `fsopen`..., `mount_setattr`) failing with
/// ENOSYS through a seccomp filter, as on a kernel before 5.12, the
/// propagation matrix, `bind,ro`, `rbind,ro` and a move come out as
/// util-linux's do.
#[test]
fn differential_classic_mount_path_when_the_new_api_is_missing() {
    if !root() {
        return;
    }
    // x86_64: open_tree 428, move_mount 429, fsopen 430, fsconfig 431,
    // fsmount 432, fspick 433, mount_setattr 442; ENOSYS 38.
    let ours = format!(
        "python3 {}/tests/common/inject.py 428:38 429:38 430:38 431:38 432:38 433:38 442:38 -- mount",
        env!("CARGO_MANIFEST_DIR")
    );
    let (theirs, out) = both_with(MATRIX_SETUP, MATRIX, &ours);
    assert_eq!(out, theirs);
    assert_eq!(out.matches(" rc=0 ").count(), 40, "{out}");
    let cmd = "mkdir a b c m; /usr/bin/mount -t tmpfs src a; mkdir a/sub; /usr/bin/mount -t tmpfs sub a/sub; \
         $MOUNT -o bind,ro a b; $MOUNT --rbind -o ro a c; $MOUNT --move c m; \
         grep \" $T/\" /proc/self/mountinfo | cut -d' ' -f5,6 | sed \"s|$T|T|\"";
    let (theirs, out) = both_with("", cmd, &ours);
    assert_eq!(out, theirs);
    assert!(out.contains("T/b ro,relatime\n"), "{out}");
}

#[test]
fn differential_setuid_restricted_mode() {
    if !root() {
        return;
    }
    // util-linux's mount and umount are installed setuid root; ours is
    // copied setuid into the scratch tmpfs (not nosuid) and both are run as
    // nobody against the same /etc/fstab (not the host's: in
    // this namespace: a copy of /etc is bound over it; utab on a private
    // tmpfs).
    let run = |dir: &str| {
        ok(&sh(&format!(
            "cp -L \"$(command -v mount)\" $T/nsbox; chmod 4755 $T/nsbox; \
             ln -s nsbox $T/mount; ln -s nsbox $T/umount; chmod 755 $T; mkdir u us n m; \
             /usr/bin/mount -t tmpfs run /run; mkdir /run/mount; \
             printf 'tu %s/u tmpfs user,noauto 0 0\\ntus %s/us tmpfs users 0 0\\ntn %s/n tmpfs defaults 0 0\\n' $T $T $T > fstab; \
             cp -a /etc $T/etc 2>/dev/null || true; cp fstab $T/etc/fstab; /usr/bin/mount --bind $T/etc /etc; \
             N='setpriv --reuid=65534 --regid=65534 --clear-groups'; M={dir}; set +e; \
             {{ $N $M/mount $T/u; echo rc=$?; /usr/bin/findmnt -n -o SOURCE,VFS-OPTIONS $T/u; \
             $N $M/mount $T/n; echo rc=$?; \
             $N $M/mount -t tmpfs x $T/m; echo rc=$?; \
             $N $M/mount --bind $T/u $T/m; echo rc=$?; \
             $N $M/mount -o ro $T/us; echo rc=$?; \
             $N $M/mount $T/nonexist; echo rc=$?; \
             $N env LIBMOUNT_FSTAB=/x $M/mount $T/zz; echo rc=$?; \
             $N $M/umount $T/n; echo rc=$?; \
             $N $M/umount $T/u; echo rc=$?; \
             /usr/bin/mount $T/n; $N $M/umount $T/n; echo rc=$?; /usr/bin/umount $T/n; \
             $N $M/mount $T/u; /usr/bin/umount $T/u; /usr/bin/mount $T/u; $N $M/umount $T/u; echo rc=$?; \
             /usr/bin/umount $T/u; /usr/bin/mount -t tmpfs tus $T/us; $N $M/umount $T/us; echo rc=$?; \
             cd $T; $N $M/umount nonexist; echo rc=$?; $N $M/umount n; echo rc=$?; \
             $N $M/mount n; echo rc=$?; $N $M/mount ./m/; echo rc=$?; cd /; \
             }} 2>&1 | sed \"s|$T|T|g\""
        )))
    };
    let ours = run("$T");
    // util-linux 2.38 now and then lets the user unmount the `user` mount
    // root remade (its utab record races the user's earlier one): its run
    // is repeated before the outputs are called different.
    let mut theirs = run("/usr/bin");
    for _ in 0..2 {
        if theirs == ours {
            break;
        }
        theirs = run("/usr/bin");
    }
    assert_eq!(ours, theirs);
    assert!(
        ours.contains("mount: T/n: must be superuser to use mount.\n"),
        "{ours}"
    );
    assert!(
        ours.contains("umount: T/n: must be superuser to unmount.\n"),
        "{ours}"
    );
}

#[test]
fn beneath_exclusive_and_id_mapped_binds() {
    if !root() {
        return;
    }
    let out = sh("mkdir a c src; /usr/bin/mount -t tmpfs top a; \
         mount --beneath -t tmpfs under a; /usr/bin/findmnt -n -o SOURCE a; umount a; /usr/bin/findmnt -n -o SOURCE a; \
         mount --exclusive -t tmpfs ex c; /usr/bin/findmnt -n -o SOURCE c; umount c; \
         touch src/f; chown 1000:1000 src/f; \
         mount --bind --map-users 1000:2000:1 --map-groups 1000:3000:1 src c; stat -c '%u:%g' c/f; umount c; \
         mount --bind -o X-mount.idmap=b:1000:5000:1 src c; stat -c '%u:%g' c/f; umount c; \
         mount -t tmpfs -o X-mount.owner=65534,X-mount.group=65534,X-mount.mode=0711 q c; stat -c '%u:%g %a' c; umount c");
    assert_eq!(
        ok(&out),
        "top\nunder\nunder\nex\n2000:3000\n5000:5000\n65534:65534 711\n"
    );
}

#[test]
fn subdir_mounts_only_a_directory_of_the_filesystem() {
    if !root() {
        return;
    }
    let out = sh(&format!(
        "{}; mkdir -p x; /usr/bin/mount img x; mkdir -p x/sub/dir; touch x/sub/dir/hello; /usr/bin/umount x; \
         mount -o X-mount.subdir=sub img m; ls m; ls m/dir; umount m; {LOOPS_OF_IMG}",
        ext4_setup("nsbx-subdir", "0b1c2d3e-0000-4000-8000-000000000005")
    ));
    assert_eq!(ok(&out), "dir\nhello\n");
}

#[test]
fn differential_target_prefix_and_options_modes() {
    if !root() {
        return;
    }
    assert_same(
        "mkdir c; echo 'q /c tmpfs size=2m,noexec 0 0' > fstab",
        "$MOUNT -T fstab --target-prefix $T /c; /usr/bin/findmnt -n -o VFS-OPTIONS,FS-OPTIONS c; $UMOUNT c; \
         $MOUNT -T fstab --target-prefix $T --options-mode ignore -o nosuid /c; /usr/bin/findmnt -n -o VFS-OPTIONS c; $UMOUNT c; \
         $MOUNT -T fstab --target-prefix $T --options-mode replace -o nosuid /c; /usr/bin/findmnt -n -o VFS-OPTIONS c; $UMOUNT c; \
         $MOUNT -T fstab --target-prefix $T --options-mode prepend -o exec /c; /usr/bin/findmnt -n -o VFS-OPTIONS c; $UMOUNT c; \
         $MOUNT -T fstab --target-prefix $T --options-mode append -o exec /c; /usr/bin/findmnt -n -o VFS-OPTIONS c; $UMOUNT c; \
         $MOUNT --options-mode bogus /c",
    );
}

/// `-f` with a loop mount attaches nothing and reports the device asked
/// for, or the one that would be taken, as util-linux does.
#[test]
fn differential_fake_loop_mount_attaches_nothing() {
    if !root() {
        return;
    }
    let out = assert_same_loops(
        &ext4_setup("nsbx-fake", "0b1c2d3e-0000-4000-8000-000000000003"),
        &format!(
            "$MOUNT -f -v -o loop img m; $MOUNT -f -v -o loop=/dev/loop7 img m; \
             $MOUNT -f -v img m; {LOOPS_OF_IMG}; /usr/bin/findmnt -n m; echo done"
        ),
    );
    // Nothing attached, nothing mounted: only the three reports.
    assert_eq!(
        out,
        "mount: /dev/loopN mounted on $T/m.\n".repeat(3) + "done\nrc=0\n---\n"
    );
}

/// The utab lines, `[utab]` first; the `ID=` field that 2.42 adds for a
/// new filesystem is left out (2.38 writes none; checked by
/// `utab_lines_carry_the_new_mount_id`).
const UTAB: &str = "ut() { echo '[utab]'; sed 's/^ID=[0-9]* //' $T/.utab 2>/dev/null; }; ";

/// libmount's userspace mount table: which options go there, the line
/// format (escapes, `ROOT=`/`BINDSRC=` of a bind), remount, move, `-n`,
/// `--fake`, umount; `mount` and `findmnt -m` show the recorded options.
#[test]
fn differential_utab_records_userspace_options() {
    if !root() {
        return;
    }
    let out = assert_same(
        "mkdir a b c d r",
        &format!(
            "{UTAB}$MOUNT -t tmpfs -o size=1m,x-foo=bar,X-hidden,nofail,_netdev,defaults,comment=c hx a; ut; \
             $MOUNT | grep \" $T/a \"; /usr/bin/findmnt -m -n -o TARGET,OPTIONS $T/a; \
             mkdir a/sub; $MOUNT --bind -o x-bnd a/sub b; ut; \
             $MOUNT -o remount,x-new a; ut; $MOUNT --move b c; ut; \
             $MOUNT -n -t tmpfs -o x-nomtab hz d; ut; $MOUNT -t tmpfs plain d; ut; \
             $MOUNT -o remount,ro d; ut; $MOUNT -o remount,x-r,rw d; ut; \
             $MOUNT -f -t tmpfs -o 'x-q=a b' 'src sp' d; ut; $MOUNT | grep \" $T/\"; \
             $UMOUNT c; ut; $UMOUNT -l a; ut; $UMOUNT -n d; ut; $UMOUNT --fake d; ut; \
             $UMOUNT d; ut; \
             LIBMOUNT_UTAB=$T/r/m/utab $MOUNT -t tmpfs x a; echo rc=$?; stat -c %a r/m; ls -A r/m"
        ),
    );
    assert!(
        out.contains("[utab]\nSRC=hx TARGET=$T/a ROOT=/ OPTS=x-foo=bar,_netdev\n"),
        "{out}"
    );
    assert!(
        out.contains("hx on $T/a type tmpfs (rw,relatime,size=1024k,x-foo=bar,_netdev)\n"),
        "{out}"
    );
    assert!(
        out.contains("$T/a rw,relatime,size=1024k,x-foo=bar,_netdev\n"),
        "{out}"
    );
    assert!(
        out.contains("SRC=hx TARGET=$T/b ROOT=/sub BINDSRC=$T/a/sub OPTS=x-bnd\n"),
        "{out}"
    );
    assert!(
        out.contains("OPTS=x-foo=bar,_netdev,x-new\nSRC=hx TARGET=$T/c "),
        "{out}"
    );
    assert!(!out.contains("x-nomtab"), "{out}");
    assert!(
        out.contains("SRC=plain TARGET=$T/d ROOT=/ OPTS=x-r\n"),
        "{out}"
    );
    assert!(
        out.contains("SRC=src\\040sp TARGET=$T/d ROOT=/ OPTS=x-q=a\\040b\n"),
        "{out}"
    );
    assert!(
        out.contains("plain on $T/d type tmpfs (rw,relatime,x-r)\n"),
        "{out}"
    );
    // Every line gone again; the utab directory made even for a mount
    // with nothing to record.
    assert!(out.ends_with("[utab]\nrc=0\n755\nrc=0\n---\n"), "{out}");
}

/// What 2.42 does beyond 2.38: `ID=` of a new filesystem (the mount
/// beneath with `--beneath`; none for a bind), duplicate options merged,
/// no failure when utab cannot be written (2.38 fails with exit 16: fixed
/// by 2.42's "libmount: Fix access check for utab in context"), and
/// `<utab>.event` touched for utab monitors. The file is replaced whole
/// (mode 0644) under `<utab>.lock` (mode 0600), leaving no temporary file.
#[test]
fn utab_lines_carry_the_new_mount_id() {
    if !root() {
        return;
    }
    let out = sh(
        "id() { awk -v m=$T/$1 -v s=$2 '$5 == m && $(NF-1) == s { print $1 }' /proc/self/mountinfo; }; \
         mkdir a b c r; mount -t tmpfs -o x-foo=bar,x-a,X-b,x-a hx a; \
         mount --bind -o x-bnd a b; mount -t tmpfs top c; mount --beneath -t tmpfs -o x-under under c; \
         sed -e \"s/^ID=$(id a hx) /ID=<a> /\" -e \"s/^ID=$(id c under) /ID=<under> /\" -e \"s|$T|T|g\" .utab; \
         mount | grep \" $T/a \" | sed \"s|$T|T|g\"; \
         findmnt -m -n -o OPTIONS $T/a; \
         stat -c '%a %n' .utab .utab.lock .utab.event; ls -A | tr '\\n' ' '; echo; \
         /usr/bin/mount -t tmpfs -o ro rofs r; \
         LIBMOUNT_UTAB=$T/r/utab mount -t tmpfs -o x-foo y a; echo rc=$?; \
         LIBMOUNT_UTAB=$T/nonexist/m/utab mount -t tmpfs -o x-foo z a; echo rc=$?; ls -A r",
    );
    assert_eq!(
        ok(&out),
        "ID=<a> SRC=hx TARGET=T/a ROOT=/ OPTS=x-foo=bar,x-a\n\
         SRC=hx TARGET=T/b ROOT=/ BINDSRC=T/a OPTS=x-bnd\n\
         ID=<under> SRC=under TARGET=T/c ROOT=/ OPTS=x-under\n\
         hx on T/a type tmpfs (rw,relatime,x-foo=bar,x-a)\n\
         rw,relatime,x-foo=bar,x-a\n\
         644 .utab\n600 .utab.lock\n644 .utab.event\n\
         .utab .utab.event .utab.lock a b c r \n\
         rc=0\nrc=0\n"
    );
}

/// Helpers for the utab tests: `mount.quiet` succeeds without writing
/// utab, `mount.writer` writes its own line (as libmount-based helpers do).
const UTAB_HELPERS: &str = "/usr/bin/mount -t tmpfs sbin /usr/sbin; mkdir m src; \
     printf '#!/bin/sh\\nexit 0\\n' > /sbin/mount.quiet; \
     printf '#!/bin/sh\\necho \"SRC=$1 TARGET=$2 ROOT=/ OPTS=x-own,uhelper=me\" >> $LIBMOUNT_UTAB\\n' \
     > /sbin/mount.writer; chmod +x /sbin/mount.quiet /sbin/mount.writer";

/// After a `/sbin/mount.TYPE` helper, mount writes the line the helper did
/// not (no `ID=`: mount made no mount itself), and none when the helper's
/// line has every option.
#[test]
fn differential_utab_after_a_mount_helper() {
    if !root() {
        return;
    }
    let out = assert_same(
        UTAB_HELPERS,
        &format!(
            "{UTAB}$MOUNT -t quiet -o x-q src m; echo rc=$?; ut; \
             $MOUNT -t writer -o x-own src m; echo rc=$?; ut"
        ),
    );
    assert_eq!(
        out,
        "rc=0\n[utab]\nSRC=$T/src TARGET=$T/m ROOT=/ OPTS=x-q\nrc=0\n[utab]\n\
         SRC=$T/src TARGET=$T/m ROOT=/ OPTS=x-q\n\
         SRC=$T/src TARGET=$T/m ROOT=/ OPTS=x-own,uhelper=me\nrc=0\n---\n"
    );
}

/// 2.42 adds to a helper's line the options it lacks ("libmount: add
/// missing utab options after helper call"; 2.38 leaves the line as is).
#[test]
fn a_helper_line_gets_the_options_it_lacks() {
    if !root() {
        return;
    }
    let out = sh(&format!(
        "{UTAB_HELPERS}; mount -t writer -o x-own,x-more src m; echo rc=$?; \
         sed \"s|$T|T|g\" .utab"
    ));
    assert_eq!(
        ok(&out),
        "rc=0\nSRC=T/src TARGET=T/m ROOT=/ OPTS=x-own,uhelper=me,x-more\n"
    );
}

/// fstab as libmount applies it: the first entry of a target counts, and
/// an fstab type is a type even when it starts with "no" (`none`,
/// `nosuchfs`): only `-t no...` on the command line negates.
#[test]
fn differential_fstab_first_entry_and_literal_types() {
    if !root() {
        return;
    }
    let out = assert_same(
        "mkdir m1 m2 m3; printf 't1 %s/m1 tmpfs size=1m 0 0\\nt10 %s/m1 tmpfs size=3m 0 0\\n\
         tmpsrc %s/m2 none defaults 0 0\\nx %s/m3 nosuchfs nofail 0 0\\n' $T $T $T $T > F",
        "$MOUNT -T F $T/m1; echo rc=$?; grep \" $T/m1 \" /proc/self/mountinfo | awk '{print $NF}'; \
         $MOUNT -T F $T/m2; echo rc=$?; $MOUNT -T F $T/m3; echo rc=$?",
    );
    assert!(out.contains("rw,size=1024k\n"), "{out}");
    assert!(out.contains("unknown filesystem type 'none'"), "{out}");
}

/// Without SELinux libmount drops the SELinux options, so an fstab line
/// written for an SELinux system still mounts.
#[test]
fn differential_selinux_options_are_dropped_without_selinux() {
    if !root() || std::path::Path::new("/sys/fs/selinux/enforce").exists() {
        return;
    }
    let out = assert_same(
        "mkdir d",
        "$MOUNT -v -t tmpfs -o context=system_u:object_r:tmp_t:s0,size=1m x d; echo rc=$?; \
         grep \" $T/d \" /proc/self/mountinfo | awk '{print $6, $NF}'",
    );
    assert!(out.contains("rc=0\nrw,relatime rw,size=1024k\n"), "{out}");
}

/// Propagation flags given only through `-o` do not make a lone target a
/// propagation change: util-linux looks it up in fstab first (only
/// `--make-*` skips fstab). With a source, `-o private` changes it.
#[test]
fn differential_propagation_through_o_needs_fstab_for_a_lone_target() {
    if !root() {
        return;
    }
    let out = assert_same(
        "mkdir a; /usr/bin/mount -t tmpfs a a",
        "$MOUNT -v -o private a; echo rc=$?; $MOUNT -o private,unbindable nonexist; echo rc=$?; \
         $MOUNT -v -o private none a; echo rc=$?; $MOUNT -v --make-shared a; echo rc=$?",
    );
    assert!(out.contains("can't find in /etc/fstab"), "{out}");
}

/// A mount point made by `--mkdir` is named by its canonical path from
/// then on, in messages and in the mount table, as libmount does.
#[test]
fn differential_mkdir_targets_are_canonical_once_made() {
    if !root() {
        return;
    }
    let out = assert_same(
        "",
        "$MOUNT -v --mkdir -t tmpfs x newdir; echo rc=$?; \
         $MOUNT --mkdir -t tmpfs -o size=abc x newdir2; echo rc=$?; \
         $MOUNT -v -o X-mount.mkdir -t tmpfs x sub/newdir3; echo rc=$?",
    );
    assert!(out.contains("mount: x mounted on $T/newdir.\n"), "{out}");
}
