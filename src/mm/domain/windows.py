"""Rolling time windows over market events: mid volatility over 1 s and 10 s, liquidation counts. No I/O.

These are accumulators, not values: one engine owns them, feeds every event with its timestamp and
reads them when it builds a `MarketSnapshot`. Time only comes in as `ts_ms`/`now_ts_ms` arguments,
so the live engine and the backtest get identical numbers from identical inputs. Feed them with the
same clock the snapshot's `now_ts_ms` uses (receive time live, replay time in a backtest).
"""

from __future__ import annotations

import math

from mm.domain.value import value

SHORT_WINDOW_MS = 1_000
LONG_WINDOW_MS = 10_000

# Squared returns are summed as integers in units of 1e-20 so adding and evicting millions of them
# never drifts the way a float running sum does; a return of 1e-10 (1e-6 bps) is still resolved.
_SQUARED_RETURN_SCALE = 1e20
_BPS = 1e4
# A mid that moves by more than 100% between two books is no measurement of volatility: such a
# return is capped, so one absurd frame can neither overflow the integer sum nor dwarf a day.
_MAX_ABS_RETURN = 1.0


_COMPACT_AT = 4_096  # evicted entries dropped from the front of a buffer at once (amortized O(1))


class RollingWindow:
    """Count and exact sum of integer values stamped within the last `length_ms` (O(1) amortized).

    A value stamped `ts_ms` counts while `now_ts_ms - length_ms < ts_ms`. A stamp older than the
    newest one is treated as the newest (feeds can reorder within a millisecond or two), which keeps
    eviction a step of the front index.

    Plain lists with a front index rather than deques: compiled, a list read at an integer index is
    a native operation, and one eviction is a compare and an add.
    """

    __slots__ = ("_head", "_stamps", "_total", "_values", "length_ms", "version")

    def __init__(self, length_ms: int) -> None:
        if length_ms <= 0:
            raise ValueError(f"length_ms must be positive, got {length_ms}")
        self.length_ms = length_ms
        self._stamps: list[int] = []
        self._values: list[int] = []
        self._head = 0
        self._total = 0
        self.version = 0
        """Counts every change of what the window holds (an add, an eviction, a clear)."""

    def add(self, ts_ms: int, value: int = 1) -> None:
        stamps = self._stamps
        head = self._head
        if len(stamps) > head:
            newest = stamps[-1]
            if ts_ms < newest:  # noqa: PLR1730 - a compare, not a call to max(), on every sample
                ts_ms = newest
            if stamps[head] <= ts_ms - self.length_ms:  # most adds evict nothing
                self._evict(ts_ms)
        stamps.append(ts_ms)
        self._values.append(value)
        self._total += value
        self.version += 1

    def next_expiry_ms(self) -> int | None:
        """When the oldest value held leaves the window (None: it holds none): until then only an add changes it."""
        if self._head < len(self._stamps):
            return self._stamps[self._head] + self.length_ms
        return None

    def count(self, now_ts_ms: int) -> int:
        self._evict(now_ts_ms)
        return len(self._stamps) - self._head

    def total(self, now_ts_ms: int) -> int:
        self._evict(now_ts_ms)
        return self._total

    def total_and_count(self, now_ts_ms: int) -> tuple[int, int]:
        self._evict(now_ts_ms)
        return self._total, len(self._stamps) - self._head

    def clear(self) -> None:
        self._stamps.clear()
        self._values.clear()
        self._head = 0
        self._total = 0
        self.version += 1

    def _evict(self, now_ts_ms: int) -> None:
        stamps, values = self._stamps, self._values
        oldest_kept = now_ts_ms - self.length_ms
        head, end, total = self._head, len(stamps), self._total
        while head < end and stamps[head] <= oldest_kept:
            total -= values[head]
            head += 1
        if head == self._head:
            return
        self.version += 1
        self._total = total
        if head >= _COMPACT_AT and head * 2 >= end:
            del stamps[:head]
            del values[:head]
            head = 0
        self._head = head


