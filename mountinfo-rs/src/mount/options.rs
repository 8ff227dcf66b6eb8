//! Mount option strings, split the way libmount splits them.
//!
//! A `-o` list mixes three kinds of options: VFS and superblock flags that
//! become `MS_*` bits of mount(2) (`ro`, `nosuid`, `noatime`, ...), the
//! operations and propagation changes (`bind`, `rbind`, `remount`, `move`,
//! `shared`, `rprivate`, ...), options only userspace reads (`defaults`,
//! `noauto`, `user`, `nofail`, `_netdev`, `x-*`, `X-*`, ...), and everything
//! else, which is passed unchanged to the filesystem as the data string
//! (`size=1m,mode=755`). Later options win over earlier ones (`rw,ro` is
//! read-only), as in libmount's `linux_flags_map` and `userspace_opts_map`.

use crate::sys::MountAttr;

/// `MS_*` flags of mount(2) as libc spells them.
pub mod ms {
    pub use libc::{
        MS_BIND, MS_DIRSYNC, MS_I_VERSION, MS_LAZYTIME, MS_MANDLOCK, MS_MOVE, MS_NOATIME, MS_NODEV,
        MS_NODIRATIME, MS_NOEXEC, MS_NOSUID, MS_NOSYMFOLLOW, MS_PRIVATE, MS_RDONLY, MS_REC,
        MS_RELATIME, MS_REMOUNT, MS_SHARED, MS_SILENT, MS_SLAVE, MS_STRICTATIME, MS_SYNCHRONOUS,
        MS_UNBINDABLE,
    };
}

/// One entry of the table of kernel flags: name, bit, and whether the name
/// clears the bit (`rw` clears `MS_RDONLY`).
struct FlagOpt {
    name: &'static str,
    bit: libc::c_ulong,
    invert: bool,
}

const fn f(name: &'static str, bit: libc::c_ulong, invert: bool) -> FlagOpt {
    FlagOpt { name, bit, invert }
}

/// libmount's `linux_flags_map` without the operations and propagation.
const FLAGS: &[FlagOpt] = &[
    f("ro", ms::MS_RDONLY, false),
    f("rw", ms::MS_RDONLY, true),
    f("exec", ms::MS_NOEXEC, true),
    f("noexec", ms::MS_NOEXEC, false),
    f("suid", ms::MS_NOSUID, true),
    f("nosuid", ms::MS_NOSUID, false),
    f("dev", ms::MS_NODEV, true),
    f("nodev", ms::MS_NODEV, false),
    f("sync", ms::MS_SYNCHRONOUS, false),
    f("async", ms::MS_SYNCHRONOUS, true),
    f("dirsync", ms::MS_DIRSYNC, false),
    f("silent", ms::MS_SILENT, false),
    f("loud", ms::MS_SILENT, true),
    f("mand", ms::MS_MANDLOCK, false),
    f("nomand", ms::MS_MANDLOCK, true),
    f("atime", ms::MS_NOATIME, true),
    f("noatime", ms::MS_NOATIME, false),
    f("iversion", ms::MS_I_VERSION, false),
    f("noiversion", ms::MS_I_VERSION, true),
    f("diratime", ms::MS_NODIRATIME, true),
    f("nodiratime", ms::MS_NODIRATIME, false),
    f("relatime", ms::MS_RELATIME, false),
    f("norelatime", ms::MS_RELATIME, true),
    f("strictatime", ms::MS_STRICTATIME, false),
    f("nostrictatime", ms::MS_STRICTATIME, true),
    f("lazytime", ms::MS_LAZYTIME, false),
    f("nolazytime", ms::MS_LAZYTIME, true),
    f("symfollow", ms::MS_NOSYMFOLLOW, true),
    f("nosymfollow", ms::MS_NOSYMFOLLOW, false),
];

/// The per-mount (VFS) flags, the ones a bind mount can change.
pub const VFS_FLAGS: libc::c_ulong = ms::MS_RDONLY
    | ms::MS_NOSUID
    | ms::MS_NODEV
    | ms::MS_NOEXEC
    | ms::MS_NOATIME
    | ms::MS_NODIRATIME
    | ms::MS_RELATIME
    | ms::MS_STRICTATIME
    | ms::MS_NOSYMFOLLOW;

