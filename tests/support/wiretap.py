"""A recording TCP proxy on loopback: everything a client says to a server
passes through it and is kept, so a test can read the IMAP commands parcelwatch
really sent, whatever the server made of them."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress


class Wiretap:
    """Listens on a free loopback port and forwards each connection to `port`."""

    def __init__(self, port: int) -> None:
        self._upstream = port
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._sent: list[bytes] = []
        self._lock = threading.Lock()
        self._sent_more = threading.Condition(self._lock)
        self._threads: list[threading.Thread] = []
        self._closing = threading.Event()

    def client_lines(self) -> list[str]:
        """What clients sent, split into lines (IMAP commands end in CRLF)."""
        with self._lock:
            data = b"".join(self._sent)
        return [line.decode("utf-8", "replace") for line in data.split(b"\r\n") if line]

    def wait_for_sent(self, text: bytes, timeout: float) -> bool:
        """Wait until clients have sent `text` (b" IDLE\\r\\n": a command); False
        if they did not within `timeout` seconds."""
        with self._sent_more:
            return self._sent_more.wait_for(lambda: text in b"".join(self._sent), timeout)

    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self._upstream))
            for source, sink, record in ((client, server, True), (server, client, False)):
                thread = threading.Thread(
                    target=self._pump, args=(source, sink, record), daemon=True
                )
                self._threads.append(thread)
                thread.start()

    def _pump(self, source: socket.socket, sink: socket.socket, record: bool) -> None:
        with suppress(OSError):  # either side closing ends the pump
            while chunk := source.recv(65536):
                if record:
                    with self._sent_more:
                        self._sent.append(chunk)
                        self._sent_more.notify_all()
                sink.sendall(chunk)
        for end in (source, sink):
            with suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    @contextmanager
    def running(self) -> Iterator[Wiretap]:
        acceptor = threading.Thread(target=self._accept, daemon=True)
        acceptor.start()
        try:
            yield self
        finally:
            self._closing.set()
            with suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)  # wakes accept()
            self._listener.close()
            acceptor.join(5)
            for thread in self._threads:
                thread.join(5)
