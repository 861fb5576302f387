"""The `[[imap]]` sections: IMAP accounts to watch, validated into frozen settings.

Security is decided here, before any connection: implicit TLS by default,
STARTTLS on request, and plain text only towards a loopback address, so a typo
in `security` can never send a password in the clear over a network.
"""

from __future__ import annotations

import ipaddress
import shlex
from dataclasses import dataclass
from pathlib import Path

from daemon.config.secrets import Secret
from daemon.config.table import Table, unique_names

SECURITY = ("tls", "starttls", "plain")
AUTH = ("login", "xoauth2", "oauthbearer")
PROVIDERS = ("google", "microsoft")
DEFAULT_FOLDERS = ("INBOX",)
DEFAULT_BACKFILL_DAYS = 90
DEFAULT_POLL_SECONDS = 300
DEFAULT_MAX_MESSAGE_BYTES = 5_000_000
DEFAULT_BATCH_SIZE = 50
DEFAULT_CONNECT_TIMEOUT = 30.0
DEFAULT_READ_TIMEOUT = 120.0
_LOOPBACK_NAMES = ("localhost", "localhost.localdomain")

KEYS = (
    "name", "host", "port", "security", "username", "password", "auth", "provider",
    "token_endpoint", "client_id", "client_secret", "refresh_token", "scope", "tenant",
    "token_command", "folders", "ca_file", "connect_timeout", "read_timeout",
    "backfill_days", "poll_interval", "idle", "max_message_bytes", "batch_size",
)  # fmt: skip


@dataclass(frozen=True)
class Preset:
    """What a big provider needs: its IMAP host and OAuth 2 token endpoint.
    Both Google and Microsoft 365 refuse plain passwords for IMAP."""

    host: str
    token_endpoint: str
    scope: str


PRESETS = {
    "google": Preset("imap.gmail.com", "https://oauth2.googleapis.com/token", "https://mail.google.com/"),
    "microsoft": Preset(
        "outlook.office365.com",
        "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
        "https://outlook.office.com/IMAP.AccessAsUser.All offline_access",
    ),
}  # fmt: skip


@dataclass(frozen=True)
class OAuthSettings:
    """An OAuth 2 refresh-token grant that yields short-lived access tokens."""

    token_endpoint: str
    client_id: str
    client_secret: Secret | None
    refresh_token: Secret
    scope: str


@dataclass(frozen=True)
class ImapAccount:
    """One IMAP account and how to read it. Exactly one credential applies:
    `password` (auth "login"), `oauth` or `token_command` (the OAuth mechanisms)."""

    name: str
    host: str
    port: int
    security: str
    username: str
    auth: str
    password: Secret | None
    oauth: OAuthSettings | None
    token_command: tuple[str, ...] | None
    folders: tuple[str, ...]
    ca_file: Path | None
    connect_timeout: float
    read_timeout: float
    backfill_days: int
    poll_interval: int
    idle: bool
    max_message_bytes: int
    batch_size: int


