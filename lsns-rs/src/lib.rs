//! nsbox `lsns`: list namespaces (util-linux lsns(8)).
//!
//! [`cli`] turns argv into [`cli::Options`]; [`scan`] finds every namespace
//! visible from here (process links, open descriptors, sockets, nsfs bind
//! mounts, and the ancestors of those) reading only what the requested
//! columns need; [`output`] lays the rows out through `common::table` in
//! util-linux's order: sorted by inode, nested by process parentage (or by
//! owner/parent namespace with `-T`), the lowest PID representing each
//! namespace. Messages and exit statuses are util-linux's.
#![deny(missing_docs)]

pub mod cli;
pub mod columns;
pub mod output;
pub mod scan;
mod sys;

use common::error::{finish_stdout, version_line, warn, with_errno};
use common::filter::Filter;
use common::table::{Column, Format, Table};
use std::ffi::OsString;

pub(crate) const PROG: &str = "lsns";

/// Exit status when the kernel lacks an `NS_GET_*` ioctl the output needs.
const EXIT_UNSUPPORTED_IOCTL: i32 = 2;

fn help() -> i32 {
    print!(
        "\
Usage:
 {PROG} [options] [<namespace ID>]

Show the namespaces of the system and the processes in them.

Options:
 -J, --json             JSON output
 -l, --list             flat list instead of a tree
 -n, --noheadings       no header line
 -o, --output <list>    the columns to show (+<list> adds to the default)
     --output-all       every column
 -P, --persistent       only namespaces no process is in
 -p, --task <pid>       only the namespaces of process <pid>
 -Q, --filter <expr>    only rows matching <expr>
 -r, --raw              raw output
 -u, --notruncate       never truncate columns
 -W, --nowrap           NSFS on one line, comma-separated
 -t, --type <name>      only this kind: mnt, net, ipc, user, pid, uts, cgroup, time
 -T, --tree[=<rel>]     tree by owner (default), parent or process

 -H, --list-columns     describe the columns
 -h, --help             show this help
 -V, --version          show the version

See lsns(8).
"
    );
    0
}

fn list_columns(raw: bool, json: bool) -> i32 {
    let mut t = Table::new(
        "lsns-columns",
        vec![
            Column::new("HOLDER").right(),
            Column::new("TYPE"),
            Column::new("DESCRIPTION"),
        ],
    );
    t.noheadings = true;
    t.format = if json {
        Format::Json
    } else if raw {
        Format::Raw
    } else {
        Format::Human
    };
    for c in columns::Col::ALL {
        let l = t.add_line(None);
        t.set_cell(l, 0, c.name());
        let ty = match c.json() {
            common::table::JsonType::Number => "<integer>",
            _ => "<string>",
        };
        t.set_cell(l, 1, ty);
        t.set_cell(l, 2, c.help());
    }
    let r = t.print(&mut std::io::stdout().lock());
    finish_stdout(PROG, r, 0)
}

/// Parses `-Q` and binds its column names, with util-linux's messages;
/// `Err` is the exit status.
fn bind_filter(query: &[u8]) -> Result<Filter<columns::Col>, i32> {
    let mut f = Filter::parse(query).map_err(|msg| {
        let query = String::from_utf8_lossy(query);
        warn(PROG, format!("failed to parse \"{query}\": {msg}"));
        1
    })?;
    let unknown = f.bind(&|name| {
        columns::Col::by_name(name.as_bytes())
            .map(|c| (c, c.json() == common::table::JsonType::Number))
    });
    if unknown.is_empty() {
        return Ok(f);
    }
    for name in unknown {
        warn(PROG, format!("unknown column: {name}"));
    }
    warn(PROG, "failed to initialize filter");
    Err(1)
}

fn run(o: &cli::Options) -> i32 {
    let filter = match o.filter.as_deref().map(bind_filter) {
        None => None,
        Some(Ok(f)) => Some(f),
        Some(Err(code)) => return code,
    };
    let mut used = o.columns.clone();
    if let Some(f) = &filter {
        used.extend(f.columns());
    }
    let has = |c: columns::Col| used.contains(&c);
    let needs = scan::Needs {
        types: o.types,
        relations: has(columns::Col::Pns)
            || has(columns::Col::Ons)
            || matches!(o.tree, cli::Tree::Owner | cli::Tree::Parent),
        netnsid: has(columns::Col::Netnsid),
        uid: has(columns::Col::Uid) || has(columns::Col::User),
    };
    let mounts = match mountinfo_rs::mountinfo::MountTable::current() {
        Ok(t) => t,
        Err(e) => {
            let errno = nix::errno::Errno::from_raw(e.raw_os_error().unwrap_or(libc::EIO));
            warn(
                PROG,
                with_errno("failed to parse /proc/self/mountinfo", errno),
            );
            return 32;
        }
    };
    let mut model = scan::Model::scan(needs, &mounts);
    if matches!(o.tree, cli::Tree::Owner | cli::Tree::Parent) {
        model.connect();
    }
    if model.unsupported_ioctl {
        return EXIT_UNSUPPORTED_IOCTL;
    }
    let mut b = output::Builder::new(o, &model, filter);
    match o.namespace {
        Some(id) => match model.index.get(&id) {
            Some(&n) => b.processes(n),
            None => {
                warn(PROG, format!("not found namespace: {id}"));
                return 1;
            }
        },
        None => b.namespaces(),
    }
    let Some(table) = b.finish() else {
        warn(
            PROG,
            with_errno("failed to apply filter", nix::errno::Errno::EINVAL),
        );
        return 1;
    };
    let r = table.print(&mut std::io::stdout().lock());
    finish_stdout(PROG, r, 0)
}

/// Entry point: argv (argv\[0\] included) to exit status.
pub fn main(args: impl IntoIterator<Item = OsString>) -> i32 {
    common::table::init_locale();
    match cli::parse(args.into_iter().skip(1)) {
        Ok(cli::Action::Help) => help(),
        Ok(cli::Action::Version) => {
            println!("{}", version_line(PROG));
            0
        }
        Ok(cli::Action::ListColumns(raw, json)) => list_columns(raw, json),
        Ok(cli::Action::Run(o)) => run(&o),
        Err(cli::CliError::Usage(e)) => e.report(PROG),
        Err(cli::CliError::Value(msg)) => {
            if !msg.is_empty() {
                warn(PROG, msg);
            }
            1
        }
    }
}
