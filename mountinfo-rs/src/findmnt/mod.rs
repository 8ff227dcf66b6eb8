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
mod listmount;
mod poll;
mod receivers;
mod rows;
pub(crate) use rows::streq_paths;
pub mod tabs;
mod tags;
mod verify;

use crate::mountinfo::{MountEntry, MountTable};
/// The option table, for generated shell completions.
pub use cli::OPTIONS;
use cli::{Action, Options, Output, Source};
/// Every output column, for generated shell completions (`-o`).
pub use columns::ALL_COLUMNS;
use common::cli::UsageError;
use common::error::{finish_stdout, version_line, warn, with_errno};
use common::filter::Filter;
use common::table::{Format, Table};
use rows::{Entry, Finder};
use std::ffi::OsString;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use tabs::TabFormat;

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

/// Parses argv (without argv\[0\]) as [`main`] does, and stops there:
/// nothing is read, printed or run (for tests and fuzzing).
///
/// # Errors
/// The usage or value error [`main`] would report.
pub fn parse_args(args: impl IntoIterator<Item = OsString>) -> Result<(), Error> {
    cli::parse(args).map(|_| ())
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

/// Reads a whole table file in 64 KiB steps: the kernel generates
/// `/proc/PID/mountinfo` per read, and much larger reads of a big table are
/// several times slower (what `std::fs::read` would do as its buffer grows).
/// A buffer that grows past 2 MiB is put in huge pages.
fn read_file(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let mut data = Vec::new();
    loop {
        let capacity = data.capacity();
        if (&mut f).take(1 << 16).read_to_end(&mut data)? == 0 {
            return Ok(data);
        }
        if data.capacity() != capacity {
            common::mem::advise_huge_pages(&data);
        }
    }
}

/// The line without its leading spaces and tabs.
fn skip_blank(line: &[u8]) -> &[u8] {
    let n = line
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    &line[n..]
}

/// One parsed line: the entry and, for fstab lines, what fstab adds.
pub type Parsed = (MountEntry, Option<tabs::Extra>);

/// Parses a table file line by line with libmount's line rules: a trailing
/// `\r` is dropped, leading blanks are skipped, blank lines and `#` comments
/// are ignored. The table's format is guessed from its first line (and then
/// kept for the files that follow); a mountinfo line without superblock
/// options is malformed. Returns the entries and the numbers of the bad
/// lines (counting every line).
pub fn parse_lines(data: &[u8], format: &mut Option<TabFormat>) -> (Vec<Parsed>, Vec<usize>) {
    let mut entries = Vec::new();
    let bad = parse_lines_into(data, format, |p| entries.push(p));
    (entries, bad)
}

/// [`parse_lines`], handing each entry to `push` as it is parsed (a large
/// table is not held twice); returns the numbers of the bad lines.
fn parse_lines_into(
    data: &[u8],
    format: &mut Option<TabFormat>,
    mut push: impl FnMut(Parsed),
) -> Vec<usize> {
    let mut bad = Vec::new();
    for (n, line) in crate::sys::table_lines(data).enumerate() {
        let Some(line) = line else {
            bad.push(n + 1);
            continue;
        };
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let line = skip_blank(line);
        if line.is_empty() || line[0] == b'#' {
            continue;
        }
        let fmt = *format.get_or_insert_with(|| tabs::guess_format(line));
        if fmt == TabFormat::Swaps && line.starts_with(tabs::SWAPS_HEADER) {
            continue;
        }
        let parsed = match fmt {
            TabFormat::Mountinfo => MountEntry::parse(line).map(|e| (e, None)),
            TabFormat::Fstab => tabs::parse_fstab_line(line).map(|(e, x)| (e, Some(x))),
            TabFormat::Swaps => tabs::parse_swaps_line(line).map(|(e, x)| (e, Some(x))),
        };
        match parsed {
            Some(p) => push(p),
            None => bad.push(n + 1),
        }
    }
    bad
}

/// The entries of a mountinfo text (bad lines skipped).
fn parse_lines_mountinfo(data: &[u8]) -> Vec<MountEntry> {
    parse_table(data).entries
}

/// A mountinfo text parsed with [`parse_lines`].
fn parse_table(data: &[u8]) -> MountTable {
    let (entries, bad_lines) = parse_lines(data, &mut Some(TabFormat::Mountinfo));
    MountTable {
        entries: entries.into_iter().map(|(e, _)| e).collect(),
        bad_lines,
    }
}

/// The `*.fstab` files of a directory, by name (libmount
/// `mnt_table_parse_dir()`), or the path itself.
fn fstab_files(path: &Path) -> Vec<PathBuf> {
    let Ok(dir) = std::fs::read_dir(path) else {
        return vec![path.to_path_buf()];
    };
    let mut files: Vec<PathBuf> = dir
        .filter_map(Result::ok)
        .map(|d| d.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.as_bytes().ends_with(b".fstab") && n.as_bytes()[0] != b'.')
                && p.is_file()
        })
        .collect();
    files.sort();
    files
}

