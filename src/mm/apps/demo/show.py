"""What the demo shows: the live view while it runs, and the closing summary. Rendering only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rich.console import Group, RenderableType
from rich.spinner import Spinner
from rich.table import Table
from rich.text import Text

from mm.apps.demo.children import Child
from mm.apps.status.render import status_view
from mm.domain.market_status import SystemStatus


@dataclass(slots=True)
class Board:
    """What the live view shows at a moment: the processes, the status read last, and a note while starting."""

    children: Sequence[Child]
    note: str = ""
    status: SystemStatus | None = None
    elapsed_s: float = 0.0
    total_s: float | None = None
    open_orders: int | None = field(default=None)


def live_view(board: Board) -> RenderableType:
    clock = "starting" if board.total_s is None else f"{board.elapsed_s:5.0f} s of {board.total_s:.0f} s"
    header = Text(f"mm demo  {clock}   Ctrl-C stops cleanly\n", style="bold")
    parts: list[RenderableType] = [header, _children_line(board.children)]
    if board.note:
        parts.append(Spinner("dots", Text(board.note, style="yellow")))
    if board.status is not None:
        parts.append(status_view(board.status))
    return Group(*parts)


def _children_line(children: Sequence[Child]) -> Text:
    text = Text()
    text.append("processes  ", style="bold")
    for child in children:
        if child.process is None:
            state, style = "starting", "yellow"
        elif child.is_running:
            state, style = "running", "green"
        else:
            state, style = f"exited {child.exit_code}", "red"
        text.append(f"{child.name} ", style=style)
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
