//! `nsbox-completions [DIR]`: writes the bash, zsh and fish completions of
//! every nsbox tool under DIR (default: this crate's directory, i.e.
//! `completions/` of the source tree), one line per file written.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let dir = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    let files = match nsbox_completions::generate() {
        Ok(f) => f,
        Err(e) => {
            eprintln!("nsbox-completions: {e}");
            return ExitCode::FAILURE;
        }
    };
    for (path, text) in files {
        let path = dir.join(path);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, text));
        if let Err(e) = written {
            eprintln!("nsbox-completions: {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        println!("{}", path.display());
    }
    ExitCode::SUCCESS
}