class _TwoWindows:
    """The 1 s and 10 s sums of one stream of squared returns, over one buffer with a front index each.

    The same exact integer sums as two `RollingWindow`s fed the same values, for one append per
    sample instead of four.
    """

    __slots__ = (
        "_long_head",
        "_long_ms",
        "_long_total",
        "_short_head",
        "_short_ms",
        "_short_total",
        "_stamps",
        "_values",
    )

    def __init__(self, short_ms: int, long_ms: int) -> None:
        self._short_ms = short_ms
        self._long_ms = long_ms
        self._stamps: list[int] = []
        self._values: list[int] = []
        self._short_head = 0
        self._long_head = 0
        self._short_total = 0
        self._long_total = 0

    def add(self, ts_ms: int, value: int) -> None:
        stamps = self._stamps
        if stamps:
            newest = stamps[-1]
            if ts_ms < newest:  # noqa: PLR1730 - a compare, not a call to max(), on every sample
                ts_ms = newest
        stamps.append(ts_ms)
        self._values.append(value)
        self._short_total += value
        self._long_total += value
        self.evict(ts_ms)

    def evict(self, now_ts_ms: int) -> None:
        stamps, values = self._stamps, self._values
        end = len(stamps)
        head, total, oldest_kept = self._short_head, self._short_total, now_ts_ms - self._short_ms
        while head < end and stamps[head] <= oldest_kept:
            total -= values[head]
            head += 1
        self._short_head, self._short_total = head, total
        head, total, oldest_kept = self._long_head, self._long_total, now_ts_ms - self._long_ms
        while head < end and stamps[head] <= oldest_kept:
            total -= values[head]
            head += 1
        if head >= _COMPACT_AT and head * 2 >= end:
            del stamps[:head]
            del values[:head]
            self._short_head -= head
            head = 0
        self._long_head, self._long_total = head, total

    def short_total(self) -> int:
        return self._short_total

    def totals(self) -> tuple[int, int]:
        """The 1 s and 10 s sums as of the last add or eviction (no eviction here)."""
        return self._short_total, self._long_total

    def held(self) -> int:
        """Samples in the 10 s window as of the last add or eviction."""
        return len(self._stamps) - self._long_head

    def next_change_ms(self, min_samples: int) -> int | None:
        """The first instant a sum changes or the 10 s count falls below `min_samples` by time alone (None: never).

        A sample whose squared return is 0 leaves a sum unchanged: only the first non-zero sample
        of each window counts, and the sample whose leaving takes the count under the minimum.
        """
        stamps, values = self._stamps, self._values
        end = len(stamps)
        until: int | None = None
        index = self._short_head
        while index < end and values[index] == 0:
            index += 1
        if index < end:
            until = stamps[index] + self._short_ms
        index = self._long_head
        while index < end and values[index] == 0:
            index += 1
        if index < end:
            expiry = stamps[index] + self._long_ms
            until = expiry if until is None else min(until, expiry)
        held = end - self._long_head
        if 0 < min_samples <= held:
            expiry = stamps[self._long_head + held - min_samples] + self._long_ms
            until = expiry if until is None else min(until, expiry)
        return until

    def long_total_and_count(self) -> tuple[int, int]:
        return self._long_total, len(self._stamps) - self._long_head

    def clear(self) -> None:
        self._stamps.clear()
        self._values.clear()
        self._short_head = self._long_head = 0
        self._short_total = self._long_total = 0


@value(frozen=True)
class VolatilityStats:
    """Realized mid volatility over the last 1 s and 10 s, in bps (not annualized, not per second).

    `sample_count` is the number of mid observations in the 10 s window; `history_ms` is how far
    back the observations reach, shorter than 10 s while the windows warm up.
    """

    vol_1s_bps: float
    vol_10s_bps: float
    sample_count: int
    history_ms: int


NO_VOLATILITY = VolatilityStats(vol_1s_bps=0.0, vol_10s_bps=0.0, sample_count=0, history_ms=0)


