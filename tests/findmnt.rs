//! findmnt: byte-exact golden outputs from the util-linux corpus
//! (`tests/corpus/findmnt`), differential runs against the installed
//! util-linux findmnt on crafted mountinfo files and on live mounts made in a
//! private mount namespace, and the messages and exit statuses scripts see.
//!
//! The installed util-linux is 2.38; nsbox follows 2.42. Where they differ
//! on purpose a test says so and checks our side alone: 2.40+ does not widen
//! columns to a header hidden by `-n`, 2.42 widens number columns to their
//! width hint, 2.42 lists an entry reached twice in the tree only once, and
//! 2.42 words option conflicts as `options --a and --b cannot be combined`.

mod common;

use common::{ok, root, sh, stderr, stdout, tool};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const UTIL_LINUX: &str = "/usr/bin/findmnt";

fn corpus(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus/findmnt")
        .join(rel)
}

/// A scratch directory for crafted files (removed when dropped).
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "nsbox-findmnt-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        Scratch(dir)
    }

    fn file(&self, name: &str, data: &[u8]) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, data).expect("write crafted file");
        p
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// stdout, then stderr, then `rc=N`: what a script can observe.
fn transcript(out: &Output) -> String {
    format!(
        "{}---\n{}rc={}\n",
        stdout(out),
        stderr(out),
        out.status.code().unwrap_or(-1)
    )
}

fn ours(args: &[&str], locale: &str) -> Output {
    tool("findmnt")
        .args(args)
        .env("LC_ALL", locale)
        .env("LANG", locale)
        .env("LANGUAGE", locale)
        .output()
        .expect("run our findmnt")
}

fn theirs(args: &[&str], locale: &str) -> Option<Output> {
    if !Path::new(UTIL_LINUX).exists() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{UTIL_LINUX} is needed for differential tests under CI=true"
        );
        eprintln!("skipped: {UTIL_LINUX} not installed");
        return None;
    }
    Some(
        Command::new(UTIL_LINUX)
            .args(args)
            .env("LC_ALL", locale)
            .env("LANG", locale)
            .env("LANGUAGE", locale)
            .output()
            .expect("run util-linux findmnt"),
    )
}

// ---------------------------------------------------------------------------
// Golden outputs

/// Whether a corpus file must match.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    Pass,
    /// A known gap: the reason. The test fails if the case starts passing,
    /// so the gap list stays true.
    Gap(&'static str),
}

/// One file-based expectation of util-linux's tests/ts/findmnt.
struct Case {
    name: &'static str,
    /// `LC_ALL=C.UTF-8` instead of POSIX.
    utf8: bool,
    /// stdout+stderr with `rc=N` appended (else stdout only, stderr empty).
    rc: bool,
    /// Arguments; `@mountinfo`, `@messy`, `@nonroot`, `@empty` are inputs.
    args: &'static [&'static str],
    expect: Expect,
}

