"""Every topic parcelwatch publishes or listens to, in one place.

Discovery configs go to `<prefix>/<component>/<node>/<object>/config` (Home
Assistant's discovery layout); states, attributes, the event and the photo
live under the base topic. The node id is the base topic with anything but
letters, digits, `_` and `-` replaced, as discovery requires.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NODE_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
_PARCEL_OBJECT = re.compile(r"^parcel_(\d+)$")


@dataclass(frozen=True)
class Topics:
    prefix: str
    base: str

    @property
    def node(self) -> str:
        return _NODE_UNSAFE.sub("_", self.base)

    @property
    def availability(self) -> str:
        return f"{self.base}/status"

    @property
    def homeassistant_status(self) -> str:
        """Where Home Assistant says "online" when it (re)starts."""
        return f"{self.prefix}/status"

    @property
    def event(self) -> str:
        return f"{self.base}/event"

    @property
    def photo(self) -> str:
        return f"{self.base}/delivery_photo"

    @property
    def echo(self) -> str:
        """A topic parcelwatch publishes to itself, to know that the retained
        messages it subscribed to have all arrived before it."""
        return f"{self.base}/echo"

    def config(self, component: str, object_id: str) -> str:
        return f"{self.prefix}/{component}/{self.node}/{object_id}/config"

    def state(self, object_id: str) -> str:
        return f"{self.base}/{object_id}"

    def attributes(self, object_id: str) -> str:
        return f"{self.base}/{object_id}/attributes"

    @property
    def parcel_configs(self) -> str:
        """A subscription to every per-parcel sensor config (retained ones
        included), so that those of parcels no longer active can be cleared."""
        return self.config("sensor", "+")

    def parcel_of(self, topic: str) -> int | None:
        """The shipment key of a per-parcel config topic, else None."""
        head, _, tail = topic.rpartition("/")
        if tail != "config" or not head.startswith(f"{self.prefix}/sensor/{self.node}/"):
            return None
        match = _PARCEL_OBJECT.fullmatch(head.rpartition("/")[2])
        return int(match.group(1)) if match else None


def parcel_object(pk: int) -> str:
    return f"parcel_{pk}"
