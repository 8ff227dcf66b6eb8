//! findmnt and lsns on a terminal: run under `script(1)` (a pseudo-terminal
//! nobody sized, so the width comes from `$COLUMNS`, or from `stty cols`
//! run inside it), their columns are fitted to the terminal width as
//! libsmartcols does it.
//!
//! The installed util-linux is 2.38, whose fitting algorithm 2.42 replaced:
//! where both print the same bytes the tests compare with /usr/bin/findmnt
//! and /usr/bin/lsns directly; elsewhere findmnt is compared with
//! `tests/corpus/terminal/`, the output of libsmartcols 2.42 itself on the
//! same cells (see its README), and lsns, whose cells change from run to
//! run, with the one thing 2.42 does differently for its layouts (numbers
//! widened to their width hint when there is room).

mod common;

use common::{bin_dir, ok, root, sh_in, stdout};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");

fn input(name: &str) -> PathBuf {
    Path::new(CORPUS).join("findmnt/input").join(name)
}

/// Whether `script` and util-linux's findmnt are there (they must be under
/// `CI=true`).
fn have(tool: &str) -> bool {
    if Path::new(tool).exists() {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{tool} is needed for the terminal tests under CI=true"
    );
    eprintln!("skipped: {tool} not installed");
    false
}

/// Quotes `s` for `sh`.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// stdout of `command` (a shell command line) run on a pseudo-terminal by
/// `script`, with `$COLUMNS` set to `columns` (unset for `None`), the
/// carriage returns of the terminal's line discipline removed.
fn on_tty(command: &str, columns: Option<&str>, locale: &str) -> String {
    let mut cmd = Command::new("/usr/bin/script");
    cmd.args(["-qec", command, "/dev/null"])
        .stdin(Stdio::null())
        .env("SHELL", "/bin/sh")
        .env("LC_ALL", locale)
        .env("LANG", locale)
        .env("LANGUAGE", locale);
    match columns {
        Some(c) => cmd.env("COLUMNS", c),
        None => cmd.env_remove("COLUMNS"),
    };
    let out = cmd.output().expect("run script");
    assert!(out.status.success(), "script -c {command}: {out:?}");
    stdout(&out).replace('\r', "")
}

/// `findmnt ARGS -F FILE` (ours or util-linux's) as a command line.
fn findmnt(theirs: bool, args: &str, file: &str) -> String {
    let prog = if theirs {
        "/usr/bin/findmnt".to_string()
    } else {
        quote(bin_dir().join("findmnt").to_str().expect("utf-8 path"))
    };
    format!(
        "{prog} {args} -F {}",
        quote(input(file).to_str().expect("utf-8 path"))
    )
}

/// Layouts on which util-linux 2.38 and 2.42 agree: (findmnt options,
/// input file, terminal widths where columns are narrowed, widths where
/// the output is what a pipe gets).
const SHARED_LAYOUTS: &[(&str, &str, &[u32], &[u32])] = &[
    ("-l -o OPTIONS", "mountinfo", &[30, 60, 120], &[]),
    ("-l -o FSTYPE,OPTIONS", "mountinfo", &[30, 40, 50, 70], &[]),
    ("-l -o FSTYPE,OPTIONS", "mountinfo-messy", &[100], &[120]),
    ("-l -o TARGET,OPTIONS", "mountinfo", &[100, 120], &[]),
    ("-o TARGET,OPTIONS", "mountinfo", &[120], &[]),
    ("-o TARGET,ID,OPTIONS", "mountinfo", &[120], &[]),
    ("-o TARGET,FS-OPTIONS", "mountinfo", &[100, 120], &[]),
    (
        "-o TARGET,FS-OPTIONS",
        "mountinfo-messy",
        &[30, 70, 80, 100],
        &[120],
    ),
    ("-o TARGET,VFS-OPTIONS", "mountinfo", &[60], &[80]),
    ("-l -o TARGET,FSTYPE", "mountinfo-messy", &[40], &[50]),
    ("-l -t cgroup", "mountinfo", &[100, 120], &[]),
    ("-o ID,PARENT,TARGET", "mountinfo", &[], &[30, 80]),
    ("-l -o ID,PARENT,TARGET", "mountinfo-messy", &[], &[30]),
    ("-o TARGET,FSROOT", "mountinfo", &[], &[40]),
    ("-t ext3,ext4", "mountinfo-messy", &[], &[50]),
    ("-l -o MAJ:MIN,TARGET,FSTYPE", "mountinfo", &[], &[60]),
];

