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
        Expect::Gap("-H prints nsbox's own column descriptions (util-linux's text is not copied); names and types match, see list_columns_names_every_column_with_its_type_in_our_words"),
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
    &["-y", "-l", "-o", "TARGET,MAJ:MIN,FS-OPTIONS"],
    &["-y", "-o", "MAJ:MIN,TARGET"],
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
fn crafted_nul_bytes_end_only_an_unterminated_last_line_like_libmount() {
    // libmount reads a line with getline(3) and looks for its newline with
    // strchr(3): a NUL before the newline makes the line a parse error (a
    // comment too, and before the format is guessed); the last line,
    // without a newline, ends at its first NUL.
    let root = b"20 1 8:4 / / rw - ext3 /dev/sda4 rw";
    assert_same("nul-tail", &[root, &b"\0junk\n"[..]].concat(), &[]);
    assert_same("nul-first", &[&b"\0\n"[..], root, b"\n"].concat(), &[]);
    assert_same(
        "nul-comment",
        &[root, &b"\n# c\0omment\n"[..]].concat(),
        &[],
    );
    assert_same(
        "nul-last",
        &[root, &b"\n21 20 0:50 / /a rw - tmpfs a rw\0tail"[..]].concat(),
        &[],
    );
    assert_same(
        "nul-fstab",
        b"a\0b /x tmpfs rw 0 0\n/dev/sda1 / ext4 rw 0 1\n",
        &[],
    );
}

#[test]
fn crafted_ids_and_device_numbers_are_read_as_strtol_and_sscanf_read_them() {
    let cols: &[&[&str]] = &[&["-l", "-o", "TARGET,ID,PARENT,MAJ:MIN"]];
    for line in [
        &b"1 0 8:1x / / rw - ext4 /dev/x rw\n"[..],
        b"-5 +7 -1:+2 / / rw - ext4 /dev/x rw\n",
        b"4294967297 2147483648 4294967296:1 / / rw - ext4 /dev/x rw\n",
        b"\r1 0 8:1 / / rw - ext4 /dev/x rw\n",
        b"2147483648 1 8:1 / / rw - ext4 /dev/x rw\n",
        b"99999999999999999999 1 8:1 / / rw - ext4 /dev/x rw\n",
        b"1 0 99999999999999999999:1 / / rw - ext4 /dev/x rw\n",
    ] {
        assert_same("numbers", line, cols);
    }
}

#[test]
fn crafted_propagation_words_come_from_the_tags_anywhere_in_the_fields() {
    let data = b"1 0 8:1 / / rw shared:x - ext4 /dev/x rw
2 1 8:2 / /a rw xshared:4 - ext4 /dev/y rw
3 1 8:3 / /b rw master: - ext4 /dev/z rw
4 1 8:4 / /c rw shared:99999999999 unbindablex - ext4 /dev/w rw
";
    assert_same(
        "propwords",
        data,
        &[&["-l", "-o", "TARGET,OPT-FIELDS,PROPAGATION"]],
    );
}

#[test]
fn crafted_swap_entries_have_no_mount_point_to_match() {
    let data = b"Filename\tType\tSize\tUsed\tPriority\n/swapfile file 1048572 0 -2\n/dev/sda3 partition 100 0 -3\n";
    assert_same(
        "swapsnull",
        data,
        &[&["-U"], &["--target", "/tmp"], &["-T", "/"], &["/dev/sda3"]],
    );
}

#[test]
fn crafted_zero_width_cells_print_nothing_in_the_human_format() {
    // libsmartcols prints nothing for a cell whose text takes no columns
    // (here U+200B and a lone combining accent as the type).
    let data = "1 0 8:1 / / rw - \u{200b} /dev/x rw\n2 1 8:2 / /a rw - \u{301} /dev/y rw\n";
    assert_same(
        "zerowidth",
        data.as_bytes(),
        &[&["-l", "-o", "TARGET,FSTYPE,SOURCE"]],
    );
}

#[test]
fn dev_root_in_any_mountinfo_file_is_the_root_block_device() {
    // libmount `kernel_fs_postparse()` replaces the kernel's /dev/root in
    // every mountinfo-format table (a copy given with -F too), guessing
    // once per file from the first /dev/root's MAJ:MIN.
    let Some(dev) = std::fs::read_dir("/sys/dev/block").ok().and_then(|mut d| {
        d.find_map(|e| {
            let e = e.ok()?;
            let devno = e.file_name().into_string().ok()?;
            let link = std::fs::read_link(e.path()).ok()?;
            let name = link.file_name()?.to_str()?.replace('!', "/");
            (!devno.starts_with("0:")).then(|| (devno, format!("/dev/{name}")))
        })
    }) else {
        eprintln!("no block device in /sys/dev/block: skipped");
        return;
    };
    let (devno, node) = dev;
    let scratch = Scratch::new("devroot");
    let file = scratch.file(
        "mountinfo",
        format!("27 1 {devno} / / rw - ext4 /dev/root rw\n28 27 0:5 / /x rw - ext4 /dev/root rw\n")
            .as_bytes(),
    );
    let out = tool("findmnt")
        .args(["-n", "-l", "-o", "SOURCE", "-F"])
        .arg(&file)
        .output()
        .expect("run findmnt");
    assert_eq!(
        stdout(&out),
        format!("{node}\n{node}\n"),
        "{}",
        transcript(&out)
    );
}