/// A propagation type (mount_setattr(2) `propagation`, mount(2) `MS_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PropKind {
    /// `MS_SHARED`
    Shared,
    /// `MS_SLAVE`
    Slave,
    /// `MS_PRIVATE`
    Private,
    /// `MS_UNBINDABLE`
    Unbindable,
}

/// One propagation change (`--make-rslave` is `Slave`, recursive).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PropChange {
    /// The new propagation type.
    pub kind: PropKind,
    /// Whether it applies to every mount below too (`AT_RECURSIVE`, `MS_REC`).
    pub recursive: bool,
}

impl PropChange {
    /// The `MS_*` propagation bit.
    pub fn ms_flag(self) -> libc::c_ulong {
        match self.kind {
            PropKind::Shared => ms::MS_SHARED,
            PropKind::Slave => ms::MS_SLAVE,
            PropKind::Private => ms::MS_PRIVATE,
            PropKind::Unbindable => ms::MS_UNBINDABLE,
        }
    }

    /// Parses `shared`, `rslave`, ... (the `-o` spellings).
    pub fn from_name(name: &str) -> Option<PropChange> {
        let (recursive, base) = match name.strip_prefix('r') {
            Some(rest) if PropChange::kind(rest).is_some() => (true, rest),
            _ => (false, name),
        };
        PropChange::kind(base).map(|kind| PropChange { kind, recursive })
    }

    fn kind(name: &str) -> Option<PropKind> {
        Some(match name {
            "shared" => PropKind::Shared,
            "slave" => PropKind::Slave,
            "private" => PropKind::Private,
            "unbindable" => PropKind::Unbindable,
            _ => return None,
        })
    }
}

/// A parsed option list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MountOptions {
    /// `MS_*` flags set (kernel flags only: no operation or propagation bits).
    pub set: libc::c_ulong,
    /// `MS_*` flags explicitly cleared (`rw`, `suid`, `exec`, ...).
    pub clear: libc::c_ulong,
    /// `bind` or `rbind` was given.
    pub bind: bool,
    /// `rbind` was given (recursive bind).
    pub recursive: bool,
    /// `remount` was given.
    pub remount: bool,
    /// `move` was given.
    pub moving: bool,
    /// Propagation changes in command-line order.
    pub propagation: Vec<PropChange>,
    /// Filesystem-specific options, in order, for the data string.
    pub data: Vec<String>,
    /// `X-mount.mkdir[=MODE]`: create the mount point with this mode
    /// (`Some(None)`: a mode that does not parse, which libmount reports
    /// only when it has to create the directory).
    pub mkdir: Option<Option<u32>>,
    /// `nofail` was given.
    pub nofail: bool,
    /// Userspace options that were given (`x-foo`, `_netdev`, ...).
    pub userspace: Vec<String>,
    /// The lists as given, in order (for helpers).
    pub given: Vec<String>,
    /// `X-mount.subdir=DIR`.
    pub subdir: Option<String>,
    /// `X-mount.owner=USER`, resolved.
    pub owner: Option<u32>,
    /// `X-mount.group=GROUP`, resolved.
    pub group: Option<u32>,
    /// `X-mount.mode=MODE`.
    pub mode: Option<u32>,
    /// `X-mount.idmap=MAP` (or the `--map-users`/`--map-groups` it came from).
    pub idmap: Option<String>,
}

fn lookup_id(value: &str, db: &str) -> Option<u32> {
    let v = value.trim_matches('"');
    if let Ok(n) = v.parse::<u32>() {
        return Some(n);
    }
    let text = std::fs::read_to_string(db).ok()?;
    text.lines().find_map(|l| {
        let mut f = l.split(':');
        (f.next()? == v).then_some(())?;
        f.nth(1)?.parse().ok()
    })
}

/// Splits an option string at commas that are not inside double quotes;
/// empty items are dropped. `None` when a quote is left open.
pub fn split(list: &str) -> Option<Vec<&str>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    for (i, c) in list.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                if i > start {
                    out.push(&list[start..i]);
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    if quoted {
        return None;
    }
    if start < list.len() {
        out.push(&list[start..]);
    }
    Some(out)
}

