"""FedEx Track API: OAuth client credentials, then up to 30 numbers a request.

The token comes from POST /oauth/token (a form with the client ID and secret)
and is cached until shortly before it expires. Numbers go in batches to POST
/track/v1/trackingnumbers; FedEx answers per number, with an error such as
TRACKING.TRACKINGNUMBER.NOTFOUND in place of results for a number it does not
know (yet).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import httpx

from daemon.carriers.base import (
    BatchBuilder,
    CarrierEvent,
    CarrierStatus,
    Clock,
    TrackingQuery,
    chunked,
    utc_now,
)
from daemon.carriers.normalise import (
    chronological,
    delivered_time,
    first_text,
    phrase_milestone,
    place,
)
from daemon.carriers.oauth import DEFAULT_MARGIN
from daemon.carriers.oauth_backend import OAuthBackend
from daemon.carriers.shape import items, obj, text
from daemon.carriers.when import eta, instant, local_date
from daemon.config.secrets import Secret
from parsers.model import Eta, Milestone

M = Milestone

# FedEx status and scan-event codes -> our milestone. Unlisted codes (vehicle
# dispatched, delivery option requested, ...) move nothing.
STATUS_CODE: dict[str, Milestone | None] = {
    "OC": M.SHIPPED,  # order (label) created
    "IN": M.SHIPPED,  # initiated
    "PU": M.IN_TRANSIT,  # picked up
    "PX": M.IN_TRANSIT,  # picked up (see details)
    "IT": M.IN_TRANSIT,
    "IX": M.IN_TRANSIT,  # in transit (see details)
    "AR": M.IN_TRANSIT,  # arrived at
    "DP": M.IN_TRANSIT,  # departed
    "AF": M.IN_TRANSIT,  # at local FedEx facility
    "FD": M.IN_TRANSIT,  # at FedEx destination
    "OF": M.IN_TRANSIT,  # at FedEx origin facility
    "LO": M.IN_TRANSIT,  # left origin
    "SF": M.IN_TRANSIT,  # at sort facility
    "TR": M.IN_TRANSIT,  # transfer
    "CC": M.IN_TRANSIT,  # cleared customs
    "OD": M.OUT_FOR_DELIVERY,
    "DL": M.DELIVERED,
    "HL": M.AVAILABLE_FOR_PICKUP,  # hold at location
    "HP": M.AVAILABLE_FOR_PICKUP,  # ready for recipient pickup
    "DE": M.EXCEPTION,  # delivery exception
    "SE": M.EXCEPTION,  # shipment exception
    "DY": M.DELAYED,
    "DD": M.DELAYED,  # delivery delay
    "CD": M.DELAYED,  # clearance delay
    "CA": M.CANCELLED,
    "RS": M.RETURNED,  # return to shipper
}

# Phrases that refine an exception code (DE, SE), tried in this order: FedEx
# files "customer not available" under delivery exception.
EXCEPTION_PHRASES: dict[str, Milestone] = {
    "to shipper": M.RETURNED,  # "return to shipper", "returning package to shipper"
    "to sender": M.RETURNED,
    "not available": M.DELIVERY_ATTEMPTED,
    "business closed": M.DELIVERY_ATTEMPTED,
    "attempt": M.DELIVERY_ATTEMPTED,
    "delay": M.DELAYED,
}

NOT_FOUND_CODES = frozenset({"TRACKING.TRACKINGNUMBER.NOTFOUND"})
MAX_BATCH = 30
DEFAULT_BASE_URL = "https://apis.fedex.com"
_TOKEN = "/oauth/token"
_TRACK = "/track/v1/trackingnumbers"


def milestone_for(code: str | None, description: str | None = None) -> Milestone | None:
    """A status code's milestone, refined by its description for exception codes."""
    found = STATUS_CODE.get(code or "")
    if found is M.EXCEPTION:
        return phrase_milestone(description, EXCEPTION_PHRASES) or found
    return found


