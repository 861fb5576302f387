"""Deciding what an email from an Amazon sender is, before anything is read out of it.

Words decide the milestone, structure decides whether to believe them. Three
signals are weighed: the subject line, the headline sentence of the body, and
the email's links. When the subject and the body name different milestones, or
the words say "order confirmed" about an email whose "Track package" link names
a shipment (which exists only once a parcel has left), the signals disagree and
nothing is guessed: the email is unrecognised, and the user hears about it.

An email from an order sender that is about an order (an order id, or a "Track
package" link) but that no rule reads is unrecognised too: it is how a changed
template shows itself. Pickup notices from Amazon Hub (`PICKUP_SENDERS`) are
claimed without an order id, since lockers also receive other shops' parcels.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from parsers.amazon import extract
from parsers.amazon.language import Language
from parsers.amazon.links import TrackLink
from parsers.message import MailMessage
from parsers.model import Milestone


@dataclass(frozen=True)
class Read:
    """The email announces `milestone`, in `language`."""

    language: Language
    milestone: Milestone


@dataclass(frozen=True)
class Informational:
    """An order email that announces no milestone (a delayed refund): claimed,
    read, and nothing recorded."""


@dataclass(frozen=True)
class Unknown:
    """An order email no rule reads, or whose signals disagree."""


Judgement = Read | Informational | Unknown | None  # None: not an order email


@dataclass(frozen=True)
class Signals:
    """What an email says about itself before any wording is trusted."""

    order_ids: tuple[str, ...]
    track_links: tuple[TrackLink, ...]

    @property
    def about_an_order(self) -> bool:
        return bool(self.order_ids or self.track_links)

    @property
    def names_a_shipment(self) -> bool:
        return any(link.shipment_id for link in self.track_links)


def signals(message: MailMessage, urls: Iterable[str]) -> Signals:
    urls = tuple(urls)
    return Signals(extract.order_ids(message, urls), extract.track_links(urls))


def judge(
    message: MailMessage,
    languages: tuple[Language, ...],
    facts: Signals,
    *,
    pickup_sender: bool = False,
) -> Judgement:
    """What `message` is; see the module docstring."""
    subject = message.subject
    if any(language.negative_subjects.search(subject) for language in languages):
        return None
    # The HTML's text when there is HTML (the plain part says the same, and reading
    # both would double the cost of every rule), else the plain text.
    body = message.html_text or message.text
    for language in languages:
        if language.informational is not None and language.informational.search(subject):
            return Informational() if facts.about_an_order else None
        said = _said(language, subject, body)
        if said is None:
            continue
        if isinstance(said, _Conflict) or _contradicts_structure(said, facts):
            return Unknown() if facts.about_an_order else None
        if facts.about_an_order or (pickup_sender and said is Milestone.AVAILABLE_FOR_PICKUP):
            return Read(language, said)
        return None
    return Unknown() if facts.about_an_order else None


class _Conflict:
    """The subject and the body name different milestones."""


_CONFLICT = _Conflict()


def _said(language: Language, subject: str, body: str) -> Milestone | _Conflict | None:
    """The milestone subject and body agree on; the one that speaks when the
    other is silent; a conflict when they disagree."""
    heading = language.subject_milestone(subject)
    headline = language.body_milestone(body)
    if heading is None or headline is None or heading is headline:
        return heading or headline
    return _CONFLICT


def _contradicts_structure(milestone: Milestone, facts: Signals) -> bool:
    """An order confirmation cannot link to a shipment: Amazon makes the
    shipment (and its id in the "Track package" link) when a parcel leaves."""
    return milestone is Milestone.ORDERED and facts.names_a_shipment
