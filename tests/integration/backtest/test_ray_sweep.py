"""A sweep on a local Ray cluster gives the process pool's results."""

from __future__ import annotations

import pandas as pd
import pytest

import mm.backtest

pytestmark = pytest.mark.integration

ray = pytest.importorskip("ray", reason="ray is an optional extra (pip install 'mm[ray]')")

GRID = {"base_half_spread_bps": [0.5, 1.0]}
RESULTS = ["base_half_spread_bps", "fills", "marked_pnl", "spread_capture", "sharpe"]


@pytest.fixture
def local_ray() -> object:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


def test_a_local_ray_sweep_gives_the_pools_results(local_ray: object) -> None:
    on_ray = mm.backtest.sweep(GRID, fill_model="touch", ray="local")
    on_pool = mm.backtest.sweep(GRID, fill_model="touch", workers=2)

    pd.testing.assert_frame_equal(on_ray[RESULTS], on_pool[RESULTS])
