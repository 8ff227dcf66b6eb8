//! umount's command line: argv to [`Action`], conflicts rejected here
//! (util-linux 2.42 `sys-utils/umount.c`: `-A/-a`, `-R/-a`, `-O/-R/-t` and
//! `-R/-r` exclude one another; no target is `bad usage`).

use super::UmountError;
use common::cli::{self, HasArg, OptSpec, Order, UsageError};
use std::ffi::OsString;

/// The options of umount.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opt {
    /// `-a`
    All,
    /// `-A`
    AllTargets,
    /// `-d`
    DetachLoop,
    /// `--fake`
    Fake,
    /// `-f`
    Force,
    /// `-h`
    Help,
    /// `-i`
    InternalOnly,
    /// `-l`
    Lazy,
    /// `-c`
    NoCanonicalize,
    /// `-n`
    NoMtab,
    /// `-q`
    Quiet,
    /// `-r`
    ReadOnly,
    /// `-R`
    Recursive,
    /// `-O`
    TestOpts,
    /// `-t`
    Types,
    /// `-v`
    Verbose,
    /// `-V`
    Version,
    /// `-N`
    Namespace,
    /// `-g`
    Graceful,
}

const fn o(short: Option<char>, long: &'static str, arg: HasArg, id: Opt) -> OptSpec<Opt> {
    OptSpec::new(short, long, arg, id)
}

/// The option table (util-linux 2.42 `longopts[]`).
pub const OPTIONS: &[OptSpec<Opt>] = &[
    o(Some('a'), "all", HasArg::No, Opt::All),
    o(Some('A'), "all-targets", HasArg::No, Opt::AllTargets),
    o(Some('d'), "detach-loop", HasArg::No, Opt::DetachLoop),
    o(None, "fake", HasArg::No, Opt::Fake),
    o(Some('f'), "force", HasArg::No, Opt::Force),
    o(Some('g'), "graceful", HasArg::No, Opt::Graceful),
    o(Some('h'), "help", HasArg::No, Opt::Help),
    o(Some('i'), "internal-only", HasArg::No, Opt::InternalOnly),
    o(Some('l'), "lazy", HasArg::No, Opt::Lazy),
    o(
        Some('c'),
        "no-canonicalize",
        HasArg::No,
        Opt::NoCanonicalize,
    ),
    o(Some('n'), "no-mtab", HasArg::No, Opt::NoMtab),
    o(Some('q'), "quiet", HasArg::No, Opt::Quiet),
    o(Some('r'), "read-only", HasArg::No, Opt::ReadOnly),
    o(Some('R'), "recursive", HasArg::No, Opt::Recursive),
    o(Some('O'), "test-opts", HasArg::Required, Opt::TestOpts),
    o(Some('t'), "types", HasArg::Required, Opt::Types),
    o(Some('v'), "verbose", HasArg::No, Opt::Verbose),
    o(Some('V'), "version", HasArg::No, Opt::Version),
    o(Some('N'), "namespace", HasArg::Required, Opt::Namespace),
];

/// Options that exclude one another: util-linux's `excl[]` rows, in its order (see [`cli::Exclusive`]).
const EXCLUSIVE: &[&[Opt]] = &[
    &[Opt::AllTargets, Opt::All],
    &[Opt::Recursive, Opt::All],
    &[Opt::TestOpts, Opt::Recursive, Opt::Types],
    &[Opt::Recursive, Opt::ReadOnly],
];

/// What umount was asked to do.
#[derive(Debug, PartialEq, Eq)]
pub enum Action {
    /// `-h`
    Help,
    /// `-V`
    Version,
    /// Unmount the targets.
    Umount(Request),
}

/// An unmount request.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Request {
    /// Mount points or sources, in order.
    pub targets: Vec<OsString>,
    /// `-l`: `MNT_DETACH`.
    pub lazy: bool,
    /// `-f`: `MNT_FORCE`.
    pub force: bool,
    /// `-R`: children first.
    pub recursive: bool,
    /// `-r`: remount read-only when busy.
    pub rdonly: bool,
    /// `-v`.
    pub verbose: bool,
    /// `-q`: no "not mounted" messages.
    pub quiet: bool,
    /// `--fake`.
    pub fake: bool,
    /// `-c`.
    pub no_canonicalize: bool,
    /// `-N`: the namespace file.
    pub namespace: Option<OsString>,
    /// `-a`.
    pub all: bool,
    /// `-A`.
    pub all_targets: bool,
    /// `-d`: detach the loop device after unmounting.
    pub detach_loop: bool,
    /// `-t`: type pattern (for `-a`).
    pub types: Option<String>,
    /// `-O`: option pattern (for `-a`).
    pub test_opts: Option<String>,
    /// `-g`: a target that is not mounted is not an error.
    pub graceful: bool,
    /// `-i`: never run a `/sbin/umount.TYPE` helper.
    pub internal: bool,
    /// `-n`: passed on to helpers.
    pub nomtab: bool,
    /// An option was given that a setuid umount drops its privileges for.
    pub privileged_opts: bool,
}

fn text(value: Option<OsString>) -> Result<String, UmountError> {
    let v = value.unwrap_or_default();
    v.into_string()
        .map_err(|_| UmountError::Usage(UsageError::new("invalid argument")))
}

