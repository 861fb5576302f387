"""An anonymised copy of an email, for a bug report about a template we cannot read.

What identifies a person is replaced: names (from the recipient's header, the
greeting and the "Ship to" block), the lines of their address, email addresses,
order ids, tracking numbers, Amazon's shipment and item ids, and the tokens in
links. Every value is replaced the same way wherever it occurs (headers, plain
text, HTML, inside encoded link targets), and by a value of the same shape: an
order id by an order id, a tracking number by another number of the same
carrier's format that passes its check digit, a token by a token of the same
length and alphabet. The MIME structure, the HTML, the dates and the item titles
are kept, so the copy parses the way the original did.

Pure: bytes in, bytes out; nothing is read from or written to anywhere.
"""

from __future__ import annotations

import base64
import email
import email.policy
import email.utils
import hashlib
import quopri
import re
from collections.abc import Iterable
from email.header import Header
from email.message import Message
from urllib.parse import parse_qsl, unquote, urlsplit

from parsers.amazon.links import ORDER_ID
from parsers.amazon.marketplaces import for_sender_domain
from parsers.message import MailMessage, parse_message
from parsers.tracking_numbers import identify
from parsers.tracking_text import find_all

# Headers that only say how the mail travelled (host names, addresses, signatures).
_DROPPED = re.compile(r"^(?:received|x-received|dkim-signature|arc-.*|x-google-.*|x-gm-.*)$", re.I)
_ADDRESS = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
_URL = re.compile(r"https?://[^\s\"'<>]{1,4000}")
# Link parameters whose value names the order, the parcel or the click, always replaced.
_ID_PARAMS = frozenset({"shipmentid", "itemid", "trackingid", "packageid", "c", "k", "m", "r", "h"})
_KEPT_PARAMS = frozenset({"ref_", "ref", "_encoding", "ie", "packageindex", "nodeid", "t", "u"})
_TOKEN = re.compile(r"[A-Za-z0-9:_-]{6,200}")
# "Hi Jane,", "Hallo Max,", "Hola, Lucía:", and Japanese "佐藤 美咲 様" at a line's start.
# The name itself must be capitalised ("Hi there" names nobody).
_GREETING = re.compile(
    r"\b(?i:hi|hello|hey|dear|hallo|liebe[rs]?|guten tag|bonjour|ciao|gentile|hola|olá|oi"
    r"|hej|hoi|beste|dag|cześć|witaj|dzień dobry)\b,?\s+(?P<name>[A-ZÀ-ÞĄ-Ż][\w'-]{1,30})"
    r"|^(?P<ja>[^\s、。]{1,6}(?: [^\s、。]{1,6})?) ?様",
    re.MULTILINE,
)
_SHIP_TO = re.compile(
    r"(?:ship to|delivering to|delivered to|sent to:|lieferadresse|sendung geht an:|bezorgadres"
    r"|leveradres|bestemd voor|indirizzo di spedizione|adresse de livraison|dirección de envío"
    r"|endereço de entrega|adres dostawy|leveransadress|お届け先)\s*$",
    re.IGNORECASE,
)
_MESSAGE_ID = re.compile(r"<([^@<>]{1,200})@")
_QUOTE_MARK = re.compile(r"^[ \t]*+(?:>[ \t]?)++")  # possessive: no state per ">"
_WORDISH = re.compile(r"\w\w")
_FIRST = ("Alex", "Robin", "Sam", "Kim", "Charlie", "Jo", "Max", "Noa")
_LAST = ("Sample", "Example", "Tester", "Muster", "Esempio", "Ejemplo")


