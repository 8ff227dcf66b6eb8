//! Unmounting one target, or a target and everything below it.
//!
//! As libmount 2.42 does it: a target given as an absolute path to a
//! directory (no `-l`, `-f`, `-c`, `-r`) is passed to umount2(2) as it is;
//! otherwise the mount table is searched for the topmost mount at that
//! mount point (canonical path), then for a mount whose source is that
//! path (`umount /dev/sdb1`), and the mount point found is what is
//! unmounted. `-R` reads the table once, finds the first mount at the
//! target and unmounts depth first: what is mounted over a mount, then its
//! children (last mounted first), then the mount itself, stopping at the
//! first failure.

use super::cli::Request;
use crate::mount::utab::UpdateError;
use crate::mountinfo::{MountEntry, MountTable};
use crate::paths::canonicalize;
use nix::errno::Errno;
use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

/// What unmounting needs from the system; [`Real`] is the running system.
pub trait System {
    /// umount2(2).
    fn umount2(&mut self, target: &OsStr, flags: libc::c_int) -> Result<(), Errno>;
    /// mount(2) `MS_REMOUNT|MS_RDONLY` (for `-r`).
    fn remount_ro(&mut self, source: &OsStr, target: &OsStr) -> Result<(), Errno>;
    /// The current mount table.
    fn table(&mut self) -> Option<MountTable>;
    /// stat(2) says directory.
    fn is_dir(&self, path: &OsStr) -> bool;
    /// lstat(2) says symlink.
    fn is_symlink(&self, path: &OsStr) -> bool;
    /// access(2) F_OK.
    fn exists(&self, path: &OsStr) -> bool;
    /// libmount keeps userspace options for this mount point in its utab.
    fn in_utab(&self, target: &OsStr) -> bool;
    /// Removes the utab line of an unmounted mount point
    /// ([`crate::mount::utab::forget`]).
    fn forget(&mut self, target: &OsStr) -> Result<(), UpdateError>;
    /// The filesystem type of the mount holding `path`, from statfs(2).
    fn statfs_type(&self, path: &OsStr) -> Option<&'static str>;
    /// Runs `/sbin/umount.TYPE` for `target` when one is installed (not
    /// with `-i`): its exit status and path. `by_statfs`: the type came
    /// from statfs(2), not the mount table, which makes libmount pass `-n`
    /// to this helper and every later one of the same run.
    fn helper(
        &mut self,
        req: &Request,
        target: &OsStr,
        fstype: &str,
        by_statfs: bool,
    ) -> Option<(i32, PathBuf)>;
}

/// The running system.
#[derive(Debug, Default)]
pub struct Real {
    /// libmount's sticky `MNT_FL_NOMTAB`, set by a statfs(2) lookup.
    nomtab: bool,
}

impl System for Real {
    fn umount2(&mut self, target: &OsStr, flags: libc::c_int) -> Result<(), Errno> {
        crate::sys::umount2(target, flags)
    }

    fn remount_ro(&mut self, source: &OsStr, target: &OsStr) -> Result<(), Errno> {
        crate::sys::mount(
            Some(source),
            target,
            None,
            libc::MS_REMOUNT | libc::MS_RDONLY,
            None,
        )
    }

    fn table(&mut self) -> Option<MountTable> {
        MountTable::current().ok()
    }

    fn is_dir(&self, path: &OsStr) -> bool {
        std::fs::metadata(path).is_ok_and(|m| m.is_dir())
    }

    fn is_symlink(&self, path: &OsStr) -> bool {
        std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
    }

    fn exists(&self, path: &OsStr) -> bool {
        std::fs::symlink_metadata(path).is_ok() || std::fs::metadata(path).is_ok()
    }

    fn in_utab(&self, target: &OsStr) -> bool {
        let Ok(data) = std::fs::read(crate::mount::utab::path()) else {
            return false;
        };
        let canon = canonicalize(target);
        crate::mount::utab::parse(&data)
            .iter()
            .any(|u| u.target.as_deref() == Some(canon.as_os_str()))
    }

    fn forget(&mut self, target: &OsStr) -> Result<(), UpdateError> {
        crate::mount::utab::forget(target)
    }

