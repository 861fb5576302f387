"""A datagram socket standing in for systemd's notify socket ($NOTIFY_SOCKET), for
tests that run `parcelwatch run` as systemd would and check what it said: READY,
STATUS, WATCHDOG pings (with when each arrived), RELOADING, STOPPING."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path


class NotifySocket:
    """A datagram socket standing in for systemd's; collects what it is told."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.messages: list[str] = []
        self.times: list[float] = []  # time.monotonic() at each message's arrival
        self.changed = threading.Condition()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        while True:
            try:
                data = self.sock.recv(4096)
            except OSError:
                return
            with self.changed:
                self.messages.append(data.decode())
                self.times.append(time.monotonic())
                self.changed.notify_all()

    def wait_for(self, text: str, after: int = 0, timeout: float = 30) -> int:
        """Index of the first message from `after` on containing `text`."""

        def found() -> int | None:
            return next((i for i, m in enumerate(self.messages) if i >= after and text in m), None)

        with self.changed:
            assert self.changed.wait_for(lambda: found() is not None, timeout), (
                f"{text!r} never came; got {self.messages}"
            )
            index = found()
            assert index is not None
            return index

    def close(self) -> None:
        self.sock.close()
