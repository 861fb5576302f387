"""One decoded view of an email, built once, that every parser reads.

Parsers should not each re-decode MIME: this module turns raw bytes into headers,
plain text, HTML, links and images exactly once. It never raises on malformed
input; what cannot be decoded is replaced, and what is missing is empty.

HTML is walked with lxml directly (not through BeautifulSoup's Python tree) because
parsing must stay within a few milliseconds per email; BeautifulSoup's
UnicodeDammit decodes parts whose declared charset is missing or wrong.

Everything here reads hostile input (parsers.limits): addresses are parsed from the
raw header and only their display names decoded, so an encoded word cannot turn into
an address; headers, links and images are read up to a bound; and a structure too
deep to read whole is not read at all but reported in `MailMessage.problem`.
"""

from __future__ import annotations

import dataclasses
import email
import email.errors
import email.parser
import email.policy
import email.utils
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.header import Header, decode_header, make_header
from email.message import Message
from itertools import islice
from urllib.parse import unquote

import lxml.html
from lxml import etree

from parsers.limits import MAX_HEADER_CHARS, MAX_IMAGES, MAX_LINKS, MAX_MIME_CONTAINERS

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
# Every run of horizontal white space (and of zero-width characters) becomes one
# space: the language tables' patterns ("carrier\s*:?\s+", "qty\s*:?\s*") may then
# meet at most one white-space character at a time, so none of them can re-read a
# long run (runs of em or ideographic spaces made them quadratic). Possessive: a
# repeated group the engine could backtrack into costs it memory for every character.
_SPACES = re.compile(r"(?:[^\S\n]|[\u200b\u200c\u200d\ufeff])++")
_BLANK_LINES = re.compile(r"\n\s*\n+")
# Lone surrogates: UTF-7 and the escape codecs, which a sender may declare, decode
# to them, and no UTF-8 output (the database, `parse --json`) can hold them.
_SURROGATES = re.compile("[\ud800-\udfff]")
# A part that contains others; the standard library's parser recurses into each.
_CONTAINER = re.compile(rb"^content-type:\s*(?:multipart|message)/", re.IGNORECASE | re.MULTILINE)


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
    """One mailbox of an address header. `address` is exactly as the header wrote
    it; only `display_name` is decoded. `disguised` is true when the address holds
    an RFC 2047 encoded word: its decoded form differs from what the mail servers
    (and their DMARC checks) read, so it never passes for anyone."""

    display_name: str
    address: str
    disguised: bool = False

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
    problem: str | None = None
    """Why the body was not read ("more than 50 multipart or message parts"),
    or None when it was."""

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
    which costs more than all the rest of parsing and raises on malformed ones.
    A structure too deep to read gives the headers alone and the `problem`."""
    containers = sum(1 for _ in islice(_CONTAINER.finditer(raw), MAX_MIME_CONTAINERS + 1))
    if containers > MAX_MIME_CONTAINERS:
        problem = f"more than {MAX_MIME_CONTAINERS} multipart or message parts"
        return _headers_only(raw, problem)
    try:
        return _view(email.message_from_bytes(raw, policy=email.policy.compat32))
    except RecursionError:
        return _headers_only(raw, "MIME parts nested too deeply")
    except Exception as exc:  # the parser promises a view, not an exception
        return _headers_only(raw, f"{type(exc).__name__} while decoding the MIME structure")


def _headers_only(raw: bytes, problem: str) -> MailMessage:
    """What the headers say of an email whose body cannot be read, and why."""
    try:
        msg = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(
            raw, headersonly=True
        )
        view = _view(msg, body=False)
    except Exception:
        view = _EMPTY
    return dataclasses.replace(view, problem=problem)


def _view(msg: Message, *, body: bool = True) -> MailMessage:
    headers = tuple((key, _header_str(value)[:MAX_HEADER_CHARS]) for key, value in msg.raw_items())
    plain: list[str] = []
    htmls: list[str] = []
    attached: list[MailMessage] = []
    for part in _walk(msg, attached) if body else ():
        ctype = part.get_content_type()
        if part.get_content_disposition() == "attachment":
            continue
        if ctype == "text/plain":
            plain.append(_valid_text(_decode_part(part)))
        elif ctype == "text/html":
            htmls.append(_valid_text(_decode_part(part)))
    html = "\n".join(htmls)
    html_text, links, images, problem = _read_html(html) if html else ("", (), (), None)
    text = _tidy("\n".join(plain)) if plain else html_text
    return MailMessage(
        subject=_one_line(_get_header(msg, "subject")),
        sender=_sender(msg),
        to=_addresses(_raw_header(msg, "to")),
        date=_parse_date(_get_header(msg, "date")),
        message_id=" ".join(_get_header(msg, "message-id").split()) or None,
        headers=headers,
        text=text,
        html=html,
        html_text=html_text,
        links=links,
        images=images,
        attached=tuple(attached),
        problem=problem,
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
    from bs4.dammit import UnicodeDammit  # only for a missing or wrong charset: 0.1 s to import

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
    text = _header_str(value)[:MAX_HEADER_CHARS]
    if isinstance(value, Header):  # raw 8-bit bytes in a header: already decoded
        return _valid_text(text)
    return _valid_text(_decoded(text))


def _raw_header(msg: Message, name: str) -> str:
    """A header as it was written (at most MAX_HEADER_CHARS); "" when absent."""
    value = msg.get(name)
    if value is None:
        return ""
    return _header_str(value)[:MAX_HEADER_CHARS]


def _valid_text(text: str) -> str:
    """`text` with any lone surrogate replaced by U+FFFD."""
    return _SURROGATES.sub("\ufffd", text)


def _decoded(text: str) -> str:
    try:
        words = decode_header(text)
    except (ValueError, email.errors.HeaderParseError):
        return text
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


def _sender(msg: Message) -> Address | None:
    """The one mailbox of the one From header. Two From headers, or two addresses in
    one, are read differently by different programs (the server's DMARC check may
    judge the other one), so such an email has no sender."""
    if len(msg.get_all("from") or ()) != 1:
        return None
    found = _addresses(_raw_header(msg, "from"))
    return found[0] if len(found) == 1 else None


def _addresses(raw: str) -> tuple[Address, ...]:
    """The mailboxes of a raw address header: parsed before anything is decoded, so
    an encoded word stays what it is, then each display name decoded."""
    if not raw:
        return ()
    pairs = email.utils.getaddresses([raw])
    return tuple(
        Address(_valid_text(_decoded(name)).strip(), addr.strip(), _decoded(addr) != addr)
        for name, addr in pairs
        if "@" in addr
    )


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
    spaces between table cells, plus its links and images (the first MAX_LINKS and
    MAX_IMAGES)."""
    text, links, images, _ = _read_html(html)
    return text, links, images


