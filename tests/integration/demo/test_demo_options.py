"""`mm demo` refuses bad options at once, with one plain line, before any database or process starts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration


def test_a_missing_recording_is_a_bad_option_named_before_anything_starts(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXTENDED_", "SYMBOL", "DATABASE_URL"))}
    result = subprocess.run(
        [sys.executable, "-m", "mm.apps.cli", "demo", "--data", str(tmp_path / "nothing"), "--minutes", "1"],
        env={**env, "MM_HOME": str(tmp_path)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"bad options: --data {tmp_path / 'nothing'}: no {tmp_path / 'nothing'}.bbo.csv[.gz] "
        "(a recorded set of best bid/offer rows)"
    ]
    assert not (tmp_path / "pgdata").exists()
