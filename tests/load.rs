//! Load: findmnt and lsns read consistent data while mounts are made and
//! removed and processes in new namespaces are created and killed as fast
//! as possible. No crash, exit 0, every row well-formed, and every row
//! printed describes a mount or a namespace that existed.
//!
//! In a private mount namespace and a new PID namespace (so that lsns sees
//! only this test's processes), two churners (a few lines of python3
//! ctypes) run in parallel with the readers: one mounts and unmounts
//! tmpfs mounts, tmpfs mounts on top of those and bind mounts under `$T`;
//! the other forks processes that unshare their UTS, IPC and (one in four)
//! network namespaces and kills them by PID. Together they make at least
//! [`CHANGES`] changes, and go on until the readers have done [`ROUNDS`]
//! rounds of findmnt (tree, `-l`, `-r`, `-P`, `-J`) and lsns (table, `-r`,
//! `-T`, `-J`). The churners log what they make (mount target, source and
//! type; namespace, its type and its process), and every row printed must
//! be one of those or one present at the start.

mod common;

use common::root;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Changes the churners make at least: mounts made or removed by the
/// first, processes created or killed by the second.
const MOUNT_CHANGES: u32 = 8000;
const PROCESS_CHANGES: u32 = 2000;
const CHANGES: u32 = MOUNT_CHANGES + PROCESS_CHANGES;
/// Rounds of every reader the churners wait for.
const ROUNDS: u32 = 12;

/// The churners: `mounts DIR CHANGES LOG STOP BINDSOURCE` and
/// `procs CHANGES LOG STOP`; each stops once it made CHANGES changes and
/// the file STOP exists, cleans up and prints how many changes it made.
const CHURN_PY: &str = r#"
import ctypes, os, signal, sys
libc = ctypes.CDLL(None, use_errno=True)
def check(rc, what):
    if rc != 0:
        sys.exit("churn: %s: %s" % (what, os.strerror(ctypes.get_errno())))
kind = sys.argv[1]
changes, i = 0, 0
if kind == "mounts":
    top, want, log, stop, bind_source = sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
    slots = 16
    src = os.path.join(top, "src")
    os.mkdir(src)
    paths = []
    with open(log, "w") as f:
        for k in range(slots):
            m, b = os.path.join(top, "m%d" % k), os.path.join(top, "b%d" % k)
            os.mkdir(m)
            os.mkdir(b)
            paths.append((m.encode(), b.encode()))
            f.write("%s churn-m%d tmpfs\n%s/d churn-s%d tmpfs\n%s %s tmpfs\n" % (m, k, m, k, b, bind_source))
    up = [False] * slots
    def down(k):
        m, b = paths[k]
        check(libc.umount2(b, 0), "umount")
        check(libc.umount2(m, 2), "umount")
    while changes < want or not os.path.exists(stop):
        k = (i * 7) % slots
        i += 1
        m, b = paths[k]
        if up[k]:
            down(k)
        else:
            check(libc.mount(b"churn-m%d" % k, m, b"tmpfs", 0, None), "mount")
            os.mkdir(m + b"/d")
            check(libc.mount(b"churn-s%d" % k, m + b"/d", b"tmpfs", 0, None), "mount")
            check(libc.mount(src.encode(), b, None, 4096, None), "bind")
        up[k] = not up[k]
        changes += 3
    for k in range(slots):
        if up[k]:
            down(k)
else:
    want, log, stop = int(sys.argv[2]), sys.argv[3], sys.argv[4]
    kids = []
    out = open(log, "w")
    while changes < want or not os.path.exists(stop):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            flags = 0x04000000 | 0x08000000  # CLONE_NEWUTS | CLONE_NEWIPC
            if i % 4 == 0:
                flags |= 0x40000000  # CLONE_NEWNET
            if libc.unshare(flags) != 0:
                os._exit(1)
            me = os.getpid()
            links = [os.readlink("/proc/self/ns/" + t) for t in ("uts", "ipc", "net")]
            os.write(w, "".join("%d %s\n" % (me, l) for l in links).encode())
            os.close(w)
            while True:
                signal.pause()
        os.close(w)
        text = os.read(r, 4096).decode()
        os.close(r)
        if not text:
            sys.exit("churn: a child could not unshare")
        out.write(text)
        out.flush()
        kids.append(pid)
        changes += 1
        i += 1
        if len(kids) > 8:
            old = kids.pop(0)
            os.kill(old, signal.SIGKILL)
            os.waitpid(old, 0)
            changes += 1
    for pid in kids:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