    fn statfs_type(&self, path: &OsStr) -> Option<&'static str> {
        let st = nix::sys::statfs::statfs(path).ok()?;
        let magic = u64::try_from(st.filesystem_type().0).ok()?;
        crate::mountinfo::fstype_of_magic(magic)
    }

    fn helper(
        &mut self,
        req: &Request,
        target: &OsStr,
        fstype: &str,
        by_statfs: bool,
    ) -> Option<(i32, PathBuf)> {
        use crate::mount::helper;
        if req.internal {
            return None;
        }
        self.nomtab |= by_statfs;
        let path = helper::find("umount", fstype)?;
        let args = helper_args(req, self.nomtab, target, &path, fstype);
        Some((helper::run(&path, &args), path))
    }
}

/// The outcome of one target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Unmounted (or remounted read-only with `-r`): the mount point and,
    /// when it was looked up in the mount table, the source.
    Done {
        /// The mount point as unmounted.
        target: OsString,
        /// The source, when known.
        source: Option<OsString>,
    },
    /// Nothing to do (`-R` found the mount already gone).
    Nothing,
    /// `/sbin/umount.TYPE` ran: its exit status is umount's.
    Helper {
        /// The mount point it was given.
        target: OsString,
        /// The helper.
        helper: PathBuf,
        /// Its exit status.
        status: i32,
    },
    /// umount2(2) (or the read-only remount) failed.
    Failed {
        /// The name the message uses.
        spec: OsString,
        /// The errno.
        errno: Errno,
    },
    /// The lookup failed before any system call: `spec: msg` with an exit
    /// status (`-R` on something not mounted).
    Lookup {
        /// The target as given.
        spec: OsString,
        /// `not mounted` / `not found` / `umount failed: ...`.
        msg: String,
        /// Whether util-linux ends this message with a period.
        period: bool,
        /// Exit status.
        code: i32,
        /// Whether `-q` hides it.
        quiet_hides: bool,
    },
}

/// The topmost mount at `spec` (libmount `mnt_table_find_target()`): as
/// given, then a relative path made absolute (even with `-c`), then
/// canonical unless `-c`.
fn find_by_target<'t>(table: &'t MountTable, spec: &OsStr, canon: bool) -> Option<&'t MountEntry> {
    table
        .find_target(spec)
        .or_else(|| {
            let relative = !spec.as_encoded_bytes().starts_with(b"/");
            let absolute = std::path::absolute(spec).ok().filter(|_| relative)?;
            table.find_target(absolute.as_os_str())
        })
        .or_else(|| {
            canon
                .then(|| table.find_target(&canonicalize(spec)))
                .flatten()
        })
}

fn find_by_source<'t>(table: &'t MountTable, spec: &OsStr, canon: bool) -> Option<&'t MountEntry> {
    // libmount `mnt_table_find_source()`: a LABEL=/UUID=/... spec stands
    // for the device that carries it.
    let resolved = crate::mount::cli::is_tag(&spec.to_os_string())
        .then(|| crate::mount::engine::resolve_source(spec))
        .flatten();
    let spec = resolved.as_deref().unwrap_or(spec);
    let c = if canon {
        Some(canonicalize(spec))
    } else {
        None
    };
    table.entries.iter().rev().find(|e| {
        e.source == spec
            || c.as_deref().is_some_and(|c| {
                e.source.as_encoded_bytes().starts_with(b"/") && canonicalize(&e.source) == c
            })
    })
}

/// A regular file given as the spec: the mount of a loop device backed by it.
fn find_by_loop_file<'t>(table: &'t MountTable, spec: &OsStr) -> Option<&'t MountEntry> {
    if !std::fs::metadata(spec).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let devs = crate::mount::loopdev::devices_of(spec);
    table
        .entries
        .iter()
        .rev()
        .find(|e| devs.iter().any(|d| e.source == *d))
}

/// The mount a spec names: by mount point, then by source, then as the
/// backing file of a loop device (for `-A`).
pub fn lookup<'t>(table: &'t MountTable, req: &Request, spec: &OsStr) -> Option<&'t MountEntry> {
    let canon = !req.no_canonicalize;
    find_by_target(table, spec, canon)
        .or_else(|| find_by_source(table, spec, canon))
        .or_else(|| find_by_loop_file(table, spec))
}