def _read_html(html: str) -> tuple[str, tuple[Link, ...], tuple[Image, ...], str | None]:
    """`html_content`, and the problem if the document is too deep to read whole:
    libxml2 stops building the tree at 256 levels, and what is below is lost. The
    tree it did build is walked without recursion."""
    # lxml refuses a str that still declares its byte encoding (XHTML templates do).
    html = _XML_DECLARATION.sub("", html, count=1)
    parser = lxml.html.HTMLParser()  # one per document: its error log is this one's
    try:
        root = lxml.html.document_fromstring(html, parser=parser)
    except (etree.ParserError, ValueError):
        return "", (), (), None
    cut = any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log)
    problem = "HTML nested too deeply to read whole" if cut else None
    chunks: list[str] = []
    links: list[Link] = []
    images: list[Image] = []
    hidden = 0  # how many <style>, <script> or <head> the walk is inside
    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag
        skip = isinstance(tag, str) and tag in _SKIP_TAGS
        if event == "start":
            _collect(element, links, images)
            hidden += skip
            if not hidden and isinstance(tag, str):
                _open(tag, element.text, chunks)
            continue
        hidden -= skip
        if hidden:
            continue
        if not skip and isinstance(tag, str):
            _close(tag, chunks)
        if element.tail and element is not root:
            chunks.append(element.tail)
    return _tidy("".join(chunks)), tuple(links), tuple(images), problem


def _collect(element: etree._Element, links: list[Link], images: list[Image]) -> None:
    tag = element.tag
    if tag == "a" and len(links) < MAX_LINKS:
        href = element.get("href")
        if href:
            alts = [img.get("alt", "") for img in element.iter("img")]
            alt = next((a.strip() for a in alts if a and a.strip()), "")
            text = "".join(str(chunk) for chunk in element.itertext())
            links.append(Link(_one_line(text), href.strip(), alt))
    elif tag == "img" and len(images) < MAX_IMAGES:
        src = element.get("src")
        if src:
            images.append(Image(src.strip(), _one_line(element.get("alt", ""))))


def _open(tag: str, text: str | None, chunks: list[str]) -> None:
    """Where an element starts: a line break before a block, then its own text."""
    if tag in _BLOCK_TAGS:
        chunks.append("\n")
    if text:
        chunks.append(text)


def _close(tag: str, chunks: list[str]) -> None:
    """Where an element ends: a line break after a block, a gap after a cell."""
    if tag in _BLOCK_TAGS:
        chunks.append("\n")
    elif tag in _CELL_TAGS:
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
