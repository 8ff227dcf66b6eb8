//! `findmnt`: list mounted filesystems, as util-linux 2.42 findmnt does.
//!
//! [`cli`] turns argv into [`cli::Options`]; [`rows`] reads the mount table
//! and makes the output lines; `common::table` prints them. The table comes
//! from `/proc/self/mountinfo`, `-N TID`'s mountinfo or `-F` files in
//! mountinfo format (our parser, [`crate::mountinfo`]).
//!
//! Exit status: 0 when something was printed, 1 otherwise, except that a
//! tree whose filters match nothing still exits 0 (an empty tree is
//! printed); 1 for usage errors and unreadable files.

mod cli;
mod columns;
mod filter;
mod rows;

use crate::mountinfo::{MountEntry, MountTable};
use cli::{Action, Options, Output};
use common::cli::UsageError;
use common::error::{finish_stdout, version_line, warn, with_errno};
use common::table::{Format, Table};
use rows::{Entry, Finder};
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

const PROG: &str = "findmnt";

/// Why findmnt stops without output.
#[derive(Debug)]
pub enum Error {
    /// A getopt error: message and the try-help line.
    Usage(UsageError),
    /// `findmnt: MESSAGE`.
    Fatal(String),
    /// Exit 1 without a message (util-linux does so for a malformed `-o`).
    Silent,
}

impl Error {
    /// The exit status (always 1, as util-linux's findmnt).
    pub fn exit_code(&self) -> i32 {
        1
    }

    /// Prints the message, if any, and returns the exit status.
    pub fn report(&self) -> i32 {
        match self {
            Error::Usage(e) => {
                e.report(PROG);
            }
            Error::Fatal(m) => warn(PROG, m),
            Error::Silent => {}
        }
        self.exit_code()
    }
}

/// Entry point: argv (argv\[0\] included) to exit status.
pub fn main(args: impl IntoIterator<Item = OsString>) -> i32 {
    common::error::reset_sigpipe();
    common::table::init_locale();
    let mut args = args.into_iter();
    args.next();
    match cli::parse(args) {
        Err(e) => e.report(),
        Ok(Action::Help) => {
            let r = std::io::stdout().lock().write_all(cli::help().as_bytes());
            finish_stdout(PROG, r, 0)
        }
        Ok(Action::Version) => {
            let r = writeln!(std::io::stdout().lock(), "{}", version_line(PROG));
            finish_stdout(PROG, r, 0)
        }
        Ok(Action::Run(opts)) => run(&opts),
    }
}

/// libmount `path_to_tid()`: the number in `/proc/NUMBER/...` of the
/// canonical path of a mountinfo file, 0 when there is none.
fn path_to_tid(path: &Path) -> i32 {
    let Ok(real) = std::fs::canonicalize(path) else {
        return 0;
    };
    real.parent()
        .and_then(Path::file_name)
        .and_then(|n| n.to_str())
        .and_then(|n| n.parse::<i32>().ok())
        .unwrap_or(0)
}

/// True when libmount would read `data` as a mountinfo file: its first line
/// that is neither blank nor a `#` comment starts with two numbers.
fn looks_like_mountinfo(data: &[u8]) -> bool {
    let Some(line) = data
        .split(|&b| b == b'\n')
        .map(skip_blank)
        .find(|l| !l.is_empty() && l[0] != b'#')
    else {
        return true;
    };
    let mut words = line
        .split(|&b| b == b' ' || b == b'\t')
        .filter(|w| !w.is_empty());
    let num = |w: Option<&[u8]>| {
        w.and_then(|w| w.strip_prefix(b"+").or(Some(w)))
            .is_some_and(|w| w.first().is_some_and(u8::is_ascii_digit))
    };
    num(words.next()) && num(words.next())
}

/// The line without its leading spaces and tabs.
fn skip_blank(line: &[u8]) -> &[u8] {
    let n = line
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    &line[n..]
}

/// Parses a mountinfo file line by line with libmount's line rules on top
/// of our parser: a trailing `\r` is dropped, leading blanks are skipped,
/// blank lines and `#` comments are ignored, and a line without superblock
/// options is malformed. Line numbers count every line.
fn parse_table(data: &[u8]) -> MountTable {
    let mut table = MountTable::default();
    for (n, line) in data.split(|&b| b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let line = skip_blank(line);
        if line.is_empty() || line[0] == b'#' {
            continue;
        }
        match MountEntry::parse(line) {
            Some(e) if !e.fs_options.is_empty() => table.entries.push(e),
            _ => table.bad_lines.push(n + 1),
        }
    }
    table
}

/// Reads every table file; parse errors are reported and skipped.
fn read_entries(opts: &Options) -> Result<Vec<Entry>, Error> {
    let files: Vec<PathBuf> = if opts.files.is_empty() {
        vec![PathBuf::from("/proc/self/mountinfo")]
    } else {
        opts.files.clone()
    };
    let mut entries = Vec::new();
    for file in &files {
        let name = file.display();
        let data = std::fs::read(file).map_err(|e| {
            let errno = nix::errno::Errno::from_raw(e.raw_os_error().unwrap_or(libc::EIO));
            Error::Fatal(with_errno(format!("can't read {name}"), errno))
        })?;
        if !looks_like_mountinfo(&data) {
            return Err(Error::Fatal(format!(
                "{name}: only mountinfo-format files are supported by this findmnt"
            )));
        }
        let table = parse_table(&data);
        for line in &table.bad_lines {
            warn(
                PROG,
                format!("{name}: parse error at line {line} -- ignored"),
            );
        }
        let tid = path_to_tid(file);
        entries.extend(table.entries.into_iter().map(|e| Entry::new(e, tid)));
    }
    Ok(entries)
}

