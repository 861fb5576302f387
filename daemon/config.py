"""The configuration file (TOML) read into frozen, validated settings.

Every table and key is checked: an unknown key, a wrong type, a missing required
key or a bad value raises ConfigError naming the file and the dotted key
("notify.target[0].url") with a one-line problem that says what to do. Advice
that does not stop the daemon (a secret given inline) is collected in
`Settings.warnings` for `check-config` to show.

The environment is always passed in; nothing here reads os.environ.
"""

from __future__ import annotations

import difflib
import tomllib
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from daemon.errors import ConfigError
from daemon.paths import default_config_path, default_state_dir, expand_user
from daemon.secrets import Secret, resolve_secret, toml_type_name
from parsers.amazon.marketplaces import MARKETPLACE_DOMAINS
from parsers.model import Milestone

DEFAULTS_SOURCE = "<defaults>"
LOG_LEVELS = ("debug", "info", "warning", "error")
DEFAULT_MILESTONES: frozenset[Milestone] = frozenset(
    {
        Milestone.SHIPPED,
        Milestone.OUT_FOR_DELIVERY,
        Milestone.AVAILABLE_FOR_PICKUP,
        Milestone.DELAYED,
        Milestone.DELIVERY_ATTEMPTED,
        Milestone.EXCEPTION,
        Milestone.DELIVERED,
        Milestone.RETURNED,
        Milestone.CANCELLED,
    }
)
DEFAULT_MAX_ATTEMPTS = 10
DEFAULT_RETRY_SECONDS = 60

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
class NotifyTarget:
    """One place notifications go; `url` is an Apprise URL (it holds tokens)."""

    name: str
    url: Secret


@dataclass(frozen=True)
class NotifySettings:
    """Which milestones notify, where, and how delivery is retried: the first
    retry after `retry_seconds`, doubling each time, `max_attempts` in all."""

    milestones: frozenset[Milestone]
    targets: tuple[NotifyTarget, ...]
    max_attempts: int
    retry_seconds: int


@dataclass(frozen=True)
class Settings:
    """Everything the configuration file says, validated, with defaults filled in."""

    source: str
    state_dir: Path
    database_url: Secret
    timezone: str
    log_level: str
    marketplaces: tuple[str, ...]
    mailboxes: tuple[MailboxSettings, ...]
    notify: NotifySettings
    warnings: tuple[str, ...]


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


# --- reading the document -------------------------------------------------------


