"""The pyproject build on a fresh environment: `pip wheel ./python` makes a
platform wheel carrying the library by its platform name, the generated
bindings, the header and py.typed, versioned as Cargo.toml; a new virtual
environment (no system packages) installs it with its dependency and
imports and signs from outside the source tree."""
import re
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import aliyun_mqtt_sign as ams

REPO = Path(__file__).resolve().parents[2]


def test_wheel_into_a_fresh_venv(tmp_path):
    version = re.search(r'^version\s*=\s*"([^"]+)"', (REPO / "Cargo.toml").read_text(), re.M)[1]
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--disable-pip-version-check", "-w", str(tmp_path / "wheels"),
                    str(REPO / "python")], check=True, timeout=900)
    (wheel,) = (tmp_path / "wheels").glob("*.whl")
    assert wheel.name.startswith(f"aliyun_mqtt_sign-{version}-py3-none-")
    assert not wheel.name.endswith("-any.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for member in (ams.LIBRARY_NAME, "_ffi.py", "aliyun_mqtt_sign.h", "py.typed", "__main__.py"):
        assert f"aliyun_mqtt_sign/{member}" in names

    env = tmp_path / "venv"
    venv.create(env, with_pip=True)
    py = env / ("Scripts" if sys.platform == "win32" else "bin") / "python"
    subprocess.run([str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    str(wheel)], check=True, timeout=900)
    out = subprocess.run(
        [str(py), "-c", "import aliyun_mqtt_sign as a, sys; print(a.__file__); print(a.version()); "
         "print(a.sign('a14Xib5kdYd', 'light1983432', 'oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq', "
         "client_id='SN1928339', timestamp_ms=1539421321846, sign_method='hmacsha1', "
         "secure_mode='tcp').password)"],
        cwd=tmp_path, check=True, capture_output=True, text=True, timeout=120).stdout.split()
    assert out[0].startswith(str(env)) and not out[0].startswith(str(REPO))
    assert out[1:] == [version, "b2488041f64f425016b467ee1c94959ebd592ad1"]
