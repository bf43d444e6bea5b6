"""The one place Postgres adapters turn driver errors into the port's typed errors.

Repositories reach psycopg through SQLAlchemy (which wraps its errors in `DBAPIError`), the ingest
writer and the importer reach it directly; both kinds of error are judged by the same rules here.

A task cancelled in the middle of a query stays cancelled: psycopg answers the cancellation by
cancelling the query, and when that clean-up fails (or SQLAlchemy's rollback then meets a closed
connection) the driver's error would replace the `CancelledError`. A loop that retries store errors
would then never stop; here such an error is raised as the cancellation it hides.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from sqlalchemy.exc import DBAPIError

from mm.ports.errors import StoreConflict, StoreError, StoreUnavailable


def store_error_of(error: BaseException, *, is_connection_lost: bool = False) -> StoreError:
    """The port's error for a psycopg error (or a socket error or timeout on the way to the server).

    A lost or unreachable server (and a write that timed out) is `StoreUnavailable`: retrying may help.
    A violated constraint is `StoreConflict`; anything else the server refused is `StoreError`.
    """
    message = f"{type(error).__name__}: {error}"
    if is_connection_lost or isinstance(error, psycopg.OperationalError | psycopg.InterfaceError | OSError):
        return StoreUnavailable(message)
    if isinstance(error, psycopg.IntegrityError):
        return StoreConflict(message)
    return StoreError(message)


def _is_being_cancelled() -> bool:
    try:
        task = asyncio.current_task()
    except RuntimeError:  # no event loop: a synchronous caller
        return False
    return task is not None and task.cancelling() > 0


@contextmanager
def translate_db_errors() -> Iterator[None]:
    """Re-raise SQLAlchemy and psycopg failures as `StoreUnavailable`, `StoreConflict` or `StoreError`.

    In a task being cancelled, any of them is re-raised as `asyncio.CancelledError` instead.
    """
    try:
        yield
    except (DBAPIError, psycopg.Error, OSError) as error:  # OSError includes TimeoutError
        if _is_being_cancelled():
            raise asyncio.CancelledError() from error
        if isinstance(error, DBAPIError):
            raise store_error_of(error.orig or error, is_connection_lost=error.connection_invalidated) from error
        raise store_error_of(error) from error
