//! zsh: one `_arguments` call per tool (`#compdef TOOL`); lists and values
//! read at completion time go through small `_nsbox_*` helper functions, so
//! that no value text lands inside an `_arguments` spec (where `:` and
//! brackets are syntax).

use crate::{header, ident, Opt, Tool, Value};
use common::cli::HasArg;
use std::fmt::Write;

/// `_TOOL`.
pub fn tool_file(t: &Tool) -> String {
    let mut s = format!("#compdef {}\n", t.name);
    s += &header("#", "zsh", t.name);
    s += "\n";
    let mut helpers: Vec<String> = Vec::new();
    let mut specs: Vec<String> = Vec::new();
    for o in &t.opts {
        let (helper, act) = action(t, o, &o.value);
        if let Some(h) = helper {
            if !helpers.contains(&h) {
                helpers.push(h);
            }
        }
        let msg = o.name();
        for spelling in o.spellings() {
            let long = spelling.starts_with("--");
            specs.push(match (o.arg, long) {
                (HasArg::No, _) => format!("'{spelling}'"),
                (HasArg::Required, true) => format!("'{spelling}=:{msg}:{act}'"),
                (HasArg::Required, false) => format!("'{spelling}+:{msg}:{act}'"),
                (HasArg::Optional, true) => format!("'{spelling}=-::{msg}:{act}'"),
                (HasArg::Optional, false) => format!("'{spelling}-::{msg}:{act}'"),
            });
        }
    }
    let dummy = Opt {
        short: None,
        long: "",
        arg: HasArg::Required,
        value: t.operands.clone(),
    };
    let (helper, act) = action(t, &dummy, &t.operands);
    if let Some(h) = helper {
        if !helpers.contains(&h) {
            helpers.push(h);
        }
    }
    match t.operands {
        Value::Command => {
            specs.push("'(-)1:command: _command_names -e'".into());
            specs.push("'*::arguments: _normal'".into());
        }
        Value::Files => specs.push(format!("'*:file:{act}'")),
        Value::Dirs => specs.push(format!("'*:directory:{act}'")),
        Value::MountPoints => specs.push(format!("'*:mount point:{act}'")),
        _ => specs.push(format!("'*:argument:{act}'")),
    }
    for h in &helpers {
        s += h;
        s += "\n";
    }
    s += "_arguments -s -S";
    if t.operands == Value::Command {
        s += " -A '-*'";
    }
    for spec in specs {
        let _ = write!(s, " \\\n  {spec}");
    }
    s += "\n";
    s
}

/// `_nsbox`: the tool or a multiplexer option first; after a tool, the rest
/// of the line completes as that tool's own command line.
pub fn multicall_file(tools: &[Tool]) -> String {
    let names: Vec<&str> = tools.iter().map(|t| t.name).collect();
    let mut s = String::from("#compdef nsbox\n");
    s += &header("#", "zsh", "nsbox");
    s += "\n";
    s += "if (( CURRENT == 2 )); then\n";
    s += "  _alternative \\\n";
    let _ = writeln!(s, "    'tools:tool:({})' \\", names.join(" "));
    let _ = writeln!(
        s,
        "    'options:option:({})'",
        crate::MULTICALL_OPTIONS.join(" ")
    );
    s += "elif [[ $words[2] == --install ]]; then\n";
    s += "  if (( CURRENT == 3 )); then\n";
    s += "    _alternative \\\n";
    let _ = writeln!(
        s,
        "      'options:option:({})' \\",
        crate::INSTALL_OPTIONS.join(" ")
    );
    s += "      'directories:directory:_files -/'\n";
    s += "  else\n";
    s += "    _files -/\n";
    s += "  fi\n";
    s += "else\n";
    s += "  shift words\n";
    s += "  (( CURRENT-- ))\n";
    s += "  _normal\n";
    s += "fi\n";
    s
}

/// The `_arguments` action for `value`, and the helper function it calls
/// (if any).
fn action(t: &Tool, o: &Opt, value: &Value) -> (Option<String>, String) {
    let helper =
        |name: &str, body: &str| Some(format!("{name}() {{\n  compadd \"$@\" - {body}\n}}\n"));
    match value {
        Value::Free => (None, " ".into()),
        Value::Words(w) => (None, format!("({})", w.join(" "))),
        Value::List(w) => {
            let name = format!("_nsbox_{}_{}", ident(t.name), ident(&o.name()));
            (helper(&name, &w.join(" ")), format!("_sequence {name}"))
        }
        Value::FsTypes => (
            helper(
                "_nsbox_fstypes",
                "${${(f)\"$(</proc/filesystems)\"}##*[[:space:]]}",
            ),
            "_sequence _nsbox_fstypes".into(),
        ),
        Value::Files => (None, "_files".into()),
        Value::Dirs => (None, "_files -/".into()),
        Value::Pids => (None, "_pids".into()),
        Value::Users => (None, "_users".into()),
        Value::Groups => (None, "_groups".into()),
        Value::Uuids => (
            helper("_nsbox_uuids", "/dev/disk/by-uuid/*(N:t)"),
            "_nsbox_uuids".into(),
        ),
        Value::Labels => (
            helper("_nsbox_labels", "/dev/disk/by-label/*(N:t)"),
            "_nsbox_labels".into(),
        ),
        Value::MountPoints => (
            helper(
                "_nsbox_mountpoints",
                "${(f)\"$(awk '{print $2}' /proc/self/mounts 2>/dev/null)\"}",
            ),
            "_nsbox_mountpoints".into(),
        ),
        Value::Command => (None, "_command_names -e".into()),
    }
}
