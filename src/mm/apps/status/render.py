"""How `mm status` shows a `SystemStatus`: a rich view for a person, a JSON document for scripts.

Times are UTC ISO 8601; a markout is shown with how many fills it rests on, since one fill says little.
"""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from typing import Any, TextIO

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from mm.apps.time_text import iso_utc
from mm.domain.day_pnl import DayPnl
from mm.domain.market_status import FillLine, MarketStatus, OpenGap, SystemStatus
from mm.domain.mode import Mode
from mm.domain.shadow_backtest import ShadowFigures

_MODE_STYLE = {Mode.NORMAL: "green", Mode.DEFENSIVE: "yellow", Mode.PAUSE: "bold red"}


def _ago(now_ms: int, ts_ms: int | None) -> str:
    if ts_ms is None:
        return "never"
    seconds = max(0, now_ms - ts_ms) // 1000
    if seconds < 120:
        return f"{seconds}s ago"
    if seconds < 7200:
        return f"{seconds // 60}m ago"
    if seconds < 172_800:
        return f"{seconds // 3600}h ago"
    return f"{seconds // 86_400}d ago"


def console_for(stream: TextIO) -> Console:
    """A console for `stream`: the terminal's width there, and wide enough elsewhere not to clip times."""
    return Console(file=stream, width=None if stream.isatty() else 160)


def status_view(status: SystemStatus) -> RenderableType:
    """Every market's panel, then the apps' heartbeats."""
    parts: list[RenderableType] = [Text(f"mm status  {status.exchange}  at {iso_utc(status.now_ms)}", style="bold")]
    if not status.markets:
        parts.append(Text("no market has data yet: start `mm ingest` or `mm trade`, or set SYMBOL", style="yellow"))
    parts.extend(_market_view(market, status.now_ms) for market in status.markets)
    parts.append(_heartbeat_view(status))
    return Group(*parts)


def _market_view(market: MarketStatus, now_ms: int) -> RenderableType:
    table = Table(title=market.symbol, title_justify="left", show_header=False, box=None, padding=(0, 1))
    table.add_column(style="dim")
    table.add_column()
    if not market.has_data:
        table.add_row("", Text("no data for this market", style="yellow"))
        return table
    table.add_row("mode", _mode_text(market, now_ms))
    table.add_row("book", _book_text(market))
    table.add_row("quotes", _quotes_text(market))
    table.add_row("position", _position_text(market.pnl))
    table.add_row("PnL today", _pnl_text(market.pnl))
    table.add_row("fills", _fills_view(market.last_fills) if market.last_fills else Text("none yet"))
    gaps = _gaps_text(market.open_gaps)
    table.add_row("open gaps", Text(gaps, style="red") if gaps else Text("none"))
    table.add_row("proposal", _proposal_text(market))
    table.add_row("rollout", _rollout_text(market))
    return table


def _mode_text(market: MarketStatus, now_ms: int) -> Text:
    if market.mode is None:
        return Text("executor never ran here")
    text = Text(market.mode.value, style=_MODE_STYLE[market.mode])
    text.append(f"  since {iso_utc(market.mode_since_ms)} ({_ago(now_ms, market.mode_since_ms)})")
    if market.mode_reasons:
        text.append(f"  because {', '.join(market.mode_reasons)}")
    text.append(f"  params v{market.params_version}")
    return text


def _book_text(market: MarketStatus) -> Text:
    book = market.book
    if book is None:
        return Text("no book recorded")
    return Text(f"{book.bid_px} / {book.ask_px}  mid {book.mid}  at {iso_utc(book.ts_ms)}")


def _quotes_text(market: MarketStatus) -> Text:
    if not market.quotes:
        return Text("none resting")
    return Text("   ".join(f"{q.side.value} {q.size} @ {q.price} ({q.phase})" for q in market.quotes))


def _position_text(pnl: DayPnl | None) -> Text:
    if pnl is None:
        return Text("flat (no fills)")
    basis = pnl.basis
    if basis.avg_entry_px is None:
        return Text("flat")
    return Text(f"{basis.position} @ {basis.avg_entry_px:.2f}")


def _pnl_text(pnl: DayPnl | None) -> Text:
    if pnl is None:
        return Text("-")
    marked = "unknown (no mid)" if pnl.marked is None else f"{pnl.marked:.4f}"
    return Text(f"realized {pnl.realized:.4f}  fees {pnl.fees:.4f}  funding {pnl.funding:.4f}  marked {marked}")


def _fills_view(fills: tuple[FillLine, ...]) -> Table:
    table = Table(box=None, padding=(0, 1), show_edge=False)
    for column in ("time (UTC)", "side", "price", "size", "fee", "1s bps", "10s bps", "60s bps"):
        table.add_column(column, justify="right" if column not in ("time (UTC)", "side") else "left")
    for fill in fills:
        table.add_row(
            iso_utc(fill.ts_ms),
            fill.side.value,
            str(fill.price),
            str(fill.size),
            str(fill.fee),
            *(_bps(x) for x in (fill.markout_1s_bps, fill.markout_10s_bps, fill.markout_60s_bps)),
        )
    measured = sum(1 for fill in fills if fill.markout_10s_bps is not None)
    table.caption = f"10 s markouts measured on {measured} of the {len(fills)} fills shown"
    return table


