"""Reads the log of one test group and prints how many tests it ran.

    count_tests.py cargo|ctest|fuzz|pytest LOG [EXPECTED]

Exits 1, with one line on stderr, when the group ran no test, skipped or
ignored any, reported a failure, or (with EXPECTED) ran fewer than
EXPECTED. scripts/test.sh calls it once per group, so the test command
cannot pass while a group silently runs nothing.
"""
import re
import sys


def cargo(log):
    """Sums every `test result:` line of cargo test (unit, integration, doc)."""
    results = re.findall(
        r"^test result: (\w+)\. (\d+) passed; (\d+) failed; (\d+) ignored", log, re.M)
    if not results:
        return None, "no `test result:` line"
    passed = sum(int(r[1]) for r in results)
    failed = sum(int(r[2]) for r in results)
    ignored = sum(int(r[3]) for r in results)
    if failed or any(r[0] != "ok" for r in results):
        return None, f"{failed} failed"
    if ignored:
        return None, f"{ignored} ignored"
    return passed, None


def ctest(log):
    """ctest's closing `N% tests passed, F tests failed out of T`."""
    m = re.search(r"^\d+% tests passed, (\d+) tests? failed out of (\d+)", log, re.M)
    if not m:
        return None, "no ctest summary line"
    if int(m.group(1)):
        return None, f"{m.group(1)} failed"
    if re.search(r"\*\*\*(Not Run|Skipped)", log):
        return None, "a test was skipped or not run"
    return int(m.group(2)), None


def fuzz(log):
    """scripts/fuzz.sh: one `== fuzz TARGET` header and one libFuzzer
    `Done N runs` line per target that ran to its time limit."""
    started = re.findall(r"^== fuzz (\S+) ", log, re.M)
    done = re.findall(r"^Done (\d+) runs", log, re.M)
    if len(done) != len(started):
        return None, f"{len(started)} targets started, {len(done)} finished"
    if any(int(n) == 0 for n in done):
        return None, "a target made no run"
    return len(done), None


def pytest(log):
    """pytest -q's closing line: `N passed[, ...] in S s`."""
    lines = [l for l in log.splitlines() if re.search(r"\b(passed|failed|error|no tests ran)\b", l)]
    if not lines:
        return None, "no pytest summary line"
    last = lines[-1]
    for word in ("failed", "error", "skipped", "xfailed", "deselected", "no tests ran"):
        if re.search(rf"\b{word}\b", last):
            return None, last.strip("= ")
    m = re.search(r"(\d+) passed", last)
    return (int(m.group(1)), None) if m else (None, last)


GROUPS = {"cargo": cargo, "ctest": ctest, "fuzz": fuzz, "pytest": pytest}


def main(argv):
    if len(argv) not in (3, 4) or argv[1] not in GROUPS:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    with open(argv[2], encoding="utf-8", errors="replace") as f:
        count, why = GROUPS[argv[1]](f.read())
    if count is None:
        print(f"count_tests: {argv[1]}: {why}", file=sys.stderr)
        return 1
    if count == 0 or (len(argv) == 4 and count < int(argv[3])):
        want = f", expected at least {argv[3]}" if len(argv) == 4 else ""
        print(f"count_tests: {argv[1]}: ran {count} tests{want}", file=sys.stderr)
        return 1
    print(count)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