fn userspace_match(opt: &str) -> bool {
    let (name, has_value) = match opt.find('=') {
        Some(i) => (&opt[..i], true),
        None => (opt, false),
    };
    if name.starts_with("x-") || name.starts_with("X-") {
        return true;
    }
    crate::mountinfo::USERSPACE_OPTIONS.iter().any(|pat| {
        if let Some(base) = pat.strip_suffix("[=]") {
            base == name
        } else if let Some(base) = pat.strip_suffix('=') {
            base == name && has_value
        } else {
            *pat == name && !has_value
        }
    })
}

fn parse_mode(value: &str) -> Option<u32> {
    let digits = value.trim_matches('"');
    u32::from_str_radix(digits, 8).ok().filter(|m| *m <= 0o7777)
}

impl MountOptions {
    /// Parses one or more comma-separated lists, applied in order.
    ///
    /// # Errors
    /// The text of the list that is malformed (an unclosed quote).
    pub fn parse<'a>(lists: impl IntoIterator<Item = &'a str>) -> Result<MountOptions, String> {
        let mut o = MountOptions::default();
        for list in lists {
            o.given.push(list.to_owned());
            for opt in split(list).ok_or_else(|| list.to_owned())? {
                o.apply(opt)?;
            }
        }
        Ok(o)
    }

    fn flag(&mut self, bit: libc::c_ulong, invert: bool) {
        if invert {
            self.set &= !bit;
            self.clear |= bit;
        } else {
            self.set |= bit;
            self.clear &= !bit;
        }
    }

    fn apply(&mut self, opt: &str) -> Result<(), String> {
        // libmount drops the SELinux options when SELinux is off
        // (hook_selinux.c), so an fstab from an SELinux system still mounts.
        let name = opt.split_once('=').map_or(opt, |(n, _)| n);
        if matches!(
            name,
            "context" | "fscontext" | "defcontext" | "rootcontext" | "seclabel"
        ) && !common::selinux_enabled()
        {
            return Ok(());
        }
        if let Some(fl) = FLAGS.iter().find(|fl| fl.name == opt) {
            self.flag(fl.bit, fl.invert);
            return Ok(());
        }
        if let Some(p) = PropChange::from_name(opt) {
            self.propagation.push(p);
            return Ok(());
        }
        match opt {
            "bind" => self.bind = true,
            "rbind" => {
                self.bind = true;
                self.recursive = true;
            }
            "remount" => self.remount = true,
            "move" => self.moving = true,
            // As root, libmount turns these into MS_SECURE / MS_OWNERSECURE.
            "user" | "users" => {
                self.flag(ms::MS_NOEXEC | ms::MS_NOSUID | ms::MS_NODEV, false);
                self.userspace.push(opt.to_owned());
            }
            "owner" | "group" => self.flag(ms::MS_NOSUID | ms::MS_NODEV, false),
            "nofail" => {
                self.nofail = true;
                self.userspace.push(opt.to_owned());
            }
            _ => {
                let lower = opt.to_ascii_lowercase();
                if lower == "x-mount.mkdir" || lower.starts_with("x-mount.mkdir=") {
                    let mode = match opt.split_once('=') {
                        Some((_, v)) if !v.is_empty() => parse_mode(v),
                        _ => Some(0o755),
                    };
                    self.mkdir = Some(mode);
                } else if let Some((name, value)) = opt
                    .split_once('=')
                    .filter(|(n, _)| n.to_ascii_lowercase().starts_with("x-mount."))
                {
                    let bad = || format!("bad {name} value {value}");
                    match name.to_ascii_lowercase().as_str() {
                        "x-mount.subdir" => {
                            self.subdir = Some(value.trim_matches('"').to_owned());
                        }
                        "x-mount.owner" => {
                            self.owner = Some(lookup_id(value, "/etc/passwd").ok_or_else(bad)?);
                        }
                        "x-mount.group" => {
                            self.group = Some(lookup_id(value, "/etc/group").ok_or_else(bad)?);
                        }
                        "x-mount.mode" => self.mode = Some(parse_mode(value).ok_or_else(bad)?),
                        "x-mount.idmap" => self.idmap = Some(value.trim_matches('"').to_owned()),
                        _ => {}
                    }
                    self.userspace.push(opt.to_owned());
                } else if userspace_match(opt) {
                    self.userspace.push(opt.to_owned());
                } else {
                    self.data.push(opt.to_owned());
                }
            }
        }
        Ok(())
    }

    /// The data string for mount(2), or `None` when there is nothing to pass.
    pub fn data_string(&self) -> Option<String> {
        (!self.data.is_empty()).then(|| self.data.join(","))
    }

    /// Whether the list changes nothing but propagation.
    pub fn propagation_only(&self) -> bool {
        !self.propagation.is_empty()
            && self.set == 0
            && self.clear == 0
            && !self.bind
            && !self.remount
            && !self.moving
            && self.data.is_empty()
    }

    /// The per-mount flags as a mount_setattr(2) request: what was set and
    /// what was explicitly cleared (only the VFS flags; an atime mode given
    /// replaces the whole `MOUNT_ATTR__ATIME` field).
    pub fn mount_attr(&self) -> MountAttr {
        const MAP: &[(libc::c_ulong, u64)] = &[
            (ms::MS_RDONLY, libc::MOUNT_ATTR_RDONLY),
            (ms::MS_NOSUID, libc::MOUNT_ATTR_NOSUID),
            (ms::MS_NODEV, libc::MOUNT_ATTR_NODEV),
            (ms::MS_NOEXEC, libc::MOUNT_ATTR_NOEXEC),
            (ms::MS_NODIRATIME, libc::MOUNT_ATTR_NODIRATIME),
            (ms::MS_NOSYMFOLLOW, libc::MOUNT_ATTR_NOSYMFOLLOW),
        ];
        let mut attr = MountAttr::default();
        for &(bit, a) in MAP {
            if self.set & bit != 0 {
                attr.attr_set |= a;
            }
            if self.clear & bit != 0 {
                attr.attr_clr |= a;
            }
        }
        let atime = ms::MS_NOATIME | ms::MS_RELATIME | ms::MS_STRICTATIME;
        if (self.set | self.clear) & atime != 0 {
            attr.attr_clr |= libc::MOUNT_ATTR__ATIME;
            if self.set & ms::MS_NOATIME != 0 {
                attr.attr_set |= libc::MOUNT_ATTR_NOATIME;
            } else if self.set & ms::MS_STRICTATIME != 0 {
                attr.attr_set |= libc::MOUNT_ATTR_STRICTATIME;
            } else {
                attr.attr_set |= libc::MOUNT_ATTR_RELATIME;
            }
        }
        attr
    }
}

