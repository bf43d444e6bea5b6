"""Daily range partitions of the `md_*` tables: create ahead, drop past retention.

Writers call `ensure_day_partitions` for the days they are about to write (recorded data can be
years old); `mm db partitions` creates the next days ahead and drops days older than the retention.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Connection, text

from mm.adapters.postgres.tables import PARTITIONED_TABLES

_PARTITION_NAME = re.compile(r"^(?P<table>md_[a-z]+)_p(?P<day>\d{8})$")
# One lock for all partition DDL: concurrent CREATE TABLE IF NOT EXISTS can still collide.
_DDL_LOCK_KEY = 7_310_001


def partition_name(table: str, day: date) -> str:
    return f"{table}_p{day:%Y%m%d}"


def day_of_ms(ts_ms: int) -> date:
    return datetime.fromtimestamp(ts_ms / 1000, tz=UTC).date()


def create_partition_sql(table: str, day: date) -> str:
    """DDL creating the partition of `table` for one UTC day, if it does not exist."""
    if table not in PARTITIONED_TABLES:
        raise ValueError(f"{table} is not a partitioned table")
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    end = start + timedelta(days=1)
    return (
        f"CREATE TABLE IF NOT EXISTS {partition_name(table, day)} PARTITION OF {table} "
        f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
    )


def ddl_lock_sql() -> str:
    """The transaction-scoped lock every writer takes before creating or dropping partitions."""
    return f"SELECT pg_advisory_xact_lock({_DDL_LOCK_KEY})"


def ensure_day_partitions(conn: Connection, days: Iterable[date], tables: Iterable[str] = PARTITIONED_TABLES) -> None:
    """Create the partitions of `tables` for `days` inside the caller's transaction."""
    wanted = sorted(set(days))
    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _DDL_LOCK_KEY})
    for table in tables:
        for day in wanted:
            conn.execute(text(create_partition_sql(table, day)))


def existing_partitions(conn: Connection) -> dict[str, list[date]]:
    """Each partitioned table's day partitions, oldest first."""
    rows = conn.execute(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = ANY(:tables)"
        ),
        {"tables": list(PARTITIONED_TABLES)},
    )
    found: dict[str, list[date]] = {table: [] for table in PARTITIONED_TABLES}
    for (name,) in rows:
        match = _PARTITION_NAME.match(name)
        if match:
            day = datetime.strptime(match["day"], "%Y%m%d").replace(tzinfo=UTC).date()
            found[match["table"]].append(day)
    return {table: sorted(days) for table, days in found.items()}


def drop_partitions_before(conn: Connection, cutoff: date) -> list[str]:
    """Drop every day partition older than `cutoff`; return the dropped names."""
    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _DDL_LOCK_KEY})
    dropped: list[str] = []
    for table, days in existing_partitions(conn).items():
        for day in days:
            if day < cutoff:
                name = partition_name(table, day)
                conn.execute(text(f"DROP TABLE IF EXISTS {name}"))
                dropped.append(name)
    return dropped


def maintain_partitions(conn: Connection, today: date, days_ahead: int, retention_days: int | None) -> list[str]:
    """Create `days_ahead` days of partitions from `today`, and drop those past `retention_days`."""
    ensure_day_partitions(conn, (today + timedelta(days=n) for n in range(days_ahead + 1)))
    if retention_days is None:
        return []
    return drop_partitions_before(conn, today - timedelta(days=retention_days))
