//! `umount`: detach mounts — util-linux 2.42's `umount(8)` for one or more
//! targets, `-R`, `-l`, `-f`, `-r`, `-q`, `-v`.
//!
//! [`cli`] parses argv; [`unmount`] does the work per target; this module
//! prints util-linux's messages (`umount: /x: not mounted.`, `target is
//! busy.`, `no mount point specified.`; `-v` reports on stderr) and adds
//! up the per-target exit statuses the way util-linux does (`rc += ...`, so
//! two failed targets exit 64), capped at 255.

pub mod cli;
pub mod unmount;

use common::cli::UsageError;
use nix::errno::Errno;
use std::ffi::OsString;
use std::io::Write;
use unmount::Outcome;

const PROG: &str = "umount";

/// Exit status: bad usage, or `-R` on something not mounted.
pub const EX_USAGE: i32 = 1;
/// Exit status: system error.
pub const EX_SYSERR: i32 = 2;
/// Exit status: internal error.
pub const EX_SOFTWARE: i32 = 4;
/// Exit status: umount failed.
pub const EX_FAIL: i32 = 32;

/// Errors that stop umount before it touches any target.
#[derive(Debug)]
pub enum UmountError {
    /// A command-line error, printed with the `Try ... --help` line.
    Usage(UsageError),
    /// `umount: MSG` (exit 1).
    Plain(String),
    /// An option this umount does not implement.
    Unsupported(String),
    /// `umount: MSG` with another exit status.
    Status(String, i32),
}

impl UmountError {
    /// The exit status.
    pub fn exit_code(&self) -> i32 {
        match self {
            UmountError::Usage(_) | UmountError::Plain(_) | UmountError::Unsupported(_) => EX_USAGE,
            UmountError::Status(_, code) => *code,
        }
    }

    /// Prints the error and returns the exit status.
    pub fn report(&self) -> i32 {
        match self {
            UmountError::Usage(u) => return u.report(PROG),
            UmountError::Plain(m) | UmountError::Unsupported(m) | UmountError::Status(m, _) => {
                common::error::warn(PROG, m)
            }
        }
        self.exit_code()
    }
}

const HELP: &str = "
Usage:
 umount [-hV]
 umount -a [options]
 umount [options] <source> | <directory>...

Detach mounted filesystems from the mount tree.

Options:
 -a, --all               unmount every mount (last mounted first) except the
                           kernel's virtual filesystems, unless -t says so
 -A, --all-targets       unmount every mount point of the same filesystem
 -c, --no-canonicalize   take paths as given instead of resolving them
 -d, --detach-loop       detach the loop device after unmounting
     --fake              do everything except the umount(2) call
 -f, --force             force the unmount (unreachable network filesystems)
 -g, --graceful          a target that is not mounted is not an error
 -i, --internal-only     never run a /sbin/umount.<type> helper
 -l, --lazy              detach now, let the kernel clean up when unused
 -n, --no-mtab           leave /run/mount/utab as it is
 -N, --namespace <ns>    work in the mount namespace of a PID or ns file
 -O, --test-opts <list>  with -a, only mounts with these options
 -q, --quiet             do not report targets that are not mounted
 -R, --recursive         unmount the target and every mount below it
 -r, --read-only         remount read-only when the target is busy
 -t, --types <list>      with -a, only these filesystem types
 -v, --verbose           report each unmounted target

 -h, --help              print this help and exit
 -V, --version           print the version and exit

See umount(8).
";

/// Entry point: argv (argv\[0\] included) to exit status.
pub fn main(args: impl IntoIterator<Item = OsString>) -> i32 {
    let action = match cli::parse(args.into_iter().skip(1)) {
        Ok(a) => a,
        Err(e) => return e.report(),
    };
    let req = match action {
        cli::Action::Help => {
            let r = std::io::stdout().lock().write_all(&HELP.as_bytes()[1..]);
            return common::error::finish_stdout(PROG, r, 0);
        }
        cli::Action::Version => {
            let r = writeln!(
                std::io::stdout().lock(),
                "{}",
                common::error::version_line(PROG)
            );
            return common::error::finish_stdout(PROG, r, 0);
        }
        cli::Action::Umount(req) => req,
    };
    if let Some(ns) = &req.namespace {
        if let Err(e) = enter_namespace(ns) {
            return e.report();
        }
    }
    let restricted = crate::mount::restrict::restricted();
    if restricted {
        crate::mount::restrict::sanitize_env();
        if req.privileged_opts {
            crate::mount::restrict::drop_privileges();
        }
    }
    let mut sys = unmount::Real::default();
    if restricted && !req.privileged_opts {
        return umount_restricted(&mut sys, &req);
    }
    if req.all {
        return umount_all(&mut sys, &req);
    }
    let mut rc: i32 = 0;
    for spec in &req.targets {
        let code = if req.all_targets {
            umount_all_targets(&mut sys, &req, spec)
        } else if req.recursive {
            // Every attempt is reported as it happens; the walk stops at the
            // first failure, so the last status is the target's.
            let mut last = 0;
            unmount::umount_recursive(&mut sys, &req, spec, &mut |o| {
                last = report(&req, o);
            });
            last
        } else {
            let outcome = unmount::umount_one(&mut sys, &req, spec);
            report(&req, &outcome)
        };
        rc = rc.saturating_add(code);
    }
    rc.min(255)
}

