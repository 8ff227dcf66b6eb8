//! Block id maps (`--map-users`, `--map-groups`, `--map-auto`,
//! `--map-subids`): where the blocks come from, how a single map
//! (`--map-user`, `-r`, `-c`) is merged into them, and who writes them.
//!
//! A block is written by a helper process forked before unshare(2), which
//! waits at a [`gate`] until the namespace exists: as euid 0 it writes
//! `/proc/PID/uid_map` and `gid_map` itself, otherwise it runs the setuid
//! `newuidmap` / `newgidmap` (package `uidmap`) with the blocks as
//! arguments. When blocks and a single map are both given, the single map
//! comes first and each block that overlaps it loses one id, its top one
//! (util-linux's "hole"; issue #3838 describes the effect).
//!
//! Two deliberate differences from util-linux: a `/etc/subuid` line whose
//! first field is a name never matches uid 0 (util-linux reads a name as the
//! number 0, so root matched the first line of any user), and mapping
//! fields are plain decimal numbers (no sign, no white space).
#![forbid(unsafe_code)]

use crate::{gate, sys, Error};
use nix::errno::Errno;
use nix::unistd::{ForkResult, Pid};
use std::ffi::OsString;
use std::fs::OpenOptions;
use std::io::Write;

/// One block of ids: `count` ids from `outer` (outside) appear from
/// `inner` inside.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    /// First id inside; `None` for an `auto` block, which starts at 0 and
    /// never gives up an id for a single map.
    pub inner: Option<u32>,
    /// First id outside.
    pub outer: u32,
    /// Number of ids.
    pub count: u32,
}

/// A mapping as the kernel and newuidmap take it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line {
    /// First id inside.
    pub inner: u32,
    /// First id outside.
    pub outer: u32,
    /// Number of ids.
    pub count: u32,
}

fn plain_u32(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `INNER:OUTER:COUNT`, or the old `OUTER,INNER,COUNT`.
pub fn parse_block(s: &str) -> Option<Block> {
    let (fields, swapped): (Vec<&str>, bool) = if s.contains(':') {
        (s.split(':').collect(), false)
    } else {
        (s.split(',').collect(), true)
    };
    let [a, b, count] = fields.as_slice() else {
        return None;
    };
    let (a, b, count) = (plain_u32(a)?, plain_u32(b)?, plain_u32(count)?);
    let (inner, outer) = if swapped { (b, a) } else { (a, b) };
    Some(Block {
        inner: Some(inner),
        outer,
        count,
    })
}

/// Which of the two id kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// uids: `/etc/subuid`, `uid_map`, `newuidmap`.
    User,
    /// gids: `/etc/subgid`, `gid_map`, `newgidmap`.
    Group,
}

impl Kind {
    /// The subordinate id file.
    pub fn subid_file(self) -> &'static str {
        match self {
            Kind::User => "/etc/subuid",
            Kind::Group => "/etc/subgid",
        }
    }

    /// The map file under `/proc/PID`.
    pub fn map_file(self) -> &'static str {
        match self {
            Kind::User => "uid_map",
            Kind::Group => "gid_map",
        }
    }

    /// The setuid helper.
    pub fn helper(self) -> &'static str {
        match self {
            Kind::User => "newuidmap",
            Kind::Group => "newgidmap",
        }
    }
}

/// The first block of `/etc/subuid`-style `text` that belongs to the user
/// `name` (or numeric `uid`); `identity` maps it onto itself, otherwise it
/// is an `auto` block.
pub fn subid_block(
    text: &str,
    file: &str,
    name: &str,
    uid: u32,
    identity: bool,
) -> Result<Block, Error> {
    // Lines end at `\n` only, as getline(3) gives them: a `\r` before it
    // stays in the count field and fails its parsing, as in util-linux.
    for line in text.split('\n') {
        let mut fields = line.splitn(3, ':');
        let (Some(owner), Some(start), Some(count)) = (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        if owner != name && plain_u32(owner) != Some(uid) {
            continue;
        }
        let number = |s: &str| {
            crate::ids::parse_id_number(s).map_err(|e| {
                if e == Errno::ERANGE {
                    Error::sys(format!("failed to parse subid map: '{s}'"), e)
                } else {
                    Error::Msg(format!("failed to parse subid map: '{s}'"))
                }
            })
        };
        let outer = number(start)?;
        let count = number(count)?;
        return Ok(Block {
            inner: identity.then_some(outer),
            outer,
            count,
        });
    }
    Err(Error::Msg(format!(
        "no line matching user \"{name}\" in {file}"
    )))
}

/// `all`: every line of the caller's `uid_map`/`gid_map` text, mapped onto
/// itself.
pub fn identity_blocks(map_text: &str) -> Vec<Block> {
    map_text
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let start = words.next()?.parse().ok()?;
            let _outer: u32 = words.next()?.parse().ok()?;
            let count = words.next()?.parse().ok()?;
            Some(Block {
                inner: Some(start),
                outer: start,
                count,
            })
        })
        .collect()
}

