"""The explicit list of parsers, and the one rule for choosing among them.

Each parser claims a message or declines it (`claim` returns None); the claim
with the highest score wins, and only that parser extracts events, from the
verdict its own claim carried. Adding a parser means adding it to
`default_registry`, nothing else: there is no import-time registration.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from parsers.amazon import AmazonParser
from parsers.dragonfly import DragonflyParser
from parsers.forwarded import Forwards
from parsers.limits import MAX_EVENTS
from parsers.message import MailMessage, parse_message
from parsers.model import (
    UNRECOGNISED,
    Claim,
    ParseResult,
    Rejected,
    ShipmentEvent,
    Unreadable,
    Unrecognised,
)

V = TypeVar("V")


class Parser(Protocol[V]):
    """A parser for one sender family. `claim` must be cheap and must not
    raise; `parse` gets the verdict of its own claim back, may raise, and the
    registry turns that into an error result."""

    @property
    def name(self) -> str: ...

    def claim(self, message: MailMessage) -> Claim[V] | None:
        """None to decline; else a score (higher: more certain) and a verdict."""
        ...

    def parse(self, message: MailMessage, claim: Claim[V]) -> tuple[ShipmentEvent, ...]: ...


@dataclass(frozen=True)
class Registry:
    parsers: tuple[Parser[Any], ...]
    forwards: Forwards = field(default_factory=lambda: Forwards(()))

    def claim(self, message: MailMessage) -> tuple[Parser[Any], Claim[Any]] | None:
        """The parser with the highest positive score and its claim, or None."""
        best: tuple[Parser[Any], Claim[Any]] | None = None
        for parser in self.parsers:
            claim = parser.claim(message)
            if (
                claim is not None
                and claim.score > 0
                and (best is None or claim.score > best[1].score)
            ):
                best = (parser, claim)
        return best

    def parse_message(self, message: MailMessage) -> ParseResult:
        if message.problem is not None:
            return ParseResult(parser=None, error=f"unreadable: {message.problem}")
        try:
            message = self.forwards.unwrap(message)
            claimed = self.claim(message)
        except Exception as exc:
            return ParseResult(parser=None, error=_describe(exc))
        if message.problem is not None:  # the original inside a forward
            return ParseResult(parser=None, error=f"unreadable: {message.problem}")
        if claimed is None:
            return ParseResult(parser=None)
        parser, claim = claimed
        try:
            events = parser.parse(message, claim)
        except Rejected as exc:
            return ParseResult(parser=parser.name, error=f"rejected: {exc}")
        except Unrecognised as exc:
            error = UNRECOGNISED + exc.subject
            return ParseResult(parser=parser.name, error=error, unread=exc.unread)
        except Unreadable as exc:
            return ParseResult(parser=parser.name, error=f"unreadable: {exc}")
        except Exception as exc:
            return ParseResult(parser=parser.name, error=_describe(exc))
        if len(events) > MAX_EVENTS:  # whatever a parser reads, one email is not a flood
            reason = f"unreadable: {len(events)} events in one email (at most {MAX_EVENTS})"
            return ParseResult(parser=parser.name, error=reason)
        return ParseResult(parser=parser.name, events=events)

    def parse(self, raw: bytes) -> ParseResult:
        """Decode and parse raw email bytes. Never raises."""
        try:
            message = parse_message(raw)
        except Exception as exc:
            return ParseResult(parser=None, error=_describe(exc))
        return self.parse_message(message)


def _describe(exc: BaseException) -> str:
    """One line naming the exception and where it was raised, for the audit trail."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" (at {frames[-1].name}:{frames[-1].lineno})" if frames else ""
    return f"{type(exc).__name__}: {exc}{where}"


def default_registry(
    *,
    marketplaces: Iterable[str] | None = None,
    forwarders: Iterable[str] = (),
    require_authentication: bool = False,
    authserv_id: str | None = None,
) -> Registry:
    """The registry parcelwatch uses: every parser we ship, in a fixed order.
    `marketplaces` limits the Amazon parser to those storefronts (default: all);
    mail from `forwarders` is read as the original it forwards; `authserv_id` names
    the user's mail server, whose Authentication-Results alone are believed."""
    amazon = AmazonParser(
        marketplaces, require_authentication=require_authentication, authserv_id=authserv_id
    )
    dragonfly = DragonflyParser(
        require_authentication=require_authentication, authserv_id=authserv_id
    )
    return Registry((amazon, dragonfly), Forwards(forwarders, authserv_id))
