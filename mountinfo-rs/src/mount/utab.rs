//! Writing libmount's userspace mount table, `/run/mount/utab` (or
//! `$LIBMOUNT_UTAB`): the options of a mount that only userspace knows
//! (`x-*`, `_netdev`, `user`, `uhelper=`, `helper=`), which `mount`'s
//! listing and `findmnt -m` add to the kernel's.
//!
//! As util-linux 2.42 keeps it:
//!
//! * One line per mount: `ID=` (the mount ID, known for a new filesystem),
//!   `SRC=`, `TARGET=`, `ROOT=`, `BINDSRC=` (the source path of a bind
//!   mount), `ATTRS=`, `OPTS=`, in that order, space-separated; a value
//!   escapes space, tab, newline and backslash as `\ooo`.
//! * mount adds a line when the mount has such options; a remount replaces
//!   the options of the line of its mount point (the mount's recorded
//!   options and the new ones); a move changes the mount point of every line
//!   in the moved tree; umount removes the last line of its mount point.
//!   `-n` and propagation changes leave the file alone.
//! * Before the mount, the file must be writable (its directory,
//!   `/run/mount`, is created with mode 0755 when missing); if it is not,
//!   nothing is recorded and the mount goes on.
//! * Every change is made under an exclusive flock(2) of `<utab>.lock`
//!   with all signals blocked: the file is read, a new one is written beside
//!   it (`<utab>.XXXXXX`, mode 0644, the old file's owner) and renamed over
//!   it; then `<utab>.event` is touched for libmount's utab monitor.
//!
//! Where 2.42 is wrong this module is not: `UNIQID=` is followed by a space
//! (2.42 writes none, so the next field becomes part of the number; fixed
//! upstream after 2.42); `umount -r` that remounts read-only keeps the line
//! of the mount that is still there; the no-utab decision of a statfs(2)
//! lookup applies to that target only, not to every later target of the
//! same umount run.

use super::engine::{Op, Plan};
use crate::mountinfo::{unescape, MountTable};
use nix::errno::Errno;
use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The utab file: `$LIBMOUNT_UTAB` when set and not empty, else
/// `/run/mount/utab`.
pub fn path() -> PathBuf {
    std::env::var_os("LIBMOUNT_UTAB")
        .filter(|p| !p.is_empty())
        .map_or_else(|| PathBuf::from("/run/mount/utab"), PathBuf::from)
}

/// One line of utab; every field is optional.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Record {
    /// `ID=`: the mount ID (written when above 0).
    pub id: Option<u32>,
    /// `UNIQID=`: the 64-bit unique mount ID (written when above 0).
    pub uniq_id: Option<u64>,
    /// `SRC=`.
    pub source: Option<OsString>,
    /// `TARGET=`.
    pub target: Option<OsString>,
    /// `ROOT=`.
    pub root: Option<OsString>,
    /// `BINDSRC=`: the source path of a bind mount.
    pub bindsrc: Option<OsString>,
    /// `ATTRS=`.
    pub attrs: Option<OsString>,
    /// `OPTS=`: the userspace options.
    pub opts: Option<OsString>,
}

impl Record {
    /// The userspace options of a record libmount merges into the mount
    /// table (`mnt_table_merge_user_fs()`): one with a source, a mount
    /// point, a root and options, none of them empty.
    pub fn mergeable_options(&self) -> Option<&OsString> {
        let fields = [&self.source, &self.target, &self.root, &self.opts];
        if fields
            .iter()
            .any(|f| f.as_ref().is_none_or(|v| v.is_empty()))
        {
            return None;
        }
        self.opts.as_ref()
    }

    /// Whether the record is about mount `e`: the same mount ID when both
    /// have one, else the same root, mount point and source (libmount
    /// `mnt_table_merge_user_fs()`).
    pub fn describes(&self, e: &crate::mountinfo::MountEntry) -> bool {
        use std::os::unix::ffi::OsStrExt;
        match self.id {
            Some(id) if id > 0 && e.id > 0 => e.id == id,
            _ => {
                let same = |a: &[u8], b: &Option<OsString>| {
                    b.as_ref()
                        .is_some_and(|b| crate::findmnt::streq_paths(a, b.as_bytes()))
                };
                self.root.as_ref().is_some_and(|r| e.root == *r)
                    && same(e.target.as_bytes(), &self.target)
                    && same(e.source.as_bytes(), &self.source)
            }
        }
    }
}

