//! Parser micro-benchmark (`cargo bench -p mountinfo-rs --bench parse`):
//! parses synthetic mountinfo tables of 1,000 to 100,000 lines (escaped
//! paths, optional fields, bind roots) and prints the time per table and
//! per line, best of several runs. Plain `std::time`, no framework.

use mountinfo_rs::mountinfo::MountTable;
use std::hint::black_box;
use std::time::{Duration, Instant};

fn table(n: usize) -> Vec<u8> {
    let mut s =
        String::from("20 1 8:4 / / rw,relatime shared:1 - ext4 /dev/sda4 rw,errors=remount-ro\n");
    for i in 0..n.saturating_sub(1) {
        let id = 21 + i;
        let fields = match i % 4 {
            0 => format!("shared:{}", i + 2),
            1 => format!("master:{} propagate_from:{}", i + 1, i),
            2 => String::from("shared:7 master:3 unbindable"),
            _ => String::new(),
        };
        s.push_str(&format!(
            "{id} 20 0:{m} /sub/{i} /tmp/bench/d/{i}\\040x rw,nosuid,nodev,relatime {fields} - tmpfs bench rw,size=65536k,mode=755\n",
            m = 50 + i % 200
        ));
    }
    s.into_bytes()
}

fn main() {
    for n in [1_000, 10_000, 100_000] {
        let data = table(n);
        let runs = if n >= 100_000 { 5 } else { 20 };
        let mut best = Duration::MAX;
        for _ in 0..runs {
            let t = Instant::now();
            let parsed = MountTable::parse(black_box(&data));
            let el = t.elapsed();
            assert_eq!(parsed.entries.len(), n);
            black_box(parsed);
            best = best.min(el);
        }
        println!(
            "parse {n:>7} lines ({:>6} KiB): {:>9.3} ms, {:>6.1} ns/line",
            data.len() / 1024,
            best.as_secs_f64() * 1e3,
            best.as_nanos() as f64 / n as f64
        );
    }
}
