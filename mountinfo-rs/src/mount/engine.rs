//! From a [`Request`] to system calls: [`plan`] resolves the paths, the
//! fstab entry and the options into a [`Plan`]; [`perform`] carries it out
//! on a [`Kernel`].
//!
//! The order of calls is libmount's: the main operation (new mount, bind,
//! move or remount) first, then each propagation change as its own call
//! (the kernel takes one propagation type per call). A bind mount is made
//! with the new mount API so that its flags are set before anyone can see
//! it: `open_tree(OPEN_TREE_CLONE)`, `mount_setattr` on the detached copy,
//! `move_mount`; without that API (ENOSYS) it falls back to
//! `mount(MS_BIND)` followed by `mount(MS_REMOUNT|MS_BIND|flags)`.
//! Propagation changes use `mount_setattr` (with `AT_RECURSIVE` for the
//! `r` variants), falling back to `mount("none", target, MS_SHARED...)`.
//! A step that fails after the mount was made takes the mount back (the
//! remount of the fallback bind, a propagation change), where util-linux
//! leaves it mounted and reports the failure.

use super::cli::Request;
use super::fstab::{Fstab, FstabEntry};
use super::options::{self, ms, MountOptions, VFS_FLAGS};
use super::{MountError, EX_FAIL, EX_USAGE};
use crate::mountinfo::{MountEntry, MountTable};
use crate::paths::canonicalize;
use crate::sys::MountAttr;
use nix::errno::Errno;
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

use super::kernel::{Kernel, NewFs};
use std::os::fd::{AsRawFd, OwnedFd};

/// What a mount needs beyond the plan: `--beneath`, `--exclusive`, and the
/// user namespace of `X-mount.idmap`.
#[derive(Debug, Default)]
pub struct Extra {
    /// Attach beneath the top mount (`MOVE_MOUNT_BENEATH`).
    pub beneath: bool,
    /// Refuse to reuse an existing superblock (`FSCONFIG_CMD_CREATE_EXCL`).
    pub exclusive: bool,
    /// The user namespace giving the ID mapping (`MOUNT_ATTR_IDMAP`).
    pub idmap: Option<OwnedFd>,
}

impl Extra {
    fn add_idmap(&self, attr: &mut MountAttr) {
        if let Some(fd) = &self.idmap {
            attr.attr_set |= crate::sys::MOUNT_ATTR_IDMAP;
            attr.userns_fd = u64::try_from(fd.as_raw_fd()).unwrap_or(0);
        }
    }

    fn attach<K: Kernel>(&self, k: &mut K, tree: &K::Tree, tgt: &OsStr) -> Result<(), Failure> {
        if self.beneath {
            k.move_mount_beneath(tree, tgt).map_err(fail("move_mount"))
        } else {
            k.move_mount(tree, tgt).map_err(fail("move_mount"))
        }
    }
}

/// The main operation of a mount request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// Only `--make-*` / propagation options: no mount is made.
    PropagationOnly,
    /// `--move`.
    Move,
    /// `--bind` (`recursive` for `--rbind`).
    Bind {
        /// `--rbind`.
        recursive: bool,
    },
    /// `-o remount` (`bind` for `remount,bind`: per-mount flags only).
    Remount {
        /// `remount,bind`.
        bind: bool,
    },
    /// Mount a filesystem (`-t TYPE` or probed).
    New,
}

/// A resolved request, ready to be performed.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The operation.
    pub op: Op,
    /// The source as passed to the kernel and shown in messages (`none` for
    /// propagation changes).
    pub source: Option<OsString>,
    /// The target (canonical unless `-c`).
    pub target: OsString,
    /// The target as given (libmount names it in source-preparation
    /// errors, which come before the target is canonicalized).
    pub raw_target: OsString,
    /// `-t`, or the fstab type; `None` means "try the kernel's types".
    pub fstype: Option<String>,
    /// `fstype` is a `-t no...` pattern: every kernel type but those. Only
    /// the command line's `-t` is one; an fstab type is taken as written
    /// (`none` is a type).
    pub type_pattern: bool,
    /// The options as given (fstab options first).
    pub opts: MountOptions,
    /// For a remount: the mount's current options followed by the given
    /// ones, as classic mount(2) needs them.
    pub merged: Option<MountOptions>,
    /// A `/sbin/mount.TYPE` helper did the mount.
    pub helper_executed: bool,
}

/// A failed system call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The call's name.
    pub syscall: &'static str,
    /// Its errno.
    pub errno: Errno,
    /// mount_setattr(2) refused the request with EINVAL.
    pub applyflags: bool,
}

fn fail(syscall: &'static str) -> impl Fn(Errno) -> Failure {
    move |errno| Failure {
        syscall,
        errno,
        applyflags: syscall == "mount_setattr" && errno == Errno::EINVAL,
    }
}

/// The fstab path libmount names in its messages.
pub fn fstab_path() -> OsString {
    std::env::var_os("LIBMOUNT_FSTAB")
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "/etc/fstab".into())
}

