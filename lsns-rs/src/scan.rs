//! Discovery: every namespace visible from here, with its processes.
//!
//! Sources, as util-linux 2.42 lsns: the `/proc/PID/ns/*` links of every
//! process; namespaces held by an open descriptor (`/proc/PID/fd/*` on nsfs,
//! and the network namespace of every socket, through `pidfd_getfd` and
//! `SIOCGSKNS`) together with the owner and parent namespaces above them;
//! nsfs bind mounts in our mount table (with theirs). Only what the output
//! needs is asked of the kernel: one `readlink` per namespace link, and the
//! ioctls, the netlink request, `stat`, `cmdline` only for the rows shown.
//! Processes that vanish while being read are skipped.
#![forbid(unsafe_code)]

use crate::sys;
use nix::errno::Errno;
use std::collections::{HashMap, HashSet};
use std::ffi::{CStr, CString, OsString};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

/// Namespace kinds in lsns's order (the index is used everywhere).
pub const TYPES: [&str; 8] = ["mnt", "net", "pid", "uts", "ipc", "user", "cgroup", "time"];
/// Index of `net`.
pub const NET: usize = 1;
/// Index of `pid`.
pub const PID: usize = 2;
/// Index of `user`.
pub const USER: usize = 5;

const NS_PATHS: [&CStr; 8] = [
    c"ns/mnt",
    c"ns/net",
    c"ns/pid",
    c"ns/uts",
    c"ns/ipc",
    c"ns/user",
    c"ns/cgroup",
    c"ns/time",
];

/// The index of a kind name.
pub fn type_index(name: &str) -> Option<usize> {
    TYPES.iter().position(|&t| t == name)
}

fn type_of_clone_flag(flag: i32) -> Option<usize> {
    let name = common::ns::KINDS
        .iter()
        .find(|k| k.flag.bits() == flag)?
        .name;
    type_index(name)
}

/// Index of the parent and owner relations.
pub const PARENT: usize = 0;
/// See [`PARENT`].
pub const OWNER: usize = 1;

/// What the output needs beyond the namespace list.
#[derive(Clone, Copy, Debug, Default)]
pub struct Needs {
    /// Selected kinds.
    pub types: [bool; 8],
    /// Parent and owner namespaces (PNS, ONS, `-T owner|parent`).
    pub relations: bool,
    /// NETNSID.
    pub netnsid: bool,
    /// Owner uids of process-less namespaces (UID, USER).
    pub uid: bool,
}

/// One process (a thread-group leader under /proc).
#[derive(Clone, Debug)]
pub struct Process {
    /// Its PID.
    pub pid: i32,
    /// Namespace inodes by kind (0: unknown).
    pub ns: [u64; 8],
    /// Owner uid of `/proc/PID` (read when UID or USER is shown).
    pub uid: Option<u32>,
}

/// One namespace.
#[derive(Clone, Debug)]
pub struct Namespace {
    /// Inode number.
    pub id: u64,
    /// Kind (index into [`TYPES`]).
    pub kind: usize,
    /// Its processes (indexes into [`Model::procs`]), in /proc order.
    pub procs: Vec<usize>,
    /// Parent and owner inodes (0: none or unknown).
    pub related: [u64; 2],
    /// Parent and owner namespaces once connected (indexes).
    pub related_ns: [Option<usize>; 2],
    /// `RTM_GETNSID` answer (`None`: not asked or failed).
    pub netnsid: Option<i32>,
    /// `NS_GET_OWNER_UID` (0 when it fails), for rows without a process.
    pub uid_fallback: u32,
    /// Added through a descriptor (an open fd, a bind mount, an ancestor).
    from_fd: bool,
}

impl Namespace {
    /// The representative process: the lowest PID.
    pub fn rep(&self, model: &Model) -> Option<usize> {
        self.procs
            .iter()
            .copied()
            .min_by_key(|&p| model.procs[p].pid)
    }
}