/// The map lines for `blocks` (command-line order) with the single map
/// `single_inner` → `outer` (the caller's id) merged in: the single line
/// first, and a hole cut where a block overlaps it. Without a single map the
/// blocks pass unchanged (an `auto` block starting at 0).
pub fn merge(blocks: &[Block], outer: u32, single_inner: Option<u32>) -> Vec<Line> {
    // Without a single map nothing can overlap: the split below then
    // keeps each block whole.
    let (outer, inner) = match single_inner {
        Some(inner) => (outer, inner),
        None => (u32::MAX, u32::MAX),
    };
    let mut lines = Vec::new();
    if single_inner.is_some() {
        lines.push(Line {
            inner,
            outer,
            count: 1,
        });
    }
    for block in blocks {
        let (start, mut count) = match block.inner {
            Some(start) => (start, block.count),
            None => (0, block.count),
        };
        // A block past the last id is written as given, for the kernel to
        // reject (as util-linux does): split, it would wrap around to id 0.
        let fits = |first: u32| first.checked_add(count).is_some();
        if !fits(start) || !fits(block.outer) {
            lines.push(Line {
                inner: start,
                outer: block.outer,
                count,
            });
            continue;
        }
        let overlaps = |id: u32, first: u32| {
            u64::from(id) >= u64::from(first)
                && u64::from(id) <= u64::from(first) + u64::from(block.count)
        };
        if block.inner.is_some()
            && single_inner.is_some()
            && (overlaps(outer, block.outer) || overlaps(inner, start))
        {
            count = count.saturating_sub(1);
        }
        // Up to three pieces: below the lower of the two split points,
        // between them, and above the higher, each skipping the id the
        // single map took.
        let outer_at = outer.saturating_sub(block.outer).min(count);
        let inner_at = inner.saturating_sub(start).min(count);
        let low = Line {
            inner: start,
            outer: block.outer,
            count: outer_at.min(inner_at),
        };
        let skip = |v: u32, taken: u32| v.wrapping_add(u32::from(v == taken));
        let mid = Line {
            inner: skip(low.inner.wrapping_add(low.count), inner),
            outer: skip(low.outer.wrapping_add(low.count), outer),
            count: outer_at.abs_diff(inner_at),
        };
        let high = Line {
            inner: skip(mid.inner.wrapping_add(mid.count), inner),
            outer: skip(mid.outer.wrapping_add(mid.count), outer),
            count: count - low.count - mid.count,
        };
        lines.extend([low, mid, high].into_iter().filter(|l| l.count > 0));
    }
    lines
}

/// The text written to `/proc/PID/uid_map` (the kernel reads at most one
/// page).
pub fn map_text(lines: &[Line]) -> Option<String> {
    let text: String = lines
        .iter()
        .map(|l| format!("{} {} {}\n", l.inner, l.outer, l.count))
        .collect();
    (text.len() <= 4096).then_some(text)
}

/// The helper that writes the id maps from outside.
pub struct Mapper {
    pid: Pid,
    /// Opens the helper's gate; taken by [`Mapper::release`].
    go: Option<gate::Opener>,
}

impl Mapper {
    /// Forks the helper (before unshare(2) and before `--owner` drops
    /// privilege). It waits until [`Mapper::release`].
    pub fn prepare(
        prog: &str,
        users: Option<&[Line]>,
        groups: Option<&[Line]>,
    ) -> Result<Option<Self>, Error> {
        if users.is_none() && groups.is_none() {
            return Ok(None);
        }
        let (waiter, opener) = gate::new()?;
        let target = nix::unistd::getpid();
        match sys::fork().map_err(|e| Error::sys("fork failed", e))? {
            ForkResult::Child => {
                drop(opener);
                if !waiter.wait() {
                    // unshare failed before the namespace existed.
                    std::process::exit(0);
                }
                let code = match write_maps(prog, target, users, groups) {
                    Ok(()) => 0,
                    Err(e) => e.report(prog),
                };
                std::process::exit(code);
            }
            ForkResult::Parent { child } => {
                drop(waiter);
                Ok(Some(Mapper {
                    pid: child,
                    go: Some(opener),
                }))
            }
        }
    }