/// The entries of the fstab files of the request (`-T`, else
/// `$LIBMOUNT_FSTAB` or `/etc/fstab`).
///
/// # Errors
/// A `-T` file that cannot be read.
pub fn read_fstabs(req: &Request) -> Result<Vec<FstabEntry>, MountError> {
    let files = if req.fstab.is_empty() {
        vec![fstab_path()]
    } else {
        req.fstab.clone()
    };
    let mut entries = Vec::new();
    for file in files {
        let path = std::path::Path::new(&file);
        let parse_error = || MountError::Message {
            spec: Some(file.clone()),
            msg: "failed to parse".into(),
            code: EX_USAGE,
            dmesg: false,
            period: false,
        };
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            // A missing /etc/fstab is an empty one; a missing -T file is
            // an error.
            Err(_) if req.fstab.is_empty() => continue,
            Err(_) => return Err(parse_error()),
        };
        let paths = if meta.is_dir() {
            let mut v: Vec<_> = std::fs::read_dir(path)
                .map_err(|_| parse_error())?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "fstab"))
                .collect();
            v.sort();
            v
        } else if meta.is_file() {
            vec![path.to_path_buf()]
        } else {
            // libmount parses regular files and directories only.
            return Err(parse_error());
        };
        for p in paths {
            match Fstab::read(&p) {
                Ok(tab) => {
                    for line in &tab.bad_lines {
                        common::error::warn(
                            "mount",
                            format!("{}: parse error at line {line} -- ignored", p.display()),
                        );
                    }
                    entries.extend(tab.entries);
                }
                // A missing /etc/fstab is an empty one; a missing -T file is
                // an error.
                Err(_) if req.fstab.is_empty() => {}
                Err(_) => return Err(parse_error()),
            }
        }
    }
    Ok(entries)
}

/// Whether two paths name the same file (as given or canonical).
pub fn same_path(a: &OsStr, b: &OsStr) -> bool {
    a == b || canonicalize(a) == canonicalize(b)
}

/// The first fstab entry whose source is `source` (libmount
/// `mnt_table_find_srcpath()`): as written or as the same file, else an
/// entry written as a tag (`UUID=...`) that stands for that device.
fn find_source<'e>(entries: &'e [FstabEntry], source: &OsStr) -> Option<&'e FstabEntry> {
    entries
        .iter()
        .find(|e| e.source == source || same_path(&e.source, source))
        .or_else(|| {
            entries.iter().find(|e| {
                super::cli::is_tag(&e.source)
                    && resolve_source(&e.source).is_some_and(|dev| same_path(&dev, source))
            })
        })
}

/// Finds the fstab entry for a lone source or target, or fails with
/// util-linux's "can't find ... in /etc/fstab".
///
/// # Errors
/// Not found, or an fstab that cannot be read.
pub fn fstab_lookup(req: &Request) -> Result<FstabEntry, MountError> {
    let entries = read_fstabs(req)?;
    let fstab = fstab_path().to_string_lossy().into_owned();
    let (found, spec, msg) = if let Some(target) = &req.target {
        // The first matching entry, as libmount applies fstab (forward).
        let by_target = entries.iter().find(|e| same_path(&e.target, target));
        let found = by_target.or_else(|| {
            req.swapmatch
                .then(|| find_source(&entries, target))
                .flatten()
        });
        let msg = if req.swapmatch {
            format!("can't find in {fstab}")
        } else {
            format!("can't find mount point in {fstab}")
        };
        (found, target.clone(), msg)
    } else {
        let source = req.source.clone().unwrap_or_default();
        let found = find_source(&entries, &source);
        let msg = format!(
            "can't find mount source {} in {fstab}",
            source.to_string_lossy()
        );
        (found, source, msg)
    };
    found.cloned().ok_or(MountError::Message {
        spec: Some(spec),
        msg,
        code: EX_USAGE,
        dmesg: false,
        period: true,
    })
}

/// Resolves `LABEL=`, `UUID=`, `PARTLABEL=`, `PARTUUID=` and `ID=` through
/// the udev links under `/dev/disk`.
pub fn resolve_source(spec: &OsStr) -> Option<OsString> {
    let text = spec.to_str()?;
    let (name, value) = text.split_once('=')?;
    let value = value.trim_matches('"');
    let dir = match name {
        "LABEL" => "by-label",
        "UUID" => "by-uuid",
        "PARTLABEL" => "by-partlabel",
        "PARTUUID" => "by-partuuid",
        "ID" => "by-id",
        _ => return None,
    };
    let mut escaped = String::new();
    for c in value.chars() {
        if c.is_ascii_alphanumeric() || "#+-.:=@_".contains(c) {
            escaped.push(c);
        } else {
            for b in c.to_string().bytes() {
                escaped.push_str(&format!("\\x{b:02x}"));
            }
        }
    }
    let link = std::path::Path::new("/dev/disk").join(dir).join(escaped);
    std::fs::canonicalize(link)
        .ok()
        .map(OsString::from)
        .or_else(|| match name {
            "PARTUUID" | "PARTLABEL" => crate::blkid::find_partition(name, value),
            _ => crate::blkid::find_by_tag(name, value),
        })
}

