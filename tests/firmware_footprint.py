"""Builds the Cortex-M firmware images for each target and feature set, runs
them in qemu-system-arm with semihosting, and prints the library's footprint.

For each configuration it:
- builds c_examples/firmware (firmware.elf: every enabled method checked
  against the golden values of PROTOCOL.md §1.8, a disabled one must be refused; budget.elf:
  one aliyun_mqtt_sign call) with cmake/arm-none-eabi.cmake;
- runs both under QEMU (time-limited) and requires exit 0 and "ALL OK";
- reads the peak stack of each call, measured in the image by painting the
  stack before the call and finding the high-water mark after it;
- reads from budget.map the flash (text + rodata + data) and RAM that
  libaliyun_mqtt_sign.a adds;
- links the static library with every exported function as a root
  (tests/no_panic.py) and fails on any undefined symbol other than the mem*
  family, or on any panic symbol left after --gc-sections.

Fails (exit 1) on a wrong value, a QEMU failure or timeout, a forbidden
symbol, a stack peak over STACK_BUDGET or flash over FLASH_BUDGET.

Usage: firmware_footprint.py SOURCE_DIR WORK_DIR
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from map_footprint import footprint  # noqa: E402
from no_panic import check as no_panic  # noqa: E402

SOURCE, WORK = sys.argv[1], sys.argv[2]
STACK_BUDGET = 1024
ALL = "hmac-md5,hmac-sha1,hmac-sha256,sha256"
FLASH_BUDGET = {"hmac-sha256": 3328, ALL: 6144}
TARGETS = [  # (ARM_CPU, QEMU board, Rust target)
    ("cortex-m4", "mps2-an386", "thumbv7em-none-eabihf"),
    ("cortex-m0", "mps2-an385", "thumbv6m-none-eabi"),  # v6-M code on the board's Cortex-M3
]
def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def qemu(board, elf):
    cmd = ["qemu-system-arm", "-M", board, "-nographic", "-monitor", "none", "-serial", "none",
           "-semihosting-config", "enable=on,target=native", "-kernel", elf]
    try:
        r = run(cmd, timeout=60)
    except subprocess.TimeoutExpired:
        return None, "timeout"
    return r.returncode, r.stdout + r.stderr


failures = []
rows = []
for cpu, board, triple in TARGETS:
    for features in ("hmac-sha256", ALL):
        name = f"{cpu} {features if features != ALL else 'all methods'}"
        build = os.path.join(WORK, f"{cpu}-{'all' if features == ALL else features}")
        configure = run(["cmake", "-S", os.path.join(SOURCE, "c_examples", "firmware"), "-B", build,
                         f"-DCMAKE_TOOLCHAIN_FILE={os.path.join(SOURCE, 'cmake', 'arm-none-eabi.cmake')}",
                         f"-DARM_CPU={cpu}",
                         f"-DALIYUN_MQTT_SIGN_CARGO_FEATURES=panic-handler,{features}"])
        compiled = configure.returncode == 0 and run(["cmake", "--build", build]).returncode == 0
        if not compiled:
            failures.append(f"{name}: build failed\n{configure.stdout}{configure.stderr}")
            continue
        code, test_out = qemu(board, os.path.join(build, "firmware.elf"))
        print(f"--- {name}: firmware.elf on {board}\n{test_out.strip()}")
        if code != 0 or "ALL OK" not in test_out:
            failures.append(f"{name}: firmware test failed (exit {code})")
        code, out = qemu(board, os.path.join(build, "budget.elf"))
        if code != 0 or not re.search(r"^[0-9a-f]{64}$", out, re.M):
            failures.append(f"{name}: budget image failed (exit {code}): {out!r}")
        stacks = {}
        for m in re.finditer(r"^STACK (\S+) (\S+) (\d+)$", test_out, re.M):
            stacks[m.group(2)] = max(stacks.get(m.group(2), 0), int(m.group(3)))
        peak = stacks.get("aliyun_mqtt_sign", 0)
        if peak == 0:
            failures.append(f"{name}: no stack figure")
        if peak > STACK_BUDGET:
            failures.append(f"{name}: aliyun_mqtt_sign peak stack {peak} B > {STACK_BUDGET} B")
        flash, ram = footprint(os.path.join(build, "budget.map"))
        if flash == 0:
            failures.append(f"{name}: no flash figure (map file not parsed)")
        budget = FLASH_BUDGET[features]
        over = flash > budget
        if over:
            failures.append(f"{name}: flash {flash} B > {budget} B")
        target_dir = os.environ.get("CARGO_TARGET_DIR") or os.path.join(SOURCE, "target")
        lib = os.path.join(target_dir, triple, "firmware", "libaliyun_mqtt_sign.a")
        findings, summary = no_panic("arm-none-eabi-gcc", "arm-none-eabi-nm", lib)
        failures += [f"{name}: {f}" for f in findings]
        print(f"--- {name}: {summary}")
        rows.append((cpu, triple, "hmac-sha256 only" if features != ALL else "all four methods",
                     flash, budget, ram, peak, stacks))

print()
print("| target | sign methods | flash added (budget) | RAM | peak stack aliyun_mqtt_sign | client_id | password | host |")
print("|---|---|---|---|---|---|---|---|")
for cpu, triple, methods, flash, budget, ram, peak, stacks in rows:
    mark = "" if flash <= budget else " **over**"
    print(f"| {cpu} ({triple}) | {methods} | {flash} B ({budget}){mark} | {ram} B | {peak} B "
          f"| {stacks.get('aliyun_mqtt_client_id', 0)} B | {stacks.get('aliyun_mqtt_password', 0)} B "
          f"| {stacks.get('aliyun_mqtt_host', 0)} B |")
for f in failures:
    print("FAIL:", f, file=sys.stderr)
checks = len(rows) * 5
print(f"{checks - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
