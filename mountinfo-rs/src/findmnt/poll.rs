//! `findmnt --poll[=ACTIONS]`: watch the mount table and print each batch
//! of changes (findmnt `poll_table()` with libmount's table diff).
//!
//! The table file (`/proc/self/mountinfo` or the one `-F` file) is polled
//! for `POLLPRI`; on each wake-up it is read again and compared with the
//! previous reading: an entry whose (source, mount point) pair is new is a
//! `mount`, one whose pair is gone is an `umount` (or, when a new entry has
//! its source and mount ID, a `move`), one whose VFS or filesystem options
//! changed is a `remount`. Matching changes are printed as one table per
//! batch, followed by an empty line (not with `-J`). `-w MS` stops after MS
//! milliseconds without events; `-f` after the first printed batch.

use super::cli::{Options, Output, PollAction};
use super::columns::{cell, CellContext, Col};
use super::rows::{Entry, Finder};
use super::{parse_lines, tabs::TabFormat, PROG};
use common::error::{warn, with_errno};
use common::table::Table;
use std::collections::HashMap;
use std::io::{Read, Seek, Write};
use std::os::fd::AsRawFd;
use std::path::Path;

/// One change: kind, old entry, new entry (indices into the two tables).
struct Change {
    action: PollAction,
    old: Option<usize>,
    new: Option<usize>,
}

/// libmount `mnt_diff_tables()`.
fn diff(old: &[Entry], new: &[Entry]) -> Vec<Change> {
    let mut out = Vec::new();
    if old.is_empty() && new.is_empty() {
        return out;
    }
    let key = |e: &Entry| {
        (
            e.mount.source.as_bytes().to_vec(),
            e.mount.target.as_bytes().to_vec(),
        )
    };
    // The first entry of each (source, target) pair.
    let index = |t: &[Entry]| {
        let mut m: HashMap<(Vec<u8>, Vec<u8>), usize> = HashMap::new();
        for (i, e) in t.iter().enumerate() {
            m.entry(key(e)).or_insert(i);
        }
        m
    };
    if old.is_empty() {
        return (0..new.len())
            .map(|i| Change {
                action: PollAction::Mount,
                old: None,
                new: Some(i),
            })
            .collect();
    }
    if new.is_empty() {
        return (0..old.len())
            .map(|i| Change {
                action: PollAction::Umount,
                old: Some(i),
                new: None,
            })
            .collect();
    }
    let old_index = index(old);
    let new_index = index(new);
    for (i, e) in new.iter().enumerate() {
        match old_index.get(&key(e)) {
            None => out.push(Change {
                action: PollAction::Mount,
                old: None,
                new: Some(i),
            }),
            Some(&o) => {
                let oe = &old[o].mount;
                if oe.vfs_options != e.mount.vfs_options || oe.fs_options != e.mount.fs_options {
                    out.push(Change {
                        action: PollAction::Remount,
                        old: Some(o),
                        new: Some(i),
                    });
                }
            }
        }
    }
    for (o, e) in old.iter().enumerate() {
        if new_index.contains_key(&key(e)) {
            continue;
        }
        let moved = out.iter_mut().find(|c| {
            c.action == PollAction::Mount
                && c.new.is_some_and(|n| {
                    new[n].mount.id == e.mount.id && new[n].mount.source == e.mount.source
                })
        });
        match moved {
            Some(c) => {
                c.action = PollAction::Move;
                c.old = Some(o);
            }
            None => out.push(Change {
                action: PollAction::Umount,
                old: Some(o),
                new: None,
            }),
        }
    }
    out
}

/// poll(2) for `POLLPRI` on `fd`: `Ok(false)` on timeout.
fn wait(fd: &std::fs::File, timeout: i32) -> std::io::Result<bool> {
    let mut pfd = libc::pollfd {
        fd: fd.as_raw_fd(),
        events: libc::POLLPRI,
        revents: 0,
    };
    loop {
        // SAFETY: `pfd` is one valid pollfd, the count given is 1.
        let n = unsafe { libc::poll(&mut pfd, 1, timeout) };
        if n < 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        return Ok(n > 0);
    }
}

fn action_name(a: PollAction) -> &'static str {
    match a {
        PollAction::Mount => "mount",
        PollAction::Umount => "umount",
        PollAction::Remount => "remount",
        PollAction::Move => "move",
    }
}

