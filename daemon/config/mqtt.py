"""The `[mqtt]` section (Home Assistant over MQTT) and the `[calendar]` section.

Without an `[mqtt]` table nothing is published. The broker is named by one URL
(`mqtt://host:1883`, or `mqtts://host:8883` for TLS); the user name and the
password have keys of their own, the password a secret like the others, so the
URL itself never holds one. Topics are checked here: a `+` or `#` in a topic
would make every publish fail, and a leading or trailing `/` an empty level.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from daemon.config.secrets import Secret
from daemon.config.table import Table

DEFAULT_PORTS = {"mqtt": 1883, "mqtts": 8883}
DEFAULT_CLIENT_ID = "parcelwatch"
DEFAULT_DISCOVERY_PREFIX = "homeassistant"
DEFAULT_BASE_TOPIC = "parcelwatch"
_CLIENT_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_KEYS = (
    "url", "username", "password", "client_id", "discovery_prefix", "base_topic", "ca_file",
    "delivery_photo", "event_max_age",
)  # fmt: skip


@dataclass(frozen=True)
class MqttSettings:
    """Where the broker is and how parcelwatch appears in Home Assistant."""

    host: str
    port: int
    tls: bool
    username: str | None
    password: Secret | None
    client_id: str
    discovery_prefix: str
    base_topic: str
    ca_file: Path | None
    delivery_photo: bool
    # Hours: a milestone older than this when parcelwatch first sees it is
    # history and fires no event. None: the notifications' rule, [notify] max_age.
    event_max_age_hours: int | None = None

    @property
    def address(self) -> str:
        """The broker as logs name it (never with credentials)."""
        return f"{'mqtts' if self.tls else 'mqtt'}://{self.host}:{self.port}"


@dataclass(frozen=True)
class CalendarSettings:
    """`path`: the iCalendar file `run` keeps current (None: none)."""

    path: Path | None = None


def read_mqtt(root: Table) -> MqttSettings | None:
    if not root.has("mqtt"):
        return None
    table = root.table("mqtt", _KEYS)
    host, port, tls = _broker(table)
    username = table.string("username", "") or None
    password = table.optional_secret("password")
    if password is not None and username is None:
        raise table.error("password", 'needs a username too (add username = "...")')
    if password is not None and password.source == "inline":
        table.warn("password", "given inline; prefer { env = ... } or { credential = ... }")
    client_id = table.string("client_id", DEFAULT_CLIENT_ID)
    if not _CLIENT_ID.fullmatch(client_id):
        raise table.error("client_id", "use 1 to 64 letters, digits, '.', '_' or '-'")
    ca_file = table.optional_path("ca_file", must_exist=True)
    if ca_file is not None and not tls:
        raise table.error("ca_file", "only used with TLS: write the url as mqtts://...")
    return MqttSettings(
        host=host,
        port=port,
        tls=tls,
        username=username,
        password=password,
        client_id=client_id,
        discovery_prefix=_topic(table, "discovery_prefix", DEFAULT_DISCOVERY_PREFIX),
        base_topic=_topic(table, "base_topic", DEFAULT_BASE_TOPIC),
        ca_file=ca_file,
        delivery_photo=table.boolean("delivery_photo", True),
        event_max_age_hours=(
            table.integer("event_max_age", 1, minimum=1) if table.has("event_max_age") else None
        ),
    )


def read_calendar(root: Table) -> CalendarSettings:
    table = root.table("calendar", ("path",))
    return CalendarSettings(path=table.optional_path("path"))


def _broker(table: Table) -> tuple[str, int, bool]:
    url = table.string("url")
    problem = "expected mqtt://host[:port] or mqtts://host[:port]"
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise table.error("url", problem) from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise table.error("url", problem)
    if parts.username is not None or parts.password is not None:
        raise table.error(
            "url", "must not hold a user name or password: use the username and password keys"
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise table.error("url", f"{problem}, without a path or query")
    return parts.hostname, port or DEFAULT_PORTS[scheme], scheme == "mqtts"


def _topic(table: Table, name: str, default: str) -> str:
    topic = table.string(name, default)
    if any(c in topic for c in "+#\0") or topic.startswith("/") or topic.endswith("/"):
        raise table.error(name, f"'{topic}' is not a topic: no +, # or leading/trailing /")
    return topic
