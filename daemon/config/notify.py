"""The `[notify]` section: where notifications go, which ones, when, and how
they read.

Targets are Apprise URLs (`[[notify.target]]`) and/or the services of an
existing Apprise configuration file (`apprise_config`), each with tags.
`[[notify.route]]` says which tags receive which milestones (per mail account
if wanted); quiet hours hold chosen milestones back at night; the digest is one
morning message. Templates replace the built-in wording per milestone.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time, timedelta
from pathlib import Path

from daemon.config.secrets import Secret
from daemon.config.table import Table, unique_names
from parsers.model import Milestone

# The issue's list: what a person wants on their phone. Ordered, in_transit and
# the after-sale steps are in the timeline but do not buzz by default.
DEFAULT_MILESTONES: frozenset[Milestone] = frozenset(
    {
        Milestone.SHIPPED,
        Milestone.OUT_FOR_DELIVERY,
        Milestone.AVAILABLE_FOR_PICKUP,
        Milestone.DELAYED,
        Milestone.DELIVERY_ATTEMPTED,
        Milestone.EXCEPTION,
        Milestone.DELIVERED,
        Milestone.STALE,
    }
)
# News that can wait for the morning; "out for delivery" and "attempted" cannot.
DEFAULT_QUIET_MILESTONES = ("shipped", "in_transit", "delayed", "stale", "delivered")
DEFAULT_MAX_ATTEMPTS = 10
DEFAULT_RETRY_SECONDS = 60
DEFAULT_TIMEOUT = 30.0
DEFAULT_PHOTO_MAX_BYTES = 5_000_000
DEFAULT_PHOTO_TIMEOUT = 15.0
# Hours: a milestone whose evidence (the email's Date, a carrier's scan time) is
# older than this is history, not news: recorded and shown, never pushed.
DEFAULT_MAX_AGE_HOURS = 24
FORMATS = ("text", "markdown", "html")
# The placeholders a template may use; notify_text.py fills every one of them.
PLACEHOLDERS = (
    "milestone",
    "items",
    "order_id",
    "order_ids",
    "carrier",
    "tracking_number",
    "eta",
    "pickup_code",
    "pickup_location",
    "pickup_deadline",
    "delivery_code",
    "delivery_location",
    "link",
    "account",
)
_TAG = re.compile(r"^[\w.-]+$")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_INLINE_ADVICE = (
    "given inline; prefer { env = ... } or { file = ... } so the secret stays out of "
    "the config file"
)


@dataclass(frozen=True)
class NotifyTarget:
    """One place notifications go; `url` is an Apprise URL (it holds tokens).
    `format` None means: what suits the service (Markdown for chat apps)."""

    name: str
    url: Secret
    tags: frozenset[str] = frozenset()
    format: str | None = None


@dataclass(frozen=True)
class Route:
    """Milestones (empty: every notifying one) from accounts (empty: any) go to
    the targets carrying any of `tags` ("all": every target)."""

    tags: frozenset[str]
    milestones: frozenset[Milestone] = frozenset()
    accounts: frozenset[str] = frozenset()


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time
    milestones: frozenset[Milestone]


@dataclass(frozen=True)
class DigestSettings:
    at: time
    tags: frozenset[str]


@dataclass(frozen=True)
class Template:
    """A user's wording; None keeps the built-in title or body."""

    title: str | None
    body: str | None


@dataclass(frozen=True)
class NotifySettings:
    """Which milestones notify, where, and how delivery is retried: the first
    retry after `retry_seconds`, doubling each time, `max_attempts` in all."""

    milestones: frozenset[Milestone]
    targets: tuple[NotifyTarget, ...]
    max_attempts: int
    retry_seconds: int
    apprise_config: Path | None = None
    routes: tuple[Route, ...] = ()
    quiet_hours: QuietHours | None = None
    digest: DigestSettings | None = None
    templates: Mapping[str, Template] = field(default_factory=dict)
    privacy: bool = False
    timeout: float = DEFAULT_TIMEOUT
    photos: bool = True
    photo_max_bytes: int = DEFAULT_PHOTO_MAX_BYTES
    photo_timeout: float = DEFAULT_PHOTO_TIMEOUT
    max_age: timedelta = timedelta(hours=DEFAULT_MAX_AGE_HOURS)


