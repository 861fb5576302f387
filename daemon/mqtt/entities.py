"""The discovery configs and states of parcelwatch's entities, as Home
Assistant's MQTT discovery documents them. Pure: views in, payloads out.

One device ("parcelwatch") holds: a count sensor per group of daemon.mqtt.board,
with the parcels behind the count as JSON attributes; a sensor per active
parcel (state: its milestone, an enum; attributes: order, items, carrier,
tracking number, ETA, codes, link); an `event` entity whose event types are the
milestones; an `image` entity with the latest delivery photo. Every entity
names the availability topic, which the bridge keeps "online" and whose last
will says "offline". Payloads are JSON with sorted keys, so that an unchanged
entity gives the same bytes and is not published again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from daemon.mqtt.board import GROUPS, Board
from daemon.mqtt.topics import Topics, parcel_object
from daemon.store.views import ShipmentView
from parsers.model import Milestone

Link = Callable[[ShipmentView], str | None]
MILESTONES = tuple(m.value for m in Milestone)
UNKNOWN = "None"  # what Home Assistant reads as an unknown state
_GROUP_ICONS = {
    "arriving_today": "mdi:package-variant",
    "out_for_delivery": "mdi:truck-delivery",
    "waiting_for_pickup": "mdi:store-marker",
    "delivered_today": "mdi:package-variant-closed-check",
    "in_transit": "mdi:truck-fast",
    "late": "mdi:clock-alert",
}


@dataclass(frozen=True)
class Identity:
    """Who publishes: the device every entity belongs to."""

    topics: Topics
    version: str

    def device(self) -> dict[str, Any]:
        return {
            "identifiers": [self.topics.node],
            "name": "parcelwatch",
            "manufacturer": "parcelwatch",
            "model": "Parcel tracker",
            "sw_version": self.version,
        }

    def common(self, component: str, object_id: str, name: str) -> dict[str, Any]:
        """What every config carries: ids, device, origin, availability."""
        unique = f"{self.topics.node}_{object_id}"
        return {
            "name": name,
            "unique_id": unique,
            "default_entity_id": f"{component}.{unique}",
            "device": self.device(),
            "origin": {"name": "parcelwatch", "sw_version": self.version},
            "availability": [
                {
                    "topic": self.topics.availability,
                    "payload_available": "online",
                    "payload_not_available": "offline",
                }
            ],
        }


def encode(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def fixed_configs(identity: Identity, photo_type: str) -> dict[str, bytes]:
    """The configs of the entities that always exist: counts, event, image."""
    topics = identity.topics
    configs: dict[str, bytes] = {}
    for object_id, name in GROUPS:
        config = identity.common("sensor", object_id, name) | {
            "state_topic": topics.state(object_id),
            "json_attributes_topic": topics.attributes(object_id),
            "unit_of_measurement": "parcels",
            "state_class": "measurement",
            "icon": _GROUP_ICONS[object_id],
        }
        configs[topics.config("sensor", object_id)] = encode(config)
    event = identity.common("event", "milestone", "Milestone") | {
        "state_topic": topics.event,
        "event_types": list(MILESTONES),
        "icon": "mdi:package-variant-closed",
    }
    configs[topics.config("event", "milestone")] = encode(event)
    image = identity.common("image", "delivery_photo", "Delivery photo") | {
        "image_topic": topics.photo,
        "content_type": photo_type,
    }
    configs[topics.config("image", "delivery_photo")] = encode(image)
    return configs


def parcel_config(identity: Identity, view: ShipmentView) -> tuple[str, bytes]:
    object_id = parcel_object(view.pk)
    topics = identity.topics
    config = identity.common("sensor", object_id, view.short_name) | {
        "state_topic": topics.state(object_id),
        "json_attributes_topic": topics.attributes(object_id),
        "device_class": "enum",
        "options": list(MILESTONES),
        "icon": "mdi:package-variant",
    }
    return topics.config("sensor", object_id), encode(config)


def states(
    topics: Topics,
    current: Board,
    active: Sequence[ShipmentView],
    link: Link,
    zone: tzinfo | None,
) -> dict[str, bytes]:
    """The state and attributes of every count sensor and active parcel."""
    payloads: dict[str, bytes] = {}
    for object_id, _ in GROUPS:
        parcels = current.groups[object_id]
        payloads[topics.state(object_id)] = str(len(parcels)).encode()
        facts = [parcel_facts(view, link, zone) for view in parcels]
        payloads[topics.attributes(object_id)] = encode({"parcels": facts})
    for view in active:
        object_id = parcel_object(view.pk)
        status = view.status.value if view.status else UNKNOWN
        payloads[topics.state(object_id)] = status.encode()
        payloads[topics.attributes(object_id)] = encode(parcel_facts(view, link, zone))
    return payloads


def parcel_facts(view: ShipmentView, link: Link, zone: tzinfo | None) -> dict[str, Any]:
    """A parcel as automations and cards read it (attributes, event data)."""
    return {
        "name": view.short_name,
        "status": view.status.value if view.status else None,
        "status_label": view.status.label if view.status else None,
        "order_ids": list(view.order_ids),
        "order_id": view.order_ids[0] if view.order_ids else None,
        "items": list(view.item_titles),
        "carrier": view.carrier,
        "tracking_number": view.tracking_number,
        "eta_start": view.eta.start.isoformat() if view.eta else None,
        "eta_end": view.eta.end.isoformat() if view.eta else None,
        "pickup_code": view.pickup_code,
        "pickup_location": view.pickup_location,
        "pickup_deadline": view.pickup_deadline.isoformat() if view.pickup_deadline else None,
        "delivery_code": view.delivery_code,
        "delivery_location": view.delivery_location,
        "delivered_at": view.delivered_at.astimezone(zone).isoformat()
        if view.delivered_at
        else None,
        "link": link(view),
        "marketplace": view.marketplace,
    }


def event_payload(
    view: ShipmentView, milestone: Milestone, link: Link, zone: tzinfo | None
) -> bytes:
    """One firing of the event entity: the milestone as its event type, the
    parcel's facts as its attributes."""
    return encode(parcel_facts(view, link, zone) | {"event_type": milestone.value})
