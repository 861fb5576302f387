"""The connection to the MQTT broker (paho-mqtt 2.x) and how passes use it.

`run`: `start()` hands the connection to paho's network thread, which connects
in the background and, whenever the broker is gone, reconnects with backoff
(1 s doubling to 2 min); nothing here ever blocks the thread that asked. On
every connection the bridge says "online" on the availability topic (the last
will says "offline" if the daemon dies), subscribes to Home Assistant's status
and to the per-parcel configs the broker holds, and asks for a whole pass
through `wake` (the service runs passes in a thread of its own). Home
Assistant announcing "online" asks for a whole pass again. `stop()` says
"offline" and disconnects.

`sync`: `publish_once()` connects (under another client id, so it never
displaces a running daemon), learns which per-parcel configs the broker holds,
runs one pass, waits until the broker has taken every message and disconnects
cleanly, leaving the availability "online" for a timer-driven install.

A password reaches paho and nothing else: log lines and errors name the broker
by its address alone.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode
from paho.mqtt.reasoncodes import ReasonCode

from daemon.config.mqtt import MqttSettings
from daemon.errors import TransientError
from daemon.mqtt.publisher import PassReport, Publisher

log = logging.getLogger(__name__)

ONLINE, OFFLINE = b"online", b"offline"
KEEPALIVE = 60
RECONNECT_DELAYS = (1, 120)  # seconds: paho doubles the wait from the first up to the second
# How long paho's network thread waits for traffic before it looks at its
# keep-alive: paho's own thread wakes every second, which an idle daemon pays for
# (bench/idle.py --mqtt); a publish wakes it at once anyway, and pings stay on time
# (the broker allows 1.5 x KEEPALIVE of silence).
LOOP_SECONDS = 10.0


class _Client(paho.Client):
    """paho's client, its network thread waking every LOOP_SECONDS, not every second."""

    def _thread_main(self) -> None:
        try:
            self.loop_forever(timeout=LOOP_SECONDS, retry_first_connection=True)
        finally:
            self._thread = None


