"""DHL Shipment Tracking - Unified: one API for DHL Express, Parcel and eCommerce.

One number per request (GET /track/shipments?trackingNumber=...), the key in the
`DHL-API-Key` header; 404 means DHL knows nothing of the number yet. DHL's
statusCode has only five values, so the status text refines it: "transit" covers
both a hub scan and "out for delivery", "failure" both a missed delivery and a
return to sender.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, tzinfo
from typing import Any

import httpx

from daemon.carriers.api_key import ApiKeyBackend
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
from daemon.carriers.shape import items, obj, text
from daemon.carriers.when import eta, instant, local_date
from daemon.config.secrets import Secret
from parsers.model import Milestone

M = Milestone

# DHL's statusCode -> our milestone, used when no phrase below matches.
STATUS_CODE: dict[str, Milestone | None] = {
    "pre-transit": M.SHIPPED,
    "transit": M.IN_TRANSIT,
    "delivered": M.DELIVERED,
    "failure": M.EXCEPTION,
    "unknown": None,
}

# Phrases in DHL's status text that are more specific than its statusCode, tried
# in this order for every code but delivered (see normalise.phrase_milestone).
PHRASES: dict[str, Milestone] = {
    "returned to sender": M.RETURNED,
    "return to sender": M.RETURNED,
    "returned to shipper": M.RETURNED,
    "being returned": M.RETURNED,
    "ready for pick up": M.AVAILABLE_FOR_PICKUP,
    "ready for collection": M.AVAILABLE_FOR_PICKUP,
    "available for pick up": M.AVAILABLE_FOR_PICKUP,
    "out for delivery": M.OUT_FOR_DELIVERY,
    "with delivery courier": M.OUT_FOR_DELIVERY,
    "loaded onto the delivery vehicle": M.OUT_FOR_DELIVERY,
    "delivery attempt": M.DELIVERY_ATTEMPTED,
    "could not be delivered": M.DELIVERY_ATTEMPTED,
    "not at home": M.DELIVERY_ATTEMPTED,
    "delayed": M.DELAYED,
}

DEFAULT_BASE_URL = "https://api-eu.dhl.com"
_PATH = "/track/shipments"


def milestone_for(status_code: str | None, *texts: str | None) -> Milestone | None:
    """The milestone for DHL's statusCode and its status texts."""
    if status_code == "delivered":
        return M.DELIVERED
    for written in texts:
        if found := phrase_milestone(written, PHRASES):
            return found
    return STATUS_CODE.get(status_code or "unknown")


class Dhl(ApiKeyBackend):
    """The DHL backend; one request per number."""

    name = "dhl"
    carriers: frozenset[str] | None = frozenset({"dhl", "deutsche_post"})
    max_batch = 1
    key_header = "DHL-API-Key"

    def __init__(
        self,
        api_key: Secret,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = 20.0,
        clock: Clock = utc_now,
        config_key: str = "carriers.dhl",
        language: str = "en",
        local_tz: tzinfo = UTC,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(
            api_key,
            config_key=config_key,
            base_url=base_url,
            timeout=timeout,
            clock=clock,
            transport=transport,
        )
        self._language = language
        self._local_tz = local_tz

    def _ask(self, batch: Sequence[TrackingQuery], out: BatchBuilder) -> None:
        for query in batch:
            self._track(query, out)

    def _track(self, query: TrackingQuery, out: BatchBuilder) -> None:
        response = self._http.send(
            "GET",
            _PATH,
            credential=self._credential,
            expect=(400, 404),
            params={"trackingNumber": query.number, "language": self._language},
            headers=self._key_headers(),
        )
        body = self._answer(response)
        if response.status_code == 404:
            out.not_found(query.number)
            return
        if response.status_code == 400:
            reason = text(body, "detail") or text(body, "title") or "bad request"
            self._reject(out, query.number, reason, 400)
            return
        # One shipment per DHL service that knows the number; its id is the number.
        shipment = entry_for(query.number, items(body, "shipments"), "id")
        if shipment is not None:
            out.status(self._status(query, shipment))

    def _status(self, query: TrackingQuery, shipment: dict[str, Any]) -> CarrierStatus:
        current = obj(shipment, "status")
        events = chronological(
            [self._event(e) for e in items(shipment, "events")], newest_first=True
        )
        milestone = _milestone_of(current)
        frame = obj(shipment, "estimatedDeliveryTimeFrame")
        single = text(shipment, "estimatedTimeOfDelivery")
        return CarrierStatus(
            number=query.number,
            carrier=query.carrier or "dhl",
            milestone=milestone,
            status_text=first_text(text(current, "status"), text(current, "description")),
            events=events,
            eta=eta(
                local_date(text(frame, "estimatedFrom") or single),
                local_date(text(frame, "estimatedThrough") or single),
            ),
            delivered_at=delivered_time(
                milestone, events, instant(text(current, "timestamp"), self._local_tz)
            ),
        )

    def _event(self, event: dict[str, Any]) -> CarrierEvent:
        address = obj(obj(event, "location"), "address")
        return CarrierEvent(
            occurred_at=instant(text(event, "timestamp"), self._local_tz),
            milestone=_milestone_of(event),
            status_text=first_text(text(event, "status"), text(event, "statusCode")),
            location=place(text(address, "addressLocality"), text(address, "countryCode")),
            description=first_text(text(event, "description"), text(event, "status")),
        )


def _milestone_of(status: dict[str, Any]) -> Milestone | None:
    return milestone_for(
        text(status, "statusCode"), text(status, "status"), text(status, "description")
    )
