"""Test-wide fixtures: a real Postgres per test session, a clean database per test.

Postgres: the server named by `MM_TEST_DATABASE_URL` (any database on it; the session creates and
drops its own database there), or else an embedded server (pgserver) in a temporary folder.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psycopg
import pytest
import structlog
from psycopg import sql
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.postgres import migrations
from mm.adapters.postgres.engine import create_engine_for
from mm.adapters.postgres.tables import metadata
from mm.adapters.postgres.urls import libpq_url

try:  # No test may reach a real LLM provider; the loopback test re-enables requests for itself.
    import pydantic_ai.models

    pydantic_ai.models.ALLOW_MODEL_REQUESTS = False
except ImportError:  # pragma: no cover - pydantic-ai is a dependency
    pass


@pytest.fixture(scope="session")
def postgres_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A URL to some database on a running server where the tests may create databases."""
    configured = os.environ.get("MM_TEST_DATABASE_URL")
    if configured:
        yield libpq_url(configured)
        return
    from mm.adapters.postgres.embedded import EmbeddedPostgres

    embedded = EmbeddedPostgres(Path(tmp_path_factory.mktemp("pg")) / "pgdata")
    url = embedded.start()
    try:
        yield libpq_url(url)
    finally:
        embedded.stop()


def _with_database(url: str, database: str) -> str:
    base, _, query = url.partition("?")
    base = base.rsplit("/", 1)[0]
    return f"{base}/{database}" + (f"?{query}" if query else "")


@pytest.fixture(scope="session")
def database_url(postgres_server_url: str) -> Iterator[str]:
    """A fresh database for this test session, migrated to head by alembic (never create_all)."""
    name = f"mm_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = _with_database(postgres_server_url, name)
    try:
        migrations.upgrade(url)
        yield url
    finally:
        with psycopg.connect(postgres_server_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def empty_database_url(postgres_server_url: str) -> Iterator[str]:
    """A brand-new database with no schema, dropped after the test: for migration and DDL tests."""
    name = f"mm_empty_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres_server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield _with_database(postgres_server_url, name)
    finally:
        with psycopg.connect(postgres_server_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def clean_database_url(database_url: str) -> str:
    """The session database, emptied before the test: every test starts from empty tables.

    Emptied before rather than after, because the suites on `shared_db_engine` leave their rows behind.
    """
    tables = ", ".join(table.name for table in metadata.sorted_tables)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")  # type: ignore[arg-type]
    return database_url


@pytest.fixture
async def db_engine(clean_database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine_for(clean_database_url)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
async def shared_db_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """The session database as it stands, never emptied: for suites that keep their rows apart by unique keys.

    Emptying every table after each test cost most of the contract run's wall time; a test that takes its own
    symbol (`tests.unique_keys.a_symbol`) sees only its own rows in the shared database.
    """
    engine = create_engine_for(database_url)
    try:
        yield engine
    finally:
        await engine.dispose()


_SHARED_ROWS_LEFT = pytest.StashKey[bool]()


@pytest.fixture(autouse=True)
def _clean_tests_start_from_empty_tables(request: pytest.FixtureRequest) -> Iterator[None]:
    """Empty the tables before a `clean_database_url` test when a shared-database test left rows behind.

    Tests on `shared_db_engine` (or on `database_url` itself) keep their rows, and `clean_database_url` only empties
    the tables after its own test: without this, the first such test after them would see their rows.
    """
    uses = set(request.fixturenames)
    stash = request.session.stash
    if "clean_database_url" in uses and stash.get(_SHARED_ROWS_LEFT, False):
        tables = ", ".join(table.name for table in metadata.sorted_tables)
        with psycopg.connect(request.getfixturevalue("database_url"), autocommit=True) as conn:
            conn.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")  # type: ignore[arg-type]
        stash[_SHARED_ROWS_LEFT] = False
    yield
    if "database_url" in uses and "clean_database_url" not in uses:
        stash[_SHARED_ROWS_LEFT] = True


@pytest.fixture(autouse=True)
def _structlog_as_configured_by_each_test() -> Iterator[None]:
    """Logging set up by one test (an app run in process) must not filter what the next one captures."""
    yield
    structlog.reset_defaults()
