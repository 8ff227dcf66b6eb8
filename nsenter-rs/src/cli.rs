//! nsenter's command line: argv to [`Options`] (util-linux nsenter(1)).
//!
//! The getopt string is util-linux's `+ahVt:m::u::i::n::N:p::C::U::T::S:G:r::w::W::ecFZ`:
//! options stop at the program, namespace options take an optional attached
//! FILE (`-m/path`, `-m=/path`, `--mount=/path`; one leading `=` is dropped
//! as util-linux does).

use common::cli::{self, HasArg, OptSpec, Order, UsageError};
use common::ns::{self, NsKind};
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

/// Which process the namespaces come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target {
    /// The target PID.
    pub pid: i32,
    /// The pidfs inode given as `PID:INODE` (getino(1)); the pidfd opened
    /// for PID must have it, so that a reused PID is refused.
    pub inode: Option<u64>,
}

/// Where one requested namespace comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NsSource {
    /// The target process's namespace of this kind.
    Target,
    /// A namespace file (`/proc/PID/ns/net`, an nsfs bind mount, ...).
    File(PathBuf),
}

/// A credential given to `-S`/`-G`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdArg {
    /// A numeric id.
    Id(u32),
    /// `follow`: the owner of `/proc/PID` of the target.
    Follow,
}

/// A directory option that defaults to the target's (`-r`, `-w`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DirArg {
    /// The target's `/proc/PID/root` or `/proc/PID/cwd`.
    Target,
    /// This directory, opened before entering the namespaces.
    Path(PathBuf),
}

/// Everything nsenter was asked to do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// `-t PID[:INODE]`.
    pub target: Option<Target>,
    /// Requested namespaces, indexed like [`common::ns::KINDS`].
    pub namespaces: [Option<NsSource>; 8],
    /// `-a`: every namespace kind of the target.
    pub all: bool,
    /// `--user-parent`: the parent of the user namespace instead.
    pub user_parent: bool,
    /// `-N FD`: the network namespace of socket FD of the target.
    pub net_socket: Option<i32>,
    /// `-S`.
    pub uid: Option<IdArg>,
    /// `-G`.
    pub gid: Option<IdArg>,
    /// `--preserve-credentials`.
    pub preserve_credentials: bool,
    /// `--keep-caps`.
    pub keep_caps: bool,
    /// `-r[DIR]`.
    pub root: Option<DirArg>,
    /// `-w[DIR]`.
    pub wd: Option<DirArg>,
    /// `-W DIR`: working directory resolved inside the namespaces.
    pub wdns: Option<PathBuf>,
    /// `-e`: the target's environment.
    pub env: bool,
    /// `-c`: join the target's cgroup (v2).
    pub join_cgroup: bool,
    /// `-F`: never fork.
    pub no_fork: bool,
    /// `-Z`: the target's SELinux exec context.
    pub follow_context: bool,
    /// The program and its arguments (empty: the user's shell).
    pub program: Vec<OsString>,
}

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Action {
    /// `-h`.
    Help,
    /// `-V`.
    Version,
    /// Enter namespaces and run a program.
    Run(Box<Options>),
}

/// Identifies an option of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)] // one variant per option, named after it
pub enum Opt {
    All,
    Help,
    Version,
    Target,
    Ns(char),
    NetSocket,
    SetUid,
    SetGid,
    Root,
    Wd,
    WdNs,
    Env,
    NoFork,
    JoinCgroup,
    PreserveCred,
    KeepCaps,
    UserParent,
    FollowContext,
}

