//! The C library's POSIX regular expressions (regcomp(3), regexec(3)) for
//! the `=~` and `!~` operators of [`crate::filter`]: libsmartcols uses
//! them, so the dialect is the same. The only unsafe code of the filter is
//! here, each call with its `// SAFETY:` reasoning.

use std::ffi::CString;

/// A compiled POSIX extended regular expression (regcomp(3) with
/// `REG_EXTENDED | REG_NOSUB`, the C library's own dialect, as libsmartcols).
pub(crate) struct Regex(Box<libc::regex_t>);

impl Regex {
    /// Compiles `pattern`; `Err` is regerror(3)'s text.
    pub(crate) fn new(pattern: &[u8]) -> Result<Regex, String> {
        let pat = CString::new(pattern).map_err(|_| String::from("Invalid regular expression"))?;
        // SAFETY: regex_t is a plain C struct for which all-zero bytes are a
        // valid "not yet compiled" value.
        let mut re: Box<libc::regex_t> = Box::new(unsafe { std::mem::zeroed() });
        // SAFETY: `re` points to writable memory for a regex_t, `pat` is a
        // NUL-terminated string that outlives the call.
        let rc =
            unsafe { libc::regcomp(&mut *re, pat.as_ptr(), libc::REG_EXTENDED | libc::REG_NOSUB) };
        if rc == 0 {
            return Ok(Regex(re));
        }
        let mut buf = vec![0u8; 256];
        // SAFETY: `buf` is writable for `buf.len()` bytes; regerror writes a
        // NUL-terminated message of at most that size.
        unsafe { libc::regerror(rc, &*re, buf.as_mut_ptr().cast(), buf.len()) };
        let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
        Err(String::from_utf8_lossy(&buf[..end]).into_owned())
    }

    /// Whether the expression matches somewhere in `text` (which holds no
    /// NUL byte; one would end the text as in C).
    pub(crate) fn is_match(&self, text: &[u8]) -> bool {
        let end = text.iter().position(|&b| b == 0).unwrap_or(text.len());
        let Ok(s) = CString::new(&text[..end]) else {
            return false;
        };
        // SAFETY: the regex was compiled by regcomp and not freed; `s` is
        // NUL-terminated; no match array is passed (nmatch 0).
        unsafe { libc::regexec(&*self.0, s.as_ptr(), 0, std::ptr::null_mut(), 0) == 0 }
    }
}

impl Drop for Regex {
    fn drop(&mut self) {
        // SAFETY: the regex was compiled by regcomp and is freed once.
        unsafe { libc::regfree(&mut *self.0) };
    }
}

impl std::fmt::Debug for Regex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Regex")
    }
}