/// Parses utab as libmount does (`mnt_parse_utab_line()`): blank and `#`
/// lines are skipped, fields are space-separated `KEY=value` words (the
/// first of each key counts, unknown keys are ignored), a value ends at a
/// space or tab; a line with a malformed number is dropped.
pub fn parse(data: &[u8]) -> Vec<Record> {
    let mut out = Vec::new();
    'lines: for line in data.split(|&b| b == b'\n') {
        let start = line
            .iter()
            .position(|&b| b != b' ' && b != b'\t')
            .unwrap_or(line.len());
        let line = &line[start..];
        if line.is_empty() || line[0] == b'#' {
            continue;
        }
        let mut r = Record::default();
        for word in line.split(|&b| b == b' ').filter(|w| !w.is_empty()) {
            let value = word.split(|&b| b == b'\t').next().unwrap_or_default();
            let Some(eq) = value.iter().position(|&b| b == b'=') else {
                continue;
            };
            let (key, raw) = (&value[..eq], &value[eq + 1..]);
            let text = || Some(unescape(raw));
            let number = || {
                std::str::from_utf8(raw)
                    .ok()
                    .and_then(|s| s.parse::<i64>().ok())
            };
            let slot = match key {
                b"ID" if r.id.is_none() => match number() {
                    Some(n) => {
                        r.id = u32::try_from(n).ok().filter(|&n| n > 0);
                        continue;
                    }
                    None => continue 'lines,
                },
                b"UNIQID" if r.uniq_id.is_none() => {
                    match std::str::from_utf8(raw)
                        .ok()
                        .and_then(|s| s.parse::<u64>().ok())
                    {
                        Some(n) => {
                            r.uniq_id = Some(n).filter(|&n| n > 0);
                            continue;
                        }
                        None => continue 'lines,
                    }
                }
                b"SRC" => &mut r.source,
                b"TARGET" => &mut r.target,
                b"ROOT" => &mut r.root,
                b"BINDSRC" => &mut r.bindsrc,
                b"ATTRS" => &mut r.attrs,
                b"OPTS" => &mut r.opts,
                _ => continue,
            };
            if slot.is_none() {
                *slot = text();
            }
        }
        out.push(r);
    }
    out
}

/// libmount's `mangle()`: space, tab, newline and backslash as `\ooo`.
fn mangle(out: &mut Vec<u8>, value: &OsStr) {
    for &b in value.as_bytes() {
        if matches!(b, b' ' | b'\t' | b'\n' | b'\\') {
            out.extend_from_slice(format!("\\{b:03o}").as_bytes());
        } else {
            out.push(b);
        }
    }
}

/// The file text for `records`, byte for byte as libmount writes it
/// (`fprintf_utab_fs()`; each field but `OPTS=` is followed by a space).
pub fn format(records: &[Record]) -> Vec<u8> {
    let mut out = Vec::new();
    for r in records {
        if let Some(id) = r.id.filter(|&i| i > 0) {
            out.extend_from_slice(format!("ID={id} ").as_bytes());
        }
        if let Some(id) = r.uniq_id.filter(|&i| i > 0) {
            out.extend_from_slice(format!("UNIQID={id} ").as_bytes());
        }
        for (key, value, sep) in [
            ("SRC=", &r.source, " "),
            ("TARGET=", &r.target, " "),
            ("ROOT=", &r.root, " "),
            ("BINDSRC=", &r.bindsrc, " "),
            ("ATTRS=", &r.attrs, " "),
            ("OPTS=", &r.opts, ""),
        ] {
            if let Some(v) = value {
                out.extend_from_slice(key.as_bytes());
                mangle(&mut out, v);
                out.extend_from_slice(sep.as_bytes());
            }
        }
        out.push(b'\n');
    }
    out
}