/// Everything found.
pub struct Model {
    /// Processes in /proc order.
    pub procs: Vec<Process>,
    /// Namespaces in discovery order.
    pub ns: Vec<Namespace>,
    /// Inode to index into `ns`.
    pub index: HashMap<u64, usize>,
    /// PID to index into `procs`.
    pub by_pid: HashMap<i32, usize>,
    /// nsfs mounts of our mount table: (root `type:[ino]`, target).
    pub nsfs_mounts: Vec<(OsString, OsString)>,
    /// An `NS_GET_PARENT` or `NS_GET_USERNS` ioctl failed with ENOTTY: the
    /// kernel lacks it, and util-linux prints nothing and exits with 2.
    pub unsupported_ioctl: bool,
    needs: Needs,
    nsfs_dev: Option<u64>,
    netlink: Option<OwnedFd>,
    netnsids: HashMap<u64, Option<i32>>,
}

fn parse_ns_link(link: &[u8]) -> Option<(usize, u64)> {
    let open = link.iter().position(|&b| b == b':')?;
    let kind = TYPES.iter().position(|t| t.as_bytes() == &link[..open])?;
    let rest = link[open + 1..].strip_prefix(b"[")?.strip_suffix(b"]")?;
    if rest.is_empty() || !rest.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let ino = std::str::from_utf8(rest).ok()?.parse().ok()?;
    Some((kind, ino))
}

fn parse_socket_link(link: &[u8]) -> Option<u64> {
    let rest = link.strip_prefix(b"socket:[")?.strip_suffix(b"]")?;
    std::str::from_utf8(rest).ok()?.parse().ok()
}

fn pid_name(name: &[u8]) -> Option<i32> {
    if name.is_empty() || !name.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(name).ok()?.parse().ok()
}

/// Reads a small /proc file of process `pid` (`stat`, `cmdline`, `comm`).
pub fn read_proc_file(pid: i32, name: &str, buf: &mut [u8]) -> Option<usize> {
    let path = CString::new(format!("/proc/{pid}/{name}")).ok()?;
    let fd = sys::open_at(None, &path, libc::O_RDONLY).ok()?;
    sys::read_all(fd.as_fd(), buf).ok()
}

/// The PPID of `pid` from `/proc/PID/stat`.
pub fn read_ppid(pid: i32) -> Option<i32> {
    let mut buf = [0u8; 1024];
    let n = read_proc_file(pid, "stat", &mut buf)?;
    let data = &buf[..n];
    let close = data.iter().rposition(|&b| b == b')')?;
    let mut fields = data[close + 1..]
        .split(|&b| b == b' ')
        .filter(|f| !f.is_empty());
    let _state = fields.next()?;
    std::str::from_utf8(fields.next()?).ok()?.parse().ok()
}

/// The owner uid of `/proc/PID`.
pub fn read_uid(pid: i32) -> Option<u32> {
    let path = CString::new(format!("/proc/{pid}")).ok()?;
    let fd = sys::open_at(None, &path, libc::O_PATH | libc::O_DIRECTORY).ok()?;
    sys::fstat(fd.as_fd()).ok().map(|(_, _, uid)| uid)
}

/// util-linux `read_procfs_file()`: at most 8 KiB, NULs as spaces, the last
/// byte dropped.
fn read_text(pid: i32, name: &str) -> Option<Vec<u8>> {
    let mut buf = vec![0u8; 8192];
    let n = read_proc_file(pid, name, &mut buf)?;
    if n == 0 {
        return None;
    }
    buf.truncate(n - 1);
    for b in &mut buf {
        if *b == 0 {
            *b = b' ';
        }
    }
    Some(buf)
}

/// COMMAND: the command line, or `comm` for kernel threads.
pub fn read_command(pid: i32) -> Option<Vec<u8>> {
    read_text(pid, "cmdline").or_else(|| read_text(pid, "comm"))
}

/// A descriptor that may hold a namespace.
#[derive(Clone, Copy, Debug)]
enum FdRef {
    /// An nsfs file (`kind` from its link text, or unknown when the link
    /// shows the path it was opened by).
    Ns {
        num: i32,
        kind: Option<usize>,
        ino: u64,
    },
    /// A socket (its inode).
    Socket { num: i32, ino: u64 },
}

