"""Mail sources: anything that yields raw emails with where they came from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class RawMessage:
    """One email as a source delivered it. `source` names the mailbox
    ("maildir:archive", "imap:home/INBOX"); `location` the message within it.
    `received_at` is when the server says it received the message (IMAP's
    INTERNALDATE), the evidence of its age when the email has no Date; None for
    local mail stores, whose file times say when a file was copied, not when
    the mail came."""

    data: bytes
    source: str
    location: str
    received_at: datetime | None = None

    @property
    def account(self) -> str | None:
        """The account or mailbox name: "imap:home/INBOX" -> "home",
        "maildir:archive" -> "archive"."""
        _, _, rest = self.source.partition(":")
        return rest.split("/", 1)[0] or None
