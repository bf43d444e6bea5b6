"""Which Postgres an app uses: `DATABASE_URL`, or the embedded server under `MM_HOME`.

Opening it is part of every app's start-up, so its failures leave here as typed errors naming the
database (never its credentials): `StoreUnavailable`, `SchemaNotAtHead`, `ConfigError`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from mm.adapters.postgres import migrations
from mm.adapters.postgres.embedded import EmbeddedPostgres
from mm.adapters.postgres.errors import translate_db_errors
from mm.adapters.postgres.urls import sqlalchemy_url
from mm.apps.settings import CommonSettings
from mm.ports.errors import ConfigError, StoreError


class SchemaNotAtHead(StoreError):
    """The configured database's schema is not the one this release's migrations end at."""


@contextmanager
def open_database(settings: CommonSettings, *, migrate: bool = True) -> Iterator[str]:
    """Yield a database URL for the app's lifetime, once the database answered.

    With no `DATABASE_URL` the embedded server is started (or joined) and migrated to head, so a
    new user needs nothing. A configured server is never migrated implicitly: an app refuses to
    start on a schema that is not at head (`migrate=False`: `mm db` only checks it is reachable).
    """
    if settings.database_url is not None:
        url = settings.database_url.get_secret_value()
        with _naming(database_location(url)):
            current = migrations.current_revision(url)
        head = migrations.head_revision()
        if migrate and current != head:
            raise SchemaNotAtHead(f"database schema is at {current}, not {head}: run `mm db upgrade` first")
        yield url
        return
    embedded = EmbeddedPostgres(settings.embedded_pgdata)
    url = embedded.start()
    try:
        if migrate:
            with _naming(f"embedded under {settings.embedded_pgdata}"):
                migrations.upgrade(url)
        yield url
    finally:
        embedded.stop()


def database_location(url: str) -> str:
    """`host:port/database` of a URL, without user or password; `ConfigError` if it is no Postgres URL."""
    try:
        parsed = make_url(sqlalchemy_url(url))
    except (ValueError, ArgumentError) as error:
        raise ConfigError("DATABASE_URL is invalid: expected a postgresql:// URL") from error
    host = parsed.host or str(parsed.query.get("host") or "localhost")
    port = f":{parsed.port}" if parsed.port else ""
    return f"{host}{port}/{parsed.database or ''}"


@contextmanager
def _naming(where: str) -> Iterator[None]:
    """Translate driver errors and say which database they came from."""
    try:
        with translate_db_errors():
            yield
    except StoreError as error:
        # libpq adds a second line of generic advice; the first says what happened.
        first_line = next(iter(str(error).strip().splitlines()), type(error.__cause__).__name__)
        raise type(error)(f"database {where}: {first_line}") from error