def _digest(value: str, salt: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{salt}\0{value}".encode()).digest()[:8], "big")


def _same_shape(value: str, salt: str, *, digits_only: bool = False) -> str:
    """A stand-in of the same length whose digits, upper- and lower-case letters stay
    digits, upper- and lower-case letters; other characters are kept (and letters
    too with `digits_only`, for the prefixes and suffixes that name a carrier)."""
    seed = _digest(value, salt)
    out = []
    for index, char in enumerate(value):
        step = (seed >> (index % 48)) + index * 7919
        if char.isdigit() and char.isascii():
            out.append(str(step % 10))
        elif digits_only:
            out.append(char)
        elif char.isascii() and char.isupper():
            out.append(chr(ord("A") + step % 26))
        elif char.isascii() and char.islower():
            out.append(chr(ord("a") + step % 26))
        else:
            out.append(char)
    replaced = "".join(out)
    return replaced if replaced != value else replaced[::-1]


class Anonymiser:
    """The replacements of one report. Call `anonymise` on the raw email; the same
    instance replaces a value the same way every time."""

    def __init__(self) -> None:
        self._literal: dict[str, str] = {}
        self._names: dict[str, str] = {}
        self._addresses: dict[str, str] = {}

    # --- public ------------------------------------------------------------------

    def anonymise(self, raw: bytes) -> bytes:
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
        self._learn(parse_message(raw))
        self._rewrite(msg)
        return msg.as_bytes(policy=email.policy.compat32)

    def address(self, address: str) -> str:
        """The stand-in for an email address (a forwarder's, for instance)."""
        return self._address(address)

    # --- learning what to replace --------------------------------------------------

    def _learn(self, view: MailMessage) -> None:
        for inner in view.attached:
            self._learn(inner)
        texts = (view.subject, view.text, view.html_text)
        self._learn_people(view, "\n".join(texts))
        self._learn_ship_to(view.html_text or view.text)
        self._learn_numbers(view, texts)
        for url in [link.href for link in view.links] + [image.src for image in view.images]:
            self._learn_url(url)
        for text in texts:
            for url in _URL.findall(text):
                self._learn_url(url)
            for address in _ADDRESS.findall(text):
                if is_personal(address):
                    self._address(address)

    def _learn_people(self, view: MailMessage, body: str) -> None:
        """Names and addresses from the headers, and the name the greeting uses."""
        senders = (view.sender,) if view.sender else ()
        people = [a for a in (*view.to, *senders) if is_personal(a.address)]
        for person in people:
            self._address(person.address)
            self._add_names(person.display_name.split())
            local = re.split(r"[._+-]", person.address.partition("@")[0])
            self._add_names(t for t in local if len(t) > 2 and t.title() in body)
        for match in _GREETING.finditer(body):
            name = match.group("name") or match.group("ja") or ""
            self._add_names(name.split())

    def _learn_numbers(self, view: MailMessage, texts: tuple[str, ...]) -> None:
        """Order ids and tracking numbers (read as the marketplace's country reads them)."""
        for text in texts:
            for order_id in ORDER_ID.findall(text):
                self._literal.setdefault(order_id, self._order_id(order_id))
        market = for_sender_domain(view.sender.domain) if view.sender else None
        for text in texts[1:]:
            for country in {None, market.country if market else None}:
                for number in find_all(text, country=country):
                    replaced = self._tracking(number.carrier, number.number)
                    self._literal.setdefault(number.number, replaced)

    def _learn_ship_to(self, text: str) -> None:
        """The lines under "Ship to": the recipient's name, then their address. A
        forward quotes them ("> Jane Doe"): the quote marks are not part of them."""
        lines = [_QUOTE_MARK.sub("", line).strip() for line in text.split("\n")]
        for index, line in enumerate(lines):
            if not _SHIP_TO.search(line):
                continue
            block = lines[index + 1 : index + 4]
            if block:
                self._add_names(block[0].split())
            for address in block[1:]:
                if ORDER_ID.search(address) or len(address) > 60 or not _WORDISH.search(address):
                    break
                self._literal.setdefault(address, f"ADDRESS LINE {len(self._literal) + 1}")

    def _learn_url(self, url: str, depth: int = 0) -> None:
        if depth > 3:
            return
        try:
            query = urlsplit(url).query
        except ValueError:
            return
        for key, value in parse_qsl(query, keep_blank_values=False):
            name = key.lower()
            if name == "u":
                self._learn_url(unquote(value), depth + 1)
            elif name in ("orderid", "orderids", "oid") and ORDER_ID.fullmatch(value):
                self._literal.setdefault(value, self._order_id(value))
            elif name in _KEPT_PARAMS:
                continue
            elif name in _ID_PARAMS or (_TOKEN.fullmatch(value) and _looks_random(value)):
                self._literal.setdefault(value, _same_shape(value, "token"))

    def _add_names(self, words: Iterable[str]) -> None:
        for written in words:
            word = written.strip(" ,.:;\"'<>()")
            # A name is capitalised; "de", "van", "da" between its parts are not names.
            if len(word) < 2 or word.lower() in self._names or not word[0].isupper():
                continue
            pool = _FIRST if not self._names else _LAST
            self._names[word.lower()] = pool[_digest(word.lower(), "name") % len(pool)]

    def _order_id(self, order_id: str) -> str:
        head, _, rest = order_id.partition("-")
        return f"{head}-{_same_shape(rest, 'order')}"

    @staticmethod
    def _tracking(carrier: str, number: str) -> str:
        """Another number of the same carrier's format that passes its check. The
        first half (where formats keep their prefix: "1Z", "TBA", "AMZNL") stays; the
        digits of the second half, the serial, change; then one digit at a time is
        tried until the format's check digit fits again."""
        keep = len(number) // 2
        base = number[:keep] + _same_shape(number[keep:], "tracking", digits_only=True)
        for position in reversed(range(keep, len(base))):
            # A check character is a digit, or a letter (DPD's Mod 37,36) where one stood.
            choices = "0123456789" + ("ABCDEFGHIJKLMNOPQRSTUVWXYZ" * base[position].isalpha())
            if not base[position].isdigit() and position != len(base) - 1:
                continue
            for digit in choices:
                candidate = base[:position] + digit + base[position + 1 :]
                found = identify(candidate, carrier_hint=carrier)
                if found is not None and found.carrier == carrier and candidate != number:
                    return candidate
        return base

    def _known_address(self, match: re.Match[str]) -> str:
        return self._addresses.get(match.group().lower(), match.group())

    def _address(self, address: str) -> str:
        key = address.lower()
        if key not in self._addresses:
            self._addresses[key] = f"person{len(self._addresses) + 1}@example.com"
        return self._addresses[key]

    # --- rewriting ---------------------------------------------------------------

    def _rewrite(self, msg: Message) -> None:
        items = [(k, v) for k, v in msg.items() if not _DROPPED.match(k)]
        for key in {k for k, _ in msg.items()}:
            del msg[key]
        for key, value in items:
            msg[key] = self._header(key, value)
        if msg.is_multipart():
            payload = msg.get_payload()
            if isinstance(payload, list):
                for part in payload:
                    if isinstance(part, Message):
                        self._rewrite(part)
            return
        if msg.get_content_maintype() == "text":
            self._rewrite_body(msg)

    def _header(self, key: str, value: str) -> str:
        text = _decode_header(value)
        if key.lower() == "authentication-results":
            text = re.sub(r"\([^()]{0,300}\)\s*", "", text)
            _server, sep, rest = text.partition(";")
            text = "mx.example.invalid" + sep + rest if sep else "mx.example.invalid"
        if key.lower() in ("message-id", "in-reply-to", "references"):
            text = _MESSAGE_ID.sub(lambda m: f"<{_same_shape(m.group(1), 'mid')}@", text)
        text = self.text(text)
        return text if text.isascii() else Header(text, "utf-8").encode(maxlinelen=76)

    def _rewrite_body(self, part: Message) -> None:
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            return
        codec = _codec(part.get_content_charset())
        text = data.decode(codec, errors="surrogateescape")
        new = self.text(text).encode(codec, errors="surrogateescape")
        cte = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
        if cte == "base64":
            part.set_payload(base64.encodebytes(new).decode("ascii"))
        elif cte == "quoted-printable":
            part.set_payload(quopri.encodestring(new).decode("ascii"))
        else:
            part.set_payload(new.decode("ascii", errors="surrogateescape"))

    def text(self, text: str) -> str:
        """`text` with every learnt value replaced."""
        for old in sorted(self._literal, key=len, reverse=True):
            if old in text:
                text = text.replace(old, self._literal[old])
        text = _ADDRESS.sub(self._known_address, text)
        for word, fake in self._names.items():
            text = _replace_word(text, word, fake)
        return text


def _replace_word(text: str, word: str, fake: str) -> str:
    if not word.isascii():
        return text.replace(word, fake)
    # Not inside an address or a host name ("jane.doe@...", "...@jane.example").
    pattern = re.compile(rf"(?<![\w@.]){re.escape(word)}(?![\w@]|\.\w)", re.IGNORECASE)

    def cased(match: re.Match[str]) -> str:
        found = match.group()
        if found.isupper() and len(found) > 1:
            return fake.upper()
        return fake if found[:1].isupper() else fake.lower()

    return pattern.sub(cased, text)


def is_personal(address: str) -> bool:
    """Whether an address belongs to a person rather than to Amazon or a carrier."""
    domain = address.rpartition("@")[2].lower()
    if for_sender_domain(domain) is not None or domain.endswith("amazonses.com"):
        return False
    return not any(word in domain for word in ("dragonfly", "intelcom"))


def _looks_random(value: str) -> bool:
    """A click or session token, not a word: it has digits, or mixed case."""
    has_digit = any(c.isdigit() for c in value)
    mixed = any(c.isupper() for c in value) and any(c.islower() for c in value)
    return has_digit or mixed


def _decode_header(value: str) -> str:
    try:
        return str(email.header.make_header(email.header.decode_header(value)))
    except (LookupError, UnicodeError, ValueError, email.errors.HeaderParseError):
        return value


def _codec(charset: str | None) -> str:
    if not charset:
        return "utf-8"
    try:
        "".encode(charset)
    except LookupError:
        return "latin-1"
    return charset
