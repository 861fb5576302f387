"""Carrier status: asking the carriers while a parcel travels.

The backends (17TRACK, AfterShip, DHL, UPS, FedEx) take a batch of (carrier,
tracking number) and answer a normalised status per number (DESIGN.md,
"carriers/"). Every backend follows `Backend` (base.py) and is built from its
credentials and options by the caller; a backend reads no config and touches
no store, and time comes from an injected clock. What the backends do alike is
written once: `check`'s frame and the HttpApi in http_backend.py, and the two
ways they authenticate in api_key.py (17TRACK, AfterShip, DHL) and
oauth_backend.py (UPS, FedEx); a backend module holds only its API's requests
and vocabulary. Around them: `routing` picks the backend for a number,
`schedule` decides when to ask next (pure), `ledger` records what a carrier
said through the state machine, and `refresher` runs one pass; `push` verifies
and reads what 17TRACK and AfterShip push to the web server's hooks, with the
backends' own readers, so a pushed scan is the same CarrierStatus as a polled
one.

Errors at the boundary are daemon.errors' tiers: AuthError for refused
credentials (one line naming the backend and the setting to check),
TransientError for anything worth retrying (with retry_after when the server said
how long), PermanentError for an HTTP status that no retry will change. May
import `store`, `config`, the core and `parsers`; never `mail`, `notify`,
`service` or `cli`.

Nothing is re-exported here: importing the package (or `base`, `routing`,
`ledger`) must not load the backends and httpx, which only a daemon with
`[carriers]` configured needs (routing imports a backend when it builds it).
"""
