//! `mount`: attach filesystems, bind and move subtrees, change propagation,
//! list the mount table — util-linux 2.42's `mount(8)` for these uses.
//!
//! Flow: [`cli`] turns argv into an [`cli::Action`]; [`engine::plan`]
//! resolves the request (fstab lookup, canonical paths, current options of
//! a remounted mount); [`engine::perform`] makes the system calls through
//! [`kernel::Kernel`]; [`utab`] records the userspace options of the mount
//! in libmount's `/run/mount/utab`; this module prints the verbose success
//! line or the error ([`messages`]) and returns util-linux's exit status: 0,
//! 1 for usage and lookup errors, 2 for system errors, 32 when the mount
//! failed.

pub mod cli;
pub mod engine;
pub mod fstab;
pub mod helper;
pub mod idmap;
pub mod kernel;
pub mod list;
pub mod loopdev;
pub mod messages;
pub mod options;
pub mod restrict;
pub mod utab;

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
/// Exit status: `-a` mounted some entries but not all.
pub const EX_SOMEOK: i32 = 64;

/// Everything that can make mount fail.
#[derive(Debug)]
pub enum MountError {
    /// A command-line error: printed with the `Try ... --help` line.
    Usage(UsageError),
    /// An option this mount does not implement.
    Unsupported(String),
    /// Nothing more to print (a helper reported its own error): exit with
    /// this status.
    Exit(i32),
    /// A failure `nofail` excuses (libmount: the source cannot be found):
    /// nothing is printed and the request counts as done.
    Excused,
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
            MountError::Exit(code) => *code,
            MountError::Excused => EX_SUCCESS,
        }
    }

    /// Prints the error on stderr and returns the exit status.
    pub fn report(&self) -> i32 {
        match self {
            MountError::Usage(u) => return u.report(PROG),
            MountError::Unsupported(msg) => common::error::warn(PROG, msg),
            MountError::Exit(_) | MountError::Excused => {}
            MountError::Message {
                spec,
                msg,
                dmesg,
                period,
                ..
            } => {
                let dot = if *period { "." } else { "" };
                match spec {
                    Some(s) => common::error::warn_bytes(
                        PROG,
                        &[s.as_encoded_bytes(), format!(": {msg}{dot}").as_bytes()].concat(),
                    ),
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
 mount -a [options]
 mount [options] [--source] <source> | [--target] <directory>
 mount [options] <source> <directory>
 mount <operation> <mountpoint> [<target>]

Attach a filesystem, a bind mount or a moved subtree to a directory, change
how mount events propagate, or (with no arguments) print the mount table.

Options:
 -a, --all               mount every fstab entry not marked noauto
 -c, --no-canonicalize   take paths as given instead of resolving them
 -f, --fake              do everything except the system calls
 -F, --fork              with -a, mount the entries in parallel
 -T, --fstab <path>      read this file (or *.fstab in this directory)
                           instead of /etc/fstab
 -i, --internal-only     never run a /sbin/mount.<type> helper
 -l, --show-labels       add [LABEL] to each line of the listing
 -m, --mkdir[=<mode>]    create a missing mount point (mode 0755 by default)
 -n, --no-mtab           record nothing in /run/mount/utab (passed to helpers)
     --options-mode <mode>
                         how fstab and -o options combine: ignore, append,
                           prepend (the default) or replace
     --options-source <list>
                         where options come from: fstab, mtab, disable
     --options-source-force
                         read fstab options even when both halves are given
     --onlyonce          fail if something is already mounted on the target
 -o, --options <list>    comma-separated mount options
 -O, --test-opts <list>  with -a, only entries with these options
 -r, --ro, --read-only   mount read-only (-o ro)
 -t, --types <list>      filesystem type; with -a or the listing, a pattern
     --source <src>      the argument is the source
     --target <dir>      the argument is the mount point
     --target-prefix <dir>
                         put every mount point below this directory
 -v, --verbose           report each completed operation
 -w, --rw, --read-write  mount read-write (the default)
 -N, --namespace <ns>    work in the mount namespace of a PID or ns file
 -s                      sloppy options (passed to helpers)
     --beneath           attach beneath what is mounted on the target
     --exclusive         fail rather than share an existing superblock
     --map-users <inner>:<outer>:<count>
     --map-groups <inner>:<outer>:<count>
                         ID-mapped mount (also a user namespace file)

 -h, --help              print this help and exit
 -V, --version           print the version and exit

Source:
 -L, --label <label>     the device with this filesystem label
 -U, --uuid <uuid>       the device with this filesystem UUID
 LABEL=, UUID=, PARTLABEL=, PARTUUID=, ID=
                         the same, as a source
 <file>                  a regular file is mounted through a loop device
                           (also -o loop[=<device>],offset=,sizelimit=)

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
    let restricted = restrict::restricted();
    if restricted {
        restrict::sanitize_env();
    }
    let mut action = match cli::parse(args.into_iter().skip(1)) {
        Ok(a) => a,
        Err(e) => return e.report(),
    };
    // `-T` files are read while the options are (util-linux's
    // `append_fstab()`): one that cannot be parsed ends mount first.
    if let cli::Action::Mount(req) | cli::Action::All(req) = &action {
        if !req.fstab.is_empty() {
            if let Err(e) = engine::read_fstabs(req) {
                return e.report();
            }
        }
    }
    if restricted {
        match &mut action {
            cli::Action::Mount(req) | cli::Action::All(req) if req.privileged_opts => {
                restrict::drop_privileges();
            }
            cli::Action::Mount(req) => {
                return match run_restricted(req) {
                    Ok(Some(plan)) if req.verbose => {
                        let r = success_message(&mut std::io::stdout().lock(), &plan);
                        common::error::finish_stdout(PROG, r, EX_SUCCESS)
                    }
                    Ok(_) => EX_SUCCESS,
                    Err(e) => e.report(),
                }
            }
            _ => {}
        }
    }
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
        cli::Action::List {
            types,
            labels,
            namespace,
        } => {
            // libmount reads the table of the target namespace (-N).
            if let Some(Err(e)) = namespace.as_ref().map(enter_namespace) {
                return e.report();
            }
            match list::list(types.as_deref(), labels) {
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
            }
        }
        cli::Action::All(req) => mount_all(&req),
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

/// The mount namespaces of `-N`: the one mount started in, where helpers
/// are found and run (as libmount does), and the target's, entered.
struct Namespaces {
    origin: std::fs::File,
    target: std::fs::File,
}

/// Enters the mount namespace `path` (`-N`).
fn enter_namespace(path: &OsString) -> Result<Namespaces, MountError> {
    let open = |p: &std::ffi::OsStr| {
        std::fs::File::open(p).map_err(|e| MountError::Message {
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
        })
    };
    let origin = open("/proc/self/ns/mnt".as_ref())?;
    let target = open(path)?;
    crate::sys::enter_mount_ns(&target).map_err(|_| MountError::Message {
        spec: None,
        msg: "failed to switch namespace".into(),
        code: EX_SYSERR,
        dmesg: false,
        period: false,
    })?;
    Ok(Namespaces { origin, target })
}

/// Performs a mount request; `Some(plan)` when it was carried out (`None`
/// when `nofail` excused a failure).
fn run(req: &cli::Request) -> Result<Option<Plan>, MountError> {
    let namespaces = req.namespace.as_ref().map(enter_namespace).transpose()?;
    let mut plan = match engine::plan(req, || crate::mountinfo::MountTable::current().ok()) {
        Err(MountError::Excused) => return Ok(None),
        plan => plan?,
    };
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
            let mode = mode.ok_or_else(|| MountError::Message {
                spec: Some(plan.target.clone()),
                msg: format!("failed to parse mount options '{}'", option_string(&plan)),
                code: EX_USAGE,
                dmesg: false,
                period: true,
            })?;
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
            // Now that it exists it has a canonical path, which libmount
            // resolves after the mkdir hook and uses from here on.
            if !req.no_canonicalize {
                plan.target = crate::paths::canonicalize(&plan.target);
            }
        }
    }
    x_mount_subdir(req, &mut plan)?;
    let user = restrict::restricted().then(restrict::user_name);
    let pending = utab::Pending::prepare(&plan, req.nomtab, user.as_deref());
    let real_target = plan.target.clone();
    let subdir_tmp = match (&plan.opts.subdir, plan.op, req.fake) {
        (Some(_), Op::New, false) => {
            let dir = std::env::temp_dir().join(format!("nsbox-mount.{}", std::process::id()));
            std::fs::create_dir_all(&dir).map_err(|e| {
                sys_error(
                    &plan.target,
                    common::error::with_errno(
                        "failed to create temporary mount point",
                        Errno::from_raw(e.raw_os_error().unwrap_or(libc::EIO)),
                    ),
                )
            })?;
            plan.target = dir.clone().into_os_string();
            Some(dir)
        }
        _ => None,
    };
    let mut lo = None;
    // libmount's MNT_FL_FORCED_RDONLY: mounted read-only, with a warning,
    // because the source is write-protected.
    let mut forced_rdonly = false;
    if plan.op == Op::New {
        lo = prepare_source(req, &mut plan, &mut forced_rdonly)?;
        if let Some((rc, helper)) = run_helper(req, &plan, namespaces.as_ref()) {
            if let Some(l) = lo {
                l.detach();
            }
            plan.helper_executed = true;
            return match rc {
                0 => {
                    // libmount reports the helper's status, whatever utab
                    // says.
                    if let Some(p) = pending {
                        let _ = p.finish(&plan, None, true);
                    }
                    Ok(Some(plan))
                }
                helper::EX_EXEC => Err(MountError::Message {
                    spec: Some(plan.target.clone()),
                    msg: format!("failed to execute {}", helper.display()),
                    code: rc,
                    dmesg: false,
                    period: true,
                }),
                _ => Err(MountError::Exit(rc)),
            };
        }
    }
    if !req.fake {
        let mut k = kernel::Real;
        let flags = engine::Extra {
            beneath: req.beneath,
            exclusive: req.exclusive,
            idmap: idmap::userns(req, &plan.opts)?,
        };
        let mut r = engine::perform_with(&mut k, &plan, engine::kernel_types, &flags);
        if r.as_ref().is_err_and(|f| write_protected(req, &plan, f)) {
            // libmount `mnt_context_mount()`: a write-protected source is
            // mounted read-only instead, with a warning.
            plan.opts.set |= options::ms::MS_RDONLY;
            forced_rdonly = true;
            r = engine::perform_with(&mut k, &plan, engine::kernel_types, &flags);
        }
        if r.is_ok() && forced_rdonly {
            common::error::warn(
                PROG,
                format!(
                    "{}: WARNING: source write-protected, mounted read-only.",
                    plan.target.to_string_lossy()
                ),
            );
        }
        if let (Some(tmp), Some(sub)) = (&subdir_tmp, &plan.opts.subdir) {
            let moved = r.is_ok().then(|| {
                let from = tmp.join(sub);
                let tree = crate::sys::open_tree(
                    from.as_os_str(),
                    libc::OPEN_TREE_CLONE | libc::c_uint::try_from(libc::AT_RECURSIVE).unwrap_or(0),
                )?;
                crate::sys::move_mount(&tree, &real_target)
            });
            if r.is_ok() {
                let _ = crate::sys::umount2(tmp.as_os_str(), libc::MNT_DETACH);
            }
            let _ = std::fs::remove_dir(tmp);
            plan.target = real_target.clone();
            if let Some(Err(e)) = moved {
                return Err(sys_error(
                    &plan.target,
                    common::error::with_errno(format!("failed to use {sub} subdirectory"), e),
                ));
            }
        }
        if let Err(f) = r {
            if let Some(l) = lo {
                l.detach();
            }
            return failure(req, &plan, f).map(|()| None);
        }
        if let Err(e) = x_mount_owner(&plan) {
            // The mount is made but the request failed: take it back
            // (beneath, it is not the mount at the target's top).
            if !req.beneath {
                let _ = crate::sys::umount2(plan.target.as_os_str(), libc::MNT_DETACH);
            }
            return Err(e);
        }
    }
    drop(lo);
    if let Some(p) = pending {
        let id = match (plan.op, req.fake) {
            (Op::New, false) => new_mount_id(&plan.target, req.beneath),
            _ => None,
        };
        p.finish(&plan, id, false).map_err(|e| {
            let (msg, code) = e.message("mounted");
            MountError::Message {
                spec: Some(plan.target.clone()),
                msg,
                code,
                dmesg: false,
                period: true,
            }
        })?;
    }
    Ok(Some(plan))
}

/// Whether a new mount that failed with `f` is tried again read-only
/// (libmount): EROFS or EACCES from the kernel, for a mount not already
/// read-only and not asked to be read-write (`-w`).
fn write_protected(req: &cli::Request, plan: &Plan, f: &Failure) -> bool {
    matches!(f.errno, Errno::EROFS | Errno::EACCES)
        && plan.op == Op::New
        && plan.opts.set & options::ms::MS_RDONLY == 0
        && !req.rwonly
}

/// The ID of the mount just made on `target` (libmount takes it from the
/// new mount's fd): the mount at the top of `target`, or with `--beneath`
/// the one that top mount now sits on.
fn new_mount_id(target: &OsString, beneath: bool) -> Option<u32> {
    let top = crate::sys::mount_id(target)?;
    if !beneath {
        return Some(top);
    }
    let table = crate::mountinfo::MountTable::current().ok()?;
    table.entries.iter().find(|e| e.id == top).map(|e| e.parent)
}

/// Block filesystem types libblkid knows: a regular file holding one is
/// mounted through a loop device.
const BLOCK_TYPES: &[&str] = &[
    "ext2", "ext3", "ext4", "xfs", "btrfs", "vfat", "msdos", "fat", "exfat", "iso9660", "udf",
    "squashfs", "erofs", "f2fs", "jfs", "reiserfs", "nilfs2", "ntfs", "ntfs3", "hfsplus", "minix",
    "cramfs", "romfs", "ufs", "bcachefs",
];

fn sys_error(spec: &OsString, msg: String) -> MountError {
    MountError::Message {
        spec: Some(spec.clone()),
        msg,
        code: EX_FAIL,
        dmesg: false,
        period: true,
    }
}

/// For a new mount: the type from the superblock when none was given, and
/// a loop device for `-o loop[=DEV]` or a regular file.
/// The options as util-linux quotes them in `failed to parse mount
/// options '...'`: `rw` or `ro` first, then every given option but those.
fn option_string(plan: &Plan) -> String {
    let mut all = vec![if plan.opts.set & options::ms::MS_RDONLY != 0 {
        "ro"
    } else {
        "rw"
    }];
    for list in &plan.opts.given {
        all.extend(
            options::split(list)
                .unwrap_or_default()
                .into_iter()
                .filter(|o| !matches!(*o, "rw" | "ro" | "defaults")),
        );
    }
    all.join(",")
}

/// Sets up the source of a new mount: its type probed, and a loop device
/// for a regular file (a device already showing the same file and range is
/// used again; `forced_rdonly` is set when that device is read-only and
/// the mount was to be read-write).
fn prepare_source(
    req: &cli::Request,
    plan: &mut Plan,
    forced_rdonly: &mut bool,
) -> Result<Option<loopdev::LoopDev>, MountError> {
    let Some(src) = plan.source.clone() else {
        return Ok(None);
    };
    let meta = std::fs::metadata(&src).ok();
    let is_file = meta.as_ref().is_some_and(std::fs::Metadata::is_file);
    let is_blk = meta
        .as_ref()
        .is_some_and(|m| m.file_type().is_block_device());
    let mut probed = None;
    if plan.fstype.is_none() && (is_file || is_blk) {
        probed = crate::blkid::probe(&src);
        if let Some(sb) = &probed {
            plan.fstype = Some(sb.fstype.to_owned());
        }
    }
    let opt = |name: &str| {
        plan.opts
            .userspace
            .iter()
            .find_map(|o| match o.split_once('=') {
                Some((n, v)) if n == name => Some(Some(v.trim_matches('"').to_owned())),
                None if o == name => Some(None),
                _ => None,
            })
    };
    let loop_opt = opt("loop");
    let offset = opt("offset").flatten();
    let sizelimit = opt("sizelimit").flatten();
    let wanted = loop_opt.is_some() || offset.is_some() || sizelimit.is_some();
    let auto = is_file
        && meta.as_ref().is_some_and(|m| m.len() > 1024)
        && plan
            .fstype
            .as_deref()
            .is_none_or(|t| BLOCK_TYPES.contains(&t) || probed.is_some());
    if !(wanted || auto) {
        return Ok(None);
    }
    let optstr = option_string(plan);
    let num = |v: Option<String>| -> Result<u64, MountError> {
        match v {
            None => Ok(0),
            Some(v) => v.parse::<u64>().map_err(|_| MountError::Message {
                spec: Some(plan.raw_target.clone()),
                msg: format!("failed to parse mount options '{optstr}': Invalid argument"),
                code: EX_USAGE,
                dmesg: false,
                period: true,
            }),
        }
    };
    let (off, size) = (num(offset)?, num(sizelimit)?);
    let want = loop_opt.flatten().map(OsString::from);
    if req.fake {
        // Reported as util-linux does: the device asked for, else the one
        // that would be taken; nothing is attached.
        if let Some(dev) = want.or_else(|| loopdev::next_free().ok()) {
            plan.source = Some(dev);
        }
        return Ok(None);
    }
    let ro = plan.opts.set & options::ms::MS_RDONLY != 0;
    let attached = match loopdev::find_overlap(&src, off, size) {
        // libmount recycles the device that already shows this file and
        // range, and refuses one that overlaps it or a loop= of its own.
        Some(loopdev::Overlap::Same(l)) if want.is_none() => {
            if l.readonly && !ro {
                if req.rwonly {
                    return Err(sys_error(
                        &plan.raw_target,
                        common::error::with_errno("mount failed", Errno::EROFS),
                    ));
                }
                *forced_rdonly = true;
            }
            Ok(l)
        }
        Some(_) => {
            return Err(sys_error(
                &plan.raw_target,
                format!(
                    "overlapping loop device exists for {}",
                    src.to_string_lossy()
                ),
            ))
        }
        None => loopdev::attach(&src, ro, off, size, want.as_deref()),
    };
    match attached {
        Ok(l) => {
            if l.readonly && !ro {
                plan.opts.set |= options::ms::MS_RDONLY;
            }
            if plan.fstype.is_none() {
                if let Some(sb) = crate::blkid::probe(&l.path) {
                    plan.fstype = Some(sb.fstype.to_owned());
                }
            }
            plan.source = Some(l.path.clone());
            Ok(Some(l))
        }
        Err(_) => Err(sys_error(
            &plan.raw_target,
            format!("failed to setup loop device for {}", src.to_string_lossy()),
        )),
    }
}

/// Runs `/sbin/mount.TYPE` when there is one (not with `-i`); its status
/// and path when it ran. With `-N` the helper is looked for and run in the
/// namespace mount started in (libmount `mnt_context_switch_origin_ns()`)
/// and told the target's as `-N /proc/PID/fd/FD`.
fn run_helper(
    req: &cli::Request,
    plan: &Plan,
    namespaces: Option<&Namespaces>,
) -> Option<(i32, std::path::PathBuf)> {
    use std::os::fd::AsRawFd;
    if req.internal {
        return None;
    }
    // A type list (`-t mytest,ext4`) is tried in order by libmount, each
    // type with its helper when it has one: here the first type's helper.
    let fstype = match plan.fstype.as_deref()? {
        list if !plan.type_pattern => list.split(',').next().unwrap_or(list),
        _ => return None,
    };
    let target_ns = namespaces.map(|ns| {
        OsString::from(format!(
            "/proc/{}/fd/{}",
            std::process::id(),
            ns.target.as_raw_fd()
        ))
    });
    if let Some(ns) = namespaces {
        crate::sys::enter_mount_ns(&ns.origin).ok()?;
    }
    let ran = helper::find("mount", fstype).map(|path| {
        let call = helper::Call {
            path: path.clone(),
            source: plan
                .source
                .as_deref()
                .unwrap_or(std::ffi::OsStr::new("none")),
            target: &plan.target,
            fstype,
            options: helper::option_string(&plan.opts.given, &plan.opts),
            sloppy: req.sloppy,
            fake: req.fake,
            nomtab: req.nomtab,
            verbose: req.verbose,
            namespace: target_ns.as_deref(),
        };
        (call.run(), path)
    });
    if let Some(ns) = namespaces {
        // Back in the target namespace for what follows.
        let _ = crate::sys::enter_mount_ns(&ns.target);
    }
    ran
}

/// `X-mount.subdir=DIR`: the filesystem is mounted on a private temporary
/// place and only DIR of it is bound to the target. Done by rewriting the
/// plan's target after the mount ([`x_mount_owner`] does the binding);
/// here only the option is checked.
fn x_mount_subdir(_req: &cli::Request, plan: &mut Plan) -> Result<(), MountError> {
    if let Some(dir) = &plan.opts.subdir {
        if dir.starts_with('/') || dir.split('/').any(|c| c == "..") {
            return Err(MountError::Message {
                spec: Some(plan.target.clone()),
                msg: "failed to parse X-mount.subdir".into(),
                code: EX_FAIL,
                dmesg: false,
                period: true,
            });
        }
    }
    Ok(())
}

/// `X-mount.owner=`, `X-mount.group=`, `X-mount.mode=` applied to the
/// root of the new mount.
fn x_mount_owner(plan: &Plan) -> Result<(), MountError> {
    let o = &plan.opts;
    let errno = |e: std::io::Error| Errno::from_raw(e.raw_os_error().unwrap_or(libc::EIO));
    if o.owner.is_some() || o.group.is_some() {
        std::os::unix::fs::chown(&plan.target, o.owner, o.group).map_err(|e| {
            sys_error(
                &plan.target,
                common::error::with_errno("failed to set ownership", errno(e)),
            )
        })?;
    }
    if let Some(mode) = o.mode {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&plan.target, std::fs::Permissions::from_mode(mode)).map_err(
            |e| {
                sys_error(
                    &plan.target,
                    common::error::with_errno("failed to set mode", errno(e)),
                )
            },
        )?;
    }
    Ok(())
}

/// The `-v` line(s) of util-linux's `success_message()` (none after a
/// helper, which speaks for itself).
fn success_message(out: &mut impl Write, plan: &Plan) -> std::io::Result<()> {
    if plan.helper_executed {
        return Ok(());
    }
    // Paths as they are, UTF-8 or not, as util-linux prints them.
    let src = plan
        .source
        .as_deref()
        .map_or(&b"none"[..], |s| s.as_encoded_bytes());
    let tgt = plan.target.as_encoded_bytes();
    let line = |out: &mut dyn Write, parts: &[&[u8]]| -> std::io::Result<()> {
        out.write_all(
            &[&[PROG.as_bytes(), b": "][..], parts, &[&b".\n"[..]]]
                .concat()
                .concat(),
        )
    };
    match plan.op {
        Op::Move => line(out, &[src, b" moved to ", tgt]),
        Op::Bind { .. } | Op::Remount { bind: true } => line(out, &[src, b" bound on ", tgt]),
        _ if !plan.opts.propagation.is_empty() => {
            if src != b"none" {
                line(out, &[src, b" mounted on ", tgt])?;
            }
            line(out, &[tgt, b" propagation flags changed"])
        }
        _ => line(out, &[src, b" mounted on ", tgt]),
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

/// Whether the fstab entry is mounted already: its mount point carries a
/// mount of the same source (or, for a bind entry, any mount).
fn fs_mounted(
    table: &crate::mountinfo::MountTable,
    e: &fstab::FstabEntry,
    prefix: Option<&OsString>,
) -> bool {
    let mut target = prefix.cloned().unwrap_or_default();
    target.push(&e.target);
    let target = crate::paths::canonicalize(&target);
    let src = if cli::is_tag(&e.source) {
        engine::resolve_source(&e.source)
    } else {
        Some(crate::paths::canonicalize(&e.source))
    };
    let bind = options::split(&e.options)
        .unwrap_or_default()
        .iter()
        .any(|o| *o == "bind" || *o == "rbind");
    table.entries.iter().any(|m| {
        m.target == target
            && (bind
                || src.as_ref().is_some_and(|s| m.source == *s)
                || m.source == e.source
                || src
                    .as_ref()
                    .and_then(|s| loopdev::devices_of(s).first().cloned())
                    .is_some_and(|d| m.source == d))
    })
}

/// The request `-a` makes for one `target`: the settings of `req` that
/// apply to each mount, without `-a`'s filters, `-v` or `-N` (already
/// entered).
fn one_of_all(req: &cli::Request, target: &std::ffi::OsStr) -> cli::Request {
    cli::Request {
        target: Some(target.to_os_string()),
        options: req.options.clone(),
        rwonly: req.rwonly,
        fake: req.fake,
        // Only helpers hear it: mount -a prints its own lines.
        verbose: req.verbose,
        no_canonicalize: req.no_canonicalize,
        fstab: req.fstab.clone(),
        sloppy: req.sloppy,
        nomtab: req.nomtab,
        internal: req.internal,
        target_prefix: req.target_prefix.clone(),
        beneath: req.beneath,
        exclusive: req.exclusive,
        map_users: req.map_users.clone(),
        map_groups: req.map_groups.clone(),
        ..cli::Request::default()
    }
}

/// `mount -a -o remount`: every mounted filesystem, in mountinfo order,
/// whose type and options match `-t` and `-O` is remounted with the given
/// options, fstab's added where the target is listed there (libmount
/// `mnt_context_next_remount()`). Overmounted targets are remounted once per
/// mount, at the top one. 0 when none failed, 32 when all failed, 64 when
/// some did.
fn remount_all(req: &cli::Request) -> i32 {
    let table = match crate::mountinfo::MountTable::current() {
        Ok(t) => t,
        Err(e) => {
            let errno = Errno::from_raw(e.raw_os_error().unwrap_or(libc::EIO));
            common::error::warn(
                PROG,
                common::error::with_errno("failed to read mtab", errno),
            );
            return EX_SYSERR;
        }
    };
    let (mut succeeded, mut failed) = (0usize, 0usize);
    for e in &table.entries {
        let shown = e.target.to_string_lossy();
        let ignored = req
            .types
            .as_deref()
            .is_some_and(|t| !options::match_fstype(&e.fstype.to_string_lossy(), t))
            || req
                .test_opts
                .as_deref()
                .is_some_and(|p| !crate::mountinfo::match_options(&e.options(), p.as_bytes()));
        if ignored {
            if req.verbose {
                println!("{shown:<25}: ignored");
            }
            continue;
        }
        match run(&one_of_all(req, &e.target)) {
            Ok(done) => {
                succeeded += 1;
                if done.is_some() && req.verbose {
                    println!("{shown:<25}: successfully remounted");
                }
            }
            Err(err) => {
                err.report();
                failed += 1;
            }
        }
    }
    if failed == 0 {
        EX_SUCCESS
    } else if succeeded == 0 {
        EX_FAIL
    } else {
        EX_SOMEOK
    }
}

/// `mount -a`: every fstab entry not `noauto`, not swap, not `/`, matching
/// `-t` and `-O`, and not mounted yet; 0 when none failed, 32 when all
/// failed, 64 when some did. With `-F` the entries are mounted in parallel.
fn mount_all(req: &cli::Request) -> i32 {
    if let Some(Err(e)) = req.namespace.as_ref().map(enter_namespace) {
        return e.report();
    }
    let remount = options::MountOptions::parse(req.options.iter().map(String::as_str))
        .is_ok_and(|o| o.remount);
    if remount {
        return remount_all(req);
    }
    let entries = match engine::read_fstabs(req) {
        Ok(e) => e,
        Err(e) => return e.report(),
    };
    let table = crate::mountinfo::MountTable::current().unwrap_or_default();
    let verbose = |tgt: &OsString, what: &str| {
        if req.verbose {
            println!("{:<25}: {what}", tgt.to_string_lossy());
        }
    };
    let one = |e: &fstab::FstabEntry| -> bool {
        let mut options = vec![e.options.clone()];
        options.extend(req.options.iter().cloned());
        let sub = cli::Request {
            source: Some(e.source.clone()),
            types: Some(e.fstype.clone()),
            options,
            ..one_of_all(req, &e.target)
        };
        match run(&sub) {
            Ok(done) => {
                if done.is_some() && !req.fork {
                    verbose(&e.target, "successfully mounted");
                }
                true
            }
            Err(err) => {
                // util-linux's forked children do not report.
                if !req.fork {
                    err.report();
                }
                false
            }
        }
    };
    let mut todo = Vec::new();
    let mut results = Vec::new();
    for e in entries {
        let opts = options::split(&e.options).unwrap_or_default();
        let ignored = e.fstype == "swap"
            || e.target == "/"
            || e.target == "root"
            || opts.contains(&"noauto")
            || req
                .types
                .as_deref()
                .is_some_and(|t| !options::match_fstype(&e.fstype, t))
            || req.test_opts.as_deref().is_some_and(|p| {
                !crate::mountinfo::match_options(e.options.as_bytes(), p.as_bytes())
            });
        if ignored {
            verbose(&e.target, "ignored");
        } else if fs_mounted(&table, &e, req.target_prefix.as_ref()) {
            verbose(&e.target, "already mounted");
        } else if req.fork {
            verbose(&e.target, "mount successfully forked");
            todo.push(e);
        } else {
            results.push(one(&e));
        }
    }
    if req.fork {
        results = std::thread::scope(|s| {
            let handles: Vec<_> = todo.iter().map(|e| s.spawn(|| one(e))).collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or(false))
                .collect()
        });
    }
    let failed = results.iter().filter(|ok| !**ok).count();
    if failed == 0 {
        EX_SUCCESS
    } else if failed == results.len() {
        EX_FAIL
    } else {
        EX_SOMEOK
    }
}

/// A mount by a non-root user through a setuid mount: only an fstab entry
/// that allows it ([`restrict::may_mount`]), with the entry's options.
fn run_restricted(req: &cli::Request) -> Result<Option<Plan>, MountError> {
    // util-linux's sanitize_paths(), for a lone source or target: made
    // canonical as the user resolves it, or left as given when that fails
    // (util-linux then drops its privileges and goes on). With both given
    // it has dropped them already and resolves nothing.
    let req = &match (&req.source, &req.target) {
        (Some(_), Some(_)) => req.clone(),
        _ => {
            let sanitize = |p: &Option<OsString>| {
                p.as_ref().map(|p| match cli::is_tag(p) {
                    true => p.clone(),
                    false => restrict::canonicalize_as_user(p).unwrap_or_else(|_| p.clone()),
                })
            };
            cli::Request {
                target: sanitize(&req.target),
                source: sanitize(&req.source),
                ..req.clone()
            }
        }
    };
    let denied = |target: &OsString| MountError::Message {
        spec: Some(target.clone()),
        msg: "must be superuser to use mount".into(),
        code: EX_FAIL,
        dmesg: true,
        period: true,
    };
    let entry = match (&req.source, &req.target) {
        (Some(s), Some(t)) => {
            let entries = engine::read_fstabs(req)?;
            let found = entries
                .into_iter()
                .rev()
                .find(|e| engine::same_path(&e.target, t) && engine::same_path(&e.source, s));
            match found {
                Some(e) => e,
                None => return Err(denied(&crate::paths::canonicalize(t))),
            }
        }
        _ => engine::fstab_lookup(req)?,
    };
    if !restrict::may_mount(&entry) {
        return Err(denied(&crate::paths::canonicalize(&entry.target)));
    }
    let mut options = vec![entry.options.clone()];
    options.extend(req.options.iter().cloned());
    let sub = cli::Request {
        source: Some(entry.source.clone()),
        target: Some(entry.target.clone()),
        types: Some(entry.fstype.clone()),
        options,
        verbose: req.verbose,
        internal: req.internal,
        sloppy: req.sloppy,
        ..cli::Request::default()
    };
    run(&sub)
}
