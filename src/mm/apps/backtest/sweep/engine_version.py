"""The engine's version as a digest of the code that decides a run's result.

A stored run is reused only when its key (data, params, settings and this digest) matches, so any
change to the strategy, the replay or the simulated exchange recomputes every run it could change.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import mm

_RESULT_PACKAGES = ("domain", "usecases", "adapters/sim", "adapters/files", "apps/backtest/simulated_venue.py")


@cache  # the code does not change while a process runs; hashing it once is enough
def engine_version() -> str:
    root = Path(mm.__file__).parent
    digest = hashlib.sha256()
    for part in _RESULT_PACKAGES:
        path = root / part
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(root)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]
