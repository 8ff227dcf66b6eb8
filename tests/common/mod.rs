//! Shared helpers for the integration tests: the built tools under their
//! util-linux names, root checks, and scripts run in a private mount namespace.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::OnceLock;

/// Directory holding links named after each tool (`unshare`, `mount`, ...)
/// to the built `nsbox` multicall binary; put first in `$PATH` by [`sh`].
pub fn bin_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let nsbox = PathBuf::from(env!("CARGO_BIN_EXE_nsbox"));
        let dir = nsbox
            .parent()
            .expect("binary has a parent directory")
            .join("nsbox-test-links");
        std::fs::create_dir_all(&dir).expect("create link dir");
        for tool in [
            "unshare",
            "nsenter",
            "pivot_root",
            "mount",
            "umount",
            "findmnt",
            "lsns",
        ] {
            let link = dir.join(tool);
            let _ = std::fs::remove_file(&link);
            std::os::unix::fs::symlink(&nsbox, &link).expect("symlink tool");
        }
        dir
    })
}

/// A command for one of our tools, run through its link (argv\[0\] dispatch).
pub fn tool(name: &str) -> Command {
    let mut cmd = Command::new(bin_dir().join(name));
    cmd.env("LC_ALL", "C");
    cmd
}

/// The `$PATH` with our tools first.
pub fn path_env() -> String {
    format!(
        "{}:{}",
        bin_dir().display(),
        std::env::var("PATH").unwrap_or_else(|_| "/usr/sbin:/usr/bin:/sbin:/bin".into())
    )
}

/// True when the test may do privileged work. As non-root it prints why the
/// test does nothing and returns false; under `CI=true` it fails instead, so
/// CI never skips silently.
pub fn root() -> bool {
    if nix_is_root() {
        return true;
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("this test needs root and CI=true forbids skipping it");
    }
    eprintln!("skipped: this test needs root");
    false
}

fn nix_is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Runs `script` with `sh -eu` inside a new mount namespace whose mounts are
/// all private (made by the system's unshare, so a broken nsbox unshare can
/// never mount on the host), with our tools first in `$PATH`, `LC_ALL=C`,
/// and a scratch tmpfs mounted at `$T` (its directory removed at the end).
/// libmount's utab is `$T/.utab` (`LIBMOUNT_UTAB`), so that no mount made
/// here is recorded in the host's `/run/mount/utab` (the final umount of
/// `$T` is `-n`: the lock file of a utab it took away would land in the
/// directory below).
pub fn sh(script: &str) -> Output {
    sh_in(&[], script)
}

/// As [`sh`], with more namespaces for /usr/bin/unshare to create
/// (`--net`, `--pid --fork`, ...).
pub fn sh_in(unshare_flags: &[&str], script: &str) -> Output {
    let full = format!(
        "T=$(mktemp -d /tmp/nsbox-test.XXXXXX); \
         trap 'cd /; /usr/bin/umount -l -n \"$T\"; rmdir \"$T\"' EXIT; \
         /usr/bin/mount -t tmpfs nsbox-test \"$T\"; cd \"$T\"; \
         export LIBMOUNT_UTAB=\"$T/.utab\"; {script}"
    );
    Command::new("/usr/bin/unshare")
        .args(["-m", "--propagation", "private"])
        .args(unshare_flags)
        .args(["sh", "-euc", &full])
        .env("PATH", path_env())
        .env("LC_ALL", "C")
        .output()
        .expect("run /usr/bin/unshare")
}

/// stdout of an [`Output`] as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// stderr of an [`Output`] as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts success and returns stdout; on failure shows both streams.
#[track_caller]
pub fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        stdout(out),
        stderr(out)
    );
    stdout(out)
}
