"""The `MetaData` every table of the schema registers in, with its naming convention, and shared column shapes."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, MetaData, text

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def timestamp(name: str, *, nullable: bool = False) -> Column[object]:
    """A UTC `timestamptz` column (never naive)."""
    return Column(name, DateTime(timezone=True), nullable=nullable)


def created_now(name: str) -> Column[object]:
    """A `timestamptz` column the server fills with the time of the insert."""
    return Column(name, DateTime(timezone=True), nullable=False, server_default=text("now()"))
