"""Which strategy params a market trades with at start-up: the newest stored version, or the configured ones.

`strategy_params` holds every version (rollouts and rollbacks add to it), so it wins over the
defaults. Configured overrides (STRATEGY_PARAMS) that differ from what is stored become a new
MANUAL version, so the database always names the params really in force.
"""

from __future__ import annotations

import dataclasses

import structlog

from mm.domain.params import StrategyParams
from mm.domain.rollout import ParamSource, ParamVersion
from mm.ports.param_rollout_store import ParamRolloutStore

_log = structlog.get_logger(__name__)


def _same_values(a: StrategyParams, b: StrategyParams) -> bool:
    return dataclasses.replace(a, version=1) == dataclasses.replace(b, version=1)


async def params_in_force(
    store: ParamRolloutStore,
    exchange: str,
    symbol: str,
    configured: StrategyParams,
    *,
    is_overridden: bool,
) -> StrategyParams:
    """The params to trade `symbol` with, stored as a version when they are not stored yet."""
    current = await store.current(exchange, symbol)
    if current is not None and (not is_overridden or _same_values(current, configured)):
        _log.info("strategy_params_loaded", symbol=symbol, version=current.version)
        return current
    version = 1 if current is None else current.version + 1
    params = dataclasses.replace(configured, version=version)
    source = ParamSource.MANUAL if is_overridden else ParamSource.DEFAULT
    await store.save_version(ParamVersion(exchange, symbol, params, source))
    _log.info("strategy_params_stored", symbol=symbol, version=version, source=source.value)
    return params
