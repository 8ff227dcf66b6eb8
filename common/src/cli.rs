//! getopt_long-compatible command-line parsing on top of `lexopt`.
//!
//! util-linux parses argv with glibc's `getopt_long(3)`; scripts depend on its
//! details, so this module reproduces them:
//!
//! * long options may be abbreviated to any unambiguous prefix (`--prop` is
//!   `--propagation`); an exact match always wins over a prefix match;
//! * a required argument may be attached (`-oVAL`, `--opt=VAL`) or be the next
//!   word (`-o VAL`, `--opt VAL`); an optional argument must be attached
//!   (`-oVAL`, `--opt=VAL`); `-o=VAL` gives the value `=VAL`, as getopt does;
//! * [`Order::Permute`] collects operands wherever they are (GNU default);
//!   [`Order::StopAtOperand`] stops at the first operand, like a leading `+` in
//!   the getopt option string (so `unshare -f ls -l` leaves `-l` to `ls`);
//! * `--` ends the options; a lone `-` is an operand;
//! * the error messages are glibc's, word for word, and [`UsageError`] prints
//!   them with util-linux's `Try 'PROG --help' for more information.` line.
//!
//! Parsing stops right after `--help` or `--version` (long names `help` and
//! `version` in the table), so `-h --bogus` prints the help as util-linux does.

use std::ffi::OsString;
use std::fmt;

/// Whether an option takes an argument (getopt's `no_argument`,
/// `required_argument`, `optional_argument`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HasArg {
    /// A flag: `-f`, `--fork`.
    No,
    /// `-o VAL`, `-oVAL`, `--opt VAL`, `--opt=VAL`.
    Required,
    /// Only attached: `-oVAL`, `--opt=VAL`.
    Optional,
}

/// One entry of a tool's option table: `id` is what the tool matches on.
#[derive(Clone, Copy, Debug)]
pub struct OptSpec<T> {
    /// Short letter, if any.
    pub short: Option<char>,
    /// Long name without the leading `--`; empty when there is none.
    pub long: &'static str,
    /// Whether and how it takes an argument.
    pub arg: HasArg,
    /// The tool's identifier for this option.
    pub id: T,
}

impl<T> OptSpec<T> {
    /// A table entry; `short` is `None` for long-only options.
    pub const fn new(short: Option<char>, long: &'static str, arg: HasArg, id: T) -> Self {
        OptSpec {
            short,
            long,
            arg,
            id,
        }
    }
}

/// Where operands may appear.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// Options and operands may be mixed (GNU getopt's default).
    Permute,
    /// The first operand ends the options (getopt's `+` mode).
    StopAtOperand,
}

/// The result of parsing: options in command-line order, then the operands.
#[derive(Debug)]
pub struct Parsed<T> {
    /// Every option found, with its argument (if it took one).
    pub opts: Vec<(T, Option<OsString>)>,
    /// The operands (non-option words), in order.
    pub operands: Vec<OsString>,
}

/// A command-line error: the text getopt (or the tool) prints after `PROG: `.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError {
    message: String,
    from_getopt: bool,
}

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl UsageError {
    /// A tool's own usage error (`bad usage`, `unsupported option ...`).
    pub fn new(message: impl Into<String>) -> UsageError {
        UsageError {
            message: message.into(),
            from_getopt: false,
        }
    }

    /// One of getopt's own messages, which glibc prefixes with argv\[0\] as
    /// given (`program_invocation_name`), not its basename.
    fn getopt(message: String) -> UsageError {
        UsageError {
            message,
            from_getopt: true,
        }
    }

    /// The message, without the program name.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Prints `PROG: MESSAGE` and the try-help line on stderr and returns the
    /// exit status util-linux uses for usage errors (1). A getopt message
    /// names the program as it was invoked ([`set_invocation_name`]).
    pub fn report(&self, prog: &str) -> i32 {
        let invoked = INVOCATION_NAME.lock().ok().and_then(|n| n.clone());
        let name = match &invoked {
            Some(name) if self.from_getopt => name.as_str(),
            _ => prog,
        };
        eprintln!("{name}: {}", self.message);
        try_help(prog)
    }
}

