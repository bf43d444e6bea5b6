"""The one place Postgres adapters turn driver errors into the port's typed errors.

Repositories reach psycopg through SQLAlchemy (which wraps its errors in `DBAPIError`), the ingest
writer and the importer reach it directly; both kinds of error are judged by the same rules here.
"""

from __future__ import annotations

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


@contextmanager
def translate_db_errors() -> Iterator[None]:
    """Re-raise SQLAlchemy and psycopg failures as `StoreUnavailable`, `StoreConflict` or `StoreError`."""
    try:
        yield
    except DBAPIError as error:
        raise store_error_of(error.orig or error, is_connection_lost=error.connection_invalidated) from error
    except (psycopg.Error, OSError) as error:  # OSError includes TimeoutError
        raise store_error_of(error) from error
