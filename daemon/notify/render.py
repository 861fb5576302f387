"""Notification text: a title that says what happened to what, and a body with
what a person needs to act on it, as plain text or Markdown.

Pure: the same facts, format and moment render the same text. The facts are
stored with the notification when it is queued and rendered when it is sent,
so each target gets its own format and today's "today". Every value that can
come from an email is made inert for the target's format (daemon.notify.escape)
before it goes into a title, a body or a user's template; the only link is the
one built here, to the order's marketplace or the carrier's tracking page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo

from daemon.config.notify import Template
from daemon.notify.escape import inert
from daemon.notify.links import tracking_url
from daemon.notify.wording import carrier_label, describe, relative_day
from daemon.store.views import Snapshot
from parsers.amazon.marketplaces import by_domain
from parsers.model import Eta, Milestone

# Milestones after which "Arriving" means nothing any more.
_NOT_ARRIVING = frozenset({Milestone.DELIVERED, Milestone.AVAILABLE_FOR_PICKUP})
# While the parcel is coming, the one-time code the recipient tells the driver.
_DRIVER_CODE = frozenset(
    {Milestone.SHIPPED, Milestone.IN_TRANSIT, Milestone.OUT_FOR_DELIVERY, Milestone.DELAYED}
)


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str
    format: str = "text"


class Renderer:
    """Renders snapshots with the user's templates and privacy choice, dates in
    the user's time zone (None: the system's)."""

    def __init__(
        self,
        templates: Mapping[str, Template] | None = None,
        *,
        privacy: bool = False,
        zone: tzinfo | None = None,
    ) -> None:
        self._templates = dict(templates or {})
        self._privacy = privacy
        self._zone = zone

    def render(self, snap: Snapshot, fmt: str, now: datetime) -> Rendered:
        markdown = fmt in ("markdown", "html")
        values = self.shown(snap, now, markdown=markdown)
        template = self._templates.get(snap.milestone.value) or self._templates.get("default")
        title = f"{snap.milestone.label}: {values['items']}"
        if template and template.title is not None:
            title = template.title.format_map(values)
        if template and template.body is not None:
            body = template.body.format_map(values)
        else:
            body = self._body(snap, values, markdown=markdown)
        return Rendered(title, body, "markdown" if markdown else "text")

    def shown(self, snap: Snapshot, now: datetime, *, markdown: bool) -> dict[str, str]:
        """`values`, each made inert for the format; the link as built."""
        return {
            key: value if key == "link" else inert(value, markdown=markdown)
            for key, value in self.values(snap, now).items()
        }

    def values(self, snap: Snapshot, now: datetime) -> dict[str, str]:
        """Every template placeholder (config_notify.PLACEHOLDERS), "" when unknown."""
        orders = tuple(self.order_id(o) for o in snap.order_ids)
        return {
            "milestone": snap.milestone.label,
            "items": describe(snap.item_titles, snap.label, orders),
            "order_id": orders[0] if orders else "",
            "order_ids": ", ".join(orders),
            "carrier": carrier_label(snap.carrier) if snap.carrier else "",
            "tracking_number": self.tracking(snap.tracking_number or ""),
            "eta": self.eta(snap.eta, now) if snap.eta else "",
            "pickup_code": snap.pickup_code or "",
            "pickup_location": snap.pickup_location or "",
            "pickup_deadline": self.day(snap.pickup_deadline, now) if snap.pickup_deadline else "",
            "delivery_code": snap.delivery_code or "",
            "delivery_location": snap.delivery_location or "",
            "link": self.link(snap),
            "account": snap.account or "",
        }

    def reminder(self, snap: Snapshot, fmt: str, now: datetime) -> Rendered:
        """The morning reminder on a pickup's last day: the pickup's own text
        (where, until when, the code) under a title that says it is the last day."""
        ready = self.render(replace(snap, milestone=Milestone.AVAILABLE_FOR_PICKUP), fmt, now)
        items = self.shown(snap, now, markdown=ready.format == "markdown")["items"]
        return Rendered(f"Last day to pick up: {items}", ready.body, ready.format)

    def order_id(self, order_id: str) -> str:
        """ "113-1234567-1234567" -> "•••-•••••••-•••4567" under privacy."""
        if not self._privacy:
            return order_id
        keep = 4
        masked = [c if not c.isalnum() else "•" for c in order_id[:-keep]]
        return "".join(masked) + order_id[-keep:]

    def tracking(self, number: str) -> str:
        if not self._privacy or not number:
            return number
        return "…" + number[-4:]

    def day(self, day: date, now: datetime) -> str:
        return relative_day(day, now.astimezone(self._zone).date())

    def eta(self, eta: Eta, now: datetime) -> str:
        today = now.astimezone(self._zone).date()
        if eta.start == eta.end:
            return relative_day(eta.start, today)
        return f"{relative_day(eta.start, today)} – {relative_day(eta.end, today)}"

    def link(self, snap: Snapshot) -> str:
        """The Amazon order page of the right marketplace, else the carrier's
        tracking page; under privacy only links that name no order or parcel."""
        market = by_domain(snap.marketplace) if snap.marketplace else None
        if market and snap.order_ids:
            return market.history_url() if self._privacy else market.order_url(snap.order_ids[0])
        if snap.carrier and snap.tracking_number and not self._privacy:
            return tracking_url(snap.carrier, snap.tracking_number) or ""
        return ""

    def _body(self, snap: Snapshot, values: Mapping[str, str], *, markdown: bool) -> str:
        """The built-in body, from `values` already made inert."""

        def field(name: str, value: str, *, code: bool = False) -> str:
            if not markdown:
                return f"{name}: {value}" if name else value
            shown = f"`{value}`" if code else value
            return f"**{name}:** {shown}" if name else shown

        lines: list[str] = []
        if len(snap.item_titles) > 1:
            titles = "; ".join(inert(title, markdown=markdown) for title in snap.item_titles)
            lines.append(field("Items", titles))
        if values["order_ids"]:
            lines.append(field("Order", values["order_ids"]))
        if snap.carrier or snap.tracking_number:
            carrier = values["carrier"] or "Tracking"
            lines.append(field(carrier, values["tracking_number"] or "no tracking number"))
        if values["eta"] and snap.milestone not in _NOT_ARRIVING:
            lines.append(field("Arriving", values["eta"]))
        lines += _handover(snap, values, field)
        if values["link"]:
            lines.append(_link(values["link"], snap, markdown=markdown))
        return "\n".join(lines)


def _handover(snap: Snapshot, values: Mapping[str, str], field: Callable[..., str]) -> list[str]:
    """What a person needs to get the parcel: where it waits, until when and
    its code; the code to tell the driver while it is coming; where it was left.
    `values` are already inert (they come from the email)."""
    lines: list[str] = []
    waiting = snap.milestone is Milestone.AVAILABLE_FOR_PICKUP
    if waiting and snap.pickup_location:
        lines.append(field("Pickup at", values["pickup_location"]))
    if waiting and snap.pickup_deadline:
        lines.append(field("Pick up by", values["pickup_deadline"]))
    if snap.pickup_code:
        lines.append(field("Pickup code", values["pickup_code"], code=True))
    if snap.delivery_code and snap.milestone in _DRIVER_CODE:
        lines.append(field("Delivery code (tell the driver)", values["delivery_code"], code=True))
    if snap.milestone is Milestone.DELIVERED and snap.delivery_location:
        lines.append(field("Where", values["delivery_location"]))
    return lines


def _link(url: str, snap: Snapshot, *, markdown: bool) -> str:
    if not markdown:
        return url
    where = snap.marketplace if snap.order_ids and snap.marketplace else "the carrier's site"
    return f"[Track on {where}]({url})"


def render(snapshot: Snapshot, now: datetime) -> Rendered:
    """The built-in plain-text wording, as kept in the database and logs."""
    return Renderer().render(snapshot, "text", now)
