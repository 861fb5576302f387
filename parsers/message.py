"""One decoded view of an email, built once, that every parser reads.

Parsers should not each re-decode MIME: this module turns raw bytes into headers,
plain text, HTML, links and images exactly once. It never raises on malformed
input; what cannot be decoded is replaced, and what is missing is empty.

HTML is walked with lxml directly (not through BeautifulSoup's Python tree) because
parsing must stay within a few milliseconds per email; BeautifulSoup's
UnicodeDammit decodes parts whose declared charset is missing or wrong.
"""

from __future__ import annotations

import contextlib
import email
import email.errors
import email.policy
import email.utils
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.header import Header, decode_header, make_header
from email.message import Message
from urllib.parse import unquote

import lxml.html
from bs4.dammit import UnicodeDammit
from lxml import etree

_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "center", "dd", "div", "dl",
        "dt", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
        "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "thead", "tfoot",
        "tr", "ul", "title",
    }
)  # fmt: skip
_CELL_TAGS = frozenset({"td", "th"})
_SKIP_TAGS = frozenset({"style", "script", "head"})
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_SPACES = re.compile(r"[ \t\u00a0\u200b\u200c\u200d\u2007\u202f\ufeff]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
# Lone surrogates: UTF-7 and the escape codecs, which a sender may declare, decode
# to them, and no UTF-8 output (the database, `parse --json`) can hold them.
_SURROGATES = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Link:
    """An anchor in the HTML part: its visible text and its target."""

    text: str
    href: str
    image_alt: str = ""


@dataclass(frozen=True)
class Image:
    """An image in the HTML part: its source and alternative text."""

    src: str
    alt: str


@dataclass(frozen=True)
class Address:
    display_name: str
    address: str

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2].lower()


@dataclass(frozen=True)
class MailMessage:
    """The decoded email. `text` is the plain-text part, or the HTML's text when
    there is none; `html_text` is always the HTML's text (empty without HTML)."""

    subject: str
    sender: Address | None
    to: tuple[Address, ...]
    date: datetime | None
    message_id: str | None
    headers: tuple[tuple[str, str], ...]
    text: str
    html: str
    html_text: str
    links: tuple[Link, ...]
    images: tuple[Image, ...]
    attached: tuple[MailMessage, ...]

    def header(self, name: str) -> list[str]:
        """All values of a header, case-insensitively."""
        lname = name.lower()
        return [value for key, value in self.headers if key.lower() == lname]

    @property
    def all_text(self) -> str:
        """Plain text and HTML text together, for searching facts in either."""
        if self.html_text and self.html_text != self.text:
            return self.text + "\n" + self.html_text
        return self.text


def parse_message(raw: bytes) -> MailMessage:
    """Decode raw RFC 5322 bytes. Never raises on malformed input.

    The lenient compat32 policy reads the structure, and only the few headers we
    use are decoded: the modern policy parses every header of every part up front,
    which costs more than all the rest of parsing and raises on malformed ones."""
    try:
        return _view(email.message_from_bytes(raw, policy=email.policy.compat32))
    except Exception:  # a last resort: the parser promises a view, not an exception
        return _EMPTY


def _view(msg: Message) -> MailMessage:
    headers = tuple((key, _header_str(value)) for key, value in msg.raw_items())
    plain: list[str] = []
    htmls: list[str] = []
    attached: list[MailMessage] = []
    for part in _walk(msg, attached):
        ctype = part.get_content_type()
        if part.get_content_disposition() == "attachment":
            continue
        if ctype == "text/plain":
            plain.append(_valid_text(_decode_part(part)))
        elif ctype == "text/html":
            htmls.append(_valid_text(_decode_part(part)))
    html = "\n".join(htmls)
    html_text, links, images = html_content(html) if html else ("", (), ())
    text = _tidy("\n".join(plain)) if plain else html_text
    return MailMessage(
        subject=_one_line(_get_header(msg, "subject")),
        sender=_first_address(_get_header(msg, "from")),
        to=_addresses(_get_header(msg, "to")),
        date=_parse_date(_get_header(msg, "date")),
        message_id=" ".join(_get_header(msg, "message-id").split()) or None,
        headers=headers,
        text=text,
        html=html,
        html_text=html_text,
        links=links,
        images=images,
        attached=tuple(attached),
    )


def _walk(msg: Message, attached: list[MailMessage]) -> Iterator[Message]:
    """Leaf parts of this message; attached messages are decoded separately."""
    if msg.get_content_type() == "message/rfc822":
        payload = msg.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        if isinstance(inner, Message):
            attached.append(_view(inner))
        return
    if msg.is_multipart():
        payload = msg.get_payload()
        if isinstance(payload, list):
            for sub in payload:
                if isinstance(sub, Message):
                    yield from _walk(sub, attached)
        return
    yield msg


def _decode_part(part: Message) -> str:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # a broken transfer encoding: keep what is readable
        data = None
    if not isinstance(data, bytes):
        raw = part.get_payload()
        return raw if isinstance(raw, str) else ""
    charset = part.get_content_charset()
    if charset:
        try:
            return data.decode(_charset_alias(charset))
        except (LookupError, UnicodeDecodeError, ValueError):  # unknown, wrong or absurd label
            pass
    dammit = UnicodeDammit(data, ["utf-8", "windows-1252"])
    if dammit.unicode_markup is not None:
        return str(dammit.unicode_markup)
    return data.decode("utf-8", errors="replace")