/// The option lists of a mount from fstab options and `-o` options, as
/// `--options-mode` says.
fn combine<'a>(req: &'a Request, fstab: &'a str) -> Vec<&'a str> {
    let cmdline = req.options.iter().map(String::as_str);
    match req.options_mode {
        super::cli::OptionsMode::Prepend => std::iter::once(fstab).chain(cmdline).collect(),
        super::cli::OptionsMode::Append => cmdline.chain(std::iter::once(fstab)).collect(),
        // The fstab options replace the command line's.
        super::cli::OptionsMode::Replace => vec![fstab],
        super::cli::OptionsMode::Ignore => cmdline.collect(),
    }
}

fn is_propagation_only(req: &Request, opts: &MountOptions) -> bool {
    let none = |s: &Option<OsString>| s.as_deref().is_none_or(|s| s == "none");
    let no_type = req.types.as_deref().is_none_or(|t| t == "none");
    // A lone target with propagation flags given only by -o is looked up
    // in fstab first, as util-linux does.
    let lone = req.source.is_none() || req.target.is_none();
    none(&req.source)
        && no_type
        && !req.moving
        && opts.propagation_only()
        && (req.make_propagation || !lone)
}

fn parse_options<'a>(lists: impl IntoIterator<Item = &'a str>) -> Result<MountOptions, MountError> {
    MountOptions::parse(lists).map_err(|list| {
        MountError::Usage(common::cli::UsageError::new(format!(
            "unsupported option format: {list}"
        )))
    })
}

