"""Self-contained interactive HTML pages: Plotly figures with plotly.js embedded once, so a report opens offline."""

from __future__ import annotations

import html
from collections.abc import Sequence

from plotly.graph_objects import Figure
from plotly.offline import get_plotlyjs

_STYLE = (
    "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}"
    "th,td{border:1px solid #ddd;padding:3px 8px;text-align:left}th{background:#f5f5f5}"
    ".plot{margin:1em 0}"
)


def figure_div(figure: Figure) -> str:
    """One figure as a <div> for `page`, which carries the JavaScript."""
    return f'<div class="plot">{figure.to_html(full_html=False, include_plotlyjs=False)}</div>'


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def key_value_table(rows: Sequence[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows)
    return f"<table>{cells}</table>"


def page(title: str, body: str) -> str:
    """A whole HTML document with plotly.js inline (no network needed to view it)."""
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style>"
        f"<script type='text/javascript'>{get_plotlyjs()}</script></head><body>{body}</body></html>"
    )
