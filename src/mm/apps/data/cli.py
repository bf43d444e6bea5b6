"""Parser of `mm data import`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def _run(args: argparse.Namespace) -> int:
    from mm.apps.data.__main__ import run

    return run(args)


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("data", help="import recorded market data files", description=__doc__)
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    importer = actions.add_parser(
        "import",
        help="load recorded CSV files (plain or gzipped) into md_bbo / md_trade",
        description=(
            "Load files of the shared recorded format (<name>.bbo.csv[.gz]: ts_ms,bid_px,bid_sz,ask_px,ask_sz; "
            "<name>.trades.csv[.gz]: ts_ms,px,sz,side) into md_* with COPY. Importing the same file twice stores "
            "it once; a malformed row stops the import with its line number and nothing of that file is stored. "
            "Example: mm data import --exchange binance --symbol BTCUSDT data/binance_*.csv.gz"
        ),
    )
    importer.add_argument("files", nargs="+", type=Path, help="recorded files")
    importer.add_argument("--exchange", required=True, help="venue name to store with the rows, e.g. binance")
    importer.add_argument("--symbol", required=True, help="market to store with the rows, e.g. BTCUSDT")
    exporter = actions.add_parser(
        "export",
        help="write md_* rows of one market for another engine (hftbacktest event arrays)",
        description=(
            "Write the recorded best bid/offer and trade rows of one market as hftbacktest's event array "
            "(.npz, load with np.load(path)['data']), so data recorded by mm ingest replays in hftbacktest too."
        ),
    )
    exporter.add_argument("--format", choices=("hftbacktest",), default="hftbacktest", help="output format")
    exporter.add_argument("--exchange", required=True, help="venue of the rows, e.g. extended")
    exporter.add_argument("--symbol", required=True, help="market of the rows, e.g. BTC-USD")
    exporter.add_argument("--start", metavar="TIME", help="first instant, epoch ms or ISO 8601 (UTC)")
    exporter.add_argument("--end", metavar="TIME", help="end instant (exclusive)")
    exporter.add_argument("--out", type=Path, required=True, metavar="PATH", help="the .npz file to write")
    parser.set_defaults(run=_run)
