"""Builds the firmware images for each target and feature set, runs them
under QEMU with semihosting, and prints the library's footprint table.

For each target (Cortex-M4 and Cortex-M0 on qemu-system-arm's mps2 boards,
rv32imac and rv32imc on qemu-system-riscv32's virt board) and feature set
(hmac-sha256 only, all four methods) it:
- builds c_examples/firmware (c_examples/firmware_riscv: the same images
  with a RISC-V startup) with the target's toolchain file: firmware.elf
  (every enabled method checked against the golden values of PROTOCOL.md
  §1.8, a disabled one must be refused), budget.elf (one aliyun_mqtt_sign
  call) and budget_nocall.elf (the same image without the call);
- runs firmware.elf and budget.elf under QEMU (time-limited), requiring
  exit 0, "ALL OK" and the golden password;
- reads the peak stack of each call, measured in the image by painting the
  stack before the call and finding the high-water mark after it;
- counts the guest instructions executed by each aliyun_mqtt_sign call with
  the TCG plugin tests/qemu_insn/insn_count.c (built here), between the
  image's insn_mark_begin and insn_mark_end;
- measures flash as the difference in text + data between two linked
  images, with and without the call, for each way a firmware project links:
    usual    app.o libaliyun_mqtt_sign.a -lc
    libc1st  app.o -u memcpy,memmove,memset,memcmp -lc libaliyun_mqtt_sign.a
    cmake    target_link_libraries(app aliyun_mqtt_sign::static)
    cargo    the archive of a plain `cargo build --profile firmware
             --target <t>` (no other flags), usual order;
- links the static library with every exported function as a root
  (tests/no_panic.py) and fails on any undefined symbol other than the mem*
  family, or on any panic symbol left after --gc-sections.

Fails (exit 1) on a wrong value, a QEMU failure or timeout, a forbidden
symbol, or a figure over what it enforces: the budget where the figure
meets it (stack, instructions on Cortex-M4), else a ceiling just above
today's figure (FLASH_CEILING, INSN_CEILING). Every figure is printed
against its budget, over or not.

Usage: firmware_footprint.py SOURCE_DIR WORK_DIR
"""
import hashlib
import hmac
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from no_panic import check as no_panic  # noqa: E402

SOURCE, WORK = sys.argv[1], sys.argv[2]
STACK_BUDGET = 1024
ALL = "hmac-md5,hmac-sha1,hmac-sha256,sha256"
# A build with no sign method: the unsigned fields and two-phase signing,
# for a key in a secure element or an HMAC peripheral.
NONE = ""
METHOD_MACROS = {"hmac-md5": "FW_HMAC_MD5", "hmac-sha1": "FW_HMAC_SHA1",
                 "hmac-sha256": "FW_HMAC_SHA256", "sha256": "FW_SHA256"}
# The digest the images sign with in two phases: HMAC-SHA256 of the second
# golden device's content (PROTOCOL.md §1.8), computed here.
GOLDEN_CONTENT = b"clientIdSN1928339deviceNamelight1983432productKeya14Xib5kdYdtimestamp1539421321846"
GOLDEN_DIGEST = hmac.new(b"oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq", GOLDEN_CONTENT, hashlib.sha256).digest()
FW_DIGEST = ",".join(f"0x{b:02x}" for b in GOLDEN_DIGEST)
# The budgets (flash the library adds, on every link path; executed
# instructions of one hmacsha256 aliyun_mqtt_sign of the golden device on
# Cortex-M4 and the RISC-V cores). A figure over its budget is marked
# **over** in the tables.
FLASH_BUDGET = {"hmac-sha256": 3072, ALL: 6144, NONE: None}
INSN_BUDGET = {"thumbv7em-none-eabihf": 25000, "riscv32imac-unknown-none-elf": 25000,
               "riscv32imc-unknown-none-elf": 25000}
# What the test enforces: the budget where it is met, else a ceiling a few
# percent above today's figure, so that no change makes a figure worse
# unnoticed. (family, methods, path kind) -> bytes; the path kinds are the
# three C links and the plain cargo archive.
FLASH_CEILING = {
    ("arm", "hmac-sha256", "link"): 3900, ("arm", ALL, "link"): 6144,
    ("arm", "hmac-sha256", "cargo"): 15300, ("arm", ALL, "cargo"): 16750,
    ("riscv", "hmac-sha256", "link"): 5000, ("riscv", ALL, "link"): 6650,
    ("riscv", "hmac-sha256", "cargo"): 16100, ("riscv", ALL, "cargo"): 17900,
    ("arm", NONE, "link"): 4000, ("arm", NONE, "cargo"): 14900,
    ("riscv", NONE, "link"): 4650, ("riscv", NONE, "cargo"): 15550,
}
INSN_CEILING = {"thumbv7em-none-eabihf": 25000, "thumbv6m-none-eabi": 40500,
                "riscv32imac-unknown-none-elf": 36000, "riscv32imc-unknown-none-elf": 36000}
