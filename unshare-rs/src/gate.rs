//! A one-shot "go" between two processes of one fork: one side waits until
//! the other opens the gate or goes away (closing its end, or dying).
//!
//! A socket pair rather than a pipe, so that opening a gate whose waiter is
//! already gone gives EPIPE instead of killing unshare with SIGPIPE.
#![forbid(unsafe_code)]

use crate::{sys, Error};
use std::io::Read;
use std::os::fd::AsFd;
use std::os::unix::net::UnixStream;

/// The waiting end.
pub struct Waiter(UnixStream);

/// The opening end.
pub struct Opener(UnixStream);

/// A new gate (both ends close on exec).
pub fn new() -> Result<(Waiter, Opener), Error> {
    let (a, b) = UnixStream::pair().map_err(|e| {
        Error::sys(
            "socketpair failed",
            nix::errno::Errno::from_raw(e.raw_os_error().unwrap_or(libc::EIO)),
        )
    })?;
    Ok((Waiter(a), Opener(b)))
}

impl Waiter {
    /// Blocks until the gate is opened (`true`) or the other end is closed
    /// without opening it (`false`).
    pub fn wait(mut self) -> bool {
        let mut byte = [0u8; 1];
        loop {
            match self.0.read(&mut byte) {
                Ok(1) => return true,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                _ => return false,
            }
        }
    }
}

impl Opener {
    /// Opens the gate; `false` if the waiter is gone.
    pub fn open(self) -> bool {
        sys::send_nosignal(self.0.as_fd(), b"\x06") == Ok(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opened_or_dropped() {
        let (waiter, opener) = new().expect("gate");
        assert!(opener.open());
        assert!(waiter.wait());
        let (waiter, opener) = new().expect("gate");
        drop(opener);
        assert!(!waiter.wait());
        let (waiter, opener) = new().expect("gate");
        drop(waiter);
        assert!(!opener.open(), "no SIGPIPE, just false");
    }
}
