//! Messages and exit statuses in util-linux's form.
//!
//! util-linux reports failures through err(3)/errx(3): `PROG: message` or
//! `PROG: message: strerror(errno)` on stderr. The strerror text is glibc's
//! wording (taken from `nix::errno::Errno::desc`, so a static musl build
//! prints the same words). A program that cannot be executed makes the tool
//! exit 127 when it does not exist and 126 otherwise (util-linux `errexec()`).

use nix::errno::Errno;
use std::ffi::{CString, OsStr, OsString};
use std::io::Write;
use std::os::unix::ffi::OsStrExt;

/// `message: strerror(errno)`, the err(3) form without the program name.
pub fn with_errno(message: impl std::fmt::Display, errno: Errno) -> String {
    format!("{message}: {}", strerror(errno))
}

/// glibc's `strerror(errno)` text. nix's [`Errno::desc`] follows the
/// kernel's comments, which differ from glibc for a few values
/// (`ERANGE` is "Math result not representable" there); those are
/// corrected here so a static musl build prints glibc's words too.
pub fn strerror(errno: Errno) -> &'static str {
    match errno {
        Errno::EIO => "Input/output error",
        Errno::EBADF => "Bad file descriptor",
        Errno::EAGAIN => "Resource temporarily unavailable",
        Errno::ENOMEM => "Cannot allocate memory",
        Errno::EXDEV => "Invalid cross-device link",
        Errno::ENFILE => "Too many open files in system",
        Errno::ENOTTY => "Inappropriate ioctl for device",
        Errno::EDOM => "Numerical argument out of domain",
        Errno::ERANGE => "Numerical result out of range",
        Errno::EDEADLK => "Resource deadlock avoided",
        Errno::ENOLCK => "No locks available",
        Errno::ELOOP => "Too many levels of symbolic links",
        Errno::EBADMSG => "Bad message",
        Errno::EILSEQ => "Invalid or incomplete multibyte or wide character",
        Errno::EOPNOTSUPP => "Operation not supported",
        Errno::ENETRESET => "Network dropped connection on reset",
        Errno::EDQUOT => "Disk quota exceeded",
        other => other.desc(),
    }
}

/// The program name for messages: the basename of argv\[0\], as util-linux
/// uses `program_invocation_short_name`; `default` without one.
pub fn prog_name(argv0: Option<&std::ffi::OsString>, default: &str) -> String {
    argv0
        .and_then(|a| std::path::Path::new(a).file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| default.to_owned())
}

/// Prints `PROG: message` on stderr (errx(3)/warnx(3)).
pub fn warn(prog: &str, message: impl std::fmt::Display) {
    // A failing stderr has nowhere to be reported.
    let _ = writeln!(std::io::stderr().lock(), "{prog}: {message}");
}

/// [`warn`] for a message made of bytes: paths in it are printed as they
/// are, as util-linux prints them, not all of them being UTF-8.
pub fn warn_bytes(prog: &str, message: &[u8]) {
    let mut line = Vec::with_capacity(prog.len() + message.len() + 3);
    line.extend_from_slice(prog.as_bytes());
    line.extend_from_slice(b": ");
    line.extend_from_slice(message);
    line.push(b'\n');
    // A failing stderr has nowhere to be reported.
    let _ = std::io::stderr().lock().write_all(&line);
}

/// Flushes stdout at exit the way util-linux's `close_stdout()` does: a write
/// error prints `PROG: write error` (with strerror unless it is EPIPE-free
/// text) and turns the status into 1; a closed pipe is quiet.
pub fn finish_stdout(prog: &str, result: std::io::Result<()>, status: i32) -> i32 {
    let result = result.and_then(|()| std::io::stdout().lock().flush());
    match result {
        Ok(()) => status,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => status,
        Err(e) => {
            match e.raw_os_error() {
                Some(n) => warn(prog, with_errno("write error", Errno::from_raw(n))),
                None => warn(prog, "write error"),
            }
            1
        }
    }
}

/// Converts argv words to C strings, refusing interior NUL bytes (which
/// cannot come from a real argv).
pub fn c_strings(words: &[OsString]) -> Option<Vec<CString>> {
    words
        .iter()
        .map(|w| CString::new(w.as_bytes()).ok())
        .collect()
}

