"""The one place Postgres repositories turn driver errors into the port's typed errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from mm.ports.errors import StoreConflict, StoreError, StoreUnavailable


@contextmanager
def translate_db_errors() -> Iterator[None]:
    """Re-raise SQLAlchemy/psycopg failures as `StoreUnavailable`, `StoreConflict` or `StoreError`."""
    try:
        yield
    except IntegrityError as error:
        raise StoreConflict(str(error.orig)) from error
    except OperationalError as error:
        raise StoreUnavailable(str(error.orig)) from error
    except DBAPIError as error:
        if error.connection_invalidated:
            raise StoreUnavailable(str(error.orig)) from error
        raise StoreError(str(error.orig)) from error
    except OSError as error:
        raise StoreUnavailable(str(error)) from error
