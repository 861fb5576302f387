"""The site built from what the app holds: its store, carrier ledger and
settings. The app (daemon.app) calls this; the parts stay replaceable in
tests."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from datetime import datetime, tzinfo

from daemon.carriers.base import Usage
from daemon.carriers.ledger import Checks
from daemon.carriers.push import aftership_push, seventeen_track_push
from daemon.config.carriers import CarrierSettings
from daemon.config.web import WebSettings
from daemon.store.database import Store
from daemon.store.unread import UnreadEmails
from daemon.web.access import Gate
from daemon.web.api import Api
from daemon.web.hooks import Hooks, Reader
from daemon.web.metrics import HookCounts, Metrics, StoreCollector
from daemon.web.pages import Pages
from daemon.web.site import Parts, PhotoSource, Site


def webhook_readers(carriers: CarrierSettings) -> dict[str, Reader]:
    """A reader per backend configured to push its updates."""
    readers: dict[str, Reader] = {}
    for backend in carriers.backends:
        if backend.name == "17track" and backend.webhook and backend.api_key is not None:
            readers["17track"] = functools.partial(seventeen_track_push, api_key=backend.api_key)
        if backend.name == "aftership" and backend.webhook_secret is not None:
            readers["aftership"] = functools.partial(aftership_push, secret=backend.webhook_secret)
    return readers


def build_site(
    web: WebSettings,
    carriers: CarrierSettings,
    *,
    store: Store,
    unread: UnreadEmails,
    checks: Checks,
    zone: tzinfo | None,
    clock: Callable[[], datetime],
    usage: Callable[[], Mapping[str, Usage]],
    delivered: Callable[[], object],
    photos: PhotoSource | None,
    calendar: Callable[[], bytes],
    late_after_days: int,
) -> Site:
    """`usage`: the carrier backends' request counts; `delivered`: sends what a
    webhook queued; `photos`: fetches a delivery photo (None: none shown);
    `calendar`: the iCalendar feed's bytes."""
    counts = HookCounts()
    pages = Pages(store, unread, zone=zone, clock=clock, base_path=web.base_path,
                  refresh_seconds=web.refresh_seconds, photos=photos is not None,
                  late_after_days=late_after_days)  # fmt: skip
    hooks = Hooks(checks, webhook_readers(carriers), clock, delivered, counts)
    return Site(
        Parts(
            store=store,
            pages=pages,
            api=Api(store),
            metrics=Metrics(StoreCollector(store, usage, counts)),
            hooks=hooks,
            gate=Gate(web.token, web.base_path or "/"),
            base_path=web.base_path,
            photos=photos,
            calendar=calendar,
        )
    )
