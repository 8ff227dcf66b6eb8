//! findmnt's command line: the option table, and argv turned into
//! [`Options`] with every conflict and bad value rejected the way util-linux
//! 2.42 rejects it.

use super::columns::{Col, ALL_COLUMNS};
use super::Error;
use common::cli::{self, HasArg, OptSpec, Order};
use common::filter::Filter;
use std::ffi::OsString;
use std::io::IsTerminal;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::PathBuf;

/// Option identifiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opt {
    All,
    Ascii,
    Bytes,
    Canonicalize,
    Direction,
    Df,
    Dfi,
    Evaluate,
    FirstOnly,
    Fstab,
    Help,
    Invert,
    Json,
    /// `--kernel[=METHOD]` (long only).
    Kernel,
    /// `-k` (short only; it has its own place in the exclusion groups).
    KernelShort,
    List,
    Mountpoint,
    Mtab,
    Noheadings,
    Notruncate,
    Options,
    Output,
    OutputAll,
    Poll,
    Pairs,
    Filter,
    Raw,
    Types,
    Nocanonicalize,
    Nofsroot,
    Submounts,
    Source,
    TabFile,
    Task,
    Target,
    Timeout,
    Uniq,
    Verify,
    Version,
    Shell,
    Verbose,
    Tree,
    Real,
    Pseudo,
    VfsAll,
    Shadowed,
    Hyperlink,
    Id,
    UniqId,
    ListColumns,
    /// `--receivers PATH` (nsbox extension).
    Receivers,
}

/// The option table (util-linux 2.42 findmnt, same names and arguments).
pub const OPTIONS: &[OptSpec<Opt>] = &[
    OptSpec::new(Some('A'), "all", HasArg::No, Opt::All),
    OptSpec::new(Some('a'), "ascii", HasArg::No, Opt::Ascii),
    OptSpec::new(Some('b'), "bytes", HasArg::No, Opt::Bytes),
    OptSpec::new(Some('c'), "canonicalize", HasArg::No, Opt::Canonicalize),
    OptSpec::new(Some('d'), "direction", HasArg::Required, Opt::Direction),
    OptSpec::new(Some('D'), "df", HasArg::No, Opt::Df),
    OptSpec::new(Some('I'), "dfi", HasArg::No, Opt::Dfi),
    OptSpec::new(Some('e'), "evaluate", HasArg::No, Opt::Evaluate),
    OptSpec::new(Some('f'), "first-only", HasArg::No, Opt::FirstOnly),
    OptSpec::new(Some('s'), "fstab", HasArg::No, Opt::Fstab),
    OptSpec::new(Some('h'), "help", HasArg::No, Opt::Help),
    OptSpec::new(Some('i'), "invert", HasArg::No, Opt::Invert),
    OptSpec::new(Some('J'), "json", HasArg::No, Opt::Json),
    OptSpec::new(None, "kernel", HasArg::Optional, Opt::Kernel),
    OptSpec::new(Some('k'), "", HasArg::No, Opt::KernelShort),
    OptSpec::new(Some('l'), "list", HasArg::No, Opt::List),
    OptSpec::new(Some('M'), "mountpoint", HasArg::Required, Opt::Mountpoint),
    OptSpec::new(Some('m'), "mtab", HasArg::No, Opt::Mtab),
    OptSpec::new(Some('n'), "noheadings", HasArg::No, Opt::Noheadings),
    OptSpec::new(Some('u'), "notruncate", HasArg::No, Opt::Notruncate),
    OptSpec::new(Some('O'), "options", HasArg::Required, Opt::Options),
    OptSpec::new(Some('o'), "output", HasArg::Required, Opt::Output),
    OptSpec::new(None, "output-all", HasArg::No, Opt::OutputAll),
    OptSpec::new(Some('p'), "poll", HasArg::Optional, Opt::Poll),
    OptSpec::new(Some('P'), "pairs", HasArg::No, Opt::Pairs),
    OptSpec::new(Some('Q'), "filter", HasArg::Required, Opt::Filter),
    OptSpec::new(Some('r'), "raw", HasArg::No, Opt::Raw),
    OptSpec::new(Some('t'), "types", HasArg::Required, Opt::Types),
    OptSpec::new(Some('C'), "nocanonicalize", HasArg::No, Opt::Nocanonicalize),
    OptSpec::new(Some('v'), "nofsroot", HasArg::No, Opt::Nofsroot),
    OptSpec::new(Some('R'), "submounts", HasArg::No, Opt::Submounts),
    OptSpec::new(Some('S'), "source", HasArg::Required, Opt::Source),
    OptSpec::new(Some('F'), "tab-file", HasArg::Required, Opt::TabFile),
    OptSpec::new(Some('N'), "task", HasArg::Required, Opt::Task),
    OptSpec::new(Some('T'), "target", HasArg::Required, Opt::Target),
    OptSpec::new(Some('w'), "timeout", HasArg::Required, Opt::Timeout),
    OptSpec::new(Some('U'), "uniq", HasArg::No, Opt::Uniq),
    OptSpec::new(Some('x'), "verify", HasArg::No, Opt::Verify),
    OptSpec::new(Some('V'), "version", HasArg::No, Opt::Version),
    OptSpec::new(Some('y'), "shell", HasArg::No, Opt::Shell),
    OptSpec::new(None, "verbose", HasArg::No, Opt::Verbose),
    OptSpec::new(None, "tree", HasArg::No, Opt::Tree),
    OptSpec::new(None, "real", HasArg::No, Opt::Real),
    OptSpec::new(None, "pseudo", HasArg::No, Opt::Pseudo),
    OptSpec::new(None, "vfs-all", HasArg::No, Opt::VfsAll),
    OptSpec::new(None, "shadowed", HasArg::No, Opt::Shadowed),
    OptSpec::new(None, "hyperlink", HasArg::Optional, Opt::Hyperlink),
    OptSpec::new(None, "id", HasArg::Required, Opt::Id),
    OptSpec::new(None, "uniq-id", HasArg::Required, Opt::UniqId),
    OptSpec::new(Some('H'), "list-columns", HasArg::No, Opt::ListColumns),
    OptSpec::new(None, "receivers", HasArg::Required, Opt::Receivers),
];

