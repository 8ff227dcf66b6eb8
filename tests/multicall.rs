//! The `nsbox` multicall binary: dispatch by argv[0] and by first argument,
//! `--list`, and the busybox-style "applet not found" exit 127.

mod common;

use assert_cmd::Command;
use common::bin_dir;
use predicates::prelude::*;

fn nsbox() -> Command {
    Command::cargo_bin("nsbox").expect("nsbox binary")
}

#[test]
fn list_shows_exactly_the_finished_tools() {
    nsbox()
        .arg("--list")
        .assert()
        .success()
        .stdout("findmnt\nlsns\nmount\nnsenter\npivot_root\numount\nunshare\n");
}

#[test]
fn list_full_gives_install_paths() {
    let out = nsbox().arg("--list-full").assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(text.lines().any(|l| l == "sbin/pivot_root"), "{text}");
    assert!(text.lines().any(|l| l == "usr/bin/unshare"), "{text}");
    assert_eq!(text.lines().count(), 7, "{text}");
}

#[test]
fn unknown_tool_is_applet_not_found_exit_127() {
    nsbox()
        .arg("frobnicate")
        .assert()
        .code(127)
        .stdout("")
        .stderr("nsbox: frobnicate: applet not found\n");
    // A name on nsbox's command line is taken as written: only argv[0]
    // loses a leading dash (a login shell's).
    for name in ["--bogus", "-findmnt"] {
        nsbox()
            .arg(name)
            .assert()
            .code(127)
            .stderr(format!("nsbox: {name}: applet not found\n"));
    }
}