/// util-linux `xgethosturi(NULL)`: `file://` and the host name.
fn host_uri() -> Vec<u8> {
    let mut uri = b"file://".to_vec();
    if let Ok(name) = std::fs::read("/proc/sys/kernel/hostname") {
        uri.extend_from_slice(name.strip_suffix(b"\n").unwrap_or(&name));
    }
    uri
}

/// Parses `-Q` and binds its column names (findmnt `init_scols_filter()`):
/// each unknown name is reported, then `failed to initialize filter`.
fn bind_filter(query: &[u8], opts: &Options) -> Result<filter::Filter, Error> {
    let mut f = filter::Filter::parse(query).map_err(|msg| {
        Error::Fatal(format!(
            "failed to parse \"{}\": {msg}",
            String::from_utf8_lossy(query)
        ))
    })?;
    let bad = f.bind(&|name| {
        columns::Col::from_name(name.as_bytes()).map(|c| {
            let number = c.column(false, opts.bytes).json == common::table::JsonType::Number;
            (c, number)
        })
    });
    if bad.is_empty() {
        return Ok(f);
    }
    for name in bad {
        warn(PROG, format!("unknown column: {name}"));
    }
    Err(Error::Fatal(String::from("failed to initialize filter")))
}

/// Lists the filesystems `opts` selects; returns the exit status.
pub fn run(opts: &Options) -> i32 {
    let entries = match read_entries(opts) {
        Ok(e) => e,
        Err(e) => return e.report(),
    };
    let mut opts = opts.clone();
    // findmnt `tab_is_tree()`: a non-empty mountinfo table has a tree.
    let is_tree = !entries.is_empty();
    if is_tree && opts.force_tree {
        opts.tree = true;
    }
    if opts.tree && (opts.files.len() > 1 || !is_tree) {
        opts.tree = false;
    }
    let opts = &opts;

    let uri = opts.hyperlink.then(host_uri);
    let columns = opts
        .columns
        .iter()
        .map(|&c| {
            let col = c.column(opts.tree, opts.bytes);
            match &uri {
                Some(u) if c == columns::Col::Target => col.uri(u.clone()),
                _ => col,
            }
        })
        .collect();
    let mut table = Table::new("filesystems", columns);
    table.format = match opts.output {
        Output::Human => Format::Human,
        Output::Raw => Format::Raw,
        Output::Pairs => Format::Pairs,
        Output::Json => Format::Json,
    };
    table.noheadings = opts.noheadings;
    table.ascii = opts.ascii;
    table.shellvar = opts.shellvar;

    let filter = match &opts.filter {
        None => None,
        Some(query) => match bind_filter(query, opts) {
            Ok(f) => Some(f),
            Err(e) => return e.report(),
        },
    };
    let mut finder = Finder::new(entries, opts, table, filter);
    let ok = if opts.tree && !opts.submounts {
        finder.tree(None, None)
    } else {
        let mut ok = finder.list();
        if !ok && finder.noswapmatch() && !opts.strict_target && finder.has_target() {
            // Nothing is mounted on the path: look for the mount point
            // that contains it.
            finder.widen_target();
            ok = finder.list();
        }
        ok
    };
    if finder.filter_failed {
        warn(
            PROG,
            with_errno("failed to apply filter", nix::errno::Errno::EINVAL),
        );
        return 1;
    }
    if !ok {
        return 1;
    }
    let table = finder.into_table();
    let mut out = std::io::stdout().lock();
    let r = table.print(&mut out);
    finish_stdout(PROG, r, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mountinfo_is_recognised_like_libmount_guesses_it() {
        assert!(looks_like_mountinfo(
            b"15 20 0:3 / /proc rw - proc proc rw\n"
        ));
        assert!(looks_like_mountinfo(b"\n# c\n  15 20 x\n"));
        assert!(looks_like_mountinfo(b""));
        assert!(!looks_like_mountinfo(b"/dev/sda1 / ext4 defaults 0 1\n"));
        assert!(!looks_like_mountinfo(b"UUID=x /boot ext4 defaults\n"));
    }

    #[test]
    fn libmount_line_rules_skip_comments_blanks_and_cr() {
        let t = parse_table(
            b"# c\n  20 1 8:4 / / rw - ext3 /dev/sda4 rw\r\n\n \t\n21 20 0:5 / /a rw shared:1 - tmpfs a\nx\n",
        );
        assert_eq!(t.entries.len(), 1);
        assert_eq!(t.entries[0].fs_options, "rw");
        assert_eq!(t.bad_lines, vec![5, 6]);
    }

    #[test]
    fn tid_comes_from_the_proc_directory() {
        assert_eq!(path_to_tid(Path::new("/nonexistent/mountinfo")), 0);
        let me = std::process::id() as i32;
        assert_eq!(path_to_tid(Path::new("/proc/self/mountinfo")), me);
    }
}
