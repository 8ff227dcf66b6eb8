//! bash: one `_nsbox_TOOL` function per tool, self-contained (no
//! bash-completion helpers needed; `_command_offset` is used when present).
//!
//! bash splits `--opt=VAL` into `--opt`, `=`, `VAL` (`=` is in
//! `COMP_WORDBREAKS`), so the functions look at the words before the current
//! one to find the option whose value is being completed: `prev` is `--opt`
//! or `-x` for a separate value, `--opt=` for an attached one (the only form
//! of an optional value).

use crate::{header, ident, Opt, Tool, Value};
use common::cli::HasArg;
use std::fmt::Write;

/// `unshare` and friends: the function and its `complete` line.
pub fn tool_file(t: &Tool) -> String {
    let mut s = String::from("# shellcheck shell=bash\n");
    s += &header("#", "bash", t.name);
    s += "\n";
    s += &function(t);
    let _ = writeln!(s, "complete -F _nsbox_{} {}", ident(t.name), t.name);
    s
}

/// `nsbox`: every tool's function (so `nsbox TOOL ...` completes without the
/// tool's own file) and the multiplexer's.
pub fn multicall_file(tools: &[Tool]) -> String {
    let mut s = String::from("# shellcheck shell=bash\n");
    s += &header("#", "bash", "nsbox");
    for t in tools {
        s += "\n";
        s += &function(t);
    }
    let names: Vec<&str> = tools.iter().map(|t| t.name).collect();
    let mut first = names.clone();
    first.extend(crate::MULTICALL_OPTIONS);
    s += "\n_nsbox()\n{\n";
    s += "    local cur=${COMP_WORDS[COMP_CWORD]}\n";
    s += "    COMPREPLY=()\n";
    s += "    if ((COMP_CWORD == 1)); then\n";
    let _ = writeln!(s, "        {}", reply(&first.join(" "), "\"$cur\""));
    s += "        return\n    fi\n";
    s += "    case ${COMP_WORDS[1]##*/} in\n";
    s += "        --install)\n";
    s += "            if ((COMP_CWORD == 2)) && [[ $cur == -* ]]; then\n";
    let _ = writeln!(
        s,
        "                {}",
        reply(&crate::INSTALL_OPTIONS.join(" "), "\"$cur\"")
    );
    s += "            else\n";
    s += "                compopt -o filenames 2>/dev/null\n";
    s += "                mapfile -t COMPREPLY < <(compgen -d -- \"$cur\")\n";
    s += "            fi\n";
    s += "            ;;\n";
    let _ = writeln!(s, "        {})", names.join("|"));
    s += "            # Complete the rest of the line as the tool's own.\n";
    s += "            local tool=${COMP_WORDS[1]##*/}\n";
    s += "            local -a COMP_WORDS=(\"${COMP_WORDS[@]:1}\")\n";
    s += "            local COMP_CWORD=$((COMP_CWORD - 1))\n";
    s += "            \"_nsbox_${tool}\"\n";
    s += "            ;;\n";
    s += "    esac\n}\n";
    s += "complete -F _nsbox nsbox\n";
    s
}

/// `mapfile -t COMPREPLY < <(compgen -W 'WORDS' -- CUR)`.
fn reply(words: &str, cur: &str) -> String {
    format!("mapfile -t COMPREPLY < <(compgen -W '{words}' -- {cur})")
}

/// The `case` patterns under which `o`'s value is being completed.
fn value_patterns(o: &Opt) -> Vec<String> {
    let mut p = Vec::new();
    match o.arg {
        HasArg::No => {}
        HasArg::Required => {
            if !o.long.is_empty() {
                p.push(format!("--{}", o.long));
                p.push(format!("--{}=", o.long));
            }
            if let Some(c) = o.short {
                p.push(format!("-{c}"));
            }
        }
        // Only attached: `--opt=VAL` (`-xVAL` is one word, not completed).
        HasArg::Optional => {
            if !o.long.is_empty() {
                p.push(format!("--{}=", o.long));
            }
        }
    }
    p
}

/// Lines that fill COMPREPLY for `value` (the word is in `$cur`).
fn action(value: &Value, indent: &str) -> Vec<String> {
    let list = |words: &str| {
        vec![
            "compopt -o nospace 2>/dev/null".to_string(),
            format!(
                "mapfile -t COMPREPLY < <(compgen -P \"${{cur%\"${{cur##*,}}\"}}\" -W {words} -- \"${{cur##*,}}\")"
            ),
        ]
    };
    let lines = match value {
        Value::Free => vec![],
        Value::Words(w) => vec![reply(&w.join(" "), "\"$cur\"")],
        Value::List(w) => list(&format!("'{}'", w.join(" "))),
        Value::FsTypes => list("\"$(awk '{print $NF}' /proc/filesystems 2>/dev/null)\""),
        Value::Files => vec![
            "compopt -o filenames 2>/dev/null".into(),
            "mapfile -t COMPREPLY < <(compgen -f -- \"$cur\")".into(),
        ],
        Value::Dirs => vec![
            "compopt -o filenames 2>/dev/null".into(),
            "mapfile -t COMPREPLY < <(compgen -d -- \"$cur\")".into(),
        ],
        Value::Pids => vec![
            "mapfile -t COMPREPLY < <(compgen -W \"$(cd /proc 2>/dev/null && echo [0-9]*)\" -- \"$cur\")".into(),
        ],
        Value::Users => vec!["mapfile -t COMPREPLY < <(compgen -u -- \"$cur\")".into()],
        Value::Groups => vec!["mapfile -t COMPREPLY < <(compgen -g -- \"$cur\")".into()],
        Value::Uuids => vec![
            "mapfile -t COMPREPLY < <(compgen -W \"$(ls /dev/disk/by-uuid 2>/dev/null)\" -- \"$cur\")".into(),
        ],
        Value::Labels => vec![
            "mapfile -t COMPREPLY < <(compgen -W \"$(ls /dev/disk/by-label 2>/dev/null)\" -- \"$cur\")".into(),
        ],
        Value::MountPoints => vec![
            "mapfile -t COMPREPLY < <(compgen -W \"$(awk '{print $2}' /proc/self/mounts 2>/dev/null)\" -- \"$cur\")".into(),
        ],
        Value::Command => vec!["mapfile -t COMPREPLY < <(compgen -c -- \"$cur\")".into()],
    };
    lines.into_iter().map(|l| format!("{indent}{l}")).collect()
}