/// argv\[0\] as the tool was invoked, for getopt's messages.
static INVOCATION_NAME: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Records the tool's argv\[0\] as given (`/usr/bin/findmnt`, `findmnt`),
/// which getopt's messages start with. Set by the entry points before the
/// tool runs: [`crate::c_main!`], then the multicall dispatcher with the
/// tool's own argv\[0\] (`nsbox findmnt` runs findmnt as `findmnt`).
pub fn set_invocation_name(argv0: &std::ffi::OsStr) {
    if let Ok(mut name) = INVOCATION_NAME.lock() {
        *name = Some(argv0.to_string_lossy().into_owned());
    }
}

/// Prints `Try 'PROG --help' for more information.` on stderr; returns 1.
pub fn try_help(prog: &str) -> i32 {
    eprintln!("Try '{prog} --help' for more information.");
    1
}

fn find_long<'t, T>(table: &'t [OptSpec<T>], name: &str) -> Result<&'t OptSpec<T>, UsageError> {
    if let Some(exact) = table.iter().find(|o| !o.long.is_empty() && o.long == name) {
        return Ok(exact);
    }
    let matches: Vec<&OptSpec<T>> = table
        .iter()
        .filter(|o| !o.long.is_empty() && o.long.starts_with(name))
        .collect();
    match matches.as_slice() {
        [] => Err(UsageError::getopt(format!(
            "unrecognized option '--{name}'"
        ))),
        [one] => Ok(one),
        many => {
            let list: String = many.iter().map(|o| format!(" '--{}'", o.long)).collect();
            Err(UsageError::getopt(format!(
                "option '--{name}' is ambiguous; possibilities:{list}"
            )))
        }
    }
}

/// Mutually exclusive options, checked as util-linux's
/// `err_exclusive_options()` (include/optutils.h) checks them.
///
/// `groups` are util-linux's `excl[]` rows, in its order, as option ids.
/// An option's code is its short letter, or for a long-only option 256
/// plus its index in the table (util-linux numbers those from
/// `CHAR_MAX + 1` in declaration order). For each option the groups are
/// scanned until one whose first code is above the option's, and each
/// group until a code above it, exactly like util-linux: its rows are not
/// all sorted, so some pairs they list are never refused (`umount -a -t
/// tmpfs -O ro`, `lsns -l -T`), and scripts rely on that.
pub struct Exclusive<'a, T> {
    table: &'a [OptSpec<T>],
    groups: &'a [&'a [T]],
    seen: Vec<Option<T>>,
}