/// What one process shows under /proc/PID, read without shared state.
struct Raw {
    pid: i32,
    ids: [u64; 8],
    uid: Option<u32>,
    fds: Vec<FdRef>,
}

fn read_raw(
    proc_fd: BorrowedFd<'_>,
    pid: i32,
    types: &[bool; 8],
    want_uid: bool,
    nsfs_dev: Option<u64>,
) -> Option<Raw> {
    let name = CString::new(pid.to_string()).ok()?;
    let pdir = sys::open_at(Some(proc_fd), &name, libc::O_PATH | libc::O_DIRECTORY).ok()?;
    let pdir = pdir.as_fd();
    let mut ids = [0u64; 8];
    let mut buf = [0u8; 256];
    let mut any = false;
    for (t, id) in ids.iter_mut().enumerate() {
        if !types[t] {
            continue;
        }
        match sys::readlink_at(pdir, NS_PATHS[t], &mut buf) {
            Ok(n) => {
                if let Some((_, ino)) = parse_ns_link(&buf[..n]) {
                    *id = ino;
                    any = true;
                }
            }
            Err(Errno::ENOENT | Errno::EACCES) => {}
            Err(_) if !any => return None,
            Err(_) => {}
        }
    }
    let uid = if want_uid {
        sys::fstat(pdir).ok().map(|(_, _, uid)| uid)
    } else {
        None
    };
    Some(Raw {
        pid,
        ids,
        uid,
        fds: read_fd_refs(pdir, nsfs_dev),
    })
}

/// The descriptors of a process that are nsfs files or sockets.
fn read_fd_refs(pdir: BorrowedFd<'_>, nsfs_dev: Option<u64>) -> Vec<FdRef> {
    let mut out = Vec::new();
    let Ok(fd_dir) = sys::open_at(Some(pdir), c"fd", libc::O_RDONLY | libc::O_DIRECTORY) else {
        return out;
    };
    let Ok(mut dir) = nix::dir::Dir::from_fd(fd_dir) else {
        return out;
    };
    let mut names: Vec<(i32, CString)> = Vec::new();
    for entry in dir.iter().flatten() {
        let name = entry.file_name();
        if let Some(num) = pid_name(name.to_bytes()) {
            names.push((num, name.to_owned()));
        }
    }
    let dfd = dir.as_fd();
    let mut buf = [0u8; 256];
    for (num, name) in names {
        let Ok(n) = sys::readlink_at(dfd, &name, &mut buf) else {
            continue;
        };
        let link = &buf[..n];
        if let Some((kind, ino)) = parse_ns_link(link) {
            out.push(FdRef::Ns {
                num,
                kind: Some(kind),
                ino,
            });
        } else if let Some(ino) = parse_socket_link(link) {
            out.push(FdRef::Socket { num, ino });
        } else if link.first() == Some(&b'/') && !link.starts_with(b"/dev/") {
            // An nsfs file opened through a bind mount shows its path.
            match (sys::stat_at(dfd, &name), nsfs_dev) {
                (Ok((dev, ino)), Some(nsfs)) if dev == nsfs => out.push(FdRef::Ns {
                    num,
                    kind: None,
                    ino,
                }),
                _ => {}
            }
        }
    }
    out
}

impl Model {
    /// Scans /proc and the mount table.
    pub fn scan(needs: Needs, mounts: &mountinfo_rs::mountinfo::MountTable) -> Model {
        let netlink = if needs.netnsid {
            sys::rtnetlink_socket().ok()
        } else {
            None
        };
        let mut m = Model {
            procs: Vec::new(),
            ns: Vec::new(),
            index: HashMap::new(),
            by_pid: HashMap::new(),
            nsfs_mounts: mounts
                .entries
                .iter()
                .filter(|e| e.fstype == "nsfs")
                .map(|e| (e.root.to_os_string(), e.target.to_os_string()))
                .collect(),
            unsupported_ioctl: false,
            needs,
            netlink,
            netnsids: HashMap::new(),
            nsfs_dev: sys::open_at(None, c"/proc/self/ns/user", libc::O_RDONLY)
                .ok()
                .and_then(|fd| sys::fstat(fd.as_fd()).ok())
                .map(|(dev, _, _)| dev),
        };
        m.read_processes();
        m.read_persistent();
        m
    }

