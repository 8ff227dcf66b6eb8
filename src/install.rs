//! `nsbox --install [-s] [DIR]`: one link per tool to this binary.
//!
//! As busybox: hard links (symbolic with `-s`) to the running binary
//! (`/proc/self/exe`, else an absolute argv\[0\]); with DIR every link goes
//! into DIR, without it each goes to its `--list-full` path under `/`.
//! Directories are not created and an existing file is never replaced: it is
//! reported as skipped. Unlike busybox, a link that cannot be made (for
//! example in an unwritable DIR) is an error: the message names it and the
//! exit status is 1.

use std::ffi::OsString;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// The binary the links point to.
fn self_path(argv0: Option<&OsString>) -> Result<PathBuf, String> {
    if let Ok(exe) = std::fs::read_link("/proc/self/exe") {
        return Ok(exe);
    }
    match argv0.map(PathBuf::from) {
        Some(p) if p.is_absolute() => Ok(p),
        Some(p) => Err(format!("'{}' is not an absolute path", p.display())),
        None => Err("cannot find the nsbox binary".into()),
    }
}

/// Runs `--install`: `args` are the words after it, `tools` the
/// (name, install path) pairs. Returns the exit status.
pub fn install(argv0: Option<&OsString>, args: &[OsString], tools: &[(&str, &str)]) -> i32 {
    let mut symbolic = false;
    let mut dir: Option<PathBuf> = None;
    for arg in args {
        match arg.to_str() {
            Some("-s") if !symbolic && dir.is_none() => symbolic = true,
            _ if dir.is_none() => dir = Some(PathBuf::from(arg)),
            _ => {
                eprintln!("nsbox: --install: too many arguments");
                eprintln!("Usage: nsbox --install [-s] [DIR]");
                return 1;
            }
        }
    }
    let target = match self_path(argv0) {
        Ok(t) => t,
        Err(msg) => {
            eprintln!("nsbox: {msg}");
            return 1;
        }
    };
    if let Some(d) = &dir {
        if !d.is_dir() {
            eprintln!("nsbox: {}: not a directory", d.display());
            return 1;
        }
    }
    let mut status = 0;
    for (name, path) in tools {
        let link = match &dir {
            Some(d) => d.join(name),
            None => Path::new("/").join(path),
        };
        let made = if symbolic {
            std::os::unix::fs::symlink(&target, &link)
        } else {
            std::fs::hard_link(&target, &link)
        };
        match made {
            Ok(()) => println!("{} -> {}", link.display(), target.display()),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                println!("{}: exists, skipped", link.display());
            }
            Err(e) => {
                let errno = nix::errno::Errno::from_raw(e.raw_os_error().unwrap_or(libc::EIO));
                eprintln!(
                    "nsbox: {}",
                    common::error::with_errno(format!("cannot link {}", link.display()), errno)
                );
                status = 1;
            }
        }
    }
    status
}
