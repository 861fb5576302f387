"""Notification targets: one Apprise service each, loaded once, with its tags
and body format. The only module that talks to Apprise's plugins and URLs.

Each target (a configured URL, or one service of an Apprise configuration
file) gets its own Apprise object, so a result is known per target. A URL
holds tokens: no URL and no part of one reaches a log line, an error message
or the database (`Redactor`, `Target._clean`).
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import apprise
from apprise.attachment.memory import AttachMemory
from apprise.decorators import notify as apprise_plugin

from daemon.config.notify import FORMATS, NotifyTarget
from daemon.errors import ConfigError
from daemon.notify.photo import Photo
from daemon.notify.render import Rendered

CONSOLE_SCHEMA = "pwconsole"
# Services whose apps render Markdown; others get plain text unless the
# target's `format` (or the URL's ?format=) says otherwise.
_MARKDOWN_SERVICES = frozenset(
    {"tgram", "discord", "slack", "matrix", "mmost", "rocket", "zulip", "msteams", "guilded"}
)


@dataclass(frozen=True)
class TargetResult:
    """The outcome of one send to one target: status is Apprise's own word
    (success, failure, partial, timeout) or "error" for a plugin exception."""

    target: str
    status: str
    detail: str

    @property
    def ok(self) -> bool:
        return self.status == "success"


class Target:
    """One Apprise service, loaded once, with its tags and body format."""

    def __init__(self, name: str, server: Any, tags: frozenset[str], fmt: str | None) -> None:
        self.name = name
        self.tags = tags
        self.secret_parts = secret_parts(server.url())
        self.format = fmt or _natural_format(server)
        self.attachments = bool(getattr(server, "attachment_support", False))
        self._apprise = apprise.Apprise()
        self._apprise.add(server)

    @classmethod
    def from_url(cls, target: NotifyTarget, index: int, source: str, redactor: Redactor) -> Target:
        """The target of a configured URL. Apprise logs what it cannot parse:
        `redactor`, installed before any URL is parsed, masks our tokens in
        whatever it logs, and drops this thread's parse complaint, which the
        ConfigError below says better, naming the key instead of the URL."""
        with redactor.own_complaints():
            server = apprise.Apprise.instantiate(target.url.reveal())
        if not server:
            raise ConfigError(
                source,
                f"notify.target[{index}].url",
                "Apprise does not recognise this URL; check its scheme and parts against "
                "https://github.com/caronc/apprise/wiki",
            )
        return cls(target.name, server, target.tags, target.format or _url_format(target))

    @classmethod
    def from_file(cls, path: Path) -> list[Target]:
        """The services of an Apprise configuration file (YAML or text), each
        named after its service and a hash of its URL, so the name stays the
        same across restarts while the URL does."""
        config = apprise.AppriseConfig()
        config.add(str(path))
        services = config.services()
        if not services:
            raise ConfigError(
                str(path), "notify.apprise_config", "no notification URLs could be read from it"
            )
        return [
            cls(_file_target_name(path, s), s, frozenset(str(t).lower() for t in s.tags), None)
            for s in services
        ]

    def send(
        self, text: Rendered, notify_type: apprise.NotifyType, photo: Photo | None, timeout: float
    ) -> TargetResult:
        attach = None
        if photo is not None and self.attachments:
            attach = AttachMemory(  # type: ignore[no-untyped-call]
                content=photo.content, name=photo.filename, mimetype=photo.mime_type
            )
        try:
            result = self._apprise.notify(
                body=text.body or text.title,
                title=text.title,
                body_format=text.format,
                notify_type=notify_type,
                attach=attach,
                timeout=timeout,
            )
        except Exception as exc:  # a plugin bug must not take the daemon down
            return TargetResult(self.name, "error", self._clean(f"{type(exc).__name__}: {exc}"))
        status = getattr(getattr(result, "status", None), "name", "FAILURE").lower()
        if result:
            return TargetResult(self.name, "success", "delivered")
        return TargetResult(self.name, status, self._clean(_failure_detail(result, status)))

    def _clean(self, text: str) -> str:
        """Remove every part of the target's URL that could be a secret."""
        for part in self.secret_parts:
            text = text.replace(part, "***")
        return text


