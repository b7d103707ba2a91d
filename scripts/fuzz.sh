#!/usr/bin/env bash
# Runs every cargo-fuzz target for a bounded time (default 60 s each),
# starting from the committed seeds (fuzz/seeds/<target>) with a temporary
# working corpus, so the tree stays clean. A crash fails the run and leaves
# its input in fuzz/artifacts/<target>/.
#   scripts/fuzz.sh [seconds-per-target]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd fuzz
targets=$(cargo +nightly fuzz list)
cargo +nightly fuzz build --target-dir "$CARGO_TARGET_DIR/fuzz"
for target in $targets; do
  echo "== fuzz $target (${seconds}s)"
  mkdir -p "$work/$target"
  # -max_len above ALIYUN_MQTT_REPLY_MAX_LEN reaches the too-large path.
  if ! cargo +nightly fuzz run --target-dir "$CARGO_TARGET_DIR/fuzz" "$target" \
    "$work/$target" "seeds/$target" -- \
    -max_total_time="$seconds" -max_len=4200 -dict=json.dict -print_final_stats=1 \
    >"$work/$target.log" 2>&1; then
    grep -v '^ *[0-9]*: \|^ *at ' "$work/$target.log" | tail -40
    echo "fuzz: $target failed; input in fuzz/artifacts/$target/" >&2
    exit 1
  fi
  grep -E '^Done|number_of_executed_units' "$work/$target.log"
done
