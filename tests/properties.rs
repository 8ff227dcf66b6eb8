//! Property tests (proptest) of the parsers and the table writer, with the
//! checks the fuzz targets use (`fuzz/src/lib.rs`): mountinfo printed as
//! the kernel writes it parses back to the same fields and prints the same
//! bytes; fstab entries read back the same; table output is valid JSON
//! whatever the cell bytes, and its escapings decode to the cells; id-map
//! blocks merge with the single map's hole; no parser panics on arbitrary
//! input. 256 cases each by default (`PROPTEST_CASES` overrides).

#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod checks;

use mountinfo_rs::findmnt::parse_lines;
use mountinfo_rs::findmnt::tabs::TabFormat;
use mountinfo_rs::mount::fstab::{Fstab, FstabEntry};
use mountinfo_rs::mountinfo::{MountEntry, MountTable, Propagation};
use proptest::collection::vec;
use proptest::prelude::*;
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use unshare_rs::idmap_parse::{parse_block, Block};

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    vec(any::<u8>(), 0..max)
}

/// Bytes biased towards what parsers treat specially.
fn awkward(max: usize) -> impl Strategy<Value = Vec<u8>> {
    let special = prop::sample::select(&b" \t\n\r\\#-:,=\"'0123456789\x00\xff\xc3\xa9ox"[..]);
    vec(prop_oneof![any::<u8>(), special], 0..max)
}

/// The optional fields of a mountinfo line, as the kernel writes them.
fn opt_fields() -> impl Strategy<Value = Vec<u8>> {
    let field = prop_oneof![
        any::<u32>().prop_map(|n| format!("shared:{n}")),
        any::<u32>().prop_map(|n| format!("master:{n}")),
        any::<u32>().prop_map(|n| format!("propagate_from:{n}")),
        Just(String::from("unbindable")),
        Just(String::from("x:y")),
    ];
    vec(field, 0..4).prop_map(|f| f.join(" ").into_bytes())
}

/// A field as libmount reads it: no NUL (a C string ends there).
fn word(max: usize) -> impl Strategy<Value = Vec<u8>> {
    awkward(max).prop_map(|mut w| {
        w.retain(|&b| b != 0);
        w
    })
}

