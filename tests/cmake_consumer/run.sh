#!/bin/sh
# Builds and runs the consumer project three ways against the library:
# find_package after `cmake --install`, add_subdirectory, and pkg-config.
# Usage: run.sh SOURCE_DIR MAIN_BUILD_DIR WORK_DIR
set -eu
src=$1
build=$2
work=$3
rm -rf "$work"
mkdir -p "$work"
consumer="$src/tests/cmake_consumer"

echo "== cmake --install into a staging prefix"
cmake --install "$build" --prefix "$work/stage" >/dev/null

echo "== find_package"
cmake -S "$consumer" -B "$work/find" -DCMAKE_PREFIX_PATH="$work/stage" >/dev/null
cmake --build "$work/find" >/dev/null
"$work/find/consumer_static"
"$work/find/consumer_shared"
# The shared consumer really loads the installed library.
ldd "$work/find/consumer_shared" | grep -F "$work/stage/" >/dev/null

echo "== add_subdirectory"
cmake -S "$consumer" -B "$work/subdir" -DCONSUMER_VIA_SUBDIRECTORY=ON \
  -DALIYUN_MQTT_SIGN_SOURCE_DIR="$src" >/dev/null
cmake --build "$work/subdir" >/dev/null
"$work/subdir/consumer_static"
"$work/subdir/consumer_shared"

echo "== pkg-config"
pc=$(find "$work/stage" -name aliyun_mqtt_sign.pc)
export PKG_CONFIG_PATH
PKG_CONFIG_PATH=$(dirname "$pc")
libdir=$(pkg-config --variable=libdir aliyun_mqtt_sign)
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror $(pkg-config --cflags aliyun_mqtt_sign) "$consumer/consumer.c" \
  $(pkg-config --libs aliyun_mqtt_sign) -Wl,-rpath,"$libdir" -o "$work/pc_shared"
"$work/pc_shared"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror $(pkg-config --cflags aliyun_mqtt_sign) "$consumer/consumer.c" \
  -Wl,-Bstatic $(pkg-config --libs aliyun_mqtt_sign) -Wl,-Bdynamic -o "$work/pc_static"
"$work/pc_static"
if ldd "$work/pc_static" | grep -q aliyun_mqtt_sign; then
  echo "pc_static should not load the shared library" >&2
  exit 1
fi
echo "consumer projects: 3 ways passed"