/// The entries read, and whether they came from mountinfo-format files.
struct Loaded {
    entries: Vec<Entry>,
    kernel: bool,
    parse_errors: usize,
}

/// Reads every table file; parse errors are reported and skipped.
fn read_entries(opts: &Options) -> Result<Loaded, Error> {
    if opts.source == Source::Listmount {
        let mounts = listmount::fetch()
            .map_err(|e| Error::Fatal(with_errno("failed to fetch mount nodes", e)))?;
        let entries = mounts
            .into_iter()
            .map(|(e, uniq_id)| {
                Entry::new(e, 0).with_extra(Some(tabs::Extra {
                    uniq_id,
                    ..tabs::Extra::default()
                }))
            })
            .collect();
        return Ok(Loaded {
            entries,
            kernel: true,
            parse_errors: 0,
        });
    }
    let mut format = None;
    // (path, name in messages)
    let files: Vec<(PathBuf, String)> = match opts.source {
        Source::Fstab => {
            format = Some(TabFormat::Fstab);
            let (paths, default) = if opts.files.is_empty() {
                (vec![tabs::fstab_path()], true)
            } else {
                (opts.files.clone(), false)
            };
            let mut files = Vec::new();
            for p in paths {
                let name = if default {
                    String::from("(null)")
                } else {
                    p.display().to_string()
                };
                // libmount `mnt_table_parse_fstab()`: a directory or a
                // regular file, anything else (a device, a FIFO) is refused
                // unread, with the errno util-linux 2.38 leaves (ENOENT).
                let errno = match std::fs::metadata(&p) {
                    Err(e) => Some(nix::errno::Errno::from_raw(
                        e.raw_os_error().unwrap_or(libc::EIO),
                    )),
                    Ok(m) if !m.is_file() && !m.is_dir() => Some(nix::errno::Errno::ENOENT),
                    Ok(_) => None,
                };
                if let Some(errno) = errno {
                    return Err(Error::Fatal(with_errno(
                        format!("can't read {name}"),
                        errno,
                    )));
                }
                files.extend(fstab_files(&p).into_iter().map(|f| {
                    let n = f.display().to_string();
                    (f, n)
                }));
            }
            files
        }
        _ if opts.files.is_empty() => vec![(
            PathBuf::from("/proc/self/mountinfo"),
            String::from("/proc/self/mountinfo"),
        )],
        _ => opts
            .files
            .iter()
            .map(|f| (f.clone(), f.display().to_string()))
            .collect(),
    };
    let mut entries = Vec::new();
    let mut parse_errors = 0;
    for (file, name) in &files {
        let data = read_file(file).map_err(|e| {
            let errno = nix::errno::Errno::from_raw(e.raw_os_error().unwrap_or(libc::EIO));
            Error::Fatal(with_errno(format!("can't read {name}"), errno))
        })?;
        // Room for every line at once (a mountinfo line is longer than
        // 40 bytes), in huge pages when the table is big.
        entries.reserve(data.len() / 40);
        common::mem::advise_huge_pages(&entries);
        let tid = path_to_tid(file);
        // libmount `kernel_fs_postparse()`: the kernel's `/dev/root` in a
        // mountinfo table, guessed once per file.
        let mut root_dev: Option<Option<std::ffi::OsString>> = None;
        let bad = parse_lines_into(&data, &mut format, |(mut e, x)| {
            if x.is_none() && e.source.as_bytes() == b"/dev/root" {
                let dev = root_dev.get_or_insert_with(|| system_root(e.major, e.minor));
                if let Some(dev) = dev {
                    e.source = dev.clone().into();
                }
            }
            entries.push(Entry::new(e, tid).with_extra(x));
        });
        parse_errors += bad.len();
        for line in &bad {
            warn(
                PROG,
                format!("{name}: parse error at line {line} -- ignored"),
            );
        }
    }
    let kernel = !matches!(format, Some(TabFormat::Fstab | TabFormat::Swaps));
    // libmount `__mnt_table_parse_mountinfo()`: -m merges utab into any
    // table in mountinfo format, `-F /proc/PID/mountinfo` too.
    if opts.source == Source::Mtab && kernel && !entries.is_empty() {
        merge_utab(&mut entries);
    }
    Ok(Loaded {
        entries,
        kernel,
        parse_errors,
    })
}

