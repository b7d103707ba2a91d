#!/usr/bin/env bash
# Builds the library and the aliyun-mqtt-sign CLI with CMake, then runs it.
# Arguments go to the CLI; with none it prints SPEC's second golden device.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -DALIYUN_MQTT_SIGN_BUILD_TESTS=OFF 1>&2
cmake --build build --target aliyun-mqtt-sign -j2 1>&2
exec build/aliyun-mqtt-sign "$@"
