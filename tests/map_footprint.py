"""Bytes of flash and RAM that input files matching a pattern contribute to a
GNU ld image, read from its map file (-Wl,-Map=...).

Usage: map_footprint.py MAP [PATTERN]   (default pattern: libaliyun_mqtt_sign.a)
Prints "flash=N ram=N". Flash counts the sections placed in the image's
loadable output sections (.text, .rodata, .data, .ARM.exidx and the like);
RAM counts .data and .bss."""
import re
import sys

FLASH = (".vectors", ".text", ".rodata", ".ARM.exidx", ".ARM.extab", ".data")
RAM = (".data", ".bss")


def footprint(map_path, pattern="libaliyun_mqtt_sign.a"):
    flash = ram = 0
    output = None
    started = False
    pending = None  # an input section name alone on its line
    for line in open(map_path, encoding="utf-8", errors="replace"):
        if line.startswith("Linker script and memory map"):
            started = True
            continue
        if not started:
            continue
        out = re.match(r"^(\.[\w.]+)\s", line) or re.match(r"^(\.[\w.]+)$", line.rstrip())
        if out:
            output = out.group(1)
            pending = None
            continue
        alone = re.match(r"^ (\.\S+|COMMON)$", line.rstrip())
        if alone:
            pending = alone.group(1)
            continue
        m = re.match(r"^ ?(\S+)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(.*)$", line.rstrip())
        if m and (m.group(1) or pending):
            size = int(m.group(3), 16)
            source = m.group(4)
            pending = None
            if pattern in source and output:
                if output.startswith(FLASH):
                    flash += size
                if output.startswith(RAM):
                    ram += size
            continue
        pending = None
    return flash, ram


if __name__ == "__main__":
    f, r = footprint(sys.argv[1], *(sys.argv[2:3]))
    print(f"flash={f} ram={r}")