#[test]
fn findmnt_on_a_terminal_matches_util_linux_where_2_38_and_2_42_agree() {
    if !have("/usr/bin/script") || !have("/usr/bin/findmnt") {
        return;
    }
    let mut diffs = Vec::new();
    for &(args, file, fitted, unchanged) in SHARED_LAYOUTS {
        for locale in ["C", "C.UTF-8"] {
            for w in fitted.iter().chain(unchanged) {
                let columns = w.to_string();
                let ours = on_tty(&findmnt(false, args, file), Some(&columns), locale);
                let theirs = on_tty(&findmnt(true, args, file), Some(&columns), locale);
                if ours != theirs {
                    diffs.push(format!(
                        "COLUMNS={w} LC_ALL={locale} findmnt {args} -F {file}\n\
                         --- util-linux\n{theirs}--- nsbox\n{ours}"
                    ));
                }
                let pipe = ok(&common::tool("findmnt")
                    .args(args.split(' '))
                    .arg("-F")
                    .arg(input(file))
                    .env("LC_ALL", locale)
                    .output()
                    .expect("run findmnt"));
                if (ours != pipe) != fitted.contains(w) {
                    diffs.push(format!(
                        "COLUMNS={w} LC_ALL={locale} findmnt {args} -F {file}: \
                         expected the output {} the pipe's",
                        if fitted.contains(w) {
                            "to differ from"
                        } else {
                            "to be"
                        }
                    ));
                }
            }
        }
    }
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

/// `tests/corpus/terminal/findmnt-NAME`: (NAME, findmnt options, input,
/// locale, width).
const GOLDEN: &[(&str, &str, &str, &str, &str)] = &[
    ("default-40", "", "mountinfo", "C", "40"),
    ("default-60", "", "mountinfo", "C", "60"),
    ("default-80", "", "mountinfo", "C", "80"),
    ("default-120", "", "mountinfo", "C", "120"),
    ("default-utf8-60", "", "mountinfo", "C.UTF-8", "60"),
    ("list-60", "-l", "mountinfo", "C", "60"),
    ("list-120", "-l", "mountinfo", "C", "120"),
    ("notruncate-60", "-u", "mountinfo", "C", "60"),
    ("messy-80", "", "mountinfo-messy", "C", "80"),
    (
        "messy-list-noheadings-40",
        "-l -n",
        "mountinfo-messy",
        "C",
        "40",
    ),
];

fn golden(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(CORPUS)
            .join("terminal")
            .join(format!("findmnt-{name}")),
    )
    .expect("golden file")
}