/// The userspace options libmount records, from the options of a mount in
/// order: duplicates are dropped (the last one stays, and a later `nouser`
/// drops an earlier `user`), then only `x-*` (lower case), `_netdev`,
/// `user`, `uhelper[=]` and `helper[=]` are kept. `user=NAME` as given is
/// hidden (libmount passes it to helpers only); `user` becomes
/// `user=USERNAME` in a setuid mount (`restricted_user`). A loop device is
/// set up with autoclear, so `loop=` is never kept. `None` when nothing is.
pub fn kept_options<'a>(
    opts: impl IntoIterator<Item = &'a str>,
    restricted_user: Option<&str>,
) -> Option<String> {
    let all: Vec<&str> = opts.into_iter().collect();
    let mut kept: Vec<String> = Vec::new();
    let mut nouser_later = false;
    for (i, &o) in all.iter().enumerate().rev() {
        if all[i + 1..].contains(&o) {
            continue;
        }
        let (name, value) = match o.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (o, None),
        };
        match (name, value) {
            ("nouser", None) => nouser_later = true,
            ("user", _) if nouser_later => {}
            ("user", None) => kept.push(match restricted_user {
                Some(u) => format!("user={u}"),
                None => "user".into(),
            }),
            ("_netdev", None) | ("uhelper" | "helper", _) => kept.push(o.to_owned()),
            (n, _) if n.starts_with("x-") => kept.push(o.to_owned()),
            _ => {}
        }
    }
    kept.reverse();
    (!kept.is_empty()).then(|| kept.join(","))
}

/// Why the file could not be updated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpdateError {
    /// `<utab>.lock` could not be opened or locked.
    Lock(Errno),
    /// Reading or replacing the file failed.
    Write(Errno),
}

impl UpdateError {
    /// util-linux's message (`done` is `mounted` or `unmounted`) and exit
    /// status for a mount or umount that was made but not recorded.
    pub fn message(&self, done: &str) -> (String, i32) {
        match self {
            UpdateError::Lock(_) => (
                format!("filesystem was {done}, but failed to update userspace mount table"),
                16,
            ),
            UpdateError::Write(e) => (
                common::error::with_errno(
                    format!("filesystem was {done}, but any subsequent operation failed"),
                    *e,
                ),
                match *e {
                    Errno::EINVAL | Errno::EPERM => 1,
                    Errno::ENOMEM => 2,
                    _ => 32,
                },
            ),
        }
    }
}

fn errno_of(e: &std::io::Error) -> Errno {
    Errno::from_raw(e.raw_os_error().unwrap_or(libc::EIO))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_os_string();
    p.push(suffix);
    PathBuf::from(p)
}

/// Whether the file may be written (libmount `mnt_has_regular_utab()`): a
/// regular file readable and writable by the effective user, or, when it
/// does not exist, a directory that is; that directory is created (mode
/// 0755) when missing.
pub fn writable(path: &Path) -> bool {
    use nix::unistd::{eaccess, AccessFlags};
    let rw = AccessFlags::R_OK | AccessFlags::W_OK;
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        return meta.is_file() && eaccess(path, rw).is_ok();
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if let Err(e) = std::fs::DirBuilder::new().mode(0o755).create(dir) {
        if e.kind() != std::io::ErrorKind::AlreadyExists {
            return false;
        }
    }
    match eaccess(path, rw) {
        Ok(()) => true,
        Err(Errno::ENOENT) => eaccess(dir, rw).is_ok(),
        Err(_) => false,
    }
}

/// Missing or empty: nothing to remove or move.
fn is_empty(path: &Path) -> bool {
    std::fs::metadata(path).map_or(true, |m| m.len() == 0)
}

/// The exclusive lock of `<utab>.lock` (mode 0600), with every signal
/// blocked while it is held (libmount's lock for utab updates); dropping it
/// closes the file, which releases the lock.
struct Lock {
    _file: std::fs::File,
    signals: libc::sigset_t,
}