const fn case(name: &'static str, rc: bool, args: &'static [&'static str]) -> Case {
    Case {
        name,
        utf8: false,
        rc,
        args,
        expect: Expect::Pass,
    }
}

const fn gap(name: &'static str, rc: bool, args: &'static [&'static str], why: Expect) -> Case {
    Case {
        name,
        utf8: false,
        rc,
        args,
        expect: why,
    }
}

/// Every file-based findmnt expectation of the corpus, with the command line
/// of util-linux's test scripts (outputs, filter, filterQ, target).
const CASES: &[Case] = &[
    Case {
        name: "outputs-all",
        utf8: true,
        rc: false,
        args: &["--all", "--tab-file", "@mountinfo"],
        expect: Expect::Pass,
    },
    Case {
        name: "outputs-ascii",
        utf8: true,
        rc: false,
        args: &["--all", "--ascii", "--tab-file", "@mountinfo"],
        expect: Expect::Pass,
    },
    case("outputs-bytes", false, &["--types", "ext3", "--output", "AVAIL", "--noheadings", "--bytes", "--tab-file", "@mountinfo"]),
    case("outputs-default", true, &["--tab-file", "@mountinfo"]),
    case("outputs-direction-backward", false, &["--types", "cgroup", "--direction", "backward", "--first-only", "--tab-file", "@mountinfo"]),
    case("outputs-direction-forward", false, &["--types", "cgroup", "--direction", "forward", "--first-only", "--tab-file", "@mountinfo"]),
    case("outputs-empty-file", true, &["--tab-file", "@empty"]),
    case("outputs-force-tree", true, &["--tree", "--kernel", "--tab-file", "@mountinfo"]),
    case("outputs-hyperlink", false, &["--all", "--noheadings", "--hyperlink=always", "--tab-file", "@mountinfo"]),
    case("outputs-id", false, &["--id", "15", "--tab-file", "@mountinfo"]),
    case("outputs-invert-pseudo", false, &["--invert", "--pseudo", "--tab-file", "@mountinfo"]),
    case("outputs-json", false, &["--all", "--json", "--tab-file", "@mountinfo"]),
    case("outputs-kernel", true, &["--kernel", "--tab-file", "@mountinfo"]),
    case("outputs-list", false, &["--all", "--list", "--tab-file", "@mountinfo"]),
    gap(
        "outputs-list-columns",
        false,
        &["--list-columns"],
        Expect::Gap("-H/--list-columns is not implemented (its text is util-linux's column descriptions)"),
    ),
    case("outputs-messy-mountinfo", true, &["--tab-file", "@messy"]),
    case("outputs-nofsroot", false, &["--nofsroot", "--tab-file", "@messy"]),
    case("outputs-pairs", false, &["--pairs", "--tab-file", "@mountinfo"]),
    case("outputs-pseudo", false, &["--pseudo", "--tab-file", "@mountinfo"]),
    case("outputs-raw", false, &["--raw", "--tab-file", "@mountinfo"]),
    case("outputs-real", false, &["--real", "--tab-file", "@mountinfo"]),
    case("outputs-submounts", true, &["/sys", "--submounts", "--kernel", "--tab-file", "@mountinfo"]),
    case("filter-options", true, &["--options", "relatime", "--kernel", "--tab-file", "@mountinfo"]),
    case("filter-options-name", true, &["--options", "fd", "--kernel", "--tab-file", "@mountinfo"]),
    case("filter-options-nameval", true, &["--options", "fd=22", "--kernel", "--tab-file", "@mountinfo"]),
    case("filter-options-nameval-multi", true, &["--options", "gid=5,mode=620,ptmxmode=000", "--kernel", "--tab-file", "@mountinfo"]),
    case("filter-options-nameval-neg", true, &["--options", "nofd=22", "--kernel", "--tab-file", "@mountinfo"]),
    case("filter-options-neg", true, &["--options", "norelatime", "--kernel", "--tab-file", "@mountinfo"]),
    case("filter-options-no", true, &["--options", "+noatime", "--kernel", "--tab-file", "@mountinfo"]),
    case("filter-options-no-multi", true, &["--options", "+nosuid,+nodev,blkio", "--kernel", "--tab-file", "@mountinfo"]),
    case("filter-types", true, &["--types", "ext3", "--kernel", "--tab-file", "@mountinfo"]),
    case("filter-types-multi", true, &["--types", "ext3,ext4,", "--kernel", "--tab-file", "@mountinfo"]),
    case("filter-types-neg", true, &["--types", "noext3,ext4,", "--kernel", "--tab-file", "@mountinfo"]),
    case("filterQ-options", true, &["--filter", "OPTIONS =~ \"\\<relatime\\>\"", "--kernel", "--tab-file", "@mountinfo"]),
    case("filterQ-options-name", true, &["--filter", "OPTIONS =~ \"\\<fd\\>\"", "--kernel", "--tab-file", "@mountinfo"]),
    case("filterQ-options-nameval", true, &["--filter", "OPTIONS =~ \"\\<fd=22\\>\"", "--kernel", "--tab-file", "@mountinfo"]),
    case("filterQ-options-nameval-multi", true, &[
            "--filter",
            "OPTIONS =~ \"\\<ptmxmode=000\\>\" && OPTIONS =~ \"\\<mode=620\\>\" && OPTIONS =~ \"\\<gid=5\\>\"",
            "--kernel",
            "--tab-file",
            "@mountinfo",
        ]),
    case("filterQ-options-nameval-neg", true, &["--filter", "OPTIONS !~ \"\\<fd=22\\>\"", "--kernel", "--tab-file", "@mountinfo"]),
    case("filterQ-options-neg", true, &["--filter", "OPTIONS !~ \"\\<relatime\\>\"", "--kernel", "--tab-file", "@mountinfo"]),
    case("filterQ-options-no", true, &["--filter", "OPTIONS =~ \"\\<noatime\\>\"", "--kernel", "--tab-file", "@mountinfo"]),
    case("filterQ-options-no-multi", true, &[
            "--filter",
            "OPTIONS =~ \"\\<nosuid\\>\" && OPTIONS =~ \"\\<nodev\\>\" && OPTIONS =~ \"\\<blkio\\>\"",
            "--kernel",
            "--tab-file",
            "@mountinfo",
        ]),
    case("filterQ-types", true, &["--filter", "FSTYPE == \"ext3\"", "--kernel", "--tab-file", "@mountinfo"]),
    case("filterQ-types-multi", true, &["--filter", "FSTYPE =~ \"ext[34]\"", "--kernel", "--tab-file", "@mountinfo"]),
    case("filterQ-types-neg", true, &["--filter", "FSTYPE !~ \"ext[34]\"", "--kernel", "--tab-file", "@mountinfo"]),
    case("target-root", true, &["--target", "/", "--kernel", "--tab-file", "@mountinfo"]),
    case("target-non-root", true, &["--target", "/", "--kernel", "--tab-file", "@nonroot"]),
];

/// Runs one corpus case; `Ok` or the mismatch as a message.
fn run_case(c: &Case, empty: &Path) -> Result<(), String> {
    let inputs = [
        ("@mountinfo", corpus("input/mountinfo")),
        ("@messy", corpus("input/mountinfo-messy")),
        ("@nonroot", corpus("input/mountinfo-nonroot")),
        ("@empty", empty.to_path_buf()),
    ];
    let args: Vec<PathBuf> = c
        .args
        .iter()
        .map(|a| {
            inputs
                .iter()
                .find(|(k, _)| k == a)
                .map_or_else(|| PathBuf::from(a), |(_, p)| p.clone())
        })
        .collect();
    let locale = if c.utf8 { "C.UTF-8" } else { "POSIX" };
    let out = tool("findmnt")
        .args(&args)
        .env("LC_ALL", locale)
        .env("LANG", locale)
        .env("LANGUAGE", locale)
        .output()
        .expect("run our findmnt");
    let mut got = out.stdout.clone();
    if c.rc {
        got.extend_from_slice(&out.stderr);
        got.extend_from_slice(format!("rc={}\n", out.status.code().unwrap_or(-1)).as_bytes());
    } else if !out.stderr.is_empty() {
        return Err(format!("{}: unexpected stderr: {}", c.name, stderr(&out)));
    }
    if c.name == "outputs-hyperlink" {
        // The harness: hexdump --length 5 --format '"%_c"', then echo.
        let mut text = String::new();
        for &b in got.iter().take(5) {
            if (0x20..0x7f).contains(&b) {
                text.push(b as char);
            } else {
                text.push_str(&format!("{b:03o}"));
            }
        }
        text.push('\n');
        got = text.into_bytes();
    }
    if c.name == "outputs-bytes" {
        // The harness: sed 's/^[[:space:]]*[0-9]*$/<bytes>/'.
        let text = String::from_utf8_lossy(&got).into_owned();
        got = text
            .lines()
            .map(|l| {
                let t = l.trim_start();
                if t.bytes().all(|b| b.is_ascii_digit()) {
                    "<bytes>\n".to_owned()
                } else {
                    format!("{l}\n")
                }
            })
            .collect::<String>()
            .into_bytes();
    }
    let want = std::fs::read(corpus(&format!("expected/{}", c.name))).expect("expected file");
    if got == want {
        Ok(())
    } else {
        Err(format!(
            "{}: output differs\n--- expected\n{}--- got\n{}",
            c.name,
            String::from_utf8_lossy(&want),
            String::from_utf8_lossy(&got)
        ))
    }
}

fn run_named(name: &str) {
    let scratch = Scratch::new("golden");
    let empty = scratch.file("empty", b"");
    let c = CASES.iter().find(|c| c.name == name).expect("known case");
    if let Err(e) = run_case(c, &empty) {
        panic!("{e}");
    }
}

#[test]
fn corpus_outputs_all_utf8_tree_is_byte_exact() {
    run_named("outputs-all");
}

#[test]
fn corpus_outputs_list_is_byte_exact() {
    run_named("outputs-list");
}

#[test]
fn corpus_outputs_raw_escapes_like_libsmartcols() {
    run_named("outputs-raw");
}

#[test]
fn corpus_every_file_based_expectation_passes_except_the_listed_gaps() {
    let scratch = Scratch::new("golden");
    let empty = scratch.file("empty", b"");
    let present: Vec<String> = std::fs::read_dir(corpus("expected"))
        .expect("corpus dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    for name in &present {
        assert!(
            CASES.iter().any(|c| c.name == name),
            "corpus file {name} has no case in the table"
        );
    }
    let mut failures = Vec::new();
    let mut passed = 0;
    for c in CASES {
        match (run_case(c, &empty), c.expect) {
            (Ok(()), Expect::Pass) => passed += 1,
            (Err(e), Expect::Pass) => failures.push(e),
            (Ok(()), Expect::Gap(why)) => failures.push(format!(
                "{}: passes now; remove the gap note ({why})",
                c.name
            )),
            (Err(_), Expect::Gap(why)) => eprintln!("gap: {}: {why}", c.name),
        }
    }
    eprintln!("corpus: {passed} passed / {} present", present.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---------------------------------------------------------------------------
// Differential runs against util-linux on crafted files

/// Runs both findmnts on each option set (with `-F file` prepended) in the
/// C and C.UTF-8 locales; returns the differences.
fn differences(file: &Path, option_sets: &[&[&str]]) -> Vec<String> {
    let mut diffs = Vec::new();
    let path = file.to_str().expect("utf-8 scratch path");
    for opts in option_sets {
        for locale in ["C", "C.UTF-8"] {
            let mut args = vec!["-F", path];
            args.extend_from_slice(opts);
            let Some(want) = theirs(&args, locale) else {
                return diffs;
            };
            let got = ours(&args, locale);
            let (w, g) = (transcript(&want), transcript(&got));
            if w != g {
                diffs.push(format!(
                    "LC_ALL={locale} findmnt {}\n--- util-linux\n{w}--- nsbox\n{g}",
                    args.join(" ")
                ));
            }
        }
    }
    diffs
}

/// Output options compared everywhere (not `-n` in the aligned formats,
/// whose widths changed in util-linux 2.40, nor TID/--output-all).
const FORMATS: &[&[&str]] = &[
    &[],
    &["-l"],
    &["-r"],
    &["-J"],
    &["-P"],
    &["-a"],
    &["-v"],
    &["-n", "-r"],
    &[
        "-o",
        "+PROPAGATION,OPT-FIELDS,FSROOT,MAJ:MIN,ID,PARENT,VFS-OPTIONS,FS-OPTIONS",
    ],
    &["-l", "-o", "TARGET,SOURCE,PROPAGATION,OPT-FIELDS,MAJ:MIN"],
    &["-r", "-o", "+PROPAGATION,OPT-FIELDS,MAJ:MIN,FSROOT"],
    &["-J", "-o", "+PROPAGATION,OPT-FIELDS,MAJ:MIN,ID,PARENT"],
    &["-P", "-o", "+MAJ:MIN,FSROOT,OPT-FIELDS"],
    &["-y", "-P", "-o", "TARGET,MAJ:MIN,FS-OPTIONS"],
];

fn assert_same(name: &str, data: &[u8], extra: &[&[&str]]) {
    let scratch = Scratch::new(name);
    let file = scratch.file(name, data);
    let mut sets: Vec<&[&str]> = FORMATS.to_vec();
    sets.extend_from_slice(extra);
    let diffs = differences(&file, &sets);
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

/// The escapes the kernel writes (`\040` space, `\011` tab, `\012` newline,
/// `\134` backslash), a raw `\r`, an empty source, a source named `-`, UTF-8
/// and invalid UTF-8, a bind mount's root, a 0:0 device, quoted options.
const ESCAPES: &[u8] = b"20 1 8:4 / / rw,noatime - ext3 /dev/sda4 rw,errors=continue
21 20 0:50 / /sp\\040ace rw,relatime shared:1 - tmpfs sp\\040src rw
22 20 0:51 / /t\\011ab rw,relatime master:2 - tmpfs tab rw
23 20 0:52 / /new\\012line rw,relatime shared:3 master:1 propagate_from:7 unbindable - tmpfs nl rw,size=4k
24 20 0:53 / /back\\134slash\\134x41 rw - tmpfs bs\\134 rw
25 20 0:54 / /empty rw,relatime - tmpfs  rw
26 20 0:55 / /dash rw,relatime shared:5 - tmpfs - rw
27 20 0:56 /sub/dir /bind rw,relatime - ext3 /dev/sda4 rw,errors=continue
28 21 0:57 / /sp\\040ace/caf\xc3\xa9 rw - tmpfs utf8 rw
29 21 0:58 / /sp\\040ace/\xe6\x97\xa5\xe6\x9c\xac rw - tmpfs wide rw
30 20 0:59 / /bad\xff\xfe rw - tmpfs nonutf\x80 rw
31 20 0:60 / /cr\rx rw - tmpfs cr rw
32 20 0:0 / /zero ro - tmpfs zero ro
33 20 0:61 / /opts rw,nosuid - cifs //srv/share rw,unc=\\\\srv\\share,a=\"b,c\"
34 20 0:62 / /q\"uote$`x rw - tmpfs q\"s$`x rw
";

#[test]
fn crafted_escapes_match_util_linux_in_every_format() {
    assert_same(
        "escapes",
        ESCAPES,
        &[
            &["-t", "tmpfs"],
            &["-O", "nosuid"],
            &["-T", "/sp ace"],
            &["-M", "/sp ace"],
            &["/empty"],
            &["-S", "-"],
            &["--", "-"],
            &["8:4"],
            &["-S", "0:0"],
            &["/dev/sda4"],
            &["-R", "/sp ace"],
            &["-R", "-l", "/sp ace"],
            &["--real"],
            &["--pseudo"],
            &["-i", "-t", "ext3"],
            &["-c"],
            &["-e", "-l"],
            &["-C", "-T", "/sp ace"],
        ],
    );
}

#[test]
fn crafted_many_optional_fields_give_util_linux_propagation_words() {
    let data = b"20 1 8:4 / / rw shared:1 master:2 propagate_from:3 unbindable shared:9 x:y - ext3 /dev/sda4 rw
21 20 0:50 / /a rw master:3 - tmpfs a rw
22 20 0:51 / /b rw unbindable - tmpfs b rw
23 20 0:52 / /c rw master:1 unbindable - tmpfs c rw
";
    assert_same("optfields", data, &[]);
}

#[test]
fn crafted_table_without_root_entry_lists_every_subtree_like_util_linux() {
    let data = b"21 20 0:50 / /a rw - tmpfs a rw
22 21 0:51 / /a/b rw - tmpfs b rw
23 99 0:52 / /c rw - tmpfs c rw
24 23 0:53 / /c/d rw - tmpfs d rw
25 98 0:54 / /e rw - tmpfs e rw
";
    assert_same("noroot", data, &[&["-T", "/"], &["-t", "tmpfs"], &["/c"]]);
}

#[test]
fn crafted_bad_and_truncated_lines_are_reported_and_skipped_like_util_linux() {
    let data = b"20 1 8:4 / / rw - ext3 /dev/sda4 rw
21 20 0:50 / /a rw - tmpfs a rw
garbage line here

22 20 0:51 / /b rw - tmpfs b
23 20 0:52 / /c rw - tmpfs c rw
24 20 0:53 / /trunc rw - tmp";
    assert_same("badlines", data, &[]);
    let data = b"20 1 8:4 / / rw - ext3 /dev/sda4 rw\n21 20 0:50 / /a rw - tmpfs a rw,size=1k";
    assert_same("nonewline", data, &[]);
    let data = b"20 1 8:4 / / rw - ext3 /dev/sda4 rw\n21 20 0:50 / /a rw shared:1 - tmpfs src\n";
    assert_same("nosuperopts", data, &[]);
}

#[test]
fn crafted_comments_blank_lines_and_crlf_are_skipped_like_libmount() {
    let data = b"# comment\n20 1 8:4 / / rw - ext3 /dev/sda4 rw\n   21 20 0:50 / /a rw - tmpfs a rw\n\n  \n# x\n22 20 0:51 / /crlf rw - tmpfs a rw\r\n";
    assert_same("comments", data, &[]);
}

#[test]
fn crafted_overmounts_uniq_and_shadowed_match_util_linux() {
    let data = b"20 1 8:4 / / rw - ext3 /dev/sda4 rw
21 20 0:50 / /a rw - tmpfs a rw
22 21 0:50 / /a rw - tmpfs a2 rw
23 22 0:51 / /a/x rw - tmpfs x rw
24 20 0:52 / /b rw - tmpfs b rw
25 24 0:52 / /b rw - tmpfs b rw
";
    assert_same(
        "overmount",
        data,
        &[
            &["-U"],
            &["-U", "-l"],
            &["--shadowed"],
            &["--shadowed", "-l"],
            &["-M", "/a"],
            &["-T", "/a/x/y"],
            &["/a"],
            &["-f", "/a"],
            &["-d", "backward", "-f", "/a"],
            &["-d", "backward", "-l"],
        ],
    );
}

#[test]
fn corpus_inputs_match_util_linux_for_matching_options() {
    let sets: &[&[&str]] = &[
        &["-t", "cgroup", "-l"],
        &["-t", "nocgroup,tmpfs"],
        &["-O", "nosuid,noexec"],
        &["-O", "+nosuid", "-l"],
        &["-i", "-O", "relatime"],
        &["/dev/sda4"],
        &["-S", "/dev/sda4"],
        &["-S", "8:6"],
        &["8:6", "-R"],
        &["/proc", "-R", "-J"],
        &["-M", "/dev/mqueue"],
        &["-f", "-M", "/dev/mqueue"],
        &["-d", "backward", "-M", "/dev/mqueue"],
        &["systemd-1"],
        &["-f", "systemd-1"],
        &["-f", "-d", "backward", "systemd-1"],
        &["cgroup", "/sys/fs/cgroup/cpu"],
        &["-l", "-t", "nosuchfs"],
        &["-t", "nosuchfs"],
        &["-J", "-t", "nosuchfs"],
        &["-l", "-J", "-t", "nosuchfs"],
        &["--tree", "-l"],
        &["--real", "-J"],
    ];
    for input in ["input/mountinfo", "input/mountinfo-messy"] {
        let diffs = differences(&corpus(input), sets);
        assert!(diffs.is_empty(), "{}", diffs.join("\n"));
    }
}

// ---------------------------------------------------------------------------
// Where nsbox follows util-linux 2.42 rather than the installed 2.38

#[test]
fn noheadings_does_not_widen_columns_to_the_hidden_header() {
    let scratch = Scratch::new("noheadings");
    let f = scratch.file(
        "t",
        b"20 1 8:4 / / rw - ext3 /dev/sda4 rw\n21 20 0:5 / /a rw - tmpfs a rw\n",
    );
    let out = ours(&["-F", f.to_str().expect("path"), "-n", "-l"], "C");
    assert_eq!(ok(&out), "/  /dev/sda4 ext3  rw\n/a a         tmpfs rw\n");
}

#[test]
fn number_columns_widen_to_their_width_hint_without_header() {
    let scratch = Scratch::new("hint");
    let f = scratch.file(
        "t",
        b"20 1 8:4 / / rw - ext3 /dev/sda4 rw\n21 20 0:5 / /a rw - tmpfs a rw\n",
    );
    let out = ours(
        &[
            "-F",
            f.to_str().expect("path"),
            "-n",
            "-l",
            "-o",
            "PARENT,TARGET",
        ],
        "C",
    );
    // PARENT has width hint 2 and its widest cell ("20") is wider than the
    // 1 column minimum, so it keeps the hint; right-aligned.
    assert_eq!(ok(&out), " 1 /\n20 /a\n");
}

#[test]
fn an_entry_reached_twice_is_listed_once() {
    // Two entries share ID 21: util-linux 2.42 refuses to add /a/x a second
    // time under the extra root /a2 (2.38 printed it twice).
    let scratch = Scratch::new("dupids");
    let f = scratch.file(
        "t",
        b"20 1 8:4 / / rw - ext3 /dev/sda4 rw\n21 20 0:50 / /a rw - tmpfs a rw\n21 20 0:51 / /a2 rw - tmpfs a2 rw\n22 21 0:52 / /a/x rw - tmpfs x rw\n",
    );
    let out = ours(&["-F", f.to_str().expect("path"), "-o", "TARGET"], "C");
    assert_eq!(ok(&out), "TARGET\n/\n`-/a\n  `-/a/x\n/a2\n");
}

#[test]
fn a_parent_cycle_terminates() {
    // libmount walks parent links forever on this table (util-linux hangs).
    let scratch = Scratch::new("cycle");
    let f = scratch.file(
        "t",
        b"30 31 0:50 / /a rw - tmpfs a rw\n31 30 0:51 / /b rw - tmpfs b rw\n32 40 0:52 / /c rw - tmpfs c rw\n",
    );
    let out = ours(&["-F", f.to_str().expect("path"), "-o", "TARGET"], "C");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
}

#[test]
fn a_lone_no_in_an_options_pattern_matches_nothing() {
    // util-linux 2.42 mnt_match_options(): "the alone no is error"; 2.38
    // matched every filesystem.
    let mi = corpus("input/mountinfo");
    let out = ours(&["-F", mi.to_str().expect("path"), "-O", "no", "-l"], "C");
    assert_eq!((stdout(&out).as_str(), out.status.code()), ("", Some(1)));
}

#[test]
fn conflicting_options_use_the_2_42_wording() {
    let out = ours(&["-J", "-r"], "C");
    assert_eq!(
        stderr(&out),
        "findmnt: options --json and --raw cannot be combined\n"
    );
    assert_eq!(out.status.code(), Some(1));
    let out = ours(&["--task", "1", "-k"], "C");
    assert_eq!(
        stderr(&out),
        "findmnt: options --task and -k cannot be combined\n"
    );
}

#[test]
#[ignore = "the mountinfo parser (mountinfo.rs) splits fields on single spaces and keeps \\ooo > \\377 literal; libmount skips runs of blanks and tabs and wraps the value"]
fn libmount_accepts_runs_of_blanks_between_fields() {
    let data = b"20 1 8:4 / / rw - ext3 /dev/sda4 rw\n21  20 0:53 / /d rw - tmpfs d rw\n22 20 0:52 / /c\\777x rw - tmpfs c rw\n";
    assert_same("blanks", data, &[]);
}

// ---------------------------------------------------------------------------
// Messages and exit statuses

#[test]
fn missing_file_reports_cant_read_with_strerror() {
    let out = ours(&["-F", "/nonexistent"], "C");
    assert_eq!(
        stderr(&out),
        "findmnt: can't read /nonexistent: No such file or directory\n"
    );
    assert_eq!(out.status.code(), Some(1));
    if let Some(want) = theirs(&["-F", "/nonexistent"], "C") {
        assert_eq!(transcript(&out), transcript(&want));
    }
    let out = ours(&["-F", "/"], "C");
    assert_eq!(stderr(&out), "findmnt: can't read /: Is a directory\n");
}

#[test]
fn parse_errors_name_the_file_and_line() {
    let scratch = Scratch::new("parse");
    let f = scratch.file("mi", b"20 1 8:4 / / rw - ext3 /dev/sda4 rw\nbogus\n");
    let path = f.to_str().expect("path");
    let out = ours(&["-F", path, "-o", "TARGET"], "C");
    assert_eq!(stdout(&out), "TARGET\n/\n");
    assert_eq!(
        stderr(&out),
        format!("findmnt: {path}: parse error at line 2 -- ignored\n")
    );
}

#[test]
fn tree_without_match_exits_zero_and_list_exits_one() {
    let mi = corpus("input/mountinfo");
    let mi = mi.to_str().expect("path");
    let out = ours(&["-F", mi, "-t", "xyzfs"], "C");
    assert_eq!((stdout(&out).as_str(), out.status.code()), ("", Some(0)));
    let out = ours(&["-F", mi, "-t", "xyzfs", "-J"], "C");
    assert_eq!(stdout(&out), "{\n   \"filesystems\": [\n\n   ]\n}\n");
    assert_eq!(out.status.code(), Some(0));
    let out = ours(&["-F", mi, "-t", "xyzfs", "-l"], "C");
    assert_eq!((stdout(&out).as_str(), out.status.code()), ("", Some(1)));
}

#[test]
fn unknown_column_names_the_rest_of_the_list() {
    let out = ours(&["-o", "TARGET,FOO,SOURCE"], "C");
    assert_eq!(stderr(&out), "findmnt: unknown column: FOO,SOURCE\n");
    assert_eq!(out.status.code(), Some(1));
    let out = ours(&["-o", "target,,source"], "C");
    assert_eq!((stderr(&out).as_str(), out.status.code()), ("", Some(1)));
}

#[test]
fn bad_values_and_getopt_errors_exit_one() {
    let out = ours(&["-d", "up"], "C");
    assert_eq!(stderr(&out), "findmnt: unknown direction 'up'\n");
    let out = ours(&["-N", "abc"], "C");
    assert_eq!(stderr(&out), "findmnt: invalid TID argument: 'abc'\n");
    let out = ours(&["--bogus"], "C");
    assert_eq!(
        stderr(&out),
        "findmnt: unrecognized option '--bogus'\nTry 'findmnt --help' for more information.\n"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn filter_reports_unknown_columns_then_fails() {
    let out = ours(&["-Q", "FOO == 1 && BAR", "-o", "TARGET"], "C");
    assert_eq!(
        stderr(&out),
        "findmnt: unknown column: FOO\nfindmnt: unknown column: BAR\nfindmnt: failed to initialize filter\n"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn filter_syntax_error_quotes_the_expression() {
    let out = ours(&["-Q", "FSTYPE =="], "C");
    assert!(
        stderr(&out).starts_with("findmnt: failed to parse \"FSTYPE ==\": syntax error"),
        "{}",
        stderr(&out)
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn filter_compares_numbers_and_keeps_the_tree() {
    let mi = corpus("input/mountinfo");
    let mi = mi.to_str().expect("path");
    let out = ours(
        &["-F", mi, "-Q", "PARENT == 21 && ID < 24", "-o", "TARGET,ID"],
        "C",
    );
    assert_eq!(
        ok(&out),
        "TARGET                 ID\n/sys/fs/cgroup/systemd 22\n/sys/fs/cgroup/cpuset  23\n"
    );
    // A value that is not a number where one is compared: util-linux fails.
    let out = ours(&["-F", mi, "-Q", "FSTYPE > 1"], "C");
    assert_eq!(
        stderr(&out),
        "findmnt: failed to apply filter: Invalid argument\n"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn help_and_version_go_to_stdout_and_exit_zero() {
    let out = ours(&["-h"], "C");
    let help = ok(&out);
    assert!(help.starts_with("Usage:\n findmnt [options]\n"), "{help}");
    assert!(help.contains("--tab-file"));
    let out = ours(&["--version"], "C");
    assert!(ok(&out).starts_with("findmnt from nsbox "));
}

// ---------------------------------------------------------------------------
// Live mounts, made inside a private mount namespace

/// Shell function comparing util-linux's and our findmnt on the same
/// arguments (stdout, stderr, status); prints the difference and fails.
const CMP: &str = r#"
fail=0
cmp_findmnt() {
    rc=0; /usr/bin/findmnt "$@" >"$T/.want" 2>&1 || rc=$?; echo "rc=$rc" >>"$T/.want"
    rc=0; findmnt "$@" >"$T/.got" 2>&1 || rc=$?; echo "rc=$rc" >>"$T/.got"
    if ! cmp -s "$T/.want" "$T/.got"; then
        echo "DIFF: findmnt $*"; diff "$T/.want" "$T/.got" || true; fail=1
    fi
}
"#;

#[test]
fn live_awkward_mount_points_match_util_linux() {
    if !root() || !Path::new(UTIL_LINUX).exists() {
        return;
    }
    let script = format!(
        "{CMP}
        mkdir 'sp ace' empty dash bind \"$(printf 'cr\\rx')\" \"$(printf 'tab\\tx')\" \"$(printf 'nl\\nx')\" 'back\\slash'
        /usr/bin/mount -t tmpfs sptest \"$T/sp ace\"
        mkdir \"$T/sp ace/sub\" \"$T/sp ace/caf\u{e9}\"
        /usr/bin/mount -t tmpfs utf8 \"$T/sp ace/caf\u{e9}\"
        /usr/bin/mount -t tmpfs '' \"$T/empty\"
        /usr/bin/mount -t tmpfs - \"$T/dash\"
        /usr/bin/mount -t tmpfs crtest \"$T/$(printf 'cr\\rx')\"
        /usr/bin/mount -t tmpfs tabtest \"$T/$(printf 'tab\\tx')\"
        /usr/bin/mount -t tmpfs nltest \"$T/$(printf 'nl\\nx')\"
        /usr/bin/mount -t tmpfs bstest \"$T/back\\slash\"
        /usr/bin/mount --make-shared \"$T/sp ace\"
        /usr/bin/mount --bind \"$T/sp ace/sub\" \"$T/bind\"
        /usr/bin/mount --make-slave \"$T/bind\"
        for loc in C C.UTF-8; do
            export LC_ALL=$loc
            for fmt in '' -l -r -J -P -a -v; do
                cmp_findmnt $fmt -R \"$T\"
                cmp_findmnt $fmt -R \"$T\" -o +PROPAGATION,OPT-FIELDS,FSROOT,MAJ:MIN,ID,PARENT,VFS-OPTIONS,FS-OPTIONS
            done
            cmp_findmnt -T \"$T/sp ace\"
            cmp_findmnt -T \"$T/sp ace/sub/nonexistent\"
            cmp_findmnt -T \"$T/sp ace/sub\"
            cmp_findmnt -M \"$T/sp ace\"
            cmp_findmnt -M \"$T/sp ace/sub\"
            cmp_findmnt \"$T/empty\"
            cmp_findmnt -S - -o TARGET,SOURCE
            cmp_findmnt sptest -o TARGET,SOURCE
            cmp_findmnt \"$T/$(printf 'cr\\rx')\" -o TARGET,SOURCE
            cmp_findmnt -D -T \"$T/dash\"
            cmp_findmnt -D -b -J -T \"$T/dash\"
            cmp_findmnt -o TARGET,SIZE,AVAIL,USED,USE% -T \"$T/empty\"
        done
        [ $fail = 0 ] || exit 1
        LC_ALL=C findmnt -R \"$T\" -r -n -o TARGET,SOURCE,PROPAGATION | sed \"s|$T|T|\""
    );
    let out = sh(&script);
    let text = ok(&out);
    // BC-01, BC-02, BC-04, BC-05: raw output re-escapes every awkward byte.
    for line in [
        "T/sp\\x20ace sptest shared",
        "T/sp\\x20ace/caf\\xc3\\xa9 utf8 private",
        "T/empty  private",
        "T/dash - private",
        "T/cr\\x0dx crtest private",
        "T/tab\\x09x tabtest private",
        "T/nl\\x0ax nltest private",
        "T/back\\x5cslash bstest private",
        "T/bind sptest[/sub] private,slave",
    ] {
        assert!(text.lines().any(|l| l == line), "{line:?} not in\n{text}");
    }
}

#[test]
fn live_whole_table_matches_util_linux() {
    if !root() || !Path::new(UTIL_LINUX).exists() {
        return;
    }
    let script = format!(
        "{CMP}
        mkdir o; /usr/bin/mount -t tmpfs under o; /usr/bin/mount -t tmpfs over o
        for loc in C C.UTF-8; do
            export LC_ALL=$loc
            for fmt in '' -l -r -J -P -U --shadowed --real --pseudo; do
                cmp_findmnt $fmt
            done
            cmp_findmnt -o +PROPAGATION,OPT-FIELDS,FSROOT,MAJ:MIN,ID,PARENT,VFS-OPTIONS,FS-OPTIONS
            cmp_findmnt -t tmpfs -l
            cmp_findmnt -O ro
            cmp_findmnt /
            cmp_findmnt -T /proc/self
            cmp_findmnt -k -r -n
            cmp_findmnt -N $$ -l
            cmp_findmnt -F /proc/self/mountinfo -J
        done
        exit $fail"
    );
    let out = sh(&script);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
}

#[test]
fn task_option_reads_another_namespace() {
    if !root() {
        return;
    }
    // A process in a nested namespace has a mount the shell does not see.
    let script = "mkdir inner
        /usr/bin/unshare -m --propagation private sh -c \
            \"/usr/bin/mount -t tmpfs innerfs $T/inner && touch $T/ready && exec sleep 30\" &
        p=$!
        i=0; while [ ! -e $T/ready ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
        findmnt -n -o SOURCE -M $T/inner -N $p || echo none
        findmnt -n -o SOURCE -M $T/inner || echo not-here
        kill $p; wait $p || true";
    let out = sh(script);
    assert_eq!(ok(&out), "innerfs\nnot-here\n");
}
