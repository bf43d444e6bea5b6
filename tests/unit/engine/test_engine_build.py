"""Which engine runs: compiled modules when built and fresh, their Python source when asked for or stale."""

from __future__ import annotations

import importlib.machinery
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mm.engine_build import COMPILED_MODULES, PURE_ENV, build_on_disk, stale_modules

PROBE = (
    "import mm.domain.features, mm.usecases.trading.quote_engine, mm.adapters.sim.exchange as x\n"
    "from mm.engine_build import engine_build\n"
    "print(engine_build().describe()); print(mm.domain.features.__file__); print(x.__file__)\n"
)
EXTENSION = importlib.machinery.EXTENSION_SUFFIXES[0]


def _probe(pure: bool) -> list[str]:
    env = {key: value for key, value in os.environ.items() if key != PURE_ENV}
    if pure:
        env[PURE_ENV] = "1"
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    return done.stdout.splitlines()


def test_the_pure_switch_imports_every_engine_module_from_its_python_source() -> None:
    described, features, exchange = _probe(pure=True)

    assert described == f"engine: pure Python ({PURE_ENV}=1)"
    assert features.endswith("features.py")
    assert exchange.endswith("exchange.py")


def test_without_the_switch_a_fresh_build_runs_compiled() -> None:
    on_disk = build_on_disk()
    if not on_disk.compiled:
        pytest.skip(f"this install has no fresh compiled engine: {on_disk.describe()}")
    described, features, exchange = _probe(pure=False)

    assert described == f"engine: compiled (mypyc, {len(COMPILED_MODULES)} modules)"
    assert features.endswith(EXTENSION)
    assert exchange.endswith(EXTENSION)


def _module_pair(root: Path, module: str, source_age_s: float, extension_age_s: float) -> None:
    source = root.joinpath(*module.split(".")).with_suffix(".py")
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text("x = 1\n")
    extension = source.with_name(source.stem + EXTENSION)
    extension.write_bytes(b"")
    now = source.stat().st_mtime
    os.utime(source, (now - source_age_s, now - source_age_s))
    os.utime(extension, (now - extension_age_s, now - extension_age_s))


def test_a_source_edited_after_its_build_is_stale(tmp_path: Path) -> None:
    _module_pair(tmp_path, "mm.domain.edited", source_age_s=0, extension_age_s=60)
    _module_pair(tmp_path, "mm.domain.untouched", source_age_s=120, extension_age_s=60)
    _module_pair(tmp_path, "mm.domain.same_install", source_age_s=60, extension_age_s=60.5)

    assert stale_modules(tmp_path, ["mm.domain.edited", "mm.domain.untouched", "mm.domain.same_install"]) == [
        "mm.domain.edited"
    ]


def test_the_value_classes_reject_an_unfrozen_declaration() -> None:
    from mm.domain.value import value

    with pytest.raises(TypeError, match="frozen=True"):
        value(frozen=False)
