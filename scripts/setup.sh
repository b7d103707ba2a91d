#!/usr/bin/env bash
# Installs what the build needs on a fresh Debian machine that has only
# cargo, gcc and python3. Idempotent: installs only what is missing.
#   scripts/setup.sh          cmake (enough to build and run the CLI)
#   scripts/setup.sh --test   plus g++, cbindgen 0.24.3 (pinned: Debian
#                             bookworm's), pkg-config, Paho MQTT C, clippy,
#                             rustfmt, the Arm GNU toolchain with newlib,
#                             qemu-system-arm, the RISC-V GNU toolchain with
#                             picolibc, qemu-system-riscv32, the Cortex-M and
#                             RISC-V Rust targets,
#                             Mosquitto with its plugin headers, openssl,
#                             ca-certificates, libcurl, libssl-dev,
#                             valgrind, cppcheck, nightly Rust,
#                             cargo-fuzz 0.13.2 and Python's cffi
set -euo pipefail

packages=()
have() { command -v "$1" >/dev/null 2>&1; }
have cmake || packages+=(cmake)
have make || packages+=(make)
if [ "${1:-}" = "--test" ]; then
  have g++ || packages+=(g++)
  have cbindgen || packages+=(cbindgen)
  have pkg-config || packages+=(pkg-config)
  [ -f /usr/include/MQTTClient.h ] || packages+=(libpaho-mqtt-dev)
  have arm-none-eabi-gcc || packages+=(gcc-arm-none-eabi)
  [ -d /usr/lib/arm-none-eabi/newlib ] || [ -f /usr/lib/arm-none-eabi/lib/libc_nano.a ] ||
    packages+=(libnewlib-arm-none-eabi)
  have qemu-system-arm || packages+=(qemu-system-arm)
  have riscv64-unknown-elf-gcc || packages+=(gcc-riscv64-unknown-elf)
  [ -f /usr/lib/picolibc/riscv64-unknown-elf/picolibc.specs ] ||
    packages+=(picolibc-riscv64-unknown-elf)
  have qemu-system-riscv32 || packages+=(qemu-system-misc)
  [ -x /usr/sbin/mosquitto ] || packages+=(mosquitto)
  [ -f /usr/include/mosquitto_broker.h ] || packages+=(mosquitto-dev)
  [ -f /usr/include/mosquitto.h ] || packages+=(libmosquitto-dev)
  have openssl || packages+=(openssl)
  [ -f /etc/ssl/certs/GlobalSign_Root_CA.pem ] || packages+=(ca-certificates)
  [ -f /usr/include/openssl/hmac.h ] || packages+=(libssl-dev)
  have valgrind || packages+=(valgrind)
  have cppcheck || packages+=(cppcheck)
  [ -f /usr/include/x86_64-linux-gnu/curl/curl.h ] || [ -f /usr/include/curl/curl.h ] ||
    packages+=(libcurl4-openssl-dev)
fi

if [ ${#packages[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${packages[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${packages[@]}"
fi

if [ "${1:-}" = "--test" ]; then
  cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
  cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
  installed=$(rustup target list --installed)
  for target in thumbv7em-none-eabihf thumbv6m-none-eabi riscv32imac-unknown-none-elf \
    riscv32imc-unknown-none-elf; do
    grep -qx "$target" <<<"$installed" || rustup target add "$target"
  done
  # cargo fuzz (pinned) runs on nightly.
  rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
  cargo fuzz --version 2>/dev/null | grep -q ' 0.13.2' ||
    cargo install cargo-fuzz --version 0.13.2 --locked
  # The Python package's bindings (the broker test imports it from the tree).
  python3 -c "import cffi" 2>/dev/null ||
    python3 -m pip install --quiet --disable-pip-version-check cffi
fi
