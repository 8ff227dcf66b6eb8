//! The one table of Linux namespace kinds (namespaces(7)).
//!
//! Each kind has its short name as lsns prints it (`mnt`), its `CLONE_NEW*`
//! flag for unshare(2)/setns(2), the file under `/proc/PID/ns/` that a tool
//! opens or bind-mounts to reach it (`pid_for_children` and
//! `time_for_children` for the kinds whose new namespace only applies to
//! children), and the option letter and long name unshare and nsenter use.

use nix::sched::CloneFlags;

/// One namespace kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NsKind {
    /// Short name as in `/proc/PID/ns/` and lsns's TYPE column: `mnt`, `net`, ...
    pub name: &'static str,
    /// The `CLONE_NEW*` flag.
    pub flag: CloneFlags,
    /// File under `/proc/PID/ns/` naming the namespace the process's *children*
    /// get after unshare(2): `pid_for_children` / `time_for_children` for pid
    /// and time, the plain name otherwise.
    pub for_children: &'static str,
    /// Option letter in unshare and nsenter (`-m`, `-U`, ...).
    pub letter: char,
    /// Long option name in unshare and nsenter (`mount`, `user`, ...).
    pub long: &'static str,
}

/// `CLONE_NEWTIME` (Linux 5.6), which nix does not name.
pub const CLONE_NEWTIME: CloneFlags = CloneFlags::from_bits_retain(libc::CLONE_NEWTIME);

/// All kinds, in util-linux nsenter's entry order (user first, so a second
/// pass can enter it last): user, cgroup, ipc, uts, net, pid, mnt, time.
pub const KINDS: [NsKind; 8] = [
    NsKind {
        name: "user",
        flag: CloneFlags::CLONE_NEWUSER,
        for_children: "user",
        letter: 'U',
        long: "user",
    },
    NsKind {
        name: "cgroup",
        flag: CloneFlags::CLONE_NEWCGROUP,
        for_children: "cgroup",
        letter: 'C',
        long: "cgroup",
    },
    NsKind {
        name: "ipc",
        flag: CloneFlags::CLONE_NEWIPC,
        for_children: "ipc",
        letter: 'i',
        long: "ipc",
    },
    NsKind {
        name: "uts",
        flag: CloneFlags::CLONE_NEWUTS,
        for_children: "uts",
        letter: 'u',
        long: "uts",
    },
    NsKind {
        name: "net",
        flag: CloneFlags::CLONE_NEWNET,
        for_children: "net",
        letter: 'n',
        long: "net",
    },
    NsKind {
        name: "pid",
        flag: CloneFlags::CLONE_NEWPID,
        for_children: "pid_for_children",
        letter: 'p',
        long: "pid",
    },
    NsKind {
        name: "mnt",
        flag: CloneFlags::CLONE_NEWNS,
        for_children: "mnt",
        letter: 'm',
        long: "mount",
    },
    NsKind {
        name: "time",
        flag: CLONE_NEWTIME,
        for_children: "time_for_children",
        letter: 'T',
        long: "time",
    },
];

/// The kind with this short name (`mnt`, `net`, ...).
pub fn by_name(name: &str) -> Option<&'static NsKind> {
    KINDS.iter().find(|k| k.name == name)
}

/// The kind with this unshare/nsenter option letter.
pub fn by_letter(letter: char) -> Option<&'static NsKind> {
    KINDS.iter().find(|k| k.letter == letter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_by_name_and_letter() {
        assert_eq!(by_name("mnt").map(|k| k.letter), Some('m'));
        assert_eq!(
            by_letter('p').map(|k| k.for_children),
            Some("pid_for_children")
        );
        assert_eq!(by_letter('T').map(|k| k.flag), Some(CLONE_NEWTIME));
        assert!(by_name("bogus").is_none());
    }
}
