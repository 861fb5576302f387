"""One publishing pass: what Home Assistant should see now, published where it
differs from what this connection already published.

The pass reads the store's views, plans every retained payload (configs first,
then states, then the photo), clears what is no longer wanted (the configs,
states and attributes of parcels that stopped being active, whether this
connection published them or the broker kept them from an earlier run), and
then fires the milestones that are news. A publish the broker did not take
ends the pass; the bridge runs a whole one again when it is connected anew.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Protocol

from daemon.config.mqtt import MqttSettings
from daemon.mqtt.board import board
from daemon.mqtt.entities import (
    Identity,
    Link,
    event_payload,
    fixed_configs,
    parcel_config,
    states,
)
from daemon.mqtt.events import EventLedger, new_firings
from daemon.mqtt.topics import Topics, parcel_object
from daemon.store.database import Store
from daemon.store.views import ShipmentView
from parsers.model import Milestone

log = logging.getLogger(__name__)

# The photo of the latest delivered parcel, downloaded by the caller's means
# (daemon.notify.photo through daemon.app): (bytes, MIME type), or None.
Photos = Callable[[str], tuple[bytes, str] | None]
DEFAULT_PHOTO_TYPE = "image/jpeg"


class Channel(Protocol):
    """The broker, as a pass uses it: True once the broker has taken the message."""

    def publish(self, topic: str, payload: bytes, *, retain: bool) -> bool: ...


@dataclass(frozen=True)
class PassReport:
    published: int
    cleared: int
    fired: int
    complete: bool


class Publisher:
    def __init__(
        self,
        settings: MqttSettings,
        store: Store,
        clock: Callable[[], datetime],
        zone: tzinfo | None,
        link: Link,
        photos: Photos | None,
        version: str,
        max_age: timedelta,
        late_after_days: int,
    ) -> None:
        self.topics = Topics(settings.discovery_prefix, settings.base_topic)
        self.identity = Identity(self.topics, version)
        self.store = store
        self.ledger = EventLedger(store)
        self.clock = clock
        self.zone = zone
        self.link = link
        self.photos = photos
        # The same rule as notifications' ([notify] max_age) unless [mqtt]
        # event_max_age says otherwise (daemon.app decides).
        self.max_age = max_age
        self.late_after_days = late_after_days
        self._sent: dict[str, bytes] = {}
        self._on_broker: set[int] = set()  # parcels whose config the broker holds
        self._lock = threading.Lock()
        self._photo: tuple[str, tuple[bytes, str] | None] | None = None

    def forget(self) -> None:
        """Publish everything again on the next pass (a new connection, or Home
        Assistant restarted)."""
        with self._lock:
            self._sent.clear()

    def broker_holds(self, topic: str, present: bool) -> bool:
        """Note a per-parcel config the broker sent (retained, or our own echo);
        True when it was one."""
        pk = self.topics.parcel_of(topic)
        if pk is None:
            return False
        with self._lock:
            (self._on_broker.add if present else self._on_broker.discard)(pk)
        return True

    def run(self, channel: Channel) -> PassReport:
        now = self.clock()
        views = self.store.shipments(include_finished=True)
        active = [view for view in views if view.current]
        wanted = self._plan(views, active, now)
        with self._lock:
            stale = [topic for topic in self._sent if topic not in wanted]
            stale += [t for pk in self._on_broker - {v.pk for v in active}
                      for t in self._parcel_topics(pk) if t not in stale]  # fmt: skip
        cleared = published = 0
        for topic in stale:
            if not self._send(channel, topic, b""):
                return PassReport(published, cleared, 0, complete=False)
            cleared += 1
        for topic, payload in wanted.items():
            if self._sent.get(topic) == payload:
                continue
            if not self._send(channel, topic, payload):
                return PassReport(published, cleared, 0, complete=False)
            published += 1
        fired, complete = self._fire(channel, views, now)
        return PassReport(published, cleared, fired, complete)

    def _plan(
        self, views: Sequence[ShipmentView], active: Sequence[ShipmentView], now: datetime
    ) -> dict[str, bytes]:
        photo = self._latest_photo(views)
        photo_type = photo[1] if photo else DEFAULT_PHOTO_TYPE
        wanted = fixed_configs(self.identity, photo_type)
        if self.photos is None:  # delivery_photo = false: no image entity
            del wanted[self.topics.config("image", "delivery_photo")]
        wanted.update(parcel_config(self.identity, view) for view in active)
        today = now.astimezone(self.zone).date()
        current = board(views, today, self.zone, self.late_after_days)
        wanted.update(states(self.topics, current, active, self.link, self.zone))
        if photo is not None:
            wanted[self.topics.photo] = photo[0]
        return wanted

    def _parcel_topics(self, pk: int) -> list[str]:
        object_id = parcel_object(pk)
        topics = self.topics
        return [
            topics.config("sensor", object_id),
            topics.state(object_id),
            topics.attributes(object_id),
        ]

    def _send(self, channel: Channel, topic: str, payload: bytes) -> bool:
        if not channel.publish(topic, payload, retain=True):
            return False
        with self._lock:
            if payload:
                self._sent[topic] = payload
            else:
                self._sent.pop(topic, None)
        return True

    def _latest_photo(self, views: Sequence[ShipmentView]) -> tuple[bytes, str] | None:
        """The photo of the parcel delivered last, downloaded once per link."""
        if self.photos is None:
            return None
        delivered = [v for v in views if v.status is Milestone.DELIVERED and v.delivery_photo_url
                     and v.delivered_at]  # fmt: skip
        if not delivered:
            return None
        latest = max(delivered, key=lambda v: (v.delivered_at, v.pk))
        url = latest.delivery_photo_url
        assert url is not None
        if self._photo is None or self._photo[0] != url:
            self._photo = (url, self.photos(url))
        return self._photo[1]

    def _fire(
        self, channel: Channel, views: Sequence[ShipmentView], now: datetime
    ) -> tuple[int, bool]:
        fired = 0
        for firing in new_firings(views, self.ledger.told(), now, self.max_age):
            if not self.ledger.claim(firing, now) or not firing.fire:
                continue
            payload = event_payload(firing.view, firing.milestone, self.link, self.zone)
            if not channel.publish(self.topics.event, payload, retain=False):
                self.ledger.release(firing)
                return fired, False
            log.info("home assistant: %s fired for parcel %d", firing.milestone.value,
                     firing.view.pk)  # fmt: skip
            fired += 1
        return fired, True
