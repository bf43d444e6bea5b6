"""Which engine runs: the hot modules compiled with mypyc, or the same modules as plain Python.

The engine's hot modules (the domain's strategy and values, the quote engine, the replay loop and the
simulated venue) are compiled from this same source by the project's build (`setup.py`, mypyc) where a
C compiler is present; they are listed here once, for the build and for the check below. Everything
else in `mm` is always interpreted.

Pure Python runs instead of the compiled modules when
- `MM_PURE_PYTHON=1` is set at run time (the same install, both engines: parity tests and benchmarks),
- the install has no compiled modules (no C compiler at build time, or `MM_PURE_PYTHON=1` at build), or
- a compiled module is stale: its `.py` file is newer than its compiled extension. In an editable
  install an edited `.py` would otherwise be shadowed silently by the old extension, which Python
  prefers; the notice says to rebuild with `pip install -e .`.

This module is imported by `mm/__init__.py` before any compiled module and is never compiled itself.
"""

from __future__ import annotations

import functools
import importlib.machinery
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import ClassVar

PURE_ENV = "MM_PURE_PYTHON"

COMPILED_MODULES: tuple[str, ...] = (
    "mm.domain.average_cost",
    "mm.domain.day_pnl",
    "mm.domain.decision",
    "mm.domain.decision_log",
    "mm.domain.decision_record",
    "mm.domain.engine_commands",
    "mm.domain.execution_plan",
    "mm.domain.features",
    "mm.domain.instrument",
    "mm.domain.inventory",
    "mm.domain.journal_batch",
    "mm.domain.market_events",
    "mm.domain.market_state",
    "mm.domain.market_tape",
    "mm.domain.memo",
    "mm.domain.mode",
    "mm.domain.no_quote",
    "mm.domain.order_issuer",
    "mm.domain.order_journal",
    "mm.domain.order_outcomes",
    "mm.domain.order_rate_budget",
    "mm.domain.orders",
    "mm.domain.own_orders",
    "mm.domain.pause_guard",
    "mm.domain.quoting",
    "mm.domain.risk",
    "mm.domain.side",
    "mm.domain.snapshot",
    "mm.domain.strategy_snapshot",
    "mm.domain.tape_grid",
    "mm.domain.throttle",
    "mm.domain.tick_grid",
    "mm.domain.windows",
    "mm.usecases.trading.engine_account",
    "mm.usecases.trading.engine_config",
    "mm.usecases.trading.order_sender",
    "mm.usecases.trading.params_in_force",
    "mm.usecases.trading.quote_engine",
    "mm.usecases.trading.request_failures",
    "mm.usecases.backtest.replay",
    "mm.usecases.backtest.replay_columns",
    "mm.usecases.backtest.simulated_executor",
    "mm.adapters.sim.exchange",
    "mm.adapters.sim.fill_models",
    "mm.adapters.sim.gateway",
    "mm.adapters.sim.live_orders",
    "mm.adapters.sim.order_entry",
    "mm.adapters.sim.pending_requests",
    "mm.adapters.sim.sim_account",
    "mm.adapters.sim.sim_order",
    "mm.adapters.sim.top_of_book",
)

_SRC_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class EngineBuild:
    """`compiled` is whether the compiled modules are the ones imported; `reason` says why not."""

    compiled: bool
    reason: str

    def describe(self) -> str:
        if self.compiled:
            return f"engine: compiled (mypyc, {len(COMPILED_MODULES)} modules)"
        return f"engine: pure Python ({self.reason})"


def _source(module: str, root: Path = _SRC_ROOT) -> Path:
    return root.joinpath(*module.split(".")).with_suffix(".py")


def _extension(module: str, root: Path = _SRC_ROOT) -> Path | None:
    source = _source(module, root)
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        candidate = source.with_name(source.stem + suffix)
        if candidate.exists():
            return candidate
    return None


def stale_modules(root: Path = _SRC_ROOT, modules: Sequence[str] = COMPILED_MODULES) -> list[str]:
    """Compiled modules whose source was changed after their extension was built.

    A second of slack: an install from a wheel writes both files at about the same time, in any order.
    """
    stale = []
    for module in modules:
        extension = _extension(module, root)
        if extension is not None and _source(module, root).stat().st_mtime > extension.stat().st_mtime + 1.0:
            stale.append(module)
    return stale


def _inspect() -> EngineBuild:
    if os.environ.get(PURE_ENV, "") == "1":
        return EngineBuild(False, f"{PURE_ENV}=1")
    return build_on_disk()


def build_on_disk() -> EngineBuild:
    """What the install holds, whatever the environment asks for: complete and fresh extensions, or why not."""
    built = [module for module in COMPILED_MODULES if _extension(module) is not None]
    if not built:
        return EngineBuild(False, "not compiled: built without a C compiler or with MM_PURE_PYTHON=1")
    if len(built) < len(COMPILED_MODULES):
        missing = sorted(set(COMPILED_MODULES) - set(built))
        return EngineBuild(False, f"incomplete build, {len(missing)} modules not compiled: run `pip install -e .`")
    stale = stale_modules()
    if stale:
        return EngineBuild(
            False,
            f"compiled modules older than their source ({stale[0]} and {len(stale) - 1} more): run `pip install -e .`",
        )
    return EngineBuild(True, "")


class _SourceOnlyFinder:
    """Finds the compiled modules' `.py` files, so that their extensions are never imported."""

    _finders: ClassVar[dict[str, importlib.machinery.FileFinder]] = {}

    @classmethod
    def find_spec(
        cls, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in _COMPILED or not path:
            return None
        for entry in path:
            finder = cls._finders.get(entry)
            if finder is None:
                finder = importlib.machinery.FileFinder(
                    entry,
                    (importlib.machinery.SourceFileLoader, importlib.machinery.SOURCE_SUFFIXES),
                    (importlib.machinery.SourcelessFileLoader, importlib.machinery.BYTECODE_SUFFIXES),
                )
                cls._finders[entry] = finder
            spec = finder.find_spec(fullname, target)
            if spec is not None:
                return spec
        return None


_COMPILED = frozenset(COMPILED_MODULES)


@functools.cache
def select_engine() -> EngineBuild:
    """Decide once per process; for pure Python, install the finder before any engine module loads."""
    build = _inspect()
    if not build.compiled:
        loaded = sorted(_COMPILED.intersection(sys.modules))
        if loaded:
            raise RuntimeError(f"engine modules imported before the engine was chosen: {loaded}")
        sys.meta_path.insert(0, _SourceOnlyFinder)
        if build.reason.startswith(("compiled modules older", "incomplete")):
            sys.stderr.write(f"mm: {build.describe()}\n")
    return build


def engine_build() -> EngineBuild:
    """The engine this process runs (the one-line description is `engine_build().describe()`)."""
    return select_engine()
