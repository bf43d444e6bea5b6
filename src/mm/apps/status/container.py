"""Dependency-injection container of `mm status`: the database and the read model over it."""

from __future__ import annotations

from dependency_injector import containers, providers

from mm.adapters.postgres.status_reader import PostgresStatusReader
from mm.apps._shared import SharedContainer
from mm.apps.status.settings import StatusSettings


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=StatusSettings)

    # --- resources: logging, database, engine, clock
    shared = providers.Container(SharedContainer, settings=settings)

    # --- adapters
    reader = providers.Singleton(PostgresStatusReader, engine=shared.engine, exchange=settings.provided.exchange)