impl Lock {
    fn take(path: &Path) -> Result<Lock, Errno> {
        let signals = crate::sys::block_signals();
        let locked = (|| {
            let file =
                crate::sys::open_rdonly_create(with_suffix(path, ".lock").as_os_str(), 0o600)?;
            let mode = file.metadata().map_err(|e| errno_of(&e))?.mode() & 0o600;
            if mode != 0o600 {
                file.set_permissions(std::fs::Permissions::from_mode(0o600))
                    .map_err(|e| errno_of(&e))?;
            }
            crate::sys::flock_exclusive(&file)?;
            Ok(file)
        })();
        match locked {
            Ok(file) => Ok(Lock {
                _file: file,
                signals,
            }),
            Err(e) => {
                crate::sys::restore_signals(&signals);
                Err(e)
            }
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        crate::sys::restore_signals(&self.signals);
    }
}

/// Replaces the file with `data`: a new file beside it (`<utab>.XXXXXX`,
/// mode 0644, the old file's owner) renamed over it.
fn replace(path: &Path, data: &[u8]) -> Result<(), Errno> {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
        ^ u128::from(std::process::id()) << 64;
    let mut file = None;
    for attempt in 0..100u128 {
        let mut n = seed.wrapping_add(attempt.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let mut suffix = String::from(".");
        for _ in 0..6 {
            let i = usize::try_from(n % 62).unwrap_or(0);
            suffix.push(char::from(CHARS[i]));
            n /= 62;
        }
        let tmp = with_suffix(path, &suffix);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)
        {
            Ok(f) => {
                file = Some((f, tmp));
                break;
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(errno_of(&e)),
        }
    }
    let (mut f, tmp) = file.ok_or(Errno::EEXIST)?;
    let written = (|| {
        f.write_all(data)?;
        f.set_permissions(std::fs::Permissions::from_mode(0o644))?;
        if let Ok(old) = std::fs::metadata(path) {
            std::os::unix::fs::fchown(&f, Some(old.uid()), Some(old.gid()))?;
        }
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written.map_err(|e| errno_of(&e))
}

/// Reads the records under the lock, lets `change` edit them, and writes
/// the file when it says so; then touches `<utab>.event`.
fn update(path: &Path, change: impl FnOnce(&mut Vec<Record>) -> bool) -> Result<(), UpdateError> {
    let lock = Lock::take(path).map_err(UpdateError::Lock)?;
    let mut records = match std::fs::read(path) {
        Ok(data) => parse(&data),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(UpdateError::Write(errno_of(&e))),
    };
    if change(&mut records) {
        replace(path, &format(&records)).map_err(UpdateError::Write)?;
    }
    drop(lock);
    let _ = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o644)
        .open(with_suffix(path, ".event"));
    Ok(())
}

/// `s` starts with the path `prefix` (followed by `/` or nothing):
/// the rest.
fn under<'a>(s: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    let rest = s.strip_prefix(prefix)?;
    (rest.is_empty() || rest[0] == b'/').then_some(rest)
}

/// The last record of mount point `target`.
fn last_at<'r>(records: &'r mut [Record], target: &OsStr) -> Option<&'r mut Record> {
    records
        .iter_mut()
        .rev()
        .find(|r| r.target.as_deref() == Some(target))
}

/// What a mount will record, decided before its system call.
#[derive(Debug)]
pub struct Pending {
    path: PathBuf,
    change: Change,
}

#[derive(Debug)]
enum Change {
    /// A new line: the options, and for a bind mount the source's
    /// filesystem source and the root (from the table before the mount).
    Add {
        opts: String,
        bind: Option<(Option<OsString>, Option<OsString>)>,
    },
    /// New options for the line of the mount point (`ROOT=`, `SRC=` for a
    /// line that has to be added).
    Remount {
        opts: String,
        root: Option<OsString>,
    },
    /// Mount points under the source move to the target.
    Move,
}

