"""Keeps the README's code in step with the library:

- every ```c block is compiled and linked against the header and the static
  library (its #include lines first, the rest inside `int main(void)` unless
  the block defines main itself); a block that includes MQTTClient.h is
  linked with Paho too;
- every ```make block is run with make on a small program, linked against
  the static library, and the program runs;
- the ```text block after the line `<!-- aliyun-mqtt-sign --help -->` equals
  what `aliyun-mqtt-sign --help` prints.

Usage: readme_test.py README CC STATIC_LIB SOURCE_DIR WORK_DIR CLI PAHO_LIB
"""
import os
import re
import shutil
import subprocess
import sys

readme, cc, static_lib, source, work, cli, paho_lib = sys.argv[1:8]
text = open(readme, encoding="utf-8").read()
checks = failures = 0


def check(cond, what):
    global checks, failures
    checks += 1
    if not cond:
        failures += 1
        print("FAIL:", what, file=sys.stderr)


def blocks(lang):
    """(line number, body) of every fenced block of the language."""
    for m in re.finditer(rf"^```{lang}\n(.*?)^```$", text, re.M | re.S):
        yield text.count("\n", 0, m.start()) + 1, m.group(1)


shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
include = os.path.join(source, "include")

c_blocks = list(blocks("c"))
check(c_blocks, "the README has C examples")
for line, body in c_blocks:
    lines = body.splitlines()
    head = [l for l in lines if l.startswith("#include")]
    rest = [l for l in lines if not l.startswith("#include")]
    if re.search(r"\bmain\s*\(", body):
        program = body
    else:
        program = "\n".join(head + ["int main(void) {"] + rest + ["    return 0;", "}", ""])
    path = os.path.join(work, f"readme_{line}.c")
    with open(path, "w") as f:
        f.write(program)
    libs = [static_lib]
    if "MQTTClient.h" in body:
        libs.append(paho_lib)
    r = subprocess.run(
        [cc, "-std=c11", "-Wall", "-Wextra", "-Werror", "-Wno-unused-variable",
         "-Wno-unused-but-set-variable", "-I", include, path, *libs, "-o", path[:-2]],
        capture_output=True, text=True)
    check(r.returncode == 0, f"README.md:{line}: the C example does not build:\n{r.stderr}")

make_blocks = list(blocks("make"))
check(make_blocks, "the README has a Makefile example")
app = os.path.join(source, "tests", "cmake_consumer", "consumer.c")
for line, body in make_blocks:
    d = os.path.join(work, f"make_{line}")
    os.makedirs(d)
    shutil.copy(app, os.path.join(d, "app.c"))
    with open(os.path.join(d, "Makefile"), "w") as f:
        f.write(body)
    r = subprocess.run(["make", "-C", d, f"CC={cc}", f"ALIYUN_MQTT_SIGN_DIR={source}",
                        f"ALIYUN_MQTT_SIGN_LIB={static_lib}"], capture_output=True, text=True)
    check(r.returncode == 0, f"README.md:{line}: make failed:\n{r.stdout}{r.stderr}")
    if r.returncode == 0:
        run = subprocess.run([os.path.join(d, "app")], capture_output=True, text=True, timeout=30)
        check(run.returncode == 0, f"README.md:{line}: the program exited {run.returncode}")

m = re.search(r"^<!-- aliyun-mqtt-sign --help -->\n```text\n(.*?)^```$", text, re.M | re.S)
check(m, "the README shows `aliyun-mqtt-sign --help`")
if m:
    r = subprocess.run([cli, "--help"], capture_output=True, text=True, timeout=30)
    check(r.returncode == 0 and r.stdout == m.group(1),
          "the README's `aliyun-mqtt-sign --help` differs from the tool's:\n" + r.stdout)

print(f"{checks - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
