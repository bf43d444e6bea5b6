"""The JSON shapes of public objects: market listing, fees, book levels, prints, mark/index prices.

The listing copies every field SDK 2.6.0's `MarketModel` requires from the real BTC-USD capture
(`fixtures/markets.json`), with our trading rules and the live book's prices filled in.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from mm.testing.fake_extended.book import BookLevel, LevelChange, MarketBook, PublicPrint
from mm.testing.fake_extended.markets import MarketSpec
from mm.testing.fake_extended.wire_decimal import decimal_text

_RISK_FACTORS = [("4000000", "0.02"), ("8000000", "0.04"), ("12000000", "0.06"), ("1000000000", "1")]


def _market_stats(book: MarketBook) -> dict[str, Any]:
    bid, ask = book.best_bid, book.best_ask
    reference = book.last_price or book.mid_price or Decimal(0)
    return {
        "dailyVolume": "0",
        "dailyVolumeBase": "0",
        "dailyPriceChange": "0",
        "dailyPriceChangePercentage": "0",
        "dailyLow": decimal_text(reference),
        "dailyHigh": decimal_text(reference),
        "lastPrice": decimal_text(reference),
        "askPrice": decimal_text(ask.price if ask else reference),
        "bidPrice": decimal_text(bid.price if bid else reference),
        "markPrice": decimal_text(book.mark_price or reference),
        "indexPrice": decimal_text(book.index_price or reference),
        "fundingRate": "0.000013",
        "nextFundingRate": 1790427600000,
        "openInterest": "0",
        "openInterestBase": "0",
    }


def _trading_config(spec: MarketSpec) -> dict[str, Any]:
    return {
        "minOrderSize": decimal_text(spec.min_order_size),
        "minOrderSizeChange": decimal_text(spec.step_size),
        "minPriceChange": decimal_text(spec.tick_size),
        "maxMarketOrderValue": "3000000",
        "maxLimitOrderValue": "15000000",
        "maxPositionValue": "60000000",
        "maxLeverage": "50.00",
        "maxNumOrders": str(spec.max_open_orders),
        "limitPriceCap": decimal_text(spec.limit_price_cap),
        "limitPriceFloor": decimal_text(spec.limit_price_floor),
        "riskFactorConfig": [
            {"upperBound": bound, "riskFactor": factor, "isAvailableForUsers": True} for bound, factor in _RISK_FACTORS
        ],
    }


def market_payload(spec: MarketSpec, book: MarketBook) -> dict[str, Any]:
    return {
        "name": spec.name,
        "type": "PERPETUAL",
        "uiName": spec.name,
        "category": "Crypto",
        "assetName": spec.asset_name,
        "assetPrecision": spec.asset_precision,
        "collateralAssetName": spec.collateral_name,
        "collateralAssetPrecision": 6,
        "active": True,
        "isRfq": False,
        "isOffHours": False,
        "status": "ACTIVE",
        "tradingHours": "CONTINUOUS",
        "marketStats": _market_stats(book),
        "tradingConfig": _trading_config(spec),
        "l2Config": {
            "type": "STARKX",
            "collateralId": spec.collateral_id,
            "syntheticId": spec.synthetic_id,
            "syntheticResolution": spec.synthetic_resolution,
            "collateralResolution": spec.collateral_resolution,
        },
        "visibleOnUi": True,
    }


def fees_payload(spec: MarketSpec) -> dict[str, Any]:
    return {
        "market": spec.name,
        "makerFeeRate": decimal_text(spec.maker_fee_rate),
        "takerFeeRate": decimal_text(spec.taker_fee_rate),
        "builderFeeRate": decimal_text(spec.builder_fee_rate),
    }


def level_payload(level: BookLevel) -> dict[str, str]:
    return {"q": decimal_text(level.size), "p": decimal_text(level.price)}


def level_change_payload(change: LevelChange) -> dict[str, str]:
    """A delta level carries both the signed change `q` and the resulting size `c` (PROTOCOL.md §3)."""
    return {"q": decimal_text(change.change), "p": decimal_text(change.price), "c": decimal_text(change.size_after)}


def book_payload(
    market: str, kind: str, bids: list[dict[str, str]], asks: list[dict[str, str]], depth: str
) -> dict[str, Any]:
    return {"t": kind, "m": market, "b": bids, "a": asks, "d": depth}


def print_payload(trade: PublicPrint) -> dict[str, Any]:
    return {
        "i": trade.trade_id,
        "m": trade.market,
        "S": trade.taker_side,
        "tT": trade.trade_type,
        "T": trade.ts_ms,
        "p": decimal_text(trade.price),
        "q": decimal_text(trade.qty),
    }


def price_payload(market: str, price: Decimal, ts_ms: int) -> dict[str, Any]:
    return {"m": market, "p": decimal_text(price), "ts": ts_ms}


def rest_orderbook_payload(book: MarketBook) -> dict[str, Any]:
    def levels(side: list[BookLevel]) -> list[dict[str, str]]:
        return [{"qty": decimal_text(lv.size), "price": decimal_text(lv.price)} for lv in side]

    return {"market": book.market, "bid": levels(book.bids()), "ask": levels(book.asks())}
