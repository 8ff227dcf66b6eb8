//! `unshare`: run a program with some namespaces unshared from the caller,
//! a drop-in for util-linux 2.42 `unshare(1)`.
//!
//! # Model
//!
//! The tool is one straight line of steps, in util-linux's order
//! (reference §2.2), taken by at most five processes:
//!
//! ```text
//! argv ──cli::parse──▶ Options ──unshare::run──▶ exec(program)
//!
//!  unshare process        bind helper (only --NS=FILE with -m or -U)
//!  ───────────────        ───────────
//!  fork helper ─────────▶ waits, still in the original mount/user ns
//!  fork map helper ─────▶ (only id blocks, or --owner with a single map)
//!  [--owner] setuid         waits, then writes /proc/PID/{u,g}id_map
//!  unshare(2)               (root) or runs newuidmap/newgidmap
//!  release map helper ──▶
//!  time offsets
//!  [--fork] fork ───────▶ child: waits until the namespaces are bound,
//!  bind NS files ◀──────       then maps ids, propagation, chroot
//!    (helper or self)          or pivot_root, /proc, binfmt,
//!  wait child, pass on         setgid/setuid, caps, environment, exec
//!  its status or signal
//!  (and its stops)
//! ```
//!
//! * [`cli`] turns argv into [`cli::Options`] (or help/version) and rejects
//!   every bad value and conflict there, before any namespace exists.
//! * `unshare` (the core) performs the steps; it prints nothing but errors.
//! * `persist` owns `--NS=FILE`: the helper forked before unshare(2), the
//!   bind mounts of `/proc/PID/ns/*`, undoing them if one fails, and an
//!   error that names the cause.
//! * `idmap` owns the block maps (`--map-users`, `--map-groups`, `auto`,
//!   `subids`, `all`): where they come from, the single map merged in with
//!   util-linux's "hole", and the map helper.
//! * `pivot` is the nsbox extension `--pivot-root=DIR`.
//! * `gate` is the one-shot go signal between those processes.
//! * `sys` holds the few system calls nix lacks; it is the only module
//!   with `unsafe`.
//!
//! Every failure is an [`Error`] that knows its exit status: 1 for errors,
//! 126/127 when the program cannot be executed, or the status the child or
//! a helper already chose.
#![deny(missing_docs)]

pub mod cli;
mod gate;
mod idmap;
mod ids;
mod persist;
mod pivot;
mod signame;
mod sys;
mod unshare;

/// The side-effect-free half of `idmap`: parsing `--map-users` and
/// `--map-groups` values, `/etc/subuid` and `uid_map` text, and merging a
/// single map into the blocks (for tests and fuzzing).
pub mod idmap_parse {
    pub use crate::idmap::{
        identity_blocks, map_text, merge, parse_block, subid_block, Block, Line,
    };
}

use common::cli::UsageError;
use common::error::{warn, with_errno};
use nix::errno::Errno;
use std::ffi::OsString;
use std::fmt;

/// Everything that makes unshare stop before (or instead of) running the
/// program.
#[derive(Debug)]
pub enum Error {
    /// A getopt error: the message plus `Try 'unshare --help' ...`.
    Usage(UsageError),
    /// errx(3) style: `unshare: MESSAGE`.
    Msg(String),
    /// err(3) style: `unshare: MESSAGE: strerror`.
    Sys(String, Errno),
    /// An error followed by a line that explains its cause.
    Explained(Box<Error>, String),
    /// Already reported (by us, a helper or the program); exit with this.
    Status(i32),
}

impl Error {
    /// err(3) style error from a message and an errno.
    pub fn sys(message: impl fmt::Display, errno: Errno) -> Self {
        Error::Sys(message.to_string(), errno)
    }

    /// The exit status of the tool for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Status(code) => *code,
            Error::Explained(inner, _) => inner.exit_code(),
            Error::Usage(_) | Error::Msg(_) | Error::Sys(..) => 1,
        }
    }

    /// Prints the error (if it has not been printed yet) and returns
    /// [`Error::exit_code`].
    pub fn report(&self, prog: &str) -> i32 {
        match self {
            Error::Usage(e) => return e.report(prog),
            Error::Msg(m) => warn(prog, m),
            Error::Sys(m, errno) => warn(prog, with_errno(m, *errno)),
            Error::Explained(inner, why) => {
                inner.report(prog);
                warn(prog, why);
            }
            Error::Status(_) => {}
        }
        self.exit_code()
    }
}

impl From<UsageError> for Error {
    fn from(e: UsageError) -> Self {
        Error::Usage(e)
    }
}

/// Runs unshare with `args` (argv, argv\[0\] included) and returns the exit
/// status. Returns only on failure or with `--fork` (the child's status);
/// otherwise the process becomes the program.
pub fn main(args: impl IntoIterator<Item = OsString>) -> i32 {
    let mut args = args.into_iter();
    let argv0 = args.next();
    let prog = common::error::prog_name(argv0.as_ref(), "unshare");
    let ctx = cli::Context::from_system();
    match cli::parse(args, &ctx) {
        Ok(cli::Action::Help) => cli::print_help(&prog),
        Ok(cli::Action::Version) => cli::print_version(&prog),
        Ok(cli::Action::Run(options)) => match unshare::run(&prog, &options) {
            Ok(status) => status,
            Err(e) => e.report(&prog),
        },
        Err(e) => e.report(&prog),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes() {
        assert_eq!(Error::Msg("x".into()).exit_code(), 1);
        assert_eq!(Error::sys("x", Errno::EPERM).exit_code(), 1);
        assert_eq!(Error::Status(127).exit_code(), 127);
        assert_eq!(Error::Usage(UsageError::new("x")).exit_code(), 1);
    }
}
