#!/usr/bin/env bash
# Every test, in groups, each of which must run at least one test:
#   lint    rustfmt, clippy (host, reduced features, Cortex-M), cppcheck
#   cargo   cargo test, and again with the bare-metal code path (small-path)
#   ctest   its own CMake build (build-tests/) with every example and test
#           forced ON: C and C++ under ASan/UBSan and valgrind, header
#           freshness, README examples, symbols, CLI, Paho loopback, consumer
#           projects, firmware under QEMU, Mosquitto and HTTPS end to end
#   fuzz    every cargo-fuzz target, bounded (FUZZ_SECONDS, default 60 s each)
#   pytest  the Python package, installed with pip, tested from outside the tree
# Ends with one line of counts per group and a total. A group that runs no
# test, skips or ignores one, or fails, fails the command.
# Installs what it needs first (scripts/setup.sh --test).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bash scripts/setup.sh --test
# One cargo target directory for cargo, CMake and the consumer projects.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
# The test build's own directory, so a demo build (tests OFF) is never reused.
build="$root/build-tests"
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

# Runs one group's command with its output shown and kept in $logs/GROUP.log.
group() {
  local name=$1
  shift
  echo "== $name: $*"
  "$@" 2>&1 | tee "$logs/$name.log"
}

# The count of a group that ran tests, or the failure of the whole command.
count() {
  python3 scripts/count_tests.py "$1" "$logs/$1.log"
}

echo "== lint: cargo fmt / clippy / cppcheck"
cargo fmt --check
cargo clippy --all-targets -- -D warnings
cargo clippy --lib --tests --features small-path -- -D warnings
for features in panic-handler panic-handler,hmac-sha256; do
  cargo clippy --lib --no-default-features --features "$features" -- -D warnings
done
# The bare-metal code paths (rolled compression functions) as Cortex-M and RISC-V build them.
for target in thumbv7em-none-eabihf thumbv6m-none-eabi riscv32imc-unknown-none-elf riscv32imac-unknown-none-elf; do
  cargo clippy --lib --target "$target" -- -D warnings
  cargo clippy --lib --target "$target" --no-default-features --features panic-handler,hmac-sha256 -- -D warnings
done
cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability --std=c11 \
  --inline-suppr --suppress=missingIncludeSystem -I include -I c_examples/common c_examples tests/c

# Twice: the host code, then the smallest-code path bare-metal targets build
# (`small-path`), so every test also runs against the code firmware ships.
group cargo bash -c 'cargo test && cargo test --features small-path'
cargo_n=$(count cargo)

# Every option that adds tests is forced, whatever an earlier configure left.
cmake -S . -B "$build" -DALIYUN_MQTT_SIGN_BUILD_TESTS=ON -DALIYUN_MQTT_SIGN_BUILD_EXAMPLES=ON \
  -DALIYUN_MQTT_SIGN_REQUIRE_ALL_TESTS=ON -DALIYUN_MQTT_SIGN_CARGO_FEATURES= \
  -DALIYUN_MQTT_SIGN_RUST_TARGET= -DALIYUN_MQTT_SIGN_CARGO_PROFILE=release >/dev/null
cmake --build "$build" -j2
group ctest ctest --test-dir "$build" --output-on-failure --no-tests=error
ctest_n=$(count ctest)

group fuzz bash scripts/fuzz.sh "${FUZZ_SECONDS:-60}"
fuzz_n=$(count fuzz)

python3 -m pip install --quiet --disable-pip-version-check ./python pytest hypothesis paho-mqtt \
  aliyun-iot-linkkit
# Run from outside the source tree so the installed package is what is tested.
group pytest env -C /tmp ALIYUN_MQTT_PLUGIN="$build/aliyun_mqtt_auth.so" ALIYUN_MQTT_CLI="$build/aliyun-mqtt-sign" \
  python3 -m pytest -q -p no:cacheprovider -rs "$root/python/tests"
pytest_n=$(count pytest)

echo "== summary: cargo $cargo_n tests, ctest $ctest_n tests, fuzz $fuzz_n targets, pytest $pytest_n tests"
echo "test.sh: $((cargo_n + ctest_n + fuzz_n + pytest_n)) passed, 0 failed"
