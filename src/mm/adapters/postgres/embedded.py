"""The embedded Postgres a new user gets when `DATABASE_URL` is not set (PyPI `pgserver`).

One data folder under `MM_HOME` is reused across runs. pgserver keeps a list of the processes that
hold the server, so two apps started together share one server, and the last one to exit stops it.
Its own lock lives under `XDG_RUNTIME_DIR`, which apps started from different shells may not share,
so starting and releasing also hold a file lock beside the data folder: one server per `MM_HOME`.
"""

from __future__ import annotations

import fcntl
import logging
import os
import subprocess
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import structlog

from mm.ports.errors import StoreUnavailable

log = structlog.get_logger(__name__)


class EmbeddedPostgres:
    """Starts (or joins) the embedded server on demand and gives its SQLAlchemy URL."""

    def __init__(self, data_dir: Path) -> None:
        self._data_dir = data_dir
        self._server: object | None = None

    @property
    def data_dir(self) -> Path:
        return self._data_dir

    def start(self) -> str:
        """Start or join the server; return a `postgresql+psycopg://` URL over its unix socket.

        Raises `StoreUnavailable` when it cannot (folder not writable, initdb or pg_ctl failed).
        """
        try:
            with self._exclusive():
                return self._start()
        # pgserver reports its failures as these: subprocess errors of initdb/pg_ctl, OSError, RuntimeError.
        except (OSError, subprocess.SubprocessError, RuntimeError) as error:
            raise StoreUnavailable(
                f"the embedded Postgres under {self._data_dir} did not start: {_failure_detail(error)} "
                "(pgserver logged the details)"
            ) from error

    def _start(self) -> str:
        # pgserver keeps its lock under XDG_RUNTIME_DIR, read when it is imported, and warns if unset.
        os.environ.setdefault("XDG_RUNTIME_DIR", str(self._data_dir.parent / "run"))
        runtime_dir = Path(os.environ["XDG_RUNTIME_DIR"])
        runtime_dir.mkdir(parents=True, exist_ok=True)
        if runtime_dir == self._data_dir.parent / "run":
            runtime_dir.chmod(0o700)
        import pgserver

        logging.getLogger("pgserver").setLevel(logging.WARNING)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            server = pgserver.get_server(self._data_dir, cleanup_mode="stop")  # type: ignore[attr-defined]
        self._server = server
        uri: str = server.get_uri()
        log.info("embedded_postgres_started", data_dir=str(self._data_dir))
        return uri.replace("postgresql://", "postgresql+psycopg://", 1)

    def stop(self) -> None:
        """Release our handle; the server stops when no other process holds it."""
        if self._server is not None:
            with self._exclusive():
                self._server.cleanup()  # type: ignore[attr-defined]
            self._server = None

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        """Hold the data folder's start-and-stop lock; the other processes of this MM_HOME wait."""
        self._data_dir.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self._data_dir.with_name(f".{self._data_dir.name}.lock")
        with lock_path.open("a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)


def _failure_detail(error: Exception) -> str:
    """The failing program and its status, rather than the full command line pgserver ran."""
    if isinstance(error, subprocess.CalledProcessError):
        command = error.cmd if isinstance(error.cmd, list | tuple) else str(error.cmd).split()
        program = Path(str(command[0])).name if command else "a command"
        return f"{program} exited with status {error.returncode}"
    return " ".join(str(error).split())
