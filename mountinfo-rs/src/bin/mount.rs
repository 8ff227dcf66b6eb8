use std::process::ExitCode;

fn main() -> ExitCode {
    let status = mountinfo_rs::mount::main(std::env::args_os());
    ExitCode::from(u8::try_from(status).unwrap_or(255))
}
