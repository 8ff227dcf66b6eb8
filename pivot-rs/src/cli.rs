//! argv → [`Action`]: `-h`, `-V` and exactly two operands.
#![forbid(unsafe_code)]

use crate::Error;
use common::cli::{parse as getopt, HasArg, OptSpec, Order, UsageError};
use std::ffi::OsString;
use std::io::Write;

/// Identifies an option of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)] // one variant per option, named after it
pub enum Opt {
    Help,
    Version,
}

/// The option table.
pub const OPTIONS: &[OptSpec<Opt>] = &[
    // util-linux's order (getopt lists ambiguous matches in it).
    OptSpec::new(Some('V'), "version", HasArg::No, Opt::Version),
    OptSpec::new(Some('h'), "help", HasArg::No, Opt::Help),
];

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Action {
    /// `-h`, `--help`.
    Help,
    /// `-V`, `--version`.
    Version,
    /// pivot_root(NEW_ROOT, PUT_OLD).
    Pivot {
        /// The directory that becomes the root mount.
        new_root: OsString,
        /// Where the old root mount goes.
        put_old: OsString,
    },
}

/// Parses argv (without argv\[0\]).
///
/// As util-linux, the operands are the two words after the program name
/// when there are exactly two (`argc == 3`), as getopt has permuted them:
/// `--` is then one of the two paths (`pivot_root a --` tries ``from `--'
/// to `a'``), and `pivot_root -- a b` is `bad usage`.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Action, Error> {
    let words: Vec<OsString> = args.into_iter().collect();
    let parsed = getopt(words.iter().cloned(), OPTIONS, Order::Permute)?;
    if let Some((opt, _)) = parsed.opts.first() {
        return Ok(match opt {
            Opt::Help => Action::Help,
            Opt::Version => Action::Version,
        });
    }
    match <[OsString; 2]>::try_from(words) {
        Ok([first, second]) if second == "--" && first != "--" => Ok(Action::Pivot {
            new_root: second,
            put_old: first,
        }),
        Ok([new_root, put_old]) => Ok(Action::Pivot { new_root, put_old }),
        Err(_) => Err(Error::Usage(UsageError::new("bad usage"))),
    }
}

/// Prints the help on stdout; returns the exit status.
pub fn print_help(prog: &str) -> i32 {
    let result = write!(
        std::io::stdout().lock(),
        "\nUsage:\n {prog} [options] NEW_ROOT PUT_OLD\n\n\
         Make NEW_ROOT the root mount of this mount namespace and move the old\n\
         root mount to PUT_OLD (a directory under NEW_ROOT). The working and root\n\
         directories of the calling process are left as they are.\n\n\
         Options:\n \
         -h, --help     show this help and exit\n \
         -V, --version  show the version and exit\n\n\
         See pivot_root(8).\n"
    );
    common::error::finish_stdout(prog, result, 0)
}

/// Prints the version line on stdout; returns the exit status.
pub fn print_version(prog: &str) -> i32 {
    let result = writeln!(
        std::io::stdout().lock(),
        "{}",
        common::error::version_line(prog)
    );
    common::error::finish_stdout(prog, result, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Action, String> {
        parse(args.iter().map(OsString::from)).map_err(|e| match e {
            Error::Usage(u) | Error::Getopt(u) => u.message().to_owned(),
            other => format!("{other:?}"),
        })
    }

    fn pivot(new_root: &str, put_old: &str) -> Result<Action, String> {
        Ok(Action::Pivot {
            new_root: new_root.into(),
            put_old: put_old.into(),
        })
    }

    #[test]
    fn exactly_two_words() {
        assert_eq!(p(&["new", "new/old"]), pivot("new", "new/old"));
        assert_eq!(p(&[".", "."]), pivot(".", "."));
        assert_eq!(p(&["-", "b"]), pivot("-", "b"));
        for bad in [
            &[][..],
            &["a"],
            &["a", "b", "c"],
            &["--", "a", "b"],
            &["a", "--", "b"],
        ] {
            assert_eq!(p(bad), Err("bad usage".into()), "{bad:?}");
        }
    }

    #[test]
    fn double_dash_counts_as_a_word() {
        assert_eq!(p(&["--", "a"]), pivot("--", "a"));
        assert_eq!(p(&["a", "--"]), pivot("--", "a"));
        assert_eq!(p(&["--", "--"]), pivot("--", "--"));
    }

    #[test]
    fn options() {
        assert_eq!(p(&["-h"]), Ok(Action::Help));
        assert_eq!(p(&["a", "-h"]), Ok(Action::Help));
        assert_eq!(p(&["--he"]), Ok(Action::Help));
        assert_eq!(p(&["-h", "-x"]), Ok(Action::Help));
        assert_eq!(p(&["--vers"]), Ok(Action::Version));
        assert_eq!(p(&["-V", "a", "b"]), Ok(Action::Version));
        assert_eq!(p(&["-x", "-h"]), Err("invalid option -- 'x'".into()));
        assert_eq!(p(&["--bogus"]), Err("unrecognized option '--bogus'".into()));
        assert_eq!(p(&["-x", "a", "b"]), Err("invalid option -- 'x'".into()));
    }
}
