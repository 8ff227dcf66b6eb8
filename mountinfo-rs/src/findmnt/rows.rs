//! From a mount table and [`Options`] to the lines of the output table:
//! matching (findmnt `match_func()`), the tree (`create_treenode()`), the
//! list (`add_matching_lines()`), following util-linux 2.42 step by step so
//! that the same input gives the same lines, in the same order, with the
//! same exit status.
//!
//! Tree rules: the root is the entry with the smallest parent ID, followed
//! up through parent links while they lead to another entry (a messy
//! container table); children are visited by increasing mount ID; an entry
//! that does not match is left out and its matching descendants hang from
//! the nearest printed ancestor (or become roots); entries the walk from the
//! root did not reach are added afterwards as further roots.

use super::cli::{is_listall, Matches, Options};
use super::columns::{cell, CellContext, Col};
use super::tabs::Extra;
use crate::mountinfo::{is_net_fs, is_pseudo_fs, match_fstype, match_options, MountEntry};
use common::filter::Filter;
use common::table::{LineId, Table};
use std::collections::{HashMap, HashSet};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::Path;

/// One entry of the table being searched.
pub struct Entry {
    /// The parsed line.
    pub mount: MountEntry,
    /// The task whose mountinfo it came from (0 when unknown).
    pub tid: i32,
    /// The parent ID, which `--uniq` may rewrite.
    parent: u32,
    /// fstab fields, or utab options (none for a plain mountinfo line;
    /// boxed, as most entries have none).
    pub extra: Option<Box<Extra>>,
}

impl Entry {
    /// Wraps a parsed line read from task `tid`'s mountinfo.
    pub fn new(mount: MountEntry, tid: i32) -> Entry {
        let parent = mount.parent;
        Entry {
            mount,
            tid,
            parent,
            extra: None,
        }
    }

    /// The entry with fstab fields or utab options.
    pub fn with_extra(mut self, extra: Option<Extra>) -> Entry {
        self.extra = extra.map(Box::new);
        self
    }

    /// The mount point; `None` for a `/proc/swaps` entry, which has none
    /// (libmount's NULL target: it matches no path and no other entry).
    fn target(&self) -> Option<&[u8]> {
        Some(self.mount.target.as_bytes()).filter(|t| !t.is_empty())
    }

    /// The OPTIONS column (libmount `mnt_fs_strdup_options()`).
    pub fn options(&self) -> Vec<u8> {
        match &self.extra {
            Some(x) if x.fstab || !x.options.is_empty() => x.options.clone(),
            _ => self.mount.options(),
        }
    }
}

/// libmount `mnt_cache_device_has_tag()` for a `NAME=value` tag (the value
/// may be quoted): the superblock of `device` has that LABEL or UUID.
fn device_has_tag(device: &[u8], tag: &[u8]) -> bool {
    let Some(eq) = tag.iter().position(|&b| b == b'=') else {
        return false;
    };
    let (name, value) = (&tag[..eq], &tag[eq + 1..]);
    let value = value
        .strip_prefix(b"\"")
        .and_then(|v| v.strip_suffix(b"\""))
        .unwrap_or(value);
    let Some(sb) = crate::blkid::probe_source(std::ffi::OsStr::from_bytes(device)) else {
        return false;
    };
    let have = match name {
        b"LABEL" => sb.label,
        b"UUID" => sb.uuid,
        _ => None,
    };
    have.is_some_and(|h| h.as_bytes() == value)
}

