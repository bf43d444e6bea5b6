"""What the Extended adapter is told from outside: where the venue is, the account, and its limits.

Plain frozen pydantic models (a boundary): the app's settings class fills them from the environment;
notebooks and tests build them by hand. Secrets stay `SecretStr` and are never logged.
"""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

# The SDK asserts its keys are 0x-prefixed hex and turns the vault into an int; checked here first,
# so a bad value is named at start-up instead of failing inside the SDK (or printing the value).
_STARK_KEY = re.compile(r"0x[0-9a-fA-F]{1,64}")
_VAULT_ID = re.compile(r"[0-9]{1,20}")
STARK_KEY_FORM = "a 0x-prefixed hex number"
VAULT_ID_FORM = "a whole number"


def is_stark_key(value: str) -> bool:
    return _STARK_KEY.fullmatch(value) is not None


def is_vault_id(value: str) -> bool:
    return _VAULT_ID.fullmatch(value) is not None


class ExtendedNetwork(StrEnum):
    MAINNET = "mainnet"
    TESTNET = "testnet"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ExtendedEndpoints(_Frozen):
    """The network (it fixes the signing domain) and optional URL overrides, e.g. a loopback fake.

    `api_url` is the REST base including `/api/v1` and serves both the info/account and the order
    management paths; `stream_url` is the v1 stream base (`.../stream.extended.exchange/v1`).
    """

    network: ExtendedNetwork = ExtendedNetwork.MAINNET
    api_url: str | None = None
    stream_url: str | None = None
    request_timeout_s: float = Field(default=10.0, gt=0, description="per REST request; the SDK default is 500 s")


class ExtendedCredentials(_Frozen):
    """The trading account: API key for REST and the private stream, Stark keys for signing."""

    api_key: SecretStr
    stark_private_key: SecretStr
    stark_public_key: SecretStr
    vault_id: SecretStr

    @field_validator("stark_private_key", "stark_public_key")
    @classmethod
    def _hex_key(cls, value: SecretStr) -> SecretStr:
        if not is_stark_key(value.get_secret_value()):
            raise ValueError(f"must be {STARK_KEY_FORM}")
        return value

    @field_validator("vault_id")
    @classmethod
    def _whole_number(cls, value: SecretStr) -> SecretStr:
        if not is_vault_id(value.get_secret_value()):
            raise ValueError(f"must be {VAULT_ID_FORM}")
        return value


class StreamSettings(_Frozen):
    """How a stream connection is kept alive and rebuilt."""

    heartbeat_timeout_s: float = Field(
        default=30.0, gt=0, description="no message for this long on a stream that always flows: reconnect"
    )
    quiet_heartbeat_timeout_s: float | None = Field(
        default=None,
        gt=0,
        description="the same for streams that may rightly stay silent (trades, account); None: pings only",
    )
    open_timeout_s: float = Field(default=10.0, gt=0)
    ping_interval_s: float | None = Field(default=15.0, gt=0, description="client WebSocket pings; None disables")
    ping_timeout_s: float | None = Field(default=10.0, gt=0)
    reconnect_initial_s: float = Field(default=0.5, gt=0, description="first back-off after a failed reconnect")
    reconnect_max_s: float = Field(default=30.0, gt=0)
    reconnect_jitter_s: float = Field(default=1.0, ge=0)


class RequestBudgetSettings(_Frozen):
    """Client-side REST budget: never more than `max_requests` in any `window_s` (Extended: 1,000/min/IP).

    `burst` requests may go at once; the rest refill evenly, so burst plus refill never exceed the
    window's maximum. Risk-reducing requests (cancels, the dead man's switch, the reads that confirm
    flatness) have `reserved_requests` of their own on top, so together both stay under the venue's
    1,000 a minute and quoting can never use up what PAUSE needs.
    """

    max_requests: int = Field(default=800, gt=0)
    window_s: float = Field(default=60.0, gt=0)
    burst: int = Field(default=40, gt=0)
    max_wait_s: float = Field(default=2.0, ge=0, description="wait at most this long for budget, else RateLimited")
    rate_limited_backoff_s: float = Field(default=5.0, ge=0, description="pause after an HTTP 429 (no Retry-After)")
    reserved_requests: int = Field(default=150, gt=0, description="risk-reducing requests per window, on top")
    reserved_burst: int = Field(default=10, gt=0)

    @model_validator(mode="after")
    def _burst_fits(self) -> RequestBudgetSettings:
        if self.burst >= self.max_requests:
            raise ValueError("burst must be below max_requests so the budget refills")
        if self.reserved_burst >= self.reserved_requests:
            raise ValueError("reserved_burst must be below reserved_requests so the reserve refills")
        return self


class RestSettings(_Frozen):
    """REST calls: bounded retries of transient failures, order expiry and cache lifetimes."""

    max_attempts: int = Field(default=3, ge=1, description="attempts per call, transient errors only")
    retry_initial_s: float = Field(default=0.1, ge=0)
    retry_max_s: float = Field(default=1.0, ge=0)
    order_ttl_s: int = Field(default=3600, gt=0, le=28 * 24 * 3600, description="expiry of a placed order")
    market_cache_ttl_s: float = Field(default=3600.0, gt=0)
    fee_cache_ttl_s: float = Field(default=3600.0, gt=0)
    budget: RequestBudgetSettings = RequestBudgetSettings()


class AccountStreamSettings(_Frozen):
    """The private stream and its REST re-sync (open orders, position, and the fills the stream missed)."""

    resync_interval_s: float = Field(default=5.0, gt=0, description="REST re-sync of open orders and position")
    fill_page_size: int = Field(default=100, gt=0, description="trades per `/user/trades` page of a re-sync")
    fill_max_pages: int = Field(
        default=10, gt=0, description="pages per re-sync; missed fills beyond them are given up and logged"
    )
    fill_lookback_s: float = Field(
        default=10.0, ge=0, description="each trades read reaches this far behind the newest fill, for late ones"
    )
    stream: StreamSettings = StreamSettings()
