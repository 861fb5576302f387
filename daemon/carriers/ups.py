"""UPS Track API: OAuth client credentials, then one number per request.

The token comes from /security/v1/oauth/token (HTTP Basic with the app's client
ID and secret) and is cached until shortly before it expires. Each number is a
GET of /api/track/v1/details/{number} with the bearer token and UPS's required
transId (unique per request) and transactionSrc headers.

A scan's milestone is read from the most specific thing UPS says: its 3-digit
status code where we know it, then phrases in its description (UPS files a
missed delivery and a delay alike under type X), then its one- or two-letter
status type.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote

import httpx

from daemon.carriers.base import (
    BatchBuilder,
    CarrierEvent,
    CarrierStatus,
    Clock,
    TrackingQuery,
    utc_now,
)
from daemon.carriers.normalise import (
    chronological,
    delivered_time,
    entry_for,
    first_text,
    phrase_milestone,
    place,
)
from daemon.carriers.oauth import DEFAULT_MARGIN
from daemon.carriers.oauth_backend import OAuthBackend
from daemon.carriers.shape import items, obj, text
from daemon.carriers.when import eta, local_date
from daemon.config.secrets import Secret
from parsers.model import Eta, Milestone

M = Milestone

# UPS status type -> our milestone (the fallback, see the module docstring).
STATUS_TYPE: dict[str, Milestone | None] = {
    "M": M.SHIPPED,  # manifest: billing information received, label created
    "MV": M.CANCELLED,  # manifest voided
    "P": M.IN_TRANSIT,  # picked up
    "I": M.IN_TRANSIT,
    "O": M.OUT_FOR_DELIVERY,
    "D": M.DELIVERED,
    "X": M.EXCEPTION,
    "RS": M.RETURNED,  # returned to shipper
    "NA": None,  # not available
}

# UPS 3-digit status codes (currentStatus.code, activity status.statusCode).
STATUS_CODE: dict[str, Milestone | None] = {
    "003": M.SHIPPED,  # shipment ready for UPS
    "005": M.IN_TRANSIT,  # on the way
    "011": M.DELIVERED,
    "021": M.OUT_FOR_DELIVERY,  # out for delivery today
}

# Phrases in a scan's description, tried in this order before the status type.
PHRASES: dict[str, Milestone] = {
    "returned to the sender": M.RETURNED,
    "returned to shipper": M.RETURNED,
    "returning to the sender": M.RETURNED,
    "returning to sender": M.RETURNED,
    "awaiting customer pick up": M.AVAILABLE_FOR_PICKUP,
    "held for customer pick up": M.AVAILABLE_FOR_PICKUP,
    "ready for pick up": M.AVAILABLE_FOR_PICKUP,
    "out for delivery": M.OUT_FOR_DELIVERY,
    "loaded on delivery vehicle": M.OUT_FOR_DELIVERY,
    "attempt": M.DELIVERY_ATTEMPTED,
    "receiver was not available": M.DELIVERY_ATTEMPTED,
    "rescheduled": M.DELAYED,
    "delay": M.DELAYED,
}

# Error codes UPS gives for a number that is not a UPS number at all.
INVALID_NUMBER_CODES = frozenset({"151018"})

DEFAULT_BASE_URL = "https://onlinetools.ups.com"
_TOKEN = "/security/v1/oauth/token"
_DETAILS = "/api/track/v1/details/"
TRANSACTION_SOURCE = "parcelwatch"


def milestone_for(
    status_type: str | None, status_code: str | None = None, description: str | None = None
) -> Milestone | None:
    """A scan's milestone: status code, then description phrases, then type."""
    if status_code in STATUS_CODE:
        return STATUS_CODE[status_code]
    return phrase_milestone(description, PHRASES) or STATUS_TYPE.get(status_type or "")