/// libmount `mnt_guess_system_root()` for the kernel's `/dev/root`: the
/// device node of block device MAJ:MIN when the major number is not 0,
/// else (or when sysfs does not know it) the kernel command line's last
/// `root=`: `MAJ:MIN`, hexadecimal `MMmm` (the kernel's encoding), or a
/// device path or tag, resolved.
fn system_root(major: u32, minor: u32) -> Option<std::ffi::OsString> {
    use std::os::unix::ffi::OsStringExt;
    if major > 0 {
        if let Some(dev) = devno_to_devpath(major, minor) {
            return Some(dev);
        }
    }
    let spec = kernel_cmdline_option(&std::fs::read("/proc/cmdline").ok()?, b"root=")?;
    if let Some((x, y)) = std::str::from_utf8(&spec)
        .ok()
        .and_then(|s| s.split_once(':'))
        .and_then(|(x, y)| Some((x.parse().ok()?, y.parse().ok()?)))
    {
        return devno_to_devpath(x, y);
    }
    if !spec.is_empty() && spec.iter().all(u8::is_ascii_hexdigit) {
        let n = u32::from_str_radix(std::str::from_utf8(&spec).ok()?, 16).ok()?;
        return devno_to_devpath((n & 0xfff00) >> 8, (n & 0xff) | ((n >> 12) & 0xfff00));
    }
    rows::resolve_spec(&spec).map(std::ffi::OsString::from_vec)
}

/// util-linux `sysfs_devno_to_devpath()`: `/dev/NAME` for block device
/// MAJ:MIN, NAME being its sysfs directory's (`!` for `/`).
fn devno_to_devpath(major: u32, minor: u32) -> Option<std::ffi::OsString> {
    use std::os::unix::ffi::OsStringExt;
    let link = std::fs::read_link(format!("/sys/dev/block/{major}:{minor}")).ok()?;
    let name = link.file_name()?.as_bytes();
    let mut dev = b"/dev/".to_vec();
    dev.extend(name.iter().map(|&b| if b == b'!' { b'/' } else { b }));
    Some(std::ffi::OsString::from_vec(dev))
}

/// libmount `mnt_get_kernel_cmdline_option()` for an option `NAME=`: the
/// value of its last occurrence as a whole word in the first line of
/// `cmdline`, before a ` -- `.
fn kernel_cmdline_option(cmdline: &[u8], name: &[u8]) -> Option<Vec<u8>> {
    let line = cmdline.split(|&b| b == b'\n').next()?;
    let line = match line.windows(4).position(|w| w == b" -- ") {
        Some(end) => &line[..end],
        None => line,
    };
    line.split(|&b| b == b' ' || b == b'\t')
        .rev()
        .find_map(|word| word.strip_prefix(name))
        .map(<[u8]>::to_vec)
}