PATHS = ("usual", "libc1st", "cmake", "cargo")
FW = os.path.join(SOURCE, "c_examples", "firmware")
FW_RV = os.path.join(SOURCE, "c_examples", "firmware_riscv")
ARM = dict(project=FW, toolchain="arm-none-eabi.cmake", prefix="arm-none-eabi-", libc=["-lc"],
           link=["-nostartfiles", "--specs=nano.specs", "--specs=nosys.specs",
                 "-T" + os.path.join(FW, "mps2.ld"), "-Wl,--gc-sections"])
RISCV = dict(project=FW_RV, toolchain="riscv32-none-elf.cmake", prefix="riscv64-unknown-elf-",
             libc=["-lc"],
             link=["-nostartfiles", "-T" + os.path.join(FW_RV, "virt.ld"), "-Wl,--gc-sections"])
TARGETS = [  # name, Rust target, toolchain file args, C flags, QEMU command, family
    ("cortex-m4", "thumbv7em-none-eabihf", ["-DARM_CPU=cortex-m4"],
     ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"],
     ["qemu-system-arm", "-M", "mps2-an386"], ARM),
    # v6-M code on the board's Cortex-M3.
    ("cortex-m0", "thumbv6m-none-eabi", ["-DARM_CPU=cortex-m0"],
     ["-mcpu=cortex-m0", "-mthumb", "-mfloat-abi=soft"],
     ["qemu-system-arm", "-M", "mps2-an385"], ARM),
    ("rv32imac", "riscv32imac-unknown-none-elf", ["-DRISCV_ARCH=rv32imac"],
     ["-march=rv32imac", "-mabi=ilp32", "--specs=picolibc.specs"],
     ["qemu-system-riscv32", "-M", "virt", "-bios", "none"], RISCV),
    # rv32imc code (ESP32-C3 class) on the board's rv32gc core.
    ("rv32imc", "riscv32imc-unknown-none-elf", ["-DRISCV_ARCH=rv32imc"],
     ["-march=rv32imc", "-mabi=ilp32", "--specs=picolibc.specs"],
     ["qemu-system-riscv32", "-M", "virt", "-bios", "none"], RISCV),
]
TARGET_DIR = os.environ.get("CARGO_TARGET_DIR") or os.path.join(SOURCE, "target")


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def plugin():
    """Builds the instruction-counting TCG plugin; returns its path."""
    out = os.path.join(WORK, "libinsn_count.so")
    os.makedirs(WORK, exist_ok=True)
    r = run(["cc", "-shared", "-fPIC", "-O2", "-Wall", "-Wextra", "-Werror", "-o", out,
             os.path.join(SOURCE, "tests", "qemu_insn", "insn_count.c")])
    if r.returncode != 0:
        sys.exit(f"FAIL: the TCG plugin does not build\n{r.stderr}")
    return out


PLUGIN = plugin()


def symbol(nm, elf, name):
    out = run([nm, elf]).stdout
    m = re.search(rf"^([0-9a-f]+) T {name}$", out, re.M)
    return int(m.group(1), 16) & ~1 if m else None  # without the Thumb bit


def qemu(command, nm, elf):
    """Runs an image; returns (exit code, output, [instruction counts])."""
    begin, end = symbol(nm, elf, "insn_mark_begin"), symbol(nm, elf, "insn_mark_end")
    cmd = command + ["-nographic", "-monitor", "none", "-serial", "none",
                     "-semihosting-config", "enable=on,target=native", "-kernel", elf,
                     "-d", "plugin", "-plugin", f"{PLUGIN},begin={begin:#x},end={end:#x}"]
    try:
        r = run(cmd, timeout=60)
    except subprocess.TimeoutExpired:
        return None, "timeout", []
    insns = [int(n) for n in re.findall(r"^INSNS (\d+)$", r.stderr, re.M)]
    return r.returncode, r.stdout + r.stderr, insns


def flash_of(size, elf):
    """text + data of a linked image (what its flash holds)."""
    fields = run([size, elf]).stdout.splitlines()[-1].split()
    return int(fields[0]) + int(fields[1])


