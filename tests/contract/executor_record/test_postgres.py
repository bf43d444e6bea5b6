from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.postgres.executor_record import PostgresExecutorRecord
from mm.adapters.postgres.trading_journal import PostgresTradingJournal
from tests.contract.executor_record.contract import EXCHANGE, ExecutorRecordContract, Recorded


@pytest.mark.contract
@pytest.mark.integration
class TestPostgresExecutorRecord(ExecutorRecordContract):
    @pytest.fixture
    def recorded(self, shared_db_engine: AsyncEngine) -> Recorded:
        journal = PostgresTradingJournal(shared_db_engine, EXCHANGE, "executor-record-test")
        return Recorded(journal, PostgresExecutorRecord(shared_db_engine))
