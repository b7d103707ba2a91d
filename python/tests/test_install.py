"""The pyproject build (maturin) on a fresh environment: `pip wheel ./python`
makes a platform wheel carrying the library by its platform name, the
bindings cffi generated, the header and py.typed, versioned as Cargo.toml,
its library the one cargo built in CARGO_TARGET_DIR (the target directory is
shared, not a second build); `pip install ./python` into a new virtual
environment (no system packages) installs it with its dependency, and it
imports and signs from outside the source tree."""
import os
import re
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import aliyun_mqtt_sign as ams

REPO = Path(__file__).resolve().parents[2]
VERSION = re.search(r'^version\s*=\s*"([^"]+)"', (REPO / "Cargo.toml").read_text(), re.M)[1]
PIP = ["-m", "pip", "--disable-pip-version-check"]


def test_pip_wheel_is_a_platform_wheel_with_the_library(tmp_path):
    subprocess.run([sys.executable, *PIP, "wheel", "--quiet", "--no-deps", "-w",
                    str(tmp_path), str(REPO / "python")], check=True, timeout=900)
    (wheel,) = tmp_path.glob("*.whl")
    assert wheel.name.startswith(f"aliyun_mqtt_sign-{VERSION}-py3-none-")
    assert not wheel.name.endswith("-any.whl")
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        for member in (f"_native/{ams.LIBRARY_NAME}", "_native/ffi.py", "_native/__init__.py",
                       "aliyun_mqtt_sign.h", "py.typed", "__init__.py", "__main__.py"):
            assert f"aliyun_mqtt_sign/{member}" in names
        library = z.read(f"aliyun_mqtt_sign/_native/{ams.LIBRARY_NAME}")
        assert z.read("aliyun_mqtt_sign/aliyun_mqtt_sign.h") == \
            (REPO / "include" / "aliyun_mqtt_sign.h").read_bytes()
        assert "Root-Is-Purelib: false" in z.read(
            f"aliyun_mqtt_sign-{VERSION}.dist-info/WHEEL").decode()
    assert library[:4] == b"\x7fELF" if sys.platform.startswith("linux") else len(library) > 10000
    target = Path(os.environ.get("CARGO_TARGET_DIR") or REPO / "target")
    built = target / "release" / {"darwin": "libaliyun_mqtt_sign.dylib",
                                  "win32": "aliyun_mqtt_sign.dll"}.get(sys.platform,
                                                                       "libaliyun_mqtt_sign.so")
    assert built.read_bytes() == library


def test_pip_install_into_a_fresh_venv(tmp_path):
    env = tmp_path / "venv"
    venv.create(env, with_pip=True)
    py = env / ("Scripts" if sys.platform == "win32" else "bin") / "python"
    subprocess.run([str(py), *PIP, "install", "--quiet", str(REPO / "python")], check=True,
                   timeout=900)
    out = subprocess.run(
        [str(py), "-c", "import aliyun_mqtt_sign as a, cffi; print(a.__file__); "
         "print(a.LIBRARY_PATH); print(a.version()); "
         "print(a.sign('a14Xib5kdYd', 'light1983432', 'oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq', "
         "client_id='SN1928339', timestamp_ms=1539421321846, sign_method='hmacsha1', "
         "secure_mode='tcp').password)"],
        cwd=tmp_path, check=True, capture_output=True, text=True, timeout=120).stdout.split()
    assert out[0].startswith(str(env)) and not out[0].startswith(str(REPO))
    assert out[1] == os.path.join(os.path.dirname(out[0]), "_native", ams.LIBRARY_NAME)
    assert out[2:] == [VERSION, "b2488041f64f425016b467ee1c94959ebd592ad1"]
