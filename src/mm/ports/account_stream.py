"""Our own account's events: order updates, fills, position and balance changes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Protocol

from mm.domain.fill_history_mark import FillHistoryMark
from mm.domain.orders import AccountEvent


class AccountStream(Protocol):
    def events(
        self, symbols: Sequence[str], recorded_until: FillHistoryMark | None = None
    ) -> AsyncIterator[AccountEvent]:
        """Yield account events until closed, re-syncing from REST periodically and after reconnects.

        With `recorded_until`, the fills the venue made since that mark and the record lacks (made
        while no one listened: a restart) come first as `FillEvent`s, each once, oldest first; fills
        it marks as recorded never come. Without it, fills from before the stream went live are history.
        """
        ...

    async def aclose(self) -> None: ...
