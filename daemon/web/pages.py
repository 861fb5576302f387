"""The HTML pages: dashboard, parcel, order and search, drawn on the server
from the store's views by Jinja2 templates that escape every value (the
environment is built with autoescape on for every template, so a title in an
email that holds markup is shown as text).

Times are shown in the user's zone (`[general] timezone`); the page carries
a change stamp, and a few lines of script (static/refresh.js) reload it when
the stamp moves, so an open dashboard follows the parcels without a
framework; with scripts off the page is complete and a plain reload works.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, tzinfo
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from daemon.notify.links import tracking_url
from daemon.notify.wording import carrier_label, describe, format_date, format_eta
from daemon.store.database import Store
from daemon.store.unread import UnreadEmails
from daemon.store.views import OrderView, ShipmentView
from daemon.web.board import RECENTLY_DELIVERED, sections
from daemon.web.http import Response, html

Clock = Callable[[], datetime]
UNREAD_SHOWN = 100


class Pages:
    def __init__(
        self,
        store: Store,
        unread: UnreadEmails,
        *,
        zone: tzinfo | None,
        clock: Clock,
        base_path: str,
        refresh_seconds: int,
        photos: bool,
        late_after_days: int,
    ) -> None:
        self.store = store
        self.unread = unread
        self.zone = zone
        self.clock = clock
        self.base_path = base_path
        self.refresh_seconds = refresh_seconds
        self.photos = photos
        self.late_after_days = late_after_days
        self.env = _environment(base_path, zone)

    def dashboard(self) -> Response:
        stamp = self.store.change_stamp()
        today = self.clock().astimezone(self.zone).date()
        travelling = self.store.shipments()
        delivered = self.store.recently_delivered(RECENTLY_DELIVERED)
        orders = self.store.unshipped_orders()
        return self._page(
            "dashboard.html",
            stamp=stamp,
            sections=sections([*travelling, *delivered], today, self.zone, self.late_after_days),
            travelling=bool(travelling or orders),
            orders=orders,
            unread=self.unread.count(),
        )

    def parcel(self, key: int) -> Response:
        stamp = self.store.change_stamp()
        ship = self.store.shipment(key)
        if ship is None:
            return self.not_found(f"There is no parcel {key}.")
        return self._page("parcel.html", stamp=stamp, ship=ship)

    def order(self, order_id: str) -> Response:
        stamp = self.store.change_stamp()
        order = self.store.find_order(order_id)
        if order is None:
            return self.not_found("There is no order with this number.")
        return self._page("order.html", stamp=stamp, order=order)

    def unrecognised(self) -> Response:
        """The Amazon emails no rule could read (issue 15's `parcelwatch
        unrecognised`), newest first: how a changed template shows itself."""
        emails = self.unread.listed(limit=UNREAD_SHOWN)
        return self._page("unrecognised.html", stamp=None, emails=emails,
                          total=self.unread.count())  # fmt: skip

    def search(self, query: str) -> Response:
        found = self.store.search(query) if query.strip() else None
        return self._page("search.html", stamp=None, query=query, found=found)

    def not_found(self, message: str) -> Response:
        return self._page("message.html", status=404, stamp=None, title="Not found",
                          message=message)  # fmt: skip

    def failed(self) -> Response:
        message = "Something went wrong while drawing this page; the log says what."
        return self._page("message.html", status=500, stamp=None, title="Error",
                          message=message)  # fmt: skip

    def _page(self, name: str, *, status: int = 200, **values: Any) -> Response:
        template = self.env.get_template(name)
        text = template.render(
            now=self.clock(),
            today=self.clock().astimezone(self.zone).date(),
            refresh_seconds=self.refresh_seconds,
            photos=self.photos,
            query=values.pop("query", ""),
            **values,
        )
        return html(text, status)


def _environment(base_path: str, zone: tzinfo | None) -> Environment:
    env = Environment(
        loader=PackageLoader("daemon.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates are read once: no stat() per page on a Raspberry Pi
    )
    env.globals["url"] = lambda path: base_path + path
    env.globals["tracking_url"] = tracking_url
    env.filters.update(_filters(zone))
    return env


def _filters(zone: tzinfo | None) -> Mapping[str, Callable[..., Any]]:
    def when(moment: datetime) -> str:
        return moment.astimezone(zone).strftime("%a %d %b %Y, %H:%M")

    def iso(moment: datetime) -> str:
        return moment.astimezone(zone).isoformat(timespec="minutes")

    def name(view: ShipmentView | OrderView) -> str:
        label = view.label if isinstance(view, ShipmentView) else None
        return describe(view.item_titles, label, ())

    def status(view: ShipmentView | OrderView) -> str:
        return view.status.label if view.status else "Waiting for news"

    def status_key(view: ShipmentView | OrderView) -> str:
        return view.status.value if view.status else "unknown"

    return {
        "when": when,
        "iso": iso,
        "eta": format_eta,
        "day": format_date,
        "carrier": carrier_label,
        "name": name,
        "status": status,
        "status_key": status_key,
    }
