"""Keeps the README's code in step with the library:

- every ```c block is compiled and linked against the header and the static
  library (its #include lines first, the rest inside `int main(void)` unless
  the block defines main itself); a block that includes MQTTClient.h is
  linked with Paho too;
- every ```make block is run with make on a small program, linked against
  the static library, and the program runs;
- the ```toml dependency line and the ```rust program are built and run as a
  new Cargo project;
- the ```text block after the line `<!-- aliyun-mqtt-sign --help -->` equals
  what `aliyun-mqtt-sign --help` prints.

Usage: readme_test.py README CC STATIC_LIB SOURCE_DIR WORK_DIR CLI PAHO_LIB
"""
import hashlib
import hmac
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
    # The Makefile's own defaults: the library checked out beside the
    # application as ../aliyun-mqtt-sign, the archive where cargo put it
    # (under $CARGO_TARGET_DIR when set, else under the checkout's target/).
    target_dir = os.path.dirname(os.path.dirname(static_lib))
    layout = os.path.join(work, f"layout_{line}")
    os.makedirs(os.path.join(layout, "app"))
    os.symlink(os.path.abspath(source), os.path.join(layout, "aliyun-mqtt-sign"))
    shutil.copy(app, os.path.join(layout, "app", "app.c"))
    with open(os.path.join(layout, "app", "Makefile"), "w") as f:
        f.write(body)
    envs = [("CARGO_TARGET_DIR set", dict(os.environ, CARGO_TARGET_DIR=target_dir))]
    if os.path.realpath(target_dir) == os.path.realpath(os.path.join(source, "target")):
        envs.append(("CARGO_TARGET_DIR unset",
                     {k: v for k, v in os.environ.items() if k != "CARGO_TARGET_DIR"}))
    for what, env in envs:
        for leftover in ("app", "app.o"):
            if os.path.exists(os.path.join(layout, "app", leftover)):
                os.remove(os.path.join(layout, "app", leftover))
        r = subprocess.run(["make", "-C", os.path.join(layout, "app"), f"CC={cc}"],
                           capture_output=True, text=True, env=env)
        check(r.returncode == 0,
              f"README.md:{line}: make with the defaults ({what}) failed:\n{r.stdout}{r.stderr}")
        if r.returncode == 0:
            run = subprocess.run([os.path.join(layout, "app", "app")], capture_output=True,
                                 text=True, timeout=30)
            check(run.returncode == 0,
                  f"README.md:{line}: the program built with the defaults exited {run.returncode}")

# The Rust section: a new Cargo project with the README's dependency line (its
# path pointed at this checkout) and its program, built and run with cargo.
toml_blocks = list(blocks("toml"))
rust_blocks = list(blocks("rust"))
check(len(toml_blocks) == 1 and len(rust_blocks) == 1,
      "the README has one Cargo dependency block and one Rust program")
if toml_blocks and rust_blocks:
    (tline, tbody), (rline, rbody) = toml_blocks[0], rust_blocks[0]
    dep = re.sub(r'path = "[^"]*"', f'path = "{os.path.abspath(source)}"', tbody)
    check(dep != tbody, f"README.md:{tline}: the dependency is a path dependency")
    proj = os.path.join(work, "rust_app")
    os.makedirs(os.path.join(proj, "src"))
    with open(os.path.join(proj, "Cargo.toml"), "w") as f:
        f.write('[package]\nname = "readme-app"\nversion = "0.0.0"\nedition = "2021"\n\n'
                "[workspace]\n\n" + dep)
    with open(os.path.join(proj, "src", "main.rs"), "w") as f:
        f.write(rbody)
    r = subprocess.run(["cargo", "run", "--quiet", "--manifest-path",
                        os.path.join(proj, "Cargo.toml")],
                       capture_output=True, text=True, timeout=900)
    check(r.returncode == 0, f"README.md:{rline}: the Rust program does not build or run:\n"
          f"{r.stderr}")
    # PROTOCOL.md §1.2-1.3: clientId defaults to pk.dn, no timestamp.
    pk, dn, ds = "a14Xib5kdYd", "light1983432", "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq"
    want = hmac.new(ds.encode(), f"clientId{pk}.{dn}deviceName{dn}productKey{pk}".encode(),
                    hashlib.sha256).hexdigest()
    check(r.returncode == 0 and r.stdout.strip() == want,
          f"README.md:{rline}: the Rust program printed {r.stdout!r}")

m = re.search(r"^<!-- aliyun-mqtt-sign --help -->\n```text\n(.*?)^```$", text, re.M | re.S)
check(m, "the README shows `aliyun-mqtt-sign --help`")
if m:
    r = subprocess.run([cli, "--help"], capture_output=True, text=True, timeout=30)
    check(r.returncode == 0 and r.stdout == m.group(1),
          "the README's `aliyun-mqtt-sign --help` differs from the tool's:\n" + r.stdout)

print(f"{checks - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
