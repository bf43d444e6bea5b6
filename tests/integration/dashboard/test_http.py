"""Every page and JSON endpoint of the dashboard over HTTP, on a seeded Postgres and on empty tables."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.domain.day_pnl import DAY_MS
from tests.integration.dashboard.app_under_test import dashboard_app
from tests.integration.dashboard.seeding import Seeded, seed_everything
from tests.unique_keys import a_symbol, an_id

pytestmark = pytest.mark.integration

NOW_MS = 1_765_000_000_000 - 1_765_000_000_000 % DAY_MS + 12 * 3_600_000  # noon UTC


@pytest.fixture
def seeded(database_url: str, tmp_path: Path) -> Seeded:
    return seed_everything(database_url, an_id("dash"), a_symbol(), NOW_MS, tmp_path / "logs")


@pytest.fixture
async def client(shared_db_engine: AsyncEngine, seeded: Seeded, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = dashboard_app(shared_db_engine, seeded.exchange, tmp_path / "logs", now_ms=NOW_MS)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        yield http


@pytest.fixture
async def empty_client(db_engine: AsyncEngine, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = dashboard_app(db_engine, "extended", tmp_path / "logs", now_ms=NOW_MS)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        yield http


async def test_the_live_page_shows_mode_causes_quotes_fills_gaps_and_heartbeats(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    response = await client.get("/markets")
    assert response.status_code == 200
    page = response.text
    assert seeded.symbol in page
    assert "volatility_high" in page
    assert "data_gap" in page
    assert "105.7" in page
    assert "106.1" in page
    assert "101.6" in page  # a fill
    assert "-2.00" in page  # its 10 s markout
    assert "seq_gap" in page
    assert "reconnect" in page
    assert "ingestor" in page
    assert "reflector" in page
    assert "data-figure=" in page
    assert "/vendor/plotly.min.js" in page


async def test_the_live_document_has_status_and_series(client: httpx.AsyncClient, seeded: Seeded) -> None:
    document = (await client.get("/api/markets")).json()
    (market,) = document["markets"]
    assert market["symbol"] == seeded.symbol
    assert market["mode"] == "NORMAL"
    series = market["series"]
    assert 250 <= len(series["book"]["ts_ms"]) <= 300  # one sample per step of the window, each row once
    assert series["book"]["ts_ms"] == sorted(series["book"]["ts_ms"])
    assert len(series["quotes"]["bid"]) == len(series["quotes"]["ts_ms"])
    assert [m["mode"] for m in series["modes"]] == ["NORMAL", "DEFENSIVE", "PAUSE", "NORMAL"]
    assert [f["price"] for f in series["fills"]] == ["100.8", "101.6"]
    assert {g["kind"]: g["is_open"] for g in series["gaps"]} == {"seq_gap": True, "reconnect": False}
    assert market["pnl_today"]["realized"] is not None


async def test_the_live_panel_is_the_pages_content_alone(client: httpx.AsyncClient, seeded: Seeded) -> None:
    response = await client.get("/markets/panel")
    assert response.status_code == 200
    assert seeded.symbol in response.text
    assert "<nav>" not in response.text


async def test_quality_shows_aggregates_over_time_and_worst_fills(client: httpx.AsyncClient, seeded: Seeded) -> None:
    response = await client.get("/quality", params={"symbol": seeded.symbol})
    assert response.status_code == 200
    assert "markout by horizon" in response.text
    assert f"{seeded.symbol}-f1" in response.text
    document = (await client.get("/api/quality", params={"symbol": seeded.symbol})).json()
    assert len(document["agg_1m"]) == 30
    assert len(document["agg_1h"]) == 6
    assert document["agg_1h"][0]["quote_uptime"] == "0.9"
    assert "PnL per hour by source" in response.text
    assert [document["agg_1h"][1][k] for k in ("spread_capture", "inventory_pnl", "funding_pnl")] == [
        "0.02",
        "-0.05",
        "-0.001",
    ]
    assert [f["markout_bps"]["10s"] for f in document["worst_fills"]] == ["-2.0", "-2.0"]


async def test_the_learning_loop_lists_proposals_and_every_rollout(client: httpx.AsyncClient, seeded: Seeded) -> None:
    response = await client.get("/learning", params={"symbol": seeded.symbol})
    assert response.status_code == 200
    assert "base_half_spread_bps" in response.text
    assert "markout_10s_bps below -3.0" in response.text  # the condition that fired
    document = (await client.get("/api/learning", params={"symbol": seeded.symbol})).json()
    assert [p["id"] for p in document["proposals"]] == [seeded.proposal_id]
    assert [r["action"] for r in document["rollouts"]] == ["rolled_back", "applied"]


async def test_a_proposal_shows_its_reasoning_document_checked_against_its_digest(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    response = await client.get(f"/learning/proposals/{seeded.proposal_id}")
    assert response.status_code == 200
    assert "matches the stored digest" in response.text
    document = (await client.get(f"/api/learning/proposals/{seeded.proposal_id}")).json()
    assert document["reasoning"]["is_intact"] is True
    assert document["reasoning"]["document"]["proposal_id"] == seeded.proposal_id


async def test_a_changed_reasoning_file_is_flagged(client: httpx.AsyncClient, seeded: Seeded, tmp_path: Path) -> None:
    (path,) = (tmp_path / "logs" / "llm").glob(f"*{seeded.proposal_id}.json")
    path.write_text('{"tampered": true}')
    document = (await client.get(f"/api/learning/proposals/{seeded.proposal_id}")).json()
    assert document["reasoning"]["is_intact"] is False
    assert "changed" in document["reasoning"]["problem"]


async def test_backtests_list_show_one_and_compare_runs(client: httpx.AsyncClient, seeded: Seeded) -> None:
    first, second = seeded.run_ids
    listing = (await client.get("/api/backtests")).json()
    assert {first, second} <= {run["id"] for run in listing["runs"]}
    assert (await client.get("/backtests")).status_code == 200
    run = (await client.get(f"/api/backtests/{first}")).json()
    assert [f["side"] for f in run["fills"]] == ["buy", "sell"]
    assert [m["mode"] for m in run["modes"]] == ["NORMAL", "DEFENSIVE"]
    page = await client.get(f"/backtests/{first}")
    assert page.status_code == 200
    assert "spread_wide" in page.text
    compared = (await client.get("/api/backtests/compare", params={"ids": f"{first},{second}"})).json()
    assert [r["summary"]["fills"] for r in compared["runs"]] == [4, 2]
    page = await client.get("/backtests/compare", params=[("ids", str(first)), ("ids", str(second))])
    assert page.status_code == 200
    assert f"run {second}" in page.text
    assert "mean_markout_bps.10" in page.text  # nested summary figures are compared one by one
    assert 'class="differs"><th>base_half_spread_bps' in page.text


async def test_compare_refuses_fewer_than_two_runs(client: httpx.AsyncClient, seeded: Seeded) -> None:
    response = await client.get("/api/backtests/compare", params={"ids": str(seeded.run_ids[0])})
    assert response.status_code == 400


async def test_unknown_records_are_404(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/backtests/999999999")).status_code == 404
    assert (await client.get("/backtests/999999999")).status_code == 404
    assert (await client.get("/learning/proposals/nope")).status_code == 404


async def test_it_is_read_only(client: httpx.AsyncClient) -> None:
    for path in ("/markets", "/api/markets", "/api/backtests"):
        assert (await client.post(path)).status_code == 405


async def test_plotly_is_served_from_the_installed_package(client: httpx.AsyncClient) -> None:
    response = await client.get("/vendor/plotly.min.js")
    assert response.status_code == 200
    assert len(response.content) > 1_000_000
    assert b"plotly" in response.content[:2000].lower()


@pytest.mark.parametrize(
    "path",
    [
        "/markets",
        "/markets/panel",
        "/quality",
        "/learning",
        "/backtests",
        "/api/markets",
        "/api/quality",
        "/api/learning",
        "/api/backtests",
    ],
)
async def test_every_page_and_document_answers_on_empty_tables(empty_client: httpx.AsyncClient, path: str) -> None:
    response = await empty_client.get(path)
    assert response.status_code == 200


async def test_empty_tables_say_there_is_no_data(empty_client: httpx.AsyncClient) -> None:
    assert "No market has data yet" in (await empty_client.get("/markets")).text
    assert "No stored runs yet" in (await empty_client.get("/backtests")).text
    assert (await empty_client.get("/api/markets")).json()["markets"] == []
    assert (await empty_client.get("/api/backtests")).json()["runs"] == []
