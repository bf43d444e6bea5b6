"""A Postgres server of one test's own, which the test may stop and start while clients use it.

Never the shared server: this one lives in a temporary folder (pgserver's binaries), listens on a
unix socket there, and is stopped for good when the test ends.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import uuid
import warnings
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from mm.adapters.postgres import migrations


class PrivatePostgres:
    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._pgdata = folder / "pgdata"
        self._server: Any = None
        self._socket_dir: Path | None = None
        self._user: str | None = None

    def start(self) -> str:
        """Create and start the server with a migrated database; return its URL."""
        runtime_dir = self._folder / "run"
        runtime_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime_dir))
        import pgserver

        logging.getLogger("pgserver").setLevel(logging.WARNING)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self._server = pgserver.get_server(self._pgdata, cleanup_mode="stop")  # type: ignore[attr-defined]
        self._socket_dir = self._server.get_postmaster_info().socket_dir
        self._user = self._server.system_user
        server_url: str = self._server.get_uri()
        name = f"mm_outage_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        url: str = self._server.get_uri(name)
        migrations.upgrade(url)
        return url

    def stop(self, mode: str = "immediate") -> None:
        """Stop the server; `immediate` is a crash as far as clients and the data folder can tell."""
        self._pg_ctl("-w", "-m", mode, "stop")

    def restart(self) -> None:
        """Start the stopped server again on the same socket."""
        self._pg_ctl("-w", "-o", '-h ""', "-o", f"-k {self._socket_dir}", "-l", str(self._pgdata / "log"), "start")

    def close(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self._pg_ctl("-w", "-m", "fast", "stop")
        if self._server is not None:
            self._server.cleanup()

    def _pg_ctl(self, *args: str) -> None:
        import pgserver

        pgserver.pg_ctl(list(args), pgdata=self._pgdata, user=self._user, timeout=30)  # type: ignore[attr-defined]
