"""Carrier-status backends: a batch of (carrier, tracking number) in, a normalised
status per number out (DESIGN.md, "carriers/").

Every backend follows `Backend` (base.py) and is built from its credentials and
options by the caller; nothing here reads the config or touches the store, and
time comes from an injected clock. What the backends do alike is written once:
`check`'s frame and the HttpApi in http_backend.py, and the two ways they
authenticate in api_key.py (17TRACK, AfterShip, DHL) and oauth_backend.py (UPS,
FedEx); a backend module holds only its API's requests and vocabulary.

Errors at the boundary are daemon.errors' tiers: AuthError for refused
credentials (one line naming the backend and the setting to check),
TransientError for anything worth retrying (with retry_after when the server said
how long), PermanentError for an HTTP status that no retry will change.
"""

from daemon.carriers.aftership import AfterShip
from daemon.carriers.base import (
    Backend,
    BatchResult,
    CarrierEvent,
    CarrierStatus,
    Rejected,
    TrackingQuery,
)
from daemon.carriers.dhl import Dhl
from daemon.carriers.fedex import FedEx
from daemon.carriers.seventeen_track import SeventeenTrack
from daemon.carriers.ups import Ups

__all__ = [
    "AfterShip",
    "Backend",
    "BatchResult",
    "CarrierEvent",
    "CarrierStatus",
    "Dhl",
    "FedEx",
    "Rejected",
    "SeventeenTrack",
    "TrackingQuery",
    "Ups",
]