    fn read_processes(&mut self) {
        let Ok(proc_dir) = sys::open_at(None, c"/proc", libc::O_RDONLY | libc::O_DIRECTORY) else {
            return;
        };
        let Ok(mut dir) = nix::dir::Dir::from_fd(proc_dir) else {
            return;
        };
        let mut pids: Vec<i32> = Vec::new();
        for entry in dir.iter().flatten() {
            if let Some(pid) = pid_name(entry.file_name().to_bytes()) {
                pids.push(pid);
            }
        }
        let proc_fd = dir.as_fd();
        // The kernel work (path walks in /proc) runs on every CPU; the
        // namespaces are then assembled in /proc order.
        // The CPUs this process may run on (sched_getaffinity(2)); std's
        // available_parallelism() would also parse cgroup quotas, code the
        // binary's size cannot afford for a cap of 4.
        let threads = nix::sched::sched_getaffinity(nix::unistd::Pid::from_raw(0))
            .map_or(1, |set| {
                (0..nix::sched::CpuSet::count())
                    .filter(|&cpu| set.is_set(cpu).unwrap_or(false))
                    .count()
            })
            .clamp(1, 4);
        let threads = if pids.len() < 256 { 1 } else { threads };
        let chunk = pids.len().div_ceil(threads).max(1);
        let (types, uid, nsfs_dev) = (self.needs.types, self.needs.uid, self.nsfs_dev);
        let raws: Vec<Raw> = if threads == 1 {
            pids.iter()
                .filter_map(|&pid| read_raw(proc_fd, pid, &types, uid, nsfs_dev))
                .collect()
        } else {
            std::thread::scope(|scope| {
                let read = move |part: &[i32]| -> Vec<Raw> {
                    part.iter()
                        .filter_map(|&pid| read_raw(proc_fd, pid, &types, uid, nsfs_dev))
                        .collect()
                };
                // A chunk whose thread cannot start is read here instead.
                let handles: Vec<_> = pids
                    .chunks(chunk)
                    .map(|part| {
                        std::thread::Builder::new()
                            .spawn_scoped(scope, move || read(part))
                            .map_err(|_| part)
                    })
                    .collect();
                handles
                    .into_iter()
                    .flat_map(|h| match h {
                        Ok(h) => h.join().unwrap_or_default(),
                        Err(part) => read(part),
                    })
                    .collect()
            })
        };
        let mut sockets_seen: HashSet<u64> = HashSet::new();
        for raw in raws {
            self.add_process(raw, &mut sockets_seen);
        }
    }

    fn add_process(&mut self, raw: Raw, sockets_seen: &mut HashSet<u64>) {
        let Raw { pid, ids, uid, fds } = raw;
        let p = self.procs.len();
        self.procs.push(Process { pid, ns: ids, uid });
        self.by_pid.insert(pid, p);
        for (t, &id) in ids.iter().enumerate() {
            if id == 0 {
                continue;
            }
            let n = match self.index.get(&id) {
                Some(&n) => n,
                None => {
                    let n = self.add(t, id);
                    if self.needs.relations || (t == NET && self.needs.netnsid) {
                        let path = CString::new(format!("/proc/{pid}/ns/{}", TYPES[t]));
                        if let Ok(fd) = path
                            .map_err(|_| Errno::EINVAL)
                            .and_then(|path| sys::open_at(None, &path, libc::O_RDONLY))
                        {
                            self.fill_from_fd(n, fd.as_fd(), false);
                        }
                    }
                    n
                }
            };
            self.ns[n].procs.push(p);
        }
        if !fds.is_empty() {
            self.add_fds(pid, &fds, sockets_seen);
        }
    }

