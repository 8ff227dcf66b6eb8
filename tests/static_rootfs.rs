//! The statically linked nsbox runs in an empty root filesystem: a rootfs
//! holding nothing but the binary, its links, empty mount points and (for
//! one check) an /etc/passwd, entered with our own unshare, with no shell
//! and no shared library inside.

mod common;

use common::{ok, root, sh, stderr};
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

/// Builds (once) the static nsbox the way scripts/build-static does, in a
/// target directory of its own, and returns its path.
fn static_nsbox() -> &'static PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let target_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("static-build");
        let out = Command::new(env!("CARGO_MANIFEST_DIR").to_owned() + "/scripts/build-static")
            .env("CARGO_TARGET_DIR", &target_dir)
            .output()
            .expect("run scripts/build-static");
        assert!(
            out.status.success(),
            "build-static failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
    })
}

/// Shell function `inroot CMD...`: CMD as PID 1 of new mount and PID
/// namespaces whose root is `$R` (bind-mounted onto itself, pivot_root,
/// old root detached, fresh /proc), using only the static tools inside `$R`
/// once the pivot is done.
const INROOT: &str = r#"
inroot() {
    unshare -m -p -f --propagation private sh -c '
        mount --rbind "$0" "$0" && cd "$0" && pivot_root . put_old || exit 1
        PATH=/bin
        umount -l /put_old && mount -t proc proc /proc && exec "$@"' "$R" "$@"
}
"#;

/// Runs `body` (with `inroot`) after making `$R`: only the static nsbox,
/// a link per tool, and empty `/proc`, `/mnt`, `/etc`, `/put_old`.
fn in_empty_rootfs(body: &str) -> std::process::Output {
    sh(&format!(
        r#"{INROOT}
        R=$T/r
        mkdir -p $R/bin $R/proc $R/mnt $R/etc $R/put_old
        cp {bin} $R/bin/nsbox
        for t in $($R/bin/nsbox --list); do ln -s nsbox $R/bin/$t; done
        {body}"#,
        bin = static_nsbox().display()
    ))
}

#[test]
fn static_nsbox_runs_every_tool_in_an_empty_rootfs() {
    if !root() {
        return;
    }
    let out = in_empty_rootfs(
        r#"# Each tool inside the empty root: no shell, no libraries.
        inroot /bin/findmnt -rn -o TARGET
        inroot /bin/mount -t tmpfs inside /mnt
        inroot /bin/nsenter -t 1 -m /bin/findmnt -rn -o TARGET /proc
        inroot /bin/umount /nonexistent || echo umount-rc=$?
        inroot /bin/unshare -U -r /bin/findmnt -n -o TARGET /
        for t in $($R/bin/nsbox --list); do
            inroot /bin/$t --version | cut -d' ' -f1-3
        done"#,
    );
    let text = ok(&out);
    assert!(text.starts_with("/\n/proc\n"), "{text}\n{}", stderr(&out));
    assert!(text.contains("umount-rc=32\n"), "{text}");
    assert!(!text.contains("/put_old"), "{text}");
    let list = Command::new(static_nsbox())
        .arg("--list")
        .output()
        .expect("list");
    for tool in String::from_utf8_lossy(&list.stdout).lines() {
        assert!(
            text.contains(&format!("{tool} from nsbox\n")),
            "{tool} did not run in the empty rootfs:\n{text}\n{}",
            stderr(&out)
        );
    }
}

#[test]
fn static_nsbox_resolves_names_from_the_rootfs_without_nss() {
    if !root() {
        return;
    }
    let out = in_empty_rootfs(
        r#"echo 'boxuser:x:4321:4321::/:/bin/nsbox' > $R/etc/passwd
        echo 'boxgroup:x:4322:' > $R/etc/group
        inroot /bin/unshare -U --map-user=boxuser --map-group=boxgroup /bin/nsbox findmnt -n -o TARGET /proc
        rm $R/etc/passwd $R/etc/group
        inroot /bin/unshare -U --map-user=boxuser true || echo unknown-user-rc=$?
        inroot /bin/unshare -U --map-user=4321 /bin/nsbox findmnt -n -o TARGET /proc"#,
    );
    let text = ok(&out);
    assert_eq!(
        text,
        "/proc\nunknown-user-rc=1\n/proc\n",
        "{}",
        stderr(&out)
    );
    let ldd = Command::new("ldd")
        .arg(static_nsbox())
        .output()
        .expect("ldd");
    let ldd =
        String::from_utf8_lossy(&ldd.stdout).into_owned() + &String::from_utf8_lossy(&ldd.stderr);
    assert!(
        ldd.contains("statically linked") || ldd.contains("not a dynamic executable"),
        "not static: {ldd}"
    );
}