/// Resolves a request: fstab lookup for a lone source or target, the
/// current options of a remounted mount, canonical paths.
///
/// # Errors
/// The fstab errors, an unresolvable tag, a missing target.
pub fn plan(req: &Request, table: impl Fn() -> Option<MountTable>) -> Result<Plan, MountError> {
    let given = parse_options(req.options.iter().map(String::as_str))?;
    let mut source = req.source.clone();
    let mut target = req.target.clone();
    let mut fstype = req.types.clone();
    let mut opts = given.clone();
    let propagation_only = is_propagation_only(req, &given);
    if propagation_only {
        if target.is_none() {
            target = source.take();
        }
        source = Some("none".into());
    } else if given.remount {
        if target.is_none() {
            target = source.take();
        }
    } else if (source.is_none() || target.is_none())
        && req.options_source.is_none_or(|(fstab, _)| fstab)
    {
        let entry = fstab_lookup(req)?;
        source = Some(entry.source);
        target = Some(entry.target);
        if fstype.is_none() {
            fstype = Some(entry.fstype);
        }
        opts = parse_options(combine(req, &entry.options))?;
    } else if source.is_none() || target.is_none() {
        // `--options-source mtab` only: the mount table serves remounts,
        // so a new mount of a lone operand finds nothing (libmount
        // `mnt_context_apply_fstab()`).
        if req.options_source == Some((false, true)) {
            let spec = target.clone().or_else(|| source.clone());
            return Err(MountError::Message {
                spec,
                msg: format!("can't find in {}", fstab_path().to_string_lossy()),
                code: EX_USAGE,
                dmesg: false,
                period: true,
            });
        }
    } else if let (true, false, Some(src), Some(tgt)) =
        (req.options_source_force, req.operation, &source, &target)
    {
        // Both halves given: fstab still supplies the options, from the
        // entry with both (libmount `mnt_table_find_pair()`).
        let entry = read_fstabs(req)?
            .into_iter()
            .find(|e| same_path(&e.target, tgt) && (e.source == *src || same_path(&e.source, src)))
            .ok_or_else(|| MountError::Message {
                spec: Some(tgt.clone()),
                msg: format!("can't find in {}", fstab_path().to_string_lossy()),
                code: EX_USAGE,
                dmesg: false,
                period: true,
            })?;
        opts = parse_options(combine(req, &entry.options))?;
        if fstype.is_none() && entry.fstype != "auto" {
            fstype = Some(entry.fstype);
        }
    }
    let target = match (&req.target_prefix, target) {
        (Some(prefix), Some(t)) => {
            let mut p = prefix.clone();
            if !t.as_bytes().starts_with(b"/") {
                p.push("/");
            }
            p.push(t);
            Some(p)
        }
        (_, t) => t,
    };
    let target = target.ok_or_else(|| MountError::Message {
        spec: source.clone(),
        msg: "mount point not specified".into(),
        code: EX_USAGE,
        dmesg: false,
        period: true,
    })?;
    let raw_target = target.clone();
    let mut target = if req.no_canonicalize {
        target
    } else {
        canonicalize(&target)
    };
    if fstype.as_deref() == Some("auto") {
        fstype = None;
    }
    let op = if propagation_only {
        Op::PropagationOnly
    } else if req.moving {
        Op::Move
    } else if opts.remount {
        Op::Remount { bind: opts.bind }
    } else if opts.bind {
        Op::Bind {
            recursive: opts.recursive,
        }
    } else {
        Op::New
    };
    let mut merged = None;
    if let Op::Remount { .. } = op {
        // libmount `mnt_context_apply_fstab()`: a remount of a lone target
        // (or source) takes its fstab entry's options first, ahead of the
        // command line's (`bind` aside); the mount table is the fallback.
        let from_fstab = (req.source.is_none() || req.target.is_none())
            && req.options_source.is_none_or(|(fstab, _)| fstab);
        let fstab_entry = from_fstab.then(|| fstab_lookup(req).ok()).flatten();
        if let Some(entry) = &fstab_entry {
            target = canonicalize(&entry.target);
        }
        let fstab_options: Vec<&str> = fstab_entry
            .as_ref()
            .and_then(|e| options::split(&e.options))
            .unwrap_or_default()
            .into_iter()
            .filter(|o| !matches!(*o, "bind" | "rbind"))
            .collect();
        let table = table();
        let mut current = table.as_ref().and_then(|t| t.find_target(&target).cloned());
        if current.is_none() && req.swapmatch {
            // libmount `apply_table()`: a lone argument that is no mount
            // point may be a source (`mount -o remount,ro /dev/sdb1`).
            current = table.as_ref().and_then(|t| {
                t.entries
                    .iter()
                    .rev()
                    .find(|e| e.source == raw_target || e.source == target)
                    .cloned()
            });
            if let Some(entry) = &current {
                target = entry.target.to_os_string();
            }
        }
        if let Some(entry) = &current {
            let now = options::merge_optstr(
                &entry.vfs_options.to_string_lossy(),
                &entry.fs_options.to_string_lossy(),
            );
            if source.is_none() {
                source = Some(entry.source.to_os_string());
            }
            merged = Some(parse_options(
                std::iter::once(now.as_str())
                    .chain(fstab_options.iter().copied())
                    .chain(req.options.iter().map(String::as_str)),
            )?);
        } else if fstab_entry.is_some() {
            merged = Some(parse_options(
                fstab_options
                    .iter()
                    .copied()
                    .chain(req.options.iter().map(String::as_str)),
            )?);
        }
        if source.is_none() {
            source = fstab_entry.map(|e| e.source);
        }
        if source.is_none() {
            source = Some("none".into());
        }
    }
    if let Some(src) = &source {
        let is_tag = super::cli::is_tag(src);
        if is_tag {
            // libmount evaluates tags before it canonicalizes the target;
            // a tag that finds nothing is excused by `nofail`.
            let path = resolve_source(src).ok_or_else(|| {
                if opts.nofail {
                    MountError::Excused
                } else {
                    MountError::Message {
                        spec: Some(raw_target.clone()),
                        msg: format!("can't find {}", src.to_string_lossy()),
                        code: EX_USAGE,
                        dmesg: false,
                        period: true,
                    }
                }
            })?;
            source = Some(path);
        } else if op != Op::PropagationOnly && !req.no_canonicalize {
            let pseudo = fstype
                .as_deref()
                .is_some_and(|t| options::is_pseudofs(t) || options::is_netfs(t));
            if !pseudo || matches!(op, Op::Bind { .. } | Op::Move) {
                source = Some(canonicalize(src));
            }
        }
    }
    Ok(Plan {
        op,
        source,
        target,
        raw_target,
        type_pattern: req.types.as_deref().is_some_and(|t| t.starts_with("no")),
        fstype,
        opts,
        merged,
        helper_executed: false,
    })
}

/// The filesystem types to try when none was given or a pattern was:
/// `/etc/filesystems` (without `*`) then the block-device types of
/// `/proc/filesystems`, as libmount tries them.
pub fn kernel_types() -> Vec<String> {
    let mut types = Vec::new();
    if let Ok(text) = std::fs::read_to_string("/etc/filesystems") {
        for line in text.lines() {
            let t = line.trim();
            if !t.is_empty() && t != "*" && !t.starts_with('#') && !types.iter().any(|x| x == t) {
                types.push(t.to_owned());
            }
        }
    }
    if let Ok(text) = std::fs::read_to_string("/proc/filesystems") {
        for line in text.lines() {
            if line.starts_with("nodev") {
                continue;
            }
            let t = line.trim();
            if !t.is_empty() && !types.iter().any(|x| x == t) {
                types.push(t.to_owned());
            }
        }
    }
    types
}

fn type_candidates(plan: &Plan, known: impl Fn() -> Vec<String>) -> Vec<String> {
    match plan.fstype.as_deref() {
        None => known(),
        Some(t) if plan.type_pattern => known()
            .into_iter()
            .filter(|k| options::match_fstype(k, t))
            .collect(),
        Some(t) => t
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
    }
}

fn vfs_flags(o: &MountOptions) -> libc::c_ulong {
    o.set & VFS_FLAGS
}