/// util-linux `streq_paths()`: paths equal, ignoring repeated slashes and a
/// trailing slash.
pub fn streq_paths(a: &[u8], b: &[u8]) -> bool {
    fn segment(s: &[u8]) -> Option<&[u8]> {
        let mut start = 0;
        while s.get(start) == Some(&b'/') && s.get(start + 1) == Some(&b'/') {
            start += 1;
        }
        if start >= s.len() {
            return None;
        }
        let len = 1 + s[start + 1..].iter().take_while(|&&c| c != b'/').count();
        Some(&s[start..start + len])
    }
    let (mut a, mut b) = (a, b);
    loop {
        let (sa, sb) = (segment(a), segment(b));
        let (la, lb) = (sa.map_or(0, <[u8]>::len), sb.map_or(0, <[u8]>::len));
        if la + lb == 0 {
            return true;
        }
        if la + lb == 1 && (sa == Some(b"/") || sb == Some(b"/")) {
            return true;
        }
        let (Some(sa), Some(sb)) = (sa, sb) else {
            return false;
        };
        if sa != sb {
            return false;
        }
        let off_a = sa.as_ptr() as usize - a.as_ptr() as usize;
        let off_b = sb.as_ptr() as usize - b.as_ptr() as usize;
        a = &a[off_a + la..];
        b = &b[off_b + lb..];
    }
}

/// util-linux `ul_canonicalize_path()` as libmount's cache uses it:
/// realpath(3), or the path itself when that fails; `None` for "".
pub(super) fn canonicalize(path: &[u8]) -> Option<Vec<u8>> {
    if path.is_empty() {
        return None;
    }
    let p = Path::new(std::ffi::OsStr::from_bytes(path));
    Some(match std::fs::canonicalize(p) {
        Ok(c) => {
            dm_name(c.as_os_str().as_bytes()).unwrap_or_else(|| c.as_os_str().as_bytes().to_vec())
        }
        Err(_) => path.to_vec(),
    })
}

/// `/dev/dm-N` is shown as `/dev/mapper/NAME` (util-linux
/// `ul_canonicalize_dm_name()`).
fn dm_name(path: &[u8]) -> Option<Vec<u8>> {
    let base = path.rsplit(|&b| b == b'/').next()?;
    let rest = base.strip_prefix(b"dm-")?;
    if !rest.first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let name = std::fs::read(format!(
        "/sys/block/{}/dm/name",
        String::from_utf8_lossy(base)
    ))
    .ok()?;
    let name = name.strip_suffix(b"\n").unwrap_or(&name);
    if name.is_empty() {
        return None;
    }
    let mapper = [&b"/dev/mapper/"[..], name].concat();
    Path::new(std::ffi::OsStr::from_bytes(&mapper))
        .exists()
        .then_some(mapper)
}

/// `LABEL=x` style sources resolved through the udev symlinks
/// (`/dev/disk/by-label/x`), else a canonical path (libmount
/// `mnt_resolve_spec()`).
pub(super) fn resolve_spec(spec: &[u8]) -> Option<Vec<u8>> {
    for (tag, dir) in [
        (&b"LABEL="[..], "by-label"),
        (b"UUID=", "by-uuid"),
        (b"PARTLABEL=", "by-partlabel"),
        (b"PARTUUID=", "by-partuuid"),
        (b"ID=", "by-id"),
    ] {
        if let Some(value) = spec.strip_prefix(tag) {
            let value = value
                .strip_prefix(b"\"")
                .and_then(|v| v.strip_suffix(b"\""))
                .unwrap_or(value);
            let link = [format!("/dev/disk/{dir}/").as_bytes(), value].concat();
            let p = Path::new(std::ffi::OsStr::from_bytes(&link));
            if let Ok(c) = std::fs::canonicalize(p) {
                return Some(c.as_os_str().as_bytes().to_vec());
            }
            // Without udev's links, the superblocks of the block devices.
            let name = std::str::from_utf8(&tag[..tag.len() - 1]).ok()?;
            let value = std::str::from_utf8(value).ok()?;
            if !matches!(name, "LABEL" | "UUID") || !Path::new("/proc/partitions").exists() {
                return None;
            }
            return crate::blkid::find_by_tag(name, value).map(std::ffi::OsString::into_vec);
        }
    }
    canonicalize(spec)
}

pub(super) fn is_tag_source(source: &[u8]) -> bool {
    [
        &b"LABEL="[..],
        b"UUID=",
        b"PARTLABEL=",
        b"PARTUUID=",
        b"ID=",
    ]
    .iter()
    .any(|t| source.starts_with(t))
}

