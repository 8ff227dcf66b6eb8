//! Shell completions for the nsbox tools, generated from the option tables
//! their parsers use (`OPTIONS` in each tool's `cli.rs`), so that an option
//! cannot be added, renamed or given an argument without the completions
//! following.
//!
//! [`tools`] pairs every table entry with what its value completes to (a
//! [`Value`]: fixed words, files, PIDs, ...); every option that takes a value
//! must have such a hint, and every hint must name an option of the table,
//! so a new option fails [`generate`] until someone says what it completes.
//! [`generate`] renders one file per tool and shell, plus one for the `nsbox`
//! multicall binary; the `nsbox-completions` binary writes them under
//! `completions/` and `tests/completions.rs` checks the committed files are
//! exactly what it renders.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod bash;
mod fish;
mod zsh;

use common::cli::{HasArg, OptSpec};

/// What completes an option's value, or a tool's operands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// Free text: nothing is offered.
    Free,
    /// One of these words.
    Words(Vec<&'static str>),
    /// A comma-separated list of these words.
    List(Vec<&'static str>),
    /// A comma-separated list of filesystem types, read from
    /// `/proc/filesystems` when completing.
    FsTypes,
    /// A file name.
    Files,
    /// A directory name.
    Dirs,
    /// A process id.
    Pids,
    /// A user name.
    Users,
    /// A group name.
    Groups,
    /// A filesystem UUID (`/dev/disk/by-uuid`).
    Uuids,
    /// A filesystem label (`/dev/disk/by-label`).
    Labels,
    /// A mount point (`/proc/self/mounts`).
    MountPoints,
    /// A command name, then that command's own arguments.
    Command,
}

/// One option of a tool, as the completions see it.
#[derive(Clone, Debug)]
pub struct Opt {
    /// Short letter, if any.
    pub short: Option<char>,
    /// Long name without `--`; empty when there is none.
    pub long: &'static str,
    /// Whether and how it takes a value.
    pub arg: HasArg,
    /// What the value completes to ([`Value::Free`] for a flag).
    pub value: Value,
}

impl Opt {
    /// A name for messages and helper functions: the long name, else the
    /// letter.
    pub fn name(&self) -> String {
        match self.short {
            Some(c) if self.long.is_empty() => c.to_string(),
            _ => self.long.to_string(),
        }
    }

    /// Every spelling: `--long` and `-x`, whichever exist.
    pub fn spellings(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.long.is_empty() {
            out.push(format!("--{}", self.long));
        }
        if let Some(c) = self.short {
            out.push(format!("-{c}"));
        }
        out
    }
}

/// One tool: its name, options and what its operands complete to.
#[derive(Clone, Debug)]
pub struct Tool {
    /// The util-linux name the completion is registered for.
    pub name: &'static str,
    /// The options, in table order.
    pub opts: Vec<Opt>,
    /// What the operands complete to; [`Value::Command`] also means that
    /// options end at the first operand.
    pub operands: Value,
}

/// The options of the `nsbox` multiplexer itself (`src/main.rs`).
pub const MULTICALL_OPTIONS: &[&str] = &[
    "--help",
    "-h",
    "--version",
    "-V",
    "--list",
    "--list-full",
    "--install",
];

/// What `nsbox --install` takes before its DIR (`src/install.rs`).
pub const INSTALL_OPTIONS: &[&str] = &["-s"];

/// The tools' option tables with what each value completes to, in
/// `nsbox --list` order.
pub fn tools() -> Result<Vec<Tool>, String> {
    use Value::*;
    let findmnt_columns = mountinfo_rs::findmnt::ALL_COLUMNS
        .iter()
        .map(|c| c.name())
        .collect();
    let lsns_columns = lsns_rs::columns::Col::ALL
        .iter()
        .map(|c| c.name())
        .collect();
    let ns_types = lsns_rs::scan::TYPES.to_vec();
    Ok(vec![
        tool(
            "findmnt",
            mountinfo_rs::findmnt::OPTIONS,
            Files,
            vec![
                ("--direction", Words(vec!["forward", "backward"])),
                ("--output", List(findmnt_columns)),
                ("--options", Free),
                ("--poll", List(vec!["mount", "umount", "remount", "move"])),
                ("--filter", Free),
                ("--types", FsTypes),
                ("--source", Files),
                ("--target", Files),
                ("--mountpoint", Dirs),
                ("--tab-file", Files),
                ("--task", Pids),
                ("--timeout", Free),
                ("--kernel", Words(vec!["mountinfo", "listmount"])),
                ("--hyperlink", Words(vec!["auto", "never", "always"])),
                ("--id", Free),
                ("--uniq-id", Free),
                ("--receivers", Dirs),
            ],
        )?,
        tool(
            "lsns",
            lsns_rs::cli::OPTIONS,
            Free,
            vec![
                ("--task", Pids),
                ("--output", List(lsns_columns)),
                ("--filter", Free),
                ("--type", Words(ns_types)),
                ("--tree", Words(vec!["parent", "owner", "process"])),
            ],
        )?,
        tool(
            "mount",
            mountinfo_rs::mount::cli::OPTIONS,
            Files,
            vec![
                ("--fstab", Files),
                ("--options", Free),
                ("--test-opts", Free),
                ("--types", FsTypes),
                ("--uuid", Uuids),
                ("--label", Labels),
                ("--map-groups", Free),
                ("--map-users", Free),
                ("--mkdir", Free),
                ("--target", Files),
                ("--target-prefix", Dirs),
                ("--source", Files),
                (
                    "--options-mode",
                    Words(vec!["ignore", "append", "prepend", "replace"]),
                ),
                ("--options-source", List(vec!["fstab", "mtab", "disable"])),
                ("--namespace", Pids),
            ],
        )?,
        tool(
            "nsenter",
            nsenter_rs::cli::OPTIONS,
            Command,
            vec![
                ("--target", Pids),
                ("--mount", Files),
                ("--uts", Files),
                ("--ipc", Files),
                ("--net", Files),
                ("--net-socket", Free),
                ("--pid", Files),
                ("--user", Files),
                ("--cgroup", Files),
                ("--time", Files),
                ("--setuid", Free),
                ("--setgid", Free),
                ("--root", Dirs),
                ("--wd", Dirs),
                ("--wdns", Dirs),
            ],
        )?,
        tool("pivot_root", pivot_rs::cli::OPTIONS, Dirs, vec![])?,
        tool(
            "umount",
            mountinfo_rs::umount::cli::OPTIONS,
            MountPoints,
            vec![
                ("--test-opts", Free),
                ("--types", FsTypes),
                ("--namespace", Pids),
            ],
        )?,
        tool(
            "unshare",
            unshare_rs::cli::OPTIONS,
            Command,
            vec![
                ("--mount", Files),
                ("--uts", Files),
                ("--ipc", Files),
                ("--net", Files),
                ("--pid", Files),
                ("--user", Files),
                ("--cgroup", Files),
                ("--time", Files),
                ("--kill-child", Free),
                ("--mount-proc", Dirs),
                ("--mount-binfmt", Dirs),
                ("--map-user", Users),
                ("--map-users", Free),
                ("--map-group", Groups),
                ("--map-groups", Free),
                ("--owner", Free),
                (
                    "--propagation",
                    Words(vec!["slave", "shared", "private", "unchanged"]),
                ),
                ("--setgroups", Words(vec!["allow", "deny"])),
                ("--setuid", Free),
                ("--setgid", Free),
                ("--root", Dirs),
                ("--wd", Dirs),
                ("--monotonic", Free),
                ("--boottime", Free),
                ("--load-interp", Files),
                ("--whitelist-env", Free),
                ("--pivot-root", Dirs),
            ],
        )?,
    ])
}

/// Pairs each entry of `table` with its hint. Every entry that takes a
/// value needs exactly one hint, and every hint must fit one such entry.
fn tool<T>(
    name: &'static str,
    table: &[OptSpec<T>],
    operands: Value,
    hints: Vec<(&'static str, Value)>,
) -> Result<Tool, String> {
    let mut used = vec![false; hints.len()];
    let mut opts = Vec::new();
    for spec in table {
        let mut value = Value::Free;
        if spec.arg != HasArg::No {
            let spelled = |key: &str| {
                (!spec.long.is_empty() && key.strip_prefix("--") == Some(spec.long))
                    || spec.short.is_some_and(|c| key == format!("-{c}"))
            };
            let Some(i) = hints.iter().position(|(key, _)| spelled(key)) else {
                let spelling = match spec.short {
                    Some(c) if spec.long.is_empty() => format!("-{c}"),
                    _ => format!("--{}", spec.long),
                };
                return Err(format!(
                    "{name} {spelling} takes a value: say what it completes to in \
                     completions/src/lib.rs"
                ));
            };
            used[i] = true;
            value = hints[i].1.clone();
        }
        opts.push(Opt {
            short: spec.short,
            long: spec.long,
            arg: spec.arg,
            value,
        });
    }
    if let Some(i) = used.iter().position(|&u| !u) {
        return Err(format!(
            "{name}: completion hint for {} names no option that takes a value",
            hints[i].0
        ));
    }
    for value in opts.iter().map(|o| &o.value).chain([&operands]) {
        check_words(name, value)?;
    }
    Ok(Tool {
        name,
        opts,
        operands,
    })
}

/// Fixed words go into the scripts unquoted (inside single quotes), so
/// they may only hold characters no shell treats specially there; `:` only
/// in lists (zsh's `_arguments` would split an inline word at it).
fn check_words(tool: &str, value: &Value) -> Result<(), String> {
    let (words, colon) = match value {
        Value::Words(w) => (w, false),
        Value::List(w) => (w, true),
        _ => return Ok(()),
    };
    for w in words {
        let plain = |c: char| c.is_ascii_alphanumeric() || "_.%+-".contains(c);
        if w.is_empty() || !w.chars().all(|c| plain(c) || (colon && c == ':')) {
            return Err(format!("{tool}: value '{w}' cannot go into a completion"));
        }
    }
    Ok(())
}

/// Every generated file: its path under `completions/` and its text.
pub fn generate() -> Result<Vec<(String, String)>, String> {
    let tools = tools()?;
    let mut files = Vec::new();
    for t in &tools {
        files.push((format!("bash/{}", t.name), bash::tool_file(t)));
    }
    files.push(("bash/nsbox".to_string(), bash::multicall_file(&tools)));
    for t in &tools {
        files.push((format!("zsh/_{}", t.name), zsh::tool_file(t)));
    }
    files.push(("zsh/_nsbox".to_string(), zsh::multicall_file(&tools)));
    for t in &tools {
        files.push((format!("fish/{}.fish", t.name), fish::tool_file(t)));
    }
    files.push(("fish/nsbox.fish".to_string(), fish::multicall_file(&tools)));
    Ok(files)
}

/// The first line after the interpreter/compdef line of every file.
fn header(comment: &str, shell: &str, tool: &str) -> String {
    format!(
        "{comment} {shell} completion for {tool} (nsbox), generated from its option table\n\
         {comment} by `cargo run -p nsbox-completions`: do not edit.\n"
    )
}

/// `name` made into a shell identifier part (`-` and `.` become `_`).
fn ident(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &[OptSpec<u8>] = &[
        OptSpec::new(Some('f'), "fork", HasArg::No, 0),
        OptSpec::new(Some('o'), "output", HasArg::Required, 1),
        OptSpec::new(None, "tree", HasArg::Optional, 2),
    ];

    #[test]
    fn every_value_option_needs_a_hint_and_every_hint_an_option() {
        let hints = vec![
            ("--output", Value::List(vec!["A", "B"])),
            ("--tree", Value::Words(vec!["x"])),
        ];
        let t = tool("t", TABLE, Value::Files, hints).expect("complete hints");
        assert_eq!(t.opts[1].value, Value::List(vec!["A", "B"]));
        assert_eq!(t.opts[0].value, Value::Free);
        let missing = tool("t", TABLE, Value::Files, vec![("-o", Value::Free)]);
        assert_eq!(
            missing.expect_err("no hint for --tree"),
            "t --tree takes a value: say what it completes to in completions/src/lib.rs"
        );
        let stray = vec![
            ("-o", Value::Free),
            ("--tree", Value::Free),
            ("--fork", Value::Files),
        ];
        assert_eq!(
            tool("t", TABLE, Value::Files, stray).expect_err("--fork takes no value"),
            "t: completion hint for --fork names no option that takes a value"
        );
    }

    #[test]
    fn words_that_a_shell_would_read_as_syntax_are_refused() {
        let bad = vec![("-o", Value::Words(vec!["a'b"])), ("--tree", Value::Free)];
        assert!(tool("t", TABLE, Value::Files, bad).is_err());
        let colon = vec![
            ("-o", Value::Words(vec!["MAJ:MIN"])),
            ("--tree", Value::Free),
        ];
        assert!(tool("t", TABLE, Value::Files, colon).is_err());
        let listed = vec![
            ("-o", Value::List(vec!["MAJ:MIN"])),
            ("--tree", Value::Free),
        ];
        assert!(tool("t", TABLE, Value::Files, listed).is_ok());
    }
}
