//! Shell completions (`completions/`): the committed files are exactly what
//! the generator renders from the tools' option tables, every option of
//! every tool is in each shell's file, the fixed values they offer are ones
//! the tools accept, and the shells can load them.

mod common;

use common::tool;
use nsbox_completions::{generate, tools, Tool, Value, INSTALL_OPTIONS, MULTICALL_OPTIONS};
use std::path::{Path, PathBuf};
use std::process::Command;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("completions")
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(dir().join(rel))
        .unwrap_or_else(|e| panic!("completions/{rel}: {e}; run `cargo run -p nsbox-completions`"))
}

fn all_tools() -> Vec<Tool> {
    tools().expect("option tables and completion hints agree")
}

/// The words of a shell file, split at blanks, quotes and `|()`.
fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| c.is_whitespace() || "'\"|()".contains(c))
        .filter(|w| !w.is_empty())
        .collect()
}

fn in_bash(text: &str, spelling: &str) -> bool {
    words(text).contains(&spelling)
}

/// As an `_arguments` spec: `'--long'`, `'--long=:`, `'--long=-:`, `'-x'`,
/// `'-x+:`, `'-x-:`.
fn in_zsh(text: &str, spelling: &str) -> bool {
    ["'", "=:", "=-:", "+:", "-:"]
        .iter()
        .any(|end| text.contains(&format!("'{spelling}{end}")))
}

/// On a `complete -c TOOL` line as `-l long` or `-s x`.
fn in_fish(text: &str, tool: &str, spelling: &str) -> bool {
    let pair = match spelling.strip_prefix("--") {
        Some(long) => ["-l", long],
        None => ["-s", &spelling[1..]],
    };
    text.lines()
        .filter(|l| l.starts_with(&format!("complete -c {tool} ")))
        .any(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            w.windows(2).any(|p| p == pair)
        })
}

#[test]
fn committed_completions_are_what_the_option_tables_give() {
    let files = generate().expect("generate completions");
    for (path, text) in &files {
        let committed = std::fs::read_to_string(dir().join(path)).unwrap_or_default();
        assert!(
            committed == *text,
            "completions/{path} is not what the option tables give: \
             run `cargo run -p nsbox-completions` and commit the result"
        );
    }
    for shell in ["bash", "zsh", "fish"] {
        for entry in std::fs::read_dir(dir().join(shell)).expect("read completions dir") {
            let name = entry.expect("dir entry").file_name();
            let rel = format!("{shell}/{}", name.to_string_lossy());
            assert!(
                files.iter().any(|(p, _)| *p == rel),
                "completions/{rel} is not generated any more: remove it"
            );
        }
    }
}

#[test]
fn every_option_of_every_tool_is_in_each_shell_file() {
    let tools = all_tools();
    let nsbox_bash = read("bash/nsbox");
    for t in &tools {
        let bash = read(&format!("bash/{}", t.name));
        let zsh = read(&format!("zsh/_{}", t.name));
        let fish = read(&format!("fish/{}.fish", t.name));
        assert!(zsh.starts_with(&format!("#compdef {}\n", t.name)), "{zsh}");
        assert!(!t.opts.is_empty(), "{}: no options", t.name);
        for o in &t.opts {
            for s in o.spellings() {
                assert!(in_bash(&bash, &s), "bash/{}: no {s}", t.name);
                assert!(in_bash(&nsbox_bash, &s), "bash/nsbox: no {s} of {}", t.name);
                assert!(in_zsh(&zsh, &s), "zsh/_{}: no {s}", t.name);
                assert!(in_fish(&fish, t.name, &s), "fish/{}.fish: no {s}", t.name);
            }
        }
    }
    let zsh = read("zsh/_nsbox");
    let fish = read("fish/nsbox.fish");
    assert!(zsh.starts_with("#compdef nsbox\n"), "{zsh}");
    for s in MULTICALL_OPTIONS.iter().chain(INSTALL_OPTIONS) {
        assert!(in_bash(&nsbox_bash, s), "bash/nsbox: no {s}");
        assert!(words(&zsh).contains(s), "zsh/_nsbox: no {s}");
        assert!(in_fish(&fish, "nsbox", s), "fish/nsbox.fish: no {s}");
    }
    for t in &tools {
        assert!(words(&zsh).contains(&t.name), "zsh/_nsbox: no {}", t.name);
        assert!(
            words(&fish).contains(&t.name),
            "fish/nsbox.fish: no {}",
            t.name
        );
    }
}

