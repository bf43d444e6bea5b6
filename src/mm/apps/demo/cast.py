"""Who plays in the demo and with which settings: the fake venue and the four apps, as `mm` commands.

The settings are the ones a user would put in `.env` to run the same by hand against `mm fake-exchange`;
only the intervals are shortened so that a few minutes show every part of the loop at work.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from mm.apps.demo.children import Child

# Settings the demo decides for its children; anything else set in the user's environment is passed on.
_OWN_SETTINGS = ("DATABASE_URL", "SYMBOL", "MM_HOME", "LOG_DIR", "EXCHANGE", "APP_ENV", "STRATEGY_PARAMS")

DEMO_PARAMS = {
    "order_size": 0.001,
    # One lot is the soft limit: any fill reaches it, so a minute with fills shows the offline model's
    # inventory rule at work (a stronger skew), and the demo sees a proposal go to the executor.
    "max_position": 0.001,
    "hard_max_position": 0.02,
    "base_half_spread_bps": 1.0,
    # A sped-up replay compresses the recording's time, so per-second volatility reads high: weigh it less.
    "vol_multiplier": 0.2,
    "calm_period_ms": 5_000,
}
"""Small orders close to the touch on the shipped BTC slice (lot 0.001): fills within the first minute."""


@dataclass(frozen=True, slots=True)
class Recording:
    """The recorded data the fake venue replays, and its market's grid."""

    prefix: Path
    market: str
    tick_size: Decimal
    step_size: Decimal
    min_order_size: Decimal


@dataclass(frozen=True, slots=True)
class Stage:
    """Where the demo's apps run: their database and the run's folder."""

    database_url: str
    home: Path

    @property
    def log_dir(self) -> Path:
        return log_dir_of(self.home)


def log_dir_of(home: Path) -> Path:
    """Every child's log file, and the reflector's reasoning files, under the run's folder."""
    return home / "logs"


def _home_env(home: Path, environ: Mapping[str, str]) -> dict[str, str]:
    kept = {k: v for k, v in environ.items() if not k.startswith("EXTENDED_") and k not in _OWN_SETTINGS}
    return {**kept, "MM_HOME": str(home), "LOG_DIR": str(log_dir_of(home)), "EXCHANGE": "extended", "APP_ENV": "dev"}


def _base_env(stage: Stage, environ: Mapping[str, str]) -> dict[str, str]:
    return {**_home_env(stage.home, environ), "DATABASE_URL": stage.database_url}


def fake_venue(recording: Recording, home: Path, speed: float, environ: Mapping[str, str] = os.environ) -> Child:
    """The venue needs no database: it starts while the database does."""
    args = (
        "fake-exchange",
        "--data",
        str(recording.prefix),
        "--speed",
        str(speed),
        "--market",
        recording.market,
        "--tick",
        str(recording.tick_size),
        "--step",
        str(recording.step_size),
        "--min-size",
        str(recording.min_order_size),
        "--repeat",  # a demo longer than the recording goes on with it, rather than on a stale book
    )
    return Child("fake-exchange", args, _home_env(home, environ), log_dir_of(home) / "fake-exchange.log")


DEMO_REFLECTION = {
    "RUN_INTERVAL_MS": "10000",
    "REFLECTION_WINDOW_S": "60",
    "REFLECTION_SETTLE_S": "75",  # the 60 s markout horizon plus the summarizer's 5 s interval and its run
    "REFLECTION_MIN_FILLS": "3",
    "REFLECTION_MIN_QUOTING_S": "10",  # a sped-up replay keeps the engine quoting only part of each minute
    "REFLECTION_CATCH_UP": "5",
}
"""Minute windows and small evidence thresholds, so a demo of a few minutes sees a proposal decided: the first
window closes 75 s after its minute ends, the executor checks every 10 s (with a 5-minute shadow backtest)."""


def apps(venue_settings: Mapping[str, str], stage: Stage, environ: Mapping[str, str] = os.environ) -> list[Child]:
    """The long-running apps in start order: recorder first, so the executor's first book is already stored."""
    child = _cast_member(venue_settings, stage, environ)
    return [
        child("ingest", ("ingest",)),
        child(
            "trade",
            ("trade",),
            STRATEGY_PARAMS=json.dumps(DEMO_PARAMS),
            PROPOSAL_CHECK_INTERVAL_S="10",
            STATE_SAVE_INTERVAL_S="1",
            SHADOW_BACKTEST_LOOKBACK_S="300",
            ROLLBACK_SUMMARY_MAX_LAG_S="60",
            ROLLBACK_BLIND_ALERT_INTERVAL_S="60",
        ),
        child("summarize", ("summarize", "--loop", "--interval-s", "5")),
        child("reflect", ("reflect", "--loop"), **DEMO_REFLECTION),
    ]


def dashboard(venue_settings: Mapping[str, str], stage: Stage, environ: Mapping[str, str] = os.environ) -> Child:
    """`mm dashboard` on the demo's database, on loopback; on `DASHBOARD_PORT` if the user set one, else any free port."""
    return _cast_member(venue_settings, stage, environ)(
        "dashboard", ("dashboard",), DASHBOARD_PORT=environ.get("DASHBOARD_PORT", "0")
    )


def last_summarizer_run(
    venue_settings: Mapping[str, str], stage: Stage, environ: Mapping[str, str] = os.environ
) -> Child:
    """One `mm summarize` after the executor stopped, so the last fills get their markouts."""
    return _cast_member(venue_settings, stage, environ)("summarize-last", ("summarize",))


def _cast_member(venue_settings: Mapping[str, str], stage: Stage, environ: Mapping[str, str]) -> Callable[..., Child]:
    env = {**_base_env(stage, environ), **venue_settings}

    def child(name: str, args: tuple[str, ...], **extra: str) -> Child:
        return Child(name, args, {**env, **extra}, stage.log_dir / f"{name}.log")

    return child
