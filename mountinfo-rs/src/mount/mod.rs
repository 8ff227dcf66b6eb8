//! `mount`: attach filesystems, bind and move subtrees, change propagation,
//! list the mount table — util-linux 2.42's `mount(8)` for these uses.
//!
//! Flow: [`cli`] turns argv into an [`cli::Action`]; [`engine::plan`]
//! resolves the request (fstab lookup, canonical paths, current options of
//! a remounted mount); [`engine::perform`] makes the system calls through
//! [`kernel::Kernel`]; this module prints the verbose success line or the
//! error ([`messages`]) and returns util-linux's exit status: 0, 1 for usage
//! and lookup errors, 2 for system errors, 32 when the mount failed.

pub mod cli;
pub mod engine;
pub mod fstab;
pub mod kernel;
pub mod list;
pub mod messages;
pub mod options;

use common::cli::UsageError;
use engine::{Failure, Op, Plan};
use nix::errno::Errno;
use std::ffi::OsString;
use std::io::Write;
use std::os::unix::fs::FileTypeExt;

const PROG: &str = "mount";

/// Exit status: success.
pub const EX_SUCCESS: i32 = 0;
/// Exit status: bad usage or a lookup that failed before any mount call.
pub const EX_USAGE: i32 = 1;
/// Exit status: system error (namespace switch, reading the mount table).
pub const EX_SYSERR: i32 = 2;
/// Exit status: the mount failed.
pub const EX_FAIL: i32 = 32;

/// Everything that can make mount fail.
#[derive(Debug)]
pub enum MountError {
    /// A command-line error: printed with the `Try ... --help` line.
    Usage(UsageError),
    /// An option this mount does not implement.
    Unsupported(String),
    /// `mount: SPEC: MSG.` (or `mount: MSG` without a spec), optionally
    /// followed by the dmesg hint.
    Message {
        /// The target (or source) the message is about.
        spec: Option<OsString>,
        /// The message.
        msg: String,
        /// The exit status.
        code: i32,
        /// Print `dmesg(1) may have more information ...`.
        dmesg: bool,
        /// End the message with a period (libmount's messages do; a few
        /// direct errors of mount.c do not).
        period: bool,
    },
}

impl MountError {
    /// util-linux's exit status for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            MountError::Usage(_) | MountError::Unsupported(_) => EX_USAGE,
            MountError::Message { code, .. } => *code,
        }
    }

    /// Prints the error on stderr and returns the exit status.
    pub fn report(&self) -> i32 {
        match self {
            MountError::Usage(u) => return u.report(PROG),
            MountError::Unsupported(msg) => common::error::warn(PROG, msg),
            MountError::Message {
                spec,
                msg,
                dmesg,
                period,
                ..
            } => {
                let dot = if *period { "." } else { "" };
                match spec {
                    Some(s) => {
                        common::error::warn(PROG, format!("{}: {msg}{dot}", s.to_string_lossy()))
                    }
                    None => common::error::warn(PROG, format!("{msg}{dot}")),
                }
                if *dmesg {
                    eprintln!(
                        "       dmesg(1) may have more information after failed mount system call."
                    );
                }
            }
        }
        self.exit_code()
    }
}

const HELP: &str = "
Usage:
 mount [-lhV]
 mount [options] [--source] <source> | [--target] <directory>
 mount [options] <source> <directory>
 mount <operation> <mountpoint> [<target>]

Attach a filesystem, a bind mount or a moved subtree to a directory, change
how mount events propagate, or (with no arguments) print the mount table.

Options:
 -c, --no-canonicalize   take paths as given instead of resolving them
 -f, --fake              do everything except the system calls
 -i, --internal-only     accepted for compatibility (no helpers are run)
 -l, --show-labels       add [LABEL] to each line of the listing
 -m, --mkdir[=<mode>]    create a missing mount point (mode 0755 by default)
 -n, --no-mtab           accepted for compatibility (nothing is written)
 -N, --namespace <ns>    work in the mount namespace of a PID or ns file
 -o, --options <list>    comma-separated mount options
     --onlyonce          fail if something is already mounted on the target
 -r, --ro, --read-only   mount read-only (-o ro)
 -s                      accepted for compatibility (sloppy options)
     --source <src>      the argument is the source
     --target <dir>      the argument is the mount point
 -t, --types <list>      filesystem type, or a type pattern for the listing
 -T, --fstab <path>      read this file (or *.fstab in this directory)
                           instead of /etc/fstab
 -v, --verbose           report each completed operation
 -w, --rw, --read-write  mount read-write (the default)

 -h, --help              print this help and exit
 -V, --version           print the version and exit

