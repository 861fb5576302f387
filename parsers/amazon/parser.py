"""The Amazon parser: order, shipment, delivery, pickup and after-sale emails.

Identity comes from structure (order ids, "Track package" links, product links);
the milestone and the estimate come from the language tables, and are believed
only when subject, body and structure agree (parsers.amazon.judge). An email
from an Amazon order sender about an order that no rule reads is reported as
unrecognised, never guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from parsers.amazon.dates import DateReader
from parsers.amazon.judge import Informational, Judgement, Read, Signals, judge, signals
from parsers.amazon.language import Language
from parsers.amazon.languages import of_marketplace
from parsers.amazon.links import urls
from parsers.amazon.marketplaces import MARKETPLACE_DOMAINS, Marketplace
from parsers.amazon.places import PlaceReader
from parsers.amazon.reading import Reading
from parsers.amazon.senders import authentication, is_pickup_sender, marketplace_of
from parsers.message import MailMessage
from parsers.model import Claim, Rejected, ShipmentEvent, Unread, Unrecognised

# Not ours (None), rejected (the reason), or claimed: where from, what it is, and
# the structural facts it was judged on.
_Verdict = str | tuple[Marketplace, Judgement, Signals]


class AmazonParser:
    """Claims order mail from Amazon's marketplaces; see the module docstring."""

    name = "amazon"

    def __init__(
        self,
        marketplaces: Iterable[str] | None = None,
        languages: Callable[[str], tuple[Language, ...]] = of_marketplace,
        *,
        require_authentication: bool = False,
        authserv_id: str | None = None,
    ) -> None:
        """`languages` gives a marketplace's languages; the default imports each
        language's tables when the first email in it arrives (start-up stays
        short: `parse` of one email loads one or two of them)."""
        self._enabled = (
            frozenset(marketplaces) if marketplaces is not None else frozenset(MARKETPLACE_DOMAINS)
        )
        self._languages = languages
        self._require_authentication = require_authentication
        self._authserv_id = authserv_id
        # Built on first use: compiling a language's date and place patterns takes
        # longer than reading an email, and a mailbox sees one or two languages
        # (a parse worker starts when mail comes, so its start-up is on the way).
        self._readers: dict[str, tuple[DateReader, PlaceReader]] = {}

    def _readers_of(self, language: Language) -> tuple[DateReader, PlaceReader]:
        readers = self._readers.get(language.code)
        if readers is None:
            dates = DateReader(language)
            readers = self._readers[language.code] = (dates, PlaceReader(language, dates))
        return readers

    def claim(self, message: MailMessage) -> Claim[_Verdict] | None:
        """Ours when it comes from an enabled marketplace's order sender and is
        about an order: a reason to reject it, or what to read it as."""
        verdict = self._judge(message)
        return None if verdict is None else Claim(100, verdict)

    def parse(self, message: MailMessage, claim: Claim[_Verdict]) -> tuple[ShipmentEvent, ...]:
        verdict = claim.verdict
        if isinstance(verdict, str):
            raise Rejected(verdict)
        market, judgement, facts = verdict
        if isinstance(judgement, Informational):
            return ()
        if not isinstance(judgement, Read):
            raise Unrecognised(message.subject, Unread(facts.order_ids, market.domain))
        language = judgement.language
        reading = Reading(message, market, language, self._readers_of(language), facts)
        return reading.events(judgement.milestone)

    def _judge(self, message: MailMessage) -> _Verdict | None:
        """What this parser makes of `message`: None (not ours), a reason to
        reject it, or what to read it as."""
        market = marketplace_of(message, self._enabled)
        if market is None:
            return None
        reason = self._distrust(message)
        if reason is not None:
            return reason  # claimed, to be rejected with the reason
        facts = signals(message, urls(message))
        languages = self._languages(market.domain)
        judgement = judge(message, languages, facts, pickup_sender=is_pickup_sender(message))
        if judgement is None:
            return None
        return (market, judgement, facts)

    def _distrust(self, message: MailMessage) -> str | None:
        """Why an email from an Amazon order sender is not believed, if it is not."""
        verdict = authentication(message, self._authserv_id)
        if verdict.failure is not None:
            return f"look-alike: Authentication-Results say {verdict.failure}"
        if self._require_authentication and not verdict.passed:
            where = f"from {self._authserv_id}" if self._authserv_id else "(no authserv_id set)"
            return (
                f"no DKIM or DMARC pass for an Amazon domain in Authentication-Results {where} "
                "(amazon.require_authentication is on)"
            )
        return None
