//! Bad input matrix: every tool × every option that takes a value × hostile
//! values (empty, huge, negative, non-numeric, non-UTF-8, a path with a
//! newline, a missing path, a directory where a file is expected and the
//! reverse). Whatever happens, no tool may die of a signal (a panic under
//! `panic = "abort"` is SIGABRT), and a failure is reported on stderr in the
//! `PROG: ...` form. Everything runs in a private mount namespace, with
//! stdin closed, so nothing can reach the host or wait for input.

mod common;

use common::{ok, root, sh};

use ::common::cli::{HasArg, OptSpec};

/// Every option that takes a value, from a tool's own option table (the one
/// its parser uses), in the form that takes it: `-x VALUE` / `--long VALUE`
/// for a required value, `--long=VALUE` (written `--long=`) for an optional
/// one.
fn value_options<T>(table: &[OptSpec<T>]) -> Vec<String> {
    table
        .iter()
        .filter_map(|o| match (o.arg, o.short, o.long) {
            (HasArg::No, _, _) => None,
            (HasArg::Required, Some(c), _) => Some(format!("-{c}")),
            (HasArg::Required, None, long) => Some(format!("--{long}")),
            (HasArg::Optional, _, long) if !long.is_empty() => Some(format!("--{long}=")),
            (HasArg::Optional, Some(c), _) => Some(format!("-{c}")),
            (HasArg::Optional, None, _) => None,
        })
        .collect()
}

/// Words after the option that make a complete command line, so that the
/// value is what gets judged: a program to run, a target, a timeout for
/// `--poll`.
fn rest(tool: &str, opt: &str) -> &'static str {
    match (tool, opt) {
        ("unshare", _) => "true",
        ("nsenter", "-t") => "-u true",
        ("nsenter", _) => "-t 1 -u true",
        ("mount", _) => "none $T/mp",
        ("findmnt", "--poll=") => "--timeout 10",
        _ => "",
    }
}

/// (tool, option taking a value or "" for the operand, rest of the line):
/// every value option of every tool, and the operands of pivot_root and
/// umount.
fn cases() -> Vec<(&'static str, String, &'static str)> {
    let tables: [(&str, Vec<String>); 7] = [
        ("unshare", value_options(unshare_rs::cli::OPTIONS)),
        ("nsenter", value_options(nsenter_rs::cli::OPTIONS)),
        ("pivot_root", value_options(pivot_rs::cli::OPTIONS)),
        ("mount", value_options(mountinfo_rs::mount::cli::OPTIONS)),
        ("umount", value_options(mountinfo_rs::umount::cli::OPTIONS)),
        ("findmnt", value_options(mountinfo_rs::findmnt::OPTIONS)),
        ("lsns", value_options(lsns_rs::cli::OPTIONS)),
    ];
    let mut cases: Vec<(&str, String, &str)> = tables
        .into_iter()
        .flat_map(|(tool, opts)| {
            opts.into_iter()
                .map(move |o| (tool, o.clone(), rest(tool, &o)))
        })
        .collect();
    cases.push(("pivot_root", String::new(), "put_old"));
    cases.push(("umount", String::new(), ""));
    cases.push(("umount", "-R".into(), ""));
    cases
}

/// The shell words giving `opt` the value `value`: attached to an option
/// written `--long=` (an optional value), after it otherwise, alone for an
/// operand (`opt` empty).
fn words(opt: &str, value: &str) -> String {
    if opt.is_empty() {
        value.to_string()
    } else if let Some(long) = opt.strip_suffix('=') {
        format!("\"{long}=\"{value}")
    } else {
        format!("{opt} {value}")
    }
}

/// Shell words producing each hostile value (evaluated by sh).
const VALUES: &[&str] = &[
    "''",
    "\"$(head -c 100000 /dev/zero | tr '\\0' x)\"",
    "-1",
    "-99999999999999999999",
    "abc",
    "\"$(printf '\\377\\376')\"",
    "\"$(printf 'a\\nb')\"",
    "/nonexistent/path",
    "/",
    "/dev/null",
    "'%s%n'",
];

/// Values that would succeed in damaging the test's own namespace: `/`
/// for umount (it would unmount /proc and /dev under the script) and
/// `/dev/null` as a namespace file (a bind mount over it).
fn skipped(tool: &str, opt: &str, value: &str) -> bool {
    (tool == "umount" && value == "/") || (opt.ends_with('=') && value == "/dev/null")
}

