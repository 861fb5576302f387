"""One hello instead of a flood: after the first sync of a mail account (or a
local mailbox), one notification says that parcelwatch now watches it and what
it found, as things stand:

    Watching home: 3 parcels on the way (1 arriving today), 1 waiting for
    pickup (code 482913)

What that first read found in the past was recorded, not pushed (news, not
history: daemon.notify.routing), so this is how a new user learns that it
works. It is queued once per account and database (its outbox key), so it is
never repeated for that account; a new database is a new start and says
hello again, with nothing old.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo

from daemon.notify.routing import Routing
from daemon.store.outlook import arriving_today
from daemon.store.views import OrderView, ShipmentView
from parsers.model import Milestone

log = logging.getLogger(__name__)

# (key, kind, (title, body), targets, now) -> whether it was queued (not there yet)
AddOnce = Callable[[str, str, tuple[str, str], Sequence[str], datetime], bool]
HELLO = "hello"


class Hellos:
    """Queues the hello of an account after its first sync."""

    def __init__(
        self,
        routing: Routing,
        shipments: Callable[[], list[ShipmentView]],
        orders: Callable[[], list[OrderView]],
        add: AddOnce,
        zone: tzinfo | None,
    ) -> None:
        self._routing = routing
        self._shipments = shipments
        self._orders = orders
        self._add = add
        self._zone = zone

    def greet(self, kind: str, name: str, now: datetime) -> bool:
        """Queue the hello of the account or mailbox `name` ("imap", "mailbox"),
        unless it was queued before; True when it was queued now."""
        shipments = [s for s in self._shipments() if s.account == name]
        orders = [o for o in self._orders() if o.account == name]
        text = compose(name, shipments, orders, now, self._zone)
        targets = self._routing.targets_for_account(name)
        queued = self._add(f"{HELLO}:{kind}:{name}", HELLO, text, targets, now)
        if queued:
            log.info("%s: %s", *text)
        return queued


def compose(
    name: str,
    shipments: Sequence[ShipmentView],
    orders: Sequence[OrderView],
    now: datetime,
    zone: tzinfo | None,
) -> tuple[str, str]:
    """The hello's title ("Watching home") and text ("3 parcels on the way (1
    arriving today), ..."), from the parcels and unshipped orders that are current."""
    today = now.astimezone(zone).date()
    waiting = [s for s in shipments if s.status is Milestone.AVAILABLE_FOR_PICKUP]
    moving = [s for s in shipments if s.status is not Milestone.AVAILABLE_FOR_PICKUP]
    parts: list[str] = []
    if moving:
        today_count = sum(arriving_today(s, today, zone) for s in moving)
        parts.append(
            _count(len(moving), "parcel") + " on the way"
            + (f" ({today_count} arriving today)" if today_count else "")
        )  # fmt: skip
    if waiting:
        codes = [s.pickup_code for s in waiting if s.pickup_code]
        shown = f" ({'code' if len(codes) == 1 else 'codes'} {', '.join(codes)})" if codes else ""
        parts.append(f"{len(waiting)} waiting for pickup{shown}")
    if orders:
        parts.append(_count(len(orders), "order") + " not shipped yet")
    body = ", ".join(parts) if parts else "nothing on the way right now"
    return f"Watching {name}", body


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
