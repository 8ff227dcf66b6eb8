//! mount's command line: argv to [`Action`], every conflict rejected here.
//!
//! The rules are util-linux 2.42's `sys-utils/mount.c`: `-B/-M/-R` exclude
//! one another (`options --bind and --move cannot be combined`), so do
//! `-L/-U/--source`; with no source, target or operand mount lists the mount
//! table, unless an operation or option was given (`bad usage`); an operation
//! cannot be combined with `-t`, `-a` or `--source`; one operand is the
//! target (or the source with `--target` or when it is a tag), two are source
//! and target, more are `bad usage`.

use super::MountError;
use common::cli::{self, HasArg, OptSpec, Order, UsageError};
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

/// The options of mount, one entry per spelling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opt {
    /// `-a`
    All,
    /// `--beneath`
    Beneath,
    /// `--exclusive`
    Exclusive,
    /// `-f`
    Fake,
    /// `-T`
    Fstab,
    /// `-F`
    Fork,
    /// `-h`
    Help,
    /// `-n`
    NoMtab,
    /// `-r`
    ReadOnly,
    /// `-v`
    Verbose,
    /// `-V`
    Version,
    /// `-w`
    ReadWrite,
    /// `-o`
    Options,
    /// `-O`
    TestOpts,
    /// `-t`
    Types,
    /// `-U`
    Uuid,
    /// `-L`
    Label,
    /// `-B`
    Bind,
    /// `-M`
    Move,
    /// `-R`
    Rbind,
    /// `--make-*`
    Make(&'static str),
    /// `--map-groups`
    MapGroups,
    /// `--map-users`
    MapUsers,
    /// `-m`
    Mkdir,
    /// `-c`
    NoCanonicalize,
    /// `-i`
    InternalOnly,
    /// `-l`
    ShowLabels,
    /// `--target`
    Target,
    /// `--target-prefix`
    TargetPrefix,
    /// `--source`
    Source,
    /// `--onlyonce`
    OnlyOnce,
    /// `--options-mode`
    OptionsMode,
    /// `--options-source`
    OptionsSource,
    /// `--options-source-force`
    OptionsSourceForce,
    /// `-N`
    Namespace,
    /// `-s`
    Sloppy,
}

const fn o(short: Option<char>, long: &'static str, arg: HasArg, id: Opt) -> OptSpec<Opt> {
    OptSpec::new(short, long, arg, id)
}