/// A path with repeated and trailing slashes dropped (`""` is `/`): equal
/// keys are what [`streq_paths`] calls equal.
fn path_key(p: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(p.len());
    for &b in p {
        if b == b'/' && out.last() == Some(&b'/') {
            continue;
        }
        out.push(b);
    }
    while out.len() > 1 && out.last() == Some(&b'/') {
        out.pop();
    }
    if out.is_empty() {
        out.push(b'/');
    }
    out
}

/// The search state: entries, filters (which the source-to-target swap
/// rewrites), the lines added so far.
pub struct Finder<'a> {
    entries: Vec<Entry>,
    opts: &'a Options,
    matches: Matches,
    noswapmatch: bool,
    /// Canonical forms of the match strings, computed once.
    canon: HashMap<Vec<u8>, Option<Vec<u8>>>,
    /// Entry indices by parent ID, made when first needed (a plain list
    /// never needs it).
    children: std::cell::OnceCell<HashMap<u32, Vec<usize>>>,
    /// The line made for each entry.
    lines: Vec<Option<LineId>>,
    nlines: usize,
    table: Table,
    /// `-Q`, bound to the columns.
    filter: Option<Filter<Col>>,
    /// Set when the filter could not be evaluated on a line (util-linux
    /// then exits with `failed to apply filter`).
    pub filter_failed: bool,
}

/// An entry being visited by the tree walk.
struct Frame {
    /// Its line, or the nearest ancestor's line when it did not match.
    line: Option<LineId>,
    /// Its children by increasing ID.
    kids: Vec<usize>,
    /// The next child to visit.
    next: usize,
}

/// Position in a forward or backward walk over the entries.
struct Iter {
    next: usize,
    backward: bool,
}

impl Iter {
    fn new(backward: bool) -> Iter {
        Iter { next: 0, backward }
    }

    fn next(&mut self, n: usize) -> Option<usize> {
        if self.next >= n {
            return None;
        }
        let i = if self.backward {
            n - 1 - self.next
        } else {
            self.next
        };
        self.next += 1;
        Some(i)
    }
}