/// Options that exclude one another: util-linux's `excl[]` rows, in its
/// order (see [`common::cli::Exclusive`]: `{m,p,s}` comes after `{p,x}`,
/// so `-m -p` is accepted). `--real` is before `--pseudo` in our table,
/// the other way round in util-linux's numbering: the row lists them in
/// our order.
const EXCLUSIVE: &[&[Opt]] = &[
    &[Opt::Nocanonicalize, Opt::Canonicalize],
    &[Opt::Nocanonicalize, Opt::Evaluate],
    &[Opt::Json, Opt::Pairs, Opt::Raw, Opt::Verify],
    &[Opt::Mountpoint, Opt::Target],
    &[Opt::Task, Opt::KernelShort, Opt::Mtab, Opt::Fstab],
    &[Opt::Pairs, Opt::List, Opt::Raw, Opt::Verify],
    &[Opt::Filter, Opt::Poll],
    &[Opt::Poll, Opt::Verify],
    &[Opt::Mtab, Opt::Poll, Opt::Fstab],
    &[Opt::Real, Opt::Pseudo],
];

/// A change `--poll` reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PollAction {
    /// A new mount.
    Mount,
    /// A mount gone.
    Umount,
    /// Options changed.
    Remount,
    /// Mount point changed.
    Move,
}

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// Aligned columns (tree or list).
    Human,
    /// `-r`.
    Raw,
    /// `-P`.
    Pairs,
    /// `-J`.
    Json,
}

impl Output {
    /// The table writer's format for this output mode.
    pub fn format(self) -> common::table::Format {
        use common::table::Format;
        match self {
            Output::Human => Format::Human,
            Output::Raw => Format::Raw,
            Output::Pairs => Format::Pairs,
            Output::Json => Format::Json,
        }
    }
}

/// Which table is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The kernel's mountinfo (the default, `-k`, `--kernel[=mountinfo]`,
    /// `-N`).
    Mountinfo,
    /// `--kernel=listmount` (not implemented).
    Listmount,
    /// `-s/--fstab` (not implemented).
    Fstab,
    /// `-m/--mtab` (not implemented).
    Mtab,
}