    /// After unshare(2): lets the helper write the maps and waits for it. A
    /// helper that failed has said why; its status becomes unshare's.
    pub fn release(mut self) -> Result<(), Error> {
        if let Some(go) = self.go.take() {
            let _ = go.open();
        }
        match sys::wait(self.pid).map_err(|e| Error::sys("waitpid failed", e))? {
            sys::Ended::Exited(0) => Ok(()),
            sys::Ended::Exited(code) => Err(Error::Status(code)),
            sys::Ended::Signaled(signo) => Err(Error::Msg(format!(
                "id map helper was killed by signal {signo}"
            ))),
        }
    }
}

impl Drop for Mapper {
    /// Not released (unshare failed first): the helper sees its gate close
    /// and exits; reap it.
    fn drop(&mut self) {
        if let Some(go) = self.go.take() {
            drop(go);
            let _ = sys::wait(self.pid);
        }
    }
}

/// In the helper: writes both maps for process `target`.
fn write_maps(
    prog: &str,
    target: Pid,
    users: Option<&[Line]>,
    groups: Option<&[Line]>,
) -> Result<(), Error> {
    let maps = [(Kind::User, users), (Kind::Group, groups)];
    if nix::unistd::geteuid().is_root() {
        for (kind, lines) in maps {
            if let Some(lines) = lines {
                write_map_file(target, kind, lines)?;
            }
        }
        return Ok(());
    }
    for (kind, lines) in maps {
        if let Some(lines) = lines {
            run_helper(prog, target, kind, lines)?;
        }
    }
    Ok(())
}

/// As root: the lines straight into `/proc/PID/uid_map` (or `gid_map`).
fn write_map_file(target: Pid, kind: Kind, lines: &[Line]) -> Result<(), Error> {
    let path = format!("/proc/{target}/{}", kind.map_file());
    let text = map_text(lines)
        .ok_or_else(|| Error::Msg(format!("{path} too large for kernel 4k limit")))?;
    let mut file = OpenOptions::new()
        .write(true)
        .open(&path)
        .map_err(|e| Error::sys(format!("failed to open {path}"), io_errno(&e)))?;
    file.write_all(text.as_bytes())
        .map_err(|e| Error::sys(format!("failed to write {path}"), io_errno(&e)))
}

/// Unprivileged: `newuidmap PID INNER OUTER COUNT...` from `$PATH`, in a
/// child of the helper; its failure status is passed on.
fn run_helper(prog: &str, target: Pid, kind: Kind, lines: &[Line]) -> Result<(), Error> {
    let mut argv: Vec<OsString> = vec![kind.helper().into(), target.to_string().into()];
    for l in lines {
        argv.extend([l.inner, l.outer, l.count].map(|n| OsString::from(n.to_string())));
    }
    match sys::fork().map_err(|e| Error::sys("fork failed", e))? {
        ForkResult::Child => {
            let code = common::error::exec(prog, &argv);
            if code == 127 {
                common::error::warn(
                    prog,
                    format!(
                        "unprivileged --map-users/--map-groups need {} in $PATH \
                         (package uidmap)",
                        kind.helper()
                    ),
                );
            }
            std::process::exit(code);
        }
        ForkResult::Parent { child } => {
            match sys::wait(child).map_err(|e| Error::sys("waitpid failed", e))? {
                sys::Ended::Exited(0) => Ok(()),
                sys::Ended::Exited(code) => Err(Error::Status(code)),
                sys::Ended::Signaled(signo) => Err(Error::Msg(format!(
                    "{} was killed by signal {signo}",
                    kind.helper()
                ))),
            }
        }
    }
}