#[test]
fn crafted_verify_walks_forward_and_checks_order_over_the_whole_table() {
    let data = b"tmpfs /nsbox-x tmpfs defaults 0 0\ntmpfs /nsbox-y tmpfs defaults 0 0\ntmpfs /nsbox-x tmpfs defaults 0 0\n";
    let sets: &[&[&str]] = &[
        &["-x"],
        &["-x", "-f"],
        &["-x", "-d", "backward", "--verbose"],
        &["-x", "-d", "backward", "-f", "--verbose"],
    ];
    let scratch = Scratch::new("verify-order");
    let file = scratch.file("fstab", data);
    let diffs = differences(&file, sets);
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

#[test]
fn an_fstab_that_is_not_a_file_or_directory_is_refused_unread() {
    // libmount `mnt_table_parse_fstab()`: a device or FIFO is not read (a
    // FIFO would block, /dev/zero never end).
    for args in [
        &["-s", "-F", "/dev/null"][..],
        &["-s", "-F", "/dev/zero"],
        &["-x", "-F", "/dev/null"],
    ] {
        let (want, got) = (theirs(args, "C"), ours(args, "C"));
        if let Some(want) = want {
            assert_eq!(transcript(&got), transcript(&want), "{args:?}");
        }
        assert_eq!(got.status.code(), Some(1), "{args:?}");
    }
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
fn libmount_accepts_runs_of_blanks_between_fields() {
    let data = b"20 1 8:4 / / rw - ext3 /dev/sda4 rw\n21  20 0:53 / /d rw - tmpfs d rw\n22 20 0:52 / /c\\777x rw - tmpfs c rw\n";
    assert_same("blanks", data, &[]);
}

/// A `/proc/swaps` file (recognised by its `Filename<TAB>` header): each
/// swap area a `swap` entry with only a source, a deleted file's
/// ` (deleted)` cut off; a line with a bad number is a parse error.
#[test]
fn swaps_files_are_read_as_libmount_reads_them() {
    let data = b"Filename\t\t\t\tType\t\tSize\tUsed\tPriority
/dev/dm-2                               partition\t8151036\t2283436\t-2
/some/swapfile                          file            111     111     0
/some/swapfile2\\040(deleted)            file            111     111     0
/bad                                    file            x       111     0
";
    assert_same(
        "swaps",
        data,
        &[&["-S", "/some/swapfile2"], &["-t", "swap", "-J"]],
    );
}

/// libmount's field rules on lines the kernel would not write: tabs and
/// runs of blanks as separators, leading blanks, an escape that is a NUL
/// byte (the C string ends there), a raw NUL byte, optional fields with
/// tabs, a tab after the type, no superblock options, no " - ".
#[test]
fn libmount_field_rules_on_hostile_lines() {
    let data = b"20 1 8:4 / / rw - ext3 /dev/sda4 rw
21\t20\t0:53\t/\t/tab\trw\t- tmpfs t rw
  22 20 0:54 / /lead rw - tmpfs l rw
23 20 0:55 / /nul\\000x rw - tmpfs n rw
24 20 0:56 / /raw\0nul rw - tmpfs r rw
25 20 0:57 / /opt rw shared:1\tmaster:2 - tmpfs o rw
26 20 0:58 / /typetab rw - tmpfs\tsrc rw
27 20 0:59 / /noopts rw - tmpfs src
28 20 0:60 / /nosep rw tmpfs src rw
29 20 0:61 / /dash2 rw -  tmpfs  rw
";
    assert_same("hostile-fields", data, &[]);
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
    // getopt's own message names the program as invoked (here by path),
    // the try-help line by its short name, as glibc and util-linux do.
    let out = ours(&["--bogus"], "C");
    assert_eq!(
        stderr(&out),
        format!(
            "{}: unrecognized option '--bogus'\nTry 'findmnt --help' for more information.\n",
            common::bin_dir().join("findmnt").display()
        )
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

// ---------------------------------------------------------------------------
// fstab-format tables, --mtab with utab, --verify, --vfs-all

/// fstab lines of every kind libmount accepts or rejects: tags, escapes,
/// missing fields, junk after PASSNO, a bad FREQ, comments, CRLF, blanks.
const FSTAB: &[u8] = b"# static file system information
UUID=1234-abcd / ext4 rw,noatime,errors=remount-ro,x-systemd.foo,user 0 1
LABEL=boot /boot ext2 defaults 1 2
\t/dev/sda3\tnone\tswap\tsw,pri=x,discard=bad\t0\t0
proc /proc proc
tmpfs /tmp tmpfs ro,nosuid,size=10%,mode=1777 0
server:/x /net nfs4 _netdev,noauto 0 0 junk
bad line
/dev/sdb1 /x ext4 defaults zz 0
/dev/null /mnt/sp\\040ace ext4 bind,comment=x,X-y,\"q,w\" -1 +2\r

/tmp /tmp/sub none bind
/tmp /tmp/sub2 none defaults
/etc/hostname /tmp/sub/x none
/dev/sda1 /tmp ext9 noauto
FOO=bar /b ext4
/tmp/../tmp /usr auto
PARTUUID=x /c vfat nofail 0 0
";

#[test]
fn fstab_format_files_match_util_linux() {
    let scratch = Scratch::new("fstab");
    let file = scratch.file("fstab", FSTAB);
    let sets: &[&[&str]] = &[
        &[],
        &["-l"],
        &["-r"],
        &["-J"],
        &["-P"],
        &["--tree"],
        &["-o", "SOURCE,TARGET,FSTYPE,OPTIONS,VFS-OPTIONS,FS-OPTIONS,FREQ,PASSNO,ID,PARENT,PROPAGATION,FSROOT,MAJ:MIN,OPT-FIELDS,LABEL,UUID,PARTUUID"],
        &["-J", "-o", "SOURCE,FREQ,PASSNO,ID,PARENT,OPTIONS"],
        &["-O", "noauto"],
        &["-O", "bind"],
        &["-t", "ext4,ext2"],
        &["-t", "noswap"],
        &["/boot"],
        &["-S", "LABEL=boot"],
        &["-T", "/proc"],
        &["-f", "-d", "backward"],
        &["-i", "--pseudo"],
        &["-U"],
        &["-x"],
        &["-x", "--verbose"],
        &["-x", "-f"],
        &["-x", "/tmp"],
        &["-x", "-C", "--verbose"],
        &["-s"],
        &["-s", "-x", "--verbose"],
        &["--vfs-all", "-o", "TARGET,VFS-OPTIONS"],
    ];
    let diffs = differences(&file, sets);
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

/// fstab lines with hostile content: invalid UTF-8, escaped tab and
/// backslash, CRLF, a quoted tag, numbers that overflow an `int` or a
/// `long`, a bad FREQ, too few fields, no newline at the end.
const FSTAB_HOSTILE: &[u8] = b"/dev/\xff\xfe /m\\011t ext4 ro\r
  LABEL=a\\040b /x\\134y vfat user,uid=1000 1
/a /b c d 0 0 \n/a /b\n/a\n-  - - -
\"LABEL=x\" /q xfs defaults 0 1
/z /z none bind,x-mount.mkdir 2147483648 0
/z /y none bind 4294967296 99999999999999999999
/z /x none bind 0 -2147483649
/z /w none bind -5 +3
none /n tmpfs defaults 0x 0
/last /l ext4 noauto";

#[test]
fn hostile_fstab_lines_match_util_linux() {
    let scratch = Scratch::new("fstabhostile");
    let file = scratch.file("fstab", FSTAB_HOSTILE);
    let sets: &[&[&str]] = &[
        &[],
        &["-J"],
        &["-P"],
        &[
            "-r",
            "-o",
            "SOURCE,TARGET,FSTYPE,OPTIONS,VFS-OPTIONS,FS-OPTIONS,FREQ,PASSNO,LABEL,UUID",
        ],
        &["-x", "--verbose"],
        &["-t", "vfat,xfs"],
        &["-e", "-o", "SOURCE"],
    ];
    let diffs = differences(&file, sets);
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

#[test]
fn a_table_keeps_the_format_of_its_first_file() {
    // libmount guesses once per table: a mountinfo file read after an
    // fstab file is parsed as fstab (and fails line by line).
    let scratch = Scratch::new("fmt");
    let fstab = scratch.file("fstab", b"/dev/a /a ext4 defaults 0 0\n");
    let mi = scratch.file("mi", b"20 1 8:4 / / rw - ext4 /dev/a rw\n");
    let (f, m) = (fstab.to_str().expect("utf-8"), mi.to_str().expect("utf-8"));
    for args in [["-F", f, "-F", m], ["-F", m, "-F", f]] {
        let Some(want) = theirs(&args, "C") else {
            return;
        };
        assert_eq!(transcript(&ours(&args, "C")), transcript(&want));
    }
}

#[test]
fn fstab_default_path_comes_from_libmount_fstab() {
    let scratch = Scratch::new("envfstab");
    let file = scratch.file("fstab", FSTAB);
    for args in [
        &["-s"][..],
        &["-s", "-x"],
        &["-x", "--verbose"],
        &["-s", "-J"],
    ] {
        let run = |mut c: Command| {
            c.args(args)
                .env("LIBMOUNT_FSTAB", &file)
                .env("LC_ALL", "C")
                .output()
                .expect("run findmnt")
        };
        if !Path::new(UTIL_LINUX).exists() {
            return;
        }
        let want = run(Command::new(UTIL_LINUX));
        let got = run(tool("findmnt"));
        assert_eq!(transcript(&got), transcript(&want), "findmnt {args:?}");
    }
    // A missing fstab: libmount names no file.
    let out = tool("findmnt")
        .arg("-s")
        .env("LIBMOUNT_FSTAB", "/nonexistent/fstab")
        .output()
        .expect("run findmnt");
    assert_eq!(
        transcript(&out),
        "---\nfindmnt: can't read (null): No such file or directory\nrc=1\n"
    );
}

#[test]
fn mtab_merges_utab_options_like_util_linux() {
    let Ok(mi) = std::fs::read_to_string("/proc/self/mountinfo") else {
        return;
    };
    let Some(first) = mi.lines().next() else {
        return;
    };
    let f: Vec<&str> = first.split(' ').collect();
    let (id, target) = (f[0], f[4]);
    // util-linux 2.38 matches utab records by source, root and mount point
    // only (2.42 by ID first): give the real ones so that both agree.
    let Some(dash) = f.iter().position(|w| *w == "-") else {
        return;
    };
    let source = f.get(dash + 2).copied().unwrap_or("none");
    let scratch = Scratch::new("utab");
    let utab = scratch.file(
        "utab",
        format!(
            "ID={id} SRC={source} TARGET={target} ROOT=/ OPTS=x-stale\n\
             ID={id} SRC={source} TARGET={target} ROOT=/ OPTS=x-foo,user=me\n\
             SRC=nomatch TARGET=/nowhere ROOT=/ OPTS=_netdev\n\
             TARGET=/incomplete OPTS=noauto\n"
        )
        .as_bytes(),
    );
    // The last record for a mount wins; -m merges into an -F mountinfo too.
    for args in [
        &["-m"][..],
        &["-m", "-J"],
        &["-m", "-O", "x-foo"],
        &["-m", "-x"],
        &["-m", "-F", "/proc/self/mountinfo"],
    ] {
        let run = |mut c: Command| {
            c.args(args)
                .env("LIBMOUNT_UTAB", &utab)
                .env("LC_ALL", "C")
                .output()
                .expect("run findmnt")
        };
        if !Path::new(UTIL_LINUX).exists() {
            return;
        }
        let want = run(Command::new(UTIL_LINUX));
        let got = run(tool("findmnt"));
        assert_eq!(transcript(&got), transcript(&want), "findmnt {args:?}");
    }
}

#[test]
fn vfs_all_matches_util_linux_on_crafted_options() {
    assert_same(
        "vfsall",
        b"20 1 8:4 / / ro,nosuid,nodev,noexec,noatime,nodiratime - ext4 /dev/a rw\n\
          21 20 0:5 / /a rw,relatime,nosymfollow - tmpfs t rw,sync,mand,lazytime,dirsync,iversion\n\
          22 20 0:6 / /b rw,strictatime - tmpfs t ro,silent\n",
        &[
            &["--vfs-all", "-o", "TARGET,VFS-OPTIONS,OPTIONS"],
            &["--vfs-all", "-J"],
        ],
    );
}

// ---------------------------------------------------------------------------
// -H and nsbox's propagation columns

#[test]
fn list_columns_names_every_column_with_its_type_in_our_words() {
    let out = tool("findmnt").arg("-H").output().expect("run findmnt");
    let text = ok(&out);
    let want =
        std::fs::read_to_string(corpus("expected/outputs-list-columns")).expect("expected file");
    // Same names and types as util-linux 2.42, in the same order; the
    // descriptions are nsbox's own (so the golden file stays a known gap).
    let key = |l: &str| {
        let mut w = l.split_whitespace();
        (
            w.next().unwrap_or("").to_owned(),
            w.next().unwrap_or("").to_owned(),
        )
    };
    let ours: Vec<_> = text.lines().map(key).collect();
    let theirs: Vec<_> = want.lines().map(key).collect();
    assert_eq!(&ours[..theirs.len()], &theirs[..]);
    assert_eq!(
        ours[theirs.len()..]
            .iter()
            .map(|(n, t)| format!("{n} {t}"))
            .collect::<Vec<_>>(),
        [
            "SHARED <integer>",
            "MASTER <integer>",
            "PROPAGATE-FROM <integer>"
        ]
    );
    let json = ok(&tool("findmnt").args(["-H", "-J"]).output().expect("run"));
    assert!(json.starts_with("{\n   \"findmnt-columns\": [\n"), "{json}");
    assert!(json.contains("\"holder\": \"MAJ:MIN\""), "{json}");
}

#[test]
fn propagation_columns_work_in_every_output_mode() {
    let scratch = Scratch::new("propcols");
    let file = scratch.file("mi", ESCAPES);
    let f = file.to_str().expect("utf-8");
    let cols = "TARGET,SHARED,MASTER,PROPAGATE-FROM";
    let run = |extra: &[&str]| {
        let mut args = vec!["-F", f, "-o", cols];
        args.extend_from_slice(extra);
        ok(&ours(&args, "C"))
    };
    let raw = run(&["-r", "-n"]);
    assert!(raw.contains("/new\\x0aline 3 1 7\n"), "{raw}");
    assert!(raw.contains("/sp\\x20ace 1  \n"), "{raw}");
    assert!(raw.contains("/t\\x09ab  2 \n"), "{raw}");
    let json = run(&["-J"]);
    assert!(
        json.contains(
            "\"shared\": 3,\n               \"master\": 1,\n               \"propagate-from\": 7"
        ),
        "{json}"
    );
    assert!(json.contains("\"shared\": null"), "{json}");
    let pairs = run(&["-P", "-y"]);
    assert!(
        pairs.contains("SHARED=\"5\" MASTER=\"\" PROPAGATE_FROM=\"\""),
        "{pairs}"
    );
    let list = run(&["-l"]);
    assert!(list.starts_with("TARGET"), "{list}");
    assert!(list
        .lines()
        .next()
        .unwrap_or("")
        .ends_with("SHARED MASTER PROPAGATE-FROM"));
    let tree = run(&[]);
    assert!(tree.contains("SHARED"), "{tree}");
    let q = ok(&ours(
        &["-F", f, "-Q", "SHARED == 5", "-o", "TARGET", "-rn"],
        "C",
    ));
    assert_eq!(q, "/dash\n");
    // --output-all stays util-linux's list.
    let all = ok(&ours(&["-F", f, "--output-all", "-l"], "C"));
    assert!(!all.contains("SHARED"), "{all}");
}

#[test]
fn receivers_follow_real_propagation_across_namespaces() {
    if !root() {
        return;
    }
    // /usr/bin/unshare for the namespaces, so only findmnt is under test.
    let out = sh(r#"
        mkdir a b c p u s
        mount -t tmpfs src "$T/a"
        mount --make-shared "$T/a"
        mount --bind "$T/a" "$T/b"                    # peer of a
        mount --bind "$T/a" "$T/c"
        mount --make-slave "$T/c"                     # slave of a
        mount --make-shared "$T/c"                    # ... and shared itself
        mkdir "$T/d"
        mount --bind "$T/c" "$T/d"                    # peer of c: a slave too
        mount --make-slave "$T/d"                     # now a slave of c: slave of slave
        mount -t tmpfs priv "$T/p"
        mount --make-private "$T/p"
        mount -t tmpfs unb "$T/u"
        mount --make-unbindable "$T/u"
        mount -t tmpfs sl "$T/s"
        mount --make-shared "$T/s"
        mount --bind "$T/s" "$T/s" && mount --make-slave "$T/s"
        # A second namespace with copies of every mount (peers of the
        # shared ones), kept alive while we look.
        /usr/bin/unshare -m --propagation unchanged sleep 30 &
        pid=$!
        sleep 0.5
        other=$(readlink /proc/$pid/ns/mnt | tr -dc 0-9)
        echo "OTHER $other"
        echo "SELF $(readlink /proc/self/ns/mnt | tr -dc 0-9)"
        findmnt --receivers "$T/a/." -r -n -o TARGET 2>&1 || echo "rc=$?"
        echo ---
        findmnt --receivers "$T/a" -J
        echo ---
        findmnt --receivers "$T/p" || echo "private rc=$?"
        findmnt --receivers "$T/u" || echo "unbindable rc=$?"
        findmnt --receivers "$T/s" || echo "slave rc=$?"
        findmnt --receivers "$T/nonexistent" || echo "missing rc=$?"
        findmnt --receivers "$T/a" -r | sed "s|$T|T|g"
        kill $pid
    "#);
    let text = ok(&out);
    let other = text
        .lines()
        .find_map(|l| l.strip_prefix("OTHER "))
        .expect("other namespace");
    let me = text
        .lines()
        .find_map(|l| l.strip_prefix("SELF "))
        .expect("own namespace");
    assert!(text.contains("private rc=1\n"), "{text}");
    assert!(text.contains("unbindable rc=1\n"), "{text}");
    assert!(text.contains("slave rc=1\n"), "{text}");
    assert!(text.contains("missing rc=1\n"), "{text}");
    let raw: Vec<&str> = text.lines().filter(|l| l.starts_with("T/")).collect();
    let has = |target: &str, relation: &str, ns: &str| {
        raw.iter().any(|l| {
            let w: Vec<&str> = l.split(' ').collect();
            w.len() == 8 && w[0] == target && w[3] == relation && w[4] == ns
        })
    };
    for (target, relation) in [
        ("T/b", "peer"),
        ("T/c", "slave"),
        ("T/d", "slave\\x20of\\x20slave"),
    ] {
        assert!(
            has(target, relation, me),
            "{target} {relation} in own ns:\n{text}"
        );
    }
    for (target, relation) in [
        ("T/a", "peer"),
        ("T/b", "peer"),
        ("T/c", "slave"),
        ("T/d", "slave\\x20of\\x20slave"),
    ] {
        assert!(
            has(target, relation, other),
            "{target} {relation} in other ns:\n{text}"
        );
    }
    // The sender itself is not listed, private and unbindable mounts never.
    assert!(!has("T/a", "peer", me), "{text}");
    assert!(
        !raw.iter()
            .any(|l| l.starts_with("T/p ") || l.starts_with("T/u ")),
        "{text}"
    );
    assert!(text.contains("\"receivers\": ["), "{text}");
    assert!(text.contains("\"relation\": \"slave of slave\""), "{text}");
}

// ---------------------------------------------------------------------------
// --kernel=listmount, --uniq-id, --poll

#[test]
fn listmount_gives_the_mountinfo_table_plus_unique_ids() {
    let cols = "+PROPAGATION,OPT-FIELDS,FSROOT,MAJ:MIN,ID,PARENT,VFS-OPTIONS,FS-OPTIONS";
    let lm = tool("findmnt")
        .args(["--kernel=listmount", "-o", cols])
        .output()
        .expect("run findmnt");
    if stderr(&lm).contains("failed to fetch mount nodes") {
        // A kernel before 6.8: nothing more to check.
        return;
    }
    let mi = tool("findmnt")
        .args(["-o", cols])
        .output()
        .expect("run findmnt");
    assert_eq!(ok(&lm), ok(&mi));
    // UNIQ-ID is filled from listmount only, and --uniq-id selects by it.
    let ids = ok(&tool("findmnt")
        .args(["--kernel=listmount", "-rno", "UNIQ-ID,TARGET", "-M", "/"])
        .output()
        .expect("run findmnt"));
    let first = ids.lines().next().expect("a line for /");
    let (uniq, target) = first.split_once(' ').expect("two fields");
    assert!(uniq.parse::<u64>().is_ok_and(|u| u > 0), "{first}");
    assert_eq!(target, "/");
    let one = tool("findmnt")
        .args(["--kernel=listmount", "--uniq-id", uniq, "-rno", "TARGET"])
        .output()
        .expect("run findmnt");
    assert_eq!(ok(&one), "/\n");
    let none = tool("findmnt")
        .args(["--uniq-id", uniq, "-rno", "TARGET"])
        .output()
        .expect("run findmnt");
    assert_eq!(transcript(&none), "---\nrc=1\n");
    let bad = tool("findmnt")
        .args(["--kernel=listmount", "-F", "/proc/self/mountinfo"])
        .output()
        .expect("run findmnt");
    assert_eq!(
        transcript(&bad),
        "---\nfindmnt: options --kernel=listmount and --tab-file or --task can't be used together\nrc=1\n"
    );
}

#[test]
fn poll_reports_mount_remount_move_and_umount() {
    if !root() {
        return;
    }
    let out = sh(r#"
        mkdir a b
        findmnt -p -w 1500 -o ACTION,TARGET,SOURCE,OLD-TARGET,OLD-OPTIONS -r >"$T/.poll" 2>&1 &
        findmnt --poll=umount -w 1500 -n -o ACTION,TARGET >"$T/.umount" 2>&1 &
        sleep 0.4
        mount -t tmpfs x "$T/a"; sleep 0.2
        mount -o remount,ro "$T/a"; sleep 0.2
        mount --move "$T/a" "$T/b"; sleep 0.2
        umount "$T/b"
        wait
        sed "s|$T|T|g" "$T/.poll"
        echo ---
        sed "s|$T|T|g" "$T/.umount"
        findmnt --poll=bogus,mount 2>&1 || echo "rc=$?"
        findmnt -p -F /a -F /b 2>&1 || echo "rc=$?"
    "#);
    let text = ok(&out);
    assert!(
        text.starts_with("ACTION TARGET SOURCE OLD-TARGET OLD-OPTIONS\n"),
        "{text}"
    );
    for line in [
        // One line per event, no empty line after a batch (util-linux
        // ends the last row only).
        "ACTION TARGET SOURCE OLD-TARGET OLD-OPTIONS\nmount T/a x  \nremount T/a x  rw,relatime\n\
         move T/b x T/a \numount T/b x T/b ro,relatime\n---\n",
        // ACTION is widened to its width hint (10), as in util-linux 2.42.
        "---\numount     T/b\nfindmnt: unknown",
        "findmnt: unknown action: bogus,mount\nrc=1\n",
        "findmnt: --poll accepts only one file, but more specified by --tab-file\nrc=1\n",
    ] {
        assert!(text.contains(line), "{line:?} not in\n{text}");
    }
    // One header for the whole run.
    assert_eq!(text.matches("ACTION").count(), 1, "{text}");
}

#[test]
fn corpus_host_expectations_verify_shell_and_canonicalization_are_byte_exact() {
    // util-linux's HOST-dependent findmnt tests whose expected text holds on
    // any Linux host: --verify of a one-line fstab (stats / and /dev/null),
    // the --shell header of --output-all, and -c/--nocanonicalize of a
    // symbolic link to /.
    let table = corpus("input/verify.table");
    let out = tool("findmnt")
        .args(["--verify", "--verbose", "--tab-file"])
        .arg(&table)
        .env("LC_ALL", "POSIX")
        .output()
        .expect("run findmnt");
    let want = |name: &str| std::fs::read(corpus(&format!("host/{name}"))).expect("corpus file");
    assert_eq!(out.stdout, want("outputs-verify"), "{}", transcript(&out));
    assert_eq!(
        out.stderr,
        want("outputs-verify.err"),
        "{}",
        transcript(&out)
    );

    let out = tool("findmnt")
        .args(["--shell", "--raw", "--output-all"])
        .output()
        .expect("run findmnt");
    let header = out
        .stdout
        .split_inclusive(|&b| b == b'\n')
        .next()
        .unwrap_or_default();
    assert_eq!(header, want("outputs-shell"), "{}", transcript(&out));

    let scratch = Scratch::new("canon");
    std::os::unix::fs::symlink("/", scratch.0.join("L")).expect("symlink");
    let mut got = Vec::new();
    for opt in ["--canonicalize", "--nocanonicalize"] {
        let out = tool("findmnt")
            .args(["--output", "TARGET", opt, "L"])
            .current_dir(&scratch.0)
            .output()
            .expect("run findmnt");
        got.extend_from_slice(&out.stdout);
    }
    assert_eq!(
        got,
        want("outputs-canonicalization"),
        "{}",
        String::from_utf8_lossy(&got)
    );
}

#[test]
fn corpus_df_options_headers() {
    // util-linux's HOST test df-options: the raw header of --df and --dfi.
    let want = std::fs::read_to_string(corpus("host/df-options")).expect("corpus file");
    let mut got = String::new();
    for (opt, header) in [
        ("-D", "SOURCE FSTYPE SIZE USED AVAIL USE% TARGET"),
        (
            "-I",
            "SOURCE FSTYPE INO.TOTAL INO.USED INO.AVAIL INO.USE% TARGET",
        ),
        ("--df", "SOURCE FSTYPE SIZE USED AVAIL USE% TARGET"),
        (
            "--dfi",
            "SOURCE FSTYPE INO.TOTAL INO.USED INO.AVAIL INO.USE% TARGET",
        ),
    ] {
        let out = tool("findmnt")
            .args(["--raw", opt])
            .output()
            .expect("run findmnt");
        let text = ok(&out);
        let first = text.lines().next().unwrap_or("");
        got.push_str(&format!(
            "{opt}: {}\n",
            if first == header { "OK" } else { first }
        ));
    }
    assert_eq!(got, want);
}

#[test]
fn uniq_id_selects_the_mount_a_listmount_id_names() {
    // util-linux's HOST test uniq-id, on a tmpfs instead of a loop device.
    if !root() {
        return;
    }
    let out = sh(r#"
        mkdir m
        mount -t tmpfs uniqsrc "$T/m"
        id=$(findmnt --noheadings --kernel=listmount --output UNIQ-ID "$T/m" 2>&1) || { echo "skip $id"; exit 0; }
        id=$(echo $id)
        findmnt --noheadings --kernel=listmount --uniq-id "$id" --output SOURCE --raw
    "#);
    let text = ok(&out);
    if text.starts_with("skip") {
        return;
    }
    assert_eq!(text, "uniqsrc\n");
}

/// With `-y` a header is sized by the column's own name and printed as the
/// shell-variable name, which may overflow it (`USE_PCT` over `USE%`'s
/// four columns), as in util-linux.
#[test]
fn shellvar_headers_keep_the_width_of_the_column_name() {
    if !root() {
        return;
    }
    let out = sh("mkdir m; /usr/bin/mount -t tmpfs -o size=1m use m; \
         for f in /usr/bin/findmnt findmnt; do \
           $f -y -o TARGET,USE%,SOURCE $T/m; $f -y -o USE%,TARGET $T/m; done");
    let text = ok(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 8, "{text}");
    assert_eq!(lines[..4], lines[4..], "{text}");
    assert_eq!(lines[2], "USE_PCT TARGET", "{text}");
    assert!(lines[3].starts_with("  0% /"), "{text}");
}

/// util-linux scans its exclusive-option rows in their order: `-m` is
/// recorded in `{N,k,m,s}` and never reaches `{m,p,s}`, so `-m -p` runs
/// (here until its timeout), while `-p -x` is refused.
#[test]
fn mtab_with_poll_is_accepted_as_in_util_linux() {
    let out = ours(&["-m", "-p", "--timeout", "100"], "C");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = ours(&["-p", "-x"], "C");
    assert_eq!(
        stderr(&out),
        "findmnt: options --poll and --verify cannot be combined\n"
    );
}

/// An fstab mount point reached through a symlink matches the path it
/// leads to (libmount canonicalizes an fstab entry's own target too).
#[test]
fn fstab_targets_through_symlinks_match_as_in_util_linux() {
    let scratch = Scratch::new("symlink");
    let dir = scratch.0.join("a");
    std::fs::create_dir_all(&dir).expect("dir");
    let link = scratch.0.join("link");
    std::os::unix::fs::symlink("a", &link).expect("symlink");
    let (dir, link) = (dir.display().to_string(), link.display().to_string());
    let fstab = scratch.file(
        "fstab",
        format!("tmpfs {link} tmpfs defaults 0 0\n/dev/x {dir} ext4 defaults 0 0\n").as_bytes(),
    );
    let fstab = fstab.to_str().expect("path");
    for args in [
        vec!["-F", fstab, &dir],
        vec!["-F", fstab, "-M", &dir],
        vec!["-s", "-F", fstab, &link],
    ] {
        let out = ours(&args, "C");
        if let Some(want) = theirs(&args, "C") {
            assert_eq!(transcript(&out), transcript(&want), "{args:?}");
        }
    }
    assert!(stdout(&ours(&["-F", fstab, &dir], "C")).contains(&link));
}

/// Shell lines making `img`, a 16 MiB ext4 image with this label and UUID.
fn ext4_image(label: &str, uuid: &str) -> String {
    format!(
        "command -v mkfs.ext4 >/dev/null || {{ echo 'mkfs.ext4 missing' >&2; exit 1; }}; \
         truncate -s 16M img; mkfs.ext4 -q -L {label} -U {uuid} img"
    )
}

#[test]
fn fstab_tags_match_the_device_that_carries_them() {
    // libmount `mnt_fs_match_source()` step 4: a device (or another tag of
    // it) matches an fstab entry written as LABEL= or UUID=.
    if !root() {
        return;
    }
    let out = sh(&format!(
        "{}; L=$(/usr/sbin/losetup -f --show img); \
         printf 'UUID=11111111-2222-3333-4444-555555555555 /x ext4 defaults 0 0\\nLABEL=nsbx-tag /y ext4 defaults 0 0\\n' > fstab; \
         set +e; for F in /usr/bin/findmnt findmnt; do \
           $F -s -F fstab -n -o TARGET \"$L\"; echo rc=$?; \
           $F -s -F fstab -n -o TARGET -S LABEL=nsbx-tag; echo rc=$?; \
         done; /usr/sbin/losetup -d \"$L\"",
        ext4_image("nsbx-tag", "11111111-2222-3333-4444-555555555555")
    ));
    let text = ok(&out);
    let want = "/x\n/y\nrc=0\n/x\n/y\nrc=0\n";
    assert_eq!(text, format!("{want}{want}"));
}

#[test]
fn sources_lists_every_device_with_the_uuid_like_util_linux() {
    // findmnt `get_data_col_sources()`: one image on two loop devices
    // (checked against util-linux by hand: its libblkid cache makes a live
    // comparison flaky).
    if !root() {
        return;
    }
    let out = sh(&format!(
        "{}; L1=$(/usr/sbin/losetup -f --show img); L2=$(/usr/sbin/losetup -f --show img); \
         mkdir m sub; /usr/bin/mount \"$L1\" m; mkdir m/dir; /usr/bin/mount --bind m/dir sub; \
         printf 'UUID=11111111-2222-3333-4444-666666666666 /x ext4 defaults 0 0\\n' > fstab; \
         {{ findmnt -n -r -o SOURCE,SOURCES -M \"$T/sub\"; findmnt -J -o SOURCES -M \"$T/m\"; \
           findmnt -s -F fstab -e -n -r -o SOURCES; findmnt -s -F fstab -n -r -o SOURCES; \
         }} | sed \"s#$L1#L1#g; s#$L2#L2#g\" > out; \
         /usr/bin/umount sub m; /usr/sbin/losetup -d \"$L1\" \"$L2\"; cat out",
        ext4_image("nsbx-srcs", "11111111-2222-3333-4444-666666666666")
    ));
    assert_eq!(
        ok(&out),
        "L1[/dir] L1\\x0aL2\n\
         {\n   \"filesystems\": [\n      {\n         \"sources\": [\n             \"L1\", \"L2\"\n         ]\n      }\n   ]\n}\n\
         L1\\x0aL2\n\
         UUID=11111111-2222-3333-4444-666666666666\n"
    );
}
