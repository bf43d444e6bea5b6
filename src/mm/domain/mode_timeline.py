"""How long the strategy spent in each mode, and quoting, over a window of time. Pure values, no I/O.

The executor records a decision on every tick. A decision's mode holds until the next decision, but
never longer than `max_hold_ms`: a longer silence means the executor was not running, and that time
counts in no mode and not as quoting.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass

from mm.domain.mode import Mode


@dataclass(frozen=True, slots=True)
class DecisionSample:
    """One executor decision as the summary needs it: its mode and whether both quotes were live."""

    ts_ms: int
    mode: Mode
    is_quoting_both_sides: bool


@dataclass(frozen=True, slots=True)
class ModeTimes:
    """Milliseconds spent per mode and quoting both sides within one window, and the PAUSEs entered."""

    normal_ms: int = 0
    defensive_ms: int = 0
    pause_ms: int = 0
    quoting_ms: int = 0
    pause_entries: int = 0

    @property
    def covered_ms(self) -> int:
        return self.normal_ms + self.defensive_ms + self.pause_ms


class ModeTimeline:
    """The decisions of one market in time order, queried window by window."""

    __slots__ = ("_decisions", "_ts_ms")

    def __init__(self, decisions: Iterable[DecisionSample]) -> None:
        self._decisions = tuple(sorted(decisions, key=lambda decision: decision.ts_ms))
        self._ts_ms = [decision.ts_ms for decision in self._decisions]

    def times_between(self, start_ms: int, end_ms: int, max_hold_ms: int) -> ModeTimes:
        """Mode and quoting time within [start_ms, end_ms), and PAUSE entries decided inside it.

        A PAUSE entry is a PAUSE decision whose predecessor (however old) was not PAUSE.
        """
        if end_ms <= start_ms:
            return ModeTimes()
        first = max(0, bisect_left(self._ts_ms, start_ms) - 1)
        last = min(len(self._decisions), bisect_left(self._ts_ms, end_ms) + 1)
        held = {Mode.NORMAL: 0, Mode.DEFENSIVE: 0, Mode.PAUSE: 0}
        quoting_ms = pause_entries = 0
        for index in range(first, last):
            decision = self._decisions[index]
            following = self._decisions[index + 1].ts_ms if index + 1 < len(self._decisions) else None
            hold_end_ms = (
                decision.ts_ms + max_hold_ms if following is None else min(following, decision.ts_ms + max_hold_ms)
            )
            overlap_ms = max(0, min(hold_end_ms, end_ms) - max(decision.ts_ms, start_ms))
            held[decision.mode] += overlap_ms
            if decision.is_quoting_both_sides:
                quoting_ms += overlap_ms
            if start_ms <= decision.ts_ms < end_ms and self._enters_pause(index):
                pause_entries += 1
        return ModeTimes(held[Mode.NORMAL], held[Mode.DEFENSIVE], held[Mode.PAUSE], quoting_ms, pause_entries)

    def _enters_pause(self, index: int) -> bool:
        if self._decisions[index].mode is not Mode.PAUSE:
            return False
        return index == 0 or self._decisions[index - 1].mode is not Mode.PAUSE