Operations:
 -B, --bind              make a directory tree visible at a second place
 -R, --rbind             the same, including the mounts below it
 -M, --move              move a mounted tree to another place
 --make-shared           share mount events with peers
 --make-slave            receive mount events from the master only
 --make-private          neither send nor receive mount events
 --make-unbindable       private, and refuse to be bind-mounted
 --make-rshared, --make-rslave, --make-rprivate, --make-runbindable
                         the same for the mount and every mount below it

Read-only bind mounts (-o bind,ro) are created read-only in one step.
See mount(8) for the option list.
";

/// Entry point: argv (argv\[0\] included) to exit status.
pub fn main(args: impl IntoIterator<Item = OsString>) -> i32 {
    common::error::reset_sigpipe();
    let action = match cli::parse(args.into_iter().skip(1)) {
        Ok(a) => a,
        Err(e) => return e.report(),
    };
    match action {
        cli::Action::Help => {
            let r = std::io::stdout().lock().write_all(&HELP.as_bytes()[1..]);
            common::error::finish_stdout(PROG, r, EX_SUCCESS)
        }
        cli::Action::Version => {
            let r = writeln!(
                std::io::stdout().lock(),
                "{}",
                common::error::version_line(PROG)
            );
            common::error::finish_stdout(PROG, r, EX_SUCCESS)
        }
        cli::Action::List { types, labels } => match list::list(types.as_deref(), labels) {
            Ok(()) => EX_SUCCESS,
            Err(list::ListError::Read(e)) => {
                let errno = Errno::from_raw(e.raw_os_error().unwrap_or(libc::EIO));
                common::error::warn(
                    PROG,
                    common::error::with_errno("failed to read mtab", errno),
                );
                EX_SYSERR
            }
            Err(list::ListError::Write(e)) => {
                common::error::finish_stdout(PROG, Err(e), EX_SUCCESS)
            }
        },
        cli::Action::Mount(req) => match run(&req) {
            Ok(Some(plan)) if req.verbose => {
                let r = success_message(&mut std::io::stdout().lock(), &plan);
                common::error::finish_stdout(PROG, r, EX_SUCCESS)
            }
            Ok(_) => EX_SUCCESS,
            Err(e) => e.report(),
        },
    }
}

fn enter_namespace(path: &OsString) -> Result<(), MountError> {
    let file = std::fs::File::open(path).map_err(|e| MountError::Message {
        spec: None,
        msg: common::error::with_errno(
            format!(
                "failed to set target namespace to {}",
                path.to_string_lossy()
            ),
            Errno::from_raw(e.raw_os_error().unwrap_or(libc::EIO)),
        ),
        code: EX_SYSERR,
        dmesg: false,
        period: false,
    })?;
    crate::sys::enter_mount_ns(&file).map_err(|_| MountError::Message {
        spec: None,
        msg: "failed to switch namespace".into(),
        code: EX_SYSERR,
        dmesg: false,
        period: false,
    })
}

/// Performs a mount request; `Some(plan)` when it was carried out (`None`
/// when `nofail` excused a failure).
fn run(req: &cli::Request) -> Result<Option<Plan>, MountError> {
    if let Some(ns) = &req.namespace {
        enter_namespace(ns)?;
    }
    let plan = engine::plan(req, || crate::mountinfo::MountTable::current().ok())?;
    if req.onlyonce {
        let table = crate::mountinfo::MountTable::current().ok();
        if table.is_some_and(|t| t.find_target(&plan.target).is_some()) {
            return Err(MountError::Message {
                spec: Some(plan.target.clone()),
                msg: "filesystem already mounted".into(),
                code: EX_FAIL,
                dmesg: false,
                period: true,
            });
        }
    }
    if let Some(mode) = plan.opts.mkdir {
        if !req.fake && std::fs::symlink_metadata(&plan.target).is_err() {
            use std::os::unix::fs::DirBuilderExt;
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(mode)
                .create(&plan.target)
                .map_err(|e| MountError::Message {
                    spec: Some(plan.target.clone()),
                    msg: common::error::with_errno(
                        "failed to create mount point",
                        Errno::from_raw(e.raw_os_error().unwrap_or(libc::EIO)),
                    ),
                    code: EX_FAIL,
                    dmesg: false,
                    period: true,
                })?;
        }
    }
    if !req.fake {
        let mut k = kernel::Real;
        if let Err(f) = engine::perform(&mut k, &plan, engine::kernel_types) {
            return failure(req, &plan, f).map(|()| None);
        }
    }
    Ok(Some(plan))
}