fn bind<K: Kernel>(k: &mut K, plan: &Plan, recursive: bool, x: &Extra) -> Result<(), Failure> {
    let src = plan.source.as_deref().unwrap_or(OsStr::new("none"));
    let tgt = plan.target.as_os_str();
    let mut attr = plan.opts.mount_attr();
    x.add_idmap(&mut attr);
    let classic = |k: &mut K| -> Result<(), Failure> {
        let rec = if recursive { ms::MS_REC } else { 0 };
        k.mount(Some(src), tgt, None, ms::MS_BIND | rec, None)
            .map_err(fail("mount"))?;
        if attr != MountAttr::default() {
            let flags = ms::MS_REMOUNT | ms::MS_BIND | vfs_flags(&plan.opts);
            if let Err(e) = k.mount(Some(OsStr::new("none")), tgt, None, flags, None) {
                // The bind is there without its flags: take it back.
                let _ = k.umount(tgt);
                return Err(fail("mount")(e));
            }
        }
        Ok(())
    };
    let new_api_only = x.beneath || x.idmap.is_some();
    let tree = match k.open_tree(src, true, recursive) {
        Err(Errno::ENOSYS) if !new_api_only => return classic(k),
        other => other.map_err(fail("open_tree"))?,
    };
    if attr != MountAttr::default() {
        match k.mount_setattr(&tree, false, &attr) {
            Err(Errno::ENOSYS) if !new_api_only => {
                drop(tree);
                return classic(k);
            }
            other => other.map_err(fail("mount_setattr"))?,
        }
    }
    x.attach(k, &tree, tgt)
}

fn remount<K: Kernel>(k: &mut K, plan: &Plan, bind: bool) -> Result<(), Failure> {
    let src = plan.source.as_deref().unwrap_or(OsStr::new("none"));
    let tgt = plan.target.as_os_str();
    let merged = plan.merged.as_ref().unwrap_or(&plan.opts);
    if bind {
        let classic = |k: &mut K| {
            k.mount(
                Some(src),
                tgt,
                None,
                ms::MS_REMOUNT | ms::MS_BIND | vfs_flags(merged),
                None,
            )
            .map_err(fail("mount"))
        };
        let tree = match k.open_tree(tgt, false, false) {
            Err(Errno::ENOSYS) => return classic(k),
            other => other.map_err(fail("open_tree"))?,
        };
        return match k.mount_setattr(&tree, false, &plan.opts.mount_attr()) {
            Err(Errno::ENOSYS) => classic(k),
            other => other.map_err(fail("mount_setattr")),
        };
    }
    let data = merged.data_string().map(OsString::from);
    k.mount(
        Some(src),
        tgt,
        None,
        ms::MS_REMOUNT | merged.set,
        data.as_deref(),
    )
    .map_err(fail("mount"))
}

/// Superblock flags by their fsconfig(2) names.
fn sb_flag_names(set: libc::c_ulong) -> Vec<&'static str> {
    [
        (ms::MS_RDONLY, "ro"),
        (ms::MS_SYNCHRONOUS, "sync"),
        (ms::MS_DIRSYNC, "dirsync"),
        (ms::MS_LAZYTIME, "lazytime"),
        (ms::MS_MANDLOCK, "mand"),
        (ms::MS_I_VERSION, "iversion"),
        (ms::MS_SILENT, "silent"),
    ]
    .iter()
    .filter(|(bit, _)| set & bit != 0)
    .map(|(_, n)| *n)
    .collect()
}

/// A new mount through fsopen/fsconfig/fsmount/move_mount, for what
/// mount(2) cannot do (`--beneath`, `--exclusive`, an ID mapping).
fn new_mount_api<K: Kernel>(
    k: &mut K,
    plan: &Plan,
    fstype: &str,
    x: &Extra,
) -> Result<(), Failure> {
    let fs = NewFs {
        fstype: OsStr::new(fstype),
        source: plan.source.as_deref(),
        data: &plan.opts.data,
        sb_flags: sb_flag_names(plan.opts.set),
        exclusive: x.exclusive,
        attr: plan.opts.mount_attr().attr_set,
    };
    let tree = k.new_fs(&fs).map_err(|e| Failure {
        syscall: "fsconfig",
        errno: e,
        applyflags: false,
    })?;
    if x.idmap.is_some() {
        let mut attr = MountAttr::default();
        x.add_idmap(&mut attr);
        k.mount_setattr(&tree, false, &attr)
            .map_err(fail("mount_setattr"))?;
    }
    x.attach(k, &tree, &plan.target)
}

