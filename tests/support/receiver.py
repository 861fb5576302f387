"""A local HTTP receiver for Apprise's json:// and ntfy:// targets.

Tests point real Apprise at it and assert on what arrived. It can be told to
fail the next N requests with HTTP 500, to stand for a notification service
that is down for a while, and to hold its first answers until several senders
are in the middle of a request at once (`hold`), so that a race between two
deliverers happens every time instead of by chance. It can also be slow, as
a paced service is (`delay`: each answer that many seconds late), or shut
(`gate` cleared: every request waits until the test opens it again).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float = field(default_factory=time.monotonic)  # when it was answered (benchmarks)

    def json(self) -> Any:
        return json.loads(self.body)


def _open_gate() -> threading.Event:
    gate = threading.Event()
    gate.set()
    return gate


@dataclass
class Receiver:
    """Records every request; fails the next `fail_next` ones; answers none of
    the first `hold` requests before `hold` of them have arrived (at most
    `hold_seconds`); answers each `delay` seconds late; keeps each request
    waiting while `gate` is cleared (at most `hold_seconds`)."""

    port: int = 0
    fail_next: int = 0
    hold: int = 0
    hold_seconds: float = 10.0
    delay: float = 0.0
    gate: threading.Event = field(default_factory=_open_gate)
    arrived: int = 0
    fail_paths: set[str] = field(default_factory=set)
    requests: list[Received] = field(default_factory=list)
    failures_served: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def url(self, scheme: str = "json", path: str = "/hook") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def wait_for(self, count: int, timeout: float = 20.0) -> bool:
        """Block until `count` requests have arrived (True), or `timeout` passes."""
        with self.changed:
            return self.changed.wait_for(lambda: len(self.requests) >= count, timeout)

    def titles(self) -> list[str]:
        return [str(r.json().get("title")) for r in self.requests if r.body.startswith(b"{")]


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            if len(body) < length:
                # The sender died mid-request (the SIGKILL tests): a real service
                # drops a cut-off request, so it is not a delivery.
                self.close_connection = True
                return
            with receiver.changed:
                receiver.arrived += 1
                receiver.changed.notify_all()
                receiver.changed.wait_for(
                    lambda: receiver.arrived >= receiver.hold, receiver.hold_seconds
                )
            receiver.gate.wait(receiver.hold_seconds)
            if receiver.delay:
                # A paced service (Apprise sends to ntfy at most once per 5.5 s):
                # the answer is late, whatever the client does meanwhile.
                threading.Event().wait(receiver.delay)
            with receiver.lock:
                failing = receiver.fail_next > 0 or self.path in receiver.fail_paths
                if failing:
                    receiver.fail_next = max(receiver.fail_next - 1, 0)
                    receiver.failures_served += 1
                else:
                    receiver.requests.append(Received(self.path, dict(self.headers), body))
            with receiver.changed:
                receiver.changed.notify_all()
            self.send_response(500 if failing else 200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, format: str, *args: Any) -> None:
            return None

    return Handler


class ReceiverServer:
    """Runs a Receiver on a loopback port in a background thread."""

    def __init__(self, port: int = 0) -> None:
        """On `port` (a receiver that comes back after an outage must listen
        where the daemon's config points), or on a free one."""
        self.receiver = Receiver()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self.receiver))
        self.receiver.port = self._server.server_address[1]
        # A short poll interval: shutdown() waits up to one interval per test.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self.receiver

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
