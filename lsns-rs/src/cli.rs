//! argv to [`Options`]: lsns's one option table, its checks and messages.
#![forbid(unsafe_code)]

use crate::columns::Col;
use common::cli::{parse_partial, HasArg, OptSpec, Order, UsageError};
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

/// The tree relation (`-T/--tree`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tree {
    /// No tree (`-l`, or columns given without the COMMAND tree column).
    None,
    /// Rows nested by process parentage (the default).
    Process,
    /// Namespaces nested under the user namespace owning them.
    Owner,
    /// PID and user namespaces nested under their parent.
    Parent,
}

/// Everything lsns was asked to do.
#[derive(Clone, Debug)]
pub struct Options {
    /// `-J`.
    pub json: bool,
    /// `-r`.
    pub raw: bool,
    /// `-n`.
    pub noheadings: bool,
    /// `-W` (also set by `-r`).
    pub nowrap: bool,
    /// `-u`: COMMAND is not cut at the terminal width.
    pub notruncate: bool,
    /// `-P`.
    pub persistent: bool,
    /// `-p PID`.
    pub task: Option<i32>,
    /// `-t` types, as indexes into [`crate::scan::TYPES`]; all when none given.
    pub types: [bool; 8],
    /// The tree mode.
    pub tree: Tree,
    /// The output columns, in order.
    pub columns: Vec<Col>,
    /// The positional namespace inode.
    pub namespace: Option<u64>,
    /// `-Q` expression.
    pub filter: Option<Vec<u8>>,
}

/// What the command line asks for.
#[derive(Debug)]
pub enum Action {
    /// `-h`.
    Help,
    /// `-V`.
    Version,
    /// `-H` (raw, json).
    ListColumns(bool, bool),
    /// List namespaces.
    Run(Options),
}

/// A command-line failure.
#[derive(Debug)]
pub enum CliError {
    /// getopt's error: the message and the try-help line.
    Usage(UsageError),
    /// A bad value: `lsns: MESSAGE`, exit 1.
    Value(String),
}

/// Identifies an option of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)] // one variant per option, named after it
pub enum Opt {
    Json,
    Task,
    Help,
    Output,
    OutputAll,
    Persistent,
    Filter,
    NoTruncate,
    Version,
    NoHeadings,
    NoWrap,
    List,
    Raw,
    Type,
    Tree,
    ListColumns,
}

/// The option table (util-linux 2.42 lsns).
pub const OPTIONS: &[OptSpec<Opt>] = &[
    OptSpec::new(Some('J'), "json", HasArg::No, Opt::Json),
    OptSpec::new(Some('p'), "task", HasArg::Required, Opt::Task),
    OptSpec::new(Some('h'), "help", HasArg::No, Opt::Help),
    OptSpec::new(Some('o'), "output", HasArg::Required, Opt::Output),
    OptSpec::new(None, "output-all", HasArg::No, Opt::OutputAll),
    OptSpec::new(Some('P'), "persistent", HasArg::No, Opt::Persistent),
    OptSpec::new(Some('Q'), "filter", HasArg::Required, Opt::Filter),
    OptSpec::new(Some('u'), "notruncate", HasArg::No, Opt::NoTruncate),
    OptSpec::new(Some('V'), "version", HasArg::No, Opt::Version),
    OptSpec::new(Some('n'), "noheadings", HasArg::No, Opt::NoHeadings),
    OptSpec::new(Some('W'), "nowrap", HasArg::No, Opt::NoWrap),
    OptSpec::new(Some('l'), "list", HasArg::No, Opt::List),
    OptSpec::new(Some('r'), "raw", HasArg::No, Opt::Raw),
    OptSpec::new(Some('t'), "type", HasArg::Required, Opt::Type),
    OptSpec::new(Some('T'), "tree", HasArg::Optional, Opt::Tree),
    OptSpec::new(Some('H'), "list-columns", HasArg::No, Opt::ListColumns),
];

/// Options that exclude one another: util-linux's `excl[]` rows, in its
/// order (see [`common::cli::Exclusive`]; `{l,T}` is unsorted there, so
/// `-l -T` is accepted).
const EXCLUSIVE: &[&[Opt]] = &[
    &[Opt::Json, Opt::Raw],
    &[Opt::Persistent, Opt::Task],
    &[Opt::List, Opt::Tree],
];

fn text(v: &OsString) -> String {
    String::from_utf8_lossy(v.as_bytes()).into_owned()
}

