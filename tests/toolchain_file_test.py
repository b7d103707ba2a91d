"""A firmware project with its own toolchain file (tests/toolchain_file/)
adds the library with add_subdirectory and gets it for its core, derived
from the compiler and its flags (cmake/RustTarget.cmake), or a configure
error naming ALIYUN_MQTT_SIGN_RUST_TARGET; never a host library.

1. The mapping from compiler target and flags to Rust target, case by case
   (tests/toolchain_file/mapping.cmake), and the cases it must refuse.
2. stm32f4.cmake (Cortex-M4, hard float, flags in CMAKE_C_FLAGS) and
   stm32g0.cmake (Cortex-M0+, flags in CMAKE_C_FLAGS_INIT): configure,
   build, check the derived target, and run the image under QEMU, which
   must print the golden password of PROTOCOL.md §1.8.
3. cortex-a53.cmake: configuring fails and names ALIYUN_MQTT_SIGN_RUST_TARGET.

Usage: toolchain_file_test.py SOURCE_DIR WORK_DIR   (exit 1 on a failure)
"""
import os
import re
import subprocess
import sys

SOURCE, WORK = sys.argv[1], sys.argv[2]
HERE = os.path.join(SOURCE, "tests", "toolchain_file")
PASSWORD = "e6ad631b665206c0bf2efbe1b48ac4d84ff2a61fe89bac30065e17975a482c40"
failures = []
passed = 0


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def expect(ok, what):
    global passed
    if ok:
        passed += 1
    else:
        failures.append(what)


r = run(["cmake", f"-DSOURCE={SOURCE}", "-P", os.path.join(HERE, "mapping.cmake")])
expect(r.returncode == 0 and re.search(r"^ok 19$", r.stderr, re.M), f"mapping: {r.stderr}")
for case in ("arm-none-eabi|arm|-mthumb -mfloat-abi=hard",  # no core named
             "arm-none-eabi|arm|-mcpu=cortex-m0 -mfloat-abi=hard",  # no FPU
             "arm-none-eabi|arm|-mcpu=cortex-r5",
             "riscv64-unknown-elf|riscv|-march=rv64imac -mabi=lp64",
             "x86_64-linux-gnu|x86_64|-O2"):
    r = run(["cmake", f"-DSOURCE={SOURCE}", f"-DONE={case}", "-P",
             os.path.join(HERE, "mapping.cmake")])
    expect(r.returncode != 0 and "ALIYUN_MQTT_SIGN_RUST_TARGET" in r.stderr.replace("\n", " ")
           and "target " not in r.stderr.split("CMake Error")[0],
           f"{case}: not refused ({r.returncode}) {r.stderr}")

for toolchain, triple, board in (("stm32f4.cmake", "thumbv7em-none-eabihf", "mps2-an386"),
                                 ("stm32g0.cmake", "thumbv6m-none-eabi", "mps2-an385")):
    build = os.path.join(WORK, toolchain.replace(".cmake", ""))
    r = run(["cmake", "-S", HERE, "-B", build, f"-DAMS_SOURCE={SOURCE}",
             f"-DCMAKE_TOOLCHAIN_FILE={os.path.join(HERE, toolchain)}"])
    if r.returncode != 0:
        failures.append(f"{toolchain}: configure failed\n{r.stdout}{r.stderr}")
        continue
    cache = open(os.path.join(build, "CMakeCache.txt")).read()
    got = re.search(r"^ALIYUN_MQTT_SIGN_RUST_TARGET:STRING=(.*)$", cache, re.M)
    expect(got and got.group(1) == triple, f"{toolchain}: Rust target {got and got.group(1)}")
    r = run(["cmake", "--build", build])
    if r.returncode != 0:
        failures.append(f"{toolchain}: build failed\n{r.stdout[-3000:]}{r.stderr[-3000:]}")
        continue
    try:
        q = run(["qemu-system-arm", "-M", board, "-nographic", "-monitor", "none",
                 "-serial", "none", "-semihosting-config", "enable=on,target=native",
                 "-kernel", os.path.join(build, "app.elf")], timeout=60)
        expect(q.returncode == 0 and PASSWORD in q.stdout + q.stderr,
               f"{toolchain}: image on {board}: exit {q.returncode} {q.stdout + q.stderr!r}")
    except subprocess.TimeoutExpired:
        failures.append(f"{toolchain}: QEMU timeout")
    print(f"{toolchain}: {triple}, image signs on {board}")

build = os.path.join(WORK, "cortex-a53")
r = run(["cmake", "-S", HERE, "-B", build, f"-DAMS_SOURCE={SOURCE}",
         f"-DCMAKE_TOOLCHAIN_FILE={os.path.join(HERE, 'cortex-a53.cmake')}"])
expect(r.returncode != 0 and "ALIYUN_MQTT_SIGN_RUST_TARGET" in r.stderr.replace("\n", " "),
       f"cortex-a53.cmake: configure did not stop ({r.returncode})")

for f in failures:
    print("FAIL:", f, file=sys.stderr)
print(f"{passed} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
