"""The configuration file (TOML) read into frozen, validated settings.

Every table and key is checked: an unknown key, a wrong type, a missing required
key or a bad value raises ConfigError naming the file and the dotted key
("notify.target[0].url") with a one-line problem that says what to do. Advice
that does not stop the daemon (a secret given inline) is collected in
`Settings.warnings` for `check-config` to show.

The environment is always passed in; nothing here reads os.environ.
"""

from __future__ import annotations

import tomllib
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from daemon.config.carriers import CarrierSettings, read_carriers
from daemon.config.imap import ImapAccount, read_accounts
from daemon.config.mqtt import CalendarSettings, MqttSettings, read_calendar, read_mqtt
from daemon.config.notify import NotifySettings, read_notify
from daemon.config.paths import default_config_path, default_state_dir
from daemon.config.secrets import Secret
from daemon.config.table import Table, unique_names
from daemon.config.web import WebSettings, read_web
from daemon.errors import ConfigError
from parsers.amazon.marketplaces import MARKETPLACE_DOMAINS

DEFAULTS_SOURCE = "<defaults>"
LOG_LEVELS = ("debug", "info", "warning", "error")
DEFAULT_ARCHIVE_DAYS = 30
# Days after its estimate (its last day) before a parcel with no news is shown late:
# Amazon's estimates slip by a day often enough that "late" the morning after cries wolf.
DEFAULT_LATE_AFTER_DAYS = 3
# Seconds a write waits for another process's lock on the SQLite file before
# the work is retried later (a backup tool, `sqlite3` left open in a shell).
DEFAULT_BUSY_TIMEOUT = 30.0
# Seconds one email may take to parse (daemon.parsing.budget.DEFAULT_SECONDS).
DEFAULT_PARSE_BUDGET = 10.0
MAX_PARSE_BUDGET = 600.0

_INLINE_ADVICE = (
    "given inline; prefer { env = ... } or { file = ... } so the secret stays out of "
    "the config file"
)


@dataclass(frozen=True)
class MailboxSettings:
    """A local mail store read by `parcelwatch sync`: a Maildir folder, an mbox
    file, or a folder of .eml files."""

    name: str
    path: Path


@dataclass(frozen=True)
class Settings:
    """Everything the configuration file says, validated, with defaults filled in."""

    source: str
    state_dir: Path
    database_url: Secret
    timezone: str
    log_level: str
    archive_after_days: int
    busy_timeout: float
    parse_budget: float
    marketplaces: tuple[str, ...]
    mailboxes: tuple[MailboxSettings, ...]
    imap: tuple[ImapAccount, ...]
    forwarding_addresses: tuple[str, ...]
    require_authentication: bool
    authserv_id: str | None
    notify: NotifySettings
    carriers: CarrierSettings
    web: WebSettings
    warnings: tuple[str, ...]
    mqtt: MqttSettings | None
    calendar: CalendarSettings
    # One notification a day when Amazon emails could not be read (a template change).
    notify_unrecognised: bool = True
    late_after_days: int = DEFAULT_LATE_AFTER_DAYS