/// Runs the poll loop over `file`, starting from `entries`; returns the
/// exit status.
pub fn run(
    opts: &Options,
    entries: Vec<Entry>,
    file: &Path,
    make_table: &dyn Fn() -> Table,
) -> i32 {
    let mut f = match std::fs::File::open(file) {
        Ok(f) => f,
        Err(e) => {
            let errno = nix::errno::Errno::from_raw(e.raw_os_error().unwrap_or(libc::EIO));
            warn(
                PROG,
                with_errno(format!("cannot open {}", file.display()), errno),
            );
            return 1;
        }
    };
    let mut old = entries;
    let name = file.display().to_string();
    let mut header_done = false;
    loop {
        match wait(&f, opts.timeout) {
            Ok(true) => {}
            Ok(false) => return 0,
            Err(e) => {
                let errno = nix::errno::Errno::from_raw(e.raw_os_error().unwrap_or(libc::EIO));
                warn(PROG, with_errno("poll() failed", errno));
                return 1;
            }
        }
        let mut data = Vec::new();
        if f.rewind().and_then(|()| f.read_to_end(&mut data)).is_err() {
            return 1;
        }
        let (parsed, bad) = parse_lines(&data, &mut Some(TabFormat::Mountinfo));
        for line in bad {
            warn(
                PROG,
                format!("{name}: parse error at line {line} -- ignored"),
            );
        }
        let new: Vec<Entry> = parsed
            .into_iter()
            .map(|(e, x)| Entry::new(e, 0).with_extra(x))
            .collect();
        let mut changes = diff(&old, &new);
        if opts.backward {
            changes.reverse();
        }
        // The entries the changes refer to, for matching and cells.
        changes.retain(|c| c.new.is_some() || c.old.is_some());
        let refs: Vec<&Entry> = changes
            .iter()
            .filter_map(|c| match (c.new, c.old) {
                (Some(n), _) => new.get(n),
                (None, Some(o)) => old.get(o),
                (None, None) => None,
            })
            .collect();
        let mut matcher = Finder::new(
            refs.iter()
                .map(|e| Entry::new(e.mount.clone(), e.tid).with_extra(e.extra.as_deref().cloned()))
                .collect(),
            opts,
            make_table(),
            None,
        );
        let mut table = make_table();
        let mut count = 0;
        for (k, c) in changes.iter().enumerate() {
            if !opts.poll_actions.is_empty() && !opts.poll_actions.contains(&c.action) {
                continue;
            }
            if !matcher.poll_match(k) {
                continue;
            }
            count += 1;
            let line = table.add_line(None);
            let o = c.old.map(|i| &old[i]);
            for (n, &col) in opts.columns.iter().enumerate() {
                let data = match col {
                    Col::Action => action_name(c.action).as_bytes().to_vec(),
                    Col::OldOptions => match (o, c.action) {
                        (Some(o), PollAction::Remount | PollAction::Umount) => o.options(),
                        _ => Vec::new(),
                    },
                    Col::OldTarget => match (o, c.action) {
                        (Some(o), PollAction::Move | PollAction::Umount) => {
                            o.mount.target.as_bytes().to_vec()
                        }
                        _ => Vec::new(),
                    },
                    _ => {
                        let e = refs[k];
                        let ctx = CellContext {
                            opts,
                            tid: e.tid,
                            extra: e.extra.as_deref(),
                        };
                        cell(col, &e.mount, &ctx).into_owned()
                    }
                };
                table.set_cell(line, n, data);
            }
            if opts.first_only {
                break;
            }
        }
        if count > 0 {
            // The header is printed with the first batch only (widths still
            // count it); each batch but JSON ends with its last row's
            // newline, nothing more. Each batch is fitted to the terminal
            // on its own.
            table.terminal = common::table::Terminal::stdout();
            let mut text = table.render(common::table::Glyphs::Ascii);
            let has_header = !opts.noheadings && matches!(opts.output, Output::Human | Output::Raw);
            if header_done && has_header {
                let cut = text.iter().position(|&b| b == b'\n').map_or(0, |p| p + 1);
                text.drain(..cut);
            }
            header_done = true;
            if opts.output != Output::Json && !text.ends_with(b"\n") {
                text.push(b'\n');
            }
            let mut out = std::io::stdout().lock();
            if out.write_all(&text).and_then(|()| out.flush()).is_err() {
                return 1;
            }
        }
        old = new;
        if count > 0 && opts.first_only {
            return 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mountinfo::MountEntry;

    fn table(lines: &[&str]) -> Vec<Entry> {
        lines
            .iter()
            .filter_map(|l| MountEntry::parse(l.as_bytes()))
            .map(|e| Entry::new(e, 0))
            .collect()
    }

    #[test]
    fn changes_are_classified_like_libmount() {
        let old = table(&[
            "1 0 0:1 / / rw - ext4 /dev/a rw",
            "2 1 0:2 / /a rw - tmpfs x rw",
            "3 1 0:3 / /b rw - tmpfs y rw",
            "4 1 0:4 / /c rw - tmpfs z rw",
        ]);
        let new = table(&[
            "1 0 0:1 / / rw - ext4 /dev/a rw",
            "2 1 0:2 / /a ro - tmpfs x rw",
            "3 1 0:3 / /moved rw - tmpfs y rw",
            "5 1 0:5 / /d rw - tmpfs w rw",
        ]);
        let got: Vec<(PollAction, Option<usize>, Option<usize>)> = diff(&old, &new)
            .into_iter()
            .map(|c| (c.action, c.old, c.new))
            .collect();
        assert_eq!(
            got,
            vec![
                (PollAction::Remount, Some(1), Some(1)),
                (PollAction::Move, Some(2), Some(2)),
                (PollAction::Mount, None, Some(3)),
                (PollAction::Umount, Some(3), None),
            ]
        );
        assert!(diff(&[], &[]).is_empty());
    }
}
