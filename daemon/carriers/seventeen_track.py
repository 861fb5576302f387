"""17TRACK API v2.2: one key, thousands of carriers, numbers registered once.

17TRACK tracks only numbers registered with it, and each registration spends
quota, so a number is registered once per backend instance (pass `registered` to
carry that knowledge across restarts); "already registered" counts as registered.
Status is then read with gettrackinfo, which costs no quota. Both calls take at
most 40 numbers. Requests carry the key in the `17token` header.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import httpx

from daemon.carriers.api_key import ApiKeyBackend
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
    coded_milestone,
    delivered_time,
    first_text,
    place,
)
from daemon.carriers.shape import items, obj, text
from daemon.carriers.when import eta, instant, local_date
from daemon.config.secrets import Secret
from daemon.errors import AuthError, TransientError
from parsers.carrier_names import carrier_slug
from parsers.model import Milestone

M = Milestone

# 17TRACK's main status -> our milestone. NotFound is "accepted, nothing yet";
# Expired (no news for a long time) moves nothing: the scheduler judges staleness.
STATUS: dict[str, Milestone | None] = {
    "NotFound": None,
    "InfoReceived": M.SHIPPED,
    "InTransit": M.IN_TRANSIT,
    "Expired": None,
    "AvailableForPickup": M.AVAILABLE_FOR_PICKUP,
    "OutForDelivery": M.OUT_FOR_DELIVERY,
    "DeliveryFailure": M.DELIVERY_ATTEMPTED,
    "Delivered": M.DELIVERED,
    "Exception": M.EXCEPTION,
}

# Sub-statuses that say more than their main status; the rest follow STATUS.
SUB_STATUS: dict[str, Milestone | None] = {
    "InTransit_CustomsRequiringInformation": M.EXCEPTION,
    "DeliveryFailure_InvalidAddress": M.EXCEPTION,
    "DeliveryFailure_Security": M.EXCEPTION,
    "Exception_Delayed": M.DELAYED,
    "Exception_Returning": M.RETURNED,
    "Exception_Returned": M.RETURNED,
    "Exception_Cancel": M.CANCELLED,
}

# Our slug -> 17TRACK's numeric carrier code. Only unambiguous carriers: "dhl" in
# an Amazon email may be DHL Express, DHL Paket or DHL eCommerce, so it is left
# to 17TRACK's detection, like every carrier not listed here.
CARRIER_CODES: dict[str, int] = {
    "ups": 100002,
    "fedex": 100003,
    "usps": 21051,
    "ontrac": 100049,
    "royal_mail": 11031,
    "canada_post": 3041,
    "deutsche_post": 7041,
}

ALREADY_REGISTERED = -18019901
NOT_REGISTERED = -18019902
NO_INFO_YET = -18019909
# Request-level codes that mean the key (or the account behind it) was refused.
AUTH_CODES = frozenset({-18010001, -18010002, -18010004, -18010005})

DEFAULT_BASE_URL = "https://api.17track.net"
_REGISTER = "/track/v2.2/register"
_GET_INFO = "/track/v2.2/gettrackinfo"

log = logging.getLogger(__name__)


def milestone_for(status: str | None, sub_status: str | None) -> Milestone | None:
    """The milestone for a (status, sub-status) pair; the main status is the
    sub-status's prefix when only the sub-status is given (as on events)."""
    return coded_milestone(status, sub_status, STATUS, SUB_STATUS)