/// What the filters compare, libmount-style (`set_match()` in findmnt).
#[derive(Clone, Debug, Default)]
pub struct Matches {
    /// Mount source (`-S`, first positional argument).
    pub source: Option<Vec<u8>>,
    /// Mount point (`-T`, `-M`, second positional argument).
    pub target: Option<Vec<u8>>,
    /// `-t` type list.
    pub fstype: Option<Vec<u8>>,
    /// `-O` option list.
    pub options: Option<Vec<u8>>,
    /// `MAJ:MIN` given as source.
    pub devno: Option<(u32, u32)>,
    /// `--id`.
    pub id: Option<i32>,
    /// `--uniq-id`.
    pub uniq_id: Option<u64>,
}

/// Everything `findmnt` was asked to do.
#[derive(Clone, Debug)]
pub struct Options {
    /// Output columns, in order.
    pub columns: Vec<Col>,
    /// Output format.
    pub output: Output,
    /// Tree output wanted (cleared by `-l -r -P -D -I -m -s` and later by
    /// the table's shape).
    pub tree: bool,
    /// `--tree`: tree even where findmnt would list.
    pub force_tree: bool,
    /// `-a`.
    pub ascii: bool,
    /// `-n`.
    pub noheadings: bool,
    /// `-y`.
    pub shellvar: bool,
    /// `-u`: no column is cut at the terminal width.
    pub notruncate: bool,
    /// `-b`.
    pub bytes: bool,
    /// `-A`.
    pub all: bool,
    /// `-f`.
    pub first_only: bool,
    /// `-i`.
    pub invert: bool,
    /// `-v`.
    pub nofsroot: bool,
    /// `-R`.
    pub submounts: bool,
    /// `-U`.
    pub uniq: bool,
    /// `--real`.
    pub real: bool,
    /// `--pseudo`.
    pub pseudo: bool,
    /// `--shadowed`.
    pub shadowed: bool,
    /// `-D` or `-I`.
    pub df: bool,
    /// `-C`: compare paths as given, never resolved.
    pub nocanonicalize: bool,
    /// `-c`: print canonical source paths.
    pub canonicalize: bool,
    /// `-e`: print `LABEL=`-style sources as device names.
    pub evaluate: bool,
    /// Search backwards (`-d backward`).
    pub backward: bool,
    /// The source match may not be retried as a target.
    pub noswapmatch: bool,
    /// `-M`: the target must be a mount point itself.
    pub strict_target: bool,
    /// The filters.
    pub matches: Matches,
    /// Table to read.
    pub source: Source,
    /// Files to read (`-F`, `-N`); empty means `/proc/self/mountinfo`.
    pub files: Vec<PathBuf>,
    /// `-Q` expression (checked; parsed again when the table is read).
    pub filter: Option<Vec<u8>>,
    /// `--hyperlink`: TARGET cells link to `file://HOST/PATH`.
    pub hyperlink: bool,
    /// `--vfs-all`.
    pub vfs_all: bool,
    /// `-x`.
    pub verify: bool,
    /// `--verbose`.
    pub verbose: bool,
    /// `-H`.
    pub list_columns: bool,
    /// `--receivers PATH`.
    pub receivers: Option<PathBuf>,
    /// `-p`.
    pub poll: bool,
    /// `-p LIST` (empty: every action).
    pub poll_actions: Vec<PollAction>,
    /// `-w MS` (-1: no timeout).
    pub timeout: i32,
}

/// What the command line asks for.
#[derive(Debug)]
pub enum Action {
    /// `-h`.
    Help,
    /// `-V`.
    Version,
    /// List file systems.
    Run(Box<Options>),
}

/// util-linux `strtou32_or_err()`/`strtos32_or_err()`: a decimal number
/// (leading blanks and a sign allowed, as strtol accepts them) within
/// `range`; else `MESSAGE: 'ARG'` (with strerror when out of range).
fn number(arg: &OsString, message: &str, min: i64, max: i64, unsigned: bool) -> Result<i64, Error> {
    let text = String::from_utf8_lossy(arg.as_bytes()).into_owned();
    let fail = |range: bool| {
        let msg = format!("{message}: '{text}'");
        Error::Fatal(if range {
            common::error::with_errno(msg, nix::errno::Errno::ERANGE)
        } else {
            msg
        })
    };
    let t = text.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(fail(false));
    }
    let value = match digits.parse::<i128>() {
        Ok(v) => {
            if neg {
                -v
            } else {
                v
            }
        }
        Err(_) => return Err(fail(true)),
    };
    if (unsigned && neg && value != 0) || value < i128::from(min) || value > i128::from(max) {
        return Err(fail(true));
    }
    i64::try_from(value).map_err(|_| fail(true))
}