def link_paths(name, family, cflags, defs, libs):
    """Flash added by the call on the usual and libc-first link orders, for
    each archive in `libs` ({label: path}); {label-path: bytes or None}."""
    prefix = family["prefix"]
    cc, size = prefix + "gcc", prefix + "size"
    objs = os.path.join(WORK, name + "-objs")
    os.makedirs(objs, exist_ok=True)
    common = cflags + ["-Os", "-ffunction-sections", "-fdata-sections",
                       "-I", os.path.join(SOURCE, "include")]
    o = {}
    for label, src, more in (("startup", "startup.c", []), ("call", "budget.c", []),
                             ("nocall", "budget.c", ["-DFW_NO_CALL=1"])):
        o[label] = os.path.join(objs, label + ".o")
        where = family["project"] if label == "startup" else FW
        r = run([cc, *common, "-I", FW, *defs, *more, "-c", os.path.join(where, src),
                 "-o", o[label]])
        if r.returncode != 0:
            return {}, f"{name}: compiling {src} failed\n{r.stderr}"
    libc_first = ["-Wl,-u,memcpy", "-Wl,-u,memmove", "-Wl,-u,memset", "-Wl,-u,memcmp",
                  *family["libc"]]
    figures = {}
    for label, lib in libs.items():
        for order in ("usual", "libc1st"):
            if label == "cargo" and order == "libc1st":
                continue
            images = []
            for app in ("call", "nocall"):
                elf = os.path.join(objs, f"{label}-{order}-{app}.elf")
                pre = libc_first if order == "libc1st" else []
                r = run([cc, *cflags, *family["link"], o["startup"], o[app], *pre, lib,
                         *family["libc"], "-o", elf])
                if r.returncode != 0:
                    return figures, f"{name}: linking {elf} failed\n{r.stderr}"
                images.append(flash_of(size, elf))
            figures["cargo" if label == "cargo" else order] = images[0] - images[1]
    return figures, None


def cargo_features(features):
    """The Cargo feature list of a build: the panic handler and the methods."""
    return ",".join(["panic-handler"] + ([features] if features else []))


def method_defs(features):
    """-D flags telling the images which methods the library has."""
    on = features.split(",") if features else []
    return [f"-D{macro}={int(m in on)}" for m, macro in METHOD_MACROS.items()] + [
        f"-DFW_DIGEST={FW_DIGEST}"]


def cargo_archive(triple, features, dest):
    """A plain `cargo build --profile firmware` archive, copied to dest."""
    r = run(["cargo", "build", "--profile", "firmware", "--target", triple,
             "--no-default-features", "--features", cargo_features(features),
             "--manifest-path", os.path.join(SOURCE, "Cargo.toml"),
             "--target-dir", TARGET_DIR])
    if r.returncode != 0:
        return f"cargo build failed\n{r.stderr}"
    shutil.copy(os.path.join(TARGET_DIR, triple, "firmware", "libaliyun_mqtt_sign.a"), dest)
    return None