/// The option table (util-linux 2.42 `longopts[]` plus the short-only `-s`).
pub const OPTIONS: &[OptSpec<Opt>] = &[
    o(Some('a'), "all", HasArg::No, Opt::All),
    o(None, "beneath", HasArg::No, Opt::Beneath),
    o(None, "exclusive", HasArg::No, Opt::Exclusive),
    o(Some('f'), "fake", HasArg::No, Opt::Fake),
    o(Some('T'), "fstab", HasArg::Required, Opt::Fstab),
    o(Some('F'), "fork", HasArg::No, Opt::Fork),
    o(Some('h'), "help", HasArg::No, Opt::Help),
    o(Some('n'), "no-mtab", HasArg::No, Opt::NoMtab),
    o(Some('r'), "read-only", HasArg::No, Opt::ReadOnly),
    o(None, "ro", HasArg::No, Opt::ReadOnly),
    o(Some('v'), "verbose", HasArg::No, Opt::Verbose),
    o(Some('V'), "version", HasArg::No, Opt::Version),
    o(Some('w'), "read-write", HasArg::No, Opt::ReadWrite),
    o(None, "rw", HasArg::No, Opt::ReadWrite),
    o(Some('o'), "options", HasArg::Required, Opt::Options),
    o(Some('O'), "test-opts", HasArg::Required, Opt::TestOpts),
    o(Some('t'), "types", HasArg::Required, Opt::Types),
    o(Some('U'), "uuid", HasArg::Required, Opt::Uuid),
    o(Some('L'), "label", HasArg::Required, Opt::Label),
    o(Some('B'), "bind", HasArg::No, Opt::Bind),
    o(Some('M'), "move", HasArg::No, Opt::Move),
    o(Some('R'), "rbind", HasArg::No, Opt::Rbind),
    o(None, "make-shared", HasArg::No, Opt::Make("shared")),
    o(None, "make-slave", HasArg::No, Opt::Make("slave")),
    o(None, "make-private", HasArg::No, Opt::Make("private")),
    o(None, "make-unbindable", HasArg::No, Opt::Make("unbindable")),
    o(None, "make-rshared", HasArg::No, Opt::Make("rshared")),
    o(None, "make-rslave", HasArg::No, Opt::Make("rslave")),
    o(None, "make-rprivate", HasArg::No, Opt::Make("rprivate")),
    o(
        None,
        "make-runbindable",
        HasArg::No,
        Opt::Make("runbindable"),
    ),
    o(None, "map-groups", HasArg::Required, Opt::MapGroups),
    o(None, "map-users", HasArg::Required, Opt::MapUsers),
    o(Some('m'), "mkdir", HasArg::Optional, Opt::Mkdir),
    o(
        Some('c'),
        "no-canonicalize",
        HasArg::No,
        Opt::NoCanonicalize,
    ),
    o(Some('i'), "internal-only", HasArg::No, Opt::InternalOnly),
    o(Some('l'), "show-labels", HasArg::No, Opt::ShowLabels),
    o(None, "target", HasArg::Required, Opt::Target),
    o(None, "target-prefix", HasArg::Required, Opt::TargetPrefix),
    o(None, "source", HasArg::Required, Opt::Source),
    o(None, "onlyonce", HasArg::No, Opt::OnlyOnce),
    o(None, "options-mode", HasArg::Required, Opt::OptionsMode),
    o(None, "options-source", HasArg::Required, Opt::OptionsSource),
    o(
        None,
        "options-source-force",
        HasArg::No,
        Opt::OptionsSourceForce,
    ),
    o(Some('N'), "namespace", HasArg::Required, Opt::Namespace),
    o(Some('s'), "", HasArg::No, Opt::Sloppy),
];

/// Options that exclude one another: util-linux's `excl[]` rows, in its
/// order (see [`cli::Exclusive`]).
const EXCLUSIVE: &[&[Opt]] = &[
    &[Opt::Bind, Opt::Move, Opt::Rbind],
    &[Opt::Label, Opt::Uuid, Opt::Source],
];

/// What mount was asked to do.
#[derive(Debug, PartialEq, Eq)]
pub enum Action {
    /// `-h`
    Help,
    /// `-V`
    Version,
    /// No source or target: print the mount table.
    List {
        /// `-t` pattern.
        types: Option<String>,
        /// `-l`: append `[LABEL]`.
        labels: bool,
        /// `-N`: the mount namespace whose table is listed.
        namespace: Option<OsString>,
    },
    /// Mount, bind, move, remount or change propagation.
    Mount(Request),
    /// `-a`: mount every fstab entry that is not `noauto` (filtered by
    /// `-t` and `-O`).
    All(Request),
}

