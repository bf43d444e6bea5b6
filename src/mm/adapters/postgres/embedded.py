"""The embedded Postgres a new user gets when `DATABASE_URL` is not set (PyPI `pgserver`).

One data folder under `MM_HOME` is reused across runs. pgserver keeps a list of the processes that
hold the server, so two apps started together share one server, and the last one to exit stops it.
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path

import structlog

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
        """Start or join the server; return a `postgresql+psycopg://` URL over its unix socket."""
        self._data_dir.parent.mkdir(parents=True, exist_ok=True)
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
            self._server.cleanup()  # type: ignore[attr-defined]
            self._server = None