/// For a bind of `src`: the source of the filesystem holding it and the
/// root of the new mount (libmount `mnt_table_get_fs_root()`): the part of
/// `src` below the mount point holding it, appended to that mount's root
/// unless it already starts with it (`src` must exist: libmount records
/// no root otherwise).
fn bind_root(table: &MountTable, src: &OsStr) -> (Option<OsString>, Option<OsString>) {
    let bytes = src.as_bytes();
    let mut mnt: &[u8] = bytes;
    let fs = loop {
        if let Some(e) = table.find_target(OsStr::from_bytes(mnt)) {
            break Some(e);
        }
        match mnt.iter().rposition(|&b| b == b'/') {
            Some(i) if i > 0 => mnt = &mnt[..i],
            _ => break table.find_target(OsStr::new("/")),
        }
    };
    let Some(fs) = fs else {
        return (None, None);
    };
    let t = fs.target.as_bytes();
    let rest = if t.len() > 1 {
        &bytes[t.len().min(bytes.len())..]
    } else {
        bytes
    };
    let mut root = if rest.is_empty() {
        b"/".to_vec()
    } else {
        rest.to_vec()
    };
    let fs_root = fs.root.as_bytes();
    if !root.starts_with(fs_root) {
        root = if root == b"/" {
            fs_root.to_vec()
        } else {
            [fs_root, &root].concat()
        };
    }
    (
        Some(fs.source.to_os_string()),
        Some(OsStr::from_bytes(&root).to_os_string()),
    )
}

