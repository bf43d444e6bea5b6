"""Which Postgres an app uses: `DATABASE_URL`, or the embedded server under `MM_HOME`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from mm.adapters.postgres import migrations
from mm.adapters.postgres.embedded import EmbeddedPostgres
from mm.apps.settings import CommonSettings, exit_bad_settings


@contextmanager
def open_database(settings: CommonSettings, *, migrate: bool = True) -> Iterator[str]:
    """Yield a database URL for the app's lifetime.

    With no `DATABASE_URL` the embedded server is started (or joined) and migrated to head, so a
    new user needs nothing. A configured server is never migrated implicitly: an app refuses to
    start on a schema that is not at head.
    """
    if settings.database_url is not None:
        url = settings.database_url.get_secret_value()
        if migrate:
            current, head = migrations.current_revision(url), migrations.head_revision()
            if current != head:
                exit_bad_settings(f"database schema is at {current}, not {head}: run `mm db upgrade` first")
        yield url
        return
    embedded = EmbeddedPostgres(settings.embedded_pgdata)
    url = embedded.start()
    try:
        if migrate:
            migrations.upgrade(url)
        yield url
    finally:
        embedded.stop()