/// util-linux `string_add_to_idarray()` with findmnt's column names: a
/// leading `+` appends to `columns`, else the list replaces it. An unknown
/// name prints `unknown column: REST-OF-LIST` (util-linux prints from the
/// bad name to the end of the list); an empty item or list fails silently.
fn parse_columns(list: &[u8], columns: &mut Vec<Col>) -> Result<(), Error> {
    let (list, mut out) = match list.strip_prefix(b"+") {
        Some(rest) => (rest, std::mem::take(columns)),
        None => (list, Vec::new()),
    };
    let limit = ALL_COLUMNS.len() * 2;
    if list.is_empty() {
        return Err(Error::Silent);
    }
    let mut begin: Option<usize> = None;
    for p in 0..list.len() {
        if out.len() >= limit {
            return Err(Error::Silent);
        }
        let b = *begin.get_or_insert(p);
        let end = if p + 1 == list.len() {
            p + 1
        } else if list[p] == b',' {
            p
        } else {
            continue;
        };
        if end <= b {
            return Err(Error::Silent);
        }
        match Col::from_name(&list[b..end]) {
            Some(c) => out.push(c),
            None => {
                return Err(Error::Fatal(format!(
                    "unknown column: {}",
                    String::from_utf8_lossy(&list[b..])
                )))
            }
        }
        begin = None;
    }
    *columns = out;
    Ok(())
}

/// `-p LIST`: comma-separated action names (exact, any case); an unknown
/// one prints `unknown action: REST-OF-LIST`.
fn parse_actions(list: &[u8]) -> Result<Vec<PollAction>, Error> {
    let mut out = Vec::new();
    let mut rest = list;
    loop {
        let end = rest.iter().position(|&b| b == b',').unwrap_or(rest.len());
        let name = &rest[..end];
        let action = match name.to_ascii_lowercase().as_slice() {
            b"move" => PollAction::Move,
            b"mount" => PollAction::Mount,
            b"umount" => PollAction::Umount,
            b"remount" => PollAction::Remount,
            _ => {
                return Err(Error::Fatal(format!(
                    "unknown action: {}",
                    String::from_utf8_lossy(rest)
                )))
            }
        };
        out.push(action);
        if end == rest.len() {
            return Ok(out);
        }
        rest = &rest[end + 1..];
    }
}

/// `LABEL=`, `UUID=`, `PARTLABEL=`, `PARTUUID=` sources cannot be retried as
/// mount points.
fn is_tag(spec: &[u8]) -> bool {
    [&b"LABEL="[..], b"UUID=", b"PARTLABEL=", b"PARTUUID="]
        .iter()
        .any(|t| spec.starts_with(t))
}

/// A source match: `MAJ:MIN` (sscanf `%d:%d`) matches the device number and
/// is never retried as a target.
fn set_source(o: &mut Options, spec: Vec<u8>) {
    if let Some(devno) = parse_majmin(&spec) {
        o.matches.devno = Some(devno);
        o.noswapmatch = true;
    } else {
        o.matches.source = Some(spec);
    }
}

/// sscanf("%d:%d"): optional blanks and sign, digits, `:`, the same; what
/// follows is ignored. Each number ends up cut to 32 bits, as libmount's
/// `%u:%u` of the mountinfo field does (the same reader).
fn parse_majmin(spec: &[u8]) -> Option<(u32, u32)> {
    crate::mountinfo::device_numbers(spec)
}

