"""`ReasoningSink` in memory: the same bytes and sha256 as the file sink, kept in a dict.

`fails = True` makes every write raise `ReasoningWriteFailed`, to test what happens then.
"""

from __future__ import annotations

import hashlib

from mm.adapters.files.reasoning_document import reasoning_bytes, reasoning_file_name
from mm.domain.reasoning_record import ReasoningReceipt, ReasoningRecord
from mm.ports.errors import ReasoningWriteFailed, RecordNotFound

PATH_PREFIX = "memory://llm/"


class InMemoryReasoningSink:
    def __init__(self, *, fails: bool = False) -> None:
        self.fails = fails
        self.files: dict[str, bytes] = {}

    async def write(self, record: ReasoningRecord) -> ReasoningReceipt:
        path = PATH_PREFIX + reasoning_file_name(record)
        if self.fails:
            raise ReasoningWriteFailed(f"could not write {path}: the sink is set to fail")
        if path in self.files:
            raise ReasoningWriteFailed(f"could not write {path}: it already exists")
        data = reasoning_bytes(record)
        self.files[path] = data
        return ReasoningReceipt(path, hashlib.sha256(data).hexdigest(), data)

    async def read(self, path: str) -> bytes:
        try:
            return self.files[path]
        except KeyError:
            raise RecordNotFound(f"no reasoning file at {path}") from None