fn new_mount<K: Kernel>(
    k: &mut K,
    plan: &Plan,
    known: impl Fn() -> Vec<String>,
    x: &Extra,
) -> Result<(), Failure> {
    let src = plan.source.as_deref();
    if x.beneath || x.exclusive || x.idmap.is_some() {
        let mut last = fail("mount")(Errno::ENODEV);
        for t in type_candidates(plan, known) {
            match new_mount_api(k, plan, &t, x) {
                Ok(()) => return Ok(()),
                Err(f) if matches!(f.errno, Errno::EINVAL | Errno::ENODEV) => last = f,
                Err(f) => return Err(f),
            }
        }
        return Err(last);
    }
    let data = plan.opts.data_string().map(OsString::from);
    let mut last = Failure {
        syscall: "mount",
        errno: Errno::ENODEV,
        applyflags: false,
    };
    for t in type_candidates(plan, known) {
        match k.mount(
            src,
            &plan.target,
            Some(OsStr::new(&t)),
            plan.opts.set,
            data.as_deref(),
        ) {
            Ok(()) => return Ok(()),
            Err(e @ (Errno::EINVAL | Errno::ENODEV)) => last = fail("mount")(e),
            Err(e) => return Err(fail("mount")(e)),
        }
    }
    Err(last)
}

fn propagate<K: Kernel>(k: &mut K, plan: &Plan) -> Result<(), Failure> {
    if plan.opts.propagation.is_empty() {
        return Ok(());
    }
    let tgt = plan.target.as_os_str();
    let classic = |k: &mut K, from: usize| -> Result<(), Failure> {
        for p in &plan.opts.propagation[from..] {
            let rec = if p.recursive { ms::MS_REC } else { 0 };
            k.mount(Some(OsStr::new("none")), tgt, None, p.ms_flag() | rec, None)
                .map_err(fail("mount"))?;
        }
        Ok(())
    };
    let tree = match k.open_tree(tgt, false, false) {
        Err(Errno::ENOSYS) => return classic(k, 0),
        other => other.map_err(fail("open_tree"))?,
    };
    for (i, p) in plan.opts.propagation.iter().enumerate() {
        // c_ulong is u32 on 32-bit targets, u64 here.
        #[allow(clippy::useless_conversion)]
        let attr = MountAttr {
            propagation: p.ms_flag().into(),
            ..MountAttr::default()
        };
        match k.mount_setattr(&tree, p.recursive, &attr) {
            Err(Errno::ENOSYS) => return classic(k, i),
            other => other.map_err(fail("mount_setattr"))?,
        }
    }
    Ok(())
}

/// Carries out a plan: the main operation, then the propagation changes.
///
/// # Errors
/// The first system call that failed.
pub fn perform<K: Kernel>(
    k: &mut K,
    plan: &Plan,
    known: impl Fn() -> Vec<String>,
) -> Result<(), Failure> {
    perform_with(k, plan, known, &Extra::default())
}

/// [`perform`] with `--beneath`, `--exclusive` or an ID mapping.
///
/// # Errors
/// The first system call that failed.
pub fn perform_with<K: Kernel>(
    k: &mut K,
    plan: &Plan,
    known: impl Fn() -> Vec<String>,
    x: &Extra,
) -> Result<(), Failure> {
    match plan.op {
        Op::PropagationOnly => {}
        Op::Move => {
            let src = plan.source.as_deref().unwrap_or(OsStr::new("none"));
            k.mount(Some(src), &plan.target, None, ms::MS_MOVE, None)
                .map_err(fail("mount"))?;
        }
        Op::Bind { recursive } => bind(k, plan, recursive, x)?,
        Op::Remount { bind } => remount(k, plan, bind)?,
        Op::New => new_mount(k, plan, known, x)?,
    }
    propagate(k, plan).inspect_err(|_| {
        // Beneath, the new mount is not the one at the target's top.
        if !x.beneath {
            undo(k, plan);
        }
    })
}

/// A propagation change failed after the main operation succeeded: takes
/// back what that operation did, so that a failed request leaves no mount
/// behind (util-linux leaves it). A new or bound mount is detached, a moved
/// one moved back; a remount has nothing to take back.
fn undo<K: Kernel>(k: &mut K, plan: &Plan) {
    let tgt = plan.target.as_os_str();
    match (plan.op, &plan.source) {
        (Op::New | Op::Bind { .. }, _) => {
            let _ = k.umount(tgt);
        }
        (Op::Move, Some(src)) => {
            let _ = k.mount(Some(tgt), src, None, ms::MS_MOVE, None);
        }
        _ => {}
    }
}

/// The mount entry holding `path` (by statx mount ID, else the longest
/// mount point that is a prefix of the canonical path).
pub fn mount_of<'t>(table: &'t MountTable, path: &OsStr) -> Option<&'t MountEntry> {
    if let Some(id) = crate::sys::mount_id(path) {
        if let Some(e) = table.entries.iter().find(|e| e.id == id) {
            return Some(e);
        }
    }
    let canon = canonicalize(path);
    let canon = canon.as_bytes();
    table
        .entries
        .iter()
        .rev()
        .filter(|e| {
            let t = e.target.as_bytes();
            canon.starts_with(t)
                && (t == b"/" || canon.len() == t.len() || canon.get(t.len()) == Some(&b'/'))
        })
        .max_by_key(|e| e.target.len())
}

