"""The demo's reflections: `mm reflect --window-end <now>` every few seconds, one run at a time.

`mm reflect --loop` reflects on the last full clock hour, and a demo of a few minutes has nothing in it
(unless it happens to cross the hour), so the executor would never get a proposal to apply or reject. The demo
therefore runs the reflector itself, on the hour up to now, as a person would with `--window-end`: each run is
a new window, so each may store a proposal, and the executor decides on the newest one within
`PROPOSAL_CHECK_INTERVAL_S`. A run that fails is shown and makes the demo's exit code 1, like a child's.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass

from mm.apps.demo.children import Child
from mm.apps.time_text import iso_utc
from mm.ports.clock import Clock

FIRST_RUN_AFTER_S = 20.0
"""Time for the first fills and their 10 s markouts to be summarized before the first reflection."""
RUN_EVERY_S = 10.0
"""Seconds from the end of one run to the start of the next (a run itself takes a few seconds)."""


@dataclass(slots=True)
class ReflectionTally:
    """What the live view and the summary say about the reflections so far."""

    runs: int = 0
    failed: int = 0
    last_exit_code: int | None = None
    last_outcome: str = ""
    is_running: bool = False

    def line(self) -> str:
        if self.is_running:
            return f"running (run {self.runs + 1})"
        if self.runs == 0:
            return "first run soon"
        outcome = self.last_outcome if self.last_exit_code == 0 else f"exit {self.last_exit_code}"
        return f"{self.runs} run(s), last: {outcome}"

    @property
    def exit_code(self) -> int:
        """0 when every run (or none) succeeded, else the last failed run's code (1 at least)."""
        return 0 if self.failed == 0 else max(1, self.last_exit_code or 1)


class ReflectionRuns:
    """Start `mm reflect --window-end` children on a schedule, from `start()` until `stop()`."""

    def __init__(self, reflect_until: Callable[[str], Child], clock: Clock, stop_timeout_s: float) -> None:
        self._reflect_until = reflect_until
        self._clock = clock
        self._stop_timeout_s = stop_timeout_s
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._current: Child | None = None
        self.tally = ReflectionTally()

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run_until_stopped())

    async def stop(self) -> int:
        """Let a run in progress finish (it is short); past the timeout it is stopped and counts as failed."""
        self._stop.set()
        if self._task is None:
            return self.tally.exit_code
        try:
            await asyncio.wait_for(asyncio.shield(self._task), self._stop_timeout_s)
        except TimeoutError:
            if self._current is not None:
                await self._current.stop(self._stop_timeout_s)
            await self._task
        return self.tally.exit_code

    async def _run_until_stopped(self) -> None:
        """First run after `FIRST_RUN_AFTER_S`, then one every `RUN_EVERY_S` after the previous ended."""
        if await _stopped_within(self._stop, FIRST_RUN_AFTER_S):
            return
        while not self._stop.is_set():
            await self._run_once()
            if await _stopped_within(self._stop, RUN_EVERY_S):
                return

    async def _run_once(self) -> None:
        window_end = iso_utc(self._clock.now_ms() // 1000 * 1000)
        assert window_end is not None
        child = self._reflect_until(window_end)
        self._current = child
        self.tally.is_running = True
        try:
            await child.start(stdout_pipe=True)
            assert child.process is not None
            assert child.process.stdout is not None
            printed = (await child.process.stdout.read()).decode(errors="replace")
            exit_code: int | None = await child.process.wait()
        finally:
            self._current = None
            self.tally.is_running = False
        self.tally.runs += 1
        self.tally.last_exit_code = exit_code
        self.tally.last_outcome = outcome_of(printed)
        if exit_code != 0:
            self.tally.failed += 1


def outcome_of(printed: str) -> str:
    """`stored`, `no_change`, `no_activity`, ...: the outcome `mm reflect` printed last, after its window."""
    outcomes = [line.split(": ", 1)[1].split()[:1] for line in printed.splitlines() if ": " in line]
    return outcomes[-1][0] if outcomes and outcomes[-1] else "nothing printed"


async def _stopped_within(stop: asyncio.Event, seconds: float) -> bool:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
    return stop.is_set()
