"""`BBO_THINNING`, the per-market thinning setting of `mm ingest`."""

from __future__ import annotations

import pytest

from mm.apps.ingestor.thinning_spec import ThinningRules, parse_rule, parse_thinning
from mm.domain.bbo_thinning import NO_THINNING, BboThinning, BboTrigger


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("off", NO_THINNING),
        ("change", BboThinning(BboTrigger.ANY_CHANGE)),
        ("price_change", BboThinning(BboTrigger.PRICE_CHANGE)),
        ("250ms", BboThinning(min_interval_ms=250)),
        ("price_change+100ms", BboThinning(BboTrigger.PRICE_CHANGE, 100)),
    ],
)
def test_a_rule_reads_as_written(text: str, rule: BboThinning) -> None:
    assert parse_rule(text) == rule


def test_entries_with_a_symbol_apply_to_that_market_and_the_other_is_the_default() -> None:
    assert parse_thinning("250ms, BTC-USD:change+100ms,ETH-USD:off") == ThinningRules(
        default=BboThinning(min_interval_ms=250),
        by_symbol={"BTC-USD": BboThinning(BboTrigger.ANY_CHANGE, 100), "ETH-USD": NO_THINNING},
    )


def test_an_empty_setting_thins_nothing() -> None:
    assert parse_thinning("") == ThinningRules()


def test_an_unknown_rule_is_named_in_the_error() -> None:
    with pytest.raises(ValueError, match="'sometimes'"):
        parse_thinning("BTC-USD:sometimes")
