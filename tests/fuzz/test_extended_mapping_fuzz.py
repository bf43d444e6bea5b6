"""Seeded fuzz of the Extended inbound boundary: mutated fixture frames through decode and mapping.

Every frame either maps or is refused as `MalformedMessage`, never anything else; every frame the
mutator left good maps; every frame it made bad is refused, so the malformed count equals the
injected bad count. `MM_FUZZ_SEED` and `MM_FUZZ_FRAMES` explore beyond the CI defaults.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from decimal import Decimal

import pytest
from x10.models.http import WrappedApiResponseModel
from x10.models.market import MarketModel

from mm.adapters.extended.frames import decode_frame
from mm.adapters.extended.inbound_bounds import DEFAULT_BOUNDS, InboundBounds
from mm.adapters.extended.mapping import (
    account_events_from_frame,
    bbo_from_frame,
    instrument_from_market,
    price_from_frame,
    public_trades_from_frame,
)
from mm.domain.market_events import BestBidOffer, PriceKind
from mm.ports.errors import MalformedMessage
from tests.fuzz.extended_frame_mutator import FIXTURES, FrameKind, FrameMutator, MutatedFrame

SEED = int(os.environ.get("MM_FUZZ_SEED", "20260114"))
FRAMES = int(os.environ.get("MM_FUZZ_FRAMES", "10000"))
TIME_LIMIT_S = 30.0


def market_bounds() -> InboundBounds:
    """BTC-USD's bounds from its tick and step, as the venue's markets reply gives them."""
    reply = WrappedApiResponseModel[list[MarketModel]].model_validate_json((FIXTURES / "markets.json").read_text())
    return InboundBounds.for_instruments(instrument_from_market(market) for market in reply.data or ())


def map_frame(mutated: MutatedFrame, bounds: InboundBounds) -> list[object]:
    """Decode and map one frame as its stream would; raises `MalformedMessage` when refused."""
    frame = decode_frame(mutated.raw)
    received = mutated.received_ts_ms
    kind = mutated.base.kind
    if kind is FrameKind.BBO:
        return [bbo_from_frame(frame, received, bounds)]
    if kind is FrameKind.TRADES:
        return list(public_trades_from_frame(frame, received, is_replay=False, bounds=bounds))
    if kind is FrameKind.ACCOUNT:
        return list(account_events_from_frame(frame, received, DEFAULT_BOUNDS))
    return [price_from_frame(frame, received, PriceKind(kind.value), bounds)]


def is_crossed(events: list[object]) -> bool:
    [bbo] = events
    assert isinstance(bbo, BestBidOffer)
    bid, ask = bbo.bid_px, bbo.ask_px
    return isinstance(bid, Decimal) and isinstance(ask, Decimal) and bid >= ask


def test_every_mutated_frame_maps_when_good_and_is_malformed_when_bad(capsys: pytest.CaptureFixture[str]) -> None:
    mutator, bounds = FrameMutator(SEED), market_bounds()
    counts: Counter[str] = Counter()
    unexpected: list[str] = []
    started = time.perf_counter()

    for _ in range(FRAMES):
        mutated = mutator.frame()
        counts["injected bad" if mutated.is_bad else "injected good"] += 1
        try:
            events = map_frame(mutated, bounds)
        except MalformedMessage:
            counts["malformed"] += 1
            if not mutated.is_bad:
                unexpected.append(f"refused a good frame {mutated.mutations}: {mutated.raw[:300]}")
            continue
        except Exception as error:  # the point of the fuzz: nothing else may escape
            counts["unhandled"] += 1
            unexpected.append(f"{type(error).__name__}: {error} {mutated.mutations}: {mutated.raw[:300]}")
            continue
        counts["mapped"] += 1
        if mutated.is_bad:
            unexpected.append(f"mapped a bad frame {mutated.mutations}: {mutated.raw[:300]}")
        if mutated.is_crossed:
            counts["crossed or locked, mapped"] += 1
            assert is_crossed(events)
    elapsed_s = time.perf_counter() - started

    with capsys.disabled():
        summary = ", ".join(f"{name} {count}" for name, count in sorted(counts.items()))
        print(f"\nfuzz seed {SEED}: {FRAMES} frames in {elapsed_s:.1f} s: {summary}")  # noqa: T201 - CI shows the counts
    assert unexpected[:20] == []
    assert counts["malformed"] == counts["injected bad"]
    assert counts["mapped"] == counts["injected good"]
    assert elapsed_s < TIME_LIMIT_S