/// `_nsbox_TOOL()`.
fn function(t: &Tool) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "_nsbox_{}()\n{{", ident(t.name));
    s += "    local cur=${COMP_WORDS[COMP_CWORD]} prev= i\n";
    s += "    COMPREPLY=()\n";
    if t.operands == Value::Command {
        let separate: Vec<String> = t
            .opts
            .iter()
            .filter(|o| o.arg == HasArg::Required)
            .flat_map(|o| {
                let mut p = Vec::new();
                if !o.long.is_empty() {
                    p.push(format!("--{}", o.long));
                }
                p.extend(o.short.map(|c| format!("-{c}")));
                p
            })
            .collect();
        s += "    # Options end at the command; the words after it are its own.\n";
        s += "    for ((i = 1; i < COMP_CWORD; i++)); do\n";
        s += "        case ${COMP_WORDS[i]} in\n";
        s += "            --) ((i++)); break ;;\n";
        let _ = writeln!(
            s,
            "            {}) [[ ${{COMP_WORDS[i+1]}} == = ]] && ((i++)); ((i++)) ;;",
            separate.join("|")
        );
        s += "            =) ((i++)) ;;\n";
        s += "            -*) ;;\n";
        s += "            *) break ;;\n";
        s += "        esac\n";
        s += "    done\n";
        s += "    if ((i < COMP_CWORD)); then\n";
        s += "        if declare -F _command_offset >/dev/null; then\n";
        s += "            _command_offset \"$i\"\n";
        s += "        else\n";
        s += "            compopt -o filenames 2>/dev/null\n";
        s += "            mapfile -t COMPREPLY < <(compgen -f -- \"$cur\")\n";
        s += "        fi\n";
        s += "        return\n";
        s += "    fi\n";
    }
    s += "    if [[ $cur == = ]]; then\n";
    s += "        prev=${COMP_WORDS[COMP_CWORD-1]}= cur=\n";
    s += "    elif ((COMP_CWORD > 1)) && [[ ${COMP_WORDS[COMP_CWORD-1]} == = ]]; then\n";
    s += "        prev=${COMP_WORDS[COMP_CWORD-2]}=\n";
    s += "    else\n";
    s += "        prev=${COMP_WORDS[COMP_CWORD-1]}\n";
    s += "    fi\n";
    let with_values: Vec<&Opt> = t.opts.iter().filter(|o| o.arg != HasArg::No).collect();
    if !with_values.is_empty() {
        s += "    case $prev in\n";
        let free: Vec<String> = with_values
            .iter()
            .filter(|o| o.value == Value::Free)
            .flat_map(|o| value_patterns(o))
            .collect();
        // One branch per distinct action, its patterns in table order.
        let mut branches: Vec<(Vec<String>, Vec<String>)> = Vec::new();
        for o in with_values.iter().filter(|o| o.value != Value::Free) {
            let lines = action(&o.value, "            ");
            match branches.iter_mut().find(|(_, l)| *l == lines) {
                Some((patterns, _)) => patterns.extend(value_patterns(o)),
                None => branches.push((value_patterns(o), lines)),
            }
        }
        for (patterns, lines) in branches.iter().filter(|(p, _)| !p.is_empty()) {
            let _ = writeln!(s, "        {})", patterns.join("|"));
            for line in lines {
                s += line;
                s += "\n";
            }
            s += "            return ;;\n";
        }
        if !free.is_empty() {
            let _ = writeln!(s, "        {}) return ;;", free.join("|"));
        }
        s += "    esac\n";
    }
    let mut options: Vec<String> = t
        .opts
        .iter()
        .filter(|o| !o.long.is_empty())
        .map(|o| format!("--{}", o.long))
        .collect();
    options.extend(
        t.opts
            .iter()
            .filter_map(|o| o.short.map(|c| format!("-{c}"))),
    );
    s += "    if [[ $cur == -* ]]; then\n";
    let _ = writeln!(s, "        {}", reply(&options.join(" "), "\"$cur\""));
    s += "        return\n";
    s += "    fi\n";
    for line in action(&t.operands, "    ") {
        s += &line;
        s += "\n";
    }
    s += "}\n";
    s
}
