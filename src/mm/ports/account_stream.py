"""Our own account's events: order updates, fills, position and balance changes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Protocol

from mm.domain.orders import AccountEvent


class AccountStream(Protocol):
    def events(self, symbols: Sequence[str]) -> AsyncIterator[AccountEvent]:
        """Yield account events until closed, re-syncing from REST periodically and after reconnects."""
        ...

    async def aclose(self) -> None: ...
