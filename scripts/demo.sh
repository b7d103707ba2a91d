#!/usr/bin/env bash
# Builds the library and the aliyun-mqtt-sign CLI with CMake, then runs it.
# Arguments go to the CLI; with none it prints the second golden device of
# docs/PROTOCOL.md §1.8.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -DALIYUN_MQTT_SIGN_BUILD_TESTS=OFF -DALIYUN_MQTT_SIGN_BUILD_EXAMPLES=ON \
  -DALIYUN_MQTT_SIGN_REQUIRE_ALL_TESTS=OFF 1>&2
cmake --build build --target aliyun-mqtt-sign -j2 1>&2
exec build/aliyun-mqtt-sign "$@"
