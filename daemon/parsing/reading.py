"""What one email gives: the parse result and what the audit trail keeps of it.

Pure: the same bytes give the same `Parsed`. It runs inside the parse worker
(daemon.parsing.worker), so nothing here may rely on the daemon's state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from parsers.message import parse_message
from parsers.model import ParseResult
from parsers.registry import Registry, RegistryOptions


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
