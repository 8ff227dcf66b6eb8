//! `findmnt --receivers PATH` (an nsbox extension): every mount, in this
//! and every other mount namespace, that receives the mount and unmount
//! events made under the mount holding PATH.
//!
//! Events made under a mount of peer group N reach every mount of group N
//! (its peers, wherever they are), every mount whose master is N (its
//! slaves), and from each slave that is itself shared, that slave's group
//! and its slaves in turn. Peer group IDs are system-wide, so the mount
//! tables of all namespaces can be joined on them: one process per mount
//! namespace (the lowest PID whose `/proc/PID/ns/mnt` names it) is read.
//! A private, unbindable or slave-only mount sends nothing.

use super::cli::Options;
use super::{Error, PROG};
use crate::mountinfo::MountEntry;
use common::error::{finish_stdout, with_errno};
use common::table::{Column, JsonType, Table};
use std::collections::{HashMap, HashSet};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// One mount namespace: its inode, the PID read, its mounts.
struct Namespace {
    inode: u64,
    pid: u32,
    mounts: Vec<MountEntry>,
}

/// `mnt:[4026531841]` to the inode number.
fn ns_inode(link: &[u8]) -> Option<u64> {
    let inner = link.strip_prefix(b"mnt:[")?.strip_suffix(b"]")?;
    std::str::from_utf8(inner).ok()?.parse().ok()
}

/// The mount namespaces of the system, each with the lowest PID in it and
/// its mount table; processes that vanish or cannot be read are skipped.
fn namespaces() -> Vec<Namespace> {
    let mut pids: Vec<u32> = std::fs::read_dir("/proc")
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse().ok()))
                .collect()
        })
        .unwrap_or_default();
    pids.sort_unstable();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for pid in pids {
        let Ok(link) = std::fs::read_link(format!("/proc/{pid}/ns/mnt")) else {
            continue;
        };
        let Some(inode) = ns_inode(link.as_os_str().as_bytes()) else {
            continue;
        };
        if seen.contains(&inode) {
            continue;
        }
        let Ok(data) = super::read_file(Path::new(&format!("/proc/{pid}/mountinfo"))) else {
            continue;
        };
        seen.insert(inode);
        let mounts = super::parse_lines_mountinfo(&data);
        out.push(Namespace { inode, pid, mounts });
    }
    out
}

/// "peer", "slave", "slave of slave", ...
fn relation(depth: usize) -> String {
    if depth == 0 {
        return String::from("peer");
    }
    vec!["slave"; depth].join(" of ")
}

/// A receiving mount: namespace index, mount index, depth.
type Hit = (usize, usize, usize);

/// Walks the propagation graph from peer group `group` (the sender),
/// breadth first: depth 0 are the group's members, depth d the mounts whose
/// master is a group reached at depth d-1.
fn receivers(nss: &[Namespace], group: u32, sender: (u64, u32)) -> Vec<Hit> {
    let mut by_group: HashMap<u32, Vec<(usize, usize)>> = HashMap::new();
    let mut by_master: HashMap<u32, Vec<(usize, usize)>> = HashMap::new();
    for (n, ns) in nss.iter().enumerate() {
        for (m, e) in ns.mounts.iter().enumerate() {
            if let Some(g) = e.propagation.shared {
                by_group.entry(g).or_default().push((n, m));
            }
            if let Some(g) = e.propagation.master {
                by_master.entry(g).or_default().push((n, m));
            }
        }
    }
    let mut hits = Vec::new();
    let mut seen_mount: HashSet<(usize, usize)> = HashSet::new();
    let mut seen_group: HashSet<u32> = HashSet::from([group]);
    for &(n, m) in by_group.get(&group).map_or(&[][..], Vec::as_slice) {
        let e = &nss[n].mounts[m];
        if (nss[n].inode, e.id) != sender && seen_mount.insert((n, m)) {
            hits.push((n, m, 0));
        }
    }
    let mut frontier = vec![group];
    let mut depth = 0;
    while !frontier.is_empty() {
        depth += 1;
        let mut next = Vec::new();
        for g in frontier {
            for &(n, m) in by_master.get(&g).map_or(&[][..], Vec::as_slice) {
                if !seen_mount.insert((n, m)) {
                    continue;
                }
                hits.push((n, m, depth));
                if let Some(p) = nss[n].mounts[m].propagation.shared {
                    if seen_group.insert(p) {
                        next.push(p);
                    }
                }
            }
        }
        frontier = next;
    }
    hits.sort_by_key(|&(n, m, d)| (d, nss[n].inode, nss[n].mounts[m].id));
    hits
}