/// Unmounts one mount table entry (`umount -a`): its mount point, no
/// lookup. `by_statfs`: libmount would have found its type with statfs(2)
/// (see [`System::helper`]).
pub fn umount_entry<S: System>(
    sys: &mut S,
    req: &Request,
    e: &MountEntry,
    by_statfs: bool,
) -> Outcome {
    let flags = umount_flags(req);
    let target = e.target.to_os_string();
    let source = Some(e.source.to_os_string());
    if req.fake {
        return unmounted(sys, req, by_statfs, target, source);
    }
    if let Some(o) = through_helper(sys, req, &target, &e.fstype.to_string_lossy(), by_statfs) {
        return o;
    }
    let result = sys.umount2(&target, flags);
    settle(sys, req, result, target, source, by_statfs)
}

/// Whether libmount would take `spec` to umount2(2) as it is, knowing
/// its type from statfs(2) instead of the mount table
/// (`lookup_umount_fs_by_statfs()`): an absolute path to a directory,
/// without `-d`, `-f`, `-l`, `-c` or `-r`, and no utab entry.
pub fn by_statfs<S: System>(sys: &S, req: &Request, spec: &OsStr) -> bool {
    spec.as_encoded_bytes().starts_with(b"/")
        && !req.detach_loop
        && !req.force
        && !req.lazy
        && !req.no_canonicalize
        && !req.rdonly
        && sys.is_dir(spec)
        && !sys.in_utab(spec)
}

/// Unmounts one target (util-linux `umount_one()`).
pub fn umount_one<S: System>(sys: &mut S, req: &Request, spec: &OsStr) -> Outcome {
    let statfs = by_statfs(sys, req, spec);
    let mut target = spec.to_os_string();
    let mut source = None;
    let mut fstype = None;
    if statfs {
        fstype = sys.statfs_type(spec).map(str::to_owned);
    } else if !spec.is_empty() {
        if let Some(table) = sys.table() {
            let canon = !req.no_canonicalize;
            let found = match find_by_target(&table, spec, canon) {
                Some(e) => Some(e),
                None => match find_by_source(&table, spec, canon) {
                    Some(e) => {
                        // The source must be the topmost mount at its mount point.
                        if table.find_target(&e.target).map(|t| t.id) != Some(e.id) {
                            return Outcome::Lookup {
                                spec: spec.to_os_string(),
                                msg: "umount failed: Invalid argument".into(),
                                period: true,
                                code: super::EX_USAGE,
                                quiet_hides: false,
                            };
                        }
                        Some(e)
                    }
                    None => find_by_loop_file(&table, spec),
                },
            };
            if let Some(e) = found {
                target = e.target.to_os_string();
                source = Some(e.source.to_os_string());
                fstype = Some(e.fstype.to_string_lossy().into_owned());
            }
        }
    }
    let flags = umount_flags(req);
    if req.fake {
        return unmounted(sys, req, statfs, target, source);
    }
    if let Some(o) = fstype.and_then(|t| through_helper(sys, req, &target, &t, statfs)) {
        return o;
    }
    let mut result = sys.umount2(&target, flags);
    if result == Err(Errno::EINVAL) && sys.is_symlink(&target) {
        result = sys.umount2(&target, flags | libc::UMOUNT_NOFOLLOW);
    }
    settle(sys, req, result, target, source, statfs)
}

/// umount2(2) flags for `-l` and `-f`.
fn umount_flags(req: &Request) -> i32 {
    let mut flags = 0;
    if req.lazy {
        flags |= libc::MNT_DETACH;
    }
    if req.force {
        flags |= libc::MNT_FORCE;
    }
    flags
}

/// A umount helper's arguments (libmount's convention):
/// `TARGET [-n] [-l] [-f] [-v] [-r] [-t TYPE.SUBTYPE] [-N NS]`.
pub fn helper_args(
    req: &Request,
    nomtab: bool,
    target: &OsStr,
    helper: &std::path::Path,
    fstype: &str,
) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec![target.into()];
    for (on, flag) in [
        (req.nomtab || nomtab, "-n"),
        (req.lazy, "-l"),
        (req.force, "-f"),
        (req.verbose, "-v"),
        (req.rdonly, "-r"),
    ] {
        if on {
            args.push(flag.into());
        }
    }
    if crate::mount::helper::passes_type(helper, fstype) {
        args.extend(["-t".into(), fstype.into()]);
    }
    if let Some(ns) = &req.namespace {
        args.extend(["-N".into(), ns.clone()]);
    }
    args
}

