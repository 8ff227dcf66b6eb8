//! argv → [`Action`]: the option table, the help text, and every check of a
//! value or a combination, so that a bad command line fails before any
//! namespace exists.
//!
//! Values are checked in command-line order, as util-linux does inside its
//! getopt loop, so the first bad option is the one reported
//! (`--propagation bogus --bogus` complains about the mode); a getopt error
//! (unknown option, missing argument) comes after the options before it.
#![forbid(unsafe_code)]

use crate::idmap::{self, Block, Kind};
use crate::{ids, signame, Error};
use common::cli::{parse_partial, HasArg, OptSpec, Order};
use common::ns::{NsKind, KINDS};
use nix::errno::Errno;
use nix::mount::MsFlags;
use nix::sched::CloneFlags;
use std::ffi::OsString;
use std::io::Write;
use std::os::unix::ffi::{OsStrExt, OsStringExt};

/// Identifies an option of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)] // one variant per option, named after it
pub enum Opt {
    Help,
    Version,
    /// One of the namespace options, by its index in [`KINDS`].
    Ns(usize),
    Fork,
    KillChild,
    ForwardSignals,
    MountProc,
    MapUser,
    MapGroup,
    MapRootUser,
    MapCurrentUser,
    Propagation,
    Setgroups,
    KeepCaps,
    Setuid,
    Setgid,
    Root,
    Wd,
    Monotonic,
    Boottime,
    MountBinfmt,
    MapUsers,
    MapGroups,
    MapAuto,
    MapSubids,
    Owner,
    LoadInterp,
    ClearEnv,
    WhitelistEnv,
    PivotRoot,
}

/// Index in [`KINDS`] of the namespace kind with option letter `letter`.
const fn kind(letter: char) -> usize {
    let mut i = 0;
    while KINDS[i].letter != letter {
        i += 1; // out of bounds (a compile error) for an unknown letter
    }
    i
}

/// `--mount[=FILE]` and friends: only the long form takes the optional
/// FILE (util-linux's short options are `mu...` without `::`, so `-mu` is
/// `-m -u`).
const fn ns_long(letter: char) -> OptSpec<Opt> {
    let i = kind(letter);
    OptSpec::new(None, KINDS[i].long, HasArg::Optional, Opt::Ns(i))
}

/// `-m` and friends (no argument).
const fn ns_short(letter: char) -> OptSpec<Opt> {
    OptSpec::new(Some(letter), "", HasArg::No, Opt::Ns(kind(letter)))
}

/// The option table, in util-linux's `longopts[]` order (which is the order
/// getopt lists the candidates of an ambiguous prefix in).
pub const OPTIONS: &[OptSpec<Opt>] = &[
    OptSpec::new(Some('h'), "help", HasArg::No, Opt::Help),
    OptSpec::new(Some('V'), "version", HasArg::No, Opt::Version),
    ns_long('m'),
    ns_long('u'),
    ns_long('i'),
    ns_long('n'),
    ns_long('p'),
    ns_long('U'),
    ns_long('C'),
    ns_long('T'),
    OptSpec::new(Some('f'), "fork", HasArg::No, Opt::Fork),
    OptSpec::new(None, "kill-child", HasArg::Optional, Opt::KillChild),
    OptSpec::new(None, "forward-signals", HasArg::No, Opt::ForwardSignals),
    OptSpec::new(None, "mount-proc", HasArg::Optional, Opt::MountProc),
    OptSpec::new(None, "mount-binfmt", HasArg::Optional, Opt::MountBinfmt),
    OptSpec::new(None, "map-user", HasArg::Required, Opt::MapUser),
    OptSpec::new(None, "map-users", HasArg::Required, Opt::MapUsers),
    OptSpec::new(None, "map-group", HasArg::Required, Opt::MapGroup),
    OptSpec::new(None, "map-groups", HasArg::Required, Opt::MapGroups),
    OptSpec::new(Some('r'), "map-root-user", HasArg::No, Opt::MapRootUser),
    OptSpec::new(
        Some('c'),
        "map-current-user",
        HasArg::No,
        Opt::MapCurrentUser,
    ),
    OptSpec::new(None, "map-auto", HasArg::No, Opt::MapAuto),
    OptSpec::new(None, "map-subids", HasArg::No, Opt::MapSubids),
    OptSpec::new(None, "owner", HasArg::Required, Opt::Owner),
    OptSpec::new(None, "propagation", HasArg::Required, Opt::Propagation),
    OptSpec::new(None, "setgroups", HasArg::Required, Opt::Setgroups),
    OptSpec::new(None, "keep-caps", HasArg::No, Opt::KeepCaps),
    OptSpec::new(Some('S'), "setuid", HasArg::Required, Opt::Setuid),
    OptSpec::new(Some('G'), "setgid", HasArg::Required, Opt::Setgid),
    OptSpec::new(Some('R'), "root", HasArg::Required, Opt::Root),
    OptSpec::new(Some('w'), "wd", HasArg::Required, Opt::Wd),
    OptSpec::new(None, "monotonic", HasArg::Required, Opt::Monotonic),
    OptSpec::new(None, "boottime", HasArg::Required, Opt::Boottime),
    OptSpec::new(Some('l'), "load-interp", HasArg::Required, Opt::LoadInterp),
    OptSpec::new(None, "clear-env", HasArg::No, Opt::ClearEnv),
    OptSpec::new(None, "whitelist-env", HasArg::Required, Opt::WhitelistEnv),
    // nsbox extension, after util-linux's options so that their prefixes
    // stay as they are.
    OptSpec::new(None, "pivot-root", HasArg::Required, Opt::PivotRoot),
    ns_short('m'),
    ns_short('u'),
    ns_short('i'),
    ns_short('n'),
    ns_short('p'),
    ns_short('U'),
    ns_short('C'),
    ns_short('T'),
];

