//! fish: one `complete -c TOOL` line per table entry. fish has no optional
//! option values, so an option whose value is optional completes as a flag
//! (its value can still be typed after `=`).

use crate::{header, ident, Tool, Value};
use common::cli::HasArg;
use std::fmt::Write;

/// `TOOL.fish`.
pub fn tool_file(t: &Tool) -> String {
    let mut s = header("#", "fish", t.name);
    let mut helpers: Vec<String> = Vec::new();
    let mut lines: Vec<String> = Vec::new();
    for o in &t.opts {
        let mut line = format!("complete -c {}", t.name);
        if let Some(c) = o.short {
            let _ = write!(line, " -s {c}");
        }
        if !o.long.is_empty() {
            let _ = write!(line, " -l {}", o.long);
        }
        if o.arg == HasArg::Required {
            let name = format!("__nsbox_{}_{}", ident(t.name), ident(&o.name()));
            let (helper, flags) = value(&o.value, &name);
            if let Some(h) = helper {
                if !helpers.contains(&h) {
                    helpers.push(h);
                }
            }
            line += &flags;
        }
        lines.push(line);
    }
    let separate = |long: bool| {
        t.opts
            .iter()
            .filter(|o| o.arg == HasArg::Required)
            .flat_map(move |o| {
                let mut p = Vec::new();
                if long && !o.long.is_empty() {
                    p.push(format!("--{}", o.long));
                }
                if !long {
                    p.extend(o.short.map(|c| format!("-{c}")));
                }
                p
            })
            .collect::<Vec<_>>()
    };
    match &t.operands {
        // The default: files.
        Value::Files => {}
        Value::Free => lines.push(format!("complete -c {} -f", t.name)),
        Value::Command => {
            // The helper skips the values of these options when it looks for
            // the command. It takes its own `--` options first, so the list
            // must start with a short option; without one, leave them out.
            let shorts = separate(false);
            let mut skip = shorts.clone();
            if !shorts.is_empty() {
                skip.extend(separate(true));
            }
            let args = if skip.is_empty() {
                String::new()
            } else {
                format!(" {}", skip.join(" "))
            };
            lines.push(format!(
                "complete -c {} -x -a '(__fish_complete_subcommand{args})'",
                t.name
            ));
        }
        other => {
            let (helper, flags) = value(other, &format!("__nsbox_{}_operand", ident(t.name)));
            if let Some(h) = helper {
                if !helpers.contains(&h) {
                    helpers.push(h);
                }
            }
            lines.push(format!("complete -c {}{flags}", t.name));
        }
    }
    for h in helpers {
        s += "\n";
        s += &h;
    }
    s += "\n";
    for line in lines {
        s += &line;
        s += "\n";
    }
    s
}

/// `nsbox.fish`: the tool or a multiplexer option first; after a tool the
/// rest of the line completes as that tool's own command line.
pub fn multicall_file(tools: &[Tool]) -> String {
    let names: Vec<&str> = tools.iter().map(|t| t.name).collect();
    let first = "'__fish_use_subcommand; and not __fish_contains_opt install'";
    let mut s = header("#", "fish", "nsbox");
    s += "\n";
    let _ = writeln!(
        s,
        "complete -c nsbox -f -n {first} -a '{}'",
        names.join(" ")
    );
    for opt in crate::MULTICALL_OPTIONS {
        let _ = writeln!(s, "complete -c nsbox -f -n {first} {}", flag(opt));
    }
    for opt in crate::INSTALL_OPTIONS {
        let _ = writeln!(
            s,
            "complete -c nsbox -f -n '__fish_contains_opt install' {}",
            flag(opt)
        );
    }
    s += "complete -c nsbox -x -n '__fish_contains_opt install' -a '(__fish_complete_directories)'\n";
    s +=
        "complete -c nsbox -x -n 'not __fish_use_subcommand; and not __fish_contains_opt install' \
          -a '(__fish_complete_subcommand)'\n";
    s
}

/// `--long` as `-l long`, `-x` as `-s x`.
fn flag(opt: &str) -> String {
    match opt.strip_prefix("--") {
        Some(long) => format!("-l {long}"),
        None => format!("-s {}", opt.trim_start_matches('-')),
    }
}

/// The `complete` flags that complete `v`, and the helper function they
/// call (named `name` when it is specific to one option).
fn value(v: &Value, name: &str) -> (Option<String>, String) {
    let helper = |name: &str, body: &str| Some(format!("function {name}\n    {body}\nend\n"));
    match v {
        Value::Free => (None, " -x".into()),
        Value::Words(w) => (None, format!(" -x -a '{}'", w.join(" "))),
        Value::List(w) => (
            helper(name, &format!("printf '%s\\n' {}", w.join(" "))),
            format!(" -x -a '(__fish_complete_list , {name})'"),
        ),
        Value::FsTypes => (
            helper(
                "__nsbox_fstypes",
                "awk '{print $NF}' /proc/filesystems 2>/dev/null",
            ),
            " -x -a '(__fish_complete_list , __nsbox_fstypes)'".into(),
        ),
        Value::Files => (None, " -r -F".into()),
        Value::Dirs => (None, " -x -a '(__fish_complete_directories)'".into()),
        Value::Pids => (None, " -x -a '(__fish_complete_pids)'".into()),
        Value::Users => (None, " -x -a '(__fish_complete_users)'".into()),
        Value::Groups => (None, " -x -a '(__fish_complete_groups)'".into()),
        Value::Uuids => (
            helper("__nsbox_uuids", "ls /dev/disk/by-uuid 2>/dev/null"),
            " -x -a '(__nsbox_uuids)'".into(),
        ),
        Value::Labels => (
            helper("__nsbox_labels", "ls /dev/disk/by-label 2>/dev/null"),
            " -x -a '(__nsbox_labels)'".into(),
        ),
        Value::MountPoints => (
            helper(
                "__nsbox_mountpoints",
                "awk '{print $2}' /proc/self/mounts 2>/dev/null",
            ),
            " -f -a '(__nsbox_mountpoints)'".into(),
        ),
        Value::Command => (None, " -x -a '(__fish_complete_command)'".into()),
    }
}
