"""Take the screenshot of the dashboard kept in docs/ (shown in the README).

Run: .venv/bin/python -m tools.screenshot [docs/dashboard.png]

The demo's sample mailbox is read up to a moment while its parcels are on the
way (Tue 31 Mar 2026, 16:00 UTC: one out for delivery, one in transit, two
delivered), into a throw-away database, with the clock at that moment; the
site is served on loopback and drawn by headless Chromium at a phone's width.
Needs Debian's chromium and chromium-driver; no network.
"""

from __future__ import annotations

import email.utils
import sys
import tempfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from daemon.app import build
from daemon.cli.demo import SAMPLE_MAILBOX
from daemon.config.settings import defaults
from daemon.config.web import Listen
from daemon.mail import local
from daemon.web.server import WebServer
from tests.support.browser import chromium

MOMENT = datetime(2026, 3, 31, 16, 0, tzinfo=UTC)
WIDTH = 420


def sent_before(data: bytes, moment: datetime) -> bool:
    for line in data.split(b"\n"):
        if line.lower().startswith(b"date:"):
            return email.utils.parsedate_to_datetime(line[5:].decode().strip()) <= moment
    return False


def main(target: str = "docs/dashboard.png") -> int:
    with tempfile.TemporaryDirectory(prefix="parcelwatch-screenshot-") as name:
        base = defaults({"HOME": name})
        url = replace(base.database_url, _value=f"sqlite:///{name}/shot.db")
        web = replace(base.web, photos=False)  # the photos' host is not reachable from here
        settings = replace(base, state_dir=Path(name), timezone="America/New_York",
                           database_url=url, web=web)  # fmt: skip
        app = build(settings, clock=lambda: MOMENT)
        try:
            mail = [m for m in local.read(SAMPLE_MAILBOX, "sample") if sent_before(m.data, MOMENT)]
            app.pipeline.process_all(mail)
            site = app.web_site(lambda: None)
            server = WebServer(site, Listen("127.0.0.1", 0))
            server.start()
            try:
                with chromium() as browser:
                    browser.get(server.url)
                    height = browser.execute_script("return document.documentElement.scrollHeight")
                    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                        "width": WIDTH, "height": int(height), "deviceScaleFactor": 1,
                        "mobile": True})  # fmt: skip
                    browser.save_screenshot(target)
            finally:
                server.stop()
        finally:
            app.close()
    print(f"written {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