/// util-linux 2.42 `strtopid_or_err()`: 1 to `i32::MAX`, out of range with
/// strerror(ERANGE).
fn pid_arg(v: &OsString) -> Result<i32, CliError> {
    let s = text(v);
    let t = s.trim_start();
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    let range = || {
        CliError::Value(common::error::with_errno(
            format!("invalid PID argument: '{s}'"),
            nix::errno::Errno::ERANGE,
        ))
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CliError::Value(format!("invalid PID argument: '{s}'")));
    }
    match t.parse::<i64>() {
        Ok(n) if (1..=i64::from(i32::MAX)).contains(&n) => i32::try_from(n).map_err(|_| range()),
        _ => Err(range()),
    }
}

/// util-linux `strtou64_or_err()`.
fn u64_arg(v: &OsString, what: &str) -> Result<u64, CliError> {
    let s = text(v);
    let t = s.trim_start();
    let digits = t.strip_prefix('+').unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CliError::Value(format!("{what}: '{s}'")));
    }
    digits.parse::<u64>().map_err(|_| {
        CliError::Value(common::error::with_errno(
            format!("{what}: '{s}'"),
            nix::errno::Errno::ERANGE,
        ))
    })
}

/// util-linux `string_to_idarray()`: column names separated by commas, at
/// most `room` of them. An empty item fails silently (exit 1), a name is
/// the text up to a comma, or up to the end of the list *including* a
/// trailing comma; an unknown name is reported with the rest of the list.
fn id_array(list: &[u8], room: usize) -> Result<Vec<Col>, CliError> {
    let silent = || CliError::Value(String::new());
    if list.is_empty() || room == 0 {
        return Err(silent());
    }
    let mut out = Vec::new();
    let mut begin: Option<usize> = None;
    for p in 0..list.len() {
        if out.len() >= room {
            return Err(silent());
        }
        let b = *begin.get_or_insert(p);
        let mut end = (list[p] == b',').then_some(p);
        if p + 1 == list.len() {
            end = Some(p + 1);
        }
        let Some(e) = end else {
            continue;
        };
        if e <= b {
            return Err(silent());
        }
        let Some(col) = Col::by_name(&list[b..e]) else {
            return Err(CliError::Value(format!(
                "unknown column: {}",
                String::from_utf8_lossy(&list[b..])
            )));
        };
        out.push(col);
        begin = None;
        if e == list.len() {
            break;
        }
    }
    Ok(out)
}