class Bridge:
    def __init__(
        self,
        settings: MqttSettings,
        publisher: Publisher,
        *,
        client_id: str,
        timeout: float = 10.0,
        reconnect_delays: tuple[int, int] = RECONNECT_DELAYS,
    ) -> None:
        self.settings = settings
        self.publisher = publisher
        self.topics = publisher.topics
        self.timeout = timeout
        self.wake: Callable[[], None] = lambda: None
        self._connected = threading.Event()
        self._answered = threading.Event()  # the broker accepted or refused us
        self._echoed = threading.Event()
        self._refusal: str | None = None
        self._trouble: str | None = None  # the last problem logged, to log each once
        self._stopping = False
        self._client = self._make_client(client_id, reconnect_delays)

    def _make_client(self, client_id: str, delays: tuple[int, int]) -> paho.Client:
        settings = self.settings
        client = _Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=paho.MQTTv311)
        if settings.username:
            password = settings.password.reveal() if settings.password else None
            client.username_pw_set(settings.username, password)
        if settings.tls:
            client.tls_set(ca_certs=str(settings.ca_file) if settings.ca_file else None)
        client.will_set(self.topics.availability, OFFLINE, qos=1, retain=True)
        client.reconnect_delay_set(*delays)
        client.on_connect = self._on_connect
        client.on_connect_fail = self._on_connect_fail
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        return client

    # --- run ------------------------------------------------------------------------

    def start(self, wake: Callable[[], None]) -> None:
        """Connect in the background; `wake` asks for a pass (it must return at once)."""
        self.wake = wake
        self._client.connect_async(self.settings.host, self.settings.port, KEEPALIVE)
        self._client.loop_start()

    def run_pass(self) -> None:
        """One pass, if connected (a new connection asks for one anyway)."""
        if not self._connected.is_set():
            return
        report = self.publisher.run(self)
        if report.published or report.cleared or report.fired:
            log.debug("home assistant: %s", report)

    def stop(self) -> None:
        self._stopping = True
        if self._connected.is_set():
            self.publish(self.topics.availability, OFFLINE, retain=True)
        self._client.disconnect()
        self._client.loop_stop()

    # --- once -----------------------------------------------------------------------

    def publish_once(self) -> PassReport:
        """Connect, publish everything once, disconnect; TransientError when the
        broker cannot be reached or does not take it all."""
        try:
            self._client.connect(self.settings.host, self.settings.port, KEEPALIVE)
        except (OSError, ValueError) as exc:
            raise self._unreachable(exc) from None
        self._client.loop_start()
        try:
            if not self._answered.wait(self.timeout) or not self._connected.is_set():
                reason = self._refusal or f"no answer within {self.timeout:g} s"
                raise TransientError(f"{self._where()} refused the connection: {reason}")
            self._learn_retained()
            report = self.publisher.run(self)
            if not report.complete:
                raise TransientError(f"{self._where()} did not take every message; try again")
            return report
        finally:
            self._stopping = True
            self._client.disconnect()
            self._client.loop_stop()

    def _learn_retained(self) -> None:
        """Wait until the broker has sent the per-parcel configs it holds: they
        come before our own message on the echo topic, which follows them."""
        self.publish(self.topics.echo, b"", retain=False)
        if not self._echoed.wait(self.timeout):
            raise TransientError(f"{self._where()} did not answer within {self.timeout:g} s")

    # --- the channel a pass publishes through ---------------------------------------

    def publish(self, topic: str, payload: bytes, *, retain: bool) -> bool:
        """Publish with QoS 1; True once the broker acknowledged it."""
        if not self._client.is_connected():
            return False
        info = self._client.publish(topic, payload, qos=1, retain=retain)
        if info.rc != MQTTErrorCode.MQTT_ERR_SUCCESS:
            return False
        try:
            info.wait_for_publish(self.timeout)
        except (RuntimeError, ValueError):
            return False
        return info.is_published()

    # --- paho's callbacks (in paho's network thread) --------------------------------

    def _on_connect(
        self, client: paho.Client, userdata: Any, flags: Any, reason: ReasonCode, props: Any
    ) -> None:
        if reason.is_failure:
            self._refusal = _advice(reason)
            self._say(f"{self._where()} refused the connection: {self._refusal}")
            self._answered.set()
            return
        client.subscribe(
            [(self.topics.homeassistant_status, 1), (self.topics.parcel_configs, 1),
             (self.topics.echo, 1)]
        )  # fmt: skip
        client.publish(self.topics.availability, ONLINE, qos=1, retain=True)
        self.publisher.forget()
        self._connected.set()
        self._answered.set()
        if self._trouble is not None:
            log.info("home assistant: connected to %s again", self._where())
        self._trouble = None
        self.wake()

    def _on_connect_fail(self, client: paho.Client, userdata: Any) -> None:
        self._say(f"cannot reach {self._where()}; trying again with backoff")

    def _on_disconnect(
        self, client: paho.Client, userdata: Any, flags: Any, reason: ReasonCode, props: Any
    ) -> None:
        self._connected.clear()
        if not self._stopping:
            self._say(f"lost the connection to {self._where()} ({reason}); reconnecting")

    def _on_message(self, client: paho.Client, userdata: Any, message: paho.MQTTMessage) -> None:
        if message.topic == self.topics.echo:
            self._echoed.set()
        elif message.topic == self.topics.homeassistant_status:
            if message.payload.strip().lower() == ONLINE:
                log.info("home assistant came online; publishing everything again")
                self.publisher.forget()
                self.wake()
        elif self.publisher.broker_holds(message.topic, bool(message.payload)):
            self.wake()

    # --- words ----------------------------------------------------------------------

    def _where(self) -> str:
        return f"the MQTT broker at {self.settings.address}"

    def _unreachable(self, exc: BaseException) -> TransientError:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        return TransientError(f"cannot reach {self._where()}: {reason}")

    def _say(self, problem: str) -> None:
        """Log a problem once, not at every retry."""
        if problem != self._trouble:
            log.error("home assistant: %s", problem)
            self._trouble = problem


def _advice(reason: ReasonCode) -> str:
    text = str(reason)
    if reason.value in (4, 5, 134, 135):  # bad user name or password / not authorized
        return f"{text} (check [mqtt] username and password)"
    if reason.value in (2, 133):  # identifier rejected
        return f"{text} (check [mqtt] client_id)"
    return text