/// Parses argv (without argv\[0\]) into an [`Action`].
///
/// # Errors
/// [`Error::Usage`] for getopt errors; [`Error::Fatal`] for a bad value, a
/// conflict or an unsupported feature, with util-linux's message;
/// [`Error::Silent`] where util-linux exits 1 without a message.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Action, Error> {
    let (parsed, getopt_error) = cli::parse_partial(args, OPTIONS, Order::Permute);
    let mut o = Options {
        columns: Vec::new(),
        output: Output::Human,
        tree: true,
        force_tree: false,
        ascii: false,
        noheadings: false,
        shellvar: false,
        notruncate: false,
        bytes: false,
        all: false,
        first_only: false,
        invert: false,
        nofsroot: false,
        submounts: false,
        uniq: false,
        real: false,
        pseudo: false,
        shadowed: false,
        df: false,
        nocanonicalize: false,
        canonicalize: false,
        evaluate: false,
        backward: false,
        noswapmatch: false,
        strict_target: false,
        matches: Matches::default(),
        source: Source::Mountinfo,
        files: Vec::new(),
        filter: None,
        hyperlink: false,
        vfs_all: false,
        verify: false,
        verbose: false,
        list_columns: false,
        receivers: None,
        poll: false,
        poll_actions: Vec::new(),
        timeout: -1,
    };
    let mut source_given = false;
    let mut source_set = false;
    let mut outarg: Option<OsString> = None;
    let mut exclusive = common::cli::Exclusive::new(OPTIONS, EXCLUSIVE);
    let mut dfi = false;

    for (id, value) in parsed.opts {
        exclusive.check(id).map_err(Error::Fatal)?;
        let given = value.is_some();
        let arg = value.unwrap_or_default();
        match id {
            Opt::All => o.all = true,
            Opt::Ascii => o.ascii = true,
            Opt::Bytes => o.bytes = true,
            Opt::Nocanonicalize => o.nocanonicalize = true,
            Opt::Canonicalize => o.canonicalize = true,
            Opt::Df => {
                o.tree = false;
                o.df = true;
            }
            Opt::Dfi => {
                o.tree = false;
                o.df = true;
                dfi = true;
            }
            Opt::Direction => match arg.as_bytes() {
                b"forward" => o.backward = false,
                b"backward" => o.backward = true,
                _ => {
                    return Err(Error::Fatal(format!(
                        "unknown direction '{}'",
                        arg.to_string_lossy()
                    )))
                }
            },
            Opt::Evaluate => o.evaluate = true,
            Opt::Invert => o.invert = true,
            Opt::Json => o.output = Output::Json,
            Opt::FirstOnly => o.first_only = true,
            Opt::TabFile => o.files.push(PathBuf::from(arg)),
            Opt::Notruncate => o.notruncate = true,
            Opt::Output => outarg = Some(arg),
            Opt::OutputAll => {
                o.columns = ALL_COLUMNS
                    .iter()
                    .copied()
                    .filter(|c| !c.is_poll_only() && !c.is_extension())
                    .collect()
            }
            Opt::Options => o.matches.options = Some(arg.into_vec()),
            Opt::Poll => {
                o.tree = false;
                o.poll = true;
                if given {
                    o.poll_actions = parse_actions(arg.as_bytes())?;
                }
            }
            Opt::Pairs => {
                o.output = Output::Pairs;
                o.tree = false;
            }
            Opt::Filter => {
                if let Err(msg) = Filter::<()>::parse(arg.as_bytes()) {
                    return Err(Error::Fatal(format!(
                        "failed to parse \"{}\": {msg}",
                        arg.to_string_lossy()
                    )));
                }
                o.filter = Some(arg.into_vec());
            }
            Opt::Mtab => {
                source_given = true;
                o.source = Source::Mtab;
                o.tree = false;
            }
            Opt::Fstab => {
                source_given = true;
                o.source = Source::Fstab;
                o.tree = false;
            }
            Opt::KernelShort => {
                source_given = true;
                o.source = Source::Mountinfo;
            }
            Opt::Kernel => {
                source_given = true;
                match arg.as_bytes() {
                    _ if !given => o.source = Source::Mountinfo,
                    b"mountinfo" => o.source = Source::Mountinfo,
                    b"listmount" => o.source = Source::Listmount,
                    _ => return Err(Error::Fatal(String::from("invalid --kernel argument"))),
                }
            }
            Opt::Types => o.matches.fstype = Some(arg.into_vec()),
            Opt::Raw => {
                o.tree = false;
                o.output = Output::Raw;
            }
            Opt::List => o.tree = false,
            Opt::Noheadings => o.noheadings = true,
            Opt::Task => {
                source_given = true;
                o.source = Source::Mountinfo;
                let tid = number(&arg, "invalid TID argument", 0, i64::from(u32::MAX), true)?;
                o.files
                    .push(PathBuf::from(format!("/proc/{}/mountinfo", tid as i32)));
            }
            Opt::Nofsroot => o.nofsroot = true,
            Opt::Submounts => o.submounts = true,
            Opt::Source => {
                set_source(&mut o, arg.into_vec());
                o.noswapmatch = true;
                source_set = true;
            }
            Opt::Mountpoint | Opt::Target => {
                o.strict_target |= id == Opt::Mountpoint;
                o.matches.target = Some(arg.into_vec());
                o.noswapmatch = true;
            }
            Opt::Uniq => o.uniq = true,
            Opt::Timeout => {
                o.timeout = number(
                    &arg,
                    "invalid timeout",
                    i64::from(i32::MIN),
                    i64::from(i32::MAX),
                    false,
                )? as i32;
            }
            Opt::Verify => {
                o.verify = true;
                o.tree = false;
            }
            Opt::Shell => o.shellvar = true,
            Opt::Verbose => o.verbose = true,
            Opt::Tree => o.force_tree = true,
            Opt::Pseudo => o.pseudo = true,
            Opt::Real => o.real = true,
            Opt::VfsAll => o.vfs_all = true,
            Opt::Shadowed => o.shadowed = true,
            Opt::Hyperlink => match arg.as_bytes() {
                _ if !given => o.hyperlink = std::io::stdout().is_terminal(),
                b"auto" => o.hyperlink = std::io::stdout().is_terminal(),
                b"never" => o.hyperlink = false,
                b"always" => o.hyperlink = true,
                _ => {
                    return Err(Error::Fatal(format!(
                        "invalid argument of --hyperlink: {}",
                        arg.to_string_lossy()
                    )))
                }
            },
            Opt::Id => {
                let id = number(
                    &arg,
                    "invalid id argument",
                    i64::from(i32::MIN),
                    i64::from(i32::MAX),
                    false,
                )?;
                o.matches.id = Some(id as i32);
            }
            Opt::UniqId => {
                let id = number(&arg, "invalid uniq-id argument", 0, i64::MAX, true)?;
                o.matches.uniq_id = Some(id as u64);
            }
            Opt::ListColumns => o.list_columns = true,
            Opt::Receivers => {
                o.receivers = Some(PathBuf::from(arg));
                o.tree = false;
            }
            Opt::Help => return Ok(Action::Help),
            Opt::Version => return Ok(Action::Version),
        }
    }
    if let Some(e) = getopt_error {
        return Err(Error::Usage(e));
    }

    if o.columns.is_empty() && o.df {
        o.columns = if dfi {
            vec![
                Col::Source,
                Col::Fstype,
                Col::InoTotal,
                Col::InoUsed,
                Col::InoAvail,
                Col::InoUsePerc,
                Col::Target,
            ]
        } else {
            vec![
                Col::Source,
                Col::Fstype,
                Col::Size,
                Col::Used,
                Col::Avail,
                Col::UsePerc,
                Col::Target,
            ]
        };
    }
    if o.columns.is_empty() {
        if o.poll {
            o.columns.push(Col::Action);
        }
        o.columns
            .extend([Col::Target, Col::Source, Col::Fstype, Col::Options]);
    }
    if let Some(list) = &outarg {
        parse_columns(list.as_bytes(), &mut o.columns)?;
    }
    if o.poll && o.files.len() > 1 {
        return Err(Error::Fatal(String::from(
            "--poll accepts only one file, but more specified by --tab-file",
        )));
    }
    match o.source {
        Source::Mountinfo => {}
        Source::Listmount if !o.files.is_empty() => {
            return Err(Error::Fatal(String::from(
                "options --kernel=listmount and --tab-file or --task can't be used together",
            )))
        }
        Source::Listmount => {}
        Source::Fstab | Source::Mtab => {}
    }
    if o.verify && !source_given {
        // `-x` checks fstab unless another table was asked for.
        o.source = Source::Fstab;
    }
    if let Some(c) = o.columns.iter().find(|c| c.is_poll_only() && !o.poll) {
        return Err(Error::Fatal(format!(
            "{} column is requested, but --poll is not enabled",
            c.name()
        )));
    }

    let mut operands = parsed.operands.into_iter();
    if operands.len() > 0
        && (source_set
            || o.matches.source.is_some()
            || o.matches.target.is_some()
            || o.matches.devno.is_some())
    {
        return Err(Error::Fatal(String::from(
            "options --target and --source can't be used together with command line element that is not an option",
        )));
    }
    if let Some(spec) = operands.next() {
        set_source(&mut o, spec.into_vec());
    }
    if let Some(target) = operands.next() {
        o.matches.target = Some(target.into_vec());
    }
    // Further operands are ignored, as util-linux does.

    if o.submounts && is_listall(&o) {
        o.submounts = false;
    }
    if !o.submounts
        && (o.first_only
            || o.matches.target.is_some()
            || o.matches.source.is_some()
            || o.matches.devno.is_some())
    {
        o.tree = false;
    }
    if !o.noswapmatch && o.matches.target.is_none() {
        if let Some(s) = &o.matches.source {
            if is_tag(s) {
                o.noswapmatch = true;
            }
        }
    }
    Ok(Action::Run(Box::new(o)))
}