def load_settings(path: Path | None, env: Mapping[str, str], *, required: bool = False) -> Settings:
    """Read and validate the configuration file at `path` (default: the XDG path).

    A missing file gives the defaults, unless `required` (the user named the file
    with --config), which makes it an error like any other: ConfigError.
    """
    config_path = path if path is not None else default_config_path(env)
    location = str(config_path)
    try:
        data = config_path.read_bytes()
    except FileNotFoundError:
        if required:
            raise ConfigError(location, "", "file not found (check the path given)") from None
        return defaults(env)
    except OSError as exc:
        raise ConfigError(
            location, "", f"cannot read: {exc.strerror or type(exc).__name__}"
        ) from None
    try:
        document = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(location, "", "not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        # tomllib says e.g. "Invalid value (at line 3, column 7)".
        message = " ".join(str(exc).split())
        raise ConfigError(location, "", f"invalid TOML: {message}") from None
    return _build(document, location, env)


def defaults(env: Mapping[str, str]) -> Settings:
    """The settings used when there is no configuration file."""
    return _build({}, DEFAULTS_SOURCE, env)


# --- the sections ---------------------------------------------------------------


def _build(document: Mapping[str, object], location: str, env: Mapping[str, str]) -> Settings:
    warnings: list[str] = []
    root = Table(
        document,
        "",
        ("general", "amazon", "mailbox", "imap", "notify", "carriers", "mqtt", "calendar", "web"),
        location=location,
        env=env,
        warnings=warnings,
    )

    general = root.table(
        "general",
        ("state_dir", "database_url", "timezone", "log_level", "archive_after_days",
         "busy_timeout", "late_after_days", "parse_budget"),
    )  # fmt: skip
    state_dir = general.path("state_dir", default_state_dir(env))
    database_url = _database_url(general, state_dir)
    timezone = _timezone(general)
    log_level = general.choice("log_level", LOG_LEVELS, "info", what="log level")

    amazon = root.table(
        "amazon",
        (
            "marketplaces",
            "forwarding_addresses",
            "require_authentication",
            "notify_unrecognised",
            "authserv_id",
        ),
    )
    marketplaces = amazon.choices(
        "marketplaces",
        MARKETPLACE_DOMAINS,
        MARKETPLACE_DOMAINS,
        what="marketplace",
        allow_empty=False,
    )

    forwarding = _forwarding_addresses(amazon)
    require_authentication = amazon.boolean("require_authentication", False)
    authserv_id = _authserv_id(amazon, require_authentication)
    mailboxes = _mailboxes(root)
    imap = read_accounts(root)
    notify = read_notify(root)
    carriers = read_carriers(root)
    mqtt = read_mqtt(root)
    calendar = read_calendar(root)
    web = read_web(root)

    return Settings(
        source=location,
        state_dir=state_dir,
        database_url=database_url,
        timezone=timezone,
        log_level=log_level,
        archive_after_days=_archive_days(general),
        busy_timeout=general.number("busy_timeout", DEFAULT_BUSY_TIMEOUT, minimum=0.1),
        parse_budget=_parse_budget(general),
        marketplaces=marketplaces,
        mailboxes=mailboxes,
        imap=imap,
        forwarding_addresses=forwarding,
        require_authentication=require_authentication,
        authserv_id=authserv_id,
        notify=notify,
        carriers=carriers,
        web=web,
        warnings=tuple(warnings),
        mqtt=mqtt,
        calendar=calendar,
        notify_unrecognised=amazon.boolean("notify_unrecognised", True),
        late_after_days=general.integer("late_after_days", DEFAULT_LATE_AFTER_DAYS, minimum=0),
    )


def _archive_days(general: Table) -> int:
    days = general.integer("archive_after_days", DEFAULT_ARCHIVE_DAYS, minimum=1)
    if days > 36_500:
        raise general.error("archive_after_days", f"must be at most 36500 (100 years), got {days}")
    return days


def _database_url(general: Table, state_dir: Path) -> Secret:
    default = Secret("default", f"sqlite:///{state_dir / 'parcelwatch.db'}")
    url = general.secret("database_url", default, check=_database_problem)
    if url.inline and urlsplit(url.reveal()).password is not None:
        general.warn("database_url", "holds a password " + _INLINE_ADVICE)
    return url


def _database_problem(url: str) -> str | None:
    problem = "is not a database URL (expected e.g. sqlite:////path/to.db or postgresql://...)"
    try:
        parts = urlsplit(url)
    except ValueError:
        return problem
    if not parts.scheme or "://" not in url:
        return problem
    return None


def _timezone(general: Table) -> str:
    name = general.string("timezone", "", allow_empty=True).strip()
    if not name:
        return ""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        import difflib  # here: only a mistake needs it, not every start

        close = difflib.get_close_matches(name, sorted(zoneinfo.available_timezones()), n=1)
        hint = f"did you mean '{close[0]}'?" if close else "use a name like 'Europe/Berlin'"
        raise general.error(
            "timezone", f"unknown IANA time zone '{name}'; {hint} (or \"\" for the system's zone)"
        ) from None
    return name


def _parse_budget(general: Table) -> float:
    seconds = general.number("parse_budget", DEFAULT_PARSE_BUDGET, minimum=1)
    if seconds > MAX_PARSE_BUDGET:
        problem = f"must be at most {MAX_PARSE_BUDGET:g} s, got {seconds:g}"
        raise general.error("parse_budget", problem)
    return seconds


def _authserv_id(amazon: Table, required: bool) -> str | None:
    """The user's mail server's id in Authentication-Results ("mx.example.org").
    Without it no header can be told from one the sender wrote, so requiring a
    pass needs it."""
    value = amazon.string("authserv_id", "", allow_empty=True).strip()
    if any(c.isspace() or c == ";" for c in value):
        raise amazon.error(
            "authserv_id",
            f"'{value}' is not a server name: use the first word of the Authentication-Results "
            'header your mail server adds, e.g. "mx.example.org"',
        )
    if required and not value:
        raise amazon.error(
            "authserv_id",
            "missing: require_authentication = true needs the name your mail server writes at the "
            "start of its Authentication-Results headers (anyone can write such a header; see "
            "config.example.toml for how to find it)",
        )
    return value.lower() or None


def _forwarding_addresses(amazon: Table) -> tuple[str, ...]:
    addresses = amazon.strings("forwarding_addresses", (), allow_empty=True)
    for index, address in enumerate(addresses):
        local, at, domain = address.partition("@")
        if not (local and at and "." in domain) or any(c.isspace() for c in address):
            raise amazon.error(
                f"forwarding_addresses[{index}]", f"'{address}' is not an email address"
            )
    return tuple(a.lower() for a in addresses)


def _mailboxes(root: Table) -> tuple[MailboxSettings, ...]:
    tables = root.tables("mailbox", ("name", "path"))
    mailboxes = tuple(
        MailboxSettings(name=t.string("name"), path=t.path("path", must_exist=True)) for t in tables
    )
    unique_names(tables, (m.name for m in mailboxes))
    return mailboxes