/// A mount request as given on the command line (paths not yet resolved).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Request {
    /// The source (`--source`, first of two operands, or the operand with
    /// `--target`).
    pub source: Option<OsString>,
    /// The target (`--target`, second of two operands, or the one operand).
    pub target: Option<OsString>,
    /// Only one of source and target came from a lone operand (libmount's
    /// "swap match": the fstab lookup may match either field).
    pub swapmatch: bool,
    /// `--target` was given (and no source): look up the mount point only.
    pub explicit_target: bool,
    /// `-M`, `--move` or `-o move`.
    pub moving: bool,
    /// `-B`, `-R` or `-M` was given (fstab and mtab are not consulted).
    pub operation: bool,
    /// A `--make-*` option was given: a propagation change that needs no
    /// fstab entry (util-linux's `propa`; `-o private` alone still looks
    /// the target up in fstab).
    pub make_propagation: bool,
    /// The option lists, in order (`-o`, `-r` as `ro`, `--make-shared` as
    /// `shared`, `-B` as `bind`, ...).
    pub options: Vec<String>,
    /// `-w`: explicit read-write.
    pub rwonly: bool,
    /// `-t`.
    pub types: Option<String>,
    /// `-f`.
    pub fake: bool,
    /// `-v`.
    pub verbose: bool,
    /// `-c`.
    pub no_canonicalize: bool,
    /// `--onlyonce`.
    pub onlyonce: bool,
    /// `-T` files in order; empty means `/etc/fstab`.
    pub fstab: Vec<OsString>,
    /// `-N`: `/proc/PID/ns/mnt` or the file given.
    pub namespace: Option<OsString>,
    /// `-a`.
    pub all: bool,
    /// `-F` (with `-a`: mount the entries in parallel).
    pub fork: bool,
    /// `-O`: option pattern for `-a`.
    pub test_opts: Option<String>,
    /// `-s`: passed to helpers.
    pub sloppy: bool,
    /// `-n`: passed to helpers.
    pub nomtab: bool,
    /// `-i`: do not run `/sbin/mount.TYPE` helpers.
    pub internal: bool,
    /// `--target-prefix`.
    pub target_prefix: Option<OsString>,
    /// `--options-mode`: how fstab and command-line options combine.
    pub options_mode: OptionsMode,
    /// `--options-source`: read fstab (default), mtab, both, or neither.
    pub options_source: Option<(bool, bool)>,
    /// `--options-source-force`.
    pub options_source_force: bool,
    /// `--beneath`: attach beneath the top mount (`MOVE_MOUNT_BENEATH`).
    pub beneath: bool,
    /// `--exclusive`: refuse to reuse an existing superblock.
    pub exclusive: bool,
    /// `--map-users` entries (`INNER:OUTER:COUNT` or a user-ns file).
    pub map_users: Vec<String>,
    /// `--map-groups` entries.
    pub map_groups: Vec<String>,
    /// An option was given that a setuid mount drops its privileges for.
    pub privileged_opts: bool,
}

/// `--options-mode`: how fstab options and `-o` options combine.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OptionsMode {
    /// fstab options first, then `-o` (libmount's default).
    #[default]
    Prepend,
    /// `-o` options first, then fstab's.
    Append,
    /// fstab's options replace `-o`.
    Replace,
    /// fstab options ignored.
    Ignore,
}

fn bad_usage() -> MountError {
    MountError::Usage(UsageError::new("bad usage"))
}

/// Whether `spec` is a tag (`LABEL=`, `UUID=`, `PARTLABEL=`, `PARTUUID=`,
/// `ID=` with a value).
pub fn is_tag(spec: &OsString) -> bool {
    let b = spec.as_bytes();
    ["LABEL=", "UUID=", "PARTLABEL=", "PARTUUID=", "ID="]
        .iter()
        .any(|t| b.len() > t.len() && b.starts_with(t.as_bytes()))
}

/// An option value as text. Bytes that are not UTF-8 become U+FFFD: they
/// cannot name an option or a type, and what fails with them fails later,
/// as in util-linux, with the mount's own message and status.
fn text(value: Option<OsString>) -> Result<String, MountError> {
    Ok(value.unwrap_or_default().to_string_lossy().into_owned())
}

