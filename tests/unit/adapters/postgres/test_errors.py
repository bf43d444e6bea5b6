"""One translation of Postgres driver errors into the port's errors, whether SQLAlchemy wrapped them or not."""

from __future__ import annotations

import asyncio

import psycopg
import pytest
from psycopg import errors as pg_errors
from sqlalchemy.exc import IntegrityError, OperationalError

from mm.adapters.postgres.errors import translate_db_errors
from mm.ports.errors import StoreConflict, StoreError, StoreUnavailable


def translated(error: BaseException) -> BaseException:
    with pytest.raises(StoreError) as raised, translate_db_errors():
        raise error
    return raised.value


def test_a_lost_connection_is_unavailable() -> None:
    assert type(translated(psycopg.OperationalError("server closed the connection"))) is StoreUnavailable


def test_a_write_that_timed_out_is_unavailable() -> None:
    assert type(translated(TimeoutError())) is StoreUnavailable


def test_a_violated_unique_key_is_a_conflict() -> None:
    assert type(translated(pg_errors.UniqueViolation("duplicate key"))) is StoreConflict


def test_anything_else_the_server_refused_is_a_store_error() -> None:
    assert type(translated(pg_errors.InvalidTextRepresentation("bad input"))) is StoreError


def test_a_conflict_wrapped_by_sqlalchemy_is_a_conflict_too() -> None:
    wrapped = IntegrityError("INSERT", {}, pg_errors.UniqueViolation("duplicate key"))
    assert type(translated(wrapped)) is StoreConflict


def test_a_lost_connection_wrapped_by_sqlalchemy_is_unavailable_too() -> None:
    wrapped = OperationalError("SELECT 1", {}, psycopg.OperationalError("server closed the connection"))
    assert type(translated(wrapped)) is StoreUnavailable


def test_the_driver_error_is_kept_as_the_cause() -> None:
    error = pg_errors.UniqueViolation("duplicate key")
    assert translated(error).__cause__ is error


async def test_a_driver_error_in_a_task_being_cancelled_is_the_cancellation() -> None:
    """psycopg cancels the query on cancellation; when that clean-up fails its error must not hide the cancel."""
    started = asyncio.Event()

    async def query_then_failed_cleanup() -> None:
        with translate_db_errors():
            try:
                started.set()
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                raise pg_errors.UniqueViolation("duplicate key") from None

    task = asyncio.create_task(query_then_failed_cleanup())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


def test_a_driver_error_outside_any_cancellation_stays_a_store_error() -> None:
    async def failing() -> BaseException:
        return translated(pg_errors.UniqueViolation("duplicate key"))

    assert type(asyncio.run(failing())) is StoreConflict