impl<'a> Finder<'a> {
    /// A search over `entries` (in file order) filling `table`.
    pub fn new(
        entries: Vec<Entry>,
        opts: &'a Options,
        table: Table,
        filter: Option<Filter<Col>>,
    ) -> Finder<'a> {
        let mut f = Finder {
            lines: vec![None; entries.len()],
            entries,
            opts,
            matches: opts.matches.clone(),
            noswapmatch: opts.noswapmatch,
            canon: HashMap::new(),
            children: std::cell::OnceCell::new(),
            nlines: 0,
            table,
            filter,
            filter_failed: false,
        };
        f.table.reserve(f.entries.len());
        if opts.uniq {
            f.uniq();
        }
        f
    }

    /// The finished table. The entries are not freed: the process is about
    /// to exit, and freeing 100,000 entries one by one is measurable.
    pub fn into_table(self) -> Table {
        std::mem::forget(self.entries);
        self.table
    }

    /// Entry indices by parent ID.
    fn children(&self) -> &HashMap<u32, Vec<usize>> {
        self.children.get_or_init(|| {
            let mut map: HashMap<u32, Vec<usize>> = HashMap::new();
            for (i, e) in self.entries.iter().enumerate() {
                map.entry(e.parent).or_default().push(i);
            }
            map
        })
    }

    /// `--uniq` (libmount `mnt_table_uniq_fs(MNT_UNIQ_KEEPTREE)`): walking
    /// from the end, an entry is dropped when a later one has the same
    /// mount point; its children move to its parent.
    fn uniq(&mut self) {
        // Linear form of the walk: the mount points kept so far (those
        // later in the table), compared the way `match_target()` compares
        // (as given, then canonicalized); a dropped entry's children are
        // moved to its parent through a redirect map resolved at the end.
        let n = self.entries.len();
        let mut seen: HashSet<Vec<u8>> = HashSet::new();
        let mut removed = vec![false; n];
        let mut redirect: HashMap<u32, u32> = HashMap::new();
        for i in (0..n).rev() {
            let Some(target) = self.entries[i].target().map(<[u8]>::to_vec) else {
                continue;
            };
            let mut dup = seen.contains(&path_key(&target));
            if !dup && !self.opts.nocanonicalize {
                dup = self
                    .canonical(&target, false)
                    .is_some_and(|c| seen.contains(&path_key(&c)));
            }
            if dup {
                removed[i] = true;
                let e = &self.entries[i];
                redirect.entry(e.mount.id).or_insert(e.parent);
            } else {
                seen.insert(path_key(&target));
            }
        }
        if redirect.is_empty() {
            return;
        }
        for e in &mut self.entries {
            let mut p = e.parent;
            for _ in 0..=redirect.len() {
                match redirect.get(&p) {
                    Some(&q) if q != p => p = q,
                    _ => break,
                }
            }
            e.parent = p;
        }
        let mut k = 0;
        self.entries.retain(|_| {
            k += 1;
            !removed[k - 1]
        });
        self.lines.truncate(self.entries.len());
    }

    fn canonical(&mut self, s: &[u8], spec: bool) -> Option<Vec<u8>> {
        let key = [&[u8::from(spec)][..], s].concat();
        if let Some(v) = self.canon.get(&key) {
            return v.clone();
        }
        let v = if spec {
            resolve_spec(s)
        } else {
            canonicalize(s)
        };
        self.canon.insert(key, v.clone());
        v
    }

    /// libmount `mnt_fs_match_target()` with findmnt's cache (none with
    /// `-C`): the path as given, then canonicalized; for an fstab entry
    /// its own mount point canonicalized too (one reached through a
    /// symlink).
    fn match_target(&mut self, i: usize, target: &[u8]) -> bool {
        let Some(t) = self.entries[i].target().map(<[u8]>::to_vec) else {
            return false;
        };
        if streq_paths(&t, target) {
            return true;
        }
        if self.opts.nocanonicalize {
            return false;
        }
        let Some(cn) = self.canonical(target, false) else {
            return false;
        };
        if streq_paths(&t, &cn) {
            return true;
        }
        let fstab = self.entries[i].extra.as_ref().is_some_and(|x| x.fstab);
        let swap = self.entries[i].mount.fstype.as_bytes() == b"swap";
        fstab && !swap && self.canonical(&t, false).is_some_and(|tcn| tcn == cn)
    }

    /// libmount `mnt_fs_streq_srcpath()`.
    fn streq_srcpath(&self, i: usize, path: &[u8]) -> bool {
        let m = &self.entries[i].mount;
        let src = m.source.as_bytes();
        if is_tag_source(src) {
            return false;
        }
        if is_pseudo_fs(m.fstype.as_bytes()) {
            src == path
        } else {
            streq_paths(src, path)
        }
    }

    /// libmount `mnt_fs_match_source()` (tags of the entry itself are not
    /// read from the device).
    fn match_source(&mut self, i: usize, source: &[u8]) -> bool {
        if self.streq_srcpath(i, source) {
            return true;
        }
        let m = &self.entries[i].mount;
        let src = m.source.as_bytes().to_vec();
        let fstype = m.fstype.as_bytes().to_vec();
        if is_tag_source(&src) && src == source {
            return true;
        }
        if self.opts.nocanonicalize || is_pseudo_fs(&fstype) || is_net_fs(&fstype) {
            return false;
        }
        let Some(cn) = self.canonical(source, true) else {
            return false;
        };
        if is_tag_source(&src) {
            // libmount step 4: the device `source` names carries the
            // entry's tag (read from its superblock).
            return device_has_tag(&cn, &src);
        }
        if self.streq_srcpath(i, &cn) {
            return true;
        }
        self.canonical(&src, false).is_some_and(|s| s == cn)
    }

    /// findmnt `match_func()`: every given filter holds (inverted by `-i`).
    fn matches(&mut self, i: usize) -> bool {
        let hit = self.matches_all(i);
        hit != self.opts.invert
    }

    fn matches_all(&mut self, i: usize) -> bool {
        let o = self.opts;
        let m = self.matches.clone();
        let e = &self.entries[i].mount;
        if m.id.is_some_and(|id| i64::from(e.id) != i64::from(id)) {
            return false;
        }
        if let Some(u) = m.uniq_id {
            if self.entries[i].extra.as_ref().map_or(0, |x| x.uniq_id) != u {
                return false;
            }
        }
        if let Some(t) = &m.fstype {
            if !match_fstype(e.fstype.as_bytes(), t) {
                return false;
            }
        }
        if let Some(p) = &m.options {
            let entry = &self.entries[i];
            // An fstab line without options has no option string at all.
            let none = entry
                .extra
                .as_ref()
                .is_some_and(|x| x.fstab && x.options.is_empty());
            if (none && !p.is_empty()) || !match_options(&entry.options(), p) {
                return false;
            }
        }
        if m.devno.is_some_and(|d| d != (e.major, e.minor)) {
            return false;
        }
        if let Some(t) = &m.target {
            if !self.match_target(i, t) {
                return false;
            }
        }
        if let Some(s) = &m.source {
            if !self.match_source(i, s) {
                return false;
            }
        }
        let fstype = self.entries[i].mount.fstype.as_bytes();
        if o.df && !o.all {
            if fstype.windows(5).any(|w| w == b"tmpfs") {
                return true;
            }
            if is_pseudo_fs(fstype) {
                return false;
            }
        }
        if o.real && is_pseudo_fs(fstype) {
            return false;
        }
        if o.pseudo && !is_pseudo_fs(fstype) {
            return false;
        }
        if o.shadowed && !self.is_overmounted(i) {
            return false;
        }
        true
    }

    /// libmount `mnt_table_over_fs()`: a child mounted on the same path.
    fn is_overmounted(&self, i: usize) -> bool {
        let e = &self.entries[i].mount;
        self.children().get(&e.id).is_some_and(|kids| {
            kids.iter().any(|&c| {
                let c = &self.entries[c];
                streq_paths(c.mount.target.as_bytes(), e.target.as_bytes())
            })
        })
    }

    /// libmount `mnt_table_get_root_fs()`: smallest parent ID, then up the
    /// parent links (bounded, where libmount would loop on a cycle).
    fn root(&self) -> Option<usize> {
        let mut root: Option<usize> = None;
        for (i, e) in self.entries.iter().enumerate() {
            let smaller = match root {
                None => true,
                Some(r) => (e.parent as i32) < (self.entries[r].parent as i32),
            };
            if smaller {
                root = Some(i);
            }
        }
        let mut root = root?;
        for _ in 0..self.entries.len() {
            let parent = self.entries[root].parent;
            match self.entries.iter().position(|e| e.mount.id == parent) {
                Some(p) if p != root => root = p,
                _ => break,
            }
        }
        Some(root)
    }

    /// libmount `mnt_table_next_child_fs()` walked to the end: children by
    /// increasing ID, one entry per ID, never the entry itself.
    fn children_of(&self, i: usize) -> Vec<usize> {
        let id = self.entries[i].mount.id;
        let mut kids: Vec<usize> = self
            .children()
            .get(&id)
            .map(|v| {
                v.iter()
                    .copied()
                    .filter(|&c| self.entries[c].mount.id != id)
                    .collect()
            })
            .unwrap_or_default();
        kids.sort_by_key(|&c| self.entries[c].mount.id as i32);
        kids.dedup_by_key(|&mut c| self.entries[c].mount.id);
        kids
    }

    /// Adds entry `i` as a line (findmnt `add_line()`): `Ok(None)` when the
    /// `-Q` filter rejects it, `Err` when the filter cannot be evaluated
    /// ([`Finder::filter_failed`] is then set).
    fn add_line(&mut self, i: usize, parent: Option<LineId>) -> Result<Option<LineId>, ()> {
        let ctx = CellContext {
            opts: self.opts,
            tid: self.entries[i].tid,
            extra: self.entries[i].extra.as_deref(),
        };
        if let Some(filter) = &self.filter {
            let mount = &self.entries[i].mount;
            match filter.matches(&mut |col| cell(col, mount, &ctx).into_owned()) {
                Ok(true) => {}
                Ok(false) => return Ok(None),
                Err(_) => {
                    self.filter_failed = true;
                    return Err(());
                }
            }
        }
        let line = self.table.add_line(parent);
        let cols: &[Col] = &self.opts.columns;
        for (n, &col) in cols.iter().enumerate() {
            let data = cell(col, &self.entries[i].mount, &ctx);
            self.table.set_cell(line, n, data);
        }
        self.lines[i] = Some(line);
        self.nlines += 1;
        Ok(Some(line))
    }

    /// findmnt `create_treenode()`: `None` starts at the root. Returns
    /// false where util-linux returns an error (no root; an entry reached
    /// twice), which makes findmnt print nothing and exit 1.
    pub fn tree(&mut self, fs: Option<usize>, parent: Option<LineId>) -> bool {
        let Some(fs) = fs else {
            let Some(root) = self.root() else {
                return false;
            };
            if !self.subtree(root, None, true) {
                return false;
            }
            // Entries the walk from the root did not reach become roots.
            if self.entries.len() > self.nlines {
                for i in 0..self.entries.len() {
                    if self.lines[i].is_none() && self.matches(i) {
                        self.subtree(i, None, false);
                        if self.filter_failed {
                            return false;
                        }
                    }
                }
            }
            return true;
        };
        self.subtree(fs, parent, false)
    }

    /// One `create_treenode()` step for entry `fs`: its line (when it
    /// matches, or always with `-R`) and its children to visit. `Err` for an
    /// entry that already has a line; `Ok(None)` for one `-R` already
    /// printed.
    fn visit(
        &mut self,
        fs: usize,
        parent: Option<LineId>,
        root: bool,
    ) -> Result<Option<Frame>, ()> {
        if !root && self.opts.submounts && self.lines[fs].is_some() {
            return Ok(None);
        }
        let line = if self.opts.submounts || self.matches(fs) {
            if self.lines[fs].is_some() {
                return Err(());
            }
            self.add_line(fs, parent)?.or(parent)
        } else {
            parent
        };
        Ok(Some(Frame {
            line,
            kids: self.children_of(fs),
            next: 0,
        }))
    }

    /// `create_treenode()` below `fs`, depth first without recursion (mount
    /// chains can be tens of thousands deep); an error anywhere fails the
    /// whole walk, as it does in util-linux.
    fn subtree(&mut self, fs: usize, parent: Option<LineId>, root: bool) -> bool {
        let mut stack = match self.visit(fs, parent, root) {
            Err(()) => return false,
            Ok(None) => return true,
            Ok(Some(frame)) => vec![frame],
        };
        while let Some(top) = stack.last_mut() {
            let Some(&child) = top.kids.get(top.next) else {
                stack.pop();
                continue;
            };
            top.next += 1;
            let line = top.line;
            match self.visit(child, line, false) {
                Err(()) => return false,
                Ok(None) => {}
                Ok(Some(frame)) => stack.push(frame),
            }
        }
        true
    }

    /// findmnt `is_mount_compatible_mode()`: `-f SPEC` looks SPEC up the
    /// way mount(8) looks up fstab.
    fn mount_compatible(&self) -> bool {
        let m = &self.matches;
        m.source.is_some()
            && m.fstype.is_none()
            && m.options.is_none()
            && m.id.is_none()
            && m.uniq_id.is_none()
            && self.opts.first_only
    }

    /// libmount `mnt_table_find_srcpath()` without tag evaluation.
    fn find_srcpath(&mut self, path: &[u8], backward: bool) -> Option<usize> {
        let n = self.entries.len();
        let mut it = Iter::new(backward);
        while let Some(i) = it.next(n) {
            if self.streq_srcpath(i, path) {
                return Some(i);
            }
        }
        if self.opts.nocanonicalize || path.is_empty() {
            return None;
        }
        let cn = self.canonical(path, false)?;
        let mut it = Iter::new(backward);
        while let Some(i) = it.next(n) {
            if self.streq_srcpath(i, &cn) {
                return Some(i);
            }
        }
        let mut it = Iter::new(backward);
        while let Some(i) = it.next(n) {
            let m = &self.entries[i].mount;
            let (fstype, src) = (m.fstype.as_bytes().to_vec(), m.source.as_bytes().to_vec());
            if is_net_fs(&fstype) || is_pseudo_fs(&fstype) || is_tag_source(&src) {
                continue;
            }
            if self.canonical(&src, false).is_some_and(|p| p == cn) {
                return Some(i);
            }
        }
        None
    }

    /// libmount `mnt_table_find_source()`.
    fn find_source(&mut self, source: &[u8], backward: bool) -> Option<usize> {
        if is_tag_source(source) {
            let n = self.entries.len();
            let mut it = Iter::new(backward);
            while let Some(i) = it.next(n) {
                if self.entries[i].mount.source.as_bytes() == source {
                    return Some(i);
                }
            }
            if self.opts.nocanonicalize {
                return None;
            }
            let dev = resolve_spec(source)?;
            return self.find_srcpath(&dev, backward);
        }
        self.find_srcpath(source, backward)
    }

    /// libmount `mnt_table_find_target()` (mountinfo targets are already
    /// canonical, so the last step of libmount does not apply).
    fn find_target(&mut self, path: &[u8], backward: bool) -> Option<usize> {
        if path.is_empty() {
            return None;
        }
        let n = self.entries.len();
        let mut it = Iter::new(backward);
        while let Some(i) = it.next(n) {
            if self.entries[i]
                .target()
                .is_some_and(|t| streq_paths(t, path))
            {
                return Some(i);
            }
        }
        if path[0] != b'/' {
            if let Ok(cwd) = std::env::current_dir() {
                let rel = path.strip_prefix(b"./").unwrap_or(path);
                let mut abs = cwd.as_os_str().as_bytes().to_vec();
                if rel != b"." && !rel.is_empty() {
                    abs.push(b'/');
                    abs.extend_from_slice(rel);
                }
                let mut it = Iter::new(backward);
                while let Some(i) = it.next(n) {
                    if self.entries[i]
                        .target()
                        .is_some_and(|t| streq_paths(t, &abs))
                    {
                        return Some(i);
                    }
                }
            }
        }
        if self.opts.nocanonicalize {
            return None;
        }
        let cn = self.canonical(path, false)?;
        let mut it = Iter::new(backward);
        while let Some(i) = it.next(n) {
            if self.entries[i]
                .target()
                .is_some_and(|t| streq_paths(t, &cn))
            {
                return Some(i);
            }
        }
        None
    }

    /// libmount `mnt_table_find_mountpoint()`: `path`, then each parent
    /// directory, then `/`; nothing when `path` does not exist.
    fn find_mountpoint(&mut self, path: &[u8], backward: bool) -> Option<usize> {
        if path.is_empty() || std::fs::metadata(std::ffi::OsStr::from_bytes(path)).is_err() {
            return None;
        }
        // The C code strips components in place; mirror its buffer.
        let mut buf = path.to_vec();
        buf.push(0);
        let mut len = path.len();
        loop {
            if let Some(i) = self.find_target(&buf[..len], backward) {
                return Some(i);
            }
            match buf[..len].iter().rposition(|&b| b == b'/') {
                Some(p) => {
                    buf[p] = 0;
                    len = p;
                }
                None => break,
            }
            if buf.get(1).copied().unwrap_or(0) == 0 {
                break;
            }
        }
        self.find_target(b"/", backward)
    }

    /// findmnt `get_next_fs()`.
    fn next_fs(&mut self, it: &mut Iter) -> Option<usize> {
        let n = self.entries.len();
        if is_listall(self.opts) {
            return it.next(n);
        }
        if self.mount_compatible() {
            let source = self.matches.source.clone().unwrap_or_default();
            let found = self.find_source(&source, it.backward);
            if found.is_none() && !self.noswapmatch {
                return self.find_target(&source, it.backward);
            }
            return found;
        }
        loop {
            while let Some(i) = it.next(n) {
                if self.matches(i) {
                    return Some(i);
                }
            }
            if !self.noswapmatch && self.matches.target.is_none() && self.matches.source.is_some() {
                self.matches.target = self.matches.source.take();
                *it = Iter::new(it.backward);
                continue;
            }
            return None;
        }
    }

    /// The entries `get_next_fs()` yields, in order (what `--verify`
    /// checks).
    pub fn matching(&mut self) -> Vec<usize> {
        let mut it = Iter::new(self.opts.backward);
        let mut out = Vec::new();
        while let Some(i) = self.next_fs(&mut it) {
            out.push(i);
            if self.opts.first_only {
                break;
            }
            self.noswapmatch = true;
        }
        out
    }

    /// findmnt `poll_match()`: the filters, and a positional SPEC tried
    /// as a mount point too.
    pub fn poll_match(&mut self, i: usize) -> bool {
        if self.matches(i) {
            return true;
        }
        if self.noswapmatch || self.matches.target.is_some() || self.matches.source.is_none() {
            return false;
        }
        let saved = self.matches.clone();
        self.matches.target = self.matches.source.take();
        let hit = self.matches(i);
        self.matches = saved;
        hit
    }

    /// Number of entries in the table.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Entry `i`.
    pub fn entry(&self, i: usize) -> &Entry {
        &self.entries[i]
    }

    /// findmnt `add_matching_lines()`: every match as a line (or, with
    /// `-R`, as a tree of its submounts); false when nothing matched.
    pub fn list(&mut self) -> bool {
        let mut it = Iter::new(self.opts.backward);
        let mut found = 0;
        while let Some(i) = self.next_fs(&mut it) {
            if self.opts.tree || self.opts.submounts {
                if !self.tree(Some(i), None) {
                    return false;
                }
            } else {
                match self.add_line(i, None) {
                    Err(()) => return false,
                    Ok(None) => continue,
                    Ok(Some(_)) => {}
                }
            }
            found += 1;
            if self.opts.first_only {
                break;
            }
            self.noswapmatch = true;
        }
        found > 0
    }

    /// findmnt `enable_extra_target_match()`: replaces the target by the
    /// mount point that contains it.
    pub fn widen_target(&mut self) {
        let Some(target) = self.matches.target.clone() else {
            return;
        };
        let tgt = if self.opts.nocanonicalize {
            target
        } else {
            match canonicalize(&target) {
                Some(c) => c,
                None => return,
            }
        };
        if let Some(i) = self.find_mountpoint(&tgt, true) {
            let mnt = self.entries[i].mount.target.as_bytes().to_vec();
            if mnt != tgt {
                self.matches.target = Some(mnt);
            }
        }
    }

    /// Whether a target filter is set.
    pub fn has_target(&self) -> bool {
        self.matches.target.is_some()
    }

    /// Whether the source may still be retried as a target.
    pub fn noswapmatch(&self) -> bool {
        self.noswapmatch
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_keys_agree_with_streq_paths() {
        let paths: [&[u8]; 9] = [
            b"", b"/", b"//", b"/a", b"/a/", b"//a//", b"/a/b", b"/a//b/", b"a",
        ];
        for a in paths {
            for b in paths {
                assert_eq!(path_key(a) == path_key(b), streq_paths(a, b), "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn paths_compare_like_util_linux() {
        assert!(streq_paths(b"/a/b", b"/a/b/"));
        assert!(streq_paths(b"/a//b", b"/a/b"));
        assert!(streq_paths(b"/", b"/"));
        assert!(streq_paths(b"/", b"//"));
        assert!(!streq_paths(b"/a", b"/ab"));
        assert!(streq_paths(b"", b"/"));
        assert!(streq_paths(b"", b""));
    }
}
