//! `pivot_root`: move the root mount of the calling process's mount
//! namespace, a drop-in for util-linux 2.42 `pivot_root(8)`.
//!
//! # Model
//!
//! ```text
//! argv ──cli::parse──▶ Action ──pivot::pivot──▶ pivot_root(2)
//! ```
//!
//! The tool is a thin front end to the system call: it makes NEW_ROOT the
//! root mount and puts the old root mount at PUT_OLD. It changes neither the
//! working directory nor the root directory of the process (the usual recipe
//! is `cd NEW_ROOT; pivot_root . put_old; exec chroot . COMMAND`).
//!
//! util-linux insists on exactly two words after the program name, counted
//! before option parsing, so `pivot_root -- a b` is a usage error; [`cli`]
//! keeps that rule.
#![deny(missing_docs)]

pub mod cli;
mod pivot;

use common::cli::UsageError;
use nix::errno::Errno;
use std::ffi::OsString;

/// What makes pivot_root fail.
#[derive(Debug)]
pub enum Error {
    /// A getopt error (unknown option): reported with argv\[0\] as given,
    /// then `Try 'pivot_root --help' ...`.
    Getopt(UsageError),
    /// `bad usage`: the message plus `Try 'pivot_root --help' ...`.
    Usage(UsageError),
    /// pivot_root(2) failed.
    Pivot {
        /// NEW_ROOT as given.
        new_root: OsString,
        /// PUT_OLD as given.
        put_old: OsString,
        /// The error.
        errno: Errno,
    },
}

impl Error {
    /// The exit status for this error (always 1, as util-linux).
    pub fn exit_code(&self) -> i32 {
        1
    }

    /// Prints the error and returns [`Error::exit_code`].
    pub fn report(&self, prog: &str) -> i32 {
        match self {
            Error::Usage(e) | Error::Getopt(e) => return e.report(prog),
            Error::Pivot {
                new_root,
                put_old,
                errno,
            } => common::error::warn_bytes(
                prog,
                &[
                    b"failed to change root from `",
                    new_root.as_encoded_bytes(),
                    b"' to `",
                    put_old.as_encoded_bytes(),
                    format!("': {}", common::error::strerror(*errno)).as_bytes(),
                ]
                .concat(),
            ),
        }
        self.exit_code()
    }
}

impl From<UsageError> for Error {
    fn from(e: UsageError) -> Self {
        Error::Getopt(e)
    }
}

/// Runs pivot_root with `args` (argv, argv\[0\] included); returns the exit
/// status.
pub fn main(args: impl IntoIterator<Item = OsString>) -> i32 {
    let mut args = args.into_iter();
    let argv0 = args.next();
    let prog = argv0
        .as_ref()
        .and_then(|a| std::path::Path::new(a).file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "pivot_root".to_owned());
    match cli::parse(args) {
        Ok(cli::Action::Help) => cli::print_help(&prog),
        Ok(cli::Action::Version) => cli::print_version(&prog),
        Ok(cli::Action::Pivot { new_root, put_old }) => match pivot::pivot(&new_root, &put_old) {
            Ok(()) => 0,
            Err(e) => e.report(&prog),
        },
        Err(e) => e.report(&prog),
    }
}