/// Unmounts `target` through its helper when the filesystem type has one.
fn through_helper<S: System>(
    sys: &mut S,
    req: &Request,
    target: &OsStr,
    fstype: &str,
    by_statfs: bool,
) -> Option<Outcome> {
    let (status, helper) = sys.helper(req, target, fstype, by_statfs)?;
    if status == 0 && !req.nomtab && !by_statfs {
        // umount reports the helper's status, whatever utab says.
        let _ = sys.forget(target);
    }
    Some(Outcome::Helper {
        target: target.into(),
        helper,
        status,
    })
}

/// The outcome of an umount2(2) call; with `-r`, a busy filesystem whose
/// source is known is remounted read-only instead (and keeps its utab
/// line, which libmount 2.42 removes although the mount stays).
fn settle<S: System>(
    sys: &mut S,
    req: &Request,
    result: Result<(), Errno>,
    target: OsString,
    source: Option<OsString>,
    by_statfs: bool,
) -> Outcome {
    let result = match (result, &source) {
        (Ok(()), _) => return unmounted(sys, req, by_statfs, target, source),
        (Err(Errno::EBUSY), Some(src)) if req.rdonly => sys.remount_ro(src, &target),
        (result, _) => result,
    };
    match result {
        Ok(()) => Outcome::Done { target, source },
        Err(errno) => Outcome::Failed {
            spec: target,
            errno,
        },
    }
}

/// `target` is unmounted (or would be, with `--fake`): its utab line goes,
/// except with `-n` or when libmount would have found the type by
/// statfs(2) (`by_statfs`: it then leaves utab alone). A failed update is
/// util-linux's `filesystem was unmounted, but ...` error.
fn unmounted<S: System>(
    sys: &mut S,
    req: &Request,
    by_statfs: bool,
    target: OsString,
    source: Option<OsString>,
) -> Outcome {
    if !req.nomtab && !by_statfs {
        if let Err(e) = sys.forget(&target) {
            let (msg, code) = e.message("unmounted");
            return Outcome::Lookup {
                spec: target,
                msg,
                period: true,
                code,
                quiet_hides: false,
            };
        }
    }
    Outcome::Done { target, source }
}

/// Children of each mount, in table order (built once for `-R`, so that a
/// tree of thousands of mounts is walked in linear time).
type Children<'t> = std::collections::HashMap<u32, Vec<&'t MountEntry>>;

fn children_index(table: &MountTable) -> Children<'_> {
    let mut idx: Children<'_> = std::collections::HashMap::new();
    for e in &table.entries {
        if e.parent != e.id {
            idx.entry(e.parent).or_default().push(e);
        }
    }
    idx
}

/// Unmounts a mount found in the table read at the start of `-R`
/// (util-linux `umount_one_if_mounted()`): no new lookup; a mount that has
/// gone meanwhile is nothing to do.
fn umount_known<S: System>(sys: &mut S, req: &Request, fs: &MountEntry) -> Outcome {
    let t = fs.target.as_os_str();
    // umount_one() would not have looked the source up for these.
    let fast = by_statfs(sys, req, t);
    let mut o = umount_entry(sys, req, fs, fast);
    match &mut o {
        Outcome::Done { source, .. } if fast => *source = None,
        Outcome::Failed {
            errno: Errno::EINVAL,
            ..
        } => {
            let gone = sys
                .table()
                .is_some_and(|tab| find_by_target(&tab, t, !req.no_canonicalize).is_none());
            if gone {
                return Outcome::Nothing;
            }
        }
        _ => {}
    }
    o
}

fn recurse<S: System>(
    sys: &mut S,
    req: &Request,
    idx: &Children<'_>,
    fs: &MountEntry,
    report: &mut impl FnMut(&Outcome),
) -> Outcome {
    let kids: &[&MountEntry] = idx.get(&fs.id).map_or(&[], Vec::as_slice);
    let over = kids.iter().find(|e| e.target == fs.target).copied();
    if let Some(over) = over {
        let r = recurse(sys, req, idx, over, report);
        if !is_ok(&r) {
            return r;
        }
    }
    for child in kids.iter().rev() {
        if Some(child.id) == over.map(|o| o.id) {
            continue;
        }
        let r = recurse(sys, req, idx, child, report);
        if !is_ok(&r) {
            return r;
        }
    }
    let r = umount_known(sys, req, fs);
    report(&r);
    r
}

