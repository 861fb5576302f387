"""Updates that 17TRACK and AfterShip push to us (webhooks), verified and read.

Anyone can POST to a public URL, so nothing of a push is read before its
signature is checked against the raw bytes, in constant time:

- 17TRACK puts in the `sign` header the hex SHA-256 of the body, "/" and the
  API key. Its body is {"event": "TRACKING_UPDATED" | "TRACKING_STOPPED",
  "data": {...}}, where an update's data is an entry of the same shape as a
  gettrackinfo answer's (number, carrier, track_info).
- AfterShip puts in `aftership-hmac-sha256` the base64 HMAC-SHA256 of the body
  keyed with the webhook secret. Its body is {"event", "event_id", "ts",
  "is_tracking_first_tag", "msg"}, where msg is a tracking object of the same
  shape as GET /trackings returns (for tracking_update and edd_revise).

A push is read by the same functions as a polled answer, so it becomes the
same CarrierStatus, recorded by the same ledger through the same state
machine: a scan is notified once whichever way it came.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, tzinfo
from typing import Any

from daemon.carriers.aftership import read_tracking
from daemon.carriers.base import CarrierStatus
from daemon.carriers.seventeen_track import read_entry
from daemon.carriers.shape import ShapeError, as_dict, text
from daemon.config.secrets import Secret
from daemon.errors import ParcelwatchError

SEVENTEEN_TRACK_HEADER = "sign"
AFTERSHIP_HEADER = "aftership-hmac-sha256"
# Events whose body carries a tracking to record; the others are acknowledged.
_SEVENTEEN_TRACK_UPDATES = frozenset({"TRACKING_UPDATED"})
_AFTERSHIP_UPDATES = frozenset({"tracking_update", "edd_revise"})


class PushRefusedError(ParcelwatchError):
    """The signature is missing or wrong: the body was not read."""


class PushUnreadableError(ParcelwatchError):
    """Correctly signed, but not in the documented shape."""


@dataclass(frozen=True)
class Push:
    """A verified push: the backend, its event, and the statuses it carries
    (none for an event that reports no scan, such as TRACKING_STOPPED)."""

    backend: str
    event: str
    statuses: tuple[CarrierStatus, ...]


def seventeen_track_signature(body: bytes, api_key: str) -> str:
    return hashlib.sha256(body + b"/" + api_key.encode()).hexdigest()


def aftership_signature(body: bytes, secret: str) -> str:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def seventeen_track_push(body: bytes, headers: Mapping[str, str], api_key: Secret) -> Push:
    """`headers` with lower-case names. Raises PushRefusedError or PushUnreadableError."""
    _verify(headers.get(SEVENTEEN_TRACK_HEADER), seventeen_track_signature(body, api_key.reveal()))
    document = _document(body)
    try:
        event = text(document, "event") or ""
        if event not in _SEVENTEEN_TRACK_UPDATES:
            return Push("17track", event, ())
        data = as_dict(document.get("data"), "data")
        number = text(data, "number")
        if not number:
            raise ShapeError("data.number is missing")
        status = read_entry(number, None, data)
    except ValueError as exc:  # ShapeError, or a value no reader could take
        raise PushUnreadableError(f"17track push not in the documented shape: {exc}") from None
    return Push("17track", event, (status,) if status else ())


def aftership_push(
    body: bytes, headers: Mapping[str, str], secret: Secret, local_tz: tzinfo = UTC
) -> Push:
    """`headers` with lower-case names. Raises PushRefusedError or PushUnreadableError."""
    _verify(headers.get(AFTERSHIP_HEADER), aftership_signature(body, secret.reveal()))
    document = _document(body)
    try:
        event = text(document, "event") or ""
        if event not in _AFTERSHIP_UPDATES:
            return Push("aftership", event, ())
        tracking = as_dict(document.get("msg"), "msg")
        number = text(tracking, "tracking_number")
        if not number:
            raise ShapeError("msg.tracking_number is missing")
        status = read_tracking(number, None, tracking, local_tz)
    except ValueError as exc:
        raise PushUnreadableError(f"aftership push not in the documented shape: {exc}") from None
    return Push("aftership", event, (status,) if status else ())


def _verify(given: str | None, expected: str) -> None:
    if not given:
        raise PushRefusedError("no signature")
    if not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise PushRefusedError("wrong signature")


def _document(body: bytes) -> dict[str, Any]:
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        raise PushUnreadableError("the body is not JSON") from None
    if not isinstance(document, dict):
        raise PushUnreadableError("the body is not a JSON object")
    return document