fn io_errno(e: &std::io::Error) -> Errno {
    e.raw_os_error().map_or(Errno::EIO, Errno::from_raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(inner: u32, outer: u32, count: u32) -> Line {
        Line {
            inner,
            outer,
            count,
        }
    }

    fn block(inner: u32, outer: u32, count: u32) -> Block {
        Block {
            inner: Some(inner),
            outer,
            count,
        }
    }

    #[test]
    fn block_syntax() {
        assert_eq!(parse_block("0:100000:65536"), Some(block(0, 100000, 65536)));
        assert_eq!(parse_block("100000,0,65536"), Some(block(0, 100000, 65536)));
        for bad in [
            "",
            "1:2",
            "1:2:3:4",
            "a:1:2",
            "1,2",
            "1:2,3",
            "-1:2:3",
            " 1:2:3",
            "1:2:3 ",
            "4294967296:0:1",
            "auto ",
        ] {
            assert_eq!(parse_block(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn subid_lines() {
        let text = "bob:5:6\nalice:100000:65536\n1000:200000:10\nalice:1:1\n";
        let b = subid_block(text, "/etc/subuid", "alice", 1001, false).expect("alice");
        assert_eq!((b.inner, b.outer, b.count), (None, 100000, 65536));
        let b = subid_block(text, "/etc/subuid", "carol", 1000, true).expect("by uid");
        assert_eq!(b, block(200000, 200000, 10));
        let e = subid_block(text, "/etc/subuid", "root", 0, false).err();
        assert!(
            matches!(e, Some(Error::Msg(m)) if m == "no line matching user \"root\" in /etc/subuid")
        );
        let e = subid_block("root:x:1\n", "/etc/subgid", "root", 0, false).err();
        assert!(matches!(e, Some(Error::Msg(m)) if m == "failed to parse subid map: 'x'"));
        // A CRLF line keeps its `\r`, which the count does not parse.
        let e = subid_block("root:100000:10\r\n", "/etc/subuid", "root", 0, false).err();
        assert!(matches!(e, Some(Error::Msg(m)) if m == "failed to parse subid map: '10\r'"));
    }

    #[test]
    fn all_copies_the_callers_map() {
        let text = "         0          0 4294967295\n";
        assert_eq!(identity_blocks(text), vec![block(0, 0, u32::MAX)]);
        let text = "0 1000 1\n1 100000 65536\n";
        assert_eq!(
            identity_blocks(text),
            vec![block(0, 0, 1), block(1, 1, 65536)]
        );
    }

    #[test]
    fn no_single_map_keeps_blocks_whole() {
        let auto = Block {
            inner: None,
            outer: 100000,
            count: 65536,
        };
        assert_eq!(
            merge(&[block(5, 6, 7), auto], 1000, None),
            vec![line(5, 6, 7), line(0, 100000, 65536)]
        );
    }

    #[test]
    fn single_map_first_and_a_hole_cut() {
        // -r with --map-users=0:100000:65536: inner 0 is taken, the block
        // moves up one and loses its top id (issue #3838).
        assert_eq!(
            merge(&[block(0, 100000, 65536)], 1000, Some(0)),
            vec![line(0, 1000, 1), line(1, 100000, 65535)]
        );
        // -r --map-auto: an auto block gives up no id (util-linux PR #4457).
        let auto = Block {
            inner: None,
            outer: 100000,
            count: 1,
        };
        assert_eq!(
            merge(&[auto], 1000, Some(0)),
            vec![line(0, 1000, 1), line(1, 100000, 1)]
        );
        // As root, --map-user=1000 with 0:0:65536: split in three around
        // inner 1000 and outer 0.
        assert_eq!(
            merge(&[block(0, 0, 65536)], 0, Some(1000)),
            vec![line(1000, 0, 1), line(0, 1, 1000), line(1001, 1001, 64535)]
        );
        // A block far from both ids is untouched.
        assert_eq!(
            merge(&[block(5000, 200000, 10)], 1000, Some(0)),
            vec![line(0, 1000, 1), line(5000, 200000, 10)]
        );
    }

    /// Found by the `idmap` fuzz target: a block that runs past the last id
    /// (`--map-users=0:4294967290:10`, or such a line in /etc/subuid) was
    /// split where it wrapped, mapping ids onto outer uid 0 instead of
    /// failing; it is now written whole, and the kernel rejects it.
    #[test]
    fn a_block_past_the_last_id_is_not_wrapped_to_zero() {
        let wide = block(0, u32::MAX - 5, 10);
        assert_eq!(merge(&[wide], 0, None), vec![line(0, u32::MAX - 5, 10)]);
        assert_eq!(
            merge(&[wide], 1000, Some(0)),
            vec![line(0, 1000, 1), line(0, u32::MAX - 5, 10)]
        );
        let auto = Block {
            inner: None,
            outer: u32::MAX,
            count: 65535,
        };
        assert_eq!(merge(&[auto], 0, None), vec![line(0, u32::MAX, 65535)]);
        let high = block(u32::MAX - 1, 5, 2);
        assert_eq!(merge(&[high], 0, None), vec![line(u32::MAX - 1, 5, 2)]);
    }

    #[test]
    fn map_text_limit() {
        assert_eq!(
            map_text(&[line(0, 1000, 1), line(1, 100000, 65535)]).as_deref(),
            Some("0 1000 1\n1 100000 65535\n")
        );
        let many = vec![line(4000000000, 4000000000, 4000000000); 200];
        assert_eq!(map_text(&many), None);
    }
}
