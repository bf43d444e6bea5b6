"""Which Postgres an app uses: `DATABASE_URL`, or the embedded server under `MM_HOME`.

Opening it is part of every app's start-up, so its failures leave here as typed errors naming the
database (never its credentials): `StoreUnavailable`, `SchemaNotAtHead`, `ConfigError`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import structlog

from mm.adapters.postgres import migrations, urls
from mm.adapters.postgres.embedded import EmbeddedPostgres
from mm.adapters.postgres.errors import translate_db_errors
from mm.apps.settings import AppEnv, CommonSettings
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
        location = database_location(url)
        with _naming(location):
            current = migrations.current_revision(url)
        head = migrations.head_revision()
        if migrate and current != head:
            raise SchemaNotAtHead(f"database schema is at {current}, not {head}: run `mm db upgrade` first")
        structlog.get_logger().info("database_opened", database=location, app_env=settings.app_env.value)
        yield url
        return
    if settings.app_env is AppEnv.PROD:  # settings refuse it already; this guards settings built by hand
        raise ConfigError("APP_ENV is invalid: prod needs DATABASE_URL, the embedded Postgres is for dev and test")
    embedded = EmbeddedPostgres(settings.embedded_pgdata)
    url = embedded.start()
    try:
        location = f"embedded under {settings.embedded_pgdata}"
        if migrate:
            # Under the migration lock: apps started together on a fresh MM_HOME migrate it once.
            with _naming(location):
                migrations.upgrade(url)
        structlog.get_logger().info("database_opened", database=location, app_env=settings.app_env.value)
        yield url
    finally:
        embedded.stop()


def database_location(url: str) -> str:
    """`host:port/database` of a URL, without user or password; `ConfigError` if it is no Postgres URL.

    Settings refuse such a URL already; this guards settings built by hand.
    """
    try:
        return urls.database_location(url)
    except ValueError as error:
        raise ConfigError(f"DATABASE_URL is invalid: {error}") from None


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