/// The help text's option lines (the table above is what parses; this is
/// what `--help` says about it).
const HELP: &str = "\
Start PROGRAM (default: your shell) in new namespaces of the chosen kinds.

Namespaces (a long option with =FILE also keeps the namespace alive by
bind-mounting it on FILE, which must exist):
 -m, --mount[=FILE]        mount points
 -u, --uts[=FILE]          host and domain name
 -i, --ipc[=FILE]          System V IPC and POSIX message queues
 -n, --net[=FILE]          network stack
 -p, --pid[=FILE]          process ids (FILE needs --fork)
 -U, --user[=FILE]         user and group ids
 -C, --cgroup[=FILE]       cgroup root
 -T, --time[=FILE]         boot and monotonic clocks

Mounts:
 --mount-proc[=DIR]        mount a fresh proc on DIR (default /proc); implies -m
 --mount-binfmt[=DIR]      mount a binfmt_misc of the new user namespace on DIR
                           (default /proc/sys/fs/binfmt_misc, with a fresh
                           /proc); implies -m and -U
 -l, --load-interp DEF     register the binfmt_misc interpreter DEF
                           (:name:type:offset:magic:mask:interpreter:flags);
                           implies --mount-binfmt
 --propagation slave|shared|private|unchanged
                           propagation of / in the new mount namespace
                           (default: private)
 -R, --root DIR            chroot to DIR before starting PROGRAM
 -w, --wd DIR              start PROGRAM in directory DIR
 --pivot-root DIR          nsbox extension: make DIR the root as containers do
                           (DIR bound onto itself when needed, pivot_root(2),
                           old root detached), so that only the mounts under
                           DIR remain; --mount-proc and --wd are then inside
                           DIR; implies -m

Users and groups:
 --map-user UID|NAME       map your user to UID inside (implies -U)
 --map-group GID|NAME      map your group to GID inside (implies -U and
                           setgroups deny)
 -r, --map-root-user       same as --map-user=0 --map-group=0
 -c, --map-current-user    map your user and group to themselves
 --map-users INNER:OUTER:COUNT|auto|subids|all
                           map COUNT user ids from OUTER to INNER (also the
                           old OUTER,INNER,COUNT); auto: your first block of
                           /etc/subuid from 0, subids: the same block onto
                           itself, all: every id you have; repeatable;
                           implies -U
 --map-groups INNER:OUTER:COUNT|auto|subids|all
                           the same for group ids (/etc/subgid)
 --map-auto                same as --map-users=auto --map-groups=auto
 --map-subids              same as --map-users=subids --map-groups=subids
 --owner UID:GID           switch to UID and GID first, so that they own the
                           new user namespace (implies -U)
 --setgroups allow|deny    allow or deny setgroups(2) in the user namespace
 --keep-caps               keep the namespace's capabilities across exec
 -S, --setuid UID          switch to UID before starting PROGRAM
 -G, --setgid GID          switch to GID (and drop extra groups) first

Processes:
 -f, --fork                run PROGRAM as a child and wait for it
 --kill-child[=SIGNAL]     send SIGNAL (default KILL) to the child when unshare
                           dies; implies --fork
 --forward-signals         pass SIGTERM and SIGINT on to the child; implies --fork

Clocks (need -T):
 --monotonic SECONDS       offset of CLOCK_MONOTONIC
 --boottime SECONDS        offset of CLOCK_BOOTTIME

Environment:
 --clear-env               start PROGRAM with an empty environment
 --whitelist-env LIST      start PROGRAM with only the variables named in the
                           comma-separated LIST (repeatable)

 -h, --help                show this help and exit
 -V, --version             show the version and exit
";

/// Propagation of `/` in the new mount namespace (`--propagation`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Propagation {
    /// `MS_REC|MS_SLAVE`.
    Slave,
    /// `MS_REC|MS_SHARED`.
    Shared,
    /// `MS_REC|MS_PRIVATE` (the default).
    Private,
    /// No change.
    Unchanged,
}

impl Propagation {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "slave" => Propagation::Slave,
            "shared" => Propagation::Shared,
            "private" => Propagation::Private,
            "unchanged" => Propagation::Unchanged,
            _ => return None,
        })
    }

    /// The mount(2) flags that apply this mode to `/`, `None` for unchanged.
    pub fn flags(self) -> Option<MsFlags> {
        match self {
            Propagation::Slave => Some(MsFlags::MS_REC | MsFlags::MS_SLAVE),
            Propagation::Shared => Some(MsFlags::MS_REC | MsFlags::MS_SHARED),
            Propagation::Private => Some(MsFlags::MS_REC | MsFlags::MS_PRIVATE),
            Propagation::Unchanged => None,
        }
    }
}

