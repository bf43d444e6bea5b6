"""`ParamRolloutStore` (and `StrategyParamsSource`) in memory, sharing proposals with an in-memory proposal store."""

from __future__ import annotations

from collections import defaultdict

from mm.adapters.memory.param_proposal_store import InMemoryParamProposalStore
from mm.domain.params import StrategyParams
from mm.domain.rollout import AppliedChange, ParamVersion, RolloutAction, RolloutRecord
from mm.ports.errors import RecordNotFound, StoreConflict


class InMemoryParamRolloutStore:
    def __init__(self, proposals: InMemoryParamProposalStore | None = None) -> None:
        self.proposals = proposals or InMemoryParamProposalStore()
        self._versions: dict[tuple[str, str], list[ParamVersion]] = defaultdict(list)
        self._rollouts: list[RolloutRecord] = []

    async def current(self, exchange: str, symbol: str) -> StrategyParams | None:
        version = await self.current_version(exchange, symbol)
        return None if version is None else version.params

    async def current_version(self, exchange: str, symbol: str) -> ParamVersion | None:
        versions = self._versions.get((exchange, symbol))
        return versions[-1] if versions else None

    async def applied_change(self, proposal_id: str) -> AppliedChange | None:
        for rollout in reversed(self._rollouts):
            if rollout.proposal_id != proposal_id or rollout.action is not RolloutAction.APPLIED:
                continue
            if rollout.to_version is None:
                continue
            versions = self._versions.get((rollout.exchange, rollout.symbol), [])
            replaced = [v for v in versions if v.version == rollout.from_version]
            if replaced:
                return AppliedChange(proposal_id, rollout.ts_ms, replaced[0], rollout.to_version)
        return None

    async def save_version(self, version: ParamVersion) -> None:
        self._check_next(version)
        self._versions[(version.exchange, version.symbol)].append(version)

    async def record(self, rollout: RolloutRecord, new_version: ParamVersion | None = None) -> None:
        # Check everything before changing anything, so a refused record leaves no trace.
        if new_version is not None:
            self._check_next(new_version)
        if rollout.proposal_id is not None:
            stored = await self.proposals.get(rollout.proposal_id)
            if stored is None:
                raise RecordNotFound(f"no proposal {rollout.proposal_id}")
            if not stored.status.can_become(rollout.action.proposal_status):
                raise StoreConflict(f"proposal {stored.id} is {stored.status}; cannot be {rollout.action}")
            await self.proposals.set_status(stored.id, rollout.action.proposal_status, ts_ms=rollout.ts_ms)
        if new_version is not None:
            self._versions[(new_version.exchange, new_version.symbol)].append(new_version)
        self._rollouts.append(rollout)

    async def history(self, exchange: str, symbol: str, limit: int = 20) -> list[RolloutRecord]:
        found = [r for r in self._rollouts if r.exchange == exchange and r.symbol == symbol]
        return list(reversed(found))[:limit]

    def _check_next(self, version: ParamVersion) -> None:
        versions = self._versions.get((version.exchange, version.symbol))
        newest = versions[-1].version if versions else 0
        if version.version != newest + 1:
            raise StoreConflict(
                f"strategy_params {version.exchange}/{version.symbol} is at version {newest}; "
                f"cannot store version {version.version}"
            )
