"""The ingestor's spool: batches Postgres could not take, kept on local disk until it can.

Files under one folder (`LOG_DIR/ingest-spool`), named so that they sort oldest first, are
append-only; every record is fsync'd before `append` returns, so a spooled batch survives a crash.
Batches are replayed first-in first-out, across runs too (a run picks up the files an earlier run
left). A file is deleted once every batch in it was replayed. Each file is held under an
exclusive `flock` by the spool that owns it, so two ingestors sharing a LOG_DIR never take over
each other's files; a file whose owner died is free to take. The methods block on disk I/O:
callers on an event loop run them in a thread. Not thread-safe: one caller at a time.
"""

from __future__ import annotations

import fcntl
import os
import re
from collections import deque
from dataclasses import dataclass
from io import FileIO
from pathlib import Path
from typing import BinaryIO

import structlog

from mm.adapters.postgres.ingest.batch import IngestBatch
from mm.adapters.postgres.ingest.spool_format import (
    RECORD_HEADER,
    CorruptRecord,
    decode_payload,
    encode_record,
    split_record,
    verified_payload,
)

_log = structlog.get_logger(__name__)

SPOOL_SUFFIX = ".spool"
REJECTED_FOLDER = "rejected"
REJECTED_ROWS_SUFFIX = ".rows.jsonl"
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]")


@dataclass(slots=True)
class _SpoolFile:
    path: Path
    size: int
    batches: int
    owner: FileIO  # an open handle holding the file's lock while this spool owns it
    read_offset: int = 0


def _locked(handle: FileIO) -> bool:
    """Take the file's exclusive lock; False if another live process holds it."""
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _fsync_folder(folder: Path) -> None:
    """Make a created or deleted file name durable, not only its bytes."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _read_record(handle: BinaryIO, offset: int) -> tuple[bytes, int]:
    """The verified payload at `offset` and the offset after it; `CorruptRecord` if torn."""
    handle.seek(offset)
    header = handle.read(RECORD_HEADER.size)
    length = split_record(header)
    payload = verified_payload(header, handle.read(length))
    return payload, offset + RECORD_HEADER.size + length


def _scan(path: Path, owner: FileIO) -> _SpoolFile:
    """Count a file's whole records and cut off a torn tail (a crash during an append)."""
    size = path.stat().st_size
    offset = batches = 0
    with path.open("rb") as handle:
        while offset < size:
            try:
                _payload, offset_after = _read_record(handle, offset)
            except CorruptRecord as error:
                _log.warning(
                    "ingest_spool_tail_discarded", file=str(path), at=offset, bytes=size - offset, error=str(error)
                )
                break
            offset, batches = offset_after, batches + 1
    if offset < size:
        owner.truncate(offset)
        os.fsync(owner.fileno())
    return _SpoolFile(path, offset, batches, owner)


class IngestSpool:
    """FIFO of spooled batches over the files of one folder."""

    def __init__(self, folder: Path, file_prefix: str) -> None:
        self.folder = folder
        self._prefix = _UNSAFE_NAME.sub("_", file_prefix)
        self._files: deque[_SpoolFile] = deque()
        self._append_file: _SpoolFile | None = None
        self._files_created = 0
        self._peeked: tuple[IngestBatch, int] | None = None

    def recover(self) -> None:
        """Take over the files earlier runs left, oldest first; files a live process owns stay its own."""
        if not self.folder.is_dir():
            return
        for path in sorted(self.folder.glob(f"*{SPOOL_SUFFIX}")):
            owner = FileIO(path, "r+b")
            if not _locked(owner):
                owner.close()
                _log.info("ingest_spool_in_use", file=str(path))
                continue
            spooled = _scan(path, owner)
            if spooled.batches:
                self._files.append(spooled)
                _log.info("ingest_spool_found", file=str(path), batches=spooled.batches, bytes=spooled.size)
            else:
                self._delete(spooled)

    @property
    def pending_batches(self) -> int:
        return sum(spooled.batches for spooled in self._files)

    @property
    def pending_bytes(self) -> int:
        return sum(spooled.size - spooled.read_offset for spooled in self._files)

    @property
    def is_empty(self) -> bool:
        return not self._files

    def append(self, batch: IngestBatch) -> int:
        """Write `batch` durably at the end of the spool; return the record's size in bytes."""
        record = encode_record(batch)
        handle, spooled = self._append_target()
        os.write(handle.fileno(), record)
        os.fsync(handle.fileno())
        spooled.size += len(record)
        spooled.batches += 1
        return len(record)

    def peek(self) -> IngestBatch | None:
        """The oldest spooled batch, or None; it stays spooled until `consume()`."""
        if self._peeked is not None:
            return self._peeked[0]
        if not self._files:
            return None
        oldest = self._files[0]
        with oldest.path.open("rb") as handle:
            payload, offset_after = _read_record(handle, oldest.read_offset)
        batch = decode_payload(payload)
        self._peeked = (batch, offset_after)
        return batch

    def consume(self) -> None:
        """Drop the batch `peek()` returned: it is stored (or rejected)."""
        if self._peeked is None:
            raise RuntimeError("consume() without peek()")
        oldest = self._files[0]
        oldest.read_offset = self._peeked[1]
        oldest.batches -= 1
        self._peeked = None
        if oldest.batches == 0:
            self._delete(self._files.popleft())

    def reject(self, batch: IngestBatch) -> Path:
        """Keep a batch Postgres refused (not for being down) aside, never replayed automatically."""
        folder = self.folder / REJECTED_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{_UNSAFE_NAME.sub('_', batch.batch_id)}{SPOOL_SUFFIX}"
        with path.open("wb") as handle:
            handle.write(encode_record(batch))
            os.fsync(handle.fileno())
        _fsync_folder(folder)
        return path

    def set_aside_rows(self, batch_id: str, lines: list[str]) -> Path:
        """Append rows of `batch_id` that cannot be stored (one JSON line each, with the reason) to its file
        in the rejected folder; never replayed."""
        folder = self.folder / REJECTED_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{_UNSAFE_NAME.sub('_', batch_id)}{REJECTED_ROWS_SUFFIX}"
        is_new = not path.exists()
        with path.open("a", encoding="ascii") as handle:
            handle.write("".join(f"{line}\n" for line in lines))
            handle.flush()
            os.fsync(handle.fileno())
        if is_new:
            _fsync_folder(folder)
        return path

    def close(self) -> None:
        """Let go of every file (and its lock); what is still spooled stays for a later run."""
        for spooled in self._files:
            spooled.owner.close()

    def _append_target(self) -> tuple[FileIO, _SpoolFile]:
        """This run's open spool file, created when there is none (or the last one was used up).

        It is created under a temporary name and locked before it gets its `.spool` name, so no
        other process's `recover` can ever see it unlocked.
        """
        if self._append_file is not None:
            return self._append_file.owner, self._append_file
        self.folder.mkdir(parents=True, exist_ok=True)
        self._files_created += 1
        path = self.folder / f"{self._prefix}-{self._files_created:06d}{SPOOL_SUFFIX}"
        creating = path.with_suffix(".creating")
        handle = FileIO(creating, "xb")
        _locked(handle)
        creating.rename(path)
        _fsync_folder(self.folder)
        spooled = _SpoolFile(path, size=0, batches=0, owner=handle)
        self._append_file = spooled
        self._files.append(spooled)
        return handle, spooled

    def _delete(self, spooled: _SpoolFile) -> None:
        if spooled is self._append_file:
            self._append_file = None
        spooled.path.unlink()
        _fsync_folder(self.folder)
        spooled.owner.close()