/// `--setgroups` (what is written to `/proc/self/setgroups`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Setgroups {
    /// `allow`.
    Allow,
    /// `deny`.
    Deny,
}

impl Setgroups {
    /// The word written to `/proc/self/setgroups`.
    pub fn word(self) -> &'static str {
        match self {
            Setgroups::Allow => "allow",
            Setgroups::Deny => "deny",
        }
    }
}

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Action {
    /// `-h`, `--help`.
    Help,
    /// `-V`, `--version`.
    Version,
    /// Unshare and run.
    Run(Box<Options>),
}

/// A validated command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The namespaces to unshare.
    pub flags: CloneFlags,
    /// `--NS=FILE` targets, indexed like [`KINDS`].
    pub persist: [Option<OsString>; 8],
    /// `-f` (also implied by `--kill-child` and `--forward-signals`).
    pub fork: bool,
    /// `--forward-signals`.
    pub forward_signals: bool,
    /// `--kill-child`: the signal number.
    pub kill_child: Option<i32>,
    /// `--mount-proc`: where.
    pub mount_proc: Option<OsString>,
    /// `--propagation`.
    pub propagation: Propagation,
    /// The uid the caller's euid becomes inside (`--map-user`, `-r`, `-c`).
    pub map_user: Option<u32>,
    /// The gid the caller's egid becomes inside (`--map-group`, `-r`, `-c`).
    pub map_group: Option<u32>,
    /// `--map-users` blocks (and `--map-auto`, `--map-subids`), in
    /// command-line order.
    pub user_blocks: Vec<Block>,
    /// `--map-groups` blocks, likewise.
    pub group_blocks: Vec<Block>,
    /// `--owner UID:GID`.
    pub owner: Option<(u32, u32)>,
    /// `--mount-binfmt`: where.
    pub mount_binfmt: Option<OsString>,
    /// `-l`: the interpreter definition to register.
    pub load_interp: Option<OsString>,
    /// `--clear-env`.
    pub clear_env: bool,
    /// `--whitelist-env`: the names to keep (`None`: not given).
    pub whitelist_env: Option<Vec<OsString>>,
    /// `--pivot-root` (nsbox extension): the new root.
    pub pivot_root: Option<OsString>,
    /// `--setgroups`.
    pub setgroups: Option<Setgroups>,
    /// `--keep-caps`.
    pub keep_caps: bool,
    /// `-S`.
    pub setuid: Option<u32>,
    /// `-G`.
    pub setgid: Option<u32>,
    /// `-R`.
    pub root: Option<OsString>,
    /// `-w`.
    pub wd: Option<OsString>,
    /// `--monotonic` offset in seconds.
    pub monotonic: Option<i64>,
    /// `--boottime` offset in seconds.
    pub boottime: Option<i64>,
    /// The program and its arguments; empty means the user's shell.
    pub program: Vec<OsString>,
}

impl Options {
    /// The requested `--NS=FILE` targets with their kinds, in [`KINDS`]
    /// order (the order util-linux binds them in).
    pub fn persistent(&self) -> impl Iterator<Item = (&'static NsKind, &OsString)> {
        KINDS
            .iter()
            .zip(self.persist.iter())
            .filter_map(|(kind, file)| file.as_ref().map(|f| (kind, f)))
    }

    /// True when the uid map is written from outside by the map helper
    /// (blocks given, or `--owner` with a single map), the single map
    /// merged in.
    pub fn user_map_from_outside(&self) -> bool {
        !self.user_blocks.is_empty() || (self.map_user.is_some() && self.owner.is_some())
    }

    /// Likewise for the gid map.
    pub fn group_map_from_outside(&self) -> bool {
        !self.group_blocks.is_empty() || (self.map_group.is_some() && self.owner.is_some())
    }
}

/// Where `--mount-binfmt` and `-l` mount binfmt_misc by default.
pub const BINFMT_MISC: &str = "/proc/sys/fs/binfmt_misc";

/// What parsing needs from the system: the caller's effective ids (for
/// `-c`) and name lookups (for `--map-user`/`--map-group`).
pub struct Context {
    /// Effective uid of the caller.
    pub euid: u32,
    /// Effective gid of the caller.
    pub egid: u32,
    /// Looks up a user name.
    pub user_by_name: fn(&str) -> Option<u32>,
    /// Looks up a group name.
    pub group_by_name: fn(&str) -> Option<u32>,
    /// The user name of a uid.
    pub user_name: fn(u32) -> Option<String>,
    /// Reads a text file (`/etc/subuid`, `/proc/self/uid_map`).
    pub read: fn(&str) -> std::io::Result<String>,
}

impl Context {
    /// The running process and `/etc/passwd`, `/etc/group`.
    pub fn from_system() -> Self {
        Context {
            euid: nix::unistd::geteuid().as_raw(),
            egid: nix::unistd::getegid().as_raw(),
            user_by_name: |n| ids::system_lookup(false, n),
            group_by_name: |n| ids::system_lookup(true, n),
            user_name: ids::system_user_name,
            read: |path| {
                std::fs::read(path).map(|data| String::from_utf8_lossy(&data).into_owned())
            },
        }
    }
}