#[test]
fn first_argument_selects_the_tool_by_basename() {
    nsbox()
        .args(["/some/dir/pivot_root", "--version"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("pivot_root from nsbox "));
    nsbox()
        .args(["unshare", "-V"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("unshare from nsbox "));
}

#[test]
fn argv0_selects_the_tool_and_a_leading_dash_is_stripped() {
    let link = bin_dir().join("findmnt");
    std::process::Command::new(&link)
        .arg("--version")
        .output()
        .map(|o| {
            assert!(o.status.success());
            assert!(String::from_utf8_lossy(&o.stdout).starts_with("findmnt from nsbox "));
        })
        .expect("run findmnt link");
    let dash = bin_dir().join("-umount");
    let _ = std::fs::remove_file(&dash);
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_nsbox"), &dash).expect("link");
    let out = std::process::Command::new(&dash)
        .arg("--version")
        .output()
        .expect("run -umount link");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("umount from nsbox "));
}

#[test]
fn bare_nsbox_and_help_list_the_tools() {
    for args in [&[][..], &["--help"][..]] {
        nsbox()
            .args(args)
            .assert()
            .success()
            .stdout(predicate::str::contains("unshare").and(predicate::str::contains("findmnt")));
    }
}

#[test]
fn nested_multiplexer_name_is_accepted() {
    nsbox()
        .args(["nsbox", "mount", "--version"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("mount from nsbox "));
}

/// A fresh empty directory on the same filesystem as the built binary
/// (hard links cannot cross filesystems).
fn fresh_dir(name: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create dir");
    dir
}

#[test]
fn install_makes_links_that_run_every_tool_and_never_overwrites() {
    for (flag, name) in [(None, "install-hard"), (Some("-s"), "install-sym")] {
        let dir = fresh_dir(name);
        std::fs::write(dir.join("mount"), "keep me").expect("pre-existing file");
        let mut cmd = nsbox();
        cmd.arg("--install");
        if let Some(f) = flag {
            cmd.arg(f);
        }
        let out = cmd.arg(&dir).assert().success();
        let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        assert!(text.contains("mount: exists, skipped"), "{text}");
        assert_eq!(
            std::fs::read_to_string(dir.join("mount")).expect("read"),
            "keep me"
        );
        let list = nsbox().arg("--list").output().expect("list");
        for tool in String::from_utf8_lossy(&list.stdout).lines() {
            let link = dir.join(tool);
            let meta = std::fs::symlink_metadata(&link).expect("link exists");
            if tool == "mount" {
                continue;
            }
            assert_eq!(meta.file_type().is_symlink(), flag.is_some(), "{tool}");
            let out = std::process::Command::new(&link)
                .arg("--version")
                .output()
                .expect("run link");
            assert!(
                String::from_utf8_lossy(&out.stdout).starts_with(&format!("{tool} from nsbox ")),
                "{tool}: {:?}",
                out
            );
        }
    }
}

#[test]
fn install_into_unusable_dir_fails_clearly() {
    nsbox()
        .args(["--install", "-s", "/nonexistent/nsbox-dir"])
        .assert()
        .code(1)
        .stderr("nsbox: /nonexistent/nsbox-dir: not a directory\n");
    if !common::root() {
        return;
    }
    let out = common::sh(&format!(
        "mkdir ro; /usr/bin/mount -t tmpfs -o ro ro-tmpfs ro
         set +e
         {} --install -s ro; echo rc=$?",
        env!("CARGO_BIN_EXE_nsbox")
    ));
    let text = common::ok(&out);
    assert!(text.ends_with("rc=1\n"), "{text}");
    assert!(
        common::stderr(&out).contains("cannot link ro/unshare: Read-only file system"),
        "{}",
        common::stderr(&out)
    );
}

#[test]
fn install_script_puts_nsbox_links_man_pages_and_completions_under_destdir() {
    let dest = fresh_dir("destdir");
    // A man page of another package is left alone.
    let foreign = dest.join("usr/share/man/man8/mount.8");
    std::fs::create_dir_all(foreign.parent().expect("parent")).expect("mkdir");
    std::fs::write(&foreign, "util-linux's page\n").expect("foreign page");
    let run = || {
        std::process::Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/install"))
            .env("NSBOX", env!("CARGO_BIN_EXE_nsbox"))
            .env("PREFIX", "/usr")
            .env("DESTDIR", &dest)
            .output()
            .expect("run scripts/install")
    };
    let out = run();
    assert!(out.status.success(), "{out:?}");
    let left_alone = format!("install: {} exists, left alone\n", foreign.display());
    assert!(
        common::stderr(&out).contains(&left_alone),
        "{}",
        common::stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(&foreign).expect("foreign page"),
        "util-linux's page\n"
    );
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let share = dest.join("usr/share");
    let mut pages = 0;
    for entry in std::fs::read_dir(source.join("man")).expect("man/") {
        let page = entry.expect("entry").path();
        let name = page
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let Some(section @ ("1" | "8")) = name.rsplit('.').next() else {
            continue;
        };
        pages += 1;
        if name == "mount.8" {
            continue;
        }
        let installed = share.join(format!("man/man{section}/{name}"));
        assert_eq!(
            std::fs::read(&installed).expect("installed man page"),
            std::fs::read(&page).expect("man page"),
            "{}",
            installed.display()
        );
    }
    assert!(pages >= 8, "{pages} man pages");
    let bin = dest.join("usr/bin");
    let list = nsbox().arg("--list").output().expect("list");
    for tool in String::from_utf8_lossy(&list.stdout)
        .lines()
        .chain(["nsbox"])
    {
        for (from, to) in [
            (
                format!("bash/{tool}"),
                format!("bash-completion/completions/{tool}"),
            ),
            (
                format!("zsh/_{tool}"),
                format!("zsh/site-functions/_{tool}"),
            ),
            (
                format!("fish/{tool}.fish"),
                format!("fish/vendor_completions.d/{tool}.fish"),
            ),
        ] {
            assert_eq!(
                std::fs::read(share.join(&to)).expect("installed completion"),
                std::fs::read(source.join("completions").join(&from)).expect("completion"),
                "{to}"
            );
        }
    }
    for tool in String::from_utf8_lossy(&list.stdout).lines() {
        assert_eq!(
            std::fs::read_link(bin.join(tool)).expect("link"),
            std::path::PathBuf::from("nsbox")
        );
        let out = std::process::Command::new(bin.join(tool))
            .arg("--version")
            .output()
            .expect("run");
        assert!(String::from_utf8_lossy(&out.stdout).starts_with(&format!("{tool} from nsbox ")));
    }
    // Running it again changes nothing and reports nothing new.
    let again = run();
    assert!(again.status.success());
    assert_eq!(String::from_utf8_lossy(&again.stdout).lines().count(), 1);
}