impl<'a, T: Copy + PartialEq> Exclusive<'a, T> {
    /// No option seen yet.
    pub fn new(table: &'a [OptSpec<T>], groups: &'a [&'a [T]]) -> Self {
        Exclusive {
            table,
            groups,
            seen: vec![None; groups.len()],
        }
    }

    fn code(&self, id: T) -> u32 {
        match self.table.iter().position(|o| o.id == id) {
            Some(i) => self.table[i].short.map_or(256 + i as u32, u32::from),
            None => u32::MAX,
        }
    }

    /// How a conflict message names the option: `--long`, else `-x`.
    fn name(&self, id: T) -> String {
        match self.table.iter().find(|o| o.id == id) {
            Some(o) if !o.long.is_empty() => format!("--{}", o.long),
            Some(o) => format!("-{}", o.short.unwrap_or('?')),
            None => String::from("-?"),
        }
    }

    /// Records option `id`. `Err` is util-linux's message (`options --a
    /// and --b cannot be combined`) when an option of one of its groups
    /// was seen before.
    pub fn check(&mut self, id: T) -> Result<(), String> {
        let code = self.code(id);
        for (g, group) in self.groups.iter().enumerate() {
            let Some(&first) = group.first() else {
                break;
            };
            if self.code(first) > code {
                break;
            }
            for &member in group.iter() {
                if self.code(member) > code {
                    break;
                }
                if member != id {
                    continue;
                }
                match self.seen[g] {
                    None => self.seen[g] = Some(id),
                    Some(prev) if prev != id => {
                        return Err(format!(
                            "options {} and {} cannot be combined",
                            self.name(prev),
                            self.name(id)
                        ))
                    }
                    Some(_) => {}
                }
                break;
            }
        }
        Ok(())
    }
}

/// Parses `args` (argv without argv\[0\]) against `table`.
///
/// Errors are glibc getopt's messages: `unrecognized option '--x'`,
/// `invalid option -- 'x'`, `option '--x' requires an argument`,
/// `option requires an argument -- 'x'`, `option '--x' doesn't allow an
/// argument`, `option '--x' is ambiguous; possibilities: ...`.
pub fn parse<T: Copy>(
    args: impl IntoIterator<Item = OsString>,
    table: &[OptSpec<T>],
    order: Order,
) -> Result<Parsed<T>, UsageError> {
    match parse_partial(args, table, order) {
        (parsed, None) => Ok(parsed),
        (_, Some(error)) => Err(error),
    }
}

/// As [`parse`], but on a getopt error also returns the options that came
/// before it, so a tool can act on them in order first, as util-linux does
/// when it rejects a bad value inside its getopt loop
/// (`unshare --propagation bogus --bogus` reports the bad mode, not the
/// unknown option). The operands are empty when there is an error.
pub fn parse_partial<T: Copy>(
    args: impl IntoIterator<Item = OsString>,
    table: &[OptSpec<T>],
    order: Order,
) -> (Parsed<T>, Option<UsageError>) {
    let mut out = Parsed {
        opts: Vec::new(),
        operands: Vec::new(),
    };
    match parse_into(args, table, order, &mut out) {
        Ok(()) => (out, None),
        Err(error) => {
            out.operands.clear();
            (out, Some(error))
        }
    }
}

fn parse_into<T: Copy>(
    args: impl IntoIterator<Item = OsString>,
    table: &[OptSpec<T>],
    order: Order,
    out: &mut Parsed<T>,
) -> Result<(), UsageError> {
    let mut parser = lexopt::Parser::from_args(args);
    parser.set_short_equals(false);
    loop {
        let arg = match parser.next() {
            Ok(Some(arg)) => arg,
            Ok(None) => break,
            Err(e) => return Err(UsageError::getopt(e.to_string())),
        };
        let spec = match arg {
            lexopt::Arg::Value(v) => {
                out.operands.push(v);
                if order == Order::StopAtOperand {
                    if let Ok(rest) = parser.raw_args() {
                        out.operands.extend(rest);
                    }
                    break;
                }
                continue;
            }
            lexopt::Arg::Short(c) => {
                let spec = table.iter().find(|o| o.short == Some(c));
                let Some(spec) = spec else {
                    return Err(UsageError::getopt(format!("invalid option -- '{c}'")));
                };
                let value = match spec.arg {
                    HasArg::No => None,
                    HasArg::Optional => parser.optional_value(),
                    HasArg::Required => Some(parser.value().map_err(|_| {
                        UsageError::getopt(format!("option requires an argument -- '{c}'"))
                    })?),
                };
                out.opts.push((spec.id, value));
                spec
            }
            lexopt::Arg::Long(name) => {
                let name = name.to_owned();
                let spec = match find_long(table, &name) {
                    Ok(spec) => spec,
                    // glibc quotes the word as given, `=value` included.
                    Err(e) => {
                        return Err(match parser.optional_value() {
                            Some(v) => {
                                let typed = format!("--{name}");
                                let full = format!("{typed}={}", v.to_string_lossy());
                                UsageError::getopt(e.message.replacen(&typed, &full, 1))
                            }
                            None => e,
                        })
                    }
                };
                let value = match spec.arg {
                    HasArg::No => None,
                    HasArg::Optional => parser.optional_value(),
                    HasArg::Required => Some(parser.value().map_err(|_| {
                        UsageError::getopt(format!("option '--{}' requires an argument", spec.long))
                    })?),
                };
                if spec.arg == HasArg::No && parser.optional_value().is_some() {
                    return Err(UsageError::getopt(format!(
                        "option '--{}' doesn't allow an argument",
                        spec.long
                    )));
                }
                out.opts.push((spec.id, value));
                spec
            }
        };
        if spec.long == "help" || spec.long == "version" {
            break;
        }
    }
    Ok(())
}

/// Converts an option argument to UTF-8 text, or fails with
/// `invalid argument for OPTION: 'VALUE'` style text supplied by `what`.
pub fn utf8(value: &OsString, what: &str) -> Result<String, UsageError> {
    value
        .to_str()
        .map(str::to_owned)
        .ok_or_else(|| UsageError::new(format!("{what}: '{}'", value.to_string_lossy())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy, Debug, PartialEq)]
    enum K {
        Fork,
        Fwd,
        Prop,
        Mount,
        Out,
        Help,
    }
    const T: &[OptSpec<K>] = &[
        OptSpec::new(Some('f'), "fork", HasArg::No, K::Fork),
        OptSpec::new(None, "forward-signals", HasArg::No, K::Fwd),
        OptSpec::new(None, "propagation", HasArg::Required, K::Prop),
        OptSpec::new(Some('m'), "mount", HasArg::Optional, K::Mount),
        OptSpec::new(Some('o'), "output", HasArg::Required, K::Out),
        OptSpec::new(Some('h'), "help", HasArg::No, K::Help),
    ];

    fn p(args: &[&str], order: Order) -> Result<Parsed<K>, UsageError> {
        parse(args.iter().map(OsString::from), T, order)
    }

    #[test]
    fn prefixes_and_ambiguity() {
        let r = p(&["--prop", "x"], Order::Permute).expect("parse");
        assert_eq!(r.opts, vec![(K::Prop, Some("x".into()))]);
        let e = p(&["--fo"], Order::Permute).expect_err("ambiguous");
        assert_eq!(
            e.message(),
            "option '--fo' is ambiguous; possibilities: '--fork' '--forward-signals'"
        );
        let r = p(&["--fork"], Order::Permute).expect("exact");
        assert_eq!(r.opts, vec![(K::Fork, None)]);
    }

    #[test]
    fn optional_arguments_must_be_attached() {
        let r = p(&["-m", "x"], Order::Permute).expect("parse");
        assert_eq!(r.opts, vec![(K::Mount, None)]);
        assert_eq!(r.operands, vec![OsString::from("x")]);
        let r = p(&["--mount=/a", "-m/b", "-m=/c"], Order::Permute).expect("parse");
        assert_eq!(
            r.opts,
            vec![
                (K::Mount, Some("/a".into())),
                (K::Mount, Some("/b".into())),
                (K::Mount, Some("=/c".into()))
            ]
        );
    }

    #[test]
    fn stop_at_operand_keeps_program_options() {
        let r = p(&["-f", "ls", "-l", "--fork"], Order::StopAtOperand).expect("parse");
        assert_eq!(r.opts, vec![(K::Fork, None)]);
        assert_eq!(r.operands, vec!["ls", "-l", "--fork"]);
        let r = p(&["ls", "-f"], Order::Permute).expect("parse");
        assert_eq!(r.opts, vec![(K::Fork, None)]);
        let r = p(&["--", "-f"], Order::StopAtOperand).expect("parse");
        assert!(r.opts.is_empty());
        assert_eq!(r.operands, vec!["-f"]);
    }

    #[test]
    fn getopt_messages() {
        assert_eq!(
            p(&["-x"], Order::Permute)
                .expect_err("x")
                .message()
                .to_owned(),
            "invalid option -- 'x'"
        );
        assert_eq!(
            p(&["--bogus"], Order::Permute)
                .expect_err("b")
                .message()
                .to_owned(),
            "unrecognized option '--bogus'"
        );
        assert_eq!(
            p(&["-o"], Order::Permute)
                .expect_err("o")
                .message()
                .to_owned(),
            "option requires an argument -- 'o'"
        );
        assert_eq!(
            p(&["--prop"], Order::Permute)
                .expect_err("p")
                .message()
                .to_owned(),
            "option '--propagation' requires an argument"
        );
        assert_eq!(
            p(&["--fork=1"], Order::Permute)
                .expect_err("f")
                .message()
                .to_owned(),
            "option '--fork' doesn't allow an argument"
        );
        assert_eq!(
            p(&["--bogus=1"], Order::Permute)
                .expect_err("b")
                .message()
                .to_owned(),
            "unrecognized option '--bogus=1'"
        );
        assert_eq!(
            p(&["--fo=x"], Order::Permute)
                .expect_err("fo")
                .message()
                .to_owned(),
            "option '--fo=x' is ambiguous; possibilities: '--fork' '--forward-signals'"
        );
    }

    #[test]
    fn help_stops_parsing() {
        let r = p(&["-h", "--bogus"], Order::Permute).expect("help first");
        assert_eq!(r.opts, vec![(K::Help, None)]);
        assert!(p(&["--bogus", "-h"], Order::Permute).is_err());
    }

    #[test]
    fn partial_keeps_options_before_the_error() {
        let args = ["-f", "--prop", "x", "--bogus", "-m"].map(OsString::from);
        let (r, e) = parse_partial(args, T, Order::StopAtOperand);
        assert_eq!(r.opts, vec![(K::Fork, None), (K::Prop, Some("x".into()))]);
        assert_eq!(
            e.as_ref().map(UsageError::message),
            Some("unrecognized option '--bogus'")
        );
        let (r, e) = parse_partial(["-f", "ls"].map(OsString::from), T, Order::StopAtOperand);
        assert!(e.is_none());
        assert_eq!(r.operands, vec!["ls"]);
    }

    #[test]
    fn clustered_shorts_and_attached_values() {
        let r = p(&["-fohello", "-o", "-x"], Order::Permute).expect("parse");
        assert_eq!(
            r.opts,
            vec![
                (K::Fork, None),
                (K::Out, Some("hello".into())),
                (K::Out, Some("-x".into()))
            ]
        );
    }

    #[test]
    fn exclusive_groups_are_scanned_as_util_linux_scans_them() {
        #[derive(Clone, Copy, Debug, PartialEq)]
        enum U {
            All,
            Rec,
            Test,
            Types,
            Ro,
        }
        // umount's table and excl[] rows: {R,a} {O,R,t} {R,r}.
        const TABLE: &[OptSpec<U>] = &[
            OptSpec::new(Some('a'), "all", HasArg::No, U::All),
            OptSpec::new(Some('R'), "recursive", HasArg::No, U::Rec),
            OptSpec::new(Some('O'), "test-opts", HasArg::Required, U::Test),
            OptSpec::new(Some('t'), "types", HasArg::Required, U::Types),
            OptSpec::new(Some('r'), "read-only", HasArg::No, U::Ro),
        ];
        const GROUPS: &[&[U]] = &[
            &[U::Rec, U::All],
            &[U::Test, U::Rec, U::Types],
            &[U::Rec, U::Ro],
        ];
        let run = |ids: &[U]| {
            let mut x = Exclusive::new(TABLE, GROUPS);
            ids.iter().try_for_each(|&id| x.check(id))
        };
        // -O is above no group's first letter 'R': never recorded.
        assert_eq!(run(&[U::All, U::Types, U::Test]), Ok(()));
        assert_eq!(run(&[U::Test, U::Rec]), Ok(()));
        assert_eq!(
            run(&[U::Rec, U::Types]),
            Err("options --recursive and --types cannot be combined".into())
        );
        assert_eq!(
            run(&[U::All, U::Rec]),
            Err("options --all and --recursive cannot be combined".into())
        );
        assert_eq!(run(&[U::Rec, U::Rec]), Ok(()));
    }
}
