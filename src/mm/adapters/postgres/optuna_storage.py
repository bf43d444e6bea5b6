"""Optuna's RDB storage in the project's Postgres, in its own `optuna` schema.

Optuna migrates its tables with its own alembic and its own `alembic_version` table; in `public`
that table would collide with the project's, so the study lives beside the schema, never in it.
"""

from __future__ import annotations

import psycopg
from optuna.storages import RDBStorage

from mm.adapters.postgres.errors import translate_db_errors
from mm.adapters.postgres.urls import libpq_url, sqlalchemy_url

OPTUNA_SCHEMA = "optuna"


def optuna_storage(database_url: str) -> RDBStorage:
    """Optuna's storage on `database_url` (schema created on first use); studies there are shared and resumable."""
    with translate_db_errors(), psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {OPTUNA_SCHEMA}")
    return RDBStorage(
        sqlalchemy_url(database_url),
        engine_kwargs={"connect_args": {"options": f"-csearch_path={OPTUNA_SCHEMA}"}, "pool_pre_ping": True},
    )
