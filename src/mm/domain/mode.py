"""The NORMAL / DEFENSIVE / PAUSE operating mode of the quoting strategy. No I/O."""

from __future__ import annotations

from enum import StrEnum


class Mode(StrEnum):
    """Operating modes, ordered by priority: PAUSE over DEFENSIVE over NORMAL."""

    NORMAL = "NORMAL"
    DEFENSIVE = "DEFENSIVE"
    PAUSE = "PAUSE"

    @property
    def priority(self) -> int:
        return _PRIORITY[self]


_PRIORITY = {Mode.NORMAL: 0, Mode.DEFENSIVE: 1, Mode.PAUSE: 2}