/// umount by a non-root user through a setuid umount: each target must be
/// mounted and one the user may unmount
/// ([`crate::mount::restrict::may_umount`]).
fn umount_restricted(sys: &mut unmount::Real, req: &cli::Request) -> i32 {
    use unmount::System;
    let fstab = crate::mount::fstab::Fstab::read("/etc/fstab")
        .map(|t| t.entries)
        .unwrap_or_default();
    let mut rc: i32 = 0;
    for given in &req.targets {
        // util-linux's sanitize_path(): every target is made canonical as
        // the user resolves it, and one that cannot be ends umount.
        let spec = match crate::mount::restrict::canonicalize_as_user(given) {
            Ok(path) => path,
            Err(errno) => {
                common::error::warn(
                    PROG,
                    common::error::with_errno(given.to_string_lossy(), errno),
                );
                return EX_USAGE;
            }
        };
        let spec = &spec;
        let found = sys
            .table()
            .and_then(|t| unmount::lookup(&t, req, spec).cloned());
        let code = match found {
            None => {
                if !req.quiet {
                    common::error::warn_bytes(
                        PROG,
                        &[spec.as_encoded_bytes(), b": not mounted."].concat(),
                    );
                }
                EX_USAGE
            }
            Some(e) if !crate::mount::restrict::may_umount(&fstab, e.id, &e.source, &e.target) => {
                common::error::warn(
                    PROG,
                    format!(
                        "{}: must be superuser to unmount.",
                        e.target.to_string_lossy()
                    ),
                );
                EX_FAIL
            }
            Some(e) => {
                let outcome = unmount::umount_entry(sys, req, &e, false);
                report(req, &outcome)
            }
        };
        rc = rc.saturating_add(code);
    }
    rc.min(255)
}

/// The types `umount -a` leaves alone unless `-t` is given.
const ALL_DEFAULT_TYPES: &str = "noproc,nodevfs,nodevpts,nosysfs,norpc_pipefs,nonfsd,noselinuxfs";

/// `umount -a`: every mount, last mounted first, that matches `-t` (by
/// default not the kernel's virtual filesystems) and `-O`; statuses OR-ed.
fn umount_all(sys: &mut unmount::Real, req: &cli::Request) -> i32 {
    use unmount::System;
    let Some(table) = sys.table() else {
        common::error::warn(PROG, "/proc/self/mountinfo: failed to parse");
        return EX_SOFTWARE;
    };
    let types = req.types.as_deref().unwrap_or(ALL_DEFAULT_TYPES);
    // `-O` also sees the userspace options utab records (libmount merges
    // them into the table it reads).
    let utab = req
        .test_opts
        .is_some()
        .then(|| std::fs::read(crate::mount::utab::path()).ok())
        .flatten()
        .map(|d| crate::mount::utab::parse(&d))
        .unwrap_or_default();
    let options = |e: &crate::mountinfo::MountEntry| {
        let mut all = e.options();
        let user = utab
            .iter()
            .rev()
            .find_map(|u| u.mergeable_options().filter(|_| u.describes(e)));
        if let Some(user) = user {
            all.push(b',');
            all.extend_from_slice(user.as_encoded_bytes());
        }
        all
    };
    let mut rc = 0;
    for e in table.entries.iter().rev() {
        let t = e.target.to_string_lossy();
        let matches = crate::mountinfo::match_fstype(e.fstype.as_encoded_bytes(), types.as_bytes())
            && req
                .test_opts
                .as_deref()
                .is_none_or(|p| crate::mountinfo::match_options(&options(e), p.as_bytes()));
        if !matches {
            if req.verbose {
                println!("{t:<25}: ignored");
            }
            continue;
        }
        // libmount's statfs(2) lookup applies to each of them too (the
        // type is known; what counts is that mountinfo is then not used,
        // which helpers are told with -n).
        let statfs = unmount::by_statfs(sys, req, e.target.as_os_str());
        let outcome = unmount::umount_entry(sys, req, e, statfs);
        // -a reports success in its own words only.
        let quiet_success = cli::Request {
            verbose: false,
            detach_loop: req.detach_loop,
            quiet: req.quiet,
            graceful: req.graceful,
            fake: req.fake,
            ..cli::Request::default()
        };
        let code = report(&quiet_success, &outcome);
        if code == 0 && req.verbose {
            println!("{t:<25}: successfully unmounted");
        }
        rc |= code;
    }
    rc
}

