"""The web site as one WSGI application: the routes, the token gate, the
security headers on every answer, static files, delivery photos, and an
error page that says nothing of the error (the log has it).

Routes (relative to `[web] base_path`):

    GET  /                        the dashboard
    GET  /search?q=...            search by order id, tracking number or item
    GET  /parcel/{key}            a parcel with its whole timeline
    GET  /order/{order_id}        an order with its packages
    GET  /unrecognised            the Amazon emails no rule could read
    GET  /photo/{key}             a parcel's delivery photo, fetched by the server
    GET  /calendar.ics            the parcels as an iCalendar feed (daemon.calendar)
    GET  /api/...                 the JSON API (daemon.web.api)
    GET  /metrics                 Prometheus (daemon.web.metrics)
    POST /hooks/17track, /hooks/aftership   carrier webhooks (daemon.web.hooks)
    GET  /static/{name}           the stylesheet, the refresh script, the icon
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources

from daemon.store.database import Store
from daemon.web.access import Gate, secured
from daemon.web.api import Api
from daemon.web.hooks import Hooks
from daemon.web.http import (
    BodyTooLargeError,
    Environ,
    Request,
    Response,
    StartResponse,
    plain,
    read_request,
    send,
)
from daemon.web.metrics import Metrics
from daemon.web.pages import Pages

log = logging.getLogger(__name__)

# A delivery photo as (bytes, MIME type), or None when it could not be had.
PhotoSource = Callable[[str], tuple[bytes, str] | None]

_STATIC_TYPES = {
    "style.css": "text/css; charset=utf-8",
    "refresh.js": "text/javascript; charset=utf-8",
    "icon.svg": "image/svg+xml",
}
_STATIC_CACHE = "public, max-age=3600"
_PHOTO_CACHE = "private, max-age=86400"
_NO_PHOTO = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 280 210" role="img" '
    b'aria-label="Photo not available"><rect width="280" height="210" fill="#d9d9d6"/>'
    b'<text x="140" y="110" text-anchor="middle" font-family="sans-serif" font-size="16" '
    b'fill="#333">Photo not available</text></svg>'
)
_PARCEL = re.compile(r"^/parcel/(\d{1,18})$")
_PHOTO = re.compile(r"^/photo/(\d{1,18})$")
_ORDER = re.compile(r"^/order/([A-Za-z0-9-]{1,40})$")
_API_SHIPMENT = re.compile(r"^/api/shipments/([^/]{1,40})$")
_API_ORDER = re.compile(r"^/api/orders/([A-Za-z0-9-]{1,40})$")
_HOOK = re.compile(r"^/hooks/([a-z0-9]{1,20})$")


@dataclass(frozen=True)
class Parts:
    """What the site is made of; built once (daemon.app) and passed in."""

    store: Store
    pages: Pages
    api: Api
    metrics: Metrics
    hooks: Hooks
    gate: Gate
    base_path: str
    photos: PhotoSource | None
    calendar: Callable[[], bytes]  # the iCalendar feed's bytes (App.calendar_feed)


class Site:
    def __init__(self, parts: Parts) -> None:
        self.parts = parts
        folder = resources.files("daemon.web") / "static"
        self._static = {name: (folder / name).read_bytes() for name in _STATIC_TYPES}

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        head = str(environ.get("REQUEST_METHOD", "GET")).upper() == "HEAD"
        try:
            request = read_request(environ, self.parts.base_path)
        except BodyTooLargeError:
            return send(secured(plain("request body too large", 413)), start_response, head=head)
        return send(secured(self.respond(request)), start_response, head=head)

    def respond(self, request: Request) -> Response:
        refused = self.parts.gate.answer(request, self.parts.base_path)
        if refused is not None:
            return refused
        try:
            return self._route(request)
        except Exception:
            log.exception("web: %s %s failed", request.method, request.path)
            return self.parts.pages.failed()

    def _route(self, request: Request) -> Response:
        path = request.path
        hook = _HOOK.match(path)
        if hook:
            if request.method != "POST":
                return plain("POST only", 405).with_header("Allow", "POST")
            return self.parts.hooks.receive(hook.group(1), request)
        if request.method not in ("GET", "HEAD"):
            return plain("GET only", 405).with_header("Allow", "GET, HEAD")
        return self._get(request)

    def _get(self, request: Request) -> Response:
        path, parts = request.path, self.parts
        fixed: dict[str, Callable[[], Response]] = {
            "/": parts.pages.dashboard,
            "/search": lambda: parts.pages.search(request.query.get("q", "")),
            "/unrecognised": parts.pages.unrecognised,
            "/api/shipments": lambda: parts.api.shipments(request.query),
            "/api/stamp": parts.api.stamp,
            "/metrics": parts.metrics.exposition,
            "/favicon.ico": lambda: self._file("icon.svg"),
            "/calendar.ics": self._calendar,
        }
        if path in fixed:
            return fixed[path]()
        if path.startswith("/static/"):
            return self._file(path.removeprefix("/static/"))
        for pattern, handler in (
            (_PARCEL, lambda key: parts.pages.parcel(int(key))),
            (_ORDER, parts.pages.order),
            (_PHOTO, lambda key: self._photo(int(key))),
            (_API_SHIPMENT, parts.api.shipment),
            (_API_ORDER, parts.api.order),
        ):
            match = pattern.match(path)
            if match:
                return handler(match.group(1))
        return parts.pages.not_found("There is no such page.")

    def _file(self, name: str) -> Response:
        if name not in self._static:
            return self.parts.pages.not_found("There is no such file.")
        response = Response(200, self._static[name], _STATIC_TYPES[name])
        return response.with_header("Cache-Control", _STATIC_CACHE)

    def _calendar(self) -> Response:
        feed = self.parts.calendar()
        response = Response(200, feed, "text/calendar; charset=utf-8")
        return response.with_header("Content-Disposition", 'inline; filename="parcels.ics"')

    def _photo(self, key: int) -> Response:
        ship = self.parts.store.shipment(key)
        source = self.parts.photos
        if ship is None or not ship.delivery_photo_url or source is None:
            return self.parts.pages.not_found("There is no photo of this parcel.")
        photo = source(ship.delivery_photo_url)
        if photo is None:
            return Response(200, _NO_PHOTO, "image/svg+xml")  # not cached: try again next time
        content, mime_type = photo
        return Response(200, content, mime_type).with_header("Cache-Control", _PHOTO_CACHE)
