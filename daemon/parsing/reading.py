"""What one email gives: the parse result and what the audit trail keeps of it.

Pure: the same bytes give the same `Parsed`. It runs inside the parse worker
(daemon.parsing.worker), so nothing here may rely on the daemon's state. The
daemon imports this module too, for the values it exchanges with a worker, and
must not load the decoder with them: `read_email` loads it when first called.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from parsers.model import ParseResult
from parsers.options import RegistryOptions

if TYPE_CHECKING:
    from parsers.registry import Registry


@dataclass(frozen=True)
class Parsed:
    """The parse result, and the email's Message-ID, subject, sender and date
    as the audit trail records them (empty when it could not be decoded)."""

    result: ParseResult
    message_id: str | None = None
    subject: str = ""
    sender: str = ""
    sent_at: datetime | None = None


def read_email(registry: Registry, raw: bytes) -> Parsed:
    """Decode and parse one email. Never raises."""
    from parsers.message import parse_message  # the worker's: lxml, not the daemon's

    try:
        message = parse_message(raw)
    except Exception as exc:  # the decoder promises not to raise; be sure
        return Parsed(ParseResult(parser=None, error=f"undecodable: {type(exc).__name__}: {exc}"))
    result = registry.parse_message(message)
    sender = message.sender.address if message.sender else ""
    return Parsed(result, message.message_id, message.subject, sender, message.date)


@dataclass(frozen=True)
class WorkerSettings:
    """What a parse worker is told once, when it starts."""

    options: RegistryOptions
    idle_seconds: float
    """Without an email for this long, the worker exits (its memory goes back)."""


READY = "ready"
"""The worker's first answer: its parsers are built and it reads emails now."""