#[test]
fn completions_know_exactly_the_tools_and_options_of_nsbox() {
    let list = Command::new(env!("CARGO_BIN_EXE_nsbox"))
        .arg("--list")
        .output()
        .expect("nsbox --list");
    let listed: Vec<String> = common::ok(&list).lines().map(String::from).collect();
    let names: Vec<String> = all_tools().iter().map(|t| t.name.to_string()).collect();
    assert_eq!(names, listed);
    // Every option the usage text shows is known to the completions...
    let help = Command::new(env!("CARGO_BIN_EXE_nsbox"))
        .arg("--help")
        .output()
        .expect("nsbox --help");
    let usage = common::ok(&help);
    let shown: Vec<&str> = usage
        .split(|c: char| c.is_whitespace() || "[]|".contains(c))
        .filter(|w| w.starts_with('-'))
        .collect();
    assert!(shown.contains(&"--list"), "{usage}");
    for w in shown {
        assert!(
            MULTICALL_OPTIONS.contains(&w) || INSTALL_OPTIONS.contains(&w),
            "nsbox --help shows {w}, the completions do not know it"
        );
    }
    // ...and every option the completions offer is one nsbox takes.
    for opt in MULTICALL_OPTIONS.iter().filter(|&&o| o != "--install") {
        let out = Command::new(env!("CARGO_BIN_EXE_nsbox"))
            .arg(opt)
            .output()
            .expect("run nsbox");
        assert!(!common::ok(&out).is_empty(), "nsbox {opt} printed nothing");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_nsbox"))
        .args(["--install", INSTALL_OPTIONS[0], "/nonexistent/nsbox-dir"])
        .output()
        .expect("run nsbox --install");
    assert_eq!(
        common::stderr(&out),
        "nsbox: /nonexistent/nsbox-dir: not a directory\n"
    );
}

/// `--opt=VALUE` for the option's long name, `-xVALUE` without one.
fn with_value(o: &nsbox_completions::Opt, value: &str) -> String {
    match o.short {
        Some(c) if o.long.is_empty() => format!("-{c}{value}"),
        _ => format!("--{}={value}", o.long),
    }
}

#[test]
fn offered_fixed_values_are_accepted_by_the_tools() {
    let mut checked = 0;
    for t in all_tools() {
        for o in &t.opts {
            let (Value::Words(values) | Value::List(values)) = &o.value else {
                continue;
            };
            if o.long == "output" {
                // Column names: not checked before --help, so compare
                // with the tool's own --list-columns.
                let out = tool(t.name).arg("--list-columns").output().expect("run");
                let text = common::ok(&out);
                let listed: Vec<&str> = text
                    .lines()
                    .filter_map(|l| l.split_whitespace().next())
                    .collect();
                assert_eq!(*values, listed, "{} --output", t.name);
                checked += 1;
                continue;
            }
            // A bad value is refused before --help is acted on...
            let bogus = tool(t.name)
                .args([with_value(o, "nsbox-bogus").as_str(), "--help"])
                .output()
                .expect("run");
            assert!(!bogus.status.success(), "{} {}", t.name, o.name());
            // ...and every offered one passes.
            for v in values {
                let out = tool(t.name)
                    .args([with_value(o, v).as_str(), "--help"])
                    .output()
                    .expect("run");
                assert!(
                    out.status.success(),
                    "{} {}: {}",
                    t.name,
                    with_value(o, v),
                    common::stderr(&out)
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 20, "only {checked} values checked");
}

fn have(shell: &str) -> bool {
    Command::new(shell)
        .args(["-c", "exit 0"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs `script` in `bash -c` with `$1` the completion file and the rest
/// the words; returns stdout.
fn bash(script: &str, file: &str, words: &[&str]) -> String {
    let out = Command::new("bash")
        .arg("-c")
        .arg(script)
        .arg("bash")
        .arg(dir().join(file))
        .args(words)
        .output()
        .expect("run bash");
    common::ok(&out)
}

/// What our bash completion offers for the command line `words` (the last
/// one being completed), as bash would split it.
fn complete(file: &str, words: &[&str]) -> Vec<String> {
    let script = r#"f=$1; shift
        source "$f" || exit 1
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
        spec=$(complete -p "$1") || exit 1
        fn=${spec#*-F }; fn=${fn%% *}
        "$fn"
        ((${#COMPREPLY[@]} == 0)) || printf '%s\n' "${COMPREPLY[@]}""#;
    bash(script, file, words)
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn shells_load_the_files_and_bash_completes_values() {
    assert!(have("bash"), "bash is needed to test the completions");
    for t in all_tools().iter().map(|t| t.name).chain(["nsbox"]) {
        let file = format!("bash/{t}");
        let ident = t.replace('-', "_");
        let func = if t == "nsbox" {
            "_nsbox".to_string()
        } else {
            format!("_nsbox_{ident}")
        };
        let script = "bash -n \"$1\" && source \"$1\" && complete -p \"$2\"";
        assert_eq!(
            bash(script, &file, &[t]),
            format!("complete -F {func} {t}\n"),
            "{file}"
        );
    }
    // `TOOL -<TAB>` offers every spelling of every option.
    for t in all_tools() {
        let offered = complete(&format!("bash/{}", t.name), &[t.name, "-"]);
        for s in t.opts.iter().flat_map(|o| o.spellings()) {
            assert!(offered.contains(&s), "{} -<TAB>: no {s}", t.name);
        }
    }
    let cases: &[(&str, &[&str], &[&str])] = &[
        ("unshare", &["unshare", "--prop"], &["--propagation"]),
        (
            "unshare",
            &["unshare", "--propagation", ""],
            &["slave", "shared", "private", "unchanged"],
        ),
        (
            "unshare",
            &["unshare", "--propagation", "=", "s"],
            &["slave", "shared"],
        ),
        ("unshare", &["unshare", "--setgroups", "d"], &["deny"]),
        // After the command, the words are the command's own.
        ("unshare", &["unshare", "-f", "ls", "--prop"], &[]),
        (
            "findmnt",
            &["findmnt", "-o", "TARGET,SO"],
            &["TARGET,SOURCE", "TARGET,SOURCES"],
        ),
        ("findmnt", &["findmnt", "--direction", "b"], &["backward"]),
        ("lsns", &["lsns", "--tree", "=", "pa"], &["parent"]),
        ("lsns", &["lsns", "--type", "u"], &["uts", "user"]),
        ("mount", &["mount", "--options-mode", "re"], &["replace"]),
        ("nsbox", &["nsbox", "uns"], &["unshare"]),
        (
            "nsbox",
            &["nsbox", "unshare", "--propag"],
            &["--propagation"],
        ),
        (
            "nsbox",
            &["nsbox", "/sbin/findmnt", "--dir"],
            &["--direction"],
        ),
        ("nsbox", &["nsbox", "--install", "-"], &["-s"]),
    ];
    for (file, words, want) in cases {
        assert_eq!(
            complete(&format!("bash/{file}"), words),
            *want,
            "{}",
            words.join(" ")
        );
    }
    // Values read at completion time.
    let fs = complete("bash/mount", &["mount", "-t", "pro"]);
    assert!(fs.contains(&"proc".to_string()), "{fs:?}");
    let fs = complete("bash/umount", &["umount", "-t", "sysfs,pro"]);
    assert!(fs.contains(&"sysfs,proc".to_string()), "{fs:?}");
    let pids = complete("bash/nsenter", &["nsenter", "--target", ""]);
    assert!(pids.contains(&"1".to_string()), "{pids:?}");
    let mounted = complete("bash/umount", &["umount", "/pro"]);
    assert!(mounted.contains(&"/proc".to_string()), "{mounted:?}");
    let dirs = complete("bash/pivot_root", &["pivot_root", "/pro"]);
    assert_eq!(dirs, ["/proc"]);
    // zsh and fish are not needed to build or test nsbox: when one is
    // installed, its files must at least parse.
    for shell in ["zsh", "fish"] {
        if !have(shell) {
            eprintln!("skipped: no {shell} to check the syntax of its completions");
            continue;
        }
        let mut files = vec![match shell {
            "zsh" => "zsh/_nsbox".to_string(),
            _ => "fish/nsbox.fish".to_string(),
        }];
        for t in all_tools() {
            files.push(match shell {
                "zsh" => format!("zsh/_{}", t.name),
                _ => format!("fish/{}.fish", t.name),
            });
        }
        for f in files {
            let out = Command::new(shell)
                .arg("-n")
                .arg(dir().join(&f))
                .output()
                .expect("run shell");
            assert!(out.status.success(), "{f}: {}", common::stderr(&out));
        }
    }
}