/// The OPTIONS of a mountinfo entry as mount(8) prints them (libmount
/// `merge_optstr`, shared with findmnt: [`crate::mountinfo::merge_options`]).
pub fn merge_optstr(vfs: &str, fs: &str) -> String {
    String::from_utf8_lossy(&crate::mountinfo::merge_options(
        vfs.as_bytes(),
        fs.as_bytes(),
    ))
    .into_owned()
}

/// Whether filesystem type `fstype` matches a `-t` pattern
/// ([`crate::mountinfo::match_fstype`]: comma list, leading `no` negates).
pub fn match_fstype(fstype: &str, pattern: &str) -> bool {
    crate::mountinfo::match_fstype(fstype.as_bytes(), pattern.as_bytes())
}

/// Whether `fstype` is a pseudo filesystem (its source is just a name).
pub fn is_pseudofs(fstype: &str) -> bool {
    crate::mountinfo::is_pseudo_fs(fstype.as_bytes())
}

/// Whether `fstype` is a network filesystem.
pub fn is_netfs(fstype: &str) -> bool {
    crate::mountinfo::is_net_fs(fstype.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(list: &str) -> MountOptions {
        MountOptions::parse([list]).expect("valid list")
    }

    #[test]
    fn flags_data_and_userspace_are_split_like_libmount() {
        let o = p("ro,noexec,size=2m,x-foo,defaults,nofail,_netdev,mode=755");
        assert_eq!(o.set, ms::MS_RDONLY | ms::MS_NOEXEC);
        assert_eq!(o.data_string().as_deref(), Some("size=2m,mode=755"));
        assert!(o.nofail);
        assert_eq!(o.userspace, ["x-foo", "defaults", "nofail", "_netdev"]);
        let o = p("rw,sync,mand,lazytime,silent");
        assert_eq!(
            o.set,
            ms::MS_SYNCHRONOUS | ms::MS_MANDLOCK | ms::MS_LAZYTIME | ms::MS_SILENT
        );
        assert_eq!(o.clear, ms::MS_RDONLY);
        assert_eq!(o.data_string(), None);
    }

    #[test]
    fn later_options_win() {
        assert_eq!(p("ro,rw").set, 0);
        assert_eq!(p("ro,rw").clear, ms::MS_RDONLY);
        assert_eq!(p("rw,ro").set, ms::MS_RDONLY);
        assert_eq!(p("user,exec").set, ms::MS_NOSUID | ms::MS_NODEV);
    }

    #[test]
    fn operations_and_propagation() {
        let o = p("rbind,ro,shared,rprivate");
        assert!(o.bind && o.recursive && !o.remount);
        assert_eq!(
            o.propagation,
            [
                PropChange {
                    kind: PropKind::Shared,
                    recursive: false
                },
                PropChange {
                    kind: PropKind::Private,
                    recursive: true
                }
            ]
        );
        assert!(!o.propagation_only());
        assert!(p("rslave,unbindable").propagation_only());
        assert!(p("remount,bind,ro").remount);
        assert!(p("move").moving);
        assert_eq!(
            PropChange::from_name("runbindable").map(|p| p.ms_flag()),
            Some(ms::MS_UNBINDABLE)
        );
        assert_eq!(PropChange::from_name("rw"), None);
    }

    #[test]
    fn quotes_keep_commas_and_open_quotes_fail() {
        assert_eq!(split("a,\"b,c\",,d"), Some(vec!["a", "\"b,c\"", "d"]));
        assert_eq!(split("a,\"b"), None);
        assert!(MountOptions::parse(["context=\"x,y"]).is_err());
        assert_eq!(
            p("uid=\"a,b\",ro").data_string().as_deref(),
            Some("uid=\"a,b\"")
        );
    }

    #[test]
    fn mkdir_mode() {
        assert_eq!(p("X-mount.mkdir").mkdir, Some(Some(0o755)));
        assert_eq!(p("X-mount.mkdir=0700").mkdir, Some(Some(0o700)));
        assert_eq!(p("x-mount.mkdir=\"711\"").mkdir, Some(Some(0o711)));
        assert_eq!(p("X-mount.mkdir=9").mkdir, Some(None));
    }

    #[test]
    fn mount_attr_of_bind_ro() {
        let a = p("bind,ro,nosuid").mount_attr();
        assert_eq!(
            a.attr_set,
            libc::MOUNT_ATTR_RDONLY | libc::MOUNT_ATTR_NOSUID
        );
        assert_eq!(a.attr_clr, 0);
        let a = p("rw,noatime").mount_attr();
        assert_eq!(a.attr_set, libc::MOUNT_ATTR_NOATIME);
        assert_eq!(
            a.attr_clr,
            libc::MOUNT_ATTR_RDONLY | libc::MOUNT_ATTR__ATIME
        );
    }

    #[test]
    fn merge_like_libmount() {
        assert_eq!(
            merge_optstr("rw,noatime", "rw,errors=continue"),
            "rw,noatime,errors=continue"
        );
        assert_eq!(
            merge_optstr("ro,nosuid,relatime", "ro,size=4k"),
            "ro,nosuid,relatime,size=4k"
        );
        assert_eq!(merge_optstr("rw,relatime", "rw"), "rw,relatime");
        assert_eq!(merge_optstr("ro,relatime", "rw"), "ro,relatime");
        assert_eq!(merge_optstr("rw", "rw"), "rw");
        assert_eq!(merge_optstr("rw,relatime", "ro"), "ro,relatime");
    }

    #[test]
    fn fstype_patterns() {
        assert!(match_fstype("ext3", "ext2,ext3,cifs"));
        assert!(!match_fstype("cifs", "ext2,ext3,nocifs"));
        assert!(!match_fstype("cifs", "noext2,ext3,cifs"));
        assert!(match_fstype("xfs", "noext2,ext3"));
        assert!(match_fstype("TMPFS", "tmpfs"));
        assert!(!match_fstype("tmpfs", "proc"));
    }

    #[test]
    fn pseudo_and_net() {
        assert!(is_pseudofs("tmpfs") && is_pseudofs("proc") && !is_pseudofs("ext4"));
        assert!(is_netfs("nfs4") && is_netfs("cifs") && !is_netfs("tmpfs"));
    }
}