def _bps(value: Decimal | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _gaps_text(gaps: tuple[OpenGap, ...]) -> str:
    """One entry per stream and kind, from its earliest open gap: apps that both saw a stream go quiet say so once."""
    earliest: dict[tuple[str, str], int] = {}
    counts: Counter[tuple[str, str]] = Counter()
    for gap in gaps:
        key = (gap.stream, gap.kind)
        counts[key] += 1
        earliest[key] = min(earliest.get(key, gap.from_ms), gap.from_ms)
    return ", ".join(
        f"{stream} {kind} since {iso_utc(from_ms)}"
        + (f" ({counts[stream, kind]} open)" if counts[stream, kind] > 1 else "")
        for (stream, kind), from_ms in sorted(earliest.items(), key=lambda item: item[1])
    )


def _proposal_text(market: MarketStatus) -> Text:
    proposal = market.last_proposal
    if proposal is None:
        return Text("none")
    return Text(
        f"{proposal.status} {_changes_text(proposal.changes)} ({proposal.proposal_id}, {iso_utc(proposal.created_ms)})"
    )


def _changes_text(changes: str) -> str:
    """`name -> value (reason)` per change; the stored JSON as it is when it is not a list of changes."""
    try:
        parsed = json.loads(changes)
        return "; ".join(f"{change['name']} -> {change['new_value']:g} ({change['reason']})" for change in parsed)
    except (ValueError, TypeError, KeyError):
        return changes


def _rollout_text(market: MarketStatus) -> Text:
    rollout = market.last_rollout
    if rollout is None:
        return Text("none")
    reasons = f": {'; '.join(rollout.reasons)}" if rollout.reasons else ""
    text = Text(f"{rollout.action} at {iso_utc(rollout.ts_ms)}{reasons}")
    shadow = rollout.shadow
    if shadow is not None:
        text.append(
            f"\nshadow backtest {_span_s(shadow.current)} s: current mtm PnL {shadow.current.mtm_pnl} "
            f"({shadow.current.fills} fills), proposed {shadow.proposed.mtm_pnl} ({shadow.proposed.fills} fills)"
        )
    return text


def _span_s(figures: ShadowFigures) -> int:
    return round((figures.end_ms - figures.start_ms) / 1000)


def _heartbeat_view(status: SystemStatus) -> Text:
    text = Text()
    text.append("apps  ", style="bold")
    for beat in status.heartbeats:
        stale = beat.is_stale(status.now_ms)
        text.append(f"{beat.app.value} ", style="red" if stale else "green")
        text.append(f"{_ago(status.now_ms, beat.last_write_ms)}{' STALE' if stale else ''}   ")
    return text


def status_json(status: SystemStatus) -> dict[str, Any]:
    """A JSON-ready document: decimals as strings (exact), times as UTC ISO 8601 and epoch ms."""
    return {
        "at": iso_utc(status.now_ms),
        "exchange": status.exchange,
        "markets": [_market_json(market) for market in status.markets],
        "apps": [
            {
                "app": beat.app.value,
                "last_write": iso_utc(beat.last_write_ms),
                "age_ms": beat.age_ms(status.now_ms),
                "is_stale": beat.is_stale(status.now_ms),
            }
            for beat in status.heartbeats
        ],
    }


def _market_json(market: MarketStatus) -> dict[str, Any]:
    pnl = market.pnl
    return {
        "symbol": market.symbol,
        "has_data": market.has_data,
        "mode": market.mode.value if market.mode else None,
        "mode_since": iso_utc(market.mode_since_ms),
        "mode_reasons": list(market.mode_reasons),
        "params_version": market.params_version,
        "quotes": [
            {"side": q.side.value, "price": str(q.price), "size": str(q.size), "phase": q.phase} for q in market.quotes
        ],
        "book": None
        if market.book is None
        else {
            "bid": _str(market.book.bid_px),
            "ask": _str(market.book.ask_px),
            "mid": _str(market.book.mid),
            "at": iso_utc(market.book.ts_ms),
        },
        "position": str(pnl.basis.position) if pnl else "0",
        "avg_entry_px": _str(pnl.basis.avg_entry_px) if pnl else None,
        "pnl_today": None
        if pnl is None
        else {
            "realized": _money(pnl.realized),
            "fees": str(pnl.fees),
            "funding": _money(pnl.funding),
            "marked": _money(pnl.marked),
        },
        "last_fills": [
            {
                "at": iso_utc(fill.ts_ms),
                "side": fill.side.value,
                "price": str(fill.price),
                "size": str(fill.size),
                "fee": str(fill.fee),
                "markout_bps": {
                    "1s": _str(fill.markout_1s_bps),
                    "10s": _str(fill.markout_10s_bps),
                    "60s": _str(fill.markout_60s_bps),
                },
            }
            for fill in market.last_fills
        ],
        "open_gaps": [{"stream": g.stream, "kind": g.kind, "since": iso_utc(g.from_ms)} for g in market.open_gaps],
        "last_proposal": None
        if market.last_proposal is None
        else {
            "id": market.last_proposal.proposal_id,
            "status": market.last_proposal.status,
            "created": iso_utc(market.last_proposal.created_ms),
            "changes": market.last_proposal.changes,
        },
        "last_rollout": None
        if market.last_rollout is None
        else {
            "action": market.last_rollout.action,
            "at": iso_utc(market.last_rollout.ts_ms),
            "proposal_id": market.last_rollout.proposal_id,
            "reasons": list(market.last_rollout.reasons),
            "shadow_current": market.last_rollout.shadow.current.to_mapping() if market.last_rollout.shadow else None,
            "shadow_proposed": market.last_rollout.shadow.proposed.to_mapping() if market.last_rollout.shadow else None,
        },
    }


_MONEY_QUANTUM = Decimal("1e-8")


def _money(value: Decimal | None) -> str | None:
    """PnL to 1e-8: average entry prices divide, and 28 significant digits of it say nothing more."""
    return None if value is None else str(value.quantize(_MONEY_QUANTUM))


def _str(value: Decimal | None) -> str | None:
    return None if value is None else str(value)
