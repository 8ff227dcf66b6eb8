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
        .stdout("findmnt\nmount\nnsenter\npivot_root\numount\nunshare\n");
}

#[test]
fn list_full_gives_install_paths() {
    let out = nsbox().arg("--list-full").assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(text.lines().any(|l| l == "sbin/pivot_root"), "{text}");
    assert!(text.lines().any(|l| l == "usr/bin/unshare"), "{text}");
    assert_eq!(text.lines().count(), 6, "{text}");
}

#[test]
fn unknown_tool_is_applet_not_found_exit_127() {
    nsbox()
        .arg("frobnicate")
        .assert()
        .code(127)
        .stdout("")
        .stderr("nsbox: frobnicate: applet not found\n");
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