class Ups(OAuthBackend):
    """The UPS backend; one request per number, plus a token now and then."""

    name = "ups"
    carriers: frozenset[str] | None = frozenset({"ups"})
    max_batch = 1
    token_path = _TOKEN
    basic_auth = True

    def __init__(
        self,
        client_id: str,
        client_secret: Secret,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = 20.0,
        clock: Clock = utc_now,
        config_key: str = "carriers.ups",
        token_margin: timedelta = DEFAULT_MARGIN,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(
            client_id,
            client_secret,
            config_key=config_key,
            token_margin=token_margin,
            base_url=base_url,
            timeout=timeout,
            clock=clock,
            transport=transport,
        )

    def _ask(self, batch: Sequence[TrackingQuery], out: BatchBuilder) -> None:
        for query in batch:
            self._track(query, out)

    def _request_headers(self) -> dict[str, str]:
        return {"transId": uuid.uuid4().hex, "transactionSrc": TRANSACTION_SOURCE}

    def _track(self, query: TrackingQuery, out: BatchBuilder) -> None:
        response = self._authorized(
            "GET",
            _DETAILS + quote(query.number, safe=""),
            expect=(400, 404),
            params={"locale": "en_US", "returnSignature": "false"},
        )
        body = self._answer(response)
        if response.status_code in (400, 404):
            code, message = _first_error(body)
            if response.status_code == 404 and code not in INVALID_NUMBER_CODES:
                out.not_found(query.number)
            else:
                self._reject(out, query.number, message, code)
            return
        package = _package(query.number, body)
        if package is not None:
            out.status(_status(query, package))


def _first_error(body: dict[str, Any]) -> tuple[str | None, str]:
    errors = items(obj(body, "response"), "errors")
    first = errors[0] if errors else {}
    return text(first, "code"), text(first, "message") or "no tracking information"


def _package(number: str, body: dict[str, Any]) -> dict[str, Any] | None:
    """The package for `number` (a multi-piece shipment lists several), or None
    when UPS only warns that it has no information yet."""
    packages = [
        package
        for shipment in items(obj(body, "trackResponse"), "shipment")
        for package in items(shipment, "package")
    ]
    return entry_for(number, packages, "trackingNumber")


def _status(query: TrackingQuery, package: dict[str, Any]) -> CarrierStatus:
    events = chronological([_event(a) for a in items(package, "activity")], newest_first=True)
    current = obj(package, "currentStatus")
    latest = events[-1] if events else None
    if current:
        milestone = milestone_for(None, text(current, "code"), text(current, "description")) or (
            latest.milestone if latest else None
        )
    else:
        milestone = latest.milestone if latest else None
    return CarrierStatus(
        number=query.number,
        carrier=query.carrier or "ups",
        milestone=milestone,
        status_text=first_text(
            text(current, "description"), latest.description if latest else None
        ),
        events=events,
        eta=_eta(package),
        delivered_at=delivered_time(milestone, events),
    )


def _event(activity: dict[str, Any]) -> CarrierEvent:
    status = obj(activity, "status")
    address = obj(obj(activity, "location"), "address")
    description = text(status, "description")
    return CarrierEvent(
        occurred_at=_when(activity),
        milestone=milestone_for(text(status, "type"), text(status, "statusCode"), description),
        status_text=first_text(description, text(status, "type")),
        location=place(
            text(address, "city"),
            text(address, "stateProvince"),
            text(address, "countryCode") or text(address, "country"),
        ),
        description=first_text(description),
    )


def _when(activity: dict[str, Any]) -> datetime | None:
    """The scan time: gmtDate + gmtTime when given, else local date + time + gmtOffset."""
    gmt_date, gmt_time = text(activity, "gmtDate"), text(activity, "gmtTime")
    if gmt_date and gmt_time:
        return _parse(gmt_date, gmt_time, UTC)
    day, time, offset = text(activity, "date"), text(activity, "time"), text(activity, "gmtOffset")
    if day and time and offset:
        try:
            sign = -1 if offset.startswith("-") else 1
            hours, minutes = offset.lstrip("+-").split(":")
            zone = timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))
        except ValueError:
            return None
        return _parse(day, time, zone)
    return None


def _parse(day: str, time: str, zone: timezone) -> datetime | None:
    try:
        local = datetime.strptime(day + time.replace(":", ""), "%Y%m%d%H%M%S")
    except ValueError:
        return None
    return local.replace(tzinfo=zone).astimezone(UTC)


def _eta(package: dict[str, Any]) -> Eta | None:
    """The rescheduled delivery date if there is one, else the scheduled one."""
    dates = {text(d, "type"): text(d, "date") for d in items(package, "deliveryDate")}
    day = local_date(dates.get("RDD") or dates.get("SDD"))
    return eta(day, day)