/// Parses argv (without argv\[0\]).
///
/// # Errors
/// A getopt error, a conflict (`options --bind and --move cannot be
/// combined`), `bad usage`, or an option this mount does not implement.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Action, MountError> {
    let parsed = cli::parse(args, OPTIONS, Order::Permute).map_err(MountError::Usage)?;
    let mut req = Request::default();
    let mut exclusive = cli::Exclusive::new(OPTIONS, EXCLUSIVE);
    let mut labels = false;
    for (opt, value) in parsed.opts {
        exclusive.check(opt).map_err(|msg| MountError::Message {
            spec: None,
            msg,
            code: super::EX_USAGE,
            dmesg: false,
            period: false,
        })?;
        if !matches!(
            opt,
            Opt::Help
                | Opt::ShowLabels
                | Opt::Label
                | Opt::Uuid
                | Opt::Version
                | Opt::Verbose
                | Opt::ReadOnly
                | Opt::InternalOnly
                | Opt::Sloppy
                | Opt::Types
                | Opt::Target
                | Opt::Source
        ) {
            req.privileged_opts = true;
        }
        match opt {
            Opt::Help => return Ok(Action::Help),
            Opt::Version => return Ok(Action::Version),
            Opt::Fake => req.fake = true,
            Opt::Verbose => req.verbose = true,
            Opt::NoMtab => req.nomtab = true,
            Opt::InternalOnly => req.internal = true,
            Opt::Sloppy => req.sloppy = true,
            Opt::NoCanonicalize => req.no_canonicalize = true,
            Opt::ReadOnly => {
                req.options.push("ro".into());
                req.rwonly = false;
            }
            Opt::ReadWrite => {
                req.options.push("rw".into());
                req.rwonly = true;
            }
            Opt::Options => {
                let list = text(value)?;
                let items = super::options::split(&list).ok_or_else(|| {
                    MountError::Usage(UsageError::new(format!(
                        "unsupported option format: {list}"
                    )))
                })?;
                if items.contains(&"move") {
                    req.operation = true;
                    req.moving = true;
                    let rest: Vec<&str> = items.into_iter().filter(|i| *i != "move").collect();
                    if !rest.is_empty() {
                        req.options.push(rest.join(","));
                    }
                } else {
                    req.options.push(list);
                }
            }
            Opt::Types => req.types = Some(text(value)?),
            Opt::Fstab => req.fstab.push(value.unwrap_or_default()),
            Opt::Bind => {
                req.operation = true;
                req.options.push("bind".into());
            }
            Opt::Rbind => {
                req.operation = true;
                req.options.push("rbind".into());
            }
            Opt::Move => {
                req.operation = true;
                req.moving = true;
            }
            Opt::Make(name) => {
                req.make_propagation = true;
                req.options.push(name.into());
            }
            Opt::Mkdir => {
                let mode = text(value)?;
                let mode = mode.strip_prefix('=').unwrap_or(&mode);
                if mode.is_empty() {
                    req.options.push("X-mount.mkdir".into());
                } else {
                    req.options.push(format!("X-mount.mkdir=\"{mode}\""));
                }
            }
            Opt::ShowLabels => labels = true,
            Opt::Target => {
                req.target = value;
                req.explicit_target = true;
            }
            Opt::Source => req.source = value,
            Opt::OnlyOnce => req.onlyonce = true,
            Opt::Namespace => {
                let v = value.unwrap_or_default();
                let pid = v
                    .to_str()
                    .and_then(|s| s.parse::<u32>().ok())
                    .filter(|p| *p > 0);
                req.namespace = Some(match pid {
                    Some(pid) => format!("/proc/{pid}/ns/mnt").into(),
                    None => v,
                });
            }
            Opt::All => req.all = true,
            Opt::Fork => req.fork = true,
            Opt::Beneath => req.beneath = true,
            Opt::Exclusive => req.exclusive = true,
            Opt::TestOpts => req.test_opts = Some(text(value)?),
            Opt::Uuid => {
                let mut src = OsString::from("UUID=\"");
                src.push(value.unwrap_or_default());
                src.push("\"");
                req.source = Some(src);
            }
            Opt::Label => {
                let mut src = OsString::from("LABEL=\"");
                src.push(value.unwrap_or_default());
                src.push("\"");
                req.source = Some(src);
            }
            Opt::MapGroups => req.map_groups.push(text(value)?),
            Opt::MapUsers => req.map_users.push(text(value)?),
            Opt::TargetPrefix => req.target_prefix = value,
            Opt::OptionsMode => {
                req.options_mode = match text(value)?.as_str() {
                    "ignore" => OptionsMode::Ignore,
                    "append" => OptionsMode::Append,
                    "prepend" => OptionsMode::Prepend,
                    "replace" => OptionsMode::Replace,
                    _ => return Err(bad_usage()),
                }
            }
            Opt::OptionsSource => {
                let (mut fstab, mut mtab) = (false, false);
                for item in text(value)?.split(',').filter(|i| !i.is_empty()) {
                    match item {
                        "fstab" => fstab = true,
                        "mtab" => mtab = true,
                        "disable" => {}
                        _ => return Err(bad_usage()),
                    }
                }
                req.options_source = Some((fstab, mtab));
            }
            Opt::OptionsSourceForce => req.options_source_force = true,
        }
    }
    let mut operands = parsed.operands;
    if req.operation && req.all {
        return Err(bad_usage());
    }
    if req.all {
        return Ok(Action::All(req));
    }
    if req.source.is_none() && req.target.is_none() && operands.is_empty() {
        if req.operation || !req.options.is_empty() {
            return Err(bad_usage());
        }
        return Ok(Action::List {
            types: req.types,
            labels,
            namespace: req.namespace,
        });
    }
    if req.operation && (req.types.is_some() || req.source.is_some()) {
        return Err(bad_usage());
    }
    match operands.len() {
        0 => {}
        1 if req.source.is_none() || req.target.is_none() => {
            let spec = operands.remove(0);
            let tag = is_tag(&spec);
            if tag && req.source.is_some() {
                return Err(MountError::Message {
                    spec: None,
                    msg: "source specified more than once".into(),
                    code: super::EX_USAGE,
                    dmesg: false,
                    period: false,
                });
            }
            if req.source.is_none() && req.target.is_none() {
                req.swapmatch = !tag;
            }
            if tag || req.target.is_some() {
                req.source = Some(spec);
            } else {
                req.target = Some(spec);
            }
        }
        2 if req.source.is_none() && req.target.is_none() => {
            let target = operands.pop();
            req.source = operands.pop();
            req.target = target;
        }
        _ => return Err(bad_usage()),
    }
    if req.source.is_some() && req.target.is_some() {
        req.explicit_target = false;
    }
    Ok(Action::Mount(req))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Action, MountError> {
        parse(args.iter().map(OsString::from))
    }

    fn usage(args: &[&str]) -> String {
        match p(args) {
            Err(MountError::Usage(u)) => u.message().to_owned(),
            Err(MountError::Message { msg, code: 1, .. }) => msg,
            other => panic!("expected a usage error, got {other:?}"),
        }
    }

    fn req(args: &[&str]) -> Request {
        match p(args) {
            Ok(Action::Mount(r)) => r,
            other => panic!("expected a mount request, got {other:?}"),
        }
    }

    #[test]
    fn bind_move_rbind_exclude_each_other_in_2_42_wording() {
        assert_eq!(
            usage(&["--bind", "--move", "a", "b"]),
            "options --bind and --move cannot be combined"
        );
        assert_eq!(
            usage(&["-M", "-R", "a", "b"]),
            "options --move and --rbind cannot be combined"
        );
        assert_eq!(
            usage(&["-B", "--rbind", "a", "b"]),
            "options --bind and --rbind cannot be combined"
        );
        assert!(p(&["-B", "-B", "a", "b"]).is_ok());
        assert!(p(&["-o", "bind", "-M", "a", "b"]).is_ok());
    }

    #[test]
    fn bad_usage_cases() {
        for args in [
            &["--bind"][..],
            &["-o", "ro"],
            &["-r"],
            &["--make-private"],
            &["a", "b", "c"],
            &["--source", "a", "--target", "b", "c"],
            &["-t", "tmpfs", "--bind", "a", "b"],
            &["--source", "a", "--bind", "b"],
        ] {
            assert_eq!(usage(args), "bad usage", "{args:?}");
        }
    }

    #[test]
    fn listing() {
        assert_eq!(
            p(&[]).ok(),
            Some(Action::List {
                types: None,
                labels: false,
                namespace: None,
            })
        );
        assert_eq!(
            p(&["-t", "tmpfs", "-l"]).ok(),
            Some(Action::List {
                types: Some("tmpfs".into()),
                labels: true,
                namespace: None,
            })
        );
    }

    #[test]
    fn operands_source_and_target() {
        let r = req(&["a", "b"]);
        assert_eq!((r.source, r.target), (Some("a".into()), Some("b".into())));
        let r = req(&["a"]);
        assert_eq!(
            (r.source, r.target, r.swapmatch),
            (None, Some("a".into()), true)
        );
        let r = req(&["--target", "/t", "a"]);
        assert_eq!((r.source, r.target), (Some("a".into()), Some("/t".into())));
        let r = req(&["UUID=x"]);
        assert_eq!((r.source, r.target), (Some("UUID=x".into()), None));
        let r = req(&["--target", "/t"]);
        assert!(r.explicit_target && r.source.is_none());
    }

    #[test]
    fn option_lists_keep_their_order() {
        let r = req(&[
            "-r",
            "--make-shared",
            "-o",
            "move,nosuid",
            "-B",
            "-w",
            "a",
            "b",
        ]);
        assert_eq!(r.options, ["ro", "shared", "nosuid", "bind", "rw"]);
        assert!(r.moving && r.operation && r.rwonly);
        let r = req(&["-m0700", "a", "b"]);
        assert_eq!(r.options, ["X-mount.mkdir=\"0700\""]);
    }

    #[test]
    fn help_and_version_short_circuit() {
        assert_eq!(p(&["-h", "--bogus"]).ok(), Some(Action::Help));
        assert_eq!(p(&["-V"]).ok(), Some(Action::Version));
        assert_eq!(usage(&["--bogus"]), "unrecognized option '--bogus'");
    }

    #[test]
    fn all_label_uuid_and_options_modes() {
        match p(&["-a", "-t", "ext4", "-O", "x-a", "-F", "-v"]) {
            Ok(Action::All(r)) => {
                assert_eq!(r.types.as_deref(), Some("ext4"));
                assert_eq!(r.test_opts.as_deref(), Some("x-a"));
                assert!(r.fork && r.verbose && r.privileged_opts);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(usage(&["-a", "--bind"]), "bad usage");
        let r = req(&["-L", "root", "/x"]);
        assert_eq!(r.source.as_deref(), Some("LABEL=\"root\"".as_ref()));
        assert_eq!(r.target.as_deref(), Some("/x".as_ref()));
        assert!(!r.privileged_opts);
        let r = req(&["-U", "1-2", "/x"]);
        assert_eq!(r.source.as_deref(), Some("UUID=\"1-2\"".as_ref()));
        assert_eq!(
            usage(&["-L", "a", "-U", "b", "/x"]),
            "options --label and --uuid cannot be combined"
        );
        assert_eq!(usage(&["--options-mode", "bogus", "/x"]), "bad usage");
        assert_eq!(usage(&["--options-source", "nope", "/x"]), "bad usage");
        let r = req(&[
            "--options-mode",
            "append",
            "--options-source",
            "fstab,mtab",
            "--options-source-force",
            "--target-prefix",
            "/p",
            "--beneath",
            "--exclusive",
            "--map-users",
            "0:1000:1",
            "--map-groups",
            "0:1000:1",
            "/x",
        ]);
        assert_eq!(r.options_mode, OptionsMode::Append);
        assert_eq!(r.options_source, Some((true, true)));
        assert!(r.options_source_force && r.beneath && r.exclusive);
        assert_eq!(r.target_prefix.as_deref(), Some("/p".as_ref()));
        assert_eq!(r.map_users, ["0:1000:1"]);
        assert_eq!(r.map_groups, ["0:1000:1"]);
    }
}