    fn add(&mut self, kind: usize, id: u64) -> usize {
        let n = self.ns.len();
        self.ns.push(Namespace {
            id,
            kind,
            procs: Vec::new(),
            related: [0, 0],
            related_ns: [None, None],
            netnsid: None,
            uid_fallback: 0,
            from_fd: false,
        });
        self.index.insert(id, n);
        n
    }

    /// `NS_GET_PARENT` or `NS_GET_USERNS` on `fd`, as util-linux's
    /// `lsns_ioctl()`: ENOTTY and ENOSYS mean the kernel lacks the ioctl and
    /// are reported (`lsns: Unsupported ioctl NS_GET_PARENT`); after an
    /// ENOTTY no more are made ([`Model::unsupported_ioctl`]). EPERM (no
    /// parent visible) and the rest just give no relation.
    fn relation(&mut self, fd: BorrowedFd<'_>, request: libc::c_ulong) -> Option<OwnedFd> {
        if self.unsupported_ioctl {
            return None;
        }
        match sys::ioctl_fd(fd, request) {
            Ok(related) => Some(related),
            Err(e @ (Errno::ENOTTY | Errno::ENOSYS)) => {
                let name = if request == sys::NS_GET_PARENT {
                    "NS_GET_PARENT"
                } else {
                    "NS_GET_USERNS"
                };
                common::error::warn(crate::PROG, format!("Unsupported ioctl {name}"));
                self.unsupported_ioctl |= e == Errno::ENOTTY;
                None
            }
            Err(_) => None,
        }
    }

    /// Relations, NETNSID and owner uid of namespace `n` through `fd`; with
    /// `full`, everything util-linux learns about a namespace it found by a
    /// descriptor.
    fn fill_from_fd(&mut self, n: usize, fd: BorrowedFd<'_>, full: bool) -> [Option<OwnedFd>; 2] {
        let kind = self.ns[n].kind;
        let mut fds: [Option<OwnedFd>; 2] = [None, None];
        if self.needs.relations || full {
            if kind == PID || kind == USER {
                if let Some(pfd) = self.relation(fd, sys::NS_GET_PARENT) {
                    if let Ok((_, ino, _)) = sys::fstat(pfd.as_fd()) {
                        self.ns[n].related[PARENT] = ino;
                        fds[PARENT] = Some(pfd);
                    }
                }
            }
            if let Some(ofd) = self.relation(fd, sys::NS_GET_USERNS) {
                if let Ok((_, ino, _)) = sys::fstat(ofd.as_fd()) {
                    self.ns[n].related[OWNER] = ino;
                    fds[OWNER] = Some(ofd);
                }
            }
        }
        if kind == NET && self.needs.netnsid {
            let id = self.ns[n].id;
            let v = match self.netnsids.get(&id) {
                Some(&v) => v,
                None => {
                    let v = self
                        .netlink
                        .as_ref()
                        .and_then(|s| sys::netnsid(s.as_fd(), fd));
                    self.netnsids.insert(id, v);
                    v
                }
            };
            self.ns[n].netnsid = v;
        }
        if full && self.needs.uid {
            self.ns[n].uid_fallback = sys::owner_uid(fd).unwrap_or(0);
        }
        fds
    }

