//! Numbers and user/group ids from the command line, parsed the way
//! util-linux's `strutils` and `pwdutils` do (strtoimax/strtoumax rules:
//! leading white space and a sign allowed, nothing after the digits).
//!
//! Names are looked up in `/etc/passwd` and `/etc/group` read directly, so a
//! static build needs no NSS.
#![forbid(unsafe_code)]

use nix::errno::Errno;

/// Why a number did not parse: not a number (`EINVAL`) or out of range
/// (`ERANGE`), the two errno values util-linux reports.
pub type NumError = Errno;

/// Splits C white space, sign and digits; `Err(EINVAL)` if there are no
/// digits or anything follows them.
fn split_number(s: &str) -> Result<(bool, &str), NumError> {
    let s = s.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Errno::EINVAL);
    }
    Ok((negative, digits))
}

/// util-linux `ul_strtos64(.., 10)`.
pub fn parse_i64(s: &str) -> Result<i64, NumError> {
    let (negative, digits) = split_number(s)?;
    let magnitude: u128 = digits
        .bytes()
        .try_fold(0u128, |acc, b| {
            acc.checked_mul(10)?
                .checked_add(u128::from(b - b'0'))
                .filter(|v| *v <= 1 << 64)
        })
        .ok_or(Errno::ERANGE)?;
    let value = if negative {
        -i128::try_from(magnitude).map_err(|_| Errno::ERANGE)?
    } else {
        i128::try_from(magnitude).map_err(|_| Errno::ERANGE)?
    };
    i64::try_from(value).map_err(|_| Errno::ERANGE)
}

/// util-linux `ul_strtou64(.., 10)`: a negative number is out of range.
pub fn parse_u64(s: &str) -> Result<u64, NumError> {
    let (negative, digits) = split_number(s)?;
    let value = digits
        .bytes()
        .try_fold(0u64, |acc, b| {
            acc.checked_mul(10)?.checked_add(u64::from(b - b'0'))
        })
        .ok_or(Errno::ERANGE)?;
    if negative && value != 0 {
        return Err(Errno::ERANGE);
    }
    Ok(value)
}

/// A numeric uid/gid for `-S`/`-G` (`strtoul_or_err`): like
/// [`parse_u64`], and a value that does not fit an id is out of range
/// (util-linux would silently truncate it, so 4294967296 became uid 0).
pub fn parse_id_number(s: &str) -> Result<u32, NumError> {
    u32::try_from(parse_u64(s)?).map_err(|_| Errno::ERANGE)
}

/// The id field (third) of the first `name:...` line of a passwd/group
/// style file.
pub fn lookup_name(db: &str, name: &str) -> Option<u32> {
    if name.is_empty() {
        return None;
    }
    db.lines().find_map(|line| {
        let mut fields = line.split(':');
        if fields.next()? != name {
            return None;
        }
        fields.nth(1)?.parse().ok()
    })
}

/// A user or group given as a number or a name (`--map-user`,
/// `--map-group`), as util-linux `ul_getuserpw_str`/`ul_getgrp_str`: a
/// number is taken as is (it need not exist), a name must exist. The id
/// 4294967295 ((uid_t)-1) is invalid.
pub fn resolve_id(s: &str, by_name: &dyn Fn(&str) -> Option<u32>) -> Result<u32, NumError> {
    match parse_u64(s) {
        Ok(n) => match u32::try_from(n) {
            Ok(u32::MAX) => Err(Errno::EINVAL),
            Ok(id) => Ok(id),
            Err(_) => Err(Errno::ERANGE),
        },
        Err(Errno::EINVAL) => by_name(s).filter(|&id| id != u32::MAX).ok_or(Errno::EINVAL),
        Err(e) => Err(e),
    }
}

/// Looks a name up in `/etc/passwd` (`group == false`) or `/etc/group`.
pub fn system_lookup(group: bool, name: &str) -> Option<u32> {
    let path = if group { "/etc/group" } else { "/etc/passwd" };
    let data = std::fs::read(path).ok()?;
    lookup_name(&String::from_utf8_lossy(&data), name)
}

/// The name of the first `/etc/passwd` entry with uid `uid`.
pub fn system_user_name(uid: u32) -> Option<String> {
    let data = std::fs::read("/etc/passwd").ok()?;
    name_of(&String::from_utf8_lossy(&data), uid)
}

/// The name (first field) of the first passwd-style line whose third field
/// is `id`.
pub fn name_of(db: &str, id: u32) -> Option<String> {
    db.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        let found: u32 = fields.nth(1)?.parse().ok()?;
        (found == id && !name.is_empty()).then(|| name.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_numbers_follow_strtoimax() {
        assert_eq!(parse_i64("42"), Ok(42));
        assert_eq!(parse_i64(" -42"), Ok(-42));
        assert_eq!(parse_i64("+7"), Ok(7));
        assert_eq!(parse_i64("-9223372036854775808"), Ok(i64::MIN));
        assert_eq!(parse_i64("9223372036854775807"), Ok(i64::MAX));
        assert_eq!(parse_i64("9223372036854775808"), Err(Errno::ERANGE));
        assert_eq!(parse_i64("99999999999999999999999999"), Err(Errno::ERANGE));
        assert_eq!(parse_i64(""), Err(Errno::EINVAL));
        assert_eq!(parse_i64("abc"), Err(Errno::EINVAL));
        assert_eq!(parse_i64("1x"), Err(Errno::EINVAL));
        assert_eq!(parse_i64("1 "), Err(Errno::EINVAL));
        assert_eq!(parse_i64("-"), Err(Errno::EINVAL));
    }

    #[test]
    fn unsigned_numbers_reject_negative() {
        assert_eq!(parse_u64("0"), Ok(0));
        assert_eq!(parse_u64("-0"), Ok(0));
        assert_eq!(parse_u64("-1"), Err(Errno::ERANGE));
        assert_eq!(parse_u64("18446744073709551615"), Ok(u64::MAX));
        assert_eq!(parse_u64("18446744073709551616"), Err(Errno::ERANGE));
        assert_eq!(parse_u64("12a"), Err(Errno::EINVAL));
        assert_eq!(parse_id_number("4294967295"), Ok(u32::MAX));
        assert_eq!(parse_id_number("4294967296"), Err(Errno::ERANGE));
    }

    #[test]
    fn names_and_numbers() {
        let db = "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/:/bin/false\nbad:x:zz:1\n";
        let by_name = |n: &str| lookup_name(db, n);
        assert_eq!(resolve_id("nobody", &by_name), Ok(65534));
        assert_eq!(resolve_id("root", &by_name), Ok(0));
        assert_eq!(resolve_id("1234", &by_name), Ok(1234));
        assert_eq!(resolve_id("nosuch", &by_name), Err(Errno::EINVAL));
        assert_eq!(resolve_id("bad", &by_name), Err(Errno::EINVAL));
        assert_eq!(resolve_id("-1", &by_name), Err(Errno::ERANGE));
        assert_eq!(resolve_id("4294967295", &by_name), Err(Errno::EINVAL));
        assert_eq!(resolve_id("99999999999", &by_name), Err(Errno::ERANGE));
        assert_eq!(resolve_id("", &by_name), Err(Errno::EINVAL));
        assert_eq!(name_of(db, 65534).as_deref(), Some("nobody"));
        assert_eq!(name_of(db, 7), None);
    }
}
