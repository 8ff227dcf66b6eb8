//! `findmnt --verify`: checks an fstab-format table the way util-linux's
//! findmnt does (`findmnt-verify.c`): each selected entry's mount point,
//! options, source and type, the order of the entries, the root's fsck
//! pass. Messages go to stdout under the mount point (`   [E] ...`,
//! `   [W] ...`, and with `--verbose` the passed checks as `   [ ] ...`);
//! the summary goes to stderr, or `Success, ...` to stdout.
//!
//! The on-disk type comes from the superblock prober mount uses
//! ([`crate::blkid`]); a format it does not know reads as "cannot detect
//! on-disk filesystem type (reason unknown)".

use super::rows::{canonicalize, resolve_spec};
use super::tabs::get_option;
use crate::mountinfo::{is_net_fs, is_pseudo_fs, match_fstype};
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::FileTypeExt;

/// One entry to check.
pub struct Item<'a> {
    /// Its position in the table.
    pub index: usize,
    /// Mount point (empty when undefined).
    pub target: &'a [u8],
    /// Source as written.
    pub source: &'a [u8],
    /// Filesystem type.
    pub fstype: &'a [u8],
    /// All options (for `noauto`, `bind`, `move`, `pri`, `discard`).
    pub options: &'a [u8],
    /// VFS, filesystem and userspace parts.
    pub vfs: &'a [u8],
    /// Filesystem options.
    pub fs: &'a [u8],
    /// Userspace options.
    pub user: &'a [u8],
    /// fsck pass.
    pub passno: i32,
}

struct Ctx<'o> {
    out: &'o mut dyn Write,
    verbose: bool,
    target: Vec<u8>,
    printed: bool,
    errors: usize,
    warnings: usize,
    no_fsck: bool,
    supported: Vec<Vec<u8>>,
}

impl Ctx<'_> {
    fn mesg(&mut self, kind: char, text: &[u8]) -> std::io::Result<()> {
        if !self.printed {
            self.out.write_all(&self.target)?;
            self.out.write_all(b"\n")?;
            self.printed = true;
        }
        write!(self.out, "   [{kind}] ")?;
        self.out.write_all(text)?;
        self.out.write_all(b"\n")
    }
    fn warn(&mut self, text: impl AsRef<[u8]>) -> std::io::Result<()> {
        self.warnings += 1;
        self.mesg('W', text.as_ref())
    }
    fn err(&mut self, text: impl AsRef<[u8]>) -> std::io::Result<()> {
        self.errors += 1;
        self.mesg('E', text.as_ref())
    }
    fn ok(&mut self, text: impl AsRef<[u8]>) -> std::io::Result<()> {
        if self.verbose {
            self.mesg(' ', text.as_ref())
        } else {
            Ok(())
        }
    }
    fn is_supported(&self, fstype: &[u8]) -> bool {
        self.supported.iter().any(|s| match_fstype(s, fstype))
    }
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

fn strerror(e: &std::io::Error) -> String {
    let errno = nix::errno::Errno::from_raw(e.raw_os_error().unwrap_or(libc::EIO));
    errno.desc().to_string()
}

fn has(options: &[u8], name: &[u8]) -> bool {
    get_option(options, name).is_some()
}

/// `/proc/filesystems` and the `kernel/fs/` modules of the running kernel.
fn supported_filesystems() -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    let mut add = |name: &[u8]| {
        if !out.iter().any(|s| match_fstype(s, name)) {
            out.push(name.to_vec());
        }
    };
    if let Ok(data) = std::fs::read("/proc/filesystems") {
        for line in data.split(|&b| b == b'\n') {
            if line.is_empty() {
                continue;
            }
            let name = line
                .rsplit(|&b| b == b'\t' || b == b' ')
                .next()
                .unwrap_or(line);
            add(name);
        }
    }
    let release = nix::sys::utsname::uname()
        .map(|u| u.release().as_bytes().to_vec())
        .unwrap_or_default();
    let path = cat(&[b"/lib/modules/", &release, b"/modules.dep"]);
    if let Ok(data) = std::fs::read(std::ffi::OsStr::from_bytes(&path)) {
        for line in data.split(|&b| b == b'\n') {
            if !line.starts_with(b"kernel/fs/") || line.starts_with(b"kernel/fs/nls/") {
                continue;
            }
            let Some(colon) = line.iter().position(|&b| b == b':') else {
                continue;
            };
            let path = &line[..colon];
            let Some(base) = path.rsplit(|&b| b == b'/').next() else {
                continue;
            };
            if let Some(dot) = base.windows(3).position(|w| w == b".ko") {
                add(&base[..dot]);
            }
        }
    }
    out
}