/// libmount `mnt_table_merge_user_fs()`: the userspace options recorded in
/// utab are added to the OPTIONS of the mount they belong to: searching
/// from the last mount, the one with the recorded ID, else the one with the
/// same root, mount point and source; a mount takes one record at most.
fn merge_utab(entries: &mut [Entry]) {
    let Ok(data) = std::fs::read(crate::mount::utab::path()) else {
        return;
    };
    let mut merged = vec![false; entries.len()];
    // libmount walks utab backward: of two records for one mount, the
    // last one written is merged.
    for u in crate::mount::utab::parse(&data).iter().rev() {
        let Some(opts) = u.mergeable_options() else {
            continue;
        };
        let found = entries
            .iter()
            .enumerate()
            .rev()
            .position(|(i, e)| !merged[i] && u.describes(&e.mount));
        if let Some(pos) = found {
            let i = entries.len() - 1 - pos;
            merged[i] = true;
            let e = &mut entries[i];
            let mut options = e.mount.options();
            options.push(b',');
            options.extend_from_slice(opts.as_bytes());
            e.extra = Some(Box::new(tabs::Extra {
                options,
                user_options: opts.as_bytes().to_vec(),
                ..tabs::Extra::default()
            }));
        }
    }
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
fn bind_filter(query: &[u8], opts: &Options) -> Result<Filter<columns::Col>, Error> {
    let mut f = Filter::parse(query).map_err(|msg| {
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
    if opts.list_columns {
        return list_columns(opts);
    }
    if let Some(path) = &opts.receivers {
        return receivers::run(path, opts);
    }
    let Loaded {
        entries,
        kernel,
        parse_errors,
    } = match read_entries(opts) {
        Ok(e) => e,
        Err(e) => return e.report(),
    };
    let mut opts = opts.clone();
    // findmnt `verify_table()` walks the table forward, whatever -d says.
    opts.backward &= !opts.verify;
    // findmnt `tab_is_tree()`: a non-empty mountinfo table has a tree.
    let is_tree = kernel && !entries.is_empty();
    // The containing mount point is looked for in kernel tables only.
    let kernel_tab = opts.source != Source::Fstab && (opts.source != Source::Mtab || kernel);
    if is_tree && opts.force_tree {
        opts.tree = true;
    }
    if opts.tree && (opts.files.len() > 1 || !is_tree) {
        opts.tree = false;
    }
    let opts = &opts;

    let uri = opts.hyperlink.then(host_uri);
    let make_table = || {
        let columns = opts
            .columns
            .iter()
            .map(|&c| {
                let mut col = c.column(opts.tree, opts.bytes);
                col.trunc &= !opts.notruncate;
                match &uri {
                    Some(u) if c == columns::Col::Target => col.uri(u.clone()),
                    _ => col,
                }
            })
            .collect();
        let mut table = Table::new("filesystems", columns);
        table.format = opts.output.format();
        table.noheadings = opts.noheadings;
        table.ascii = opts.ascii;
        table.shellvar = opts.shellvar;
        table
    };
    let table = make_table();

    let filter = match &opts.filter {
        None => None,
        Some(query) => match bind_filter(query, opts) {
            Ok(f) => Some(f),
            Err(e) => return e.report(),
        },
    };
    if opts.poll {
        let file = opts
            .files
            .first()
            .cloned()
            .unwrap_or_else(|| PathBuf::from("/proc/self/mountinfo"));
        return poll::run(opts, entries, &file, &make_table);
    }
    let mut finder = Finder::new(entries, opts, table, filter);
    if opts.verify {
        return run_verify(&mut finder, opts, parse_errors);
    }
    let ok = if opts.tree && !opts.submounts {
        finder.tree(None, None)
    } else {
        let mut ok = finder.list();
        if !ok && kernel_tab && finder.noswapmatch() && !opts.strict_target && finder.has_target() {
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
    // Left to the exit, like the entries.
    std::mem::forget(table);
    finish_stdout(PROG, r, 0)
}

/// `--verify` over the entries the filters select.
fn run_verify(finder: &mut Finder<'_>, opts: &Options, parse_errors: usize) -> i32 {
    let found = finder.matching();
    // (options, VFS, filesystem and userspace parts) of each entry.
    type Parts = (Vec<u8>, Vec<u8>, Vec<u8>, Vec<u8>);
    let parts: Vec<Parts> = found
        .iter()
        .map(|&i| {
            let e = finder.entry(i);
            let user = e
                .extra
                .as_ref()
                .map(|x| x.user_options.clone())
                .unwrap_or_default();
            (
                e.options(),
                e.mount.vfs_options.as_bytes().to_vec(),
                e.mount.fs_options.as_bytes().to_vec(),
                user,
            )
        })
        .collect();
    let items: Vec<verify::Item<'_>> = found
        .iter()
        .zip(&parts)
        .map(|(&i, (options, vfs, fs, user))| {
            let e = finder.entry(i);
            verify::Item {
                index: i,
                target: e.mount.target.as_bytes(),
                source: e.mount.source.as_bytes(),
                fstype: e.mount.fstype.as_bytes(),
                options,
                vfs,
                fs,
                user,
                passno: e.extra.as_ref().map_or(0, |x| x.passno),
            }
        })
        .collect();
    // The order check looks at every later entry of the table, selected
    // or not (findmnt `verify_order()`).
    let targets: Vec<&[u8]> = (0..finder.len())
        .map(|i| finder.entry(i).mount.target.as_bytes())
        .collect();
    verify::verify(
        &items,
        &targets,
        parse_errors,
        opts.verbose,
        cli::is_listall(opts),
        opts.nocanonicalize,
    )
}

/// `-H`: every column with its JSON type and what it shows, as a table
/// without header (`findmnt-columns` in JSON).
fn list_columns(opts: &Options) -> i32 {
    use common::table::Column;
    let mut table = Table::new(
        "findmnt-columns",
        vec![
            Column::new("HOLDER").right(),
            Column::new("TYPE"),
            Column::new("DESCRIPTION"),
        ],
    );
    table.noheadings = true;
    table.format = match opts.output {
        Output::Raw => Format::Raw,
        Output::Json => Format::Json,
        _ => Format::Human,
    };
    for &c in columns::ALL_COLUMNS {
        let line = table.add_line(None);
        let ty = match c {
            columns::Col::Size | columns::Col::Avail | columns::Col::Used => "<string|number>",
            _ => c.type_name(opts.bytes),
        };
        table.set_cell(line, 0, c.name());
        table.set_cell(line, 1, ty);
        table.set_cell(line, 2, c.description());
    }
    let r = table.print(&mut std::io::stdout().lock());
    finish_stdout(PROG, r, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_format_is_guessed_once_per_table() {
        let mut f = None;
        let (e, bad) = parse_lines(b"# c\n/dev/sda1 / ext4 defaults 0 1\n", &mut f);
        assert_eq!((e.len(), bad.len()), (1, 0));
        assert_eq!(f, Some(TabFormat::Fstab));
        let (e, bad) = parse_lines(b"15 20 0:3 / /proc rw - proc proc rw\n", &mut f);
        assert_eq!((e.len(), bad), (0, vec![1]));
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
    fn dev_root_needs_a_block_device() {
        assert_eq!(system_root(0, 0), None);
    }

    #[test]
    fn tid_comes_from_the_proc_directory() {
        assert_eq!(path_to_tid(Path::new("/nonexistent/mountinfo")), 0);
        let me = std::process::id() as i32;
        assert_eq!(path_to_tid(Path::new("/proc/self/mountinfo")), me);
    }
}
