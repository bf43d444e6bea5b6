"""What every `BacktestSweepStore` must do, whatever stores it."""

from __future__ import annotations

import pytest

from mm.domain.backtest_sweep import Split, SweepMember
from mm.ports.backtest_run_store import BacktestRunStore
from mm.ports.backtest_sweep_store import BacktestSweepStore
from mm.ports.errors import RecordNotFound
from tests.contract.backtest_run_store.contract import a_run


class BacktestSweepStoreContract:
    """Subclasses provide `runs` and `store` fixtures over one database (or one memory)."""

    async def test_a_key_finds_the_run_it_was_remembered_for(
        self, runs: BacktestRunStore, store: BacktestSweepStore
    ) -> None:
        run_id = await runs.save(a_run())
        await store.remember_key("k-found", run_id)

        assert await store.run_id_for_key("k-found") == run_id
        assert await store.run_id_for_key("k-unknown") is None

    async def test_a_key_keeps_its_first_run(self, runs: BacktestRunStore, store: BacktestSweepStore) -> None:
        first, second = await runs.save(a_run()), await runs.save(a_run())
        await store.remember_key("k-first", first)
        await store.remember_key("k-first", second)

        assert await store.run_id_for_key("k-first") == first

    async def test_members_come_back_with_split_and_trial_once_each(
        self, runs: BacktestRunStore, store: BacktestSweepStore
    ) -> None:
        sweep_id = await store.create_sweep("grid", {"grid": {"a": [1, 2]}})
        run_id = await runs.save(a_run())
        member = SweepMember(sweep_id, run_id, Split.TEST, 3)
        await store.add_member(member)
        await store.add_member(member)

        assert await store.members(sweep_id) == [member]

    async def test_an_unknown_sweep_has_no_members(self, store: BacktestSweepStore) -> None:
        with pytest.raises(RecordNotFound):
            await store.members(987_654_321)

    async def test_listed_runs_are_newest_first_with_their_sweeps(
        self, runs: BacktestRunStore, store: BacktestSweepStore
    ) -> None:
        sweep_id = await store.create_sweep("grid", {})
        older, newer = await runs.save(a_run()), await runs.save(a_run())
        await store.add_member(SweepMember(sweep_id, older))
        await store.add_member(SweepMember(sweep_id, newer))

        listed = await store.list_runs(sweep_id=sweep_id)

        assert [(run.run_id, run.sweep_ids) for run in listed] == [(newer, (sweep_id,)), (older, (sweep_id,))]
        assert listed[0].summary == a_run().summary
