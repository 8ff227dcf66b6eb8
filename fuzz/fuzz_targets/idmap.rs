#![no_main]

// The property checks live in ../src/lib.rs (shared with tests/fuzz_corpus.rs).
libfuzzer_sys::fuzz_target!(|data: &[u8]| nsbox_fuzz::idmap(data));