impl Pending {
    /// What mount `plan` will record (libmount `mnt_context_prepare_update()`),
    /// `None` for nothing: with `-n`, for propagation changes, when the file
    /// is not writable, when there are no options to keep, and for a move
    /// when the file is empty or inside the moved tree. `restricted_user`:
    /// the user of a setuid mount.
    pub fn prepare(plan: &Plan, nomtab: bool, restricted_user: Option<&str>) -> Option<Pending> {
        if nomtab || plan.op == Op::PropagationOnly || !plan.opts.propagation.is_empty() {
            return None;
        }
        let path = path();
        if !writable(&path) {
            return None;
        }
        let given = || {
            kept_options(
                plan.opts.userspace.iter().map(String::as_str),
                restricted_user,
            )
        };
        let change = match plan.op {
            Op::Move => {
                let p = path.as_os_str().as_bytes();
                let inside = [Some(&plan.target), plan.source.as_ref()]
                    .into_iter()
                    .flatten()
                    .any(|t| under(p, t.as_bytes()).is_some());
                if is_empty(&path) || inside {
                    return None;
                }
                Change::Move
            }
            Op::Bind { .. } => {
                let opts = given()?;
                let src = plan.source.clone().unwrap_or_default();
                let bind = if std::fs::metadata(&src).is_ok() {
                    bind_root(&MountTable::current().unwrap_or_default(), &src)
                } else {
                    (None, None)
                };
                Change::Add {
                    opts,
                    bind: Some(bind),
                }
            }
            Op::Remount { .. } => {
                let table = MountTable::current().unwrap_or_default();
                let mount = table.find_target(&plan.target);
                let old = std::fs::read(&path)
                    .map(|d| parse(&d))
                    .unwrap_or_default()
                    .into_iter()
                    .rev()
                    .find(|r| match (r.id, mount) {
                        (Some(id), Some(m)) => id == m.id,
                        (None, Some(m)) => {
                            r.target.as_deref() == Some(m.target.as_os_str())
                                && r.root.as_deref() == Some(m.root.as_os_str())
                                && r.source.as_deref() == Some(m.source.as_os_str())
                        }
                        (_, None) => false,
                    })
                    .and_then(|r| r.opts)
                    .map(|o| o.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let all = super::options::split(&old)
                    .unwrap_or_default()
                    .into_iter()
                    .chain(plan.opts.userspace.iter().map(String::as_str));
                Change::Remount {
                    opts: kept_options(all, restricted_user)?,
                    root: mount.map(|m| m.root.to_os_string()),
                }
            }
            Op::New => Change::Add {
                opts: given()?,
                bind: None,
            },
            Op::PropagationOnly => return None,
        };
        Some(Pending { path, change })
    }

    /// Records the mount `plan` made (libmount `mnt_update_table()`): `id`
    /// is the new mount's ID when known. After a `/sbin/mount.TYPE` helper
    /// (`helper`), a line the helper wrote for the same source and mount
    /// point only gets the options it lacks.
    ///
    /// # Errors
    /// The lock or the file could not be had or written.
    pub fn finish(self, plan: &Plan, id: Option<u32>, helper: bool) -> Result<(), UpdateError> {
        let target = plan.target.clone();
        match self.change {
            Change::Move => {
                let from = plan.source.clone().unwrap_or_default();
                let to = crate::paths::canonicalize(&target);
                update(&self.path, |records| {
                    for r in records.iter_mut().rev() {
                        let Some(t) = &r.target else { continue };
                        let Some(rest) = under(t.as_bytes(), from.as_bytes()) else {
                            continue;
                        };
                        let rest = rest.strip_prefix(b"/").unwrap_or(rest);
                        let mut new = to.as_bytes().to_vec();
                        if !rest.is_empty() {
                            new.push(b'/');
                            new.extend_from_slice(rest);
                        }
                        r.target = Some(OsStr::from_bytes(&new).to_os_string());
                    }
                    true
                })
            }
            Change::Remount { opts, root } => update(&self.path, |records| {
                match last_at(records, &target) {
                    Some(r) => {
                        r.attrs = None;
                        r.opts = Some(opts.into());
                    }
                    None => records.push(Record {
                        source: plan.source.clone(),
                        target: Some(target.clone()),
                        root,
                        opts: Some(opts.into()),
                        ..Record::default()
                    }),
                }
                true
            }),
            Change::Add { opts, bind } => {
                let (source, root, bindsrc) = match bind {
                    Some((fs_source, root)) => (
                        fs_source.or_else(|| plan.source.clone()),
                        root,
                        plan.source.clone(),
                    ),
                    None => (plan.source.clone(), Some("/".into()), None),
                };
                let new = Record {
                    id,
                    source,
                    target: Some(target.clone()),
                    root,
                    bindsrc,
                    opts: Some(opts.clone().into()),
                    ..Record::default()
                };
                update(&self.path, |records| {
                    if helper {
                        let src = new.bindsrc.as_ref().or(new.source.as_ref());
                        let written = records.iter_mut().rev().find(|r| {
                            r.target.as_deref() == Some(target.as_os_str())
                                && r.source.as_ref() == src
                        });
                        if let Some(r) = written {
                            return add_missing(r, &opts);
                        }
                    }
                    records.push(new);
                    true
                })
            }
        }
    }
}

/// Appends to the options of `r` those of `opts` whose names it lacks
/// (libmount `update_add_options()`); whether there were any.
fn add_missing(r: &mut Record, opts: &str) -> bool {
    let have = r
        .opts
        .as_deref()
        .map(|o| o.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = |o: &str| o.split_once('=').map_or(o, |(n, _)| n).to_owned();
    let names: Vec<String> = super::options::split(&have)
        .unwrap_or_default()
        .into_iter()
        .map(name)
        .collect();
    let missing: Vec<&str> = super::options::split(opts)
        .unwrap_or_default()
        .into_iter()
        .filter(|o| !names.contains(&name(o)))
        .collect();
    if missing.is_empty() {
        return false;
    }
    let all = if have.is_empty() {
        missing.join(",")
    } else {
        format!("{have},{}", missing.join(","))
    };
    r.opts = Some(all.into());
    true
}

/// umount's part (libmount `update_remove_entry()`): the last line of mount
/// point `target` is removed. Nothing happens for `/`, when the file is not
/// writable, or when it is empty.
///
/// # Errors
/// The lock or the file could not be had or written.
pub fn forget(target: &OsStr) -> Result<(), UpdateError> {
    let path = path();
    if target == "/" || !writable(&path) || is_empty(&path) {
        return Ok(());
    }
    update(&path, |records| {
        match records
            .iter()
            .rposition(|r| r.target.as_deref() == Some(target))
        {
            Some(i) => {
                records.remove(i);
                true
            }
            None => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_written_like_libmount() {
        let r = Record {
            id: Some(63),
            source: Some("hx".into()),
            target: Some("/m n".into()),
            root: Some("/".into()),
            opts: Some("x-foo=bar".into()),
            ..Record::default()
        };
        let bind = Record {
            source: Some("t\\1".into()),
            target: Some("/b".into()),
            root: Some("/a\tb".into()),
            bindsrc: Some("/x/a\nb".into()),
            ..Record::default()
        };
        let text = format(&[r.clone(), bind.clone()]);
        assert_eq!(
            String::from_utf8_lossy(&text),
            "ID=63 SRC=hx TARGET=/m\\040n ROOT=/ OPTS=x-foo=bar\n\
             SRC=t\\1341 TARGET=/b ROOT=/a\\011b BINDSRC=/x/a\\012b \n"
        );
        assert_eq!(parse(&text), [r, bind]);
    }

    #[test]
    fn parsing_skips_comments_unknown_keys_and_bad_numbers() {
        let text =
            b"# c\n\n  ID=7 FOO=1 SRC=a SRC=b TARGET=/t OPTS=x-a\nID=z SRC=c\nUNIQID=9 TARGET=/u\n";
        let r = parse(text);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].id, Some(7));
        assert_eq!(r[0].source.as_deref(), Some(OsStr::new("a")));
        assert_eq!(r[0].opts.as_deref(), Some(OsStr::new("x-a")));
        assert_eq!(r[1].uniq_id, Some(9));
        assert_eq!(
            String::from_utf8_lossy(&format(&r[1..])),
            "UNIQID=9 TARGET=/u \n"
        );
    }

    #[test]
    fn only_userspace_options_libmount_remembers_are_kept() {
        let k = |o: &str, u| kept_options(o.split(','), u);
        assert_eq!(
            k(
                "defaults,x-foo=bar,X-mount.mkdir,nofail,_netdev,users,owner,group,noauto,loop,comment=c,x-a",
                None
            )
            .as_deref(),
            Some("x-foo=bar,_netdev,x-a")
        );
        assert_eq!(
            k("user,uhelper=udisks2,helper=x", None).as_deref(),
            Some("user,uhelper=udisks2,helper=x")
        );
        assert_eq!(k("user", Some("bob")).as_deref(), Some("user=bob"));
        assert_eq!(k("user=alice,_netdev=1", None), None);
        assert_eq!(k("x-a,x-b,x-a", None).as_deref(), Some("x-b,x-a"));
        assert_eq!(k("user,nouser", None), None);
        assert_eq!(k("nouser,user", None).as_deref(), Some("user"));
    }

    #[test]
    fn bind_root_is_the_path_below_the_mount_point() {
        let t = MountTable::parse(
            b"1 0 0:1 / / rw - ext4 /dev/root rw\n\
              2 1 0:2 / /t rw - tmpfs tt rw\n\
              3 1 0:2 /sub /s rw - tmpfs tt rw\n",
        );
        let root = |p: &str| {
            let (src, root) = bind_root(&t, OsStr::new(p));
            format!(
                "{} {}",
                src.unwrap_or_default().to_string_lossy(),
                root.unwrap_or_default().to_string_lossy()
            )
        };
        assert_eq!(root("/"), "/dev/root /");
        assert_eq!(root("/etc/x"), "/dev/root /etc/x");
        assert_eq!(root("/t"), "tt /");
        assert_eq!(root("/t/a/b"), "tt /a/b");
        assert_eq!(root("/tx"), "/dev/root /tx");
        assert_eq!(root("/s"), "tt /sub");
        assert_eq!(root("/s/x"), "tt /sub/x");
    }

    #[test]
    fn a_helper_line_gets_only_the_missing_options() {
        let mut r = Record {
            opts: Some("x-a=1,helper=h".into()),
            ..Record::default()
        };
        assert!(!add_missing(&mut r, "x-a=2"));
        assert!(add_missing(&mut r, "x-a,x-b,_netdev"));
        assert_eq!(
            r.opts.as_deref(),
            Some(OsStr::new("x-a=1,helper=h,x-b,_netdev"))
        );
        let mut empty = Record::default();
        assert!(add_missing(&mut empty, "x-c"));
        assert_eq!(empty.opts.as_deref(), Some(OsStr::new("x-c")));
    }

    #[test]
    fn failures_are_worded_like_util_linux() {
        assert_eq!(
            UpdateError::Lock(Errno::EACCES).message("mounted"),
            (
                "filesystem was mounted, but failed to update userspace mount table".into(),
                16
            )
        );
        assert_eq!(
            UpdateError::Write(Errno::ENOSPC).message("unmounted"),
            (
                "filesystem was unmounted, but any subsequent operation failed: No space left on device"
                    .into(),
                32
            )
        );
    }
}
