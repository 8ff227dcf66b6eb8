use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(u8::try_from(unshare_rs::main(std::env::args_os())).unwrap_or(255))
}
