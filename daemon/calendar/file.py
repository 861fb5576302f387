"""Keeping `[calendar] path` current: written only when the feed changed, and
atomically (a temporary file beside it, then a rename), so a web server or a
sync client never reads half a file."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)


class FeedFile:
    def __init__(self, path: Path, make: Callable[[], bytes]) -> None:
        self.path = path
        self._make = make

    def refresh(self) -> bool:
        """Write the feed if it differs from the file; True when written."""
        content = self._make()
        try:
            if self.path.read_bytes() == content:
                return False
        except FileNotFoundError:
            pass
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.tmp")
        temporary.write_bytes(content)
        temporary.chmod(0o644)  # a calendar is for serving: readable by the web server
        temporary.replace(self.path)
        log.info("calendar written to %s", self.path)
        return True
