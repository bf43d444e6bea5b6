"""The token that guards a dashboard bound off loopback, and the settings that demand it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.dashboard.app_under_test import dashboard_app, settings

pytestmark = pytest.mark.integration

TOKEN = "a-long-enough-test-token"


@pytest.fixture
async def guarded(db_engine: AsyncEngine, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = dashboard_app(db_engine, "extended", tmp_path, now_ms=1, DASHBOARD_TOKEN=TOKEN)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        yield http


async def test_a_request_without_the_token_is_refused(guarded: httpx.AsyncClient) -> None:
    for path in ("/markets", "/api/markets", "/vendor/plotly.min.js", "/static/dashboard.js"):
        assert (await guarded.get(path)).status_code == 401


async def test_a_wrong_token_is_refused(guarded: httpx.AsyncClient) -> None:
    response = await guarded.get("/api/markets", headers={"Authorization": "Bearer not-the-token-at-all"})
    assert response.status_code == 401
    assert "not-the-token" not in response.text


async def test_the_token_in_a_header_is_accepted(guarded: httpx.AsyncClient) -> None:
    assert (await guarded.get("/api/markets", headers={"Authorization": f"Bearer {TOKEN}"})).status_code == 200
    assert (await guarded.get("/api/markets", headers={"X-Dashboard-Token": TOKEN})).status_code == 200


async def test_the_token_in_a_link_becomes_a_cookie_and_leaves_the_address(guarded: httpx.AsyncClient) -> None:
    response = await guarded.get("/quality", params={"token": TOKEN, "hours": "3"})
    assert response.status_code == 303
    assert response.headers["location"] == "/quality?hours=3"
    assert "httponly" in response.headers["set-cookie"].lower()
    follow = await guarded.get("/quality", params={"hours": "3"})  # the client keeps the cookie
    assert follow.status_code == 200
    assert TOKEN not in follow.text


def test_binding_off_loopback_without_a_token_is_refused() -> None:
    with pytest.raises(ValidationError, match="DASHBOARD_TOKEN"):
        settings(DASHBOARD_HOST="0.0.0.0")


def test_binding_off_loopback_with_a_token_is_allowed() -> None:
    assert settings(DASHBOARD_HOST="0.0.0.0", DASHBOARD_TOKEN=TOKEN).dashboard_token is not None


def test_loopback_needs_no_token() -> None:
    assert settings(DASHBOARD_HOST="127.0.0.1").dashboard_token is None
    assert settings(DASHBOARD_HOST="::1").dashboard_token is None


def test_a_short_token_is_refused() -> None:
    with pytest.raises(ValidationError, match="16 characters"):
        settings(DASHBOARD_HOST="0.0.0.0", DASHBOARD_TOKEN="short")


def test_the_refresh_is_at_most_two_seconds() -> None:
    with pytest.raises(ValidationError):
        settings(DASHBOARD_REFRESH_S="2.5")