failures = []
rows = []
for name, triple, toolchain_args, cflags, command, family in TARGETS:
    prefix = family["prefix"]
    nm = prefix + "nm"
    # The no-panic probe links with the target's flags (a RISC-V gcc
    # defaults to 64 bits).
    probe_cc = os.path.join(WORK, f"{name}-cc")
    with open(probe_cc, "w") as f:
        f.write(f"#!/bin/sh\nexec {prefix}gcc {' '.join(c for c in cflags if 'specs' not in c)} \"$@\"\n")
    os.chmod(probe_cc, 0o755)
    for features in ("hmac-sha256", ALL, NONE):
        short = {ALL: "all", NONE: "none"}.get(features, features)
        what = {ALL: "all methods", NONE: "no method (two-phase)"}.get(features, features)
        label = f"{name} {what}"
        build = os.path.join(WORK, f"{name}-{short}")
        configure = run(["cmake", "-S", family["project"], "-B", build,
                         f"-DCMAKE_TOOLCHAIN_FILE={os.path.join(SOURCE, 'cmake', family['toolchain'])}",
                         *toolchain_args,
                         f"-DALIYUN_MQTT_SIGN_CARGO_FEATURES={cargo_features(features)}",
                         f"-DFW_DIGEST={FW_DIGEST}"])
        compiled = configure.returncode == 0 and run(["cmake", "--build", build]).returncode == 0
        if not compiled:
            failures.append(f"{label}: build failed\n{configure.stdout}{configure.stderr}")
            continue
        # The CMake build's archive, before the plain cargo build replaces it.
        cmake_lib = os.path.join(build, "libaliyun_mqtt_sign-cmake.a")
        shutil.copy(os.path.join(TARGET_DIR, triple, "firmware", "libaliyun_mqtt_sign.a"), cmake_lib)
        findings, summary = no_panic(probe_cc, nm, cmake_lib)
        failures += [f"{label}: {f}" for f in findings]
        print(f"--- {label}: {summary}")

        code, test_out, method_insns = qemu(command, nm, os.path.join(build, "firmware.elf"))
        print(f"--- {label}: firmware.elf\n{test_out.strip()}")
        if code != 0 or "ALL OK" not in test_out:
            failures.append(f"{label}: firmware test failed (exit {code})")
        enabled = re.findall(r"^(\w+): SN1928339", test_out, re.M)
        if len(method_insns) != len(enabled):
            failures.append(f"{label}: {len(method_insns)} instruction counts for {enabled}")
        insns = dict(zip(enabled, method_insns))
        code, out, budget_insns = qemu(command, nm, os.path.join(build, "budget.elf"))
        if code != 0 or "e6ad631b665206c0bf2efbe1b48ac4d84ff2a61fe89bac30065e17975a482c40" not in out:
            failures.append(f"{label}: budget image failed (exit {code}): {out!r}")
        sign_insns = budget_insns[0] if budget_insns else 0
        limit = INSN_BUDGET.get(triple)
        ceiling = INSN_CEILING[triple]
        if sign_insns == 0:
            failures.append(f"{label}: no instruction count")
        elif sign_insns > ceiling:
            failures.append(f"{label}: {sign_insns} instructions per hmacsha256 sign > {ceiling}")

        stacks = {}
        for m in re.finditer(r"^STACK (\S+) (\S+) (\d+)$", test_out, re.M):
            stacks[m.group(2)] = max(stacks.get(m.group(2), 0), int(m.group(3)))
        # The two-phase image's peak is that of its second phase.
        peak = stacks.get("aliyun_mqtt_sign" if features else "aliyun_mqtt_sign_from_digest", 0)
        if peak == 0:
            failures.append(f"{label}: no stack figure")
        if peak > STACK_BUDGET:
            failures.append(f"{label}: aliyun_mqtt_sign peak stack {peak} B > {STACK_BUDGET} B")

        cargo_lib = os.path.join(build, "libaliyun_mqtt_sign-cargo.a")
        error = cargo_archive(triple, features, cargo_lib)
        if error:
            failures.append(f"{label}: {error}")
            continue
        flash, error = link_paths(f"{name}-{short}", family, cflags, method_defs(features),
                                  {"lib": cmake_lib, "cargo": cargo_lib})
        if error:
            failures.append(error)
            continue
        flash["cmake"] = (flash_of(prefix + "size", os.path.join(build, "budget.elf"))
                          - flash_of(prefix + "size", os.path.join(build, "budget_nocall.elf")))
        budget = FLASH_BUDGET[features]
        kind = "riscv" if family is RISCV else "arm"
        for path in PATHS:
            ceiling = FLASH_CEILING[(kind, features, "cargo" if path == "cargo" else "link")]
            if flash.get(path, 0) <= 0:
                failures.append(f"{label}: no flash figure for the {path} link")
            elif flash[path] > ceiling:
                failures.append(f"{label}: {path} link adds {flash[path]} B of flash > {ceiling} B")
        rows.append((name, triple, {ALL: "all four methods", NONE: "none (two-phase)"}.get(
                         features, "hmac-sha256 only"),
                     flash, budget, peak, stacks, sign_insns, limit, insns))


def mark(value, limit):
    return f"{value}" + (" **over**" if limit and value > limit else "")


print()
print("Flash the library adds (bytes; image with the call minus image without), by link:")
print()
print("| target | sign methods | usual | libc first | CMake target | plain cargo | budget |")
print("|---|---|---|---|---|---|---|")
for name, triple, methods, flash, budget, *_ in rows:
    cells = " | ".join(mark(flash.get(p, 0), budget) for p in PATHS)
    print(f"| {name} ({triple}) | {methods} | {cells} | {budget or '-'} |")
print()
print("Peak stack (bytes) and executed instructions per aliyun_mqtt_sign:")
print()
print("| target | sign methods | stack sign | client_id | password | host "
      "| instructions hmacsha256 (budget) | per method |")
print("|---|---|---|---|---|---|---|---|")
for name, triple, methods, flash, budget, peak, stacks, sign_insns, limit, insns in rows:
    per = ", ".join(f"{m} {n}" for m, n in insns.items())
    print(f"| {name} | {methods} | {mark(peak, STACK_BUDGET)} "
          f"| {stacks.get('aliyun_mqtt_client_id', 0)} | {stacks.get('aliyun_mqtt_password', 0)} "
          f"| {stacks.get('aliyun_mqtt_host', 0)} | {mark(sign_insns, limit)} ({limit or '-'}) | {per} |")
for f in failures:
    print("FAIL:", f, file=sys.stderr)
checks = len(rows) * (len(PATHS) + 6)
print(f"{max(checks - len(failures), 0)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
