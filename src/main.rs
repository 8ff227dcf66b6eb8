//! `nsbox`: every nsbox tool in one busybox-style multicall binary.
//!
//! The tool is the basename of argv\[0\] with a leading `-` stripped; a name
//! starting with `nsbox` is the multiplexer, which takes the tool from the
//! basename of its first argument as written (`nsbox unshare -m`,
//! `nsbox /bin/mount`).
//! An unknown tool prints `nsbox: NAME: applet not found` and exits 127.
//! `--list` and `--list-full` print the tools and their install paths,
//! `--install [-s] [DIR]` links them (see [`install`]).
#![no_main]

mod install;

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

/// A tool's entry point: argv (argv\[0\] included) to exit status.
type Entry = fn(Vec<OsString>) -> i32;

/// Every tool: name, install path (busybox `--list-full` layout), entry point.
const TOOLS: &[(&str, &str, Entry)] = &[
    ("findmnt", "bin/findmnt", |a| mountinfo_rs::findmnt::main(a)),
    ("lsns", "usr/bin/lsns", |a| lsns_rs::main(a)),
    ("mount", "bin/mount", |a| mountinfo_rs::mount::main(a)),
    ("nsenter", "usr/bin/nsenter", |a| nsenter_rs::main(a)),
    ("pivot_root", "sbin/pivot_root", |a| pivot_rs::main(a)),
    ("umount", "bin/umount", |a| mountinfo_rs::umount::main(a)),
    ("unshare", "usr/bin/unshare", |a| unshare_rs::main(a)),
];

fn basename(path: &OsStr) -> &[u8] {
    let bytes = path.as_bytes();
    bytes.rsplit(|&b| b == b'/').next().unwrap_or(bytes)
}

fn find(name: &[u8]) -> Option<Entry> {
    TOOLS
        .iter()
        .find(|(tool, _, _)| tool.as_bytes() == name)
        .map(|&(_, _, entry)| entry)
}

fn usage() -> i32 {
    println!(
        "nsbox {}: Linux namespace tools in one multicall binary.\n\n\
         Usage: nsbox TOOL [ARGS...]\n   or: TOOL [ARGS...]   (through a link named TOOL)\n       \
         nsbox --list | --list-full | --install [-s] [DIR] | --version\n\nTools:",
        env!("CARGO_PKG_VERSION")
    );
    for (tool, _, _) in TOOLS {
        println!("   {tool}");
    }
    0
}

fn multiplexer(args: Vec<OsString>) -> i32 {
    let Some(first) = args.get(1) else {
        return usage();
    };
    match first.as_bytes() {
        b"--help" | b"-h" => usage(),
        b"--version" | b"-V" => {
            println!("{}", common::error::version_line("nsbox"));
            0
        }
        b"--list" => {
            TOOLS.iter().for_each(|(tool, _, _)| println!("{tool}"));
            0
        }
        b"--list-full" => {
            TOOLS.iter().for_each(|(_, path, _)| println!("{path}"));
            0
        }
        b"--install" => {
            let tools: Vec<(&str, &str)> = TOOLS.iter().map(|&(n, p, _)| (n, p)).collect();
            install::install(args.first(), &args[2..], &tools)
        }
        _ => dispatch(args[1..].to_vec(), false),
    }
}

/// Runs the tool `args[0]` names. For the process's own argv\[0\]
/// (`login`), a leading `-` is stripped, as a login shell's; a tool named
/// on nsbox's command line is taken as written.
fn dispatch(args: Vec<OsString>, login: bool) -> i32 {
    let name = args.first().map(|a| basename(a)).unwrap_or(b"nsbox");
    let name = match name.strip_prefix(b"-") {
        Some(stripped) if login => stripped,
        _ => name,
    };
    if name.starts_with(b"nsbox") {
        return multiplexer(args);
    }
    match find(name) {
        Some(entry) => {
            common::cli::set_invocation_name(&args[0]);
            entry(args)
        }
        None => {
            eprintln!("nsbox: {}: applet not found", String::from_utf8_lossy(name));
            127
        }
    }
}

fn run(args: impl IntoIterator<Item = OsString>) -> i32 {
    dispatch(args.into_iter().collect(), true)
}

common::c_main!(run);