prop_compose! {
    fn mount_entry()(
        ids in any::<[u32; 4]>(),
        root in word(24),
        target in word(24),
        vfs in word(24),
        opt in opt_fields(),
        fstype in word(12),
        source in prop_oneof![Just(Vec::new()), word(24)],
        fs in word(24),
    ) -> MountEntry {
        MountEntry {
            id: ids[0],
            parent: ids[1],
            major: ids[2],
            minor: ids[3],
            root: root.into(),
            target: target.into(),
            vfs_options: vfs.into(),
            propagation: Propagation::parse(&opt),
            opt_fields: opt.into(),
            fstype: fstype.into(),
            source: source.into(),
            fs_options: fs.into(),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Parsing then printing mountinfo reproduces the input fields: a
    /// line printed as the kernel prints it parses to the same fields and
    /// prints back to the same bytes, alone and in a table.
    #[test]
    fn mountinfo_printed_by_the_kernel_rules_parses_back(entries in vec(mount_entry(), 1..5)) {
        let mut text = Vec::new();
        for e in &entries {
            let line = checks::print_mountinfo(e);
            let parsed = MountEntry::parse(&line).expect("a printed line parses");
            prop_assert_eq!(&parsed, e);
            prop_assert_eq!(checks::print_mountinfo(&parsed), line.clone());
            checks::mountinfo_round_trip(e);
            text.extend_from_slice(&line);
            text.push(b'\n');
        }
        let table = MountTable::parse(&text);
        prop_assert_eq!(&table.entries, &entries);
        prop_assert!(table.bad_lines.is_empty());
    }

    /// Arbitrary mountinfo text: no panic, bad lines counted, every entry
    /// prints back to itself.
    #[test]
    fn mountinfo_any_bytes(data in awkward(400)) {
        checks::mountinfo(&data);
    }

    /// fstab fields, escaped as libmount escapes them, read back the same
    /// in findmnt's reader and in mount's.
    #[test]
    fn fstab_fields_read_back(
        source in word(16),
        target in word(16),
        fstype in word(16),
        options in word(16),
        freq in any::<i32>(),
        passno in any::<i32>(),
    ) {
        let mut line = Vec::new();
        for (i, f) in [&source, &target, &fstype, &options].into_iter().enumerate() {
            if i > 0 {
                line.push(if i % 2 == 0 { b'\t' } else { b' ' });
            }
            checks::field_escape(f, checks::FSTAB_ESCAPED, &mut line);
        }
        line.extend_from_slice(format!(" {freq} {passno}\n").as_bytes());
        let (parsed, bad) = parse_lines(&line, &mut Some(TabFormat::Fstab));
        prop_assert!(bad.is_empty());
        prop_assert_eq!(parsed.len(), 1);
        let (e, x) = &parsed[0];
        let x = x.as_ref().expect("fstab fields");
        prop_assert_eq!(e.source.as_bytes(), &source[..]);
        prop_assert_eq!(e.target.as_bytes(), &target[..]);
        prop_assert_eq!(e.fstype.as_bytes(), &fstype[..]);
        prop_assert_eq!(&x.options, &options);
        prop_assert_eq!((x.freq, x.passno), (freq, passno));
        checks::fstab_findmnt_round_trip(e, x);

        let tab = Fstab::parse(&line);
        prop_assert!(tab.bad_lines.is_empty());
        prop_assert_eq!(tab.entries, vec![FstabEntry {
            source: OsString::from_vec(source),
            target: OsString::from_vec(target),
            fstype: String::from_utf8_lossy(&fstype).into_owned(),
            options: String::from_utf8_lossy(&options).into_owned(),
        }]);
    }

    /// Arbitrary fstab text: no panic, every entry prints back to itself.
    #[test]
    fn fstab_any_bytes(data in awkward(400)) {
        checks::fstab(&data);
    }

    /// JSON output is always valid JSON (serde_json) whatever the bytes;
    /// raw, pairs and JSON escapings decode to the cell bytes; human
    /// output carries no control byte from a cell.
    #[test]
    fn table_output_in_every_mode(data in bytes(600)) {
        checks::table(&data);
    }

    /// The same with one plain string column holding any bytes at all.
    #[test]
    fn table_one_column_of_any_bytes(cells in vec(bytes(64), 0..6), tree in any::<bool>()) {
        let spec = checks::TableSpec {
            name: String::from("filesystems"),
            columns: vec![checks::ColSpec {
                name: String::from("TARGET"),
                tree,
                right: false,
                multiline: false,
                json: common::table::JsonType::String,
                hint: 0.0,
                uri: false,
            }],
            lines: cells
                .into_iter()
                .enumerate()
                .map(|(i, c)| (i.checked_sub(1).filter(|_| tree), vec![c]))
                .collect(),
            noheadings: false,
            ascii: false,
            shellvar: false,
        };
        checks::check_table(&spec);
    }

    /// Well-formed `-Q` expressions parse; arbitrary ones do not panic.
    #[test]
    fn filter_expressions(
        terms in vec((0usize..4, 0usize..8, 0usize..5), 1..6),
        joins in vec(any::<bool>(), 5),
        junk in awkward(120),
    ) {
        const COLS: [&str; 4] = ["FSTYPE", "ID", "MAJ:MIN", "USE%"];
        const OPS: [&str; 8] = ["==", "!=", "<", ">=", "eq", "ne", "=~", "!~"];
        const VALUES: [&str; 5] = ["\"ext4\"", "'a b'", "20", "1.5", "10M"];
        let mut q = String::new();
        for (i, &(c, o, v)) in terms.iter().enumerate() {
            if i > 0 {
                q.push_str(if joins[i - 1] { " && " } else { " || " });
            }
            let value = if o >= 6 { "\"^e.t[0-9]$\"" } else { VALUES[v] };
            let term = format!("{} {} {}", COLS[c], OPS[o], value);
            if i % 2 == 1 {
                q.push_str(&format!("!({term})"));
            } else {
                q.push_str(&term);
            }
        }
        prop_assert!(common::filter::Filter::<usize>::parse(q.as_bytes()).is_ok(), "{}", q);
        let mut data = q.into_bytes();
        for cell in [&b"ext4"[..], b"20", b"8:4", b"5%"] {
            data.push(0);
            data.extend_from_slice(cell);
        }
        checks::filter(&data);
        checks::filter(&junk);
    }

    /// `INNER:OUTER:COUNT` and the old `OUTER,INNER,COUNT` give one block.
    #[test]
    fn idmap_block_syntaxes(inner in any::<u32>(), outer in any::<u32>(), count in any::<u32>()) {
        let want = Some(Block { inner: Some(inner), outer, count });
        prop_assert_eq!(parse_block(&format!("{inner}:{outer}:{count}")), want);
        prop_assert_eq!(parse_block(&format!("{outer},{inner},{count}")), want);
        prop_assert_eq!(parse_block(&format!("+{inner}:{outer}:{count}")), None);
        prop_assert_eq!(parse_block(&format!("{inner}:{outer}")), None);
    }

    /// A single map merged into blocks: first line, a hole for its ids,
    /// blocks otherwise kept (small ids, so that blocks and the single map
    /// overlap often).
    #[test]
    fn idmap_merge_leaves_a_hole(
        blocks in vec((prop::option::of(0u32..40), 0u32..40, 0u32..40), 0..4),
        outer in 0u32..40,
        single in prop::option::of(0u32..40),
        high in any::<bool>(),
    ) {
        let base = if high { u32::MAX - 80 } else { 0 };
        let blocks: Vec<Block> = blocks
            .into_iter()
            .map(|(inner, o, count)| Block { inner: inner.map(|i| i + base), outer: o + base, count })
            .collect();
        checks::check_merge(&blocks, outer + base, single.map(|s| s + base));
    }

    /// Arbitrary id-map text (subuid, uid_map, blocks, mount idmap).
    #[test]
    fn idmap_any_text(data in awkward(300)) {
        checks::idmap(&data);
    }

    /// No option parser panics on argv made of its own option words,
    /// values and junk.
    #[test]
    fn option_parsers_never_panic(words in vec(prop_oneof![
        prop::sample::select(vec![
            "-", "--", "-h", "-V", "--help", "--version", "-a", "-t", "-o", "-O", "-r", "-n",
            "-J", "-l", "-P", "-m", "-u", "-U", "-p", "-f", "-R", "-w", "-S", "-G", "-F",
            "--map-users=0:1000:1", "--map-user", "--propagation", "--mount=", "--target",
            "--bind", "--make-rshared", "--options-mode", "--kill-child", "--output", "+NS",
            "--tree", "-Q", "ID > 1", "1", "/", "x", "all", "auto", "=", "--pid=",
        ]).prop_map(|s| s.as_bytes().to_vec()),
        awkward(12),
    ], 0..8)) {
        let argv: Vec<u8> = words.join(&0u8);
        for (name, check) in checks::TARGETS {
            if name.starts_with("cli_") {
                check(&argv);
                let mut with_euid = vec![1u8];
                with_euid.extend_from_slice(&argv);
                check(&with_euid);
            }
        }
    }
}