#[test]
fn findmnt_on_a_terminal_matches_libsmartcols_2_42() {
    if !have("/usr/bin/script") {
        return;
    }
    let mut diffs = Vec::new();
    for &(name, args, file, locale, w) in GOLDEN {
        let want = golden(name);
        let got = on_tty(&findmnt(false, args, file), Some(w), locale);
        if got != want {
            diffs.push(format!(
                "{name}\n--- libsmartcols 2.42\n{want}--- nsbox\n{got}"
            ));
        }
    }
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

#[test]
fn findmnt_takes_the_terminal_size_before_columns_and_80_without_either() {
    if !have("/usr/bin/script") {
        return;
    }
    let cmd = findmnt(false, "", "mountinfo");
    let sized = format!("stty cols 60; {cmd}");
    assert_eq!(on_tty(&sized, Some("200"), "C"), golden("default-60"));
    assert_eq!(on_tty(&cmd, None, "C"), golden("default-80"));
    for bad in ["0", "-60", "60x", "abc", "99999999999"] {
        assert_eq!(
            on_tty(&cmd, Some(bad), "C"),
            golden("default-80"),
            "COLUMNS={bad}"
        );
    }
    if have("/usr/bin/findmnt") {
        let theirs = format!(
            "stty cols 40; {}",
            findmnt(true, "-o ID,PARENT,TARGET", "mountinfo")
        );
        let ours = format!(
            "stty cols 40; {}",
            findmnt(false, "-o ID,PARENT,TARGET", "mountinfo")
        );
        assert_eq!(
            on_tty(&ours, Some("200"), "C"),
            on_tty(&theirs, Some("200"), "C")
        );
    }
}

#[test]
fn findmnt_off_a_terminal_ignores_columns() {
    let want = std::fs::read_to_string(Path::new(CORPUS).join("findmnt/expected/outputs-default"))
        .expect("corpus file");
    let want = want.strip_suffix("rc=0\n").expect("rc line");
    for columns in ["20", "60"] {
        let out = common::tool("findmnt")
            .arg("--tab-file")
            .arg(input("mountinfo"))
            .env("COLUMNS", columns)
            .output()
            .expect("run findmnt");
        assert_eq!(ok(&out), want, "COLUMNS={columns}");
    }
}

#[test]
fn findmnt_raw_pairs_and_json_on_a_terminal_are_never_cut() {
    if !have("/usr/bin/script") {
        return;
    }
    for args in ["-r", "-P", "-J", "-r -o TARGET,OPTIONS"] {
        let got = on_tty(&findmnt(false, args, "mountinfo"), Some("20"), "C");
        let pipe = ok(&common::tool("findmnt")
            .args(args.split(' '))
            .arg("-F")
            .arg(input("mountinfo"))
            .output()
            .expect("run findmnt"));
        assert_eq!(got, pipe, "findmnt {args}");
        if have("/usr/bin/findmnt") {
            let theirs = on_tty(&findmnt(true, args, "mountinfo"), Some("20"), "C");
            assert_eq!(got, theirs, "findmnt {args}");
        }
    }
}

/// Processes in namespaces of several kinds (see tests/lsns.rs).
const FIXTURE: &str = r#"
READY='touch "$0/$1.ready"; exec sleep 600'
start A /usr/bin/unshare -n sh -c "$READY" "$T" A
start B /usr/bin/unshare -u -i sh -c "$READY" "$T" B
start D /usr/bin/unshare -C -T sh -c "$READY" "$T" D
start F /usr/bin/unshare -m sh -c "$READY" "$T" F
export SHELL=/bin/sh
onterm() { COLUMNS=$1 script -qec "exec $2" /dev/null < /dev/null | tr -d '\r'; }
"#;

/// Runs `body` after [`FIXTURE`] in a fresh PID namespace.
fn lsns_script(body: &str) -> std::process::Output {
    sh_in(
        &["--pid", "--fork", "--mount-proc"],
        &format!("{}\n{FIXTURE}\n{body}", include_str!("common/processes.sh")),
    )
}

/// lsns layouts (options and terminal width) on which util-linux 2.38 and
/// 2.42 agree for the fixture: narrow enough that nothing is left over for
/// 2.42 to widen numbers with.
const LSNS_SHARED: &[&str] = &[
    "30 ",
    "40 ",
    "30 -Tprocess",
    "40 -Towner",
    "30 -o NS,TYPE,PID,COMMAND",
    "50 -o NS,TYPE,NPROCS,PID,USER,COMMAND,PATH",
    "40 -l -o NS,TYPE,NPROCS,PID,PPID,COMMAND",
    "30 -u",
    "20 -r",
    "20 -J",
];

#[test]
fn lsns_on_a_terminal_matches_util_linux_where_2_38_and_2_42_agree() {
    if !have("/usr/bin/script") || !root() {
        return;
    }
    let cases: String = LSNS_SHARED.iter().map(|c| format!("{c}\n")).collect();
    let out = lsns_script(&format!(
        r#"
        while read -r w a; do
            onterm $w "lsns $a" > "$T/ours"
            onterm $w "/usr/bin/lsns $a" > "$T/theirs"
            onterm $w "lsns $a > $T/pipe" > /dev/null
            cmp -s "$T/ours" "$T/theirs" || {{ echo "DIFF: COLUMNS=$w lsns $a"; diff "$T/ours" "$T/theirs" || true; }}
            cmp -s "$T/ours" "$T/pipe" && echo "as piped: $a" || echo "fitted: $a"
        done <<'CASES'
{cases}CASES"#
    ));
    let text = ok(&out);
    assert!(!text.contains("DIFF"), "differs from util-linux:\n{text}");
    // Only -u, -r and -J print what a pipe gets.
    let want: String = LSNS_SHARED
        .iter()
        .map(|c| {
            let a = c.split_once(' ').map_or("", |(_, a)| a);
            let piped = matches!(a, "-u" | "-r" | "-J");
            format!("{} {a}\n", if piped { "as piped:" } else { "fitted:" })
        })
        .collect();
    assert_eq!(text, want);
}

#[test]
fn lsns_on_a_wide_terminal_widens_pid_to_its_hint_as_2_42() {
    if !have("/usr/bin/script") || !root() {
        return;
    }
    // Off a terminal (stdout a file, same processes) PID is as wide as its
    // header; on a wide terminal 2.42 gives it its hint of 5 (2.38 does
    // not): every line is the same but for two more spaces before the PID
    // column.
    let out = lsns_script(
        r#"
        a="-o NS,TYPE,NPROCS,PID,USER"
        onterm 120 "lsns $a" > "$T/tty"
        onterm 120 "lsns $a > $T/pipe" > /dev/null
        head -n 1 "$T/tty"
        head -n 1 "$T/pipe"
        sed 's/^\(.\{25\}\)/\1  /' "$T/pipe" | cmp - "$T/tty" && wc -l < "$T/tty""#,
    );
    let text = ok(&out);
    let (headers, rows) = text
        .rsplit_once("\n")
        .map_or(("", ""), |(h, _)| h.rsplit_once('\n').unwrap_or(("", "")));
    assert_eq!(
        headers, "        NS TYPE   NPROCS   PID USER\n        NS TYPE   NPROCS PID USER",
        "{text}"
    );
    let rows: usize = rows.trim().parse().expect("line count");
    assert!(rows >= 10, "{text}");
}
