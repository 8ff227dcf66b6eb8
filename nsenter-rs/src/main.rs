use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(u8::try_from(nsenter_rs::main(std::env::args_os())).unwrap_or(255))
}
