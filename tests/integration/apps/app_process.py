"""Running `mm` apps as an operator does: a subprocess with its own environment and working directory."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

PROCESS_TIMEOUT_S = 120
# Settings the test runner's own environment might carry; each test gives its own.
_DROPPED = (
    "EXTENDED_",
    "SYMBOL",
    "DATABASE_URL",
    "MODEL",
    "OPENAI_",
    "STRATEGY_PARAMS",
    "PAPER_TRADING",
    "LOG_",
    "APP_ENV",
    "MM_HOME",
    "INGEST_",
    "XDG_RUNTIME_DIR",
)


def closed_port() -> int:
    """A loopback port nothing listens on (bound and released at once)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def app_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    kept = {k: v for k, v in os.environ.items() if not k.startswith(_DROPPED)}
    return {**kept, "MM_HOME": str(tmp_path / "home"), "LOG_DIR": str(tmp_path / "logs"), **settings}


def nowhere_venue() -> dict[str, str]:
    """Venue URLs on a closed loopback port: nothing may leave the machine."""
    venue = f"127.0.0.1:{closed_port()}"
    return {"EXTENDED_API_URL": f"http://{venue}/api/v1", "EXTENDED_STREAM_URL": f"ws://{venue}/stream/v1"}


@dataclass(frozen=True, slots=True)
class Finished:
    returncode: int
    stdout: str
    stderr: str

    @property
    def plain_lines(self) -> list[str]:
        """What an operator reads: stderr without the JSON log lines."""
        return [line for line in self.stderr.splitlines() if line.strip() and not line.startswith("{")]

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_mm(args: list[str], env: dict[str, str], cwd: Path, *, module: str = "mm.apps.cli") -> Finished:
    result = subprocess.run(
        [sys.executable, "-m", module, *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT_S,
        check=False,
    )
    return Finished(result.returncode, result.stdout, result.stderr)


async def run_mm_async(args: list[str], env: dict[str, str], cwd: Path) -> Finished:
    """The same, awaitable: for several apps at once, or beside an in-process fake venue."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "mm.apps.cli",
        *args,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), PROCESS_TIMEOUT_S)
    finally:
        if process.returncode is None:
            process.kill()
    assert process.returncode is not None
    return Finished(process.returncode, stdout.decode(errors="replace"), stderr.decode(errors="replace"))
