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

    @property
    def account(self) -> str | None:
        """The account or mailbox name: "imap:home/INBOX" -> "home",
        "maildir:archive" -> "archive"."""
        _, _, rest = self.source.partition(":")
        return rest.split("/", 1)[0] or None