class FedEx(OAuthBackend):
    """The FedEx backend; batches of 30, plus a token now and then."""

    name = "fedex"
    carriers: frozenset[str] | None = frozenset({"fedex"})
    max_batch = MAX_BATCH
    token_path = _TOKEN
    basic_auth = False

    def __init__(
        self,
        client_id: str,
        client_secret: Secret,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = 20.0,
        clock: Clock = utc_now,
        config_key: str = "carriers.fedex",
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
        for chunk in chunked(batch, self.max_batch):
            self._track(chunk, out)

    def _request_headers(self) -> dict[str, str]:
        return {"X-locale": "en_US"}

    def _track(self, chunk: Sequence[TrackingQuery], out: BatchBuilder) -> None:
        body = {
            "includeDetailedScans": True,
            "trackingInfo": [{"trackingNumberInfo": {"trackingNumber": q.number}} for q in chunk],
        }
        response = self._authorized("POST", _TRACK, json=body)
        output = obj(self._answer(response), "output")
        by_number = {q.number.upper(): q for q in chunk}
        for complete in items(output, "completeTrackResults"):
            query = by_number.get((text(complete, "trackingNumber") or "").upper())
            results = items(complete, "trackResults")
            if query is None or not results:
                continue
            result = results[0]
            error = obj(result, "error")
            if not error:
                out.status(_status(query, result))
            elif text(error, "code") in NOT_FOUND_CODES:
                out.not_found(query.number)
            else:
                message = text(error, "message") or "rejected"
                self._reject(out, query.number, message, text(error, "code"))


def _status(query: TrackingQuery, result: dict[str, Any]) -> CarrierStatus:
    latest = obj(result, "latestStatusDetail")
    description = first_text(text(latest, "description"), text(latest, "statusByLocale"))
    events = chronological([_event(e) for e in items(result, "scanEvents")], newest_first=True)
    milestone = milestone_for(text(latest, "code"), description) or milestone_for(
        text(latest, "derivedCode"), description
    )
    times = {text(d, "type"): text(d, "dateTime") for d in items(result, "dateAndTimes")}
    return CarrierStatus(
        number=query.number,
        carrier=query.carrier or "fedex",
        milestone=milestone,
        status_text=first_text(text(latest, "statusByLocale"), description),
        events=events,
        eta=_eta(result, times),
        delivered_at=delivered_time(milestone, events, instant(times.get("ACTUAL_DELIVERY"))),
    )


def _event(scan: dict[str, Any]) -> CarrierEvent:
    description = text(scan, "eventDescription")
    exception = text(scan, "exceptionDescription")
    full = f"{description}: {exception}" if description and exception else description or exception
    location = obj(scan, "scanLocation")
    return CarrierEvent(
        occurred_at=instant(text(scan, "date")),
        milestone=milestone_for(text(scan, "eventType"), full)
        or milestone_for(text(scan, "derivedStatusCode"), full),
        status_text=first_text(text(scan, "derivedStatus"), text(scan, "eventType")),
        location=place(
            text(location, "city"),
            text(location, "stateOrProvinceCode"),
            text(location, "countryCode"),
        ),
        description=first_text(full),
    )


def _eta(result: dict[str, Any], times: dict[str | None, str | None]) -> Eta | None:
    """The estimated window if FedEx gives one, else its estimated (or appointed)
    delivery date, else the standard transit window's end."""
    window = obj(obj(result, "estimatedDeliveryTimeWindow"), "window")
    found = eta(local_date(text(window, "begins")), local_date(text(window, "ends")))
    if found is None:
        day = local_date(times.get("ESTIMATED_DELIVERY") or times.get("APPOINTMENT_DELIVERY"))
        found = eta(day, day)
    if found is None:
        standard = obj(obj(result, "standardTransitTimeWindow"), "window")
        day = local_date(text(standard, "ends"))
        found = eta(day, day)
    return found
