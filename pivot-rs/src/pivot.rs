//! The effect: pivot_root(2).
#![forbid(unsafe_code)]

use crate::Error;
use std::ffi::OsStr;

/// pivot_root(2) of `new_root` and `put_old`, paths as given (relative ones
/// are relative to the working directory).
pub fn pivot(new_root: &OsStr, put_old: &OsStr) -> Result<(), Error> {
    nix::unistd::pivot_root(new_root, put_old).map_err(|errno| Error::Pivot {
        new_root: new_root.to_owned(),
        put_old: put_old.to_owned(),
        errno,
    })
}
