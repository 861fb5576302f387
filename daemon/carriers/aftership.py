"""AfterShip Tracking API (dated versions, 2024-04 onwards): create, then list.

AfterShip tracks only numbers that were created as trackings in the account, so
each number is created once per backend instance ("already exists", meta code
4003, counts as created; pass `created` to carry that across restarts). Dated
API versions dropped the slug/number lookup, so status is read in batches with
GET /trackings?tracking_numbers=..., up to 50 numbers a request. The key travels
in the `as-api-key` header.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
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
from parsers.carrier_names import carrier_slug
from parsers.model import Eta, Milestone

M = Milestone

# AfterShip's tag -> our milestone. Pending is "created, nothing yet"; Expired
# (no news for 30 days) moves nothing: the scheduler judges staleness.
TAG: dict[str, Milestone | None] = {
    "Pending": None,
    "InfoReceived": M.SHIPPED,
    "InTransit": M.IN_TRANSIT,
    "OutForDelivery": M.OUT_FOR_DELIVERY,
    "AttemptFail": M.DELIVERY_ATTEMPTED,
    "Delivered": M.DELIVERED,
    "AvailableForPickup": M.AVAILABLE_FOR_PICKUP,
    "Exception": M.EXCEPTION,
    "Expired": None,
}

# Subtags that say more than their tag; the rest follow TAG.
SUBTAG: dict[str, Milestone | None] = {
    "Exception_004": M.DELAYED,  # delayed (customs clearance)
    "Exception_005": M.DELAYED,  # delayed (external factors)
    "Exception_010": M.RETURNED,  # returning to sender
    "Exception_011": M.RETURNED,  # returned to sender
    "Exception_016": M.DELAYED,  # delayed (processing issue)
    "Exception_017": M.DELAYED,  # delayed (extreme weather)
}

# Our slug -> AfterShip's courier slug where the two differ or where naming the
# courier spares AfterShip a guess; unlisted carriers are detected by AfterShip.
SLUGS: dict[str, str] = {
    "ups": "ups",
    "fedex": "fedex",
    "usps": "usps",
    "dhl": "dhl",
    "ontrac": "ontrac",
    "lasership": "lasership",
    "royal_mail": "royal-mail",
    "canada_post": "canada-post",
    "purolator": "purolator",
    "australia_post": "australia-post",
}

ALREADY_EXISTS = 4003
LIST_LIMIT = 50
DEFAULT_BASE_URL = "https://api.aftership.com"
DEFAULT_VERSION = "2024-10"

log = logging.getLogger(__name__)


def milestone_for(tag: str | None, subtag: str | None) -> Milestone | None:
    """The milestone for a (tag, subtag) pair; the tag is the subtag's prefix when
    only the subtag is known."""
    return coded_milestone(tag, subtag, TAG, SUBTAG)


class AfterShip(ApiKeyBackend):
    """The AfterShip backend; serves any carrier AfterShip knows."""

    name = "aftership"
    carriers: frozenset[str] | None = None
    max_batch = LIST_LIMIT
    key_header = "as-api-key"

    def __init__(
        self,
        api_key: Secret,
        *,
        base_url: str = DEFAULT_BASE_URL,
        api_version: str = DEFAULT_VERSION,
        timeout: float = 20.0,
        clock: Clock = utc_now,
        config_key: str = "carriers.aftership",
        created: Iterable[str] = (),
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
        self._path = f"/tracking/{api_version}/trackings"
        self._created: set[str] = set(created)
        self._local_tz = local_tz

    @property
    def created(self) -> frozenset[str]:
        """Numbers this instance knows exist as AfterShip trackings."""
        return frozenset(self._created)

    def _ask(self, batch: Sequence[TrackingQuery], out: BatchBuilder) -> None:
        for query in batch:
            if query.number not in self._created:
                self._create(query, out)
        known = [q for q in batch if q.number in self._created]
        for chunk in chunked(known, self.max_batch):
            self._list(chunk, out)

    def _create(self, query: TrackingQuery, out: BatchBuilder) -> None:
        body: dict[str, str] = {"tracking_number": query.number}
        if query.carrier in SLUGS:
            body["slug"] = SLUGS[query.carrier]
        response = self._http.send(
            "POST", self._path, credential=self._credential, expect=(400, 409, 422),
            json=body, headers=self._key_headers(),
        )  # fmt: skip
        if response.is_success:
            self._created.add(query.number)
            return
        meta = obj(self._answer(response), "meta")
        if meta.get("code") == ALREADY_EXISTS:
            self._created.add(query.number)
        else:
            message = text(meta, "message") or f"HTTP {response.status_code}"
            self._reject(out, query.number, message, meta.get("code"))

    def _list(self, chunk: Sequence[TrackingQuery], out: BatchBuilder) -> None:
        response = self._http.send(
            "GET",
            self._path,
            credential=self._credential,
            params={"tracking_numbers": ",".join(q.number for q in chunk), "limit": 200},
            headers=self._key_headers(),
        )
        data = obj(self._answer(response), "data")
        found: dict[str, list[dict[str, Any]]] = {}
        for entry in items(data, "trackings"):
            found.setdefault((text(entry, "tracking_number") or "").upper(), []).append(entry)
        for query in chunk:
            tracking = _pick(query, found.get(query.number.upper(), []))
            if tracking is None:
                # Deleted in the AfterShip account (or never there): create it again.
                self._created.discard(query.number)
                continue
            out.status_or_not_found(
                query.number, read_tracking(query.number, query.carrier, tracking, self._local_tz)
            )


def read_tracking(
    number: str, carrier: str | None, tracking: dict[str, Any], local_tz: tzinfo
) -> CarrierStatus | None:
    """The status in one AfterShip tracking object: an item of GET /trackings
    and the `msg` of a tracking_update webhook have this one shape. None while
    AfterShip has nothing yet. Times without a zone are read in `local_tz`."""
    tag, subtag = text(tracking, "tag"), text(tracking, "subtag")
    checkpoints = items(tracking, "checkpoints")
    if tag in (None, "Pending") and not checkpoints:
        return None
    events = chronological([_event(c, local_tz) for c in checkpoints], newest_first=False)
    milestone = milestone_for(tag, subtag)
    stated = instant(text(tracking, "shipment_delivery_date"), local_tz)
    return CarrierStatus(
        number=number,
        carrier=carrier or _our_slug(text(tracking, "slug")),
        milestone=milestone,
        status_text=first_text(text(tracking, "subtag_message"), tag),
        events=events,
        eta=_eta(tracking),
        delivered_at=delivered_time(milestone, events, stated),
    )


def _event(checkpoint: dict[str, Any], local_tz: tzinfo) -> CarrierEvent:
    return CarrierEvent(
        occurred_at=instant(text(checkpoint, "checkpoint_time"), local_tz),
        milestone=milestone_for(text(checkpoint, "tag"), text(checkpoint, "subtag")),
        status_text=first_text(text(checkpoint, "subtag_message"), text(checkpoint, "tag")),
        location=text(checkpoint, "location")
        or place(
            text(checkpoint, "city"),
            text(checkpoint, "state"),
            text(checkpoint, "country_region_name") or text(checkpoint, "country_name"),
        ),
        description=first_text(text(checkpoint, "message")),
    )


def _pick(query: TrackingQuery, trackings: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The tracking for the query's courier when the same number exists under
    several couriers, else the first."""
    wanted = SLUGS.get(query.carrier or "")
    for tracking in trackings:
        if wanted and text(tracking, "slug") == wanted:
            return tracking
    return trackings[0] if trackings else None


def _eta(tracking: dict[str, Any]) -> Eta | None:
    """The most current estimate AfterShip offers: its latest estimate, else the
    courier's, else AfterShip's own prediction."""
    latest = obj(tracking, "latest_estimated_delivery")
    found = eta(
        local_date(text(latest, "datetime_min") or text(latest, "datetime")),
        local_date(text(latest, "datetime_max") or text(latest, "datetime")),
    )
    for key in ("courier_estimated_delivery_date", "aftership_estimated_delivery_date"):
        if found is not None:
            break
        estimate = obj(tracking, key)
        day = text(estimate, "estimated_delivery_date")
        found = eta(
            local_date(text(estimate, "estimated_delivery_date_min") or day),
            local_date(text(estimate, "estimated_delivery_date_max") or day),
        )
    return found


def _our_slug(slug: str | None) -> str | None:
    if not slug:
        return None
    return next((ours for ours, theirs in SLUGS.items() if theirs == slug), None) or carrier_slug(
        slug.replace("-", " ")
    )
