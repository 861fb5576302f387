"""A test client that watches a broker as Home Assistant would: subscribed to
the discovery prefix and the base topic, keeping what is retained now (the
last payload of each topic; an empty one deletes it) and every message in the
order it came. Tests wait on conditions with a timeout, never sleep."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

TIMEOUT = 20.0


@dataclass(frozen=True)
class Received:
    topic: str
    payload: bytes
    retain: bool


class Watcher:
    def __init__(self, port: int, topics: tuple[str, ...]) -> None:
        self.retained: dict[str, bytes] = {}
        self.messages: list[Received] = []
        self._changed = threading.Condition()
        self._subscribed = threading.Event()
        self._topics = topics
        self._markers = 0
        client = paho.Client(CallbackAPIVersion.VERSION2, client_id="test-watcher")
        client.on_connect = self._on_connect
        client.on_subscribe = self._on_subscribe
        client.on_message = self._on_message
        self.client = client
        client.connect("127.0.0.1", port)
        client.loop_start()
        assert self._subscribed.wait(TIMEOUT), "the test client could not subscribe"

    def _on_connect(self, client: paho.Client, *args: Any) -> None:
        client.subscribe([(topic, 1) for topic in self._topics])

    def _on_subscribe(self, *args: Any) -> None:
        self._subscribed.set()

    def _on_message(self, client: paho.Client, userdata: Any, message: paho.MQTTMessage) -> None:
        payload = bytes(message.payload)
        with self._changed:
            self.messages.append(Received(message.topic, payload, message.retain))
            if payload:
                self.retained[message.topic] = payload
            else:
                self.retained.pop(message.topic, None)
            self._changed.notify_all()

    def wait_for(self, condition: Callable[[], bool], what: str) -> None:
        with self._changed:
            if not self._changed.wait_for(condition, TIMEOUT):
                raise AssertionError(f"timed out waiting for {what}")

    def json(self, topic: str) -> Any:
        return json.loads(self.retained[topic])

    def on(self, topic: str) -> list[bytes]:
        """Every payload that came on `topic`, in order."""
        return [m.payload for m in list(self.messages) if m.topic == topic]

    def settle(self, marker_topic: str) -> None:
        """Wait until everything the broker took before now has reached this
        client: the broker forwards in order, so a marker sent now comes last."""
        self._markers += 1
        payload = f"marker {self._markers}".encode()
        self.client.publish(marker_topic, payload, qos=1)
        self.wait_for(lambda: payload in self.on(marker_topic), "the marker")

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@contextmanager
def watching(port: int, *topics: str) -> Iterator[Watcher]:
    watcher = Watcher(port, topics)
    try:
        yield watcher
    finally:
        watcher.close()
