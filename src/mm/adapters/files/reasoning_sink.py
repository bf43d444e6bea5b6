"""`ReasoningSink` on the file system: `LOG_DIR/llm/llm-reflection-….json`, written atomically.

The bytes go to a temporary file in the same folder, are fsynced, and are renamed into place
(`os.replace`, atomic on POSIX); the folder is fsynced so the rename survives a crash. Any failure
removes what was written, so a reader never sees a partial file.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

from mm.adapters.files.reasoning_document import reasoning_bytes, reasoning_file_name
from mm.domain.reasoning_record import ReasoningReceipt, ReasoningRecord
from mm.ports.errors import ReasoningWriteFailed, RecordNotFound


class FileReasoningSink:
    def __init__(self, log_dir: Path) -> None:
        self.directory = log_dir / "llm"

    async def write(self, record: ReasoningRecord) -> ReasoningReceipt:
        return await asyncio.to_thread(self._write, record)

    async def read(self, path: str) -> bytes:
        return await asyncio.to_thread(self._read, path)

    def _write(self, record: ReasoningRecord) -> ReasoningReceipt:
        data = reasoning_bytes(record)
        final = self.directory / reasoning_file_name(record)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            if final.exists():
                raise FileExistsError(f"{final} already exists")
            _write_atomically(final, data)
        except OSError as error:
            raise ReasoningWriteFailed(f"could not write {final}: {error}") from error
        return ReasoningReceipt(str(final), hashlib.sha256(data).hexdigest(), data)

    def _read(self, path: str) -> bytes:
        candidate = Path(path)
        if candidate.parent.resolve() != self.directory.resolve() or not candidate.name.startswith("llm-reflection-"):
            raise RecordNotFound(f"{path} is not a reasoning file of {self.directory}")
        try:
            return candidate.read_bytes()
        except FileNotFoundError as error:
            raise RecordNotFound(f"no reasoning file at {path}") from error
        except OSError as error:  # unreadable (permissions, a folder at the path): as good as missing
            raise RecordNotFound(f"cannot read the reasoning file at {path}: {error}") from error


def _write_atomically(final: Path, data: bytes) -> None:
    descriptor, temporary = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, final)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    try:
        _fsync_directory(final.parent)
    except OSError:
        # The rename may not be durable: better no file than one that can vanish after a crash.
        final.unlink(missing_ok=True)
        raise


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