def _charset_alias(charset: str) -> str:
    """Mail clients label windows-1252 text as latin-1 and Shift_JIS's superset as
    Shift_JIS; decoding with the superset loses nothing."""
    lowered = charset.lower().strip()
    return {
        "iso-8859-1": "cp1252",
        "latin-1": "cp1252",
        "us-ascii": "cp1252",
        "shift_jis": "cp932",
        "shift-jis": "cp932",
        "x-sjis": "cp932",
        "iso-2022-jp": "iso2022_jp_ext",
    }.get(lowered, lowered)


def _get_header(msg: Message, name: str) -> str:
    """A header with its RFC 2047 encoded words decoded; "" when absent."""
    value = msg.get(name)
    if value is None:
        return ""
    return _valid_text(_decoded(value))


def _valid_text(text: str) -> str:
    """`text` with any lone surrogate replaced by U+FFFD."""
    return _SURROGATES.sub("\ufffd", text)


def _decoded(value: object) -> str:
    if isinstance(value, Header):  # raw 8-bit bytes in a header: already decoded
        return str(value)
    text = str(value)
    try:
        words = decode_header(text)
    except (ValueError, email.errors.HeaderParseError):
        return text
    # The same superset codecs as bodies first: Shift_JIS words often hold cp932's
    # ① or half-width kana, which the strict "shift_jis" codec refuses; then the
    # declared charsets, for the few bytes a superset leaves undefined.
    widened = [(word, _charset_alias(cs) if cs else cs) for word, cs in words]
    for attempt in (widened, words):
        try:
            return str(make_header(attempt))
        except (LookupError, UnicodeError, ValueError, email.errors.HeaderParseError):
            continue
    return text


def _header_str(value: object) -> str:
    try:
        return str(value)
    except Exception:
        return ""


def _one_line(text: str) -> str:
    return _SPACES.sub(" ", text.replace("\r", " ").replace("\n", " ")).strip()


def _first_address(value: str) -> Address | None:
    found = _addresses(value)
    return found[0] if found else None


def _addresses(value: str) -> tuple[Address, ...]:
    if not value:
        return ()
    pairs = email.utils.getaddresses([value])
    return tuple(Address(name.strip(), addr.strip()) for name, addr in pairs if "@" in addr)


def _parse_date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000" means "zone unknown"; UTC is the honest reading
        when = when.replace(tzinfo=UTC)
    if not 1 < when.year < 9999:  # no zone or day can be added at the calendar's ends
        return None
    return when


def html_content(html: str) -> tuple[str, tuple[Link, ...], tuple[Image, ...]]:
    """The visible text of an HTML document, with line breaks where blocks end and
    spaces between table cells, plus its links and images."""
    # lxml refuses a str that still declares its byte encoding (XHTML templates do).
    html = _XML_DECLARATION.sub("", html, count=1)
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return "", (), ()
    chunks: list[str] = []
    links: list[Link] = []
    images: list[Image] = []
    with contextlib.suppress(RecursionError):  # absurdly deep markup: keep what we have
        _collect(root, chunks, links, images)
    return _tidy("".join(chunks)), tuple(links), tuple(images)


def _collect(
    node: etree._Element, chunks: list[str], links: list[Link], images: list[Image]
) -> None:
    for element in node.iter():
        tag = element.tag
        if not isinstance(tag, str):  # comments and processing instructions
            continue
        if tag == "a":
            href = element.get("href")
            if href:
                alts = [img.get("alt", "") for img in element.iter("img")]
                alt = next((a.strip() for a in alts if a and a.strip()), "")
                text = "".join(str(chunk) for chunk in element.itertext())
                links.append(Link(_one_line(text), href.strip(), alt))
        elif tag == "img":
            src = element.get("src")
            if src:
                images.append(Image(src.strip(), element.get("alt", "").strip()))
    _text_of(node, chunks)


def _text_of(node: etree._Element, chunks: list[str]) -> None:
    tag = node.tag
    if isinstance(tag, str) and tag in _SKIP_TAGS:
        return
    is_block = isinstance(tag, str) and tag in _BLOCK_TAGS
    if is_block:
        chunks.append("\n")
    if isinstance(tag, str) and node.text:
        chunks.append(node.text)
    for child in node:
        _text_of(child, chunks)
        if child.tail:
            chunks.append(child.tail)
    if is_block:
        chunks.append("\n")
    elif isinstance(tag, str) and tag in _CELL_TAGS:
        chunks.append(" \t ")


def _tidy(text: str) -> str:
    """Collapse runs of spaces within lines and blank lines between them."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n"))
    return _BLANK_LINES.sub("\n", "\n".join(lines)).strip()


def unwrap_redirect(href: str) -> str:
    """Follow Amazon's click-tracking redirect (/gp/r.html?...&U=<target>) to its
    target; other links come back unchanged."""
    lowered = href.lower()
    if "/gp/r.html" not in lowered and "/gp/f.html" not in lowered:
        return href
    match = re.search(r"[?&]U=([^&]+)", href)
    if not match:
        return href
    return unquote(match.group(1))


_EMPTY = MailMessage(
    subject="",
    sender=None,
    to=(),
    date=None,
    message_id=None,
    headers=(),
    text="",
    html="",
    html_text="",
    links=(),
    images=(),
    attached=(),
)