def _file_target_name(path: Path, server: Any) -> str:
    """ "apprise:tgram-3f2a1c": the file, the service, a hash of its URL."""
    protocol = server.secure_protocol if getattr(server, "secure", False) else server.protocol
    protocol = protocol or server.secure_protocol
    if isinstance(protocol, tuple):
        protocol = protocol[0]
    url_id = str(server.url_id() or "")[:6]
    return f"{path.stem}:{protocol}-{url_id}"


def _url_format(target: NotifyTarget) -> str | None:
    """The body format the URL asks for itself (?format=markdown), if any."""
    query = parse_qs(urlsplit(target.url.reveal()).query)
    chosen = (query.get("format") or [""])[0].lower()
    return chosen if chosen in FORMATS else None


def _natural_format(server: Any) -> str:
    """Markdown for chat services, the URL's own ?format= when it gives one,
    plain text elsewhere."""
    declared = server.notify_format
    if not isinstance(declared, tuple):  # the URL chose one
        return str(getattr(declared, "value", declared))
    protocols = {server.protocol, server.secure_protocol}
    flat = {p for entry in protocols for p in (entry if isinstance(entry, tuple) else (entry,))}
    return "markdown" if flat & _MARKDOWN_SERVICES else "text"


# How Apprise begins its complaint about a URL it cannot parse.
_PARSE_COMPLAINTS = ("Unparseable ", "Unsupported URL")


class Redactor(logging.Filter):
    """Masks secret parts of target URLs in log records of chatty libraries;
    while a thread parses one of our URLs (`own_complaints`), drops Apprise's
    complaint about it (the config error that follows names the key). Other
    threads' records are never dropped."""

    def __init__(self, parts: Iterable[str] = ()) -> None:
        super().__init__()
        self._parts: tuple[str, ...] = ()
        self._parsing: frozenset[int] = frozenset()
        self.add(parts)

    @contextmanager
    def own_complaints(self) -> Iterator[None]:
        """Apprise's parse complaints from this thread are ours to say better."""
        me = threading.get_ident()
        self._parsing = self._parsing | {me}
        try:
            yield
        finally:
            self._parsing = self._parsing - {me}

    def add(self, parts: Iterable[str]) -> None:
        """Mask these too (one tuple swap: a record being filtered meanwhile
        sees the old parts or the new ones, never half of them)."""
        self._parts = tuple(sorted({*self._parts, *parts}, key=len, reverse=True))

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.thread in self._parsing and message.startswith(_PARSE_COMPLAINTS):
            return False
        cleaned = message
        for part in self._parts:
            cleaned = cleaned.replace(part, "***")
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def _failure_detail(result: Any, status: str) -> str:
    messages = [
        entry.message
        for entry in result.logs()
        if getattr(entry, "level", "") in ("WARNING", "ERROR", "CRITICAL")
    ]
    return messages[-1] if messages else f"delivery {status}"


def secret_parts(url: str) -> tuple[str, ...]:
    """The URL and each of its parts long enough to be a token or password."""
    parts = {url}
    for piece in re.split(r"[:/@?&=#]+", url):
        if len(piece) >= 6:
            parts.add(piece)
    return tuple(sorted(parts, key=len, reverse=True))


def file_secret_parts(path: Path) -> tuple[str, ...]:
    """The secret parts of every URL written in an Apprise configuration file
    (none when it cannot be read: Apprise will say so)."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ()
    return tuple(p for url in _URL.findall(text) for p in secret_parts(url))


_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"]+")


def register_console() -> str:
    """Register an Apprise plugin that prints notifications to standard output,
    and return its URL. The demo uses it so that its notifications go through the
    same notifier and Apprise as a phone's would, ending on the terminal.

    Apprise keeps plugins in its own registry for the life of the process and
    ignores a second registration of a schema, so the plugin looks up
    sys.stdout when it runs rather than holding on to a stream."""

    @apprise_plugin(on=CONSOLE_SCHEMA, name="parcelwatch console")  # type: ignore[untyped-decorator, no-untyped-call]
    def _console(body: str, title: str, notify_type: str, *args: Any, **kwargs: Any) -> bool:
        out = sys.stdout
        out.write(f"🔔 {title}\n")
        for line in body.splitlines():
            out.write(f"   {line}\n")
        out.flush()
        return True

    return f"{CONSOLE_SCHEMA}://"