/// The `-v` line(s) of util-linux's `success_message()`.
fn success_message(out: &mut impl Write, plan: &Plan) -> std::io::Result<()> {
    let src = plan
        .source
        .as_deref()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "none".into());
    let tgt = plan.target.to_string_lossy();
    match plan.op {
        Op::Move => writeln!(out, "{PROG}: {src} moved to {tgt}."),
        Op::Bind { .. } | Op::Remount { bind: true } => {
            writeln!(out, "{PROG}: {src} bound on {tgt}.")
        }
        _ if !plan.opts.propagation.is_empty() => {
            if src != "none" {
                writeln!(out, "{PROG}: {src} mounted on {tgt}.")?;
            }
            writeln!(out, "{PROG}: {tgt} propagation flags changed.")
        }
        _ => writeln!(out, "{PROG}: {src} mounted on {tgt}."),
    }
}

/// Turns a failed system call into util-linux's message, with our own
/// clear words for binding an unbindable mount.
fn failure(req: &cli::Request, plan: &Plan, mut f: Failure) -> Result<(), MountError> {
    let table = crate::mountinfo::MountTable::current().ok();
    let src = plan.source.clone();
    let is_dir = |p: &std::ffi::OsStr| std::fs::metadata(p).ok().map(|m| m.is_dir());
    if let (Op::Bind { .. }, "move_mount", Errno::EINVAL, Some(s)) =
        (plan.op, f.syscall, f.errno, &src)
    {
        // move_mount(2) says EINVAL where mount(2) says ENOTDIR: a directory
        // onto a file or a file onto a directory.
        if let (Some(a), Some(b)) = (is_dir(s), is_dir(&plan.target)) {
            if a != b {
                f.errno = Errno::ENOTDIR;
                f.syscall = "mount";
            }
        }
    }
    if let (Op::Bind { .. }, Errno::EINVAL, Some(t), Some(s)) = (plan.op, f.errno, &table, &src) {
        if let Some(m) = engine::mount_of(t, s).filter(|m| m.propagation.unbindable) {
            let msg = if m.target == *s {
                format!(
                    "{} is unbindable; bind mounts of unbindable mounts are not allowed",
                    s.to_string_lossy()
                )
            } else {
                format!(
                    "{} is on the unbindable mount {}; bind mounts of unbindable mounts are not allowed",
                    s.to_string_lossy(),
                    m.target.to_string_lossy()
                )
            };
            return Err(MountError::Message {
                spec: Some(plan.target.clone()),
                msg,
                code: EX_FAIL,
                dmesg: false,
                period: true,
            });
        }
    }
    let tgt_l = std::fs::symlink_metadata(&plan.target).ok();
    let tgt = std::fs::metadata(&plan.target).ok();
    let src_meta = src.as_ref().and_then(|s| std::fs::metadata(s).ok());
    let facts = messages::Facts {
        syscall: f.syscall,
        source: src.as_ref().map(|s| s.to_string_lossy().into_owned()),
        fstype: plan.fstype.clone(),
        remount: matches!(plan.op, Op::Remount { .. }),
        bind: matches!(plan.op, Op::Bind { .. } | Op::Remount { bind: true }),
        moving: plan.op == Op::Move,
        rdonly: plan.opts.set & options::ms::MS_RDONLY != 0,
        rwonly: req.rwonly,
        applyflags: f.applyflags,
        target_lstat: tgt_l.is_some(),
        target_stat: tgt.is_some(),
        target_dir: tgt.as_ref().is_some_and(std::fs::Metadata::is_dir),
        target_reg: tgt.as_ref().is_some_and(std::fs::Metadata::is_file),
        source_exists: src_meta.is_some(),
        source_blk: src_meta
            .as_ref()
            .is_some_and(|m| m.file_type().is_block_device()),
        source_reg: src_meta.as_ref().is_some_and(std::fs::Metadata::is_file),
        root: nix::unistd::geteuid().is_root(),
        shared_tree: plan.op == Op::Move
            && f.errno == Errno::EINVAL
            && match (&table, &src) {
                (Some(t), Some(s)) => engine::is_shared_tree(t, s),
                _ => false,
            },
        mounted_on: match (&table, &src) {
            (Some(t), Some(s)) if f.errno == Errno::EBUSY => t
                .entries
                .iter()
                .find(|e| e.source == *s)
                .map(|e| e.target.to_string_lossy().into_owned()),
            _ => None,
        },
        nofail: plan.opts.nofail,
    };
    match messages::syscall_failure(f.errno, &facts) {
        None => Ok(()),
        Some(msg) => Err(MountError::Message {
            spec: Some(plan.target.clone()),
            msg,
            code: engine::SYSCALL_EXIT,
            dmesg: true,
            period: true,
        }),
    }
}