    /// util-linux `add_namespace_for_nsfd()`: adds the namespace open as
    /// `fd` unless `known` says it is already there, then its parent and
    /// owner. `stop_at_any`: any namespace found so far counts as known
    /// (bind mounts, ghosts), else only those found by descriptor (open fds,
    /// read before the process namespaces are assigned).
    fn add_by_fd(
        &mut self,
        fd: BorrowedFd<'_>,
        ino: u64,
        kind: Option<usize>,
        stop_at_any: bool,
        depth: usize,
    ) -> Option<usize> {
        if depth > 64 {
            return None;
        }
        let kind = match kind {
            Some(k) => k,
            None => type_of_clone_flag(sys::ioctl_int(fd, sys::NS_GET_NSTYPE).ok()?)?,
        };
        if !self.needs.types[kind] {
            return None;
        }
        if let Some(&n) = self.index.get(&ino) {
            if stop_at_any || self.ns[n].from_fd {
                return Some(n);
            }
        }
        let n = match self.index.get(&ino) {
            Some(&n) => n,
            None => self.add(kind, ino),
        };
        self.ns[n].from_fd = true;
        let fds = self.fill_from_fd(n, fd, true);
        let [pino, oino] = self.ns[n].related;
        let [pfd, ofd] = fds;
        if (kind == USER || kind == PID) && pino != ino && pino != 0 {
            if let Some(pfd) = &pfd {
                self.add_by_fd(pfd.as_fd(), pino, None, stop_at_any, depth + 1);
            }
        }
        if oino != 0 && !(pino == oino && (kind == USER || kind == PID)) {
            if let Some(ofd) = &ofd {
                self.add_by_fd(ofd.as_fd(), oino, Some(USER), stop_at_any, depth + 1);
            }
        }
        Some(n)
    }

    /// Namespaces reached through the descriptors `fds` of process `pid`.
    fn add_fds(&mut self, pid: i32, fds: &[FdRef], sockets_seen: &mut HashSet<u64>) {
        let mut pidfd: Option<OwnedFd> = None;
        for fd in fds {
            match *fd {
                FdRef::Ns { num, kind, ino } => {
                    if kind.is_some_and(|k| !self.needs.types[k])
                        || self.index.get(&ino).is_some_and(|&i| self.ns[i].from_fd)
                    {
                        continue;
                    }
                    let Ok(path) = CString::new(format!("/proc/{pid}/fd/{num}")) else {
                        continue;
                    };
                    let Ok(f) = sys::open_at(None, &path, libc::O_RDONLY) else {
                        continue;
                    };
                    match sys::fstat(f.as_fd()) {
                        Ok((dev, i, _)) if i == ino && Some(dev) == self.nsfs_dev => {}
                        _ => continue,
                    }
                    self.add_by_fd(f.as_fd(), ino, kind, false, 0);
                }
                FdRef::Socket { num, ino } => {
                    if !self.needs.types[NET] || !sockets_seen.insert(ino) {
                        continue;
                    }
                    if pidfd.is_none() {
                        pidfd = sys::pidfd_open(pid).ok();
                    }
                    let Some(pfd) = &pidfd else {
                        continue;
                    };
                    let Ok(sk) = sys::pidfd_getfd(pfd.as_fd(), num) else {
                        continue;
                    };
                    let Ok(nsfd) = sys::ioctl_fd(sk.as_fd(), sys::SIOCGSKNS) else {
                        continue;
                    };
                    let Ok((_, ino, _)) = sys::fstat(nsfd.as_fd()) else {
                        continue;
                    };
                    if self.index.get(&ino).is_some_and(|&i| self.ns[i].from_fd) {
                        continue;
                    }
                    self.add_by_fd(nsfd.as_fd(), ino, Some(NET), false, 0);
                }
            }
        }
    }

    /// Namespaces bind-mounted in our mount namespace (nsfs entries).
    fn read_persistent(&mut self) {
        let mounts = self.nsfs_mounts.clone();
        for (root, target) in mounts {
            let root = root.as_encoded_bytes();
            let Some(open) = root.iter().position(|&b| b == b'[') else {
                continue;
            };
            let digits = &root[open + 1..];
            let end = digits
                .iter()
                .position(|b| !b.is_ascii_digit())
                .unwrap_or(digits.len());
            if end == 0 || digits.get(end) != Some(&b']') {
                continue;
            }
            let Some(ino) = std::str::from_utf8(&digits[..end])
                .ok()
                .and_then(|s| s.parse::<u64>().ok())
            else {
                continue;
            };
            if self.index.contains_key(&ino) {
                continue;
            }
            let Ok(path) = CString::new(target.as_encoded_bytes()) else {
                continue;
            };
            let Ok(fd) = sys::open_at(None, &path, libc::O_RDONLY) else {
                continue;
            };
            self.add_by_fd(fd.as_fd(), ino, None, true, 0);
        }
    }

