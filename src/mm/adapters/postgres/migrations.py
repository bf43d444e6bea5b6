"""Run the alembic migrations in `<repo>/migrations` programmatically (`mm db upgrade`, the apps, tests).

Apps started together on a fresh database each migrate it: alembic's own DDL (the version table, the
schema) is not safe to run twice at once, so every upgrade and downgrade holds one Postgres advisory
lock, and the second one finds the schema at head and does nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from mm.adapters.postgres.urls import sqlalchemy_url

MIGRATIONS_DIR = Path(__file__).resolve().parents[4] / "migrations"

# Any fixed bigint, distinct from the partition DDL lock's; per database, so other databases are not held up.
_MIGRATION_LOCK_KEY = 7_310_000
_RELATIVE_REVISION = re.compile(r"[+-][0-9]+")


class UnknownRevision(ValueError):
    """A revision names no migration of this release."""


def alembic_config(url: str) -> Config:
    """An alembic Config for `url`; alembic's own CLI works too with `alembic.ini` at the repo root."""
    if not MIGRATIONS_DIR.is_dir():
        raise FileNotFoundError(f"alembic migrations not found at {MIGRATIONS_DIR}; install mm with `pip install -e .`")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = sqlalchemy_url(url)
    return config


def check_revision(revision: str) -> None:
    """Raise `UnknownRevision` unless `revision` names a migration (or is relative, like `+1`); needs no database."""
    if _RELATIVE_REVISION.fullmatch(revision):
        return
    try:
        _scripts().get_revisions(revision)
    except CommandError:
        known = ", ".join(["head", "base", *(script.revision for script in _scripts().walk_revisions())])
        raise UnknownRevision(f"no migration {revision!r} (known: {known})") from None


def upgrade(url: str, revision: str = "head") -> None:
    with migration_lock(url):
        command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    with migration_lock(url):
        command.downgrade(alembic_config(url), revision)


@contextmanager
def migration_lock(url: str) -> Iterator[None]:
    """Hold the database's migration lock: one migrating process at a time, the others wait."""
    engine = create_engine(sqlalchemy_url(url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _MIGRATION_LOCK_KEY})
                conn.commit()
    finally:
        engine.dispose()


def head_revision() -> str | None:
    return _scripts().get_current_head()


def current_revision(url: str) -> str | None:
    engine = create_engine(sqlalchemy_url(url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config("postgresql://unused"))
