//! Bad input matrix: every tool × every option that takes a value × hostile
//! values (empty, huge, negative, non-numeric, non-UTF-8, a path with a
//! newline, a missing path, a directory where a file is expected and the
//! reverse). Whatever happens, no tool may die of a signal (a panic under
//! `panic = "abort"` is SIGABRT), and a failure is reported on stderr in the
//! `PROG: ...` form. Everything runs in a private mount namespace, with
//! stdin closed, so nothing can reach the host or wait for input.

mod common;

use common::{ok, root, sh};

/// (tool, option taking a value, extra words that make the line complete).
const CASES: &[(&str, &str, &str)] = &[
    ("unshare", "--propagation", "true"),
    ("unshare", "--setgroups", "true"),
    ("unshare", "--map-user", "-U true"),
    ("unshare", "--map-group", "-U true"),
    ("unshare", "-S", "true"),
    ("unshare", "-G", "true"),
    ("unshare", "-R", "true"),
    ("unshare", "-w", "true"),
    ("unshare", "--monotonic", "-T true"),
    ("unshare", "--boottime", "-T true"),
    ("unshare", "--kill-child=", "true"),
    ("unshare", "--mount-proc=", "-f true"),
    ("unshare", "--net=", "true"),
    ("nsenter", "-t", "-n true"),
    ("nsenter", "-S", "-t 1 -u true"),
    ("nsenter", "-G", "-t 1 -u true"),
    ("nsenter", "-N", "-t 1 true"),
    ("nsenter", "--net=", "true"),
    ("nsenter", "--root=", "-t 1 -u true"),
    ("nsenter", "--wd=", "-t 1 -u true"),
    ("nsenter", "-W", "-t 1 -u true"),
    ("pivot_root", "", "put_old"),
    ("mount", "-t", "none $T/mp"),
    ("mount", "-o", "none $T/mp"),
    ("mount", "--bind", "$T/mp"),
    ("mount", "--make-private", ""),
    ("mount", "--source", ""),
    ("mount", "--target", ""),
    ("umount", "", ""),
    ("umount", "-R", ""),
    ("findmnt", "-o", ""),
    ("findmnt", "-t", ""),
    ("findmnt", "-O", ""),
    ("findmnt", "-M", ""),
    ("findmnt", "-T", ""),
    ("findmnt", "-N", ""),
    ("findmnt", "-F", ""),
    ("findmnt", "-d", ""),
    ("findmnt", "-S", ""),
];

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
    for (case, (tool, opt, rest)) in CASES.iter().enumerate() {
        for (v, value) in VALUES.iter().enumerate() {
            if skipped(tool, opt, value) {
                script.push_str(&format!("echo \"{case} {v} 0\"\n"));
                continue;
            }
            // An option ending in '=' takes the value attached.
            let words = if opt.is_empty() {
                value.to_string()
            } else if let Some(long) = opt.strip_suffix('=') {
                format!("\"{long}=\"{value}")
            } else {
                format!("{opt} {value}")
            };
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
    assert_eq!(results.len(), CASES.len() * VALUES.len(), "{text}");
    for (case, v, rc) in results {
        let (tool, opt, _) = CASES[case];
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
    for (case, (tool, opt, rest)) in CASES.iter().enumerate() {
        let value = "/nonexistent/path";
        let words = match opt.strip_suffix('=') {
            Some(long) => format!("{long}={value}"),
            None => format!("{opt} {value}"),
        };
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
            .and_then(|c| CASES.get(c))
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