fn is_ok(o: &Outcome) -> bool {
    matches!(
        o,
        Outcome::Done { .. } | Outcome::Nothing | Outcome::Helper { status: 0, .. }
    )
}

/// `umount -R`: the target and every mount below it, deepest first;
/// `report` is called for every unmount attempted (for messages), and the
/// outcome of the first failure (or of the target) is returned.
pub fn umount_recursive<S: System>(
    sys: &mut S,
    req: &Request,
    spec: &OsStr,
    report: &mut impl FnMut(&Outcome),
) -> Outcome {
    let Some(table) = sys.table() else {
        let o = Outcome::Lookup {
            spec: "/proc/self/mountinfo".into(),
            msg: "failed to parse".into(),
            period: false,
            code: super::EX_SOFTWARE,
            quiet_hides: false,
        };
        report(&o);
        return o;
    };
    let canon = if req.no_canonicalize {
        spec.to_os_string()
    } else {
        canonicalize(spec)
    };
    let first = table
        .entries
        .iter()
        .find(|e| e.target == spec || e.target == canon);
    match first {
        Some(fs) => {
            let idx = children_index(&table);
            recurse(sys, req, &idx, fs, report)
        }
        None => {
            let o = Outcome::Lookup {
                spec: spec.to_os_string(),
                msg: if sys.exists(spec) {
                    "not mounted".into()
                } else {
                    "not found".into()
                },
                period: false,
                code: super::EX_USAGE,
                quiet_hides: true,
            };
            report(&o);
            o
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Fake {
        table: String,
        calls: Vec<String>,
        busy: Vec<&'static str>,
        dirs: Vec<&'static str>,
        forgotten: Vec<String>,
    }

    impl System for Fake {
        fn umount2(&mut self, target: &OsStr, flags: libc::c_int) -> Result<(), Errno> {
            let t = target.to_string_lossy().into_owned();
            self.calls.push(format!("umount2 {t} {flags}"));
            if self.busy.contains(&t.as_str()) {
                return Err(Errno::EBUSY);
            }
            let before = self.table.lines().count();
            // Remove the topmost entry at that mount point.
            let mut lines: Vec<&str> = self.table.lines().collect();
            if let Some(i) = lines.iter().rposition(|l| l.split(' ').nth(4) == Some(&t)) {
                lines.remove(i);
            }
            if lines.len() == before {
                return Err(Errno::EINVAL);
            }
            self.table = lines.join("\n");
            Ok(())
        }
        fn remount_ro(&mut self, source: &OsStr, target: &OsStr) -> Result<(), Errno> {
            self.calls.push(format!(
                "remount_ro {} {}",
                source.to_string_lossy(),
                target.to_string_lossy()
            ));
            Ok(())
        }
        fn table(&mut self) -> Option<MountTable> {
            Some(MountTable::parse(self.table.as_bytes()))
        }
        fn is_dir(&self, path: &OsStr) -> bool {
            self.dirs.iter().any(|d| OsStr::new(d) == path)
        }
        fn is_symlink(&self, _: &OsStr) -> bool {
            false
        }
        fn exists(&self, path: &OsStr) -> bool {
            self.is_dir(path)
        }
        fn in_utab(&self, _: &OsStr) -> bool {
            false
        }
        fn forget(&mut self, target: &OsStr) -> Result<(), UpdateError> {
            self.forgotten.push(target.to_string_lossy().into_owned());
            Ok(())
        }
        fn statfs_type(&self, _: &OsStr) -> Option<&'static str> {
            None
        }
        fn helper(&mut self, _: &Request, _: &OsStr, _: &str, _: bool) -> Option<(i32, PathBuf)> {
            None
        }
    }

    const TABLE: &str = "1 0 0:1 / / rw - ext4 /dev/root rw\n\
                         10 1 0:10 / /m rw - tmpfs top rw\n\
                         11 10 0:11 / /m/a rw - tmpfs a rw\n\
                         12 11 0:12 / /m/a/deep rw - tmpfs deep rw\n\
                         13 10 0:13 / /m/b rw - tmpfs b rw\n\
                         14 10 0:14 / /m rw - tmpfs over rw";

    fn req() -> Request {
        Request::default()
    }

    #[test]
    fn recursive_goes_over_mount_then_children_last_first_then_self() {
        let mut f = Fake {
            table: TABLE.into(),
            dirs: vec!["/m", "/m/a", "/m/a/deep", "/m/b"],
            ..Fake::default()
        };
        let mut seen = Vec::new();
        let r = umount_recursive(&mut f, &req(), OsStr::new("/m"), &mut |o| {
            seen.push(o.clone())
        });
        assert!(matches!(r, Outcome::Done { .. }), "{r:?}");
        assert_eq!(
            f.calls,
            [
                "umount2 /m 0",
                "umount2 /m/b 0",
                "umount2 /m/a/deep 0",
                "umount2 /m/a 0",
                "umount2 /m 0"
            ]
        );
        assert_eq!(f.table, "1 0 0:1 / / rw - ext4 /dev/root rw");
        assert_eq!(seen.len(), 5);
        // Directories without a utab line: libmount keeps off utab.
        assert!(f.forgotten.is_empty());
    }

    #[test]
    fn recursive_stops_at_the_first_failure() {
        let mut f = Fake {
            table: TABLE.into(),
            busy: vec!["/m/a/deep"],
            dirs: vec!["/m", "/m/a", "/m/a/deep", "/m/b"],
            ..Fake::default()
        };
        let r = umount_recursive(&mut f, &req(), OsStr::new("/m"), &mut |_| {});
        assert_eq!(
            r,
            Outcome::Failed {
                spec: "/m/a/deep".into(),
                errno: Errno::EBUSY
            }
        );
        assert_eq!(
            f.calls.last().map(String::as_str),
            Some("umount2 /m/a/deep 0")
        );
    }

    #[test]
    fn recursive_on_a_non_mount_point() {
        let mut f = Fake {
            table: TABLE.into(),
            dirs: vec!["/x"],
            ..Fake::default()
        };
        let r = umount_recursive(&mut f, &req(), OsStr::new("/x"), &mut |_| {});
        assert!(matches!(r, Outcome::Lookup { ref msg, code: 1, .. } if msg == "not mounted"));
        let r = umount_recursive(&mut f, &req(), OsStr::new("/nope"), &mut |_| {});
        assert!(matches!(r, Outcome::Lookup { ref msg, .. } if msg == "not found"));
        assert!(f.calls.is_empty());
    }

    #[test]
    fn a_source_finds_its_mount_point_and_lazy_uses_the_table() {
        let mut f = Fake {
            table: TABLE.into(),
            ..Fake::default()
        };
        let r = umount_one(&mut f, &req(), OsStr::new("b"));
        assert_eq!(
            r,
            Outcome::Done {
                target: "/m/b".into(),
                source: Some("b".into())
            }
        );
        let lazy = Request {
            lazy: true,
            ..Request::default()
        };
        let r = umount_one(&mut f, &lazy, OsStr::new("/m/a/deep"));
        assert_eq!(
            r,
            Outcome::Done {
                target: "/m/a/deep".into(),
                source: Some("deep".into())
            }
        );
        assert_eq!(
            f.calls,
            [
                "umount2 /m/b 0",
                format!("umount2 /m/a/deep {}", libc::MNT_DETACH).as_str()
            ]
        );
        assert_eq!(f.forgotten, ["/m/b", "/m/a/deep"]);
        let r = umount_one(
            &mut f,
            &Request {
                nomtab: true,
                ..Request::default()
            },
            OsStr::new("/m/a"),
        );
        assert!(matches!(r, Outcome::Done { .. }));
        let r = umount_one(
            &mut f,
            &Request {
                fake: true,
                ..Request::default()
            },
            OsStr::new("/m"),
        );
        assert!(matches!(r, Outcome::Done { .. }));
        assert_eq!(f.forgotten, ["/m/b", "/m/a/deep", "/m"]);
    }

    #[test]
    fn busy_with_read_only_remounts() {
        let mut f = Fake {
            table: TABLE.into(),
            busy: vec!["/m/b"],
            ..Fake::default()
        };
        let r = umount_one(
            &mut f,
            &Request {
                rdonly: true,
                ..Request::default()
            },
            OsStr::new("/m/b"),
        );
        assert!(matches!(r, Outcome::Done { .. }));
        assert_eq!(f.calls, ["umount2 /m/b 0", "remount_ro b /m/b"]);
        // Still mounted: the utab line stays.
        assert!(f.forgotten.is_empty());
    }
}
