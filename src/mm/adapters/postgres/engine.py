"""The async SQLAlchemy engine every Postgres repository shares (psycopg 3 driver)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from mm.adapters.postgres.urls import sqlalchemy_url


def create_engine_for(url: str, *, pool_size: int = 5) -> AsyncEngine:
    """An async engine on `url`; `pool_pre_ping` so a restarted server does not fail the first query."""
    return create_async_engine(sqlalchemy_url(url), pool_size=pool_size, pool_pre_ping=True)
