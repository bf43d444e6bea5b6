"""`mm trade`'s container: the wall clock, and the quote engine's settings shared with `mm backtest`."""

from __future__ import annotations

from pathlib import Path

import pytest

from mm.adapters.clock import SystemClock
from mm.apps.backtest.container import Container as BacktestContainer
from mm.apps.backtest.settings import NotebookBacktestSettings
from mm.apps.executor.container import Container
from mm.apps.executor.settings import ExecutorSettings


@pytest.fixture
def container(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Container:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("SYMBOL", "BTC-USD")
    monkeypatch.setenv("MAX_ORDER_REQUESTS_PER_S", "4")
    return Container(settings=ExecutorSettings())


def test_the_clock_is_the_wall_clock_and_the_shared_services_see_it(container: Container) -> None:
    assert isinstance(container.clock(), SystemClock)
    assert container.shared.clock() is container.clock()


def test_every_client_order_id_prefix_carries_the_run_id(container: Container) -> None:
    run_id = container.quote_engine.run_id()

    assert container.quote_engine.executor_config().markets[0].client_order_id_prefix == f"mm{run_id}"


def test_the_backtest_engine_gets_the_executors_settings_from_the_same_sub_container(container: Container) -> None:
    backtest = BacktestContainer(settings=NotebookBacktestSettings(SYMBOL="BTC-USD", MAX_ORDER_REQUESTS_PER_S=4))
    live = container.quote_engine.executor_config().markets[0]

    assert backtest.engine_config().max_requests_per_second == live.max_requests_per_second == 4
