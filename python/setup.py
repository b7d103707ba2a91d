"""Builds libaliyun_mqtt_sign.so with cargo (from the repository this
package lives in) and ships it inside the package, so that
`pip install ./python` needs no LD_LIBRARY_PATH and no manual copy."""
import os
import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

try:
    from wheel.bdist_wheel import bdist_wheel
except ImportError:  # pragma: no cover
    bdist_wheel = None

REPO = Path(__file__).resolve().parent.parent
LIB = "libaliyun_mqtt_sign.so"


class BuildWithCargo(build_py):
    def run(self):
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

setup(cmdclass=cmdclass)
