"""Where the reflector writes the reasoning behind each proposal, for people to audit."""

from __future__ import annotations

from typing import Protocol

from mm.domain.reasoning_record import ReasoningReceipt, ReasoningRecord


class ReasoningSink(Protocol):
    async def write(self, record: ReasoningRecord) -> ReasoningReceipt:
        """Write the record completely or not at all, and return where and its sha256.

        Raises `ReasoningWriteFailed` when it could not be written; nothing is then left at the path.
        """
        ...

    async def read(self, path: str) -> bytes:
        """The bytes written at `path` by this sink, to check them against a stored sha256.

        Raises `RecordNotFound` when nothing is there (or the path is not one of this sink's).
        """
        ...
