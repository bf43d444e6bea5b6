"""The demo's child processes: each `mm` app started as a user would, supervised, stopped in order.

A child writes its log (JSON, since it is not on a terminal) to its own file, so the demo's terminal shows
only the live view. A child that exits on its own while the demo runs ends the demo: a silent partial
system would show a person something that is not what `mm` does.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(slots=True)
class Child:
    """One supervised process: its name, its `mm` arguments, its environment and its log file."""

    name: str
    args: tuple[str, ...]
    env: dict[str, str]
    log_path: Path
    process: asyncio.subprocess.Process | None = field(default=None, repr=False)
    was_terminated: bool = field(default=False, repr=False)

    async def start(self, *, stdout_pipe: bool = False) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "mm.apps.cli",
                *self.args,
                env=self.env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE if stdout_pipe else log,
                stderr=log,
                start_new_session=True,  # Ctrl-C reaches the demo only; it stops the children in order
            )

    @property
    def exit_code(self) -> int | None:
        return None if self.process is None else self.process.returncode

    @property
    def is_running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def stop(self, timeout_s: float) -> int | None:
        """SIGTERM, then wait; SIGKILL past `timeout_s`. Returns the exit code (None: never started)."""
        if self.process is None:
            return None
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
                self.was_terminated = True
            try:
                await asyncio.wait_for(self.process.wait(), timeout_s)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    self.process.kill()
                await self.process.wait()
        return self.process.returncode

    @property
    def stopped_while_starting(self) -> bool:
        """Our SIGTERM ended it before it set its own handler: it was still importing, nothing to clean up."""
        return self.was_terminated and self.exit_code == -signal.SIGTERM

    def log_tail(self, lines: int = 5) -> str:
        """The last lines of the child's log, for the one line that says why the demo stopped."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


async def read_settings_block(child: Child, timeout_s: float) -> dict[str, str]:
    """The `KEY=value` lines `mm fake-exchange` prints, up to its `SYMBOL=` line."""
    if child.process is None or child.process.stdout is None:
        raise RuntimeError("the fake exchange was not started with its output piped")
    settings: dict[str, str] = {}
    async with asyncio.timeout(timeout_s):
        while "SYMBOL" not in settings:
            line = (await child.process.stdout.readline()).decode()
            if not line:
                raise RuntimeError(f"the fake exchange exited before printing its settings: {child.log_tail()}")
            text = line.strip()
            if text and not text.startswith("#"):
                key, _, value = text.partition("=")
                settings[key] = value
    return settings


async def read_prefixed_line(child: Child, prefix: str, timeout_s: float) -> str:
    """The rest of the first line the child prints that starts with `prefix` (e.g. the dashboard's address)."""
    if child.process is None or child.process.stdout is None:
        raise RuntimeError(f"{child.name} was not started with its output piped")
    async with asyncio.timeout(timeout_s):
        while True:
            line = (await child.process.stdout.readline()).decode()
            if not line:
                raise RuntimeError(f"{child.name} exited before it was ready: {child.log_tail()}")
            if line.startswith(prefix):
                return line.removeprefix(prefix).strip()
