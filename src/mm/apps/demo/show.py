"""What the demo shows: the live view while it runs, and the closing summary. Rendering only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from mm.apps.demo.children import Child
from mm.apps.status.render import status_view
from mm.domain.market_status import SystemStatus


def live_view(status: SystemStatus, children: Sequence[Child], elapsed_s: float, total_s: float) -> RenderableType:
    header = Text(f"mm demo  {elapsed_s:5.0f} s of {total_s:.0f} s   Ctrl-C stops cleanly\n", style="bold")
    return Group(header, _children_line(children), status_view(status))


def _children_line(children: Sequence[Child]) -> Text:
    text = Text()
    text.append("processes  ", style="bold")
    for child in children:
        state = "running" if child.is_running else f"exited {child.exit_code}"
        text.append(f"{child.name} ", style="green" if child.is_running else "red")
        text.append(f"{state}   ")
    return text


def summary_view(
    status: SystemStatus,
    exit_codes: Mapping[str, int | None],
    row_counts: Mapping[str, int],
    open_orders: int | None,
    wall_s: float,
) -> RenderableType:
    """The closing screen: what each part did, whether the venue is flat, and the final market status."""
    table = Table(title="what the demo recorded", title_justify="left")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in row_counts.items():
        table.add_row(name, str(count))
    exits = Text()
    exits.append("exit codes  ", style="bold")
    for name, code in exit_codes.items():
        exits.append(f"{name} {code}   ", style="green" if code == 0 else "red")
    venue = Text()
    venue.append("venue  ", style="bold")
    if open_orders is None:
        venue.append("could not be asked for its open orders", style="red")
    elif open_orders == 0:
        venue.append("flat: no order of ours rests", style="green")
    else:
        venue.append(f"{open_orders} order(s) of ours still rest", style="red")
    return Group(
        Text(f"mm demo finished after {wall_s:.0f} s\n", style="bold"), exits, venue, table, status_view(status)
    )