#[test]
fn no_tool_crashes_and_every_error_names_the_tool() {
    if !root() {
        return;
    }
    let mut script =
        String::from("mkdir mp; /usr/bin/mount -t tmpfs mp mp\nexec < /dev/null\nset +e\n");
    let cases = cases();
    for (case, (tool, opt, rest)) in cases.iter().enumerate() {
        for (v, value) in VALUES.iter().enumerate() {
            if skipped(tool, opt, value) {
                script.push_str(&format!("echo \"{case} {v} 0\"\n"));
                continue;
            }
            let words = words(opt, value);
            script.push_str(&format!(
                "timeout -s KILL 20 {tool} {words} {rest} > /dev/null 2> err.{case}.{v}; \
                 echo \"{case} {v} $?\"\n"
            ));
        }
    }
    let out = sh(&script);
    let text = ok(&out);
    let results: Vec<(usize, usize, i32)> = text
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            Some((
                f.first()?.parse().ok()?,
                f.get(1)?.parse().ok()?,
                f.get(2)?.parse().ok()?,
            ))
        })
        .collect();
    assert_eq!(results.len(), cases.len() * VALUES.len(), "{text}");
    for (case, v, rc) in results {
        let (tool, opt, _) = &cases[case];
        assert!(
            rc < 128,
            "{tool} {opt} {} died of signal {} (status {rc})",
            VALUES[v],
            rc - 128
        );
    }
}

#[test]
fn error_lines_start_with_the_program_name() {
    if !root() {
        return;
    }
    // One pass with the missing-path value: every stderr line is either
    // `PROG: ...`, getopt's try-help line, or util-linux's indented dmesg hint.
    let mut script = String::from("mkdir mp\nexec < /dev/null\nset +e\n");
    let cases = cases();
    for (case, (tool, opt, rest)) in cases.iter().enumerate() {
        let value = "/nonexistent/path";
        let words = words(opt, value);
        script.push_str(&format!(
            "timeout -s KILL 20 {tool} {words} {rest} > /dev/null 2> err; \
             sed 's/^/{case} /' err\n"
        ));
    }
    let out = sh(&script);
    let text = ok(&out);
    for line in text.lines() {
        let (case, msg) = line.split_once(' ').unwrap_or((line, ""));
        let tool = case
            .parse::<usize>()
            .ok()
            .and_then(|c| cases.get(c))
            .map_or("?", |c| c.0);
        assert!(
            msg.starts_with(&format!("{tool}: "))
                || msg.starts_with(&format!("Try '{tool} --help'"))
                || msg.starts_with("       dmesg(1)")
                || msg.is_empty(),
            "{tool}: unexpected stderr line: {msg:?}"
        );
    }
}

/// Where 2.42 (which nsbox follows) rejects what the installed 2.38
/// accepts: `-1` as a UID or GID (`get_user()` now refuses `(uid_t)-1`) and
/// as a PID (`strtopid_or_err()`).
const NEWER_IN_2_42: &[(&str, &str, &str)] = &[
    ("unshare", "--map-user", "-1"),
    ("unshare", "--map-group", "-1"),
    ("lsns", "-p", "-1"),
];

/// Where util-linux 2.38 knows the option, our exit status for each hostile
/// value is util-linux's (both run in the same namespace, one after the
/// other), but for [`NEWER_IN_2_42`]. One script per option, as the whole
/// would be too long an argument.
#[test]
fn exit_statuses_match_util_linux() {
    if !root() {
        return;
    }
    let cases = cases();
    let mut diffs = Vec::new();
    for (tool, opt, rest) in &cases {
        let mut script = String::from(
            "mkdir mp; /usr/bin/mount -t tmpfs mp mp\nexec < /dev/null\nset +e\n\
             UL='env PATH=/usr/sbin:/usr/bin:/sbin:/bin'\n",
        );
        for (v, value) in VALUES.iter().enumerate() {
            if skipped(tool, opt, value) || NEWER_IN_2_42.contains(&(*tool, opt.as_str(), *value)) {
                continue;
            }
            let words = words(opt, value);
            script.push_str(&format!(
                "timeout -s KILL 20 $UL {tool} {words} {rest} > /dev/null 2> ul.err; ul=$?; \
                 if ! grep -q -e 'unrecognized option' -e 'invalid option' ul.err; then \
                 timeout -s KILL 20 {tool} {words} {rest} > /dev/null 2>&1; \
                 ours=$?; [ $ul = $ours ] || echo \"{v} ul=$ul ours=$ours\"; fi\n"
            ));
        }
        let out = sh(&script);
        for line in ok(&out).lines() {
            let (v, codes) = line.split_once(' ').unwrap_or((line, ""));
            let value = v
                .parse::<usize>()
                .ok()
                .and_then(|v| VALUES.get(v))
                .unwrap_or(&"?");
            let value: String = value.chars().take(24).collect();
            diffs.push(format!("{tool} {opt} {value} {rest}: {codes}"));
        }
    }
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}