/// `umount -A`: every mount point of the filesystem `spec` names (same
/// device), last mounted first; with `-R` each one recursively.
fn umount_all_targets(sys: &mut unmount::Real, req: &cli::Request, spec: &OsString) -> i32 {
    use unmount::System;
    let Some(table) = sys.table() else {
        common::error::warn(PROG, "/proc/self/mountinfo: failed to parse");
        return EX_SOFTWARE;
    };
    let Some(fs) = unmount::lookup(&table, req, spec) else {
        let msg = if sys.exists(spec) {
            "not mounted"
        } else {
            "not found"
        };
        if !req.quiet {
            common::error::warn_bytes(
                PROG,
                &[spec.as_encoded_bytes(), b": ", msg.as_bytes()].concat(),
            );
        }
        return EX_USAGE;
    };
    let targets: Vec<OsString> = table
        .entries
        .iter()
        .rev()
        .filter(|e| e.major == fs.major && e.minor == fs.minor && e.source == fs.source)
        .map(|e| e.target.to_os_string())
        .collect();
    let mut rc = 0;
    for t in targets {
        let code = if req.recursive {
            let mut last = 0;
            unmount::umount_recursive(sys, req, &t, &mut |o| last = report(req, o));
            last
        } else {
            let still = sys.table().is_some_and(|tab| tab.find_target(&t).is_some());
            if !still {
                continue;
            }
            let outcome = unmount::umount_one(sys, req, &t);
            report(req, &outcome)
        };
        rc |= code;
    }
    rc
}

fn enter_namespace(path: &OsString) -> Result<(), UmountError> {
    let file = std::fs::File::open(path).map_err(|e| {
        UmountError::Status(
            common::error::with_errno(
                format!(
                    "failed to set target namespace to {}",
                    path.to_string_lossy()
                ),
                Errno::from_raw(e.raw_os_error().unwrap_or(libc::EIO)),
            ),
            EX_SYSERR,
        )
    })?;
    crate::sys::enter_mount_ns(&file)
        .map_err(|_| UmountError::Status("failed to switch namespace".into(), EX_SYSERR))
}

/// util-linux's words for a failed umount(2).
pub fn errno_message(errno: Errno) -> String {
    match errno {
        Errno::ENXIO => "invalid block device".into(),
        Errno::EINVAL => "not mounted".into(),
        Errno::EIO => "can't write superblock".into(),
        Errno::EBUSY => "target is busy".into(),
        Errno::ENOENT => "no mount point specified".into(),
        Errno::EPERM => "must be superuser to unmount".into(),
        Errno::EACCES => "block devices are not permitted on filesystem".into(),
        e => common::error::with_errno("umount(2) system call failed", e),
    }
}

/// Prints what one outcome calls for and returns its exit status.
fn report(req: &cli::Request, outcome: &Outcome) -> i32 {
    match outcome {
        Outcome::Nothing => 0,
        Outcome::Helper {
            target,
            helper,
            status,
        } => {
            if *status == crate::mount::helper::EX_EXEC {
                common::error::warn(
                    PROG,
                    format!(
                        "{}: failed to execute {}",
                        target.to_string_lossy(),
                        helper.display()
                    ),
                );
            }
            *status
        }
        Outcome::Done { target, source } => {
            if req.detach_loop && !req.fake {
                if let Some(dev) = source
                    .as_ref()
                    .filter(|s| crate::mount::loopdev::is_loop(s))
                {
                    if let Err(e) = crate::mount::loopdev::detach(dev) {
                        common::error::warn(
                            PROG,
                            common::error::with_errno(
                                format!("{}: failed to detach loop device", dev.to_string_lossy()),
                                e,
                            ),
                        );
                        return EX_FAIL;
                    }
                }
            }
            if req.verbose {
                let t = target.as_encoded_bytes();
                match source {
                    Some(s) => common::error::warn_bytes(
                        PROG,
                        &[t, b" (", s.as_encoded_bytes(), b") unmounted"].concat(),
                    ),
                    None => common::error::warn_bytes(PROG, &[t, b" unmounted"].concat()),
                }
            }
            0
        }
        Outcome::Failed { errno, .. }
            if req.graceful && matches!(*errno, Errno::EINVAL | Errno::ENOENT) =>
        {
            0
        }
        Outcome::Failed { spec, errno } => {
            if !(req.quiet && *errno == Errno::EINVAL) {
                common::error::warn_bytes(
                    PROG,
                    &[
                        spec.as_encoded_bytes(),
                        format!(": {}.", errno_message(*errno)).as_bytes(),
                    ]
                    .concat(),
                );
            }
            if *errno == Errno::ENOMEM {
                EX_SYSERR
            } else {
                EX_FAIL
            }
        }
        Outcome::Lookup {
            spec,
            msg,
            period,
            code,
            quiet_hides,
        } => {
            if !(req.quiet && *quiet_hides) {
                let dot = if *period { "." } else { "" };
                common::error::warn_bytes(
                    PROG,
                    &[spec.as_encoded_bytes(), format!(": {msg}{dot}").as_bytes()].concat(),
                );
            }
            *code
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn umount_errno_words() {
        assert_eq!(errno_message(Errno::EINVAL), "not mounted");
        assert_eq!(errno_message(Errno::EBUSY), "target is busy");
        assert_eq!(errno_message(Errno::ENOENT), "no mount point specified");
        assert_eq!(
            errno_message(Errno::ENOTDIR),
            "umount(2) system call failed: Not a directory"
        );
    }
}
