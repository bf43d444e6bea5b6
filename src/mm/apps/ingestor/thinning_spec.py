"""`BBO_THINNING`: the per-market thinning rules of `mm ingest`, written as one setting.

    BBO_THINNING=price_change                       every market: store on a price change only
    BBO_THINNING=BTC-USD:change+100ms,ETH-USD:250ms per market; other markets are not thinned
    BBO_THINNING=250ms,BTC-USD:off                  a default for all, and an exception

An entry is `[SYMBOL:]RULE`; a rule is `off`, or `change`, `price_change` and/or `<N>ms` joined by
`+` (trigger and minimum interval must both hold). The entry without a symbol is the default.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from mm.domain.bbo_thinning import NO_THINNING, BboThinning, BboTrigger

_INTERVAL = re.compile(r"^(\d+)ms$")
_TRIGGERS = {trigger.value: trigger for trigger in BboTrigger if trigger is not BboTrigger.EVERY}


@dataclass(frozen=True, slots=True)
class ThinningRules:
    default: BboThinning = NO_THINNING
    by_symbol: Mapping[str, BboThinning] = field(default_factory=dict)


def parse_rule(text: str) -> BboThinning:
    """One rule: `off`, or `change` / `price_change` / `<N>ms` joined by `+`."""
    if text == "off":
        return NO_THINNING
    trigger, interval_ms = BboTrigger.EVERY, 0
    for raw_part in text.split("+"):
        part = raw_part.strip()
        interval = _INTERVAL.match(part)
        if interval:
            interval_ms = int(interval.group(1))
        elif part in _TRIGGERS:
            trigger = _TRIGGERS[part]
        else:
            raise ValueError(f"unknown thinning rule {part!r}: use off, change, price_change or <N>ms")
    return BboThinning(trigger, interval_ms)


def parse_thinning(text: str) -> ThinningRules:
    """All entries of `BBO_THINNING`; raises ValueError naming the first bad one."""
    default, by_symbol = NO_THINNING, {}
    for entry in (entry.strip() for entry in text.split(",")):
        if not entry:
            continue
        symbol, _, rule = entry.rpartition(":")
        if symbol:
            by_symbol[symbol.strip()] = parse_rule(rule.strip())
        else:
            default = parse_rule(rule.strip())
    return ThinningRules(default, by_symbol)
