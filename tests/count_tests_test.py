"""scripts/count_tests.py on the closing output of each runner: the count
when tests ran, a failure when a group ran none, skipped, ignored or failed
some. Usage: count_tests_test.py COUNT_TESTS_PY"""
import os
import subprocess
import sys
import tempfile

SCRIPT = sys.argv[1]
checks = failures = 0


def run(group, log, *extra):
    with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as f:
        f.write(log)
    try:
        r = subprocess.run([sys.executable, SCRIPT, group, f.name, *extra],
                           capture_output=True, text=True, timeout=30)
    finally:
        os.unlink(f.name)
    return r.returncode, r.stdout.strip(), r.stderr


def expect(group, log, count, *extra):
    """count: the number printed, or None for a refusal."""
    global checks, failures
    checks += 1
    code, out, err = run(group, log, *extra)
    ok = (code == 0 and out == str(count)) if count is not None else (code == 1 and out == "")
    ok = ok and (count is not None or err.startswith(f"count_tests: {group}: "))
    if not ok:
        failures += 1
        print(f"FAIL: {group} {log[:60]!r}: exit {code}, {out!r}, {err!r}", file=sys.stderr)


CARGO_OK = """running 11 tests
test result: ok. 11 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.1s
running 0 tests
test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.0s
test result: ok. 4 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 2.0s
"""
expect("cargo", CARGO_OK, 15)
expect("cargo", CARGO_OK, 15, "15")
expect("cargo", CARGO_OK, None, "16")
expect("cargo", "test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured\n", None)
expect("cargo", CARGO_OK + "test result: ok. 2 passed; 0 failed; 1 ignored; 0 measured\n", None)
expect("cargo", "test result: FAILED. 2 passed; 1 failed; 0 ignored; 0 measured\n", None)
expect("cargo", "error: could not compile\n", None)

CTEST_OK = """ 1/17 Test  #1: c_api_static .....................   Passed    0.52 sec
17/17 Test #17: broker_e2e .......................   Passed   20.10 sec

100% tests passed, 0 tests failed out of 17
"""
expect("ctest", CTEST_OK, 17)
expect("ctest", "No tests were found!!!\n", None)
expect("ctest", " 2/2 Test  #2: firmware ...***Not Run   0.00 sec\n"
       "50% tests passed, 1 tests failed out of 2\n", None)
expect("ctest", " 1/1 Test  #1: x ....***Skipped   0.00 sec\n"
       "100% tests passed, 0 tests failed out of 1\n", None)
expect("ctest", "94% tests passed, 1 tests failed out of 17\n", None)

FUZZ_OK = """== fuzz auth_reply (60s)
Done 2134567 runs in 61 second(s)
== fuzz verify (60s)
Done 3000 runs in 61 second(s)
"""
expect("fuzz", FUZZ_OK, 2)
expect("fuzz", "", None)
expect("fuzz", "== fuzz auth_reply (60s)\nDone 5 runs in 61 second(s)\n== fuzz verify (60s)\n", None)

expect("pytest", "....\n27 passed in 12.34s\n", 27)
expect("pytest", "27 passed, 2 skipped in 12.34s\n", None)
expect("pytest", "1 failed, 26 passed in 12.34s\n", None)
expect("pytest", "no tests ran in 0.01s\n", None)
expect("pytest", "ERROR: file or directory not found\n", None)

print(f"{checks - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