/// Parses argv (without argv\[0\]).
///
/// # Errors
/// A getopt error, a conflict, `bad usage`, or an unimplemented option.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Action, UmountError> {
    let parsed = cli::parse(args, OPTIONS, Order::Permute).map_err(UmountError::Usage)?;
    let mut req = Request::default();
    let mut exclusive = cli::Exclusive::new(OPTIONS, EXCLUSIVE);
    for (opt, value) in parsed.opts {
        exclusive.check(opt).map_err(UmountError::Plain)?;
        if !matches!(
            opt,
            Opt::Help
                | Opt::DetachLoop
                | Opt::InternalOnly
                | Opt::Lazy
                | Opt::Quiet
                | Opt::Version
                | Opt::Verbose
        ) {
            req.privileged_opts = true;
        }
        match opt {
            Opt::Help => return Ok(Action::Help),
            Opt::Version => return Ok(Action::Version),
            Opt::Fake => req.fake = true,
            Opt::Force => req.force = true,
            Opt::Lazy => req.lazy = true,
            Opt::NoCanonicalize => req.no_canonicalize = true,
            Opt::Quiet => req.quiet = true,
            Opt::ReadOnly => req.rdonly = true,
            Opt::Recursive => req.recursive = true,
            Opt::Verbose => req.verbose = true,
            Opt::InternalOnly => req.internal = true,
            Opt::NoMtab => req.nomtab = true,
            Opt::Namespace => {
                let v = value.unwrap_or_default();
                let pid = v
                    .to_str()
                    .and_then(|s| s.parse::<u32>().ok())
                    .filter(|p| *p > 0);
                let path: OsString = match pid {
                    Some(pid) => format!("/proc/{pid}/ns/mnt").into(),
                    None => v,
                };
                // libmount opens it while the options are read, before any
                // other check (`mnt_context_set_target_ns()`).
                if let Err(errno) = crate::sys::open_mount_ns(&path) {
                    return Err(UmountError::Status(
                        common::error::with_errno(
                            format!(
                                "failed to set target namespace to {}",
                                path.to_string_lossy()
                            ),
                            errno,
                        ),
                        super::EX_SYSERR,
                    ));
                }
                req.namespace = Some(path);
            }
            Opt::All => req.all = true,
            Opt::AllTargets => req.all_targets = true,
            Opt::DetachLoop => req.detach_loop = true,
            Opt::TestOpts => req.test_opts = Some(text(value)?),
            Opt::Types => req.types = Some(text(value)?),
            Opt::Graceful => req.graceful = true,
        }
    }
    if req.all {
        return Ok(Action::Umount(req));
    }
    if parsed.operands.is_empty() {
        return Err(UmountError::Usage(UsageError::new("bad usage")));
    }
    req.targets = parsed.operands;
    Ok(Action::Umount(req))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Action, UmountError> {
        parse(args.iter().map(OsString::from))
    }

    #[test]
    fn conflicts_and_bad_usage() {
        match p(&["-R", "-r", "/x"]) {
            Err(UmountError::Plain(m)) => {
                assert_eq!(m, "options --recursive and --read-only cannot be combined")
            }
            other => panic!("{other:?}"),
        }
        match p(&[]) {
            Err(UmountError::Usage(u)) => assert_eq!(u.message(), "bad usage"),
            other => panic!("{other:?}"),
        }
        match p(&["--bogus"]) {
            Err(UmountError::Usage(u)) => assert_eq!(u.message(), "unrecognized option '--bogus'"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn flags_and_targets() {
        match p(&["-lfvq", "/a", "/b"]) {
            Ok(Action::Umount(r)) => {
                assert!(r.lazy && r.force && r.verbose && r.quiet && !r.recursive);
                assert_eq!(r.targets, ["/a", "/b"]);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(p(&["-h", "--bogus"]).ok(), Some(Action::Help));
        let own = std::process::id().to_string();
        match p(&["-N", &own, "/a"]) {
            Ok(Action::Umount(r)) => {
                let want = format!("/proc/{own}/ns/mnt");
                assert_eq!(r.namespace.as_deref(), Some(want.as_ref()))
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            p(&["-N", "/dev/null", "/a"]),
            Err(UmountError::Status(_, 2))
        ));
    }

    #[test]
    fn all_all_targets_detach_graceful_types() {
        match p(&["-a", "-t", "tmpfs", "-v"]) {
            Ok(Action::Umount(r)) => {
                assert!(r.all && r.verbose && r.targets.is_empty() && r.privileged_opts);
                assert_eq!(r.types.as_deref(), Some("tmpfs"));
            }
            other => panic!("{other:?}"),
        }
        match p(&["-Adg", "/x"]) {
            Ok(Action::Umount(r)) => {
                assert!(r.all_targets && r.detach_loop && r.graceful);
            }
            other => panic!("{other:?}"),
        }
        match p(&["-dlqv", "/x"]) {
            Ok(Action::Umount(r)) => assert!(!r.privileged_opts),
            other => panic!("{other:?}"),
        }
        match p(&["-a", "-A"]) {
            Err(UmountError::Plain(m)) => {
                assert_eq!(m, "options --all and --all-targets cannot be combined")
            }
            other => panic!("{other:?}"),
        }
    }
}