/// Replaces the process image with `argv[0]` looked up in `$PATH`
/// (execvp(3)). Only returns on failure: prints
/// `PROG: failed to execute NAME: strerror` and gives 127 for ENOENT, else 126.
pub fn exec(prog: &str, argv: &[OsString]) -> i32 {
    exec_as(prog, argv, None)
}

/// As [`exec`], but with a `path` the program file is that path as it is
/// (execv(3): no `$PATH` search, no `/bin/sh` for a file without `#!`) while
/// argv\[0\] is `argv[0]` (how util-linux starts a login shell `-sh`).
fn exec_as(prog: &str, argv: &[OsString], path: Option<&OsStr>) -> i32 {
    let name = path.or(argv.first().map(OsString::as_os_str));
    let Some(name) = name else {
        warn(prog, "failed to execute: no program given");
        return 1;
    };
    let errno = match (c_strings(argv), CString::new(name.as_bytes())) {
        (Some(args), Ok(file)) => {
            let r = if path.is_some() {
                nix::unistd::execv(&file, &args)
            } else {
                nix::unistd::execvp(&file, &args)
            };
            match r {
                Err(e) => e,
                Ok(never) => match never {},
            }
        }
        _ => Errno::EINVAL,
    };
    warn_bytes(
        prog,
        &[
            b"failed to execute ",
            name.as_bytes(),
            format!(": {}", strerror(errno)).as_bytes(),
        ]
        .concat(),
    );
    if errno == Errno::ENOENT {
        127
    } else {
        126
    }
}

/// Runs the user's shell as a login shell when no program was given:
/// `$SHELL` if set and non-empty, else the passwd shell of the real uid, else
/// `/bin/sh`; argv\[0\] is `-` followed by the shell's basename (util-linux
/// 2.42 `exec_shell()`). Only returns on failure, like [`exec`].
pub fn exec_shell(prog: &str) -> i32 {
    let shell = std::env::var_os("SHELL")
        .filter(|s| !s.is_empty())
        .or_else(passwd_shell)
        .unwrap_or_else(|| OsString::from("/bin/sh"));
    let base = std::path::Path::new(&shell)
        .file_name()
        .map(OsStr::to_os_string)
        .unwrap_or_else(|| shell.clone());
    let mut argv0 = OsString::from("-");
    argv0.push(base);
    exec_as(prog, &[argv0], Some(&shell))
}

/// The login shell of the real uid from `/etc/passwd` (field 7), read
/// directly so that a static build needs no NSS.
fn passwd_shell() -> Option<OsString> {
    let uid = nix::unistd::getuid().as_raw().to_string();
    let data = std::fs::read("/etc/passwd").ok()?;
    data.split(|&b| b == b'\n').find_map(|line| {
        let fields: Vec<&[u8]> = line.split(|&b| b == b':').collect();
        (fields.len() >= 7 && fields[2] == uid.as_bytes() && !fields[6].is_empty())
            .then(|| OsStr::from_bytes(fields[6]).to_os_string())
    })
}

/// `PROG from nsbox X.Y.Z (util-linux 2.42 compatible)`, the `--version` line.
pub fn version_line(prog: &str) -> String {
    format!(
        "{prog} from nsbox {} (util-linux 2.42 compatible)",
        env!("CARGO_PKG_VERSION")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn program_name_is_the_basename() {
        let name = |a: Option<&str>| prog_name(a.map(OsString::from).as_ref(), "unshare");
        assert_eq!(name(Some("/usr/bin/unshare")), "unshare");
        assert_eq!(name(Some("x/nsbox-unshare")), "nsbox-unshare");
        assert_eq!(name(None), "unshare");
        assert_eq!(name(Some("")), "unshare");
    }

    #[test]
    fn errno_text_is_glibc_wording() {
        assert_eq!(
            with_errno("unshare failed", Errno::EPERM),
            "unshare failed: Operation not permitted"
        );
        assert_eq!(Errno::EBUSY.desc(), "Device or resource busy");
        assert_eq!(
            with_errno("x", Errno::ERANGE),
            "x: Numerical result out of range"
        );
        assert_eq!(strerror(Errno::ENOTTY), "Inappropriate ioctl for device");
        assert_eq!(strerror(Errno::EIO), "Input/output error");
    }

    #[test]
    fn version_names_the_tool() {
        assert!(version_line("unshare").starts_with("unshare from nsbox "));
        assert!(version_line("unshare").ends_with("(util-linux 2.42 compatible)"));
    }
}