/// Parses argv (without argv\[0\]).
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Action, CliError> {
    let (parsed, getopt_error) = parse_partial(args, OPTIONS, Order::Permute);
    let mut o = Options {
        json: false,
        raw: false,
        noheadings: false,
        nowrap: false,
        notruncate: false,
        persistent: false,
        task: None,
        types: [false; 8],
        tree: Tree::None,
        columns: Vec::new(),
        namespace: None,
        filter: None,
    };
    let mut force_list = false;
    let mut outarg: Option<OsString> = None;
    let mut list_columns = false;
    let mut exclusive = common::cli::Exclusive::new(OPTIONS, EXCLUSIVE);
    let mut is_net = false;
    for (id, value) in parsed.opts {
        exclusive.check(id).map_err(CliError::Value)?;
        let given = value.is_some();
        let arg = value.unwrap_or_default();
        match id {
            Opt::Json => o.json = true,
            Opt::List => force_list = true,
            Opt::Output => outarg = Some(arg),
            Opt::OutputAll => o.columns = Col::ALL.to_vec(),
            Opt::Persistent => o.persistent = true,
            Opt::Task => o.task = Some(pid_arg(&arg)?),
            Opt::NoHeadings => o.noheadings = true,
            Opt::Raw => {
                o.raw = true;
                o.nowrap = true;
            }
            Opt::NoTruncate => o.notruncate = true,
            Opt::Type => {
                let name = text(&arg);
                let Some(t) = crate::scan::type_index(&name) else {
                    return Err(CliError::Value(format!("unknown namespace type: {name}")));
                };
                o.types[t] = true;
                is_net |= t == crate::scan::NET;
            }
            Opt::NoWrap => o.nowrap = true,
            Opt::Tree => {
                o.tree = Tree::Owner;
                // `--tree=` (empty) is a bad type, as in util-linux.
                if let Some(v) = given.then(|| text(&arg)) {
                    let v = v.strip_prefix('=').unwrap_or(&v);
                    o.tree = match v {
                        "parent" => Tree::Parent,
                        "process" => Tree::Process,
                        "owner" => Tree::Owner,
                        _ => return Err(CliError::Value(format!("unknown tree type: {v}"))),
                    };
                }
            }
            Opt::Filter => o.filter = Some(arg.as_bytes().to_vec()),
            Opt::ListColumns => list_columns = true,
            Opt::Help => return Ok(Action::Help),
            Opt::Version => return Ok(Action::Version),
        }
    }
    if let Some(e) = getopt_error {
        return Err(CliError::Usage(e));
    }
    if list_columns {
        return Ok(Action::ListColumns(o.raw, o.json));
    }
    if !o.types.iter().any(|&t| t) {
        o.types = [true; 8];
    }
    if let Some(first) = parsed.operands.first() {
        if o.task.is_some() {
            return Err(CliError::Value(String::from(
                "--task is mutually exclusive with <namespace>",
            )));
        }
        // 0 selects nothing in util-linux (`if (ls.fltr_ns)`): every
        // namespace is listed, with the columns a NAMESPACE brings.
        o.namespace = Some(u64_arg(first, "invalid namespace argument")?).filter(|&n| n != 0);
        if o.tree == Tree::None && !force_list {
            o.tree = Tree::Process;
        }
        if o.columns.is_empty() {
            o.columns = vec![Col::Pid, Col::Ppid, Col::User, Col::Command];
        }
    }
    if o.columns.is_empty() {
        o.columns = vec![Col::Ns, Col::Type, Col::Nprocs, Col::Pid, Col::User];
        if is_net {
            o.columns.extend([Col::Netnsid, Col::Nsfs]);
        }
        o.columns.push(Col::Command);
        if o.tree == Tree::None && !force_list {
            o.tree = Tree::Process;
        }
    }
    if let Some(list) = outarg {
        let list = list.as_bytes();
        let items = match list.strip_prefix(b"+") {
            Some(rest) => rest,
            None => {
                o.columns.clear();
                list
            }
        };
        let room = (Col::ALL.len() * 2).saturating_sub(o.columns.len());
        let cols = id_array(items, room)?;
        o.columns.extend(cols);
    }
    Ok(Action::Run(o))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Options, String> {
        match parse(args.iter().map(OsString::from)) {
            Ok(Action::Run(o)) => Ok(o),
            Ok(other) => Err(format!("{other:?}")),
            Err(CliError::Usage(e)) => Err(e.message().to_owned()),
            Err(CliError::Value(m)) => Err(m),
        }
    }

    #[test]
    fn defaults_are_a_process_tree_with_net_columns_for_t_net() {
        let o = run(&[]).expect("parse");
        assert_eq!(o.tree, Tree::Process);
        assert_eq!(o.columns.len(), 6);
        let o = run(&["-t", "net"]).expect("parse");
        assert_eq!(
            o.columns,
            vec![
                Col::Ns,
                Col::Type,
                Col::Nprocs,
                Col::Pid,
                Col::User,
                Col::Netnsid,
                Col::Nsfs,
                Col::Command
            ]
        );
        let o = run(&["--output-all"]).expect("parse");
        assert_eq!(o.tree, Tree::None);
    }

    #[test]
    fn tree_argument_must_be_attached() {
        assert_eq!(run(&["-Towner"]).expect("p").tree, Tree::Owner);
        assert_eq!(run(&["--tree=parent"]).expect("p").tree, Tree::Parent);
        assert_eq!(
            run(&["-T", "owner"]).expect_err("positional"),
            "invalid namespace argument: 'owner'"
        );
        assert_eq!(run(&["-Tx"]).expect_err("bad"), "unknown tree type: x");
        assert_eq!(run(&["--tree="]).expect_err("empty"), "unknown tree type: ");
        // NAMESPACE 0 filters nothing, as in util-linux.
        assert_eq!(run(&["0"]).expect("zero").namespace, None);
    }

    #[test]
    fn exclusive_options_and_bad_values() {
        assert_eq!(
            run(&["-J", "-r"]).expect_err("excl"),
            "options --json and --raw cannot be combined"
        );
        // util-linux's {l,T} row is unsorted: -T is never recorded, so the
        // pair is accepted either way round (the tree wins).
        assert_eq!(run(&["-l", "-T"]).expect("l T").tree, Tree::Owner);
        assert_eq!(run(&["-T", "-l"]).expect("T l").tree, Tree::Owner);
        assert_eq!(
            run(&["-t", "foo"]).expect_err("type"),
            "unknown namespace type: foo"
        );
        assert_eq!(run(&["-o", "FOO"]).expect_err("col"), "unknown column: FOO");
        assert_eq!(
            run(&["-o", "NS,FOO,PID"]).expect_err("col"),
            "unknown column: FOO,PID"
        );
        assert_eq!(run(&["-o", "NS,,PID"]).expect_err("empty"), "");
        assert_eq!(
            run(&["-o", "NS,"]).expect_err("trailing"),
            "unknown column: NS,"
        );
        assert_eq!(run(&["-o", "+"]).expect_err("empty"), "");
        assert_eq!(
            run(&["-p", "abc"]).expect_err("pid"),
            "invalid PID argument: 'abc'"
        );
        assert_eq!(
            run(&["-p", "1", "123"]).expect_err("task"),
            "--task is mutually exclusive with <namespace>"
        );
    }
}
