"""`POST /hooks/17track` and `POST /hooks/aftership`: carrier updates pushed
to us. The signature is checked first (daemon.carriers.push); anything not
signed right is answered 401 and nothing of it is read or recorded. A signed
update goes through the carrier ledger (`Checks.push`), the same way as a
polled answer, and what it queues is delivered at once.

A push about a number parcelwatch does not follow is acknowledged (200)
and dropped, so the service does not retry it; a database that is busy
answers 503, which the services retry later.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime

from sqlalchemy.exc import OperationalError

from daemon.carriers.ledger import Checks
from daemon.carriers.push import Push, PushRefusedError, PushUnreadableError
from daemon.web.http import Request, Response, as_json
from daemon.web.metrics import HookCounts

log = logging.getLogger(__name__)

# Reads a push's raw body and (lower-case) headers, after checking its signature.
Reader = Callable[[bytes, Mapping[str, str]], Push]


class Hooks:
    def __init__(
        self,
        checks: Checks,
        readers: Mapping[str, Reader],
        clock: Callable[[], datetime],
        delivered: Callable[[], object],
        counts: HookCounts,
    ) -> None:
        self.checks = checks
        self.readers = dict(readers)
        self.clock = clock
        self.delivered = delivered  # sends what a push queued
        self.counts = counts

    def receive(self, backend: str, request: Request) -> Response:
        reader = self.readers.get(backend)
        if reader is None:
            return as_json({"error": f"no webhook configured for {backend}"}, 404)
        try:
            push = reader(request.body, request.headers)
        except PushRefusedError as exc:
            self.counts.add(backend, "refused")
            log.warning("webhook %s refused: %s", backend, exc)
            return as_json({"error": "signature missing or wrong"}, 401)
        except PushUnreadableError as exc:
            self.counts.add(backend, "unreadable")
            log.warning("webhook %s: %s", backend, exc)
            return as_json({"error": "not in the documented shape"}, 400)
        try:
            shipments, queued = self._record(push)
        except OperationalError as exc:
            log.warning("webhook %s: database busy (%s); the service will retry", backend, exc.orig)
            return as_json({"error": "busy, try again"}, 503)
        self.counts.add(backend, "recorded" if shipments else "ignored")
        if queued:
            self.delivered()
        return as_json({"event": push.event, "shipments": shipments, "notifications": queued})

    def _record(self, push: Push) -> tuple[int, int]:
        shipments = queued = 0
        for status in push.statuses:
            outcome = self.checks.push(push.backend, status, self.clock())
            shipments += outcome.shipments
            queued += outcome.notifications
        log.info("webhook %s (%s): %d shipment(s), %d notification(s)", push.backend,
                 push.event or "no event", shipments, queued)  # fmt: skip
        return shipments, queued
