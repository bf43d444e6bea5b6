"""The executor's instruments, created once from the app's `Metrics` so their names live in one place."""

from __future__ import annotations

from mm.ports.metrics import Metrics

TICK_LATENCY_BUCKETS_S = (1e-5, 2.5e-5, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 5e-3, 2e-2)


class ExecutorMetrics:
    """Mode, quotes, orders, rejects, tick latency, inventory and PnL per market, plus the event log's health."""

    def __init__(self, metrics: Metrics) -> None:
        self.mode = metrics.gauge("executor_mode", "Strategy mode: 0 NORMAL, 1 DEFENSIVE, 2 PAUSE", ("symbol",))
        self.quote_price = metrics.gauge(
            "executor_quote_price", "Desired quote price per side (0: no quote)", ("symbol", "side")
        )
        self.open_orders = metrics.gauge("executor_open_orders", "Our orders not known to be closed", ("symbol",))
        self.orders_sent = metrics.counter(
            "executor_orders_sent_total", "Order requests sent: place, replace, cancel, cancel_all", ("symbol", "kind")
        )
        self.order_failures = metrics.counter(
            "executor_order_failures_total",
            "Order requests the venue refused or did not answer, by failure kind",
            ("symbol", "kind", "failure"),
        )
        self.order_refusals = metrics.counter(
            "executor_order_refusals_total",
            "Orders the pre-trade check refused to send (priced too far from mark/index, or nothing to compare with)",
            ("symbol", "side", "reason"),
        )
        self.rejects = metrics.counter(
            "executor_rejects_total", "Orders the venue closed with a reject reason (stream)", ("symbol", "reason")
        )
        self.fills = metrics.counter("executor_fills_total", "Our fills", ("symbol", "side"))
        self.tick_latency = metrics.histogram(
            "executor_tick_latency_seconds",
            "Engine time from an input (market, account, timer) to its commands",
            ("symbol", "input"),
            buckets=TICK_LATENCY_BUCKETS_S,
        )
        self.inventory = metrics.gauge("executor_inventory", "Signed position in base units", ("symbol",))
        self.pnl = metrics.gauge("executor_pnl", "PnL of this run's fills marked to mid, fees included", ("symbol",))
        self.state_saves = metrics.counter("executor_state_saves_total", "strategy_state saves", ("outcome",))
        self.dead_man_switch = metrics.counter(
            "executor_dead_man_switch_total", "Arming and refreshing the venue's dead man's switch", ("outcome",)
        )
        self.journal_rows = metrics.counter(
            "executor_journal_rows_total", "Event-log rows written, per kind", ("kind",)
        )
        self.journal_dropped = metrics.counter(
            "executor_journal_market_dropped_total", "Market-data rows dropped because the log's queue was full"
        )
        self.journal_pending = metrics.gauge("executor_journal_pending_rows", "Event-log rows waiting to be written")
        self.journal_errors = metrics.counter(
            "executor_journal_write_errors_total", "Failed event-log writes (retried)", ("category",)
        )