fn fail(msg: String) -> i32 {
    Error::Fatal(msg).report()
}

/// Runs `--receivers PATH`; returns the exit status (1 when nothing
/// receives the events).
pub fn run(path: &Path, opts: &Options) -> i32 {
    if let Err(e) = std::fs::metadata(path) {
        let errno = nix::errno::Errno::from_raw(e.raw_os_error().unwrap_or(libc::EIO));
        return fail(with_errno(
            format!("cannot access {}", path.display()),
            errno,
        ));
    }
    let Some(id) = crate::sys::mount_id(path.as_os_str()) else {
        return fail(format!("{}: cannot get its mount ID", path.display()));
    };
    let own = std::fs::read_link("/proc/self/ns/mnt")
        .ok()
        .and_then(|l| ns_inode(l.as_os_str().as_bytes()))
        .unwrap_or(0);
    let own_mounts = super::read_file(Path::new("/proc/self/mountinfo"))
        .map(|d| super::parse_lines_mountinfo(&d))
        .unwrap_or_default();
    let Some(sender) = own_mounts.iter().find(|e| e.id == id) else {
        return fail(format!(
            "{}: its mount is not in the mount table",
            path.display()
        ));
    };
    let nss = namespaces();
    let hits = match sender.propagation.shared {
        Some(group) => receivers(&nss, group, (own, id)),
        None => Vec::new(),
    };

    let num = |c: Column| c.right().json(JsonType::Number);
    // Flags as findmnt's columns of the same names.
    let mut fstype = Column::new("FSTYPE").hint(0.1);
    fstype.trunc = !opts.notruncate;
    let columns = vec![
        Column::new("TARGET").hint(0.3).noextremes(),
        Column::new("SOURCE").hint(0.25).noextremes(),
        fstype,
        Column::new("RELATION"),
        num(Column::new("MNTNS").hint(10.0)),
        num(Column::new("PID").hint(5.0)),
        num(Column::new("ID").hint(2.0)),
        Column::new("PROPAGATION").hint(0.1),
    ];
    let mut table = Table::new("receivers", columns);
    table.format = opts.output.format();
    table.noheadings = opts.noheadings;
    table.shellvar = opts.shellvar;
    for &(n, m, depth) in &hits {
        let ns = &nss[n];
        let e = &ns.mounts[m];
        let line = table.add_line(None);
        let mut source = e.source.as_bytes().to_vec();
        let root = e.root.as_bytes();
        if !opts.nofsroot && !root.is_empty() && root != b"/" {
            source.push(b'[');
            source.extend_from_slice(root);
            source.push(b']');
        }
        table.set_cell(line, 0, e.target.as_bytes());
        table.set_cell(line, 1, source);
        table.set_cell(line, 2, e.fstype.as_bytes());
        table.set_cell(line, 3, relation(depth));
        table.set_cell(line, 4, ns.inode.to_string());
        table.set_cell(line, 5, ns.pid.to_string());
        table.set_cell(line, 6, e.id.to_string());
        table.set_cell(line, 7, e.propagation_words());
    }
    if hits.is_empty() {
        return 1;
    }
    let r = table.print(&mut std::io::stdout().lock());
    finish_stdout(PROG, r, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ns(inode: u64, lines: &[&str]) -> Namespace {
        Namespace {
            inode,
            pid: inode as u32,
            mounts: lines
                .iter()
                .filter_map(|l| MountEntry::parse(l.as_bytes()))
                .collect(),
        }
    }

    #[test]
    fn relations_follow_masters_through_shared_slaves() {
        let a = ns(
            1,
            &[
                "10 1 0:1 / /a rw shared:5 - tmpfs t rw",
                "11 1 0:1 / /b rw shared:5 - tmpfs t rw",
                "12 1 0:1 / /c rw shared:6 master:5 - tmpfs t rw",
                "13 1 0:1 / /d rw master:6 - tmpfs t rw",
                "14 1 0:1 / /e rw - tmpfs t rw",
            ],
        );
        let b = ns(2, &["20 1 0:1 / /a rw shared:5 - tmpfs t rw"]);
        let nss = [a, b];
        let hits = receivers(&nss, 5, (1, 10));
        let got: Vec<(u32, usize)> = hits
            .iter()
            .map(|&(n, m, d)| (nss[n].mounts[m].id, d))
            .collect();
        assert_eq!(got, vec![(11, 0), (20, 0), (12, 1), (13, 2)]);
        assert_eq!(relation(2), "slave of slave");
        assert_eq!(ns_inode(b"mnt:[4026531841]"), Some(4026531841));
    }
}
