//! The short run of the fuzz targets in the test suite: every committed
//! corpus input (`fuzz/corpus/TARGET/`) and every input that once failed
//! (`fuzz/regressions/TARGET/`) goes through the same checks the cargo-fuzz
//! target runs (`fuzz/src/lib.rs`): no panic, printed mountinfo and fstab
//! lines read back the same, table output is valid JSON and its raw, pairs
//! and JSON escapings decode to the cell bytes.

#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod checks;

use std::path::{Path, PathBuf};

fn inputs(target: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut files = Vec::new();
    for dir in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else {
            continue;
        };
        files.extend(entries.map(|e| e.expect("directory entry").path()));
    }
    files.sort();
    files
}

/// Replays every input of `target`; returns how many there were.
fn replay(target: &str) -> usize {
    let check = checks::TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .map(|(_, check)| *check)
        .expect("a target of fuzz/src/lib.rs");
    let files = inputs(target);
    for file in &files {
        let data = std::fs::read(file).expect("read a corpus file");
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&data)));
        assert!(r.is_ok(), "{}: property failed (see above)", file.display());
    }
    files.len()
}

#[test]
fn every_fuzz_target_has_a_committed_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut names: Vec<String> = std::fs::read_dir(root.join("fuzz_targets"))
        .expect("fuzz/fuzz_targets")
        .map(|e| {
            let path = e.expect("entry").path();
            let stem = path.file_stem().expect("file name");
            stem.to_string_lossy().into_owned()
        })
        .collect();
    names.sort();
    let mut known: Vec<String> = checks::TARGETS.iter().map(|(n, _)| n.to_string()).collect();
    known.sort();
    assert_eq!(
        names, known,
        "fuzz_targets/ and TARGETS list the same targets"
    );
    for name in &names {
        let corpus = std::fs::read_dir(root.join("corpus").join(name))
            .map(|d| d.count())
            .unwrap_or(0);
        assert!(corpus > 0, "fuzz/corpus/{name} is empty");
    }
}

macro_rules! replay_tests {
    ($($test:ident => $target:literal,)*) => {
        $(
            #[test]
            fn $test() {
                assert!(replay($target) > 0, "no inputs for {}", $target);
            }
        )*
    };
}

replay_tests! {
    corpus_mountinfo_parses_and_prints_back => "mountinfo",
    corpus_fstab_parses_and_prints_back => "fstab",
    corpus_filter_expressions_parse_without_panic => "filter",
    corpus_idmap_blocks_merge_with_a_hole => "idmap",
    corpus_table_escapings_round_trip_and_json_is_valid => "table",
    corpus_unshare_argv_parses_without_panic => "cli_unshare",
    corpus_nsenter_argv_parses_without_panic => "cli_nsenter",
    corpus_pivot_root_argv_parses_without_panic => "cli_pivot_root",
    corpus_lsns_argv_parses_without_panic => "cli_lsns",
    corpus_findmnt_argv_parses_without_panic => "cli_findmnt",
    corpus_mount_argv_parses_without_panic => "cli_mount",
    corpus_umount_argv_parses_without_panic => "cli_umount",
}
