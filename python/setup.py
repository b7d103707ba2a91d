"""Builds the shared library with cargo (from the repository this package
lives in), generates the cffi bindings from include/aliyun_mqtt_sign.h and
ships both, with the header, inside the package, so that
`pip install ./python` needs no LD_LIBRARY_PATH and no manual copy. The
version is the crate's, read from Cargo.toml."""
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

try:
    from wheel.bdist_wheel import bdist_wheel
except ImportError:  # pragma: no cover
    bdist_wheel = None

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
HEADER = REPO / "include" / "aliyun_mqtt_sign.h"
LIB = {"darwin": "libaliyun_mqtt_sign.dylib", "win32": "aliyun_mqtt_sign.dll"}.get(
    sys.platform, "libaliyun_mqtt_sign.so")


def crate_version() -> str:
    """The `version` of Cargo.toml's [package] table."""
    text = (REPO / "Cargo.toml").read_text()
    package = re.search(r"^\[package\]\s*$(.*?)(?=^\[|\Z)", text, re.M | re.S)
    match = package and re.search(r'^version\s*=\s*"([^"]+)"', package.group(1), re.M)
    if not match:
        raise RuntimeError("no [package] version in Cargo.toml")
    return match.group(1)


def cdef_module():
    """aliyun_mqtt_sign/_cdef.py, loaded without importing the package."""
    spec = importlib.util.spec_from_file_location("_cdef", HERE / "aliyun_mqtt_sign" / "_cdef.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BuildWithCargo(build_py):
    def run(self):
        import cffi

        target = Path(os.environ.get("CARGO_TARGET_DIR") or REPO / "target")
        # The same cargo invocation as the CMake build, so both share one
        # build in one target directory.
        subprocess.run(
            ["cargo", "rustc", "--lib", "--profile", "release",
             "--manifest-path", str(REPO / "Cargo.toml"), "--target-dir", str(target),
             "--crate-type", "staticlib", "--crate-type", "cdylib"],
            check=True,
        )
        super().run()
        dest = Path(self.build_lib) / "aliyun_mqtt_sign"
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copy2(target / "release" / LIB, dest / LIB)
        shutil.copy2(HEADER, dest / HEADER.name)
        # Out-of-line ABI mode: the header's declarations, parsed now,
        # stored in _ffi.py (no compiler needed, nothing parsed at import).
        builder = cffi.FFI()
        builder.cdef(cdef_module().cdef_from_header(HEADER.read_text()))
        builder.set_source("aliyun_mqtt_sign._ffi", None)
        builder.emit_python_code(str(dest / "_ffi.py"))


class BinaryDistribution(Distribution):
    """Carries a native library: installed to platlib, a platform wheel."""

    def has_ext_modules(self):
        return True


cmdclass = {"build_py": BuildWithCargo}
if bdist_wheel is not None:
    class PlatformWheel(bdist_wheel):
        """The wheel carries a native library: not pure Python."""

        def finalize_options(self):
            super().finalize_options()
            self.root_is_pure = False

        def get_tag(self):
            _, _, plat = super().get_tag()
            return "py3", "none", plat

    cmdclass["bdist_wheel"] = PlatformWheel

setup(version=crate_version(), cmdclass=cmdclass, distclass=BinaryDistribution)
