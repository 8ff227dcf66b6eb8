#!/bin/sh
# Runs the fuzz targets one at a time, then minimizes each corpus in place.
#
#   fuzz/run.sh [SECONDS [TARGET...]]     (default: 600 seconds, every target)
#
# Builds once with `cargo +nightly fuzz build -a` (debug assertions, so an
# arithmetic overflow is a crash too), then runs the built binaries, so the
# build is not repeated per target. CARGO_TARGET_DIR chooses where the build
# goes (default fuzz/target). One libFuzzer job at a time: the machines have
# two cores. Each run's last status line goes to stdout.
set -eu
cd "$(dirname "$0")/.."
secs=${1:-600}
[ $# -gt 0 ] && shift
targets=${*:-$(cd fuzz/fuzz_targets && ls ./*.rs | sed 's|^\./||; s|\.rs$||')}
dir=${CARGO_TARGET_DIR:-$PWD/fuzz/target}
cargo +nightly fuzz build -a --target-dir "$dir"
bin=$dir/$(rustc -vV | sed -n 's/^host: //p')/release
for t in $targets; do
    mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
    log=$(mktemp)
    start=$(date +%s)
    rc=0
    "$bin/$t" -max_total_time="$secs" -print_final_stats=1 \
        -artifact_prefix="fuzz/artifacts/$t/" "fuzz/corpus/$t" >"$log" 2>&1 || rc=$?
    end=$(date +%s)
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    echo "$t: $((end - start)) s, $runs runs, $cov, exit $rc"
    if [ "$rc" != 0 ]; then
        grep -E 'panicked|ERROR|SUMMARY|Test unit written' "$log" || true
        rm -f "$log"
        continue
    fi
    rm -f "$log"
    # Minimize: a smallest set of inputs that covers every edge (cargo fuzz
    # cmin's -merge=1 also keeps inputs for hit counts: ten times the files).
    new=$(mktemp -d)
    "$bin/$t" -set_cover_merge=1 -use_counters=0 "$new" "fuzz/corpus/$t" >/dev/null 2>&1
    rm -rf "fuzz/corpus/$t"
    mv "$new" "fuzz/corpus/$t"
    chmod 755 "fuzz/corpus/$t"
    echo "$t: corpus $(ls "fuzz/corpus/$t" | wc -l) files, $(du -sk "fuzz/corpus/$t" | cut -f1) KiB"
done