    /// util-linux `connect_namespaces()`: links each namespace to its parent
    /// and owner, fetching those no process shows ("ghosts") through the
    /// representative process.
    pub fn connect(&mut self) {
        let mut orphans: Vec<(usize, usize)> = Vec::new();
        for n in 0..self.ns.len() {
            let kind = self.ns[n].kind;
            for rela in [PARENT, OWNER] {
                if rela == PARENT && kind != USER && kind != PID {
                    continue;
                }
                let id = self.ns[n].related[rela];
                if id == 0 {
                    continue;
                }
                match self.index.get(&id) {
                    Some(&r) => self.ns[n].related_ns[rela] = Some(r),
                    None => orphans.push((n, rela)),
                }
            }
        }
        for (n, rela) in orphans {
            let id = self.ns[n].related[rela];
            if let Some(&r) = self.index.get(&id) {
                self.ns[n].related_ns[rela] = Some(r);
                continue;
            }
            let Some(rep) = self.ns[n].rep(self) else {
                continue;
            };
            let pid = self.procs[rep].pid;
            let kind = self.ns[n].kind;
            let Ok(path) = CString::new(format!("/proc/{pid}/ns/{}", TYPES[kind])) else {
                continue;
            };
            let Ok(fd) = sys::open_at(None, &path, libc::O_RDONLY) else {
                continue;
            };
            let req = if rela == PARENT {
                sys::NS_GET_PARENT
            } else {
                sys::NS_GET_USERNS
            };
            let Some(mfd) = self.relation(fd.as_fd(), req) else {
                continue;
            };
            match sys::fstat(mfd.as_fd()) {
                Ok((_, ino, _)) if ino == id => {}
                _ => continue,
            }
            let r = self.add_by_fd(mfd.as_fd(), id, None, true, 0);
            self.ns[n].related_ns[rela] = r;
        }
        // Namespaces added while fetching ghosts link to what they found.
        for n in 0..self.ns.len() {
            let kind = self.ns[n].kind;
            for rela in [PARENT, OWNER] {
                if rela == PARENT && kind != USER && kind != PID {
                    continue;
                }
                if self.ns[n].related_ns[rela].is_none() {
                    let id = self.ns[n].related[rela];
                    if id != 0 {
                        self.ns[n].related_ns[rela] = self.index.get(&id).copied();
                    }
                }
            }
        }
    }

    /// Namespace indexes sorted by inode.
    pub fn sorted(&self) -> Vec<usize> {
        let mut v: Vec<usize> = (0..self.ns.len()).collect();
        v.sort_by_key(|&n| self.ns[n].id);
        v
    }

    /// NSFS: the targets of nsfs mounts of namespace `n`, without repeats.
    pub fn nsfs_targets(&self, n: usize) -> Vec<&OsString> {
        let ns = &self.ns[n];
        let want = format!("{}:[{}]", TYPES[ns.kind], ns.id);
        let mut out: Vec<&OsString> = Vec::new();
        for (root, target) in &self.nsfs_mounts {
            if root.as_encoded_bytes() == want.as_bytes() && !out.contains(&target) {
                out.push(target);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespace_links_parse() {
        assert_eq!(parse_ns_link(b"net:[4026531840]"), Some((NET, 4026531840)));
        assert_eq!(parse_ns_link(b"pid:[4]"), Some((PID, 4)));
        assert_eq!(parse_ns_link(b"/tmp/net:[4]"), None);
        assert_eq!(parse_ns_link(b"socket:[4]"), None);
        assert_eq!(parse_socket_link(b"socket:[77]"), Some(77));
    }

    #[test]
    fn clone_flags_map_to_kinds() {
        assert_eq!(type_of_clone_flag(libc::CLONE_NEWNET), Some(NET));
        assert_eq!(type_of_clone_flag(libc::CLONE_NEWUSER), Some(USER));
        assert_eq!(type_of_clone_flag(0), None);
    }
}
