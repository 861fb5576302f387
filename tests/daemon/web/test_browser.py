"""The pages in a real headless Chromium (Debian's, driven by its own
chromedriver): the demo's parcels on the dashboard, a search that finds an
order, a parcel's timeline, the page reloading itself when a parcel moves,
and everything but the reload with JavaScript off. The browser console must
stay empty: a CSP violation, a failed load or a script error lands there."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from daemon.app import App
from daemon.cli.demo import SAMPLE_MAILBOX
from daemon.mail import local
from parsers.model import Milestone
from tests.daemon.web.conftest import (
    TRANSIT,
    AppFactory,
    Served,
    ServeFactory,
    event,
    record,
    with_web,
)
from tests.support.browser import chromium, console_errors

DEMO_ORDERS = {"112-9037712-4401958", "114-2210934-5561847", "113-4829105-7730624"}


def tiny_png() -> bytes:
    """A valid 2x2 grey PNG, made here: the photo host is the outside world."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x80\x80" * 2)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def demo(make_app: AppFactory) -> App:
    app = make_app()
    app.pipeline.process_all(local.read(SAMPLE_MAILBOX, "sample"))
    return app


@pytest.fixture
def site(make_app: AppFactory, serve: ServeFactory) -> Served:
    photo = tiny_png()
    return serve(demo(make_app), photos=lambda url: (photo, "image/png"))


@pytest.fixture
def browser() -> Iterator[Any]:
    with chromium() as driver:
        yield driver


def cards(driver: Any) -> list[Any]:
    return list(driver.find_elements("css selector", "article.parcel"))


def test_the_demo_dashboard_shows_its_parcels(site: Served, browser: Any, tmp_path: Path) -> None:
    browser.get(site.url)
    assert browser.title == "Parcels · parcelwatch"
    shown = cards(browser)
    assert len(shown) == 4  # the demo's four packages, all delivered
    text = " ".join(card.text for card in shown)
    assert all(f"Order {order_id}" in text for order_id in DEMO_ORDERS)
    assert "Recently delivered" in browser.find_element("css selector", "main").text
    photo = browser.find_element("css selector", "img.photo")
    assert (
        browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", photo)
        == 2
    )
    footer = browser.find_element("css selector", "footer").text
    assert "reloads itself" in footer
    screenshot = tmp_path / "dashboard.png"
    assert browser.save_screenshot(str(screenshot))
    assert screenshot.read_bytes().startswith(b"\x89PNG") and screenshot.stat().st_size > 10_000
    assert console_errors(browser) == []


def test_a_search_finds_an_order_and_its_page_shows_the_timeline(
    site: Served, browser: Any
) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(site.url)
    box = browser.find_element("css selector", "input[name=q]")
    box.send_keys("2210934")
    box.submit()
    WebDriverWait(browser, 15).until(lambda d: d.current_url.endswith("/search?q=2210934"))
    [found] = cards(browser)
    assert "Ninja BN701" in found.text
    found.find_element("css selector", "a[href^='/order/']").click()
    WebDriverWait(browser, 15).until(lambda d: "/order/" in d.current_url)
    assert browser.find_element("css selector", "h1").text == "Order 114-2210934-5561847"
    browser.find_element("css selector", "h3 a[href^='/parcel/']").click()
    WebDriverWait(browser, 15).until(lambda d: "/parcel/" in d.current_url)
    steps = [li.text for li in browser.find_elements("css selector", "ol.timeline li")]
    assert steps[0].splitlines()[1] == "Delivered email"  # newest first, with its source
    assert steps[-1].splitlines()[1] == "Shipped email expected Sat 28 Mar"
    assert any("Delayed" in step for step in steps)
    assert console_errors(browser) == []


def test_an_open_dashboard_reloads_itself_when_a_parcel_moves(
    make_app: AppFactory, serve: ServeFactory, browser: Any
) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    app = with_web(demo(make_app), refresh_seconds=1)
    served = serve(app)
    browser.get(served.url)
    assert len(cards(browser)) == 4
    record(app, event(Milestone.IN_TRANSIT, TRANSIT))
    WebDriverWait(browser, 15).until(lambda driver: len(cards(driver)) == 5)
    assert "On the way" in browser.find_element("css selector", "main").text
    assert console_errors(browser) == []


def test_the_pages_work_with_javascript_off(site: Served) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    with chromium(javascript=False) as driver:
        driver.get(site.url)
        assert len(cards(driver)) == 4
        footer = driver.find_element("css selector", "footer").text
        assert "reloads itself" not in footer  # refresh.js did not run: scripts are off
        assert "<noscript>Reload the page to see the latest news.</noscript>" in (
            driver.page_source
        )
        box = driver.find_element("css selector", "input[name=q]")
        box.send_keys("113-4829105-7730624")
        driver.find_element("css selector", "form.search button").click()
        WebDriverWait(driver, 15).until(lambda d: "/search?q=" in d.current_url)
        assert len(cards(driver)) == 2  # that order shipped as two packages
        cards(driver)[0].find_element("css selector", "h3 a").click()
        WebDriverWait(driver, 15).until(lambda d: "/parcel/" in d.current_url)
        assert driver.find_elements("css selector", "ol.timeline li")
        assert console_errors(driver) == []


def test_the_keyboard_reaches_the_skip_link_then_the_search(site: Served, browser: Any) -> None:
    from selenium.webdriver.common.keys import Keys

    browser.get(site.url)
    body = browser.find_element("css selector", "body")
    body.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.text == "Skip to the content"
    labels = browser.find_elements("css selector", "label[for=q]")
    assert labels and labels[0].get_attribute("textContent") == "Search"