/// The option table (util-linux 2.42 nsenter).
pub const OPTIONS: &[OptSpec<Opt>] = &[
    OptSpec::new(Some('a'), "all", HasArg::No, Opt::All),
    OptSpec::new(Some('h'), "help", HasArg::No, Opt::Help),
    OptSpec::new(Some('V'), "version", HasArg::No, Opt::Version),
    OptSpec::new(Some('t'), "target", HasArg::Required, Opt::Target),
    OptSpec::new(Some('m'), "mount", HasArg::Optional, Opt::Ns('m')),
    OptSpec::new(Some('u'), "uts", HasArg::Optional, Opt::Ns('u')),
    OptSpec::new(Some('i'), "ipc", HasArg::Optional, Opt::Ns('i')),
    OptSpec::new(Some('n'), "net", HasArg::Optional, Opt::Ns('n')),
    OptSpec::new(Some('N'), "net-socket", HasArg::Required, Opt::NetSocket),
    OptSpec::new(Some('p'), "pid", HasArg::Optional, Opt::Ns('p')),
    OptSpec::new(Some('U'), "user", HasArg::Optional, Opt::Ns('U')),
    OptSpec::new(Some('C'), "cgroup", HasArg::Optional, Opt::Ns('C')),
    OptSpec::new(Some('T'), "time", HasArg::Optional, Opt::Ns('T')),
    OptSpec::new(Some('S'), "setuid", HasArg::Required, Opt::SetUid),
    OptSpec::new(Some('G'), "setgid", HasArg::Required, Opt::SetGid),
    OptSpec::new(Some('r'), "root", HasArg::Optional, Opt::Root),
    OptSpec::new(Some('w'), "wd", HasArg::Optional, Opt::Wd),
    OptSpec::new(Some('W'), "wdns", HasArg::Optional, Opt::WdNs),
    OptSpec::new(Some('e'), "env", HasArg::No, Opt::Env),
    OptSpec::new(Some('F'), "no-fork", HasArg::No, Opt::NoFork),
    OptSpec::new(Some('c'), "join-cgroup", HasArg::No, Opt::JoinCgroup),
    OptSpec::new(None, "preserve-credentials", HasArg::No, Opt::PreserveCred),
    OptSpec::new(None, "keep-caps", HasArg::No, Opt::KeepCaps),
    OptSpec::new(None, "user-parent", HasArg::No, Opt::UserParent),
    OptSpec::new(Some('Z'), "follow-context", HasArg::No, Opt::FollowContext),
];

/// A parse failure: usage errors get the try-help line, value errors not.
#[derive(Debug, PartialEq, Eq)]
pub enum CliError {
    /// getopt-level error (unknown option, missing argument, exclusive options).
    Usage(UsageError),
    /// A bad option value: `PROG: message`, exit 1.
    Value(String),
}

fn strip_eq(value: OsString) -> PathBuf {
    let bytes = value.as_bytes();
    match bytes.strip_prefix(b"=") {
        Some(rest) => PathBuf::from(std::ffi::OsStr::from_bytes(rest)),
        None => PathBuf::from(value),
    }
}

/// Parses `PID` or `PID:INODE` as util-linux's `ul_parse_pid_str()` does:
/// PID in 1..=i32::MAX, INODE a non-zero decimal u64.
pub fn parse_target(text: &str) -> Option<Target> {
    let (pid, inode) = match text.split_once(':') {
        Some((p, i)) => (p, Some(i)),
        None => (text, None),
    };
    let pid = parse_decimal(pid).and_then(|n| i32::try_from(n).ok())?;
    if pid <= 0 {
        return None;
    }
    let inode = match inode {
        Some(i) => Some(parse_decimal(i).filter(|&n| n != 0)?),
        None => None,
    };
    Some(Target { pid, inode })
}

