"""Small Amazon emails built in a test, one sentence of a template each, for the
rules that must hold in every language."""

from __future__ import annotations

from email.message import EmailMessage

from parsers.model import ShipmentEvent
from parsers.registry import default_registry

# Wednesday 1 April 2026, 08:00 UTC: the date relative words are read against.
DATE = "Wed, 01 Apr 2026 08:00:00 +0000"
ORDER = "405-1111111-2222222"
_REGISTRY = default_registry()


def amazon_mail(
    domain: str, subject: str, text: str, *, sender: str, html: str | None = None
) -> bytes:
    """An email from `sender`@`domain` whose plain text is `text` and an order
    number, with `html` as its HTML alternative when given."""
    msg = EmailMessage()
    msg["From"] = f'"Amazon" <{sender}@{domain}>'
    msg["To"] = "someone@example.com"
    msg["Subject"] = subject
    msg["Date"] = DATE
    msg.set_content(f"{text}\nOrder # {ORDER}")
    if html is not None:
        msg.add_alternative(html, subtype="html")
    return msg.as_bytes()


def only_event(raw: bytes) -> ShipmentEvent:
    """The one event the parsers read out of `raw`; the test fails on an error."""
    result = _REGISTRY.parse(raw)
    assert result.error is None, result.error
    (event,) = result.events
    return event