print(changes)
"#;

/// The readers, each run once per round: name and command.
const READERS: &[(&str, &str)] = &[
    ("tree", "findmnt"),
    ("list", "findmnt -l"),
    ("raw", "findmnt -r"),
    ("pairs", "findmnt -P"),
    ("json", "findmnt -J"),
    ("lsns", "lsns"),
    ("lsns-raw", "lsns -r"),
    ("lsns-tree", "lsns -T"),
    ("lsns-json", "lsns -J"),
];

/// A scratch directory on the host for the readers' outputs.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn script() -> String {
    let readers: String = READERS
        .iter()
        .map(|(name, cmd)| format!("r {name} {cmd}\n"))
        .collect();
    format!(
        "T=$(mktemp -d /tmp/nsbox-test.XXXXXX)
         trap 'cd /; /usr/bin/umount -l \"$T\"; rmdir \"$T\"' EXIT
         /usr/bin/mount -t tmpfs nsbox-test \"$T\"
         cd \"$T\"
         command -v python3 > /dev/null || {{ echo 'python3 missing (the churners need it)' >&2; exit 1; }}
         mkdir churn
         cat /proc/self/mountinfo > \"$OUT/start-mountinfo\"
         for f in /proc/1/ns/*; do readlink \"$f\"; done > \"$OUT/start-ns\"
         (python3 -c \"$CHURN_PY\" mounts \"$T/churn\" {MOUNT_CHANGES} \"$OUT/mount-log\" \"$T/stop\" \
              'nsbox-test[/churn/src]' > \"$OUT/mount-changes\"; echo $? > \"$T/mounts-done\") &
         (python3 -c \"$CHURN_PY\" procs {PROCESS_CHANGES} \"$OUT/proc-log\" \"$T/stop\" \
              > \"$OUT/proc-changes\"; echo $? > \"$T/procs-done\") &
         r() {{
             name=$1; shift
             \"$@\" > \"$OUT/$round.$name\" 2> \"$OUT/$round.$name.err\"
             echo $? > \"$OUT/$round.$name.status\"
         }}
         set +e
         round=0
         while [ ! -e \"$T/mounts-done\" ] || [ ! -e \"$T/procs-done\" ]; do
             round=$((round + 1))
             {readers}
             if [ $round -ge {ROUNDS} ]; then touch \"$T/stop\"; fi
         done
         wait
         echo $round > \"$OUT/rounds\"
         echo \"$T\" > \"$OUT/T\"
         cat \"$T/mounts-done\" \"$T/procs-done\""
    )
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("read {name}: {e}"))
}

/// Undoes mountinfo's octal escapes (`\040`) and findmnt's `\xNN`.
fn unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let oct = b
            .get(i + 1..i + 4)
            .filter(|d| d.iter().all(|c| (b'0'..=b'7').contains(c)));
        let hex = b
            .get(i + 2..i + 4)
            .filter(|d| b.get(i + 1) == Some(&b'x') && d.iter().all(u8::is_ascii_hexdigit));
        if b[i] == b'\\' && oct.is_some() {
            let d = oct.unwrap_or_default();
            out.push((d[0] - b'0') * 64 + (d[1] - b'0') * 8 + (d[2] - b'0'));
            i += 4;
        } else if b[i] == b'\\' && hex.is_some() {
            let d = std::str::from_utf8(hex.unwrap_or_default()).expect("hex digits");
            out.push(u8::from_str_radix(d, 16).expect("hex"));
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Mount target → the (SOURCE, FSTYPE) it may show with.
type Mounts = HashMap<String, HashSet<(String, String)>>;

/// The mounts at the start, from mountinfo: a mount whose root is not `/`
/// shows its source as `SOURCE[ROOT]`.
fn start_mounts(mountinfo: &str) -> Mounts {
    let mut known = Mounts::new();
    for line in mountinfo.lines() {
        let f: Vec<&str> = line.split(' ').collect();
        let dash = f
            .iter()
            .position(|x| *x == "-")
            .expect("mountinfo separator");
        let (root, target) = (unescape(f[3]), unescape(f[4]));
        let (fstype, source) = (unescape(f[dash + 1]), unescape(f[dash + 2]));
        let shown = if root == "/" {
            source.clone()
        } else {
            format!("{source}[{root}]")
        };
        let e = known.entry(target).or_default();
        e.insert((source, fstype.clone()));
        e.insert((shown, fstype));
    }
    known
}

/// Checks one findmnt row against the mounts that existed.
fn check_mount(known: &Mounts, what: &str, target: &str, source: &str, fstype: &str) {
    let Some(forms) = known.get(target) else {
        panic!("{what}: {target} never was a mount point");
    };
    assert!(
        forms.contains(&(source.to_owned(), fstype.to_owned())),
        "{what}: torn row: {target} {source} {fstype}, expected one of {forms:?}"
    );
}

/// `KEY="value" ...` with exactly `keys`, in order.
fn pairs<'a>(line: &'a str, keys: &[&str], what: &str) -> Vec<&'a str> {
    let mut rest = line;
    let mut values = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let after = rest
            .strip_prefix(key)
            .and_then(|r| r.strip_prefix("=\""))
            .unwrap_or_else(|| panic!("{what}: no {key} in {line:?}"));
        let end = after
            .find('"')
            .unwrap_or_else(|| panic!("{what}: unterminated {key} in {line:?}"));
        values.push(&after[..end]);
        rest = &after[end + 1..];
        if i + 1 < keys.len() {
            rest = rest
                .strip_prefix(' ')
                .unwrap_or_else(|| panic!("{what}: torn row {line:?}"));
        }
    }
    assert!(rest.is_empty(), "{what}: extra text in {line:?}");
    values
}

fn check_findmnt(known: &Mounts, name: &str, what: &str, text: &str) -> usize {
    let mut rows = 0;
    if name == "json" {
        let v: Value = serde_json::from_str(text)
            .unwrap_or_else(|e| panic!("{what}: not JSON ({e}):\n{text}"));
        fn walk(known: &Mounts, what: &str, list: &Value, rows: &mut usize) {
            for fs in list.as_array().expect("array of filesystems") {
                let obj = fs.as_object().expect("filesystem object");
                let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
                let s = |k: &str| {
                    obj.get(k)
                        .and_then(Value::as_str)
                        .unwrap_or_else(|| panic!("{what}: no string {k} in {fs}"))
                };
                check_mount(known, what, s("target"), s("source"), s("fstype"));
                s("options");
                *rows += 1;
                match obj.get("children") {
                    Some(children) => {
                        assert_eq!(keys.len(), 5, "{what}: {keys:?}");
                        walk(known, what, children, rows);
                    }
                    None => assert_eq!(keys.len(), 4, "{what}: {keys:?}"),
                }
            }
        }
        walk(known, what, &v["filesystems"], &mut rows);
        return rows;
    }
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default();
    if name != "pairs" {
        assert_eq!(
            header.split_whitespace().collect::<Vec<_>>(),
            ["TARGET", "SOURCE", "FSTYPE", "OPTIONS"],
            "{what}: header"
        );
    }
    let all = if name == "pairs" {
        text.lines().collect::<Vec<_>>()
    } else {
        lines.collect()
    };
    for line in all {
        let f: Vec<String> = match name {
            "pairs" => pairs(line, &["TARGET", "SOURCE", "FSTYPE", "OPTIONS"], what)
                .into_iter()
                .map(unescape)
                .collect(),
            "raw" => line.split(' ').map(unescape).collect(),
            _ => line
                .trim_start_matches([' ', '|', '`', '-'])
                .split_whitespace()
                .map(str::to_owned)
                .collect(),
        };
        assert_eq!(f.len(), 4, "{what}: torn row {line:?}");
        assert!(f[0].starts_with('/'), "{what}: torn row {line:?}");
        check_mount(known, what, &f[0], &f[1], &f[2]);
        rows += 1;
    }
    rows
}

/// `type:[inode]` → the PIDs of the processes a churner made it for (the
/// kernel reuses the inode numbers of namespaces that are gone), or `None`
/// for those present at the start (PID 1 is in them).
type Namespaces = HashMap<(String, u64), Option<HashSet<u64>>>;

fn ns_link(link: &str) -> (String, u64) {
    let (kind, rest) = link.split_once(":[").expect("namespace link");
    let inode = rest.trim_end_matches(']').parse().expect("namespace inode");
    let kind = kind.trim_end_matches("_for_children");
    (kind.to_owned(), inode)
}

fn check_ns(known: &Namespaces, what: &str, f: &[&str]) {
    let [ns, kind, nprocs, pid, _user, _command] = f else {
        panic!("{what}: torn row {f:?}");
    };
    let ns: u64 = ns.parse().unwrap_or_else(|_| panic!("{what}: NS {ns}"));
    let nprocs: u64 = nprocs.parse().unwrap_or_else(|_| panic!("{what}: {f:?}"));
    let pid: u64 = pid.parse().unwrap_or_else(|_| panic!("{what}: {f:?}"));
    match known.get(&((*kind).to_owned(), ns)) {
        None => panic!("{what}: {kind} namespace {ns} never existed: {f:?}"),
        Some(None) => assert_eq!(pid, 1, "{what}: torn row {f:?}"),
        Some(Some(children)) => {
            assert!(
                children.contains(&pid) && nprocs == 1,
                "{what}: torn row {f:?}: made for {children:?}"
            );
        }
    }
    assert!(nprocs >= 1, "{what}: {f:?}");
}

fn check_lsns(known: &Namespaces, name: &str, what: &str, text: &str) -> usize {
    const KEYS: [&str; 6] = ["NS", "TYPE", "NPROCS", "PID", "USER", "COMMAND"];
    let mut rows = 0;
    match name {
        "lsns-json" => {
            let v: Value = serde_json::from_str(text)
                .unwrap_or_else(|e| panic!("{what}: not JSON ({e}):\n{text}"));
            for ns in v["namespaces"].as_array().expect("array of namespaces") {
                let obj = ns.as_object().expect("namespace object");
                assert_eq!(obj.len(), 6, "{what}: {ns}");
                let num = |k: &str| {
                    obj.get(k)
                        .and_then(Value::as_u64)
                        .unwrap_or_else(|| panic!("{what}: no number {k} in {ns}"))
                        .to_string()
                };
                // USER and COMMAND are null when the process exited
                // while lsns read it.
                let s = |k: &str| match obj.get(k) {
                    Some(Value::String(s)) => s.as_str(),
                    Some(Value::Null) => "",
                    _ => panic!("{what}: no {k} in {ns}"),
                };
                let (n, p, c) = (num("ns"), num("pid"), num("nprocs"));
                check_ns(
                    known,
                    what,
                    &[&n, s("type"), &c, &p, s("user"), s("command")],
                );
                rows += 1;
            }
        }
        _ => {
            let mut lines = text.lines();
            let header: Vec<&str> = lines
                .next()
                .unwrap_or_default()
                .split_whitespace()
                .collect();
            assert_eq!(header, KEYS, "{what}: header");
            for line in lines {
                let f: Vec<&str> = if name == "lsns-raw" {
                    line.split(' ').collect()
                } else {
                    // The tree's glyphs precede NS; COMMAND, last, may
                    // hold spaces.
                    let line = line.trim_start_matches([' ', '|', '`', '-']);
                    let mut f: Vec<&str> = line.split_whitespace().take(5).collect();
                    f.push("command");
                    f
                };
                check_ns(known, what, &f);
                rows += 1;
            }
        }
    }
    rows
}

#[test]
fn findmnt_and_lsns_read_consistent_tables_under_churn() {
    if !root() {
        return;
    }
    let host_before = std::fs::read_to_string("/proc/self/mountinfo").expect("host mountinfo");
    let dir = Scratch(std::env::temp_dir().join(format!("nsbox-load.{}", std::process::id())));
    let _ = std::fs::remove_dir_all(&dir.0);
    std::fs::create_dir_all(&dir.0).expect("scratch dir");
    let out = Command::new("/usr/bin/unshare")
        .args(["-m", "--propagation", "private", "--pid", "--fork"])
        .args(["--mount-proc", "sh", "-euc", &script()])
        .env("PATH", common::path_env())
        .env("LC_ALL", "C")
        .env("CHURN_PY", CHURN_PY)
        .env("OUT", &dir.0)
        .output()
        .expect("run /usr/bin/unshare");
    assert_eq!(
        common::ok(&out),
        "0\n0\n",
        "the churners failed:\n{}",
        common::stderr(&out)
    );
    assert_eq!(
        host_before,
        std::fs::read_to_string("/proc/self/mountinfo").expect("host mountinfo"),
        "the host mount table changed"
    );
    let d = &dir.0;
    let changes = |f: &str| -> u32 { read(d, f).trim().parse().expect("change count") };
    let made = changes("mount-changes") + changes("proc-changes");
    assert!(made >= CHANGES, "only {made} changes");

    let mut mounts = start_mounts(&read(d, "start-mountinfo"));
    for line in read(d, "mount-log").lines() {
        let f: Vec<&str> = line.split(' ').collect();
        mounts
            .entry(f[0].to_owned())
            .or_default()
            .insert((f[1].to_owned(), f[2].to_owned()));
    }
    let mut namespaces = Namespaces::new();
    for link in read(d, "start-ns").lines() {
        namespaces.insert(ns_link(link), None);
    }
    for line in read(d, "proc-log").lines() {
        let (pid, link) = line.split_once(' ').expect("pid and link");
        let pid: u64 = pid.parse().expect("pid");
        // A child that kept the start network namespace is one of many.
        if let Some(children) = namespaces
            .entry(ns_link(link))
            .or_insert(Some(HashSet::new()))
        {
            children.insert(pid);
        }
    }

    let rounds: u32 = read(d, "rounds").trim().parse().expect("rounds");
    assert!(rounds >= ROUNDS, "{rounds} rounds");
    let t = read(d, "T").trim().to_owned();
    let mut churn_rows = 0;
    let mut child_rows = 0;
    for round in 1..=rounds {
        for (name, cmd) in READERS {
            let what = format!("round {round}: {cmd}");
            let file = format!("{round}.{name}");
            let status = read(d, &format!("{file}.status"));
            let err = read(d, &format!("{file}.err"));
            assert_eq!((status.trim(), err.as_str()), ("0", ""), "{what}");
            let text = read(d, &file);
            if name.starts_with("lsns") {
                assert!(check_lsns(&namespaces, name, &what, &text) > 0, "{what}");
                child_rows += text.matches(" uts ").count();
            } else {
                assert!(check_findmnt(&mounts, name, &what, &text) > 0, "{what}");
                churn_rows += text.matches(&format!("{t}/churn/")).count();
            }
        }
    }
    eprintln!(
        "{made} changes, {rounds} rounds; churned mounts seen in {churn_rows} rows, \
         churned UTS namespaces in {child_rows}"
    );
    // The readers did see the churn.
    assert!(churn_rows > 0 && child_rows > 0, "the readers saw no churn");
}
