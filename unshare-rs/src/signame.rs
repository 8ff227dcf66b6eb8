//! Signal names for `--kill-child=SIGNAME`, as util-linux `signame_to_signum`
//! reads them: names only (no numbers), case-insensitive, an optional `SIG`
//! prefix, and real-time signals as `RTMIN+n`, `RTMAX-n` or `RTn`.
//!
//! One deliberate difference: util-linux ignores anything after the number of
//! a real-time signal (`RTMIN+3x` is `RTMIN+3`); nsbox rejects it.
#![forbid(unsafe_code)]

/// The classic signals by name (util-linux `ul_signames`, Linux values).
const NAMES: &[(&str, i32)] = &[
    ("HUP", libc::SIGHUP),
    ("INT", libc::SIGINT),
    ("QUIT", libc::SIGQUIT),
    ("ILL", libc::SIGILL),
    ("TRAP", libc::SIGTRAP),
    ("ABRT", libc::SIGABRT),
    ("IOT", libc::SIGIOT),
    ("BUS", libc::SIGBUS),
    ("FPE", libc::SIGFPE),
    ("KILL", libc::SIGKILL),
    ("USR1", libc::SIGUSR1),
    ("SEGV", libc::SIGSEGV),
    ("USR2", libc::SIGUSR2),
    ("PIPE", libc::SIGPIPE),
    ("ALRM", libc::SIGALRM),
    ("TERM", libc::SIGTERM),
    ("STKFLT", libc::SIGSTKFLT),
    ("CHLD", libc::SIGCHLD),
    ("CLD", libc::SIGCHLD),
    ("CONT", libc::SIGCONT),
    ("STOP", libc::SIGSTOP),
    ("TSTP", libc::SIGTSTP),
    ("TTIN", libc::SIGTTIN),
    ("TTOU", libc::SIGTTOU),
    ("URG", libc::SIGURG),
    ("XCPU", libc::SIGXCPU),
    ("XFSZ", libc::SIGXFSZ),
    ("VTALRM", libc::SIGVTALRM),
    ("PROF", libc::SIGPROF),
    ("WINCH", libc::SIGWINCH),
    ("IO", libc::SIGIO),
    ("POLL", libc::SIGPOLL),
    ("PWR", libc::SIGPWR),
    ("SYS", libc::SIGSYS),
];

/// Strips an ASCII-case-insensitive prefix.
fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// `MIN+n`, `MAX-n` or `n` after `RT`, within `rtmin..=rtmax`.
fn realtime(rest: &str, rtmin: i32, rtmax: i32) -> Option<i32> {
    let (digits, from_max) = if let Some(d) = strip_prefix_ci(rest, "min+") {
        (d, false)
    } else if let Some(d) = strip_prefix_ci(rest, "max-") {
        (d, true)
    } else {
        (rest, false)
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i32 = digits.parse().ok()?;
    let signo = if from_max {
        rtmax.checked_sub(n)?
    } else {
        rtmin.checked_add(n)?
    };
    (rtmin..=rtmax).contains(&signo).then_some(signo)
}

/// The signal number for `name` with the given real-time range, or `None`.
pub fn parse_with(name: &str, rtmin: i32, rtmax: i32) -> Option<i32> {
    let name = strip_prefix_ci(name, "sig").unwrap_or(name);
    if let Some(rest) = strip_prefix_ci(name, "rt") {
        return realtime(rest, rtmin, rtmax);
    }
    NAMES
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|&(_, signo)| signo)
}

/// The signal number for `name` (this system's SIGRTMIN/SIGRTMAX), or
/// `None`.
pub fn parse(name: &str) -> Option<i32> {
    parse_with(name, libc::SIGRTMIN(), libc::SIGRTMAX())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classic_names() {
        assert_eq!(parse_with("TERM", 34, 64), Some(15));
        assert_eq!(parse_with("sigterm", 34, 64), Some(15));
        assert_eq!(parse_with("SiGkIlL", 34, 64), Some(9));
        assert_eq!(parse_with("hup", 34, 64), Some(1));
        assert_eq!(parse_with("cld", 34, 64), Some(17));
    }

    #[test]
    fn numbers_and_unknown_names_are_rejected() {
        for bad in [
            "0",
            "9",
            "15",
            "",
            "SIG",
            "BOGUS",
            "TERMX",
            " TERM",
            "SIGSIGTERM",
        ] {
            assert_eq!(parse_with(bad, 34, 64), None, "{bad:?}");
        }
    }

    #[test]
    fn realtime_signals() {
        assert_eq!(parse_with("RTMIN+0", 34, 64), Some(34));
        assert_eq!(parse_with("rtmin+3", 34, 64), Some(37));
        assert_eq!(parse_with("SIGRTMAX-0", 34, 64), Some(64));
        assert_eq!(parse_with("RTMAX-2", 34, 64), Some(62));
        assert_eq!(parse_with("RT5", 34, 64), Some(39));
        assert_eq!(parse_with("RTMIN+30", 34, 64), Some(64));
        for bad in [
            "RTMIN",
            "RTMAX",
            "RTMIN+31",
            "RTMAX-31",
            "RTMIN+",
            "RTMIN-1",
            "RTMIN+3x",
            "RT",
            "RT-1",
            "RTMIN+99999999999",
        ] {
            assert_eq!(parse_with(bad, 34, 64), None, "{bad:?}");
        }
    }

    #[test]
    fn system_range() {
        assert_eq!(parse("RTMIN+0"), Some(libc::SIGRTMIN()));
        assert_eq!(parse("KILL"), Some(libc::SIGKILL));
    }
}
