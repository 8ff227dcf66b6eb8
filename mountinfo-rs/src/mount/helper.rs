//! External mount helpers: `/sbin/mount.TYPE` (or `mount.TYPE.SUBTYPE`),
//! run with util-linux's argument convention
//! `mount.TYPE SPEC DIR [-s] [-f] [-n] [-v] [-o OPTS] [-t TYPE.SUBTYPE] [-N NS]`;
//! the helper's exit status is mount's, 126 when it cannot be executed.

use super::options::{self, ms, MountOptions};
use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

/// Where libmount looks for helpers.
const SEARCH: &[&str] = &["/sbin", "/sbin/fs.d", "/sbin/fs"];

/// Exit status when the helper cannot be executed (util-linux 2.41+).
pub const EX_EXEC: i32 = 126;

/// The helper `KIND.TYPE` for `fstype` (`kind` is `mount` or `umount`), if
/// there is one (libmount `mnt_context_prepare_helper()`): in each of
/// [`SEARCH`] in turn, `KIND.TYPE`, then for a `TYPE.SUBTYPE` the name
/// without its last `.SUBTYPE`. Any path that exists counts (libmount
/// `mnt_is_path()`): one that cannot be executed makes the helper fail with
/// [`EX_EXEC`], as in util-linux.
pub fn find(kind: &str, fstype: &str) -> Option<PathBuf> {
    if fstype.is_empty() || fstype.contains(',') || fstype.contains("/..") || fstype == "none" {
        return None;
    }
    let mut names = vec![fstype];
    if let Some((base, _)) = fstype.rsplit_once('.') {
        names.push(base);
    }
    for dir in SEARCH {
        for name in &names {
            let p = PathBuf::from(dir).join(format!("{kind}.{name}"));
            if std::fs::metadata(&p).is_ok() {
                return Some(p);
            }
        }
    }
    None
}

/// Whether a helper is told the type with `-t`: only for `type.subtype`,
/// and not when the helper's name already ends with it.
pub fn passes_type(helper: &std::path::Path, fstype: &str) -> bool {
    fstype.contains('.')
        && !helper
            .as_os_str()
            .as_encoded_bytes()
            .ends_with(fstype.as_bytes())
}

/// Runs `helper` with `args` and returns its exit status (126 when it
/// could not be executed, 255 when a signal killed it).
pub fn run(helper: &std::path::Path, args: &[OsString]) -> i32 {
    crate::sys::run_program(helper.as_os_str(), args, EX_EXEC)
}

/// Options not given to helpers (libmount's `MNT_NOHLPS` options and the
/// operations mount itself performs).
fn hidden(opt: &str) -> bool {
    let name = opt.split_once('=').map_or(opt, |(n, _)| n);
    let lower = name.to_ascii_lowercase();
    options::PropChange::from_name(opt).is_some()
        || lower.starts_with("x-")
        || matches!(
            name,
            "rw" | "ro"
                | "defaults"
                | "auto"
                | "noauto"
                | "loop"
                | "offset"
                | "sizelimit"
                | "encryption"
                | "comment"
                | "helper"
                | "uhelper"
        )
}

/// The `-o` string a helper gets: `rw`/`ro` first, then the options in
/// order; `user` and `users` bring `noexec,nosuid,nodev`, `owner` and
/// `group` bring `nosuid,nodev`, as root's libmount spells them out.
pub fn option_string(lists: &[String], parsed: &MountOptions) -> String {
    let mut out: Vec<String> = vec![if parsed.set & ms::MS_RDONLY != 0 {
        "ro".into()
    } else {
        "rw".into()
    }];
    let push = |o: &str, out: &mut Vec<String>| {
        if !out.iter().any(|x| x == o) {
            out.push(o.to_owned());
        }
    };
    for list in lists {
        for opt in options::split(list).unwrap_or_default() {
            if hidden(opt) {
                continue;
            }
            push(opt, &mut out);
            match opt {
                "user" | "users" => {
                    for x in ["noexec", "nosuid", "nodev"] {
                        push(x, &mut out);
                    }
                }
                "owner" | "group" => {
                    for x in ["nosuid", "nodev"] {
                        push(x, &mut out);
                    }
                }
                _ => {}
            }
        }
    }
    out.join(",")
}

/// What a helper is run with.
pub struct Call<'a> {
    /// The helper.
    pub path: PathBuf,
    /// The source.
    pub source: &'a OsStr,
    /// The mount point.
    pub target: &'a OsStr,
    /// The filesystem type (`-t` is passed only for `type.subtype`).
    pub fstype: &'a str,
    /// The `-o` string.
    pub options: String,
    /// `-s`, `-f`, `-n`, `-v`.
    pub sloppy: bool,
    /// `-f`.
    pub fake: bool,
    /// `-n`.
    pub nomtab: bool,
    /// `-v`.
    pub verbose: bool,
    /// `-N`.
    pub namespace: Option<&'a OsStr>,
}

impl Call<'_> {
    /// The argument vector after the helper's name.
    pub fn args(&self) -> Vec<OsString> {
        let mut a: Vec<OsString> = vec![self.source.into(), self.target.into()];
        for (on, flag) in [
            (self.sloppy, "-s"),
            (self.fake, "-f"),
            (self.nomtab, "-n"),
            (self.verbose, "-v"),
        ] {
            if on {
                a.push(flag.into());
            }
        }
        if !self.options.is_empty() {
            a.push("-o".into());
            a.push(self.options.clone().into());
        }
        if passes_type(&self.path, self.fstype) {
            a.push("-t".into());
            a.push(self.fstype.into());
        }
        if let Some(ns) = self.namespace {
            a.push("-N".into());
            a.push(ns.into());
        }
        a
    }

    /// Runs the helper: its exit status (see [`run`]).
    pub fn run(&self) -> i32 {
        run(&self.path, &self.args())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(l: &[&str]) -> String {
        let lists: Vec<String> = l.iter().map(|s| (*s).to_owned()).collect();
        let parsed = MountOptions::parse(lists.iter().map(String::as_str)).expect("parse");
        option_string(&lists, &parsed)
    }

    #[test]
    fn helper_options_as_the_corpus_shows_them() {
        assert_eq!(opts(&["foo,defaults"]), "rw,foo");
        assert_eq!(opts(&[]), "rw");
        assert_eq!(opts(&["user,abc"]), "rw,user,noexec,nosuid,nodev,abc");
        assert_eq!(opts(&["user=name,abc"]), "rw,user=name,abc");
        assert_eq!(opts(&["ro,x-foo=1,noauto,shared,loop"]), "ro");
    }

    #[test]
    fn argument_convention() {
        let c = Call {
            path: "/sbin/mount.fuse".into(),
            source: OsStr::new("/foo"),
            target: OsStr::new("/bar"),
            fstype: "fuse.sshfs",
            options: "rw".into(),
            sloppy: true,
            fake: false,
            nomtab: false,
            verbose: true,
            namespace: Some(OsStr::new("/proc/1/ns/mnt")),
        };
        assert_eq!(
            c.args(),
            [
                "/foo",
                "/bar",
                "-s",
                "-v",
                "-o",
                "rw",
                "-t",
                "fuse.sshfs",
                "-N",
                "/proc/1/ns/mnt"
            ]
        );
    }
}
