"""The terminal summary of a backtest run: one aligned two-column table."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from mm.domain.fill_summary import MARKOUT_HORIZONS_S
from mm.domain.markouts import few_fills_note
from mm.usecases.backtest.backtest import BacktestResult

_MONEY = Decimal("0.0001")


def _utc(ts_ms: int) -> str:
    return datetime.fromtimestamp(ts_ms / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def _money(text: str | None) -> str:
    return "-" if text is None else str(Decimal(text).quantize(_MONEY))


def _bps(value: float | None) -> str:
    return "-" if value is None else f"{value:+.2f}"


def markout_counts(result: BacktestResult) -> list[int]:
    """How many fills have a markout at each horizon of `MARKOUT_HORIZONS_S` (the mean's sample size)."""
    return [
        sum(1 for fill in result.fills if fill.enriched.markouts[slot] is not None)
        for slot in range(len(MARKOUT_HORIZONS_S))
    ]


def summary_rows(result: BacktestResult) -> list[tuple[str, str]]:
    record, summary = result.record, result.record.summary
    settings = record.settings
    markouts: dict[str, Any] = summary["mean_markout_bps"]
    time_in: dict[str, int] = summary["time_in_mode_ms"]
    covered_ms = max(1, sum(time_in.values()))
    counts = markout_counts(result)
    return [
        ("run", str(record.run_id) if record.run_id is not None else "(not stored)"),
        ("market", f"{record.exchange} {record.symbol}"),
        ("data", record.data_source),
        ("span (UTC)", f"{_utc(record.start_ms)} -> {_utc(record.end_ms)}"),
        ("rows replayed", f"{record.rows:,}"),
        ("wall time", f"{result.wall_seconds:.3f} s ({result.events_per_second:,.0f} rows/s)"),
        ("fill model", f"{settings['fill_model']}{' (partial fills)' if settings['partial_fills'] else ''}"),
        ("latency md / order", f"{settings['market_data_latency_ms']} ms / {settings['order_latency_ms']} ms"),
        ("grid tick / step", f"{settings['tick_size']} / {settings['step_size']}"),
        ("strategy ticks", f"{summary['ticks']:,}"),
        (
            "requests",
            f"{summary['places']} place, {summary['replaces']} replace, {summary['cancels']} cancel, "
            f"{summary['cancel_alls']} cancel-all",
        ),
        ("post-only rejects", str(summary["post_only_rejects"])),
        ("fills (buy / sell)", f"{summary['fills']} ({summary['buys']} / {summary['sells']})"),
        ("volume / notional", f"{summary['volume']} / {_money(summary['notional'])}"),
        ("fees", _money(summary["fees"])),
        ("realized PnL (before fees)", _money(summary["realized_pnl"])),
        ("PnL marked to last mid", _money(summary["mtm_pnl"])),
        *_attribution_rows(summary),
        ("final / max |position|", f"{summary['final_position']} / {summary['max_abs_position']}"),
        (
            "markout 1s / 10s / 60s (bps)",
            " / ".join(
                f"{_bps(markouts.get(str(h)))} (n={n})" for h, n in zip(MARKOUT_HORIZONS_S, counts, strict=True)
            ),
        ),
        *((("markout warning", note),) if (note := few_fills_note(min(counts, default=0))) else ()),
        ("PAUSE episodes", str(summary["pause_count"])),
        (
            "time NORMAL / DEFENSIVE / PAUSE",
            " / ".join(f"{100 * time_in.get(mode, 0) / covered_ms:.1f}%" for mode in ("NORMAL", "DEFENSIVE", "PAUSE")),
        ),
        ("history prints skipped", str(summary["history_trades_skipped"])),
        ("recording gaps replayed", str(summary.get("recorded_gaps", 0))),  # runs stored before gaps lack it
    ]


def _ratio(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _attribution_rows(summary: dict[str, Any] | Any) -> list[tuple[str, str]]:
    """PnL by source and the risk figures; runs stored before attribution existed have none."""
    parts, risk = summary.get("attribution"), summary.get("risk")
    if parts is None or risk is None:
        return []
    uptime = risk["quote_uptime"]
    return [
        ("PnL from spread capture", _money(parts["spread_capture"])),
        ("PnL from inventory", _money(parts["inventory_pnl"])),
        ("funding", _money(parts["funding"])),
        ("max drawdown", f"{risk['max_drawdown']:.4f}"),
        (
            "Sharpe / Sortino (per minute)",
            f"{_ratio(risk['sharpe_per_minute'])} / {_ratio(risk['sortino_per_minute'])}",
        ),
        ("fill rate (fills per order)", _ratio(risk["fill_rate"])),
        ("quote uptime (both sides)", "-" if uptime is None else f"{100 * uptime:.1f}%"),
        ("inventory turnover", _ratio(risk["inventory_turnover"], 1)),
    ]


def summary_table(result: BacktestResult) -> str:
    rows = summary_rows(result)
    width = max(len(name) for name, _ in rows)
    lines = [f"{name.ljust(width)}  {value}" for name, value in rows]
    rule = "-" * max(len(line) for line in lines)
    return "\n".join([rule, *lines, rule])
