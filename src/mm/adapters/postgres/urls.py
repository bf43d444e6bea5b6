"""Database URL normalisation: every app speaks psycopg 3, whatever form the user typed."""

from __future__ import annotations


def sqlalchemy_url(url: str) -> str:
    """Return `url` with the psycopg 3 driver SQLAlchemy needs (`postgresql+psycopg://`)."""
    for prefix in ("postgresql+psycopg://", "postgresql+psycopg2://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    raise ValueError("DATABASE_URL must be a postgresql:// URL")


def libpq_url(url: str) -> str:
    """Return `url` in the plain `postgresql://` form psycopg's own `connect` takes."""
    return "postgresql://" + sqlalchemy_url(url)[len("postgresql+psycopg://") :]
