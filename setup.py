"""The build: the engine's hot modules (listed in `mm.engine_build`) compiled with mypyc.

Pure Python instead, with a one-line notice, when `MM_PURE_PYTHON=1` is set or no C compiler is found;
a failed compile also falls back to pure Python rather than failing the install. Everything else is
declared in pyproject.toml.
"""

from __future__ import annotations

import ast
import os
import shutil
import sys
import sysconfig
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


def compiled_modules() -> list[str]:
    """COMPILED_MODULES from src/mm/engine_build.py, read without importing mm."""
    tree = ast.parse((ROOT / "src" / "mm" / "engine_build.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "COMPILED_MODULES":
            return list(ast.literal_eval(node.value))
    raise SystemExit("setup.py: COMPILED_MODULES not found in src/mm/engine_build.py")


def c_compiler() -> str | None:
    configured = (os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc").split()[0]
    return shutil.which(configured)


def notice(text: str) -> None:
    print(f"mm build: {text}", file=sys.stderr)  # noqa: T201  (the build's one-line notice)


class LenientBuildExt(build_ext):
    """A compile error leaves the pure-Python engine instead of failing the install."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as error:  # the compiler's errors have no common type
            notice(f"compiling the engine failed ({error}); the pure-Python engine is installed")


def remove_stale_extensions(keep: set[str]) -> None:
    """Delete extensions left in the source tree by an earlier in-place (editable) build of other modules.

    Python prefers an extension to a .py file of the same module, so one left behind would shadow its
    source, or fail to load against a shared library built without it.
    """
    for suffix in EXTENSION_SUFFIXES:
        for path in (ROOT / "src").rglob(f"*{suffix}"):
            module = ".".join(path.relative_to(ROOT / "src").with_name(path.name.removesuffix(suffix)).parts)
            if module not in keep:
                path.unlink()
                notice(f"removed {path.relative_to(ROOT)} (not compiled by this build)")


def extensions() -> list:
    modules = compiled_modules()
    pure = os.environ.get("MM_PURE_PYTHON", "") == "1" or c_compiler() is None
    remove_stale_extensions(set() if pure else {*modules, "mm_engine__mypyc"})
    if os.environ.get("MM_PURE_PYTHON", "") == "1":
        notice("MM_PURE_PYTHON=1: the pure-Python engine is installed")
        return []
    if c_compiler() is None:
        notice("no C compiler found: the pure-Python engine is installed")
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        notice("mypyc is not available: the pure-Python engine is installed")
        return []
    paths = [str(Path("src", *module.split(".")).with_suffix(".py")) for module in modules]
    try:
        return mypycify(["--config-file", "mypyc.ini", *paths], opt_level="3", group_name="mm_engine")
    except (SystemExit, Exception) as error:  # mypyc reports a module it cannot compile by exiting
        notice(f"mypyc cannot compile the engine ({error}); the pure-Python engine is installed")
        return []


setup(ext_modules=extensions(), cmdclass={"build_ext": LenientBuildExt})