/// strtoul-style decimal: optional leading blanks and `+`, then digits only.
fn parse_decimal(text: &str) -> Option<u64> {
    let t = text.trim_start_matches([' ', '\t']);
    let t = t.strip_prefix('+').unwrap_or(t);
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// `-S`/`-G` (util-linux `strtoul_or_err()`): a decimal id, or `follow`.
/// A negative number or one past the range is ERANGE, which the message
/// names. (util-linux takes ids up to 2^64 - 1 and cuts them to 32 bits,
/// so 4294967296 becomes root: refused here.)
fn id_arg(value: &OsString, what: &str) -> Result<IdArg, CliError> {
    let text = value.to_string_lossy();
    if text == "follow" {
        return Ok(IdArg::Follow);
    }
    let digits = text.trim_start_matches([' ', '\t']);
    let digits = digits.strip_prefix(['+', '-']).unwrap_or(digits);
    let numeric = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    match parse_decimal(&text).and_then(|n| u32::try_from(n).ok()) {
        Some(id) => Ok(IdArg::Id(id)),
        None if numeric => Err(CliError::Value(common::error::with_errno(
            format!("{what}: '{text}'"),
            nix::errno::Errno::ERANGE,
        ))),
        None => Err(CliError::Value(format!("{what}: '{text}'"))),
    }
}

/// util-linux opens a file named by an option while it parses the options
/// (`open_target_fd()`): one that cannot be opened ends nsenter there, before
/// later options are looked at. `path` back when it opens.
fn openable(path: PathBuf) -> Result<PathBuf, CliError> {
    match std::fs::File::open(&path) {
        Ok(_) => Ok(path),
        Err(e) => Err(CliError::Value(common::error::with_errno(
            format!("cannot open {}", path.display()),
            nix::errno::Errno::from_raw(e.raw_os_error().unwrap_or(libc::EIO)),
        ))),
    }
}

fn dir_arg(value: Option<OsString>) -> Result<DirArg, CliError> {
    Ok(match value {
        Some(v) => DirArg::Path(openable(strip_eq(v))?),
        None => DirArg::Target,
    })
}

fn kind_index(kind: &NsKind) -> usize {
    ns::KINDS.iter().position(|k| k == kind).unwrap_or(0)
}

/// Parses argv (without argv\[0\]).
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Action, CliError> {
    let parsed = cli::parse(args, OPTIONS, Order::StopAtOperand).map_err(CliError::Usage)?;
    let mut o = Options::default();
    // The first of --wd/--wdns seen, for the exclusive-options message.
    let mut first_dir: Option<&str> = None;
    for (opt, value) in parsed.opts {
        match opt {
            Opt::Help => return Ok(Action::Help),
            Opt::Version => return Ok(Action::Version),
            Opt::All => o.all = true,
            // util-linux 2.42: the last --target wins; a bad one is
            // `invalid PID argument`, without the value.
            Opt::Target => {
                let text = value.unwrap_or_default();
                o.target = Some(
                    parse_target(&text.to_string_lossy())
                        .ok_or_else(|| CliError::Value("invalid PID argument".into()))?,
                );
            }
            Opt::Ns(letter) => {
                if let Some(kind) = ns::by_letter(letter) {
                    o.namespaces[kind_index(kind)] = Some(match value {
                        Some(v) => NsSource::File(openable(strip_eq(v))?),
                        None => NsSource::Target,
                    });
                }
            }
            // util-linux `str2num_or_err(.., 0, INT_MAX)`: its low bound 0
            // means none, so a negative descriptor is taken, and ignored.
            Opt::NetSocket => {
                let text = value.unwrap_or_default().to_string_lossy().into_owned();
                let what = format!("failed to parse file descriptor: '{text}'");
                let t = text.trim_start_matches([' ', '\t']);
                let n: i64 = t.strip_prefix('+').unwrap_or(t).parse().map_err(
                    |e: std::num::ParseIntError| match e.kind() {
                        std::num::IntErrorKind::PosOverflow
                        | std::num::IntErrorKind::NegOverflow => CliError::Value(
                            common::error::with_errno(&what, nix::errno::Errno::ERANGE),
                        ),
                        _ => CliError::Value(what.clone()),
                    },
                )?;
                o.net_socket = match i32::try_from(n) {
                    Ok(fd) if fd >= 0 => Some(fd),
                    Ok(_) => None,
                    Err(_) if n < 0 => None,
                    Err(_) => {
                        return Err(CliError::Value(common::error::with_errno(
                            &what,
                            nix::errno::Errno::ERANGE,
                        )))
                    }
                };
            }
            Opt::SetUid => o.uid = Some(id_arg(&value.unwrap_or_default(), "failed to parse uid")?),
            Opt::SetGid => o.gid = Some(id_arg(&value.unwrap_or_default(), "failed to parse gid")?),
            Opt::Root => o.root = Some(dir_arg(value)?),
            Opt::Wd | Opt::WdNs => {
                let (this, other) = if opt == Opt::Wd {
                    ("--wd", "--wdns")
                } else {
                    ("--wdns", "--wd")
                };
                match first_dir {
                    Some(first) if first == other => {
                        return Err(CliError::Value(format!(
                            "options {other} and {this} cannot be combined"
                        )))
                    }
                    _ => first_dir = Some(this),
                }
                if opt == Opt::Wd {
                    o.wd = Some(dir_arg(value)?);
                } else {
                    o.wdns = value.map(strip_eq);
                }
            }
            Opt::Env => o.env = true,
            Opt::NoFork => o.no_fork = true,
            Opt::JoinCgroup => o.join_cgroup = true,
            Opt::PreserveCred => o.preserve_credentials = true,
            Opt::KeepCaps => o.keep_caps = true,
            Opt::UserParent => o.user_parent = true,
            Opt::FollowContext => o.follow_context = true,
        }
    }
    o.program = parsed.operands;
    Ok(Action::Run(Box::new(o)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Options {
        match parse(args.iter().map(OsString::from)) {
            Ok(Action::Run(o)) => *o,
            other => panic!("unexpected {other:?}"),
        }
    }

    fn idx(letter: char) -> usize {
        kind_index(ns::by_letter(letter).expect("kind"))
    }

    #[test]
    fn namespace_files_in_every_spelling() {
        let o = run(&[
            "-m/",
            "-n=/proc",
            "--uts=/dev/null",
            "--ipc==/etc",
            "-p",
            "true",
        ]);
        assert_eq!(o.namespaces[idx('m')], Some(NsSource::File("/".into())));
        assert_eq!(o.namespaces[idx('n')], Some(NsSource::File("/proc".into())));
        assert_eq!(
            o.namespaces[idx('u')],
            Some(NsSource::File("/dev/null".into()))
        );
        assert_eq!(o.namespaces[idx('i')], Some(NsSource::File("/etc".into())));
        assert_eq!(o.namespaces[idx('p')], Some(NsSource::Target));
        assert_eq!(o.program, vec!["true"]);
    }

    #[test]
    fn numbers_are_read_as_util_linux_reads_them() {
        let err = |args: &[&str]| parse(args.iter().map(OsString::from)).err();
        assert_eq!(
            err(&["-S", "-1"]),
            Some(CliError::Value(
                "failed to parse uid: '-1': Numerical result out of range".into()
            ))
        );
        assert_eq!(
            err(&["-G", "4294967296"]),
            Some(CliError::Value(
                "failed to parse gid: '4294967296': Numerical result out of range".into()
            ))
        );
        assert_eq!(run(&["-N", "-1", "true"]).net_socket, None);
        assert_eq!(run(&["-N", "+7", "true"]).net_socket, Some(7));
        assert_eq!(
            err(&["-N", "2147483648"]),
            Some(CliError::Value(
                "failed to parse file descriptor: '2147483648': Numerical result out of range"
                    .into()
            ))
        );
    }

    #[test]
    fn named_files_are_opened_while_the_options_are_read() {
        // util-linux: the first file that cannot be opened ends nsenter,
        // even when a later option names another or asks for help.
        for args in [
            &["--uts=/nonexistent", "--uts=/dev/null", "true"][..],
            &["--uts=/nonexistent", "-h"],
            &["-w/nonexistent", "-w/tmp"],
            &["-r/nonexistent", "-V"],
        ] {
            assert_eq!(
                parse(args.iter().map(OsString::from)),
                Err(CliError::Value(
                    "cannot open /nonexistent: No such file or directory".into()
                )),
                "{args:?}"
            );
        }
    }

    #[test]
    fn target_forms() {
        assert_eq!(
            parse_target("42"),
            Some(Target {
                pid: 42,
                inode: None
            })
        );
        assert_eq!(
            parse_target("42:7"),
            Some(Target {
                pid: 42,
                inode: Some(7)
            })
        );
        for bad in ["", "0", "-1", "abc", "42:", "42:0", "42:x", "2147483648"] {
            assert_eq!(parse_target(bad), None, "{bad}");
        }
        assert_eq!(
            parse(["-t", "x"].map(OsString::from)),
            Err(CliError::Value("invalid PID argument".into()))
        );
        match parse(["-t", "1", "-t", "2"].map(OsString::from)) {
            Ok(Action::Run(o)) => assert_eq!(o.target.map(|t| t.pid), Some(2)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn credentials_and_dirs() {
        let o = run(&[
            "-S",
            "follow",
            "-G",
            "5",
            "-r",
            "-w/tmp",
            "-F",
            "--keep-caps",
        ]);
        assert_eq!(o.uid, Some(IdArg::Follow));
        assert_eq!(o.gid, Some(IdArg::Id(5)));
        assert_eq!(o.root, Some(DirArg::Target));
        assert_eq!(o.wd, Some(DirArg::Path("/tmp".into())));
        assert!(o.no_fork && o.keep_caps);
        assert_eq!(
            parse(["-S", "x"].map(OsString::from)),
            Err(CliError::Value("failed to parse uid: 'x'".into()))
        );
        assert_eq!(
            parse(["-w", "-W/x"].map(OsString::from)),
            Err(CliError::Value(
                "options --wd and --wdns cannot be combined".into()
            ))
        );
    }

    #[test]
    fn options_stop_at_the_program() {
        let o = run(&["-a", "ls", "-l", "-m"]);
        assert!(o.all);
        assert_eq!(o.program, vec!["ls", "-l", "-m"]);
        assert_eq!(o.namespaces[idx('m')], None);
    }
}