def read_accounts(root: Table) -> tuple[ImapAccount, ...]:
    tables = root.tables("imap", KEYS)
    accounts = tuple(_account(t) for t in tables)
    unique_names(tables, (a.name for a in accounts))
    return accounts


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine without asking DNS."""
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _account(table: Table) -> ImapAccount:
    name = table.string("name")
    provider = table.choice("provider", ("", *PROVIDERS), "", what="provider") or None
    preset = PRESETS[provider] if provider else None
    host = table.string("host", preset.host if preset else None)
    security = table.choice("security", SECURITY, "tls", what="security")
    if security == "plain" and not is_loopback(host):
        raise table.error(
            "security",
            f"'plain' sends the password unencrypted; it is allowed only towards a loopback "
            f"address, not '{host}' (use 'tls' or 'starttls')",
        )
    port = table.integer("port", 993 if security == "tls" else 143, minimum=1)
    if port > 65535:
        raise table.error("port", f"must be at most 65535, got {port}")
    auth, password, oauth, command = _credentials(table, preset)
    return ImapAccount(
        name=name,
        host=host,
        port=port,
        security=security,
        username=table.string("username"),
        auth=auth,
        password=password,
        oauth=oauth,
        token_command=command,
        folders=table.strings("folders", DEFAULT_FOLDERS, allow_empty=False),
        ca_file=table.optional_path("ca_file", must_exist=True),
        connect_timeout=table.number("connect_timeout", DEFAULT_CONNECT_TIMEOUT, minimum=1),
        read_timeout=table.number("read_timeout", DEFAULT_READ_TIMEOUT, minimum=1),
        backfill_days=table.integer("backfill_days", DEFAULT_BACKFILL_DAYS, minimum=0),
        poll_interval=table.integer("poll_interval", DEFAULT_POLL_SECONDS, minimum=10),
        idle=table.boolean("idle", True),
        max_message_bytes=table.integer(
            "max_message_bytes", DEFAULT_MAX_MESSAGE_BYTES, minimum=10_000
        ),
        batch_size=table.integer("batch_size", DEFAULT_BATCH_SIZE, minimum=1),
    )


_Credentials = tuple[str, Secret | None, OAuthSettings | None, tuple[str, ...] | None]


def _credentials(table: Table, preset: Preset | None) -> _Credentials:
    """Which mechanism, and the one credential it uses; any other credential key
    given alongside is an error, so the user is never unsure which one is used."""
    oauth_keys = ("refresh_token", "client_id", "client_secret", "token_endpoint")
    has_oauth = any(table.has(k) for k in oauth_keys)
    has_command = table.has("token_command")
    default_auth = "xoauth2" if (has_oauth or has_command or preset) else "login"
    auth = table.choice("auth", AUTH, default_auth, what="authentication mechanism")
    if auth == "login":
        for key in (*oauth_keys, "token_command"):
            if table.has(key):
                raise table.error(key, "is only used with auth = 'xoauth2' or 'oauthbearer'")
        password = table.secret("password")
        if password.source == "inline":
            table.warn("password", "given inline; prefer { env = ... } or { credential = ... }")
        return auth, password, None, None
    if table.has("password"):
        raise table.error("password", f"is not used with auth = '{auth}' (remove it)")
    if has_command:
        for key in oauth_keys:
            if table.has(key):
                raise table.error(key, "cannot be combined with token_command (choose one)")
        return auth, None, None, _command(table)
    return auth, None, _oauth(table, preset), None


def _command(table: Table) -> tuple[str, ...]:
    text = table.string("token_command")
    try:
        argv = tuple(shlex.split(text))
    except ValueError as exc:
        raise table.error("token_command", f"cannot be split into words: {exc}") from None
    if not argv:
        raise table.error("token_command", "must not be empty")
    return argv


def _oauth(table: Table, preset: Preset | None) -> OAuthSettings:
    tenant = table.string("tenant", "common")
    default_endpoint = preset.token_endpoint.format(tenant=tenant) if preset else None
    endpoint = table.string("token_endpoint", default_endpoint)
    if not endpoint.startswith("https://") and not _loopback_url(endpoint):
        raise table.error("token_endpoint", "must be an https:// URL")
    return OAuthSettings(
        token_endpoint=endpoint,
        client_id=table.string("client_id"),
        client_secret=table.optional_secret("client_secret"),
        refresh_token=table.secret("refresh_token"),
        scope=table.string("scope", preset.scope if preset else "", allow_empty=True),
    )


def _loopback_url(url: str) -> bool:
    """http:// is accepted only for a token endpoint on this machine (tests, a
    local token broker)."""
    if not url.startswith("http://"):
        return False
    host = url.removeprefix("http://").split("/", 1)[0].rsplit(":", 1)[0]
    return is_loopback(host)
