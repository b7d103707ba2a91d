#!/usr/bin/env bash
# Every test: formatting and lints (rustfmt, clippy, cppcheck), cargo tests, then the CMake build and
# ctest (C and C++ under ASan/UBSan, header freshness, symbols, CLI, Paho
# loopback, consumer projects, firmware under QEMU, Mosquitto and HTTPS end
# to end), bounded fuzzing of the reply parsers,
# then the Python package's pytest suite. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
# One cargo target directory for cargo, CMake and the consumer projects.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

echo "== cargo fmt / clippy"
cargo fmt --check
cargo clippy --all-targets -- -D warnings
for features in panic-handler panic-handler,hmac-sha256; do
  cargo clippy --lib --no-default-features --features "$features" -- -D warnings
done
# The bare-metal code paths (rolled compression functions) as Cortex-M builds them.
for target in thumbv7em-none-eabihf thumbv6m-none-eabi; do
  cargo clippy --lib --target "$target" -- -D warnings
  cargo clippy --lib --target "$target" --no-default-features --features panic-handler,hmac-sha256 -- -D warnings
done

echo "== cppcheck (C examples and C tests)"
cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability --std=c11 \
  --inline-suppr --suppress=missingIncludeSystem -I include c_examples tests/c

echo "== cargo test"
cargo test

echo "== cmake build + ctest"
cmake -S . -B build >/dev/null
cmake --build build -j2
ctest --test-dir build --output-on-failure

echo "== fuzz every target (60 s each)"
bash scripts/fuzz.sh "${FUZZ_SECONDS:-60}"

echo "== Python package (pip install ./python) + pytest"
python3 -m pip install --quiet --disable-pip-version-check ./python pytest hypothesis paho-mqtt \
  aliyun-iot-linkkit
# Run from outside the source tree so the installed package is what is tested.
(cd /tmp && ALIYUN_MQTT_PLUGIN="$OLDPWD/build/aliyun_mqtt_auth.so" \
  python3 -m pytest -q -p no:cacheprovider "$OLDPWD/python/tests")
