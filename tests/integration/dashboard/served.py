"""`mm dashboard` as an operator starts it: a subprocess on a free loopback port, stopped with SIGTERM."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mm.apps.dashboard.cli import ADDRESS_LINE_PREFIX
from tests.integration.apps.app_process import app_env

START_TIMEOUT_S = 60


@contextmanager
def served_dashboard(tmp_path: Path, **settings: str) -> Iterator[str]:
    """The dashboard's base URL (`http://127.0.0.1:PORT/`) while it runs."""
    env = app_env(tmp_path, DASHBOARD_PORT="0", **settings)
    process = subprocess.Popen(
        [sys.executable, "-m", "mm.apps.cli", "dashboard"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield _address(process)
    finally:
        exit_code = _stopped(process)
    assert exit_code == 0, f"mm dashboard did not stop cleanly on SIGTERM: exit {exit_code}"


def _stopped(process: subprocess.Popen[str]) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


def _address(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    os.set_blocking(process.stdout.fileno(), True)
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if not selector.select(timeout=1):
                if process.poll() is not None:
                    break
                continue
            line = process.stdout.readline()
            if line.startswith(ADDRESS_LINE_PREFIX):
                return line.removeprefix(ADDRESS_LINE_PREFIX).split()[0]
            if not line and process.poll() is not None:
                break
    stderr = process.stderr.read() if process.stderr and process.poll() is not None else ""
    raise AssertionError(f"mm dashboard did not start: {stderr[-2000:]}")
