"""The `[web]` section: where the web interface listens and who may open it.

Without `listen`, `parcelwatch run` serves no web pages (`parcelwatch web`
then listens on DEFAULT_LISTEN). A loopback address is reachable only from the
machine itself, so it needs no token; any other address puts the parcels of
the household on the network, so it requires `token`, and the check is made
here, before any work, like every other configuration error.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, replace

from daemon.config.secrets import Secret
from daemon.config.table import Table
from daemon.errors import ConfigError

DEFAULT_LISTEN = "127.0.0.1:8737"
DEFAULT_REFRESH_SECONDS = 60
_BASE_PATH = re.compile(r"^(/[A-Za-z0-9._~-]+)+$")
_LOOPBACK_NAMES = frozenset({"localhost", "ip6-localhost"})


@dataclass(frozen=True)
class Listen:
    """A host and port to listen on; the host is an IP address or a name."""

    host: str
    port: int

    @property
    def loopback(self) -> bool:
        if self.host.lower() in _LOOPBACK_NAMES:
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


@dataclass(frozen=True)
class WebSettings:
    listen: Listen | None
    token: Secret | None
    base_path: str
    refresh_seconds: int
    photos: bool = True  # show delivery photos (the server fetches them)

    def listening_on(self, listen: Listen, *, source: str, key: str) -> WebSettings:
        """These settings on another address (`parcelwatch web --listen`), with
        the same rule: off loopback, a token is required."""
        require_token(listen, self.token, source=source, key=key)
        return replace(self, listen=listen)


def parse_listen(text: str) -> Listen:
    """ "127.0.0.1:8737", "[::1]:8737", "0.0.0.0:80" -> Listen; ValueError with
    a one-line reason otherwise."""
    value = text.strip()
    if value.startswith("["):
        host, bracket, rest = value[1:].partition("]")
        if not bracket or not rest.startswith(":"):
            raise ValueError(f"'{text}' is not HOST:PORT (write an IPv6 address as [::1]:8737)")
        port_text = rest[1:]
    else:
        host, colon, port_text = value.rpartition(":")
        if not colon or ":" in host:
            raise ValueError(f"'{text}' is not HOST:PORT (e.g. 127.0.0.1:8737)")
    if not host or any(c.isspace() for c in host):
        raise ValueError(f"'{text}' has no host (e.g. 127.0.0.1:8737)")
    if not port_text.isdigit() or not 0 <= int(port_text) < 65536:
        raise ValueError(f"'{text}' has no valid port (1-65535, or 0 for any free one)")
    return Listen(host, int(port_text))


def require_token(listen: Listen, token: Secret | None, *, source: str, key: str) -> None:
    """A ConfigError when `listen` is reachable from other machines and no token
    guards it."""
    if token is None and not listen.loopback:
        raise ConfigError(
            source,
            key,
            f"{listen} is reachable from other machines: set [web] token "
            '(e.g. token = { env = "PARCELWATCH_WEB_TOKEN" }) or listen on 127.0.0.1',
        )


def read_web(root: Table) -> WebSettings:
    web = root.table("web", ("listen", "token", "base_path", "refresh_seconds", "photos"))
    token = web.optional_secret("token")
    if token is not None and token.source == "inline":
        web.warn("token", "given inline; prefer { env = ... } or { credential = ... }")
    if token is not None and len(token.reveal()) < 16:
        raise web.error("token", "must be at least 16 characters (e.g. `openssl rand -hex 16`)")
    listen = None
    if web.has("listen"):
        try:
            listen = parse_listen(web.string("listen"))
        except ValueError as exc:
            raise web.error("listen", str(exc)) from None
        require_token(listen, token, source=web.location, key=web.key("listen"))
    return WebSettings(
        listen=listen,
        token=token,
        base_path=_base_path(web),
        refresh_seconds=web.integer("refresh_seconds", DEFAULT_REFRESH_SECONDS, minimum=10),
        photos=web.boolean("photos", True),
    )


def _base_path(web: Table) -> str:
    raw = web.string("base_path", "", allow_empty=True).strip()
    if raw in ("", "/"):
        return ""
    path = raw.rstrip("/")
    if not _BASE_PATH.fullmatch(path):
        raise web.error(
            "base_path", f"'{raw}' is not a URL path such as \"/parcels\" (letters, digits, -._~)"
        )
    return path
