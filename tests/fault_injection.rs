//! Nothing left behind: a multi-step operation that fails in the middle —
//! the binds of persistent namespaces, a loop device set up for a mount, a
//! mount followed by a propagation change, the pivot into the mini
//! container's root, the id-map helpers — leaves no mount, loop device,
//! file or process behind.
//!
//! Each case runs in a private mount namespace and a new PID namespace, so
//! that the process list is complete (only the test shell, PID 1, belongs
//! there between steps). It snapshots the mount table, the loop devices
//! backed by a file under `$T`, the files of the work directory and the
//! processes, runs the failing step, snapshots again and compares; the host
//! mount table is compared around every case too.
//!
//! Failures are made the natural way where there is one (a missing file, a
//! shared mount, an image holding no filesystem, a hidden
//! `/dev/loop-control`) and injected where there is not: `inject RULE... --
//! COMMAND` runs COMMAND under a seccomp filter (a few lines of python3
//! ctypes) that makes one system call fail with a chosen errno, optionally
//! only when one argument has some bits set (`NR:ERRNO:ARG:MASK`) or equals
//! a value (`NR:ERRNO:ARG:=VALUE`), so that the step after a successful one
//! fails.

mod common;

use common::root;
use std::process::Command;

/// The seccomp injector: `python3 -c "$INJECT_PY" RULE... -- COMMAND...`.
/// An argument rule looks at the low 32 bits of the argument (as stored on
/// a little-endian machine).
const INJECT_PY: &str = include_str!("common/inject.py");

