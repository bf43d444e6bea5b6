"""Checks the Stark signature the SDK put on an order, the way the venue must (PROTOCOL.md §9).

The signed amounts are rebuilt from the order's own qty, price and fee with the settlement's
rounding (buys round up, sells down, fees up), so a body whose qty or price was changed after
signing fails even if its `debuggingAmounts` were left alone.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_UP, Decimal

import fast_stark_crypto
from x10.core.client_config import StarknetDomain

from mm.testing.fake_extended.credentials import FakeCredentials
from mm.testing.fake_extended.markets import MarketSpec
from mm.testing.fake_extended.order_request import PlaceOrderRequest
from mm.testing.fake_extended.rejections import ErrorCode, Rejection

SETTLEMENT_BUFFER_S = 14 * 24 * 3600  # the venue settles up to 14 days after the order's expiry


@dataclass(frozen=True, slots=True)
class StarkAmounts:
    """Signed quantums: synthetic is negative when selling, collateral negative when buying."""

    synthetic: int
    collateral: int
    fee: int


def _quantums(value: Decimal, resolution: int, rounding: str) -> int:
    context = decimal.Context(rounding=rounding)
    return int(context.multiply(value, resolution).to_integral(context=context))


def settlement_amounts(side: str, qty: Decimal, price: Decimal, fee_rate: Decimal, spec: MarketSpec) -> StarkAmounts:
    """The quantums an order of `qty` at `price` must have signed, with `fee_rate` as its max fee."""
    is_buy = side == "BUY"
    rounding = ROUND_UP if is_buy else ROUND_DOWN
    notional = qty * price
    synthetic = _quantums(qty, spec.synthetic_resolution, rounding)
    collateral = _quantums(notional, spec.collateral_resolution, rounding)
    fee = _quantums(fee_rate * notional, spec.collateral_resolution, ROUND_UP)
    return StarkAmounts(
        synthetic=synthetic if is_buy else -synthetic,
        collateral=-collateral if is_buy else collateral,
        fee=fee,
    )


def settlement_expiration_s(expiry_epoch_ms: int) -> int:
    return -(-expiry_epoch_ms // 1000) + SETTLEMENT_BUFFER_S


def order_message_hash(
    amounts: StarkAmounts,
    spec: MarketSpec,
    *,
    position_id: int,
    expiry_epoch_ms: int,
    nonce: int,
    public_key: int,
    domain: StarknetDomain,
) -> int:
    collateral_asset = int(spec.collateral_id, 16)
    return fast_stark_crypto.get_order_msg_hash(
        position_id=position_id,
        base_asset_id=int(spec.synthetic_id, 16),
        base_amount=amounts.synthetic,
        quote_asset_id=collateral_asset,
        quote_amount=amounts.collateral,
        fee_amount=amounts.fee,
        fee_asset_id=collateral_asset,
        expiration=settlement_expiration_s(expiry_epoch_ms),
        salt=nonce,
        user_public_key=public_key,
        domain_name=domain.name,
        domain_version=domain.version,
        domain_chain_id=domain.chain_id,
        domain_revision=domain.revision,
    )


def verify_order_signature(
    request: PlaceOrderRequest, spec: MarketSpec, credentials: FakeCredentials, domain: StarknetDomain
) -> None:
    """Raise `Rejection` 1100/1101/1102 unless the order carries our account's valid signature."""
    settlement = request.settlement
    if settlement is None:
        raise Rejection(ErrorCode.INVALID_ORDER_PARAMETERS, "Invalid order parameters: settlement is required")
    if settlement.stark_key != credentials.public_key:
        raise Rejection(ErrorCode.INVALID_STARKNET_PUBLIC_KEY, "Invalid Starknet public key")
    if settlement.collateral_position != credentials.vault:
        raise Rejection(ErrorCode.INVALID_STARKNET_VAULT, "Invalid Starknet vault")
    fee_rate = request.fee + (request.builder_fee or Decimal(0))
    amounts = settlement_amounts(request.side, request.qty, request.price, fee_rate, spec)
    debugging = request.debugging_amounts
    if debugging is not None and (
        debugging.synthetic_amount != amounts.synthetic
        or debugging.collateral_amount != amounts.collateral
        or debugging.fee_amount != amounts.fee
    ):
        raise Rejection(ErrorCode.INVALID_STARKNET_SIGNATURE, "Invalid Starknet signature: amounts do not match")
    message_hash = order_message_hash(
        amounts,
        spec,
        position_id=settlement.collateral_position,
        expiry_epoch_ms=request.expiry_epoch_millis,
        nonce=request.nonce,
        public_key=settlement.stark_key,
        domain=domain,
    )
    signature = settlement.signature
    if not fast_stark_crypto.verify(settlement.stark_key, message_hash, signature.r, signature.s):
        raise Rejection(ErrorCode.INVALID_STARKNET_SIGNATURE, "Invalid Starknet signature")