/// findmnt `is_listall_mode()`: no filter that selects entries (the
/// `--df`, `--real` and `--pseudo` filters count unless `-A`).
pub fn is_listall(o: &Options) -> bool {
    if (o.df || o.real || o.pseudo) && !o.all {
        return false;
    }
    let m = &o.matches;
    m.source.is_none()
        && m.target.is_none()
        && m.fstype.is_none()
        && m.options.is_none()
        && m.id.is_none()
        && m.uniq_id.is_none()
        && m.devno.is_none()
}

/// The `--help` text (nsbox's own wording).
pub fn help() -> String {
    let prog = "findmnt";
    format!(
        "\
Usage:
 {prog} [options]
 {prog} [options] <device> | <mountpoint>
 {prog} [options] <device> <mountpoint>
 {prog} [options] [--source <device>] [--target <path> | --mountpoint <dir>]

Show mounted filesystems, as a tree by default.

Where to look:
 -F, --tab-file <path>  read this file (mountinfo or fstab format; repeatable)
 -k, --kernel[=<how>]   the kernel's table, read from mountinfo (the default)
                          or with listmount(2)/statmount(2) (=listmount)
 -m, --mtab             the kernel's table with the options of /run/mount/utab
 -N, --task <tid>       the mount table of task <tid> (repeatable)
 -s, --fstab            /etc/fstab (or $LIBMOUNT_FSTAB)

What to show:
 -A, --all              show every filesystem, ignoring built-in filters
 -d, --direction <word> search 'forward' (default) or 'backward'
 -f, --first-only       stop after the first match
 -i, --invert           show what does not match
     --id <num>         only the mount with this ID
     --uniq-id <num>    only the mount with this 64-bit ID (with --kernel=listmount)
 -M, --mountpoint <dir> only the filesystem mounted exactly on <dir>
 -O, --options <list>   only filesystems with (or, as noOPT, without) options
     --pseudo           only pseudo filesystems
     --real             only real filesystems
 -R, --submounts        the matches with everything mounted below them
     --shadowed         only filesystems hidden by a mount on top of them
 -S, --source <spec>    only this source (path, maj:min, LABEL=, UUID=, ...)
 -T, --target <path>    the filesystem that contains <path>
 -t, --types <list>     only these filesystem types (noTYPE,... to exclude)
 -U, --uniq             skip filesystems whose mount point repeats

Watching and checking:
 -p, --poll[=<list>]    print mount table changes as they happen (all, or
                          those of <list>: mount,umount,remount,move)
 -w, --timeout <ms>     stop --poll after <ms> milliseconds without a change
 -x, --verify           check an fstab-format table (default /etc/fstab)
     --verbose          with --verify, also list the checks that passed

Where mounts propagate (nsbox):
     --receivers <path> every mount, in every mount namespace, that receives
                          the mount and umount events made under <path>'s
                          mount: its peers, their slaves, slaves of slaves
                          (columns MNTNS, PID, RELATION)

How to show it:
 -a, --ascii            draw the tree with ASCII characters
     --hyperlink[=when] mount points as terminal hyperlinks (always, never, auto)
 -b, --bytes            sizes in bytes
 -C, --nocanonicalize   compare paths exactly as given
 -c, --canonicalize     show sources as canonical paths
 -e, --evaluate         show LABEL=, UUID=, ... sources as device names
 -D, --df               df(1)-like columns
 -I, --dfi              df(1) -i-like columns
 -J, --json             JSON output
 -l, --list             a flat list instead of a tree
 -n, --noheadings       no header line
 -o, --output <list>    columns to show (+<list> adds to the defaults)
     --output-all       every column
 -P, --pairs            NAME=\"value\" output
 -r, --raw              raw output
     --tree             a tree wherever the table allows one
 -u, --notruncate       never truncate columns
 -v, --nofsroot         no [/dir] after the source of bind mounts
 -y, --shell            column names usable as shell variables
     --vfs-all          VFS-OPTIONS with every per-mount flag, defaults too
 -H, --list-columns     list the columns and exit

 -h, --help             show this help
 -V, --version          show the version

Columns: {}
(SHARED, MASTER and PROPAGATE-FROM, the peer group numbers of the
propagation fields, are nsbox's own; --output-all leaves them out.)
",
        ALL_COLUMNS
            .iter()
            .map(|c| c.name())
            .collect::<Vec<_>>()
            .join(" ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Options, Error> {
        match parse(args.iter().map(OsString::from))? {
            Action::Run(o) => Ok(*o),
            other => panic!("unexpected {other:?}"),
        }
    }

    fn fatal(args: &[&str]) -> String {
        match run(args) {
            Err(Error::Fatal(m)) => m,
            other => panic!("expected a fatal error, got {other:?}"),
        }
    }

    #[test]
    fn exclusive_options_name_both_long_forms() {
        assert_eq!(
            fatal(&["-J", "-r"]),
            "options --json and --raw cannot be combined"
        );
        assert_eq!(
            fatal(&["-l", "--pairs"]),
            "options --list and --pairs cannot be combined"
        );
        assert_eq!(
            fatal(&["-N", "1", "-k"]),
            "options --task and -k cannot be combined"
        );
        assert_eq!(
            fatal(&["--real", "--pseudo"]),
            "options --real and --pseudo cannot be combined"
        );
        assert!(run(&["-r", "-r"]).is_ok());
    }

    #[test]
    fn output_lists_replace_or_extend_the_defaults() {
        let o = run(&["-o", "target,Source"]).expect("ok");
        assert_eq!(o.columns, vec![Col::Target, Col::Source]);
        let o = run(&["-o", "+propagation"]).expect("ok");
        assert_eq!(o.columns.len(), 5);
        assert_eq!(o.columns[4], Col::Propagation);
        assert_eq!(
            fatal(&["-o", "TARGET,FOO,SOURCE"]),
            "unknown column: FOO,SOURCE"
        );
        assert_eq!(fatal(&["-o", "TARGET,"]), "unknown column: TARGET,");
        assert!(matches!(run(&["-o", ""]), Err(Error::Silent)));
        assert!(matches!(run(&["-o", "target,,source"]), Err(Error::Silent)));
        assert!(matches!(run(&["-o", "+"]), Err(Error::Silent)));
    }

    #[test]
    fn bad_values_use_util_linux_messages() {
        assert_eq!(fatal(&["-d", "up"]), "unknown direction 'up'");
        assert_eq!(fatal(&["-N", "abc"]), "invalid TID argument: 'abc'");
        assert_eq!(
            fatal(&["-N", "-1"]),
            "invalid TID argument: '-1': Numerical result out of range"
        );
        assert_eq!(fatal(&["--kernel=x"]), "invalid --kernel argument");
        assert_eq!(
            fatal(&["-S", "/dev/a", "/mnt"]),
            "options --target and --source can't be used together with command line element that is not an option"
        );
        assert_eq!(
            fatal(&["-o", "ACTION"]),
            "ACTION column is requested, but --poll is not enabled"
        );
    }

    #[test]
    fn positional_spec_and_majmin() {
        let o = run(&["/dev/sda1", "/mnt"]).expect("ok");
        assert_eq!(o.matches.source.as_deref(), Some(&b"/dev/sda1"[..]));
        assert_eq!(o.matches.target.as_deref(), Some(&b"/mnt"[..]));
        assert!(!o.tree);
        let o = run(&["8:1"]).expect("ok");
        assert_eq!(o.matches.devno, Some((8, 1)));
        assert!(o.noswapmatch);
        let o = run(&["UUID=x"]).expect("ok");
        assert!(o.noswapmatch);
        let o = run(&["-t", "ext4"]).expect("ok");
        assert!(o.tree);
    }

    #[test]
    fn help_and_version_stop_parsing() {
        assert!(matches!(
            parse(["-h", "--bogus"].map(OsString::from)),
            Ok(Action::Help)
        ));
        assert!(matches!(
            parse(["-V"].map(OsString::from)),
            Ok(Action::Version)
        ));
        assert!(matches!(
            parse(["--bogus"].map(OsString::from)),
            Err(Error::Usage(_))
        ));
    }
}