class SeventeenTrack(ApiKeyBackend):
    """The 17TRACK backend; serves any carrier 17TRACK knows."""

    name = "17track"
    carriers: frozenset[str] | None = None
    max_batch = 40
    key_header = "17token"

    def __init__(
        self,
        api_key: Secret,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = 20.0,
        clock: Clock = utc_now,
        config_key: str = "carriers.17track",
        registered: Iterable[str] = (),
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
        # number -> the carrier code it was registered with (None: detected).
        self._registered: dict[str, int | None] = dict.fromkeys(registered)

    @property
    def registered(self) -> frozenset[str]:
        """Numbers this instance knows to be registered (to persist, if wanted)."""
        return frozenset(self._registered)

    def _ask(self, batch: Sequence[TrackingQuery], out: BatchBuilder) -> None:
        fresh = [q for q in batch if q.number not in self._registered]
        for chunk in chunked(fresh, self.max_batch):
            self._register(chunk, out)
        known = [q for q in batch if q.number in self._registered]
        for chunk in chunked(known, self.max_batch):
            self._fetch(chunk, out)

    def _register(self, chunk: Sequence[TrackingQuery], out: BatchBuilder) -> None:
        codes = {q.number: CARRIER_CODES.get(q.carrier or "") for q in chunk}
        data = self._call(_REGISTER, [_item(n, code) for n, code in codes.items()])
        accepted_count = 0
        for query, _ in _answered(data, "accepted", chunk):
            self._registered[query.number] = codes[query.number]
            accepted_count += 1
        for query, rejected in _answered(data, "rejected", chunk):
            code, reason = _error(rejected)
            if code == ALREADY_REGISTERED:
                # Registered earlier, perhaps under another carrier code: ask by number.
                self._registered[query.number] = None
            else:
                out.reject(query.number, reason)
        log.debug("%s: registered %d of %d numbers", self.name, accepted_count, len(chunk))

    def _fetch(self, chunk: Sequence[TrackingQuery], out: BatchBuilder) -> None:
        body = [_item(q.number, self._registered.get(q.number)) for q in chunk]
        data = self._call(_GET_INFO, body)
        for query, accepted in _answered(data, "accepted", chunk):
            out.status_or_not_found(query.number, read_entry(query.number, query.carrier, accepted))
        for query, rejected in _answered(data, "rejected", chunk):
            code, reason = _error(rejected)
            if code == NOT_REGISTERED:
                # Registration lapsed (or was deleted): register again next time.
                self._registered.pop(query.number, None)
                out.not_found(query.number)
            elif code == NO_INFO_YET:
                out.not_found(query.number)
            else:
                out.reject(query.number, reason)

    def _call(self, path: str, body: list[dict[str, Any]]) -> dict[str, Any]:
        response = self._http.send(
            "POST", path, credential=self._credential, json=body, headers=self._key_headers()
        )
        payload = self._answer(response)
        code = payload.get("code")
        if code != 0:
            self._refuse(code, payload)
        return obj(payload, "data")

    def _refuse(self, code: object, payload: dict[str, Any]) -> None:
        """A request-level failure reported in the body of an HTTP 200."""
        errors = items(obj(payload, "data"), "errors")
        codes = [c for c in (code, *(e.get("code") for e in errors)) if isinstance(c, int)]
        auth_code = next((c for c in codes if c in AUTH_CODES), None)
        if auth_code is not None:
            raise AuthError(
                f"{self.name}: {self._credential.refused} ({auth_code}); "
                f"check {self._credential.setting}"
            )
        message = next((m for e in errors if (m := text(e, "message"))), "no message")
        raise TransientError(f"{self.name}: request failed ({code}): {self._http.scrub(message)}")


def read_entry(number: str, carrier: str | None, entry: dict[str, Any]) -> CarrierStatus | None:
    """The status in one entry of 17TRACK's answer (`number`, `carrier`,
    `track_info`): gettrackinfo's accepted items and the data of a
    TRACKING_UPDATED push have this one shape. None while 17TRACK knows nothing
    yet. `carrier` is our slug when known; otherwise 17TRACK's is read."""
    info = obj(entry, "track_info")
    latest = obj(info, "latest_status")
    status, sub_status = text(latest, "status"), text(latest, "sub_status")
    if status in (None, "NotFound"):
        return None
    providers = items(obj(info, "tracking"), "providers")
    events = chronological(
        [_event(e) for p in providers for e in items(p, "events")], newest_first=True
    )
    milestone = milestone_for(status, sub_status)
    estimate = obj(obj(info, "time_metrics"), "estimated_delivery_date")
    return CarrierStatus(
        number=number,
        carrier=carrier or _slug(entry, providers),
        milestone=milestone,
        status_text=first_text(text(obj(info, "latest_event"), "description"), sub_status, status),
        events=events,
        eta=eta(local_date(text(estimate, "from")), local_date(text(estimate, "to"))),
        delivered_at=delivered_time(milestone, events),
    )


def _event(event: dict[str, Any]) -> CarrierEvent:
    sub_status = text(event, "sub_status")
    address = obj(event, "address")
    return CarrierEvent(
        occurred_at=instant(text(event, "time_utc")) or instant(text(event, "time_iso")),
        milestone=milestone_for(None, sub_status),
        status_text=first_text(sub_status, text(event, "stage")),
        location=text(event, "location")
        or place(text(address, "city"), text(address, "state"), text(address, "country")),
        description=first_text(text(event, "description")),
    )


def _answered(
    data: dict[str, Any], section: str, chunk: Sequence[TrackingQuery]
) -> Iterator[tuple[TrackingQuery, dict[str, Any]]]:
    """The entries of the answer's `section` ("accepted" or "rejected"), each with
    the query it answers; an entry for a number not asked about is skipped."""
    by_key = {_key(q.number): q for q in chunk}
    for entry in items(data, section):
        query = by_key.get(_key(text(entry, "number") or ""))
        if query is not None:
            yield query, entry


def _item(number: str, code: int | None) -> dict[str, Any]:
    return {"number": number} if code is None else {"number": number, "carrier": code}


def _key(number: str) -> str:
    """17TRACK may echo a number in another case or without spaces."""
    return "".join(number.split()).upper()


def _error(entry: dict[str, Any]) -> tuple[int | None, str]:
    error = obj(entry, "error")
    code = error.get("code")
    message = text(error, "message") or "rejected"
    return (code if isinstance(code, int) else None), f"{message} ({code})"


def _slug(accepted: dict[str, Any], providers: list[dict[str, Any]]) -> str | None:
    """Our slug for the carrier 17TRACK detected: by its provider's name, else by code."""
    for provider in providers:
        name = text(obj(provider, "provider"), "name")
        if name and (slug := carrier_slug(name)):
            return slug
    code = accepted.get("carrier")
    return next((slug for slug, c in CARRIER_CODES.items() if c == code), None)
