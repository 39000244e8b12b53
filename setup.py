"""Build script for the optional C accelerator ``jsv._speedups``.

The package metadata lives in ``pyproject.toml``; this file only declares the extension.
Without a working C compiler the build prints a warning and installs the pure-Python
package, unless ``JSV_REQUIRE_SPEEDUPS=1`` is set (CI sets it), which makes it fail.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.errors import CCompilerError, CompileError, ExecError, LinkError, PlatformError

_BUILD_ERRORS = (CCompilerError, CompileError, ExecError, LinkError, PlatformError, OSError)


def _required() -> bool:
    return os.environ.get("JSV_REQUIRE_SPEEDUPS", "") not in ("", "0")


def _warn(error: BaseException) -> None:
    bar = "*" * 75
    sys.stderr.write(
        f"\n{bar}\nWARNING: the C accelerator jsv._speedups could not be built ({error}).\n"
        "jsv is installed as pure Python: it behaves the same, only slower.\n"
        "Set JSV_REQUIRE_SPEEDUPS=1 to make this failure fatal.\n"
        f"{bar}\n\n"
    )


class OptionalBuildExt(build_ext):
    """build_ext that falls back to pure Python when the extension cannot be compiled."""

    def build_extensions(self) -> None:
        if self.compiler.compiler_type == "msvc":
            flags = ["/std:c11", "/O2"]
        else:
            flags = ["-std=c11", "-O3"]
        for ext in self.extensions:
            ext.extra_compile_args = flags + list(ext.extra_compile_args or [])
        super().build_extensions()

    def run(self) -> None:
        try:
            super().run()
        except _BUILD_ERRORS as error:
            if _required():
                raise
            _warn(error)

    def build_extension(self, ext: Any) -> None:
        try:
            super().build_extension(ext)
        except _BUILD_ERRORS as error:
            if _required():
                raise
            _warn(error)


setup(
    ext_modules=[
        Extension(
            "jsv._speedups",
            [
                "jsv/_jsv_module.c",
                "jsv/_jsv_parse.c",
                "jsv/_jsv_typed.c",
                "jsv/_jsv_encode.c",
                "jsv/_jsv_classes.c",
            ],
            depends=["jsv/_jsv.h", "jsv/_jsv_text.h", "jsv/_compat.h"],
            optional=not _required(),
        )
    ],
    cmdclass={"build_ext": OptionalBuildExt},
)
