"""Alembic environment: the target schema is `mm.adapters.postgres.tables.metadata`.

The URL comes from `config.attributes["database_url"]` (set by `mm db upgrade` and the tests) or,
for alembic's own CLI, from the `DATABASE_URL` environment variable.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import create_engine

from mm.adapters.postgres.tables import metadata
from mm.adapters.postgres.urls import sqlalchemy_url

config = context.config


def _url() -> str:
    url = config.attributes.get("database_url") or os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit("set DATABASE_URL (or use `mm db upgrade`, which also starts the embedded Postgres)")
    return sqlalchemy_url(str(url))


def _include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    # Day partitions are made at run time by `mm db partitions` and the writers, not by migrations.
    return not (type_ == "table" and reflected and name is not None and "_p2" in name)


def run_migrations_online() -> None:
    engine = create_engine(_url())
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, include_object=_include_object)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run against a database")
run_migrations_online()