class _Table:
    """One TOML table being read: knows its dotted path, rejects unknown keys as
    soon as it is opened (so a typo is reported as a typo, not as a missing key),
    and turns every value into a checked Python value or a ConfigError."""

    def __init__(
        self,
        data: Mapping[str, object],
        path: str,
        known: Sequence[str],
        *,
        location: str,
        env: Mapping[str, str],
        warnings: list[str],
    ) -> None:
        self.data = data
        self.prefix = path
        self.location = location
        self.env = env
        self.warnings = warnings
        for name in data:
            if name not in known:
                raise self.error(name, _unknown(name, known, "key"))

    def key(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def error(self, name: str, problem: str) -> ConfigError:
        return ConfigError(self.location, self.key(name), problem)

    def warn(self, name: str, advice: str) -> None:
        self.warnings.append(f"{self.key(name)}: {advice}")

    def _missing(self, name: str) -> ConfigError:
        return self.error(name, "missing: this key is required")

    def _child(self, data: Mapping[str, object], path: str, known: Sequence[str]) -> _Table:
        return _Table(
            data, path, known, location=self.location, env=self.env, warnings=self.warnings
        )

    # scalars

    def string(self, name: str, default: str | None = None, *, allow_empty: bool = False) -> str:
        raw = self.data.get(name)
        if raw is None:
            if default is None:
                raise self._missing(name)
            return default
        if not isinstance(raw, str):
            raise self.error(name, f"expected a string, got {toml_type_name(raw)}")
        if not allow_empty and not raw.strip():
            raise self.error(name, "must not be empty")
        return raw

    def integer(self, name: str, default: int, *, minimum: int) -> int:
        raw = self.data.get(name, default)
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise self.error(name, f"expected an integer, got {toml_type_name(raw)}")
        if raw < minimum:
            raise self.error(name, f"must be at least {minimum}, got {raw}")
        return raw

    def choice(self, name: str, valid: Sequence[str], default: str, *, what: str) -> str:
        value = self.string(name, default).lower()
        if value not in valid:
            raise self.error(name, _unknown(value, valid, what))
        return value

    def choices(
        self,
        name: str,
        valid: Sequence[str],
        default: Sequence[str],
        *,
        what: str,
        allow_empty: bool,
    ) -> tuple[str, ...]:
        """An array of strings, each one of `valid` (case-insensitive), in the
        order given, without repeats."""
        raw = self.data.get(name)
        if raw is None:
            return tuple(default)
        if not isinstance(raw, list):
            raise self.error(name, f"expected an array of strings, got {toml_type_name(raw)}")
        if not raw and not allow_empty:
            raise self.error(name, f"must name at least one {what} (or leave the key out)")
        chosen: list[str] = []
        for index, item in enumerate(raw):
            item_key = f"{name}[{index}]"
            if not isinstance(item, str):
                raise self.error(item_key, f"expected a string, got {toml_type_name(item)}")
            value = item.strip().lower()
            if value not in valid:
                raise self.error(item_key, _unknown(item, valid, what))
            if value not in chosen:
                chosen.append(value)
        return tuple(chosen)

    def path(self, name: str, default: Path | None = None, *, must_exist: bool = False) -> Path:
        raw = self.data.get(name)
        if raw is None:
            if default is None:
                raise self._missing(name)
            return default
        text = self.string(name)
        path = expand_user(text, self.env)
        if not path.is_absolute():
            raise self.error(name, f"must be an absolute path or start with ~/, got '{text}'")
        if must_exist and not path.exists():
            raise self.error(name, f"{path} does not exist (check the path)")
        return path

    def secret(self, name: str, default: Secret | None = None) -> Secret:
        raw = self.data.get(name)
        if raw is None:
            if default is None:
                raise self._missing(name)
            return default
        return resolve_secret(raw, key=self.key(name), location=self.location, env=self.env)

    # nested tables

    def table(self, name: str, known: Sequence[str]) -> _Table:
        """A sub-table (`[general]`); absent means empty."""
        raw = self.data.get(name, {})
        if not isinstance(raw, dict):
            raise self.error(
                name, f"expected a table ([{self.key(name)}]), got {toml_type_name(raw)}"
            )
        return self._child(raw, self.key(name), known)

    def tables(self, name: str, known: Sequence[str]) -> list[_Table]:
        """An array of tables (`[[mailbox]]`); absent means none."""
        raw = self.data.get(name, [])
        if not isinstance(raw, list):
            raise self.error(
                name,
                f"expected an array of tables ([[{self.key(name)}]]), got {toml_type_name(raw)}",
            )
        tables: list[_Table] = []
        for index, item in enumerate(raw):
            item_path = f"{self.key(name)}[{index}]"
            if not isinstance(item, dict):
                raise ConfigError(
                    self.location, item_path, f"expected a table, got {toml_type_name(item)}"
                )
            tables.append(self._child(item, item_path, known))
        return tables


def _unknown(given: str, valid: Sequence[str], what: str) -> str:
    """'unknown key; did you mean 'state_dir'?' or the list of valid ones."""
    close = difflib.get_close_matches(given, valid, n=1)
    if close:
        return f"unknown {what} '{given}'; did you mean '{close[0]}'?"
    return f"unknown {what} '{given}'; expected one of: {', '.join(valid)}"


def _unique_names(tables: Iterable[_Table], names: Iterable[str]) -> None:
    seen: dict[str, str] = {}
    for table, name in zip(tables, names, strict=True):
        if name in seen:
            raise table.error("name", f"duplicate name '{name}' (also used by {seen[name]})")
        seen[name] = table.prefix


# --- the sections ---------------------------------------------------------------


def _build(document: Mapping[str, object], location: str, env: Mapping[str, str]) -> Settings:
    warnings: list[str] = []
    root = _Table(
        document,
        "",
        ("general", "amazon", "mailbox", "notify"),
        location=location,
        env=env,
        warnings=warnings,
    )

    general = root.table("general", ("state_dir", "database_url", "timezone", "log_level"))
    state_dir = general.path("state_dir", default_state_dir(env))
    database_url = _database_url(general, state_dir)
    timezone = _timezone(general)
    log_level = general.choice("log_level", LOG_LEVELS, "info", what="log level")

    amazon = root.table("amazon", ("marketplaces",))
    marketplaces = amazon.choices(
        "marketplaces",
        MARKETPLACE_DOMAINS,
        MARKETPLACE_DOMAINS,
        what="marketplace",
        allow_empty=False,
    )

    mailboxes = _mailboxes(root)
    notify = _notify(root)

    return Settings(
        source=location,
        state_dir=state_dir,
        database_url=database_url,
        timezone=timezone,
        log_level=log_level,
        marketplaces=marketplaces,
        mailboxes=mailboxes,
        notify=notify,
        warnings=tuple(warnings),
    )


def _database_url(general: _Table, state_dir: Path) -> Secret:
    default = Secret("inline", f"sqlite:///{state_dir / 'parcelwatch.db'}")
    url = general.secret("database_url", default)
    if url is default:
        return url
    problem = "is not a database URL (expected e.g. sqlite:////path/to.db or postgresql://...)"
    try:
        parts = urlsplit(url.reveal())
        has_password = parts.password is not None
    except ValueError:
        raise general.error("database_url", problem) from None
    if not parts.scheme or "://" not in url.reveal():
        raise general.error("database_url", problem)
    if url.source == "inline" and has_password:
        general.warn("database_url", "holds a password " + _INLINE_ADVICE)
    return url


def _timezone(general: _Table) -> str:
    name = general.string("timezone", "", allow_empty=True).strip()
    if not name:
        return ""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        close = difflib.get_close_matches(name, sorted(zoneinfo.available_timezones()), n=1)
        hint = f"did you mean '{close[0]}'?" if close else "use a name like 'Europe/Berlin'"
        raise general.error(
            "timezone", f"unknown IANA time zone '{name}'; {hint} (or \"\" for the system's zone)"
        ) from None
    return name


def _mailboxes(root: _Table) -> tuple[MailboxSettings, ...]:
    tables = root.tables("mailbox", ("name", "path"))
    mailboxes = tuple(
        MailboxSettings(name=t.string("name"), path=t.path("path", must_exist=True)) for t in tables
    )
    _unique_names(tables, (m.name for m in mailboxes))
    return mailboxes


def _notify(root: _Table) -> NotifySettings:
    notify = root.table("notify", ("milestones", "max_attempts", "retry_seconds", "target"))
    milestones = notify.choices(
        "milestones",
        tuple(m.value for m in Milestone),
        sorted(m.value for m in DEFAULT_MILESTONES),
        what="milestone",
        allow_empty=True,
    )
    max_attempts = notify.integer("max_attempts", DEFAULT_MAX_ATTEMPTS, minimum=1)
    retry_seconds = notify.integer("retry_seconds", DEFAULT_RETRY_SECONDS, minimum=1)

    tables = notify.tables("target", ("name", "url"))
    targets = tuple(_target(t) for t in tables)
    _unique_names(tables, (t.name for t in targets))
    return NotifySettings(
        milestones=frozenset(Milestone(m) for m in milestones),
        targets=targets,
        max_attempts=max_attempts,
        retry_seconds=retry_seconds,
    )


def _target(table: _Table) -> NotifyTarget:
    name = table.string("name")
    url = table.secret("url")
    if "://" not in url.reveal():
        raise table.error(
            "url", "is not an Apprise URL (expected scheme://..., e.g. ntfys://ntfy.sh/topic)"
        )
    if url.source == "inline":
        table.warn("url", _INLINE_ADVICE)
    return NotifyTarget(name=name, url=url)
