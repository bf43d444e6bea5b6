"""Settings of `mm backtest`: the executor's own settings (so a backtest runs the engine as `mm trade` would) plus the replay's."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from mm.apps.backtest.shipped_slice import SHIPPED_SYMBOL
from mm.apps.executor.settings import ExecutorSettings
from mm.apps.settings import Symbols


class BacktestSettings(ExecutorSettings):
    """Strategy params (STRATEGY_PARAMS), request budgets and ids are the executor's; nothing is required.

    SYMBOL only names the executor's markets here; the replayed market comes from the command line.
    """

    symbols: Symbols = Field(
        default_factory=lambda: [SHIPPED_SYMBOL],
        alias="SYMBOL",
        min_length=1,
        description="market(s), comma separated (the backtest replays the one its data names)",
    )
    maker_fee_rate: Decimal = Field(
        Decimal(0),
        alias="MAKER_FEE_RATE",
        ge=Decimal("-0.01"),
        le=Decimal("0.01"),
        description="the simulated exchange's maker fee, a fraction of notional (negative: a rebate)",
    )
    backtest_report_dir: Path | None = Field(
        None, alias="BACKTEST_REPORT_DIR", description="folder for HTML reports (default MM_HOME/reports)"
    )

    @property
    def resolved_report_dir(self) -> Path:
        return (self.backtest_report_dir or self.mm_home / "reports").expanduser()


class NotebookBacktestSettings(BacktestSettings):
    """`BacktestSettings` from its arguments only: a notebook's run depends on what the notebook passes,
    never on the environment or a `.env` file it happens to start in."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)
