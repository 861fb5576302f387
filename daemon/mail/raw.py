"""Mail sources: anything that yields raw emails with where they came from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RawMessage:
    """One email as a source delivered it. `source` names the mailbox
    ("maildir:archive", "imap:home/INBOX"); `location` the message within it."""

    data: bytes
    source: str
    location: str
