from __future__ import annotations

import math

import pytest

from mm.domain.windows import MarketWindows, MidVolatility, RollingWindow


def test_a_rolling_window_counts_values_stamped_within_its_length() -> None:
    window = RollingWindow(1_000)
    for ts_ms in (0, 400, 900):
        window.add(ts_ms)

    assert window.count(1_300) == 2


def test_a_value_leaves_the_window_exactly_one_length_after_its_stamp() -> None:
    window = RollingWindow(1_000)
    window.add(500)

    assert (window.count(1_499), window.count(1_500)) == (1, 0)


def test_a_rolling_window_sums_the_values_it_holds() -> None:
    window = RollingWindow(1_000)
    window.add(0, 5)
    window.add(600, 7)

    assert (window.total(900), window.total(1_200)) == (12, 7)


def test_volatility_returns_to_exactly_zero_after_many_moves_leave_the_window() -> None:
    volatility = MidVolatility()
    for ts_ms in range(20_000):
        volatility.update(ts_ms, 100.0 + (ts_ms % 7) * 0.37)
    for ts_ms in range(20_000, 31_000, 500):
        volatility.update(ts_ms, 100.0)

    assert volatility.stats(31_000).vol_10s_bps == 0.0


def test_a_stamp_older_than_the_newest_counts_as_the_newest() -> None:
    window = RollingWindow(1_000)
    window.add(2_000)
    window.add(1_500)

    assert window.count(2_999) == 2


def test_a_cleared_window_is_empty() -> None:
    window = RollingWindow(1_000)
    window.add(0, 4)
    window.clear()

    assert (window.count(1), window.total(1)) == (0, 0)


def test_a_window_needs_a_positive_length() -> None:
    with pytest.raises(ValueError, match="length_ms"):
        RollingWindow(0)


def test_realized_volatility_is_the_root_of_summed_squared_returns_in_bps() -> None:
    volatility = MidVolatility()
    for ts_ms, mid in ((0, 100.0), (100, 101.0), (200, 100.0)):
        volatility.update(ts_ms, mid)

    stats = volatility.stats(200)

    expected_bps = math.sqrt(0.01**2 + (1 / 101) ** 2) * 1e4  # 100 bps up, then 99.0099 bps down
    assert stats.vol_1s_bps == pytest.approx(expected_bps, rel=1e-9)
    assert stats.vol_10s_bps == pytest.approx(expected_bps, rel=1e-9)


def test_the_one_second_window_forgets_a_move_the_ten_second_window_still_holds() -> None:
    volatility = MidVolatility()
    volatility.update(0, 100.0)
    volatility.update(100, 101.0)

    stats = volatility.stats(1_500)

    assert stats.vol_1s_bps == 0.0
    assert stats.vol_10s_bps == pytest.approx(100.0)


def test_volatility_counts_every_observation_and_how_far_back_they_reach() -> None:
    volatility = MidVolatility()
    for ts_ms in range(0, 3_000, 100):
        volatility.update(ts_ms, 100.0)

    stats = volatility.stats(3_000)

    assert (stats.sample_count, stats.history_ms, stats.vol_10s_bps) == (29, 3_000, 0.0)


def test_volatility_without_observations_is_empty() -> None:
    assert MidVolatility().stats(5_000).sample_count == 0


def test_a_reset_makes_volatility_warm_up_again() -> None:
    volatility = MidVolatility()
    volatility.update(0, 100.0)
    volatility.update(100, 101.0)
    volatility.reset()
    volatility.update(20_000, 50.0)

    stats = volatility.stats(20_500)

    assert (stats.sample_count, stats.history_ms, stats.vol_10s_bps) == (0, 500, 0.0)


def test_market_windows_take_the_mid_of_a_usable_book() -> None:
    windows = MarketWindows(liquidation_window_ms=10_000)
    windows.on_book(0, 99.0, 101.0)
    windows.on_book(100, 100.0, 102.0)

    assert windows.volatility_stats(100).vol_10s_bps == pytest.approx(100.0)


@pytest.mark.parametrize(("bid_px", "ask_px"), [(None, 101.0), (100.0, None), (0.0, 1.0), (102.0, 101.0)])
def test_market_windows_skip_a_missing_empty_or_crossed_book(bid_px: float | None, ask_px: float | None) -> None:
    windows = MarketWindows(liquidation_window_ms=10_000)
    windows.on_book(0, 100.0, 100.5)
    windows.on_book(100, bid_px, ask_px)

    assert windows.volatility_stats(100).sample_count == 0


def test_market_windows_count_liquidations_within_their_window() -> None:
    windows = MarketWindows(liquidation_window_ms=5_000)
    for ts_ms in (0, 1_000, 4_000, 6_000):
        windows.on_liquidation(ts_ms)

    assert windows.liquidation_count(6_000) == 2


def test_the_volatility_windows_keep_exact_sums_across_compaction_and_reordered_stamps() -> None:
    """Thousands of samples (past the buffer's compaction) against sums recomputed from scratch."""
    import random

    rng = random.Random(7)
    volatility = MidVolatility()
    samples: list[tuple[int, int]] = []  # (stamp as kept, squared return in the windows' units)
    ts, mid = 1_000, 100.0
    volatility.update(ts, mid)
    for _ in range(20_000):
        ts += rng.choice((0, 1, 3, 7, 40))
        stamp = ts - rng.choice((0, 0, 0, 2))  # now and then a stamp a little older than the newest
        new_mid = mid * (1 + rng.uniform(-1e-4, 1e-4))
        ret = (new_mid - mid) / mid
        samples.append((max(stamp, samples[-1][0]) if samples else stamp, int(ret * ret * 1e20)))
        volatility.update(stamp, new_mid)
        mid = new_mid
        if rng.random() < 0.01:
            stats = volatility.stats(ts)
            short = sum(v for s, v in samples if s > ts - 1_000)
            long_values = [v for s, v in samples if s > ts - 10_000]
            assert stats.vol_1s_bps == math.sqrt(short / 1e20) * 1e4
            assert stats.vol_10s_bps == math.sqrt(sum(long_values) / 1e20) * 1e4
            assert stats.sample_count == len(long_values)