/// The filesystem type on `device` (libblkid's role). `Err` carries the
/// reason (the error of opening it).
fn probe_type(device: &[u8]) -> Result<Option<Vec<u8>>, std::io::Error> {
    let path = std::ffi::OsStr::from_bytes(device);
    let meta = std::fs::metadata(path)?;
    let ft = meta.file_type();
    if !ft.is_block_device() && !ft.is_file() {
        // libblkid refuses to probe anything else.
        return Err(std::io::Error::from_raw_os_error(libc::EINVAL));
    }
    std::fs::File::open(path)?;
    Ok(crate::blkid::probe(path).map(|sb| sb.fstype.as_bytes().to_vec()))
}

/// `NAME=value` as libblkid parses a tag (name non-empty, value maybe
/// quoted).
fn parse_tag(s: &[u8]) -> Option<(&[u8], &[u8])> {
    let eq = s.iter().position(|&b| b == b'=')?;
    if eq == 0 {
        return None;
    }
    let v = &s[eq + 1..];
    let v = v
        .strip_prefix(b"\"")
        .and_then(|v| v.strip_suffix(b"\""))
        .unwrap_or(v);
    Some((&s[..eq], v))
}

fn is_known_tag(name: &[u8]) -> bool {
    matches!(
        name,
        b"LABEL" | b"UUID" | b"PARTLABEL" | b"PARTUUID" | b"ID"
    )
}

fn resolve_target(t: &[u8], nocanon: bool) -> Vec<u8> {
    if nocanon {
        return t.to_vec();
    }
    canonicalize(t).unwrap_or_else(|| t.to_vec())
}

