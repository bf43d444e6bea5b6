"""Settings of `mm trade`: the markets, the account (live only), safety timers and the strategy's params."""

from __future__ import annotations

import json
from typing import Any

from pydantic import Field, SecretStr, field_validator, model_validator

from mm.adapters.extended.settings import (
    STARK_KEY_FORM,
    VAULT_ID_FORM,
    ExtendedCredentials,
    is_stark_key,
    is_vault_id,
)
from mm.apps.settings import CommonSettings, ExtendedEndpointSettings, MarketsSettings, SettingsBase
from mm.domain.params import StrategyParams, params_with_overrides

CREDENTIAL_NAMES = (
    "EXTENDED_API_KEY",
    "EXTENDED_STARK_PRIVATE_KEY",
    "EXTENDED_STARK_PUBLIC_KEY",
    "EXTENDED_VAULT_ID",
)


class LiveAccountSettings(SettingsBase):
    """Live trading needs the four account secrets; `--paper` (PAPER_TRADING) needs none of them.

    A part of its own so `mm trade` can name missing secrets beside any other bad setting.
    """

    paper_trading: bool = Field(
        False, alias="PAPER_TRADING", description="live market data, simulated exchange (also: mm trade --paper)"
    )
    extended_api_key: SecretStr | None = Field(None, alias="EXTENDED_API_KEY", description="the account's API key")
    extended_stark_private_key: SecretStr | None = Field(
        None, alias="EXTENDED_STARK_PRIVATE_KEY", description="hex Stark private key"
    )
    extended_stark_public_key: SecretStr | None = Field(
        None, alias="EXTENDED_STARK_PUBLIC_KEY", description="hex Stark public key"
    )
    extended_vault_id: SecretStr | None = Field(
        None, alias="EXTENDED_VAULT_ID", description="the account's vault (position) id"
    )

    @field_validator("extended_stark_private_key", "extended_stark_public_key")
    @classmethod
    def _hex_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not is_stark_key(value.get_secret_value()):
            raise ValueError(f"must be {STARK_KEY_FORM}")
        return value

    @field_validator("extended_vault_id")
    @classmethod
    def _whole_number(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not is_vault_id(value.get_secret_value()):
            raise ValueError(f"must be {VAULT_ID_FORM}")
        return value

    def missing_credentials(self) -> list[str]:
        """The account secrets live trading needs and the environment lacks."""
        values = (
            self.extended_api_key,
            self.extended_stark_private_key,
            self.extended_stark_public_key,
            self.extended_vault_id,
        )
        return [name for name, value in zip(CREDENTIAL_NAMES, values, strict=True) if value is None]

    def account_credentials(self) -> ExtendedCredentials:
        """The account for live trading; raises ValueError naming what is missing."""
        api_key, private_key = self.extended_api_key, self.extended_stark_private_key
        public_key, vault_id = self.extended_stark_public_key, self.extended_vault_id
        if api_key is None or private_key is None or public_key is None or vault_id is None:
            raise ValueError(f"live trading needs {', '.join(self.missing_credentials())}")
        return ExtendedCredentials(
            api_key=api_key, stark_private_key=private_key, stark_public_key=public_key, vault_id=vault_id
        )


class ExecutorSettings(CommonSettings, MarketsSettings, ExtendedEndpointSettings, LiveAccountSettings):
    """The markets, the venue, the account (live only), safety timers and the strategy's params."""

    dead_man_switch_s: int = Field(
        30,
        alias="DEAD_MAN_SWITCH_S",
        ge=2,
        le=3_600,
        description="the venue cancels all our orders this long after our last refresh",
    )
    state_save_interval_s: float = Field(
        5.0, alias="STATE_SAVE_INTERVAL_S", gt=0, le=300, description="seconds between strategy_state saves"
    )
    account_resync_interval_s: float = Field(
        5.0, alias="ACCOUNT_RESYNC_INTERVAL_S", gt=0, description="seconds between REST re-syncs of orders and position"
    )
    client_order_id_prefix: str = Field(
        "mm",
        alias="CLIENT_ORDER_ID_PREFIX",
        pattern=r"^[A-Za-z0-9]{1,8}$",
        description="start of our client order ids (a run id and a counter follow)",
    )
    max_order_requests_per_s: int = Field(
        10, alias="MAX_ORDER_REQUESTS_PER_S", ge=1, le=100, description="order requests per second, per market"
    )
    max_order_requests_per_min: int = Field(
        500, alias="MAX_ORDER_REQUESTS_PER_MIN", ge=1, le=1_000, description="order requests per minute, per market"
    )
    proposal_check_interval_s: float = Field(
        60.0,
        alias="PROPOSAL_CHECK_INTERVAL_S",
        ge=0,
        description=(
            "seconds between checks for a stored params proposal to apply, and of the rollback conditions of "
            "the one applied (0: never apply proposals, nor roll them back)"
        ),
    )
    shadow_backtest_lookback_s: int = Field(
        10_800,
        alias="SHADOW_BACKTEST_LOOKBACK_S",
        ge=0,
        le=7 * 86_400,
        description=(
            "before applying a proposal, replay this many seconds of recorded md_* data with the current and the "
            "proposed params (0: no shadow backtest)"
        ),
    )
    shadow_backtest_reject_worse: bool = Field(
        True,
        alias="SHADOW_BACKTEST_REJECT_WORSE",
        description="refuse a proposal whose shadow backtest did worse than the params in force (or could not run)",
    )
    rollback_summary_max_lag_s: float = Field(
        300.0,
        alias="ROLLBACK_SUMMARY_MAX_LAG_S",
        gt=0,
        description="how far the summarizer's minute buckets may lag while a change is watched before an alert",
    )
    rollback_blind_alert_interval_s: float = Field(
        180.0,
        alias="ROLLBACK_BLIND_ALERT_INTERVAL_S",
        gt=0,
        description="seconds between WARN lines while the rollback watch's minute buckets are stale",
    )
    status_log_interval_s: float = Field(
        60.0, alias="STATUS_LOG_INTERVAL_S", gt=0, description="seconds between the one-line status logs per market"
    )
    strategy_params: dict[str, Any] | None = Field(
        None,
        alias="STRATEGY_PARAMS",
        description='JSON object of StrategyParams fields overriding the defaults, e.g. {"order_size": 0.001}',
    )
    paper_maker_fee_rate: float = Field(
        0.0, alias="PAPER_MAKER_FEE_RATE", ge=-0.01, le=0.01, description="maker fee of the simulated exchange"
    )
    paper_order_latency_ms: int = Field(
        0, alias="PAPER_ORDER_LATENCY_MS", ge=0, le=10_000, description="order-entry latency of the simulated exchange"
    )

    @field_validator("strategy_params", mode="before")
    @classmethod
    def _parse_json(cls, value: Any) -> Any:
        if isinstance(value, str):
            return json.loads(value) if value.strip() else None
        return value

    @field_validator("strategy_params")
    @classmethod
    def _valid_params(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        """Unknown names and bad values of the known ones, all in one message."""
        if value is not None:
            params_with_overrides(value)
        return value

    @model_validator(mode="after")
    def _paper_trades_one_market(self) -> ExecutorSettings:
        if self.paper_trading and len(self.symbols) != 1:
            raise ValueError("paper trading simulates one market: set exactly one SYMBOL")
        return self

    def configured_params(self) -> StrategyParams:
        """The defaults with STRATEGY_PARAMS applied (version 1; the database may hold newer ones)."""
        return params_with_overrides(self.strategy_params)
