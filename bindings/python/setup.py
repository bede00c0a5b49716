"""Builds the custmgmt Python package offline, with Debian's setuptools and pybind11.

``pip install --no-build-isolation ./bindings/python`` runs this file. Its build_ext
runs CMake on the repository root (two levels up, or $CUSTMGMT_SOURCE_DIR) to build the
library as a static archive together with the pybind11 extension ``custmgmt._core``,
and copies the extension into the wheel: the wheel needs no libcustmgmt.so at run time,
only the system libraries the library uses (SQLite, libphonenumber, libidn2, Boost.JSON,
and libpqxx when built with PostgreSQL). Nothing is downloaded.

Environment:
  CUSTMGMT_SOURCE_DIR     repository root (default: ../.. from this file)
  CUSTMGMT_WITH_POSTGRES  set to 1/ON to build the PostgreSQL backend in
  CMAKE_ARGS              extra arguments for the CMake configure step
  CMAKE_BUILD_PARALLEL_LEVEL  parallel build jobs (default 2)
  CUSTMGMT_PY_BUILD_DIR   CMake build directory (default: under setuptools' build/)
"""

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
SOURCE_DIR = Path(os.environ.get("CUSTMGMT_SOURCE_DIR", HERE.parent.parent)).resolve()


def read_version() -> str:
    header = SOURCE_DIR / "include" / "custmgmt" / "version.hpp"
    match = re.search(r'#define CUSTMGMT_VERSION_STRING "([^"]+)"', header.read_text())
    if match is None:
        raise RuntimeError(f"no CUSTMGMT_VERSION_STRING in {header}")
    return match.group(1)


class CMakeExtension(Extension):
    """An extension built by CMake rather than by setuptools' compiler."""

    def __init__(self, name: str) -> None:
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext: Extension) -> None:
        if not (SOURCE_DIR / "CMakeLists.txt").is_file():
            raise RuntimeError(
                f"custmgmt sources not found at {SOURCE_DIR}; "
                "build from a checkout or set CUSTMGMT_SOURCE_DIR"
            )
        build_dir = Path(
            os.environ.get("CUSTMGMT_PY_BUILD_DIR") or Path(self.build_temp) / "cmake"
        ).resolve()
        build_dir.mkdir(parents=True, exist_ok=True)
        config = "Debug" if self.debug else "Release"
        postgres = os.environ.get("CUSTMGMT_WITH_POSTGRES", "").upper() in ("1", "ON", "TRUE", "YES")
        configure = [
            "cmake",
            "-S", str(SOURCE_DIR),
            "-B", str(build_dir),
            f"-DCMAKE_BUILD_TYPE={config}",
            # -O2, the level the project's own builds (RelWithDebInfo) are tested
            # at, without their debug info; CMake's Release default is -O3.
            "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG",
            "-DCMAKE_C_FLAGS_RELEASE=-O2 -DNDEBUG",
            f"-DPython3_EXECUTABLE={sys.executable}",
            "-DBUILD_SHARED_LIBS=OFF",
            "-DCUSTMGMT_BUILD_PYTHON=ON",
            "-DCUSTMGMT_BUILD_TESTS=OFF",
            "-DCUSTMGMT_BUILD_EXAMPLES=OFF",
            f"-DCUSTMGMT_WITH_POSTGRES={'ON' if postgres else 'OFF'}",
            *os.environ.get("CMAKE_ARGS", "").split(),
        ]
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", "2")
        build = ["cmake", "--build", str(build_dir), "--target", "custmgmt_python",
                 "--config", config, "--parallel", jobs]
        for command in (configure, build):
            print(" ".join(command), flush=True)
            subprocess.run(command, check=True)

        suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
        built = build_dir / "bindings" / "python" / "custmgmt" / ("_core" + suffix)
        if not built.is_file():
            raise RuntimeError(f"CMake did not produce {built}")
        target = Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(built, target)


setup(
    version=read_version(),
    packages=["custmgmt"],
    package_data={"custmgmt": ["__init__.pyi", "py.typed"]},
    ext_modules=[CMakeExtension("custmgmt._core")],
    cmdclass={"build_ext": CMakeBuild},
    zip_safe=False,
)