def read_notify(root: Table) -> NotifySettings:
    notify = root.table(
        "notify",
        (
            "milestones", "max_attempts", "retry_seconds", "timeout", "target",
            "apprise_config", "route", "quiet_hours", "digest", "templates", "privacy",
            "photos", "photo_max_bytes", "photo_timeout", "max_age",
        ),
    )  # fmt: skip
    milestones = _milestones(notify, "milestones", sorted(m.value for m in DEFAULT_MILESTONES))
    tables = notify.tables("target", ("name", "url", "tags", "format"))
    targets = tuple(_target(t) for t in tables)
    unique_names(tables, (t.name for t in targets))
    return NotifySettings(
        milestones=milestones,
        targets=targets,
        max_attempts=notify.integer("max_attempts", DEFAULT_MAX_ATTEMPTS, minimum=1),
        retry_seconds=notify.integer("retry_seconds", DEFAULT_RETRY_SECONDS, minimum=1),
        apprise_config=notify.optional_path("apprise_config", must_exist=True),
        routes=tuple(_route(t) for t in notify.tables("route", ("tags", "milestones", "accounts"))),
        quiet_hours=_quiet_hours(notify),
        digest=_digest(notify),
        templates=_templates(notify),
        privacy=notify.boolean("privacy", False),
        timeout=notify.number("timeout", DEFAULT_TIMEOUT, minimum=1),
        photos=notify.boolean("photos", True),
        photo_max_bytes=notify.integer("photo_max_bytes", DEFAULT_PHOTO_MAX_BYTES, minimum=1024),
        photo_timeout=notify.number("photo_timeout", DEFAULT_PHOTO_TIMEOUT, minimum=1),
        max_age=timedelta(hours=notify.integer("max_age", DEFAULT_MAX_AGE_HOURS, minimum=1)),
    )


def _milestones(table: Table, name: str, default: list[str]) -> frozenset[Milestone]:
    values = table.choices(
        name, tuple(m.value for m in Milestone), default, what="milestone", allow_empty=True
    )
    return frozenset(Milestone(m) for m in values)


def _tags(table: Table, name: str, *, allow_empty: bool) -> frozenset[str]:
    tags = table.strings(name, (), allow_empty=allow_empty)
    for index, tag in enumerate(tags):
        if not _TAG.match(tag):
            raise table.error(
                f"{name}[{index}]", f"'{tag}' is not a tag (letters, digits, '-', '_', '.')"
            )
    return frozenset(tag.lower() for tag in tags)


def _target(table: Table) -> NotifyTarget:
    name = table.string("name")
    url = table.secret("url", check=_apprise_url)
    if url.source == "inline":
        table.warn("url", _INLINE_ADVICE)
    fmt = table.choice("format", ("auto", *FORMATS), "auto", what="format")
    return NotifyTarget(
        name=name,
        url=url,
        tags=_tags(table, "tags", allow_empty=True),
        format=None if fmt == "auto" else fmt,
    )


def _apprise_url(url: str) -> str | None:
    if "://" in url:
        return None
    return "is not an Apprise URL (expected scheme://..., e.g. ntfys://ntfy.sh/topic)"


def _route(table: Table) -> Route:
    if not table.has("tags"):
        raise table.error("tags", "missing: say which targets' tags receive this route")
    return Route(
        tags=_tags(table, "tags", allow_empty=False),
        milestones=_milestones(table, "milestones", []),
        accounts=frozenset(table.strings("accounts", (), allow_empty=True)),
    )


def _clock(table: Table, name: str, default: str | None = None) -> time:
    text = table.string(name, default)
    match = _CLOCK.match(text)
    if not match:
        raise table.error(name, f"'{text}' is not a time of day; write it as \"HH:MM\", 24-hour")
    return time(int(match.group(1)), int(match.group(2)))


def _quiet_hours(notify: Table) -> QuietHours | None:
    if not notify.has("quiet_hours"):
        return None
    quiet = notify.table("quiet_hours", ("start", "end", "milestones"))
    start, end = _clock(quiet, "start"), _clock(quiet, "end")
    if start == end:
        raise quiet.error("end", "equals start; quiet hours need a length (e.g. 22:00 to 07:00)")
    return QuietHours(start, end, _milestones(quiet, "milestones", list(DEFAULT_QUIET_MILESTONES)))


def _digest(notify: Table) -> DigestSettings | None:
    if not notify.has("digest"):
        return None
    digest = notify.table("digest", ("time", "tags", "enabled"))
    if not digest.boolean("enabled", True):
        return None
    return DigestSettings(_clock(digest, "time", "07:30"), _tags(digest, "tags", allow_empty=True))


def _templates(notify: Table) -> dict[str, Template]:
    if not notify.has("templates"):
        return {}
    names = ("default", *(m.value for m in Milestone))
    templates = notify.table("templates", names)
    found: dict[str, Template] = {}
    for name in names:
        if templates.has(name):
            table = templates.table(name, ("title", "body"))
            found[name] = Template(_template(table, "title"), _template(table, "body"))
    return found


def _template(table: Table, name: str) -> str | None:
    if not table.has(name):
        return None
    text = table.string(name, allow_empty=name == "body")
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
    except ValueError as exc:
        problem = f"is not a valid template ({exc}); write {{{{ for a literal brace"
        raise table.error(name, problem) from None
    for placeholder in fields:
        if placeholder not in PLACEHOLDERS:
            raise table.error(
                name,
                f"unknown placeholder {{{placeholder}}}; use one of "
                + ", ".join(f"{{{p}}}" for p in PLACEHOLDERS),
            )
    return text