/// Shell functions of every case: `snap` (the state compared before and
/// after) and `inject`.
const PRELUDE: &str = r#"
command -v python3 > /dev/null || { echo 'python3 missing (the fault injector needs it)' >&2; exit 1; }
inject() { python3 -c "$INJECT_PY" "$@"; }
snap() {
    echo '@files'
    find "$T/w" -xdev -printf '%M %s %p\n' | sort
    echo '@mounts'
    cat /proc/self/mountinfo
    echo '@loops'
    for f in /sys/block/loop*/loop/backing_file; do
        { read -r b < "$f"; } 2> /dev/null || continue
        case $b in "$T"/*) echo "${f%/loop/backing_file} $b" ;; esac
    done
    echo '@processes'
    for p in /proc/[0-9]*; do
        { read -r s < "$p/stat"; } 2> /dev/null || continue
        echo "${s%%) *})"
    done
}
mkdir w
cd w
"#;

/// What the failing step did.
struct Step {
    status: i32,
    stdout: String,
    /// stderr with `$T` shown as `T`.
    stderr: String,
}

fn host_mounts() -> String {
    std::fs::read_to_string("/proc/self/mountinfo").expect("read host mountinfo")
}

/// Runs `setup`, then `step` (in a subshell, its output captured), in a
/// private mount namespace and a new PID namespace with a scratch tmpfs at
/// `$T` and the work directory `$T/w` as the current directory; asserts
/// that the snapshots before and after `step` are identical and that the
/// host mount table did not change.
#[track_caller]
fn fault(setup: &str, step: &str) -> Step {
    let host_before = host_mounts();
    let script = format!(
        "T=$(mktemp -d /tmp/nsbox-test.XXXXXX)
         trap 'cd /; /usr/bin/umount -l \"$T\"; rmdir \"$T\"' EXIT
         /usr/bin/mount -t tmpfs nsbox-test \"$T\"
         cd \"$T\"
         {PRELUDE}
         {setup}
         snap > \"$T/before\"
         set +e
         ( {step} ) > \"$T/out\" 2> \"$T/err\" < /dev/null
         echo $? > \"$T/status\"
         set -e
         snap > \"$T/after\"
         cd \"$T\"
         echo \"$T\"
         cat before; echo '@@after'; cat after; echo '@@status'; cat status
         echo '@@stdout'; cat out; echo '@@stderr'; cat err"
    );
    let out = Command::new("/usr/bin/unshare")
        .args(["-m", "--propagation", "private", "--pid", "--fork"])
        .args(["--mount-proc", "sh", "-euc", &script])
        .env("PATH", common::path_env())
        .env("LC_ALL", "C")
        .env("INJECT_PY", INJECT_PY)
        .env("NSBOX", env!("CARGO_BIN_EXE_nsbox"))
        .env("NSBOX_BIN", common::bin_dir())
        .env("SRC", env!("CARGO_MANIFEST_DIR"))
        .envs(syscall_env())
        .output()
        .expect("run /usr/bin/unshare");
    let text = common::ok(&out);
    assert_eq!(
        host_before,
        host_mounts(),
        "the host mount table changed\nsetup: {setup}\nstep: {step}"
    );
    let (t, rest) = text.split_once('\n').expect("$T line");
    let (before, rest) = rest.split_once("@@after\n").expect("after section");
    let (after, rest) = rest.split_once("@@status\n").expect("status section");
    let (status, rest) = rest.split_once("@@stdout\n").expect("stdout section");
    let (stdout, stderr) = rest.split_once("@@stderr\n").expect("stderr section");
    let stderr = stderr.replace(t, "T");
    assert!(
        before.contains("@processes\n1 (sh)\n"),
        "setup left processes behind:\n{before}"
    );
    assert_eq!(
        before, after,
        "something was left behind\nsetup: {setup}\nstep: {step}\nstderr of the step:\n{stderr}"
    );
    Step {
        status: status.trim().parse().expect("status"),
        stdout: stdout.to_owned(),
        stderr,
    }
}

/// System call and errno numbers of this machine, as `NR_name` and `Exxx`
/// variables for the injector's rules.
fn syscall_env() -> Vec<(String, String)> {
    let nrs = [
        ("mount", libc::SYS_mount),
        ("umount2", libc::SYS_umount2),
        ("pivot_root", libc::SYS_pivot_root),
        ("open_tree", libc::SYS_open_tree),
        ("mount_setattr", libc::SYS_mount_setattr),
        ("ioctl", libc::SYS_ioctl),
    ];
    let errnos = [
        ("EPERM", libc::EPERM),
        ("EIO", libc::EIO),
        ("EBUSY", libc::EBUSY),
        ("EINVAL", libc::EINVAL),
        ("ENOSYS", libc::ENOSYS),
    ];
    let flags = [
        ("MS_REMOUNT", libc::MS_REMOUNT),
        ("MS_NOEXEC", libc::MS_NOEXEC),
        ("LOOP_CONFIGURE", 0x4C0A),
    ];
    nrs.iter()
        .map(|(n, v)| (format!("NR_{n}"), v.to_string()))
        .chain(errnos.iter().map(|(n, v)| ((*n).to_owned(), v.to_string())))
        .chain(flags.iter().map(|(n, v)| ((*n).to_owned(), v.to_string())))
        .collect()
}

#[track_caller]
fn assert_fails(step: &Step, status: i32, message: &str) {
    assert_eq!(
        step.status, status,
        "stdout:\n{}\nstderr:\n{}",
        step.stdout, step.stderr
    );
    assert!(
        step.stderr.contains(message),
        "expected {message:?} in:\n{}",
        step.stderr
    );
}

// --- unshare --NS=FILE: the bind mounts of persistent namespaces ---------

#[test]
fn persistent_namespace_on_a_missing_file_creates_nothing() {
    if !root() {
        return;
    }
    for step in [
        "unshare --net=none true",
        "unshare -f --net=none sleep 1000",
        "unshare -m -f --net=none sleep 1000",
    ] {
        let s = fault("", step);
        assert_fails(&s, 1, "unshare: none does not exist; create the file first");
    }
}

#[test]
fn persistent_namespace_second_bind_failing_takes_back_the_first() {
    if !root() {
        return;
    }
    // Without -m the process binds itself; with -m the helper forked
    // before unshare(2) does, and a --fork child waits for it.
    for step in [
        "unshare --net=n --uts=none true",
        "unshare -f --net=n --ipc=i --uts=none sleep 1000",
        "unshare -m -f --net=n --uts=none sleep 1000",
        "unshare -m -U -f --net=n --user=u --uts=none sleep 1000",
    ] {
        let s = fault("touch n i u", step);
        assert_fails(&s, 1, "unshare: none does not exist");
    }
}

#[test]
fn persistent_mount_namespace_on_a_shared_mount_leaves_nothing() {
    if !root() {
        return;
    }
    let setup = "mkdir sh; /usr/bin/mount -t tmpfs shx sh; /usr/bin/mount --make-shared sh; \
                 touch sh/m n";
    for step in [
        "unshare -m --mount=sh/m true",
        "unshare -f --net=n --mount=sh/m sleep 1000",
        "unshare -m -f --net=n --mount=sh/m sleep 1000",
    ] {
        let s = fault(setup, step);
        assert_fails(
            &s,
            1,
            "unshare: sh/m is on a shared mount (T/w/sh, peer group",
        );
    }
}

#[test]
fn persistent_namespace_on_a_read_only_mount_creates_nothing() {
    if !root() {
        return;
    }
    // Binding onto an existing file of a read-only mount is allowed; a
    // missing one cannot be created there.
    let setup = "mkdir ro; touch n; /usr/bin/mount --bind ro ro; \
                 /usr/bin/mount -o remount,bind,ro ro";
    for step in [
        "unshare --net=ro/f true",
        "unshare -f --net=n --uts=ro/f sleep 1000",
    ] {
        let s = fault(setup, step);
        assert_fails(&s, 1, "unshare: ro/f does not exist");
    }
}

#[test]
fn persistent_namespace_bind_refused_by_the_kernel_leaves_nothing() {
    if !root() {
        return;
    }
    for step in [
        "inject $NR_mount:$EPERM -- unshare --net=n true",
        "inject $NR_mount:$EPERM -- unshare -m -f --net=n --uts=u sleep 1000",
    ] {
        let s = fault("touch n u", step);
        assert_fails(&s, 1, "failed: Operation not permitted");
    }
}

// --- mount -o loop: the loop device is released when the mount fails ---

/// An ext4 image `img`, 1 MiB of zeros `junk` and a mount point `m`.
const IMAGES: &str = "command -v mkfs.ext4 > /dev/null || \
     { echo 'mkfs.ext4 missing (install e2fsprogs)' >&2; exit 1; }
     truncate -s 16M img; mkfs.ext4 -q -F img; truncate -s 1M junk; mkdir m";

#[test]
fn loop_device_is_released_when_the_mount_fails() {
    if !root() {
        return;
    }
    for (step, message) in [
        ("mount -o loop junk m", "wrong fs type"),
        ("mount -t ext4 -o loop junk m", "wrong fs type"),
        ("mount -t xfs img m", "wrong fs type"),
        ("mount -o loop img nodir", "mount point does not exist"),
        (
            "inject $NR_mount:$EIO -- mount img m",
            "can't read superblock on /dev/loop",
        ),
        (
            "mount -o loop,ro,X-mount.mode=0700 img m",
            "failed to set mode: Read-only file system",
        ),
    ] {
        let s = fault(IMAGES, step);
        assert_fails(&s, 32, message);
    }
}

#[test]
fn loop_device_is_released_when_the_mount_helper_fails() {
    if !root() {
        return;
    }
    // /sbin is searched for mount.TYPE: a tmpfs on /usr/sbin (after the
    // images are made) holds a helper that fails.
    let setup = format!(
        "{IMAGES}
         /usr/bin/mount -t tmpfs sbin /usr/sbin
         printf '#!/bin/sh\\necho \"mount.nsboxfs: failing on $1\" >&2\\nexit 32\\n' \
             > /usr/sbin/mount.nsboxfs
         chmod 755 /usr/sbin/mount.nsboxfs"
    );
    let s = fault(&setup, "mount -t nsboxfs -o loop img m");
    assert_fails(&s, 32, "mount.nsboxfs: failing on /dev/loop");
}

#[test]
fn no_free_loop_device_is_a_clear_error_and_attaches_nothing() {
    if !root() {
        return;
    }
    for (setup, step) in [
        // /dev/loop-control is not a loop control device.
        (
            format!("{IMAGES}; /usr/bin/mount --bind /dev/null /dev/loop-control"),
            "mount img m",
        ),
        // No /dev/loop-control at all.
        (
            format!("{IMAGES}; mkdir d; mknod d/null c 1 3; /usr/bin/mount --bind d /dev"),
            "mount -o loop img m",
        ),
        // Every free device is taken by someone else first.
        (
            IMAGES.to_owned(),
            "inject $NR_ioctl:$EBUSY:1:=$LOOP_CONFIGURE -- mount img m",
        ),
    ] {
        let s = fault(&setup, step);
        assert_fails(&s, 32, "m: failed to setup loop device for T/w/img.");
    }
}

// --- a mount, then a propagation change or a remount that fails ---------

#[test]
fn a_failed_propagation_change_takes_back_the_mount() {
    if !root() {
        return;
    }
    let setup = "mkdir a b m c; /usr/bin/mount -t tmpfs moved c; mkdir a/sub; \
                 /usr/bin/mount -t tmpfs sub a/sub";
    for step in [
        "mount -t tmpfs --make-shared x m",
        "mount -t tmpfs --make-private --make-unbindable x m",
        "mount --bind --make-private a b",
        "mount --rbind --make-rslave a b",
        "mount --move --make-shared c m",
    ] {
        let s = fault(setup, &format!("inject $NR_mount_setattr:$EPERM -- {step}"));
        assert_fails(&s, 32, "permission denied");
    }
}

#[test]
fn a_read_only_bind_is_all_or_nothing() {
    if !root() {
        return;
    }
    // New mount API: the clone is made read-only before it is attached.
    let s = fault(
        "mkdir a b",
        "inject $NR_mount_setattr:$EPERM -- mount -o bind,ro a b",
    );
    assert_fails(&s, 32, "permission denied");
    // Without it (open_tree: ENOSYS) the bind comes first and the remount
    // second; a failing remount takes the bind back.
    let s = fault(
        "mkdir a b",
        "inject $NR_open_tree:$ENOSYS $NR_mount:$EPERM:3:$MS_REMOUNT -- mount -o bind,ro a b",
    );
    assert_fails(&s, 32, "permission denied");
}

// --- scripts/mini-container: the pivot into the container root ----------

/// A root filesystem `r` (the host's /usr bound in, the usual links) and a
/// TMPDIR for the script's scratch directories.
const ROOTFS: &str = "mkdir tmp r r/usr r/dev r/proc r/etc
     export TMPDIR=$T/w/tmp
     /usr/bin/mount --bind /usr r/usr
     for d in bin sbin lib lib32 lib64 libx32; do
         if [ -L /$d ]; then ln -s \"$(readlink /$d)\" r/$d; fi
     done";

const MINI: &str = "$SRC/scripts/mini-container --rootfs r";

#[test]
fn mini_container_failing_midway_leaves_its_root_as_it_was() {
    if !root() {
        return;
    }
    for (setup, step, message) in [
        (
            format!("{ROOTFS}; rmdir r/proc"),
            format!("{MINI} /bin/true"),
            "T/w/r has no /proc directory",
        ),
        (
            ROOTFS.to_owned(),
            format!("inject $NR_pivot_root:$EINVAL -- {MINI} /bin/true"),
            "unshare: cannot pivot_root to 'T/w/r': Invalid argument",
        ),
        (
            ROOTFS.to_owned(),
            format!("inject $NR_umount2:$EPERM -- {MINI} /bin/true"),
            "unshare: cannot detach the old root: Operation not permitted",
        ),
        (
            ROOTFS.to_owned(),
            format!("inject $NR_mount:$EPERM:3:$MS_NOEXEC -- {MINI} /bin/true"),
            "unshare: mount T/w/r/proc failed: Operation not permitted",
        ),
        (
            ROOTFS.to_owned(),
            "$SRC/scripts/mini-container --rootfs nonexistent /bin/true".to_owned(),
            "mini-container: nonexistent: not a directory",
        ),
    ] {
        let s = fault(&setup, &step);
        assert_fails(&s, 1, message);
    }
}

#[test]
fn mini_container_on_a_read_only_root_changes_nothing() {
    if !root() {
        return;
    }
    let setup =
        format!("{ROOTFS}; /usr/bin/mount --rbind r r; /usr/bin/mount -o remount,bind,ro r");
    let s = fault(&setup, &format!("{MINI} /bin/echo inside"));
    assert_eq!(
        (s.status, s.stdout.as_str()),
        (0, "inside\n"),
        "stderr:\n{}",
        s.stderr
    );
}

// --- unshare's id-map helpers (newuidmap/newgidmap) failing -------------

/// Fake newuidmap/newgidmap in `w/bin` that fail as `$FAIL_UID` /
/// `$FAIL_GID` say (`status N`, `kill`), and `nobody` running a command as
/// uid 65534 with them first in its PATH.
const FAKE_MAPPERS: &str = "mkdir bin
     for h in newuidmap newgidmap; do
         printf '#!/bin/sh\\nhow=${FAIL_%s:-}\\ncase $how in\\n  kill) kill -9 $$ ;;\\n  status*) echo \"$0: failing\" >&2; exit ${how#status } ;;\\nesac\\n' \
             \"$(echo $h | cut -c4-6 | tr a-z A-Z)\" > bin/$h
         chmod 755 bin/$h
     done
     nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups \
         env PATH=\"$T/w/bin:$NSBOX_BIN:/usr/bin:/bin\" \"$@\"; }";

#[test]
fn failing_id_map_helper_is_reaped_and_nothing_runs() {
    if !root() {
        return;
    }
    for (step, status, message) in [
        (
            "FAIL_UID='status 1' nobody unshare --map-users=0:100000:10 sh -c 'echo ran'",
            1,
            "bin/newuidmap: failing",
        ),
        (
            "FAIL_UID='status 3' nobody unshare -f --map-users=0:100000:10 sh -c 'echo ran'",
            3,
            "bin/newuidmap: failing",
        ),
        (
            "FAIL_GID='status 1' nobody unshare -f -p --mount-proc --map-users=0:100000:10 \
             --map-groups=0:100000:10 sh -c 'echo ran'",
            1,
            "bin/newgidmap: failing",
        ),
        (
            "FAIL_UID=kill nobody unshare -f --map-users=0:100000:10 sh -c 'echo ran'",
            1,
            "unshare: newuidmap was killed by signal 9",
        ),
    ] {
        let s = fault(FAKE_MAPPERS, step);
        assert_fails(&s, status, message);
        assert_eq!(s.stdout, "", "the program must not run");
    }
}