class MidVolatility:
    """Realized volatility (root of summed squared mid returns) over the 1 s and 10 s windows.

    Feed every book observation, changed mid or not: each is one sample, so a quiet but live book
    still counts as observed.
    """

    __slots__ = ("_first_ts_ms", "_last_mid", "_windows")

    def __init__(self) -> None:
        self._windows = _TwoWindows(SHORT_WINDOW_MS, LONG_WINDOW_MS)
        self._last_mid = 0.0
        self._first_ts_ms: int | None = None

    def update(self, ts_ms: int, mid: float) -> None:
        """Record the mid observed at `ts_ms`; a mid that is not positive and finite is no observation."""
        if not 0.0 < mid < math.inf:  # also False for NaN
            return
        last_mid = self._last_mid
        self._last_mid = mid
        if self._first_ts_ms is None:
            self._first_ts_ms = ts_ms
            return
        simple_return = min(abs(mid - last_mid) / last_mid, _MAX_ABS_RETURN)
        self._windows.add(ts_ms, int(simple_return * simple_return * _SQUARED_RETURN_SCALE))

    def stats(self, now_ts_ms: int) -> VolatilityStats:
        if self._first_ts_ms is None:
            return NO_VOLATILITY
        windows = self._windows
        windows.evict(now_ts_ms)
        long_total, long_count = windows.long_total_and_count()
        return VolatilityStats(
            vol_1s_bps=math.sqrt(windows.short_total() / _SQUARED_RETURN_SCALE) * _BPS,
            vol_10s_bps=math.sqrt(long_total / _SQUARED_RETURN_SCALE) * _BPS,
            sample_count=long_count,
            history_ms=now_ts_ms - self._first_ts_ms,
        )

    @property
    def first_ts_ms(self) -> int | None:
        return self._first_ts_ms

    def change_key(self, min_samples: int) -> tuple[int, int, bool, bool]:
        """What the stats feed into a decision, as of the last sample: the sums, enough samples, any sample.

        It changes on a sample that moves a sum or crosses the minimum count; time alone changes the
        stats only at `next_change_ms`.
        """
        windows = self._windows
        short_total, long_total = windows.totals()
        return short_total, long_total, windows.held() >= min_samples, self._first_ts_ms is None

    def next_change_ms(self, now_ts_ms: int, min_samples: int) -> int | None:
        """The first instant after `now_ts_ms` at which time alone changes `change_key` or the warm-up
        (10 s of history) ends. None: never."""
        expiry = self._windows.next_change_ms(min_samples)
        first = self._first_ts_ms
        if first is not None and first + LONG_WINDOW_MS > now_ts_ms:
            warmed_ms = first + LONG_WINDOW_MS
            return warmed_ms if expiry is None else min(warmed_ms, expiry)
        return expiry

    def reset(self) -> None:
        """Forget everything, e.g. after a feed gap: the estimate then warms up again from scratch."""
        self._windows.clear()
        self._last_mid = 0.0
        self._first_ts_ms = None


class MarketWindows:
    """The windows one market's engine keeps: mid volatility and the liquidation count.

    Call `on_book` for every best bid/offer and `on_liquidation` for every liquidation or
    deleveraging print, then read `volatility` and `liquidation_count` when building a snapshot.
    """

    __slots__ = ("liquidations", "volatility")

    def __init__(self, liquidation_window_ms: int) -> None:
        self.volatility = MidVolatility()
        self.liquidations = RollingWindow(liquidation_window_ms)

    def on_book(self, ts_ms: int, bid_px: float | None, ask_px: float | None) -> None:
        """Feed the mid of a usable book; a missing, non-positive, non-finite or crossed book adds no sample."""
        if bid_px is None or ask_px is None or not 0.0 < bid_px <= ask_px:  # False for NaN too
            return
        self.volatility.update(ts_ms, bid_px * 0.5 + ask_px * 0.5)  # halves first: 1e308 + 1e308 overflows

    def on_liquidation(self, ts_ms: int) -> None:
        self.liquidations.add(ts_ms)

    def volatility_stats(self, now_ts_ms: int) -> VolatilityStats:
        return self.volatility.stats(now_ts_ms)

    def liquidation_count(self, now_ts_ms: int) -> int:
        return self.liquidations.count(now_ts_ms)
