#!/usr/bin/env bash
# Fuzzes the parsers of users' files (IDX images/labels, checkpoints) with cargo fuzz (libFuzzer).
#   bash scripts/fuzz.sh [seconds per target, default 600] [target ...]   (targets: idx checkpoint)
# Needs the nightly toolchain and cargo-fuzz; installs both if missing. Seeds come from
# examples/fuzz_seeds.rs. Crashes land in fuzz/artifacts/<target>/ (none is kept as a test today).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
if [ $# -gt 0 ]; then targets=("$@"); else targets=(idx checkpoint); fi

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
cargo run -q --release --example fuzz_seeds

mkdir -p fuzz/logs
status=0
for t in "${targets[@]}"; do
  echo "== fuzzing $t for $seconds s (full log: fuzz/logs/$t.log)"
  # -max_len: the seeds are under 8 KiB; -rss_limit_mb catches a parser that trusts a header's
  # size claim and allocates it.
  if cargo +nightly fuzz run "$t" "fuzz/corpus/$t" -- -max_total_time="$seconds" -max_len=65536 \
      -rss_limit_mb=2048 -print_final_stats=1 >"fuzz/logs/$t.log" 2>&1; then
    grep -E "^(Done|stat::number_of_executed_units|stat::peak_rss_mb)" "fuzz/logs/$t.log" || tail -3 "fuzz/logs/$t.log"
  else
    status=1
    echo "!! $t found a crash:"; grep -E "panicked|SUMMARY|Test unit written|ERROR" "fuzz/logs/$t.log" | head -20
  fi
done
exit $status
