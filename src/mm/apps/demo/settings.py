"""Settings of `mm demo`: only the common ones; the demo decides its children's own."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from mm.apps.settings import CommonSettings


class DemoSettings(CommonSettings):
    """`DATABASE_URL` (unset: the embedded Postgres under `MM_HOME`) and `MM_HOME`, where each run gets a folder."""

    def run_home(self, started: datetime) -> Path:
        """`MM_HOME/demo/<UTC start>`: the run's logs, reasoning files and report."""
        return self.mm_home / "demo" / started.strftime("%Y%m%dT%H%M%SZ")
