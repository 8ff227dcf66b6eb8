//! nsbox `nsenter`: run a program in the namespaces of another process
//! (util-linux nsenter(1)).
//!
//! [`cli`] turns argv into [`cli::Options`]; [`nsenter`] opens every file it
//! needs, enters the namespaces (one `setns(pidfd, flags)` for those taken
//! from the target, `setns(fd, type)` for files), changes root, directory,
//! environment, cgroup and credentials, forks when a PID namespace was
//! entered, and the program is exec'd. Messages and exit statuses are
//! util-linux's: `nsenter: message: strerror`, 1 on failure, 126/127 when the
//! program cannot run, the child's status (or its fatal signal) after a fork.
#![deny(missing_docs)]

pub mod cli;
pub mod nsenter;
mod sys;

use common::error::{exec, exec_shell, finish_stdout, version_line, warn};
use std::ffi::OsString;
use std::io::Write;

fn help(prog: &str) -> i32 {
    let result = write!(
        std::io::stdout().lock(),
        "\
Usage:
 {prog} [options] [<program> [<argument>...]]

Run a program in the namespaces of another process (or of namespace files).

Options:
 -a, --all                  every namespace of the target
 -t, --target <pid>[:<ino>] the process to take namespaces from
 -m, --mount[=<file>]       the mount namespace
 -u, --uts[=<file>]         the UTS namespace (hostname, domain name)
 -i, --ipc[=<file>]         the System V IPC namespace
 -n, --net[=<file>]         the network namespace
 -N, --net-socket <fd>      the network namespace of the target's socket <fd>
 -p, --pid[=<file>]         the PID namespace (forks unless -F)
 -C, --cgroup[=<file>]      the cgroup namespace
 -U, --user[=<file>]        the user namespace
     --user-parent          the parent of the user namespace instead
 -T, --time[=<file>]        the time namespace
 -S, --setuid <uid|follow>  user id to run as once inside
 -G, --setgid <gid|follow>  group id to run as once inside
     --preserve-credentials keep uid, gid and groups when entering a user namespace
     --keep-caps            keep capabilities across exec (user namespaces)
 -r, --root[=<dir>]         root directory (default: the target's)
 -w, --wd[=<dir>]           working directory (default: the target's)
 -W, --wdns <dir>           working directory, resolved inside the namespaces
 -e, --env                  take the environment of the target
 -F, --no-fork              never fork before running the program
 -c, --join-cgroup          move into the target's cgroup (cgroup v2)
 -Z, --follow-context       take the target's SELinux context

 -h, --help                 show this help
 -V, --version              show the version

Without a program, your shell runs. See nsenter(1).
"
    );
    finish_stdout(prog, result, 0)
}

/// Entry point: argv (argv\[0\] included) to exit status.
pub fn main(args: impl IntoIterator<Item = OsString>) -> i32 {
    let mut args = args.into_iter();
    let prog = common::error::prog_name(args.next().as_ref(), "nsenter");
    let prog = prog.as_str();
    let options = match cli::parse(args) {
        Ok(cli::Action::Help) => return help(prog),
        Ok(cli::Action::Version) => {
            let result = writeln!(std::io::stdout().lock(), "{}", version_line(prog));
            return finish_stdout(prog, result, 0);
        }
        Ok(cli::Action::Run(o)) => o,
        Err(cli::CliError::Usage(e)) => return e.report(prog),
        Err(cli::CliError::Value(msg)) => {
            warn(prog, msg);
            return 1;
        }
    };
    match nsenter::enter(&options) {
        Ok(nsenter::Next::Exit(code)) => code,
        Ok(nsenter::Next::Exec) if options.program.is_empty() => exec_shell(prog),
        Ok(nsenter::Next::Exec) => exec(prog, &options.program),
        Err(nsenter::Failure(msg)) => {
            warn(prog, msg);
            1
        }
    }
}
