"""What a static library of aliyun-mqtt-sign pulls into an image, read off
a real link with every exported function kept as a root:

1. it needs nothing from outside but the mem* family (no allocator, no
   unwinder, no abort, no stdio): the linker's undefined references when
   linked with -nostdlib;
2. no panic is reachable from any exported function: with --gc-sections,
   only code reachable from the exported functions stays in the image, and
   no symbol of Rust's panic machinery (the panic handler, panic_fmt,
   bounds/overflow/unwrap/len-mismatch failures, ...) may be among it.

Usage: no_panic.py CC NM LIB     (exit 1 on a finding)
Also imported by firmware_footprint.py for the Cortex-M archives."""
import os
import re
import subprocess
import sys
import tempfile

ALLOWED_UNDEFINED = {"memcpy", "memmove", "memset", "memcmp", "bcmp", "__aeabi_memcpy",
                     "__aeabi_memcpy4", "__aeabi_memcpy8", "__aeabi_memmove", "__aeabi_memmove4",
                     "__aeabi_memmove8", "__aeabi_memset", "__aeabi_memset4", "__aeabi_memset8",
                     "__aeabi_memclr", "__aeabi_memclr4", "__aeabi_memclr8"}
PANIC = re.compile(r"panic|begin_unwind|_Unwind|unwrap_failed|expect_failed|assert_failed|"
                   r"index_fail|index_len_fail|len_mismatch|bounds_check|overflow|"
                   r"unreachable|abort", re.I)


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


def api(nm, lib):
    out = run([nm, "-g", "--defined-only", lib]).stdout
    return sorted({m.group(1) for m in re.finditer(r"^\S* ?[T] (aliyun_mqtt_\w+)$", out, re.M)})


def check(cc, nm, lib):
    """Returns a list of findings (empty when clean) and a summary line."""
    names = api(nm, lib)
    if len(names) < 30:
        return [f"only {len(names)} exported functions found in {lib}"], ""
    roots = [f"-Wl,--undefined={n}" for n in names]
    base = [cc, "-nostdlib", "-nostartfiles", f"-Wl,-e,{names[0]}", *roots]
    findings = []
    with tempfile.TemporaryDirectory() as d:
        r = run([*base, "-o", os.path.join(d, "needs"), lib])
        needed = set(re.findall(r"undefined reference to `([^']+)'", r.stderr))
        if r.returncode != 0 and not needed:
            findings.append(f"the probe link failed for another reason:\n{r.stderr}")
        bad = sorted(needed - ALLOWED_UNDEFINED)
        if bad:
            findings.append(f"needs forbidden symbols: {bad}")
        probe = os.path.join(d, "probe")
        r = run([*base, "-Wl,--gc-sections", "-Wl,--unresolved-symbols=ignore-all", "-o", probe, lib])
        if r.returncode != 0:
            return findings + [f"probe link failed:\n{r.stderr}"], ""
        symbols = run([nm, probe]).stdout.split("\n")
        kept = {line.split()[-1] for line in symbols if line.strip()}
        missing = [n for n in names if n not in kept]
        if missing:
            findings.append(f"exported functions missing from the probe: {missing}")
        panics = sorted(s for s in kept if PANIC.search(s))
        if panics:
            findings.append(f"panic machinery reachable from the exported functions: {panics}")
    return findings, f"{len(names)} exported functions; needs only {sorted(needed)}; no panic reachable"


if __name__ == "__main__":
    findings, summary = check(*sys.argv[1:4])
    for f in findings:
        print("FAIL:", f)
    if not findings:
        print("ok:", summary)
    sys.exit(1 if findings else 0)
