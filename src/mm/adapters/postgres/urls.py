"""Database URL normalisation: every app speaks psycopg 3, whatever form the user typed."""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

_NOT_POSTGRES = "expected a postgresql:// URL"


def sqlalchemy_url(url: str) -> str:
    """Return `url` with the psycopg 3 driver SQLAlchemy needs (`postgresql+psycopg://`)."""
    for prefix in ("postgresql+psycopg://", "postgresql+psycopg2://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    raise ValueError("DATABASE_URL must be a postgresql:// URL")


def libpq_url(url: str) -> str:
    """Return `url` in the plain `postgresql://` form psycopg's own `connect` takes."""
    return "postgresql://" + sqlalchemy_url(url)[len("postgresql+psycopg://") :]


def database_location(url: str) -> str:
    """`host:port/database` of a URL, without user or password.

    Raises ValueError, whose message quotes no part of the URL (it may hold a password), when `url`
    is not a Postgres URL.
    """
    try:
        parsed = make_url(sqlalchemy_url(url))
    except (ValueError, ArgumentError):
        raise ValueError(_NOT_POSTGRES) from None
    host = parsed.host or str(parsed.query.get("host") or "localhost")
    port = f":{parsed.port}" if parsed.port else ""
    return f"{host}{port}/{parsed.database or ''}"
