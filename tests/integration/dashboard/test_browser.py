"""The dashboard in a real headless Chromium (Debian's chromium and chromedriver, driven by selenium).

Every page loads with no console error and draws its charts (plotly's svg is there); the live page shows a fill
written to the database within 3 s. Each page's screenshot is taken; with `MM_SAVE_SCREENSHOTS=1` they replace
the README's in docs/screenshots/ (otherwise a test run would leave the checkout changed), else they go to a
temporary folder.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.dashboard.seeding import Seeded, insert_fill, seed_everything
from tests.integration.dashboard.served import served_dashboard
from tests.unique_keys import a_symbol, an_id

pytestmark = pytest.mark.integration

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = (
    Path(__file__).resolve().parents[3] / "docs" / "screenshots"
    if os.environ.get("MM_SAVE_SCREENSHOTS") == "1"
    else Path(tempfile.gettempdir()) / "mm-dashboard-screenshots"
)
LIVE_DEADLINE_S = 3.0

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    pytest.skip(
        "browser tests need Debian's chromium and chromium-driver (apt-get install chromium chromium-driver; "
        ".ci/run installs them)",
        allow_module_level=True,
    )

from selenium import webdriver  # noqa: E402  (only once chromium is known to be there)
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def seeded(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Seeded, Path]:
    home = tmp_path_factory.mktemp("dashboard")
    now_ms = int(time.time() * 1000)
    return seed_everything(database_url, an_id("browser"), a_symbol(), now_ms, home / "logs"), home


@pytest.fixture(scope="module")
def base_url(database_url: str, seeded: tuple[Seeded, Path]) -> Iterator[str]:
    market, home = seeded
    with served_dashboard(
        home, DATABASE_URL=database_url, EXCHANGE=market.exchange, SYMBOL=market.symbol, DASHBOARD_REFRESH_S="1"
    ) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1800"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()


def _console_errors(driver: Any) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def _open(driver: Any, url: str) -> None:
    """Load `url` and wait until every chart on it has plotly's svg (or there are no charts)."""
    driver.get_log("browser")  # start from an empty console
    driver.get(url)

    def charts_drawn(d: Any) -> bool:
        charts = d.find_elements(By.CSS_SELECTOR, "div.chart")
        return all(chart.find_elements(By.CSS_SELECTOR, "svg.main-svg") for chart in charts)

    WebDriverWait(driver, 20).until(charts_drawn)


def _shoot(driver: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


@pytest.mark.parametrize(
    "page",
    [
        ("markets", "markets", 1),
        ("quality", "quality", 6),
        ("learning", "learning", 0),
        ("proposal", "learning/proposals/{proposal}", 0),
        ("backtests", "backtests", 0),
        ("backtest", "backtests/{run}", 1),
        ("compare", "backtests/compare?ids={run},{other}", 1),
    ],
    ids=lambda page: page[0],
)
def test_every_page_loads_without_console_errors_and_draws_its_charts(
    browser: Any, base_url: str, seeded: tuple[Seeded, Path], page: tuple[str, str, int]
) -> None:
    """`page` is (screenshot name, path, how many charts it draws)."""
    name, path, charts = page
    market, _ = seeded
    first, second = market.run_ids
    _open(browser, base_url + path.format(proposal=market.proposal_id, run=first, other=second))
    drawn = browser.find_elements(By.CSS_SELECTOR, "div.chart svg.main-svg")
    assert len({svg.find_element(By.XPATH, "./ancestor::div[contains(@class,'chart')]").id for svg in drawn}) == charts
    assert browser.find_element(By.TAG_NAME, "h1").text
    assert _console_errors(browser) == []
    _shoot(browser, name)


def test_the_live_page_shows_a_new_fill_within_three_seconds(
    browser: Any, base_url: str, seeded: tuple[Seeded, Path], database_url: str
) -> None:
    market, _ = seeded
    _open(browser, base_url + "markets")
    price = "104.4321"
    assert price not in browser.find_element(By.ID, "live").text
    inserted = time.monotonic()
    insert_fill(
        database_url,
        market.exchange,
        market.symbol,
        fill_id=an_id("live"),
        ts_ms=int(time.time() * 1000),
        side="buy",
        price=float(price),
    )
    WebDriverWait(browser, LIVE_DEADLINE_S, poll_frequency=0.05).until(
        lambda d: price in d.find_element(By.ID, "live").text
    )
    assert time.monotonic() - inserted <= LIVE_DEADLINE_S
    fills_in_chart = browser.execute_script(
        "const c = document.querySelector('div.chart');"
        "return c.data.filter(t => t.name === 'buy fills').flatMap(t => t.y);"
    )
    assert float(price) in fills_in_chart
    assert _console_errors(browser) == []
    _shoot(browser, "markets-live-fill")
