"""The schema comes from alembic and matches the SQLAlchemy tables exactly."""

from __future__ import annotations

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from mm.adapters.postgres import migrations
from mm.adapters.postgres.tables import metadata
from mm.adapters.postgres.urls import sqlalchemy_url

pytestmark = pytest.mark.integration


def _tables(url: str) -> set[str]:
    engine = create_engine(sqlalchemy_url(url))
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_on_an_empty_database_creates_every_table(empty_database_url: str) -> None:
    migrations.upgrade(empty_database_url)
    assert set(metadata.tables) <= _tables(empty_database_url)
    assert migrations.current_revision(empty_database_url) == migrations.head_revision()


def test_downgrade_to_base_then_upgrade_to_head_works(empty_database_url: str) -> None:
    migrations.upgrade(empty_database_url)
    migrations.downgrade(empty_database_url, "base")
    assert _tables(empty_database_url) == {"alembic_version"}
    migrations.upgrade(empty_database_url)
    assert set(metadata.tables) <= _tables(empty_database_url)


def test_migrated_schema_matches_the_table_definitions(database_url: str) -> None:
    engine = create_engine(sqlalchemy_url(database_url))
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"include_object": _skip_partitions})
            assert compare_metadata(context, metadata) == []
    finally:
        engine.dispose()


def _skip_partitions(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    return not (type_ == "table" and reflected and name is not None and "_p2" in name)


def test_md_tables_are_range_partitioned_by_ts(database_url: str) -> None:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT c.relname, pg_get_partkeydef(c.oid) FROM pg_partitioned_table p "
            "JOIN pg_class c ON c.oid = p.partrelid ORDER BY 1"
        ).fetchall()
    assert rows == [("md_bbo", "RANGE (ts)"), ("md_price", "RANGE (ts)"), ("md_trade", "RANGE (ts)")]
