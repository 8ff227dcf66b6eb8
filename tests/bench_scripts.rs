//! The benchmark and helper scripts under scripts/: every one parses as a
//! POSIX shell script, and the benchmark ones answer `--help` (without root,
//! building or measuring anything) with the options scripts/bench relies on.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn scripts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts")
}

fn run(script: &str, args: &[&str]) -> Output {
    Command::new(scripts_dir().join(script))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run scripts/{script}: {e}"))
}

/// Runs `scripts/SCRIPT --help` and returns its stdout, checking it exits 0
/// with nothing on stderr and starts by naming the script.
fn help(script: &str) -> String {
    let out = run(script, &["--help"]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{script} --help: {:?}\n{stderr}",
        out.status
    );
    assert_eq!(stderr, "", "{script} --help wrote to stderr");
    assert!(
        stdout.starts_with(&format!("{script}: ")),
        "{script} --help does not start with its name:\n{stdout}"
    );
    assert!(
        stdout.contains(&format!("scripts/{script} [")),
        "{script} --help has no usage line:\n{stdout}"
    );
    assert!(
        !stdout
            .lines()
            .any(|l| l.starts_with('#') || l.starts_with("set -")),
        "{script} --help leaks script text:\n{stdout}"
    );
    stdout
}

#[test]
fn every_script_is_valid_posix_sh() {
    let mut names: Vec<String> = std::fs::read_dir(scripts_dir())
        .expect("read scripts/")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    let required = [
        "bench",
        "bench-findmnt",
        "bench-lsns",
        "bench-mount",
        "bench-unshare",
        "build-static",
        "size",
    ];
    for name in required {
        assert!(
            names.iter().any(|n| n == name),
            "scripts/{name} missing: {names:?}"
        );
    }
    let mut checked = 0;
    for name in &names {
        let path = scripts_dir().join(name);
        let text = std::fs::read_to_string(&path).expect("read script");
        if !text.starts_with("#!/bin/sh\n") {
            // Not a shell script (none is today): sh -n says nothing about it.
            assert!(
                !required.contains(&name.as_str()),
                "scripts/{name} is not a /bin/sh script"
            );
            continue;
        }
        checked += 1;
        let out = Command::new("sh")
            .arg("-n")
            .arg(&path)
            .output()
            .expect("run sh -n");
        assert!(
            out.status.success(),
            "sh -n scripts/{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(&path).expect("stat script").permissions(),
        );
        assert_ne!(mode & 0o111, 0, "scripts/{name} is not executable");
    }
    assert!(checked >= required.len(), "only {checked} scripts checked");
}

#[test]
fn sh_n_catches_a_broken_script() {
    // The check above means something only if sh -n rejects bad syntax.
    let dir = std::env::temp_dir().join(format!("nsbox-bench-scripts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let bad = dir.join("bad");
    std::fs::write(&bad, "#!/bin/sh\nif true; then\n    echo unterminated\n").expect("write");
    let out = Command::new("sh")
        .arg("-n")
        .arg(&bad)
        .output()
        .expect("run sh -n");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(!out.status.success(), "sh -n accepted an unterminated if");
}

#[test]
fn bench_help_names_every_group_and_option() {
    let text = help("bench");
    for group in ["startup", "unshare", "findmnt", "lsns", "mount", "size"] {
        assert!(
            text.lines()
                .any(|l| l.trim_start().starts_with(&format!("{group} "))),
            "group {group} not described:\n{text}"
        );
    }
    for option in ["--quick", "--only", "--static", "--runs", "--export"] {
        assert!(text.contains(option), "{option} not described:\n{text}");
    }
    assert!(
        text.contains("nsbox / util-linux"),
        "ratio direction not said:\n{text}"
    );
}

#[test]
fn bench_rejects_unknown_groups_and_options_before_doing_anything() {
    let out = run("bench", &["--only", "startup,nosuch"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(out.stdout, b"");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("unknown group 'nosuch'")
            && stderr.contains("startup unshare findmnt lsns mount size"),
        "{stderr}"
    );

    let out = run("bench", &["--frobnicate"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown argument '--frobnicate'"));

    let out = run("bench", &["--runs", "many"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--runs wants a positive number"));
}

#[test]
fn sub_scripts_have_help_and_a_ratios_mode() {
    for script in [
        "bench-unshare",
        "bench-findmnt",
        "bench-lsns",
        "bench-mount",
        "size",
    ] {
        let text = help(script);
        assert!(
            text.contains("--ratios"),
            "{script} --help does not describe --ratios:\n{text}"
        );
        assert!(
            text.contains("--runs") || script == "size",
            "{script}: no --runs:\n{text}"
        );
    }
    let size = help("size");
    assert!(size.contains("1 MiB") && size.contains("1.6 MiB"), "{size}");
    assert!(size.contains("cargo bloat"), "{size}");
}

#[test]
fn sub_scripts_reject_unknown_options() {
    for script in [
        "bench-unshare",
        "bench-findmnt",
        "bench-lsns",
        "bench-mount",
        "size",
    ] {
        let out = run(script, &["--frobnicate"]);
        assert_eq!(out.status.code(), Some(1), "{script}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.starts_with(&format!("{script}: ")) && stderr.contains("--frobnicate"),
            "{script}: {stderr}"
        );
        assert_eq!(out.stdout, b"", "{script}");
    }
}