fn text(value: &Option<OsString>) -> String {
    value
        .as_ref()
        .map(|v| v.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `MESSAGE: 'VALUE'`, with strerror when out of range (util-linux
/// `str2num_or_err`).
fn number_error(what: &str, value: &str, errno: Errno) -> Error {
    let message = format!("{what}: '{value}'");
    if errno == Errno::ERANGE {
        Error::sys(message, errno)
    } else {
        Error::Msg(message)
    }
}

/// A `--map-users`/`--map-groups` value (also the `--map-auto` and
/// `--map-subids` words) → blocks, reading the files it needs.
fn blocks(ctx: &Context, kind: Kind, value: &str) -> Result<Vec<Block>, Error> {
    match value {
        "auto" | "subids" => {
            let name = (ctx.user_name)(ctx.euid)
                .ok_or_else(|| Error::Msg(format!("you (user {}) don't exist.", ctx.euid)))?;
            let file = kind.subid_file();
            let text = (ctx.read)(file).map_err(|e| {
                Error::sys(
                    format!("could not open '{file}'"),
                    Errno::from_raw(e.raw_os_error().unwrap_or(libc::EIO)),
                )
            })?;
            Ok(vec![idmap::subid_block(
                &text,
                file,
                &name,
                ctx.euid,
                value == "subids",
            )?])
        }
        "all" => {
            let file = format!("/proc/self/{}", kind.map_file());
            let text = (ctx.read)(&file).map_err(|e| {
                Error::sys(
                    format!("could not open '{file}'"),
                    Errno::from_raw(e.raw_os_error().unwrap_or(libc::EIO)),
                )
            })?;
            Ok(idmap::identity_blocks(&text))
        }
        _ => idmap::parse_block(value)
            .map(|b| vec![b])
            .ok_or_else(|| Error::Msg(format!("invalid mapping '{value}'"))),
    }
}

/// `UID:GID` for `--owner`, plain decimal numbers.
fn parse_owner(value: &str) -> Option<(u32, u32)> {
    let (uid, gid) = value.split_once(':')?;
    let number = |s: &str| {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
            .filter(|&id| id != u32::MAX)
    };
    Some((number(uid)?, number(gid)?))
}

/// Parses argv (without argv\[0\]).
pub fn parse(args: impl IntoIterator<Item = OsString>, ctx: &Context) -> Result<Action, Error> {
    let args: Vec<OsString> = args.into_iter().collect();
    let (mut parsed, mut getopt_error) =
        parse_partial(args.iter().cloned(), OPTIONS, Order::StopAtOperand);
    // `--pivot-root` must not take `--pi` away from `--pid`: read the
    // command line again as util-linux's table alone would.
    if matches!(&getopt_error, Some(e) if e.message().ends_with("possibilities: '--pid' '--pivot-root'"))
    {
        let util_linux: Vec<OptSpec<Opt>> = OPTIONS
            .iter()
            .copied()
            .filter(|o| o.id != Opt::PivotRoot)
            .collect();
        (parsed, getopt_error) = parse_partial(args, &util_linux, Order::StopAtOperand);
    }
    let mut o = Options {
        flags: CloneFlags::empty(),
        persist: Default::default(),
        fork: false,
        forward_signals: false,
        kill_child: None,
        mount_proc: None,
        propagation: Propagation::Private,
        map_user: None,
        map_group: None,
        user_blocks: Vec::new(),
        group_blocks: Vec::new(),
        owner: None,
        mount_binfmt: None,
        load_interp: None,
        clear_env: false,
        whitelist_env: None,
        pivot_root: None,
        setgroups: None,
        keep_caps: false,
        setuid: None,
        setgid: None,
        root: None,
        wd: None,
        monotonic: None,
        boottime: None,
        program: parsed.operands,
    };
    for (opt, value) in parsed.opts {
        let v = text(&value);
        match opt {
            Opt::Help => return Ok(Action::Help),
            Opt::Version => return Ok(Action::Version),
            Opt::Ns(i) => {
                o.flags |= KINDS[i].flag;
                if value.is_some() {
                    o.persist[i] = value;
                }
            }
            Opt::Fork => o.fork = true,
            Opt::KillChild => {
                o.fork = true;
                o.kill_child = Some(match value {
                    None => libc::SIGKILL,
                    Some(_) => signame::parse(&v)
                        .ok_or_else(|| Error::Msg(format!("unknown signal: {v}")))?,
                });
            }
            Opt::ForwardSignals => {
                o.fork = true;
                o.forward_signals = true;
            }
            Opt::MountProc => {
                o.flags |= CloneFlags::CLONE_NEWNS;
                o.mount_proc = Some(value.unwrap_or_else(|| "/proc".into()));
            }
            Opt::MapUser => {
                o.flags |= CloneFlags::CLONE_NEWUSER;
                // util-linux 2.42 `get_user()`: errx, whatever the cause.
                let id = ids::resolve_id(&v, &ctx.user_by_name)
                    .map_err(|_| Error::Msg(format!("failed to parse uid '{v}'")))?;
                o.map_user = Some(id);
            }
            Opt::MapGroup => {
                o.flags |= CloneFlags::CLONE_NEWUSER;
                let id = ids::resolve_id(&v, &ctx.group_by_name)
                    .map_err(|_| Error::Msg(format!("failed to parse gid '{v}'")))?;
                o.map_group = Some(id);
            }
            Opt::MapRootUser => {
                o.flags |= CloneFlags::CLONE_NEWUSER;
                o.map_user = Some(0);
                o.map_group = Some(0);
            }
            Opt::MapCurrentUser => {
                o.flags |= CloneFlags::CLONE_NEWUSER;
                o.map_user = Some(ctx.euid);
                o.map_group = Some(ctx.egid);
            }
            Opt::Propagation => {
                o.propagation = Propagation::parse(&v)
                    .ok_or_else(|| Error::Msg(format!("unsupported propagation mode: {v}")))?;
            }
            Opt::Setgroups => {
                o.setgroups = Some(match v.as_str() {
                    "allow" => Setgroups::Allow,
                    "deny" => Setgroups::Deny,
                    _ => {
                        return Err(Error::Msg(format!(
                            "unsupported --setgroups argument '{v}'"
                        )))
                    }
                });
            }
            Opt::KeepCaps => o.keep_caps = true,
            Opt::Setuid => {
                o.setuid = Some(
                    ids::parse_id_number(&v)
                        .map_err(|e| number_error("failed to parse uid", &v, e))?,
                );
            }
            Opt::Setgid => {
                o.setgid = Some(
                    ids::parse_id_number(&v)
                        .map_err(|e| number_error("failed to parse gid", &v, e))?,
                );
            }
            Opt::Root => o.root = value,
            Opt::Wd => o.wd = value,
            Opt::Monotonic => {
                o.monotonic = Some(
                    ids::parse_i64(&v)
                        .map_err(|e| number_error("failed to parse monotonic offset", &v, e))?,
                );
            }
            Opt::Boottime => {
                o.boottime = Some(
                    ids::parse_i64(&v)
                        .map_err(|e| number_error("failed to parse boottime offset", &v, e))?,
                );
            }
            Opt::MountBinfmt => {
                o.flags |= CloneFlags::CLONE_NEWNS | CloneFlags::CLONE_NEWUSER;
                o.mount_binfmt = Some(match value {
                    Some(dir) => dir,
                    None => {
                        o.mount_proc.get_or_insert_with(|| "/proc".into());
                        BINFMT_MISC.into()
                    }
                });
            }
            Opt::LoadInterp => {
                o.flags |= CloneFlags::CLONE_NEWNS | CloneFlags::CLONE_NEWUSER;
                if o.mount_binfmt.is_none() {
                    o.mount_proc.get_or_insert_with(|| "/proc".into());
                    o.mount_binfmt = Some(BINFMT_MISC.into());
                }
                o.load_interp = value;
            }
            Opt::MapUsers => {
                o.flags |= CloneFlags::CLONE_NEWUSER;
                o.user_blocks.extend(blocks(ctx, Kind::User, &v)?);
            }
            Opt::MapGroups => {
                o.flags |= CloneFlags::CLONE_NEWUSER;
                o.group_blocks.extend(blocks(ctx, Kind::Group, &v)?);
            }
            Opt::MapAuto | Opt::MapSubids => {
                o.flags |= CloneFlags::CLONE_NEWUSER;
                let word = if opt == Opt::MapAuto {
                    "auto"
                } else {
                    "subids"
                };
                o.user_blocks.extend(blocks(ctx, Kind::User, word)?);
                o.group_blocks.extend(blocks(ctx, Kind::Group, word)?);
            }
            Opt::Owner => {
                o.flags |= CloneFlags::CLONE_NEWUSER;
                o.owner = Some(
                    parse_owner(&v).ok_or_else(|| Error::Msg("failed to parse owner".into()))?,
                );
            }
            Opt::ClearEnv => o.clear_env = true,
            Opt::WhitelistEnv => {
                let names = o.whitelist_env.get_or_insert_with(Vec::new);
                if let Some(list) = &value {
                    names.extend(
                        list.as_bytes()
                            .split(|&b| b == b',')
                            .filter(|n| !n.is_empty())
                            .map(|n| OsString::from_vec(n.to_vec())),
                    );
                }
            }
            Opt::PivotRoot => {
                o.flags |= CloneFlags::CLONE_NEWNS;
                o.pivot_root = value;
            }
        }
    }
    if let Some(e) = getopt_error {
        return Err(Error::Usage(e));
    }
    validate(&o)?;
    Ok(Action::Run(Box::new(o)))
}

/// The checks util-linux makes after its getopt loop, plus the conflicts it
/// only finds once the namespaces exist (nsbox rejects them up front).
fn validate(o: &Options) -> Result<(), Error> {
    if (o.monotonic.is_some() || o.boottime.is_some())
        && !o.flags.contains(common::ns::CLONE_NEWTIME)
    {
        return Err(Error::Msg(
            "options --monotonic and --boottime require unsharing of a time namespace (-T)".into(),
        ));
    }
    if o.map_group.is_some() && !o.group_map_from_outside() && o.setgroups == Some(Setgroups::Allow)
    {
        return Err(Error::Msg(
            "options --setgroups=allow and --map-group are mutually exclusive".into(),
        ));
    }
    if o.root.is_some() && o.pivot_root.is_some() {
        return Err(Error::Msg(
            "options --root and --pivot-root are mutually exclusive".into(),
        ));
    }
    if o.persistent()
        .any(|(k, _)| k.flag == CloneFlags::CLONE_NEWPID)
        && !o.fork
    {
        return Err(Error::Msg(
            "--pid=FILE requires --fork: a new PID namespace exists only once its first \
             process does"
                .into(),
        ));
    }
    Ok(())
}

/// Prints the help on stdout; returns the exit status.
pub fn print_help(prog: &str) -> i32 {
    let mut out = std::io::stdout().lock();
    let result = write!(
        out,
        "\nUsage:\n {prog} [options] [PROGRAM [ARGUMENT...]]\n\n{HELP}\nSee unshare(1).\n"
    );
    drop(out);
    common::error::finish_stdout(prog, result, 0)
}

/// Prints the version line on stdout; returns the exit status.
pub fn print_version(prog: &str) -> i32 {
    let result = writeln!(
        std::io::stdout().lock(),
        "{}",
        common::error::version_line(prog)
    );
    common::error::finish_stdout(prog, result, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Context {
        Context {
            euid: 1000,
            egid: 100,
            user_by_name: |n| (n == "nobody").then_some(65534),
            group_by_name: |n| (n == "users").then_some(100),
            user_name: |uid| (uid == 1000).then(|| "alice".to_owned()),
            read: |path| match path {
                "/etc/subuid" => Ok("bob:1:2\nalice:100000:65536\n".into()),
                "/etc/subgid" => Ok("1000:200000:1000\n".into()),
                "/proc/self/uid_map" => Ok("0 1000 1\n1 100000 65536\n".into()),
                _ => Err(std::io::Error::from_raw_os_error(libc::ENOENT)),
            },
        }
    }

    fn run(args: &[&str]) -> Result<Options, String> {
        match parse(args.iter().map(OsString::from), &ctx()) {
            Ok(Action::Run(o)) => Ok(*o),
            Ok(other) => Err(format!("{other:?}")),
            Err(Error::Usage(e)) => Err(format!("usage: {}", e.message())),
            Err(Error::Msg(m)) => Err(m),
            Err(Error::Sys(m, e)) => Err(common::error::with_errno(m, e)),
            Err(e) => Err(format!("{e:?}")),
        }
    }

    fn err(args: &[&str]) -> String {
        match run(args) {
            Ok(o) => panic!("{args:?} parsed: {o:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn namespace_letters_and_long_names() {
        let o = run(&["-muinpUCT"]).expect("all kinds");
        let all = KINDS.iter().fold(CloneFlags::empty(), |f, k| f | k.flag);
        assert_eq!(o.flags, all);
        assert!(o.persistent().next().is_none());
        let o = run(&[
            "--mount", "--uts", "--ipc", "--net", "--pid", "--user", "--cgroup", "--time",
        ])
        .expect("long");
        assert_eq!(o.flags, all);
        assert!(o.program.is_empty());
    }

    #[test]
    fn persistent_files_need_the_long_form_with_equals() {
        let o = run(&["--net=/run/n", "--user=/run/u", "-m", "/bin/true"]).expect("files");
        let files: Vec<(&str, &OsString)> = o.persistent().map(|(k, f)| (k.name, f)).collect();
        assert_eq!(
            files,
            vec![
                ("user", &OsString::from("/run/u")),
                ("net", &OsString::from("/run/n"))
            ]
        );
        assert_eq!(o.program, vec!["/bin/true"]);
        // a short namespace option takes no argument: `-mFILE` is -m -F...
        assert_eq!(err(&["-m/x"]), "usage: invalid option -- '/'");
        assert!(err(&["--pid=/run/p"]).starts_with("--pid=FILE requires --fork"));
        assert!(run(&["--pid=/run/p", "-f"]).is_ok());
    }

    #[test]
    fn options_stop_at_the_program() {
        let o = run(&["-f", "ls", "-l", "--mount"]).expect("parse");
        assert!(o.fork);
        assert_eq!(o.flags, CloneFlags::empty());
        assert_eq!(o.program, vec!["ls", "-l", "--mount"]);
        let o = run(&["--", "-m"]).expect("parse");
        assert_eq!(o.program, vec!["-m"]);
    }

    #[test]
    fn implied_options() {
        let o = run(&["--kill-child"]).expect("kill-child");
        assert!(o.fork);
        assert_eq!(o.kill_child, Some(libc::SIGKILL));
        let o = run(&["--kill-child=sigterm"]).expect("kill-child=sigterm");
        assert_eq!(o.kill_child, Some(libc::SIGTERM));
        let o = run(&["--forward-signals"]).expect("fwd");
        assert!(o.fork && o.forward_signals);
        let o = run(&["--mount-proc"]).expect("mount-proc");
        assert_eq!(o.flags, CloneFlags::CLONE_NEWNS);
        assert_eq!(o.mount_proc, Some("/proc".into()));
        let o = run(&["--mount-proc=/x/proc"]).expect("mount-proc=DIR");
        assert_eq!(o.mount_proc, Some("/x/proc".into()));
        let o = run(&["-r"]).expect("-r");
        assert_eq!(o.flags, CloneFlags::CLONE_NEWUSER);
        assert_eq!((o.map_user, o.map_group), (Some(0), Some(0)));
        let o = run(&["-c"]).expect("-c");
        assert_eq!((o.map_user, o.map_group), (Some(1000), Some(100)));
        let o = run(&["--map-user=nobody", "--map-group", "users"]).expect("names");
        assert_eq!((o.map_user, o.map_group), (Some(65534), Some(100)));
        assert_eq!(o.flags, CloneFlags::CLONE_NEWUSER);
        let o = run(&["--map-user=0", "-c"]).expect("last wins");
        assert_eq!(o.map_user, Some(1000));
    }

    #[test]
    fn propagation_values() {
        assert_eq!(run(&[]).expect("default").propagation, Propagation::Private);
        for (word, mode) in [
            ("slave", Propagation::Slave),
            ("shared", Propagation::Shared),
            ("private", Propagation::Private),
            ("unchanged", Propagation::Unchanged),
        ] {
            assert_eq!(run(&["--propagation", word]).expect(word).propagation, mode);
        }
        assert_eq!(
            err(&["--propagation", "bogus"]),
            "unsupported propagation mode: bogus"
        );
        assert_eq!(
            err(&["--propagation=Private"]),
            "unsupported propagation mode: Private"
        );
        assert_eq!(Propagation::Unchanged.flags(), None);
        assert_eq!(
            Propagation::Slave.flags(),
            Some(MsFlags::MS_REC | MsFlags::MS_SLAVE)
        );
    }

    #[test]
    fn value_errors_use_util_linux_messages() {
        assert_eq!(
            err(&["--setgroups", "maybe"]),
            "unsupported --setgroups argument 'maybe'"
        );
        assert_eq!(err(&["--kill-child=bogus"]), "unknown signal: bogus");
        assert_eq!(err(&["--kill-child=9"]), "unknown signal: 9");
        assert_eq!(err(&["-S", "abc"]), "failed to parse uid: 'abc'");
        assert_eq!(
            err(&["-S", "-1"]),
            "failed to parse uid: '-1': Numerical result out of range"
        );
        assert_eq!(err(&["-G", "x"]), "failed to parse gid: 'x'");
        assert_eq!(
            err(&["--monotonic", "abc"]),
            "failed to parse monotonic offset: 'abc'"
        );
        assert_eq!(
            err(&["--boottime", "99999999999999999999"]),
            "failed to parse boottime offset: '99999999999999999999': Numerical result out of range"
        );
        assert_eq!(err(&["--map-user=nosuch"]), "failed to parse uid 'nosuch'");
        assert_eq!(err(&["--map-group=nosuch"]), "failed to parse gid 'nosuch'");
    }

    #[test]
    fn conflicts() {
        assert_eq!(
            err(&["--monotonic", "5"]),
            "options --monotonic and --boottime require unsharing of a time namespace (-T)"
        );
        let o = run(&["-T", "--monotonic", "-5", "--boottime=7"]).expect("time");
        assert_eq!((o.monotonic, o.boottime), (Some(-5), Some(7)));
        assert_eq!(
            err(&["-r", "--setgroups=allow"]),
            "options --setgroups=allow and --map-group are mutually exclusive"
        );
        assert!(run(&["-U", "--setgroups=allow"]).is_ok());
        assert!(run(&["-r", "--setgroups=deny"]).is_ok());
    }

    #[test]
    fn order_of_errors_follows_the_command_line() {
        assert_eq!(
            err(&["--propagation", "bogus", "--bogus"]),
            "unsupported propagation mode: bogus"
        );
        assert_eq!(
            err(&["--bogus", "--propagation", "bogus"]),
            "usage: unrecognized option '--bogus'"
        );
        // the time check comes after getopt's
        assert_eq!(
            err(&["--monotonic", "1", "-x"]),
            "usage: invalid option -- 'x'"
        );
        assert_eq!(
            err(&["--fo"]),
            "usage: option '--fo' is ambiguous; possibilities: '--fork' '--forward-signals'"
        );
        assert_eq!(
            err(&["--propagation"]),
            "usage: option '--propagation' requires an argument"
        );
    }

    #[test]
    fn id_blocks() {
        let o = run(&["--map-users=0:100000:65536", "--map-users", "100000,0,10"]).expect("blocks");
        assert_eq!(o.flags, CloneFlags::CLONE_NEWUSER);
        let b = |inner, outer, count| Block {
            inner: Some(inner),
            outer,
            count,
        };
        assert_eq!(o.user_blocks, vec![b(0, 100000, 65536), b(0, 100000, 10)]);
        assert!(o.group_blocks.is_empty());
        let o = run(&["--map-users=all", "--map-auto", "--map-subids"]);
        let o = o.expect("files");
        let auto = Block {
            inner: None,
            outer: 100000,
            count: 65536,
        };
        assert_eq!(
            o.user_blocks,
            vec![b(0, 0, 1), b(1, 1, 65536), auto, b(100000, 100000, 65536)]
        );
        assert_eq!(
            o.group_blocks,
            vec![
                Block {
                    inner: None,
                    outer: 200000,
                    count: 1000
                },
                b(200000, 200000, 1000)
            ]
        );
        assert!(o.user_map_from_outside() && o.group_map_from_outside());
        assert_eq!(err(&["--map-users=1:2"]), "invalid mapping '1:2'");
        assert_eq!(
            err(&["--map-groups=all"]),
            "could not open '/proc/self/gid_map': No such file or directory"
        );
        assert_eq!(
            err(&["--map-u=1"]),
            "usage: option '--map-u=1' is ambiguous; possibilities: '--map-user' '--map-users'"
        );
    }

    #[test]
    fn single_maps_go_outside_with_blocks_or_owner() {
        let o = run(&["-r"]).expect("-r");
        assert!(!o.user_map_from_outside() && !o.group_map_from_outside());
        let o = run(&["-r", "--map-users=0:1:1"]).expect("-r blocks");
        assert!(o.user_map_from_outside() && !o.group_map_from_outside());
        let o = run(&["-r", "--owner=1000:100"]).expect("-r owner");
        assert_eq!(o.owner, Some((1000, 100)));
        assert!(o.user_map_from_outside() && o.group_map_from_outside());
        // The group map is written from outside: setgroups stays free.
        assert!(run(&["-r", "--map-groups=0:5:1", "--setgroups=allow"]).is_ok());
        for bad in [
            "1000",
            "1000:",
            ":1",
            "a:b",
            "1:2:3",
            "-1:0",
            "4294967295:0",
        ] {
            assert_eq!(err(&["--owner", bad]), "failed to parse owner", "{bad}");
        }
    }

    #[test]
    fn binfmt_environment_and_pivot_root() {
        let both = CloneFlags::CLONE_NEWNS | CloneFlags::CLONE_NEWUSER;
        let o = run(&["--mount-binfmt"]).expect("binfmt");
        assert_eq!(o.flags, both);
        assert_eq!(o.mount_binfmt, Some(BINFMT_MISC.into()));
        assert_eq!(o.mount_proc, Some("/proc".into()));
        let o = run(&["--mount-proc=/p", "--mount-binfmt=/b"]).expect("dirs");
        assert_eq!(
            (o.mount_proc, o.mount_binfmt),
            (Some("/p".into()), Some("/b".into()))
        );
        let o = run(&["-l", ":a:E::x::/bin/sh:F"]).expect("-l");
        assert_eq!(o.flags, both);
        assert_eq!(o.mount_binfmt, Some(BINFMT_MISC.into()));
        assert_eq!(o.load_interp, Some(":a:E::x::/bin/sh:F".into()));
        let o = run(&["--clear-env"]).expect("clear");
        assert!(o.clear_env && o.whitelist_env.is_none());
        let o = run(&["--whitelist-env", "A,B,", "--whitelist-env=C"]).expect("list");
        assert_eq!(
            o.whitelist_env,
            Some(vec!["A".into(), "B".into(), "C".into()])
        );
        let o = run(&["--pivot-root", "/srv/r"]).expect("pivot");
        assert_eq!(o.flags, CloneFlags::CLONE_NEWNS);
        assert_eq!(o.pivot_root, Some("/srv/r".into()));
        assert_eq!(
            err(&["--pivot-root=/r", "-R", "/"]),
            "options --root and --pivot-root are mutually exclusive"
        );
        // The extension leaves util-linux's prefixes alone.
        let o = run(&["--pi", "--piv=/r"]);
        assert!(o.is_err());
        let o = run(&["--pi"]).expect("--pi is --pid");
        assert_eq!(o.flags, CloneFlags::CLONE_NEWPID);
        let o = run(&["--piv=/r"]).expect("--piv");
        assert_eq!(o.pivot_root, Some("/r".into()));
    }

    #[test]
    fn help_and_version_stop_parsing() {
        assert_eq!(
            parse(["-h", "--bogus"].map(OsString::from), &ctx()).ok(),
            Some(Action::Help)
        );
        assert_eq!(
            parse(["--vers"].map(OsString::from), &ctx()).ok(),
            Some(Action::Version)
        );
        assert!(matches!(
            parse(["--propagation", "x", "-h"].map(OsString::from), &ctx()),
            Err(Error::Msg(_))
        ));
    }

    #[test]
    fn prefixes() {
        let o = run(&["--prop", "slave", "--ki=TERM", "--mount-p", "--map-r"]).expect("prefixes");
        assert_eq!(o.propagation, Propagation::Slave);
        assert_eq!(o.kill_child, Some(libc::SIGTERM));
        assert!(o.mount_proc.is_some());
        assert_eq!(o.map_user, Some(0));
    }

    #[test]
    fn help_mentions_every_option_of_the_table() {
        for spec in OPTIONS {
            if !spec.long.is_empty() {
                assert!(
                    HELP.contains(&format!("--{}", spec.long)),
                    "--{}",
                    spec.long
                );
            }
            if let Some(c) = spec.short {
                assert!(HELP.contains(&format!(" -{c}, --")), "-{c}");
            }
        }
    }

    #[test]
    fn no_panic_on_odd_argv() {
        use std::os::unix::ffi::OsStringExt;
        let odd = [
            vec![OsString::from_vec(vec![0xff, 0xfe])],
            vec!["--propagation".into(), OsString::from_vec(vec![0xff])],
            vec!["-S".into(), OsString::from_vec(vec![b'1', 0xff])],
            vec!["--map-user".into(), "".into()],
            vec!["--kill-child=".into()],
            vec!["-".into()],
            vec!["--".into()],
            vec!["-R".into()],
        ];
        for args in odd {
            let _ = parse(args, &ctx());
        }
    }
}
