"""The registry's one rule: the highest claim wins, and the winner reads the
message from the verdict of its own claim (so nothing is judged twice and no
parser carries state from one call to the next)."""

from __future__ import annotations

from dataclasses import dataclass, field

from parsers.message import MailMessage, parse_message
from parsers.model import Claim, Milestone, ShipmentEvent
from parsers.registry import Registry

EMAIL = b"From: a@example.org\r\nSubject: parcel 7\r\n\r\nbody\r\n"


@dataclass
class Counting:
    """Claims with `score`; its verdict is the subject it read."""

    name: str
    score: int
    claims: int = 0
    parsed: list[str] = field(default_factory=list)

    def claim(self, message: MailMessage) -> Claim[str] | None:
        self.claims += 1
        return Claim(self.score, message.subject) if self.score else None

    def parse(self, message: MailMessage, claim: Claim[str]) -> tuple[ShipmentEvent, ...]:
        self.parsed.append(claim.verdict)
        return (ShipmentEvent(Milestone.SHIPPED, description=claim.verdict),)


def test_the_highest_claim_reads_the_message_from_its_own_verdict() -> None:
    low, high, none = Counting("low", 10), Counting("high", 90), Counting("none", 0)
    result = Registry((low, high, none)).parse(EMAIL)
    assert result.parser == "high"
    assert [e.description for e in result.events] == ["parcel 7"]
    assert (low.claims, high.claims, none.claims) == (1, 1, 1)  # each asked once
    assert (low.parsed, high.parsed) == ([], ["parcel 7"])


def test_a_tie_goes_to_the_first_parser_listed() -> None:
    first, second = Counting("first", 50), Counting("second", 50)
    assert Registry((first, second)).parse(EMAIL).parser == "first"


def test_nobody_claims_it() -> None:
    result = Registry((Counting("none", 0),)).parse(EMAIL)
    assert (result.parser, result.events, result.error) == (None, (), None)


def test_interleaved_messages_keep_their_own_verdicts() -> None:
    """Two messages claimed before either is parsed (as two threads would):
    each parse gets its own message's verdict back."""
    parser = Counting("p", 50)
    registry = Registry((parser,))
    one = parse_message(EMAIL)
    two = parse_message(EMAIL.replace(b"parcel 7", b"parcel 8"))
    first, second = registry.claim(one), registry.claim(two)
    assert first is not None and second is not None
    second[0].parse(two, second[1])
    first[0].parse(one, first[1])
    assert parser.parsed == ["parcel 8", "parcel 7"]