/// Whether the mount holding the parent directory of `path` is shared
/// (libmount `is_shared_tree()`: why a move fails with EINVAL).
pub fn is_shared_tree(table: &MountTable, path: &OsStr) -> bool {
    let parent = std::path::Path::new(path)
        .parent()
        .map_or_else(|| OsString::from("/"), |p| p.as_os_str().to_os_string());
    let parent = if parent.is_empty() {
        OsString::from(".")
    } else {
        parent
    };
    mount_of(table, &parent).is_some_and(|e| e.propagation.shared.is_some())
}

/// Exit status of a failed syscall (always `MNT_EX_FAIL`).
pub const SYSCALL_EXIT: i32 = EX_FAIL;

#[cfg(test)]
mod tests {
    use super::super::cli::{self, Action};
    use super::super::kernel::fake::Fake;
    use super::*;

    fn request(args: &[&str]) -> Request {
        match cli::parse(args.iter().map(OsString::from)) {
            Ok(Action::Mount(r)) => r,
            other => panic!("not a mount request: {other:?}"),
        }
    }

    fn run(args: &[&str], fail: Vec<(&'static str, Errno)>) -> (Result<(), Failure>, Vec<String>) {
        let req = request(args);
        let plan = plan(&req, || None).expect("plan");
        let mut k = Fake {
            fail,
            ..Fake::default()
        };
        let r = perform(&mut k, &plan, || vec!["ext4".into(), "xfs".into()]);
        (r, k.calls)
    }

    #[test]
    fn bind_ro_is_one_detached_clone_made_read_only_then_attached() {
        let (r, calls) = run(&["-c", "-o", "bind,ro", "/src", "/dst"], vec![]);
        assert_eq!(r, Ok(()));
        assert_eq!(
            calls,
            [
                "open_tree /src clone=true rec=false",
                "mount_setattr /src rec=false set=0x1 clr=0x0 prop=0x0",
                "move_mount /src /dst"
            ]
        );
    }

    #[test]
    fn bind_ro_falls_back_to_bind_then_remount_without_the_new_api() {
        let (r, calls) = run(
            &["-c", "--rbind", "-r", "/src", "/dst"],
            vec![("open_tree", Errno::ENOSYS)],
        );
        assert_eq!(r, Ok(()));
        assert_eq!(
            calls,
            [
                "open_tree /src clone=true rec=true",
                "mount /src /dst NULL 0x5000 NULL",
                "mount none /dst NULL 0x1021 NULL"
            ]
        );
    }

    #[test]
    fn propagation_flags_are_applied_one_by_one_after_the_mount() {
        let (r, calls) = run(
            &[
                "-c",
                "-t",
                "tmpfs",
                "--make-private",
                "--make-runbindable",
                "x",
                "/dst",
            ],
            vec![],
        );
        assert_eq!(r, Ok(()));
        assert_eq!(
            calls,
            [
                "mount x /dst tmpfs 0x0 NULL",
                "open_tree /dst clone=false rec=false",
                "mount_setattr /dst rec=false set=0x0 clr=0x0 prop=0x40000",
                "mount_setattr /dst rec=true set=0x0 clr=0x0 prop=0x20000"
            ]
        );
    }

    #[test]
    fn a_failed_propagation_change_takes_back_the_mount() {
        let fail = || vec![("mount_setattr", Errno::EPERM)];
        let (r, calls) = run(&["-c", "-t", "tmpfs", "--make-shared", "x", "/dst"], fail());
        assert_eq!(r.map_err(|f| f.errno), Err(Errno::EPERM));
        assert_eq!(
            calls.last().map(String::as_str),
            Some("umount2 /dst MNT_DETACH")
        );
        let (r, calls) = run(&["-c", "--rbind", "--make-rprivate", "/a", "/b"], fail());
        assert!(r.is_err());
        assert_eq!(
            calls.last().map(String::as_str),
            Some("umount2 /b MNT_DETACH")
        );
        let (r, calls) = run(&["-c", "--move", "--make-shared", "/a", "/b"], fail());
        assert!(r.is_err());
        assert_eq!(
            calls.last().map(String::as_str),
            Some("mount /b /a NULL 0x2000 NULL")
        );
        // A remount, or a propagation change alone, has nothing to undo.
        for args in [
            &["-c", "-o", "remount,ro", "--make-shared", "/m"][..],
            &["-c", "--make-shared", "/m"][..],
        ] {
            let (r, calls) = run(args, fail());
            assert!(r.is_err());
            assert!(calls.iter().all(|c| !c.starts_with("umount2")), "{calls:?}");
        }
    }

    #[test]
    fn bind_ro_fallback_takes_back_the_bind_when_the_remount_fails() {
        let (r, calls) = run(
            &["-c", "-o", "bind,ro", "/src", "/dst"],
            vec![("open_tree", Errno::ENOSYS), ("mount none", Errno::EPERM)],
        );
        assert_eq!(r.map_err(|f| f.errno), Err(Errno::EPERM));
        assert_eq!(
            calls,
            [
                "open_tree /src clone=true rec=false",
                "mount /src /dst NULL 0x1000 NULL",
                "mount none /dst NULL 0x1021 NULL",
                "umount2 /dst MNT_DETACH"
            ]
        );
    }

    #[test]
    fn recursive_propagation_falls_back_to_ms_rec() {
        let (r, calls) = run(
            &["-c", "--make-rshared", "/dst"],
            vec![("mount_setattr", Errno::ENOSYS)],
        );
        assert_eq!(r, Ok(()));
        assert_eq!(
            calls,
            [
                "open_tree /dst clone=false rec=false",
                "mount_setattr /dst rec=true set=0x0 clr=0x0 prop=0x100000",
                "mount none /dst NULL 0x104000 NULL"
            ]
        );
    }

    #[test]
    fn propagation_on_a_non_mount_point_is_applyflags() {
        let (r, _) = run(
            &["-c", "--make-private", "/x"],
            vec![("mount_setattr", Errno::EINVAL)],
        );
        let f = r.expect_err("fails");
        assert!(f.applyflags);
        assert_eq!(f.syscall, "mount_setattr");
    }

    #[test]
    fn move_is_ms_move() {
        let (r, calls) = run(&["-c", "-M", "/a", "/b"], vec![]);
        assert_eq!(r, Ok(()));
        assert_eq!(calls, ["mount /a /b NULL 0x2000 NULL"]);
        let (r, calls) = run(&["-c", "-o", "move", "/a", "/b"], vec![]);
        assert_eq!(r, Ok(()));
        assert_eq!(calls, ["mount /a /b NULL 0x2000 NULL"]);
    }

    #[test]
    fn new_mount_splits_flags_and_data() {
        let (r, calls) = run(
            &[
                "-c",
                "-t",
                "tmpfs",
                "-o",
                "ro,noexec,size=2m,x-foo,defaults,nofail,_netdev",
                "t2",
                "/m",
            ],
            vec![],
        );
        assert_eq!(r, Ok(()));
        assert_eq!(calls, ["mount t2 /m tmpfs 0x9 size=2m"]);
    }

    #[test]
    fn type_lists_try_each_until_one_is_not_einval_or_enodev() {
        let (r, calls) = run(
            &["-c", "-t", "a,b,c", "s", "/m"],
            vec![
                ("mount s /m a", Errno::ENODEV),
                ("mount s /m b", Errno::EACCES),
            ],
        );
        assert_eq!(r.map_err(|f| f.errno), Err(Errno::EACCES));
        assert_eq!(calls.len(), 2);
        let (r, calls) = run(
            &["-c", "/dev/x", "/m"],
            vec![("mount /dev/x /m ext4", Errno::EINVAL)],
        );
        assert_eq!(r, Ok(()));
        assert_eq!(
            calls,
            [
                "mount /dev/x /m ext4 0x0 NULL",
                "mount /dev/x /m xfs 0x0 NULL"
            ]
        );
        let (_, calls) = run(&["-c", "-t", "noext4", "/dev/x", "/m"], vec![]);
        assert_eq!(calls, ["mount /dev/x /m xfs 0x0 NULL"]);
    }

    #[test]
    fn remount_without_mountinfo_entry_uses_none() {
        let (r, calls) = run(&["-c", "-o", "remount,ro", "/m"], vec![]);
        assert_eq!(r, Ok(()));
        assert_eq!(calls, ["mount none /m NULL 0x21 NULL"]);
    }

    #[test]
    fn remount_keeps_current_options() {
        let table = MountTable::parse(
            b"63 43 0:39 / /m rw,nosuid,relatime - tmpfs t1 rw,size=1024k,mode=700\n",
        );
        let req = request(&["-c", "-o", "remount,ro", "/m"]);
        let plan = plan(&req, || Some(table.clone())).expect("plan");
        let mut k = Fake::default();
        assert_eq!(perform(&mut k, &plan, Vec::new), Ok(()));
        assert_eq!(k.calls, ["mount t1 /m NULL 0x200023 size=1024k,mode=700"]);
    }

    #[test]
    fn fstab_lookup_messages() {
        std::env::set_var("LIBMOUNT_FSTAB", "/nonexistent/fstab");
        let msg = |args: &[&str]| match plan(&request(args), || None) {
            Err(MountError::Message { spec, msg, .. }) => {
                format!("{}: {msg}", spec.unwrap_or_default().to_string_lossy())
            }
            other => panic!("expected a message, got {other:?}"),
        };
        assert_eq!(msg(&["/zz"]), "/zz: can't find in /nonexistent/fstab");
        assert_eq!(
            msg(&["--target", "/zz"]),
            "/zz: can't find mount point in /nonexistent/fstab"
        );
        assert_eq!(
            msg(&["--source", "/zz"]),
            "/zz: can't find mount source /zz in /nonexistent/fstab"
        );
    }
}