/// Checks `items`, printing the messages into `ctx`; with `check_order`
/// each against the mount points of the table entries after it (`targets`:
/// every entry's, in table order).
fn check(
    ctx: &mut Ctx<'_>,
    items: &[Item<'_>],
    targets: &[&[u8]],
    check_order: bool,
    nocanon: bool,
) -> std::io::Result<()> {
    let resolved: Vec<Vec<u8>> = if check_order {
        targets.iter().map(|t| resolve_target(t, nocanon)).collect()
    } else {
        Vec::new()
    };
    for it in items {
        ctx.target = it.target.to_vec();
        ctx.printed = false;
        ctx.no_fsck = false;
        if check_order && !it.target.is_empty() {
            let tgt = &resolved[it.index];
            for n in resolved.get(it.index + 1..).unwrap_or_default() {
                if n.is_empty() || !tgt.starts_with(n) {
                    continue;
                }
                match tgt.get(n.len()) {
                    None => ctx.warn("target specified more than once")?,
                    Some(b'/') => {
                        ctx.err(cat(&[b"wrong order: ", tgt, b" specified before ", n]))?
                    }
                    Some(_) => {}
                }
            }
        }
        if it.fstype == b"swap" {
            if let Some(Some(d)) = get_option(it.options, b"discard") {
                if !b"once".starts_with(d) && !b"pages".starts_with(d) {
                    ctx.err(cat(&[b"unsupported swaparea discard policy: ", d]))?;
                }
            }
            if let Some(Some(p)) = get_option(it.options, b"pri") {
                let digits = p.strip_prefix(b"-").unwrap_or(p);
                if !digits.iter().all(u8::is_ascii_digit) {
                    ctx.err("failed to parse swaparea priority option")?;
                }
            }
        } else {
            check_target(ctx, it, nocanon)?;
            if !it.vfs.is_empty() {
                ctx.ok(cat(&[b"VFS options: ", it.vfs]))?;
            }
            if !it.fs.is_empty() {
                ctx.ok(cat(&[b"FS options: ", it.fs]))?;
            }
            if !it.user.is_empty() {
                ctx.ok(cat(&[b"userspace options: ", it.user]))?;
            }
        }
        check_source(ctx, it, nocanon)?;
        check_fstype(ctx, it, nocanon)?;
        if it.target == b"/" && it.passno != 1 && !ctx.no_fsck {
            ctx.warn(format!(
                "recommended root FS passno is 1 (current is {})",
                it.passno
            ))?;
        }
    }
    Ok(())
}

fn check_target(ctx: &mut Ctx<'_>, it: &Item<'_>, nocanon: bool) -> std::io::Result<()> {
    if it.target.is_empty() {
        return ctx.err("undefined target (fs_file)");
    }
    let mut tgt = it.target.to_vec();
    if !nocanon {
        let cn = resolve_target(it.target, false);
        if cn != tgt {
            ctx.warn(cat(&[b"non-canonical target path (real: ", &cn, b")"]))?;
        }
        tgt = cn;
    }
    match std::fs::metadata(std::ffi::OsStr::from_bytes(&tgt)) {
        Err(e) => {
            let why = strerror(&e);
            if has(it.options, b"noauto") {
                ctx.warn(format!("unreachable target: {why}"))
            } else {
                ctx.err(format!("unreachable on boot required target: {why}"))
            }
        }
        Ok(m) if !m.is_dir() && !has(it.options, b"bind") => ctx.err("target is not a directory"),
        Ok(_) => ctx.ok("target exists"),
    }
}

fn check_source(ctx: &mut Ctx<'_>, it: &Item<'_>, nocanon: bool) -> std::io::Result<()> {
    let mut src = it.source.to_vec();
    match parse_tag(it.source) {
        Some((name, value)) if is_known_tag(name) => {
            let dev = if nocanon {
                None
            } else {
                resolve_spec(it.source)
            };
            match dev {
                None => {
                    let tag = cat(&[name, b"=", value]);
                    return if has(it.options, b"noauto") {
                        ctx.warn(cat(&[b"unreachable: ", &tag]))
                    } else {
                        ctx.err(cat(&[b"unreachable on boot required source: ", &tag]))
                    };
                }
                Some(d) => {
                    ctx.ok(cat(&[name, b"=", value, b" translated to ", &d]))?;
                    src = d;
                }
            }
        }
        Some(_) if std::fs::metadata(std::ffi::OsStr::from_bytes(it.source)).is_err() => {
            return ctx.err(cat(&[b"unsupported source tag: ", it.source]));
        }
        _ => {}
    }
    if it.source.is_empty() {
        return ctx.err("undefined source (fs_spec)");
    }
    let isbind = has(it.options, b"bind");
    if is_pseudo_fs(it.fstype) || is_net_fs(it.fstype) {
        return ctx.ok(cat(&[b"do not check ", &src, b" source (pseudo/net)"]));
    }
    match std::fs::metadata(std::ffi::OsStr::from_bytes(&src)) {
        Err(e) => ctx.warn(cat(&[
            b"unreachable source: ",
            &src,
            b": ",
            strerror(&e).as_bytes(),
        ])),
        Ok(m) if (m.is_dir() || m.is_file()) && !isbind => ctx.warn(cat(&[
            b"non-bind mount source ",
            &src,
            b" is a directory or regular file",
        ])),
        Ok(m) if !m.file_type().is_block_device() && !isbind => {
            ctx.warn(cat(&[b"source ", &src, b" is not a block device"]))
        }
        Ok(_) => ctx.ok(cat(&[b"source ", &src, b" exists"])),
    }
}

fn check_fstype(ctx: &mut Ctx<'_>, it: &Item<'_>, nocanon: bool) -> std::io::Result<()> {
    let src = if parse_tag(it.source).is_some_and(|(n, _)| is_known_tag(n)) {
        if nocanon {
            None
        } else {
            resolve_spec(it.source)
        }
    } else if nocanon {
        Some(it.source.to_vec())
    } else {
        canonicalize(it.source)
    };
    let Some(src) = src else {
        return Ok(());
    };
    if is_pseudo_fs(it.fstype) || is_net_fs(it.fstype) {
        return ctx.ok(cat(&[b"do not check ", &src, b" FS type (pseudo/net)"]));
    }
    let ty = it.fstype;
    let none = ty == b"none";
    if none && !has(it.options, b"bind") && !has(it.options, b"move") {
        return ctx.warn("\"none\" FS type is recommended for bind or move operations only");
    }
    let isauto = ty == b"auto";
    let isswap = ty == b"swap";
    if ty == b"xfs" || ty == b"btrfs" {
        ctx.no_fsck = true;
    }
    if !isswap && !isauto && !none && !ty.is_empty() && !ctx.is_supported(ty) {
        ctx.warn(cat(&[ty, b" seems unsupported by the current kernel"]))?;
    }
    let real = match probe_type(&src) {
        Ok(Some(t)) => t,
        other => {
            let reason = match other {
                Err(e) => strerror(&e),
                _ => String::from("reason unknown"),
            };
            let msg = format!("cannot detect on-disk filesystem type ({reason})");
            return if isauto { ctx.err(msg) } else { ctx.warn(msg) };
        }
    };
    ctx.no_fsck = real == b"xfs" || real == b"btrfs";
    let realswap = real == b"swap";
    let ty = if ty == b"ntfs3" { &b"ntfs"[..] } else { ty };
    if !isauto && ty != real.as_slice() {
        return ctx.warn(cat(&[ty, b" does not match with on-disk ", &real]));
    }
    if !realswap && isauto && !ctx.is_supported(&real) {
        return ctx.warn(cat(&[
            b"on-disk ",
            &real,
            b" seems unsupported by the current kernel",
        ]));
    }
    ctx.ok(cat(&[b"FS type is ", &real]))
}

/// Runs the checks, prints the summary; returns the exit status.
pub fn verify(
    items: &[Item<'_>],
    targets: &[&[u8]],
    parse_errors: usize,
    verbose: bool,
    check_order: bool,
    nocanon: bool,
) -> i32 {
    use std::io::IsTerminal;
    // Collected, then written: on a pipe util-linux's stdout is flushed at
    // exit, after the summary went to stderr.
    let mut buf: Vec<u8> = Vec::new();
    let mut ctx = Ctx {
        out: &mut buf,
        verbose,
        target: Vec::new(),
        printed: false,
        errors: 0,
        warnings: 0,
        no_fsck: false,
        supported: supported_filesystems(),
    };
    let r = check(&mut ctx, items, targets, check_order, nocanon);
    let (errors, warnings) = (ctx.errors, ctx.warnings);
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let tty = std::io::stdout().is_terminal();
    let mut stdout = std::io::stdout().lock();
    let r = r.and_then(|()| {
        if errors + warnings + parse_errors > 0 {
            if tty {
                stdout.write_all(&buf)?;
                stdout.flush()?;
            }
            eprintln!(
                "\n{}, {}, {}",
                plural(parse_errors, "parse error", "parse errors"),
                plural(errors, "error", "errors"),
                plural(warnings, "warning", "warnings")
            );
            if !tty {
                stdout.write_all(&buf)?;
            }
            Ok(())
        } else {
            stdout.write_all(&buf)?;
            writeln!(stdout, "Success, no errors or warnings detected")
        }
    });
    let rc = i32::from(errors + parse_errors > 0);
    drop(stdout);
    common::error::finish_stdout(super::PROG, r, rc)
}
