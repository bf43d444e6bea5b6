"""Mutated fixture frames for a running app's sockets: rebased to now, numbered in its stream's sequence.

`FrameMutator` labels each mutation good or bad for frames received 40 ms after their own time; a
stream into a live app needs frames of *now*, so `LiveFrameMutator` shifts every time field of the
fixtures by the same amount before mutating, and writes the subscriber's next `seq` into the
envelope. Three in ten good best bid/offer frames get an outlier price instead (a side multiplied by
0.3 to 3), which the boundary maps as it should and the strategy must not quote from.
"""

from __future__ import annotations

import json
import random
from typing import Any

from tests.fuzz.extended_frame_mutator import BaseFrame, FrameKind, FrameMutator, MutatedFrame

_TIME_CLASSES = ("frame_ts", "record_ts", "price_ts")
OUTLIER_SHARE = 0.3


def _shift_times(body: Any, base: BaseFrame, delta_ms: int) -> None:
    """Move every time field of `body` (the paths its table marks as times) by `delta_ms`."""
    for path, field_class in base.fields.items():
        if not any(name in field_class.split("+") for name in _TIME_CLASSES):
            continue
        *parents, last = path.split(".")
        node = body
        try:
            for part in parents:
                node = node[int(part)] if isinstance(node, list) else node[part]
            key: Any = int(last) if isinstance(node, list) else last
            value = node[key]
        except (KeyError, IndexError):
            continue  # a field this fixture does not carry
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            node[key] = value + delta_ms


class LiveFrameMutator(FrameMutator):
    """`FrameMutator` over the fixtures of `kinds`, rebased to a given time and sequence number."""

    def __init__(self, seed: int, kinds: frozenset[FrameKind]) -> None:
        super().__init__(seed)
        self._bases = [(base, body) for base, body in self._bases if base.kind in kinds]
        self._outliers = random.Random(seed + 1)

    def live_frame(self, kind: FrameKind, now_ms: int, seq: int) -> MutatedFrame:
        """A mutated frame of `kind`, its time `now_ms` (its receipt 40 ms later) and its seq `seq`."""
        kept = self._bases
        self._bases = [(base, body) for base, body in kept if base.kind is kind]
        try:
            for base, body in self._bases:
                _shift_times(body, base, now_ms - body["ts"])
                body["seq"] = seq
            mutated = self.frame()
        finally:
            self._bases = kept
        if kind is FrameKind.BBO and not mutated.is_bad and self._outliers.random() < OUTLIER_SHARE:
            return self._outlier(mutated)
        return mutated

    def _outlier(self, mutated: MutatedFrame) -> MutatedFrame:
        try:
            body = json.loads(mutated.raw)
            level = body["data"][self._outliers.choice(("b", "a"))][0]
            level["p"] = str(round(float(level["p"]) * self._outliers.uniform(0.3, 3.0)))
        except (ValueError, KeyError, IndexError, TypeError):
            return mutated  # a frame the mutation left without such a level: send it as it is
        return MutatedFrame(
            mutated.base, json.dumps(body), mutated.received_ts_ms, (*mutated.mutations, "outlier"), False, False
        )
