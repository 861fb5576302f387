"""Download the delivery photo that Amazon's "Delivered" email links, to attach it.

The link comes from an email, so everything about it is untrusted: it may point
anywhere, redirect in circles, answer slowly, announce or send a body of any size,
or serve an HTML sign-in page where a photo was promised. A notification must
never wait long or fail because of its photo, so every way this can go wrong ends
in one `PhotoError` with a one-line reason a person can act on, within a bounded
time and a bounded number of bytes, and the caller sends the notification without
the attachment.

Amazon's photo links are signed: the query string carries the credential that
grants access. Messages and logs therefore describe a URL by its scheme, host and
path only (`safe_url`), never by its query.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from daemon.errors import ParcelwatchError

__all__ = [
    "MAX_REDIRECTS",
    "Photo",
    "PhotoError",
    "fetch_photo",
    "safe_url",
    "sniff_image_type",
]

MAX_REDIRECTS = 3
"""Redirects followed before giving up: a CDN hop or two is normal, more is not."""

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_HTTP_SCHEMES = frozenset({"http", "https"})
_CHUNK_BYTES = 64 * 1024
_SNIFF_BYTES = 64
"""Enough for every signature below, including an ftyp box's first brands."""

# Images are already compressed; asking for no transfer encoding also keeps the byte
# cap honest (a compressed body could inflate far beyond what was counted).
_REQUEST_HEADERS = {"Accept": "image/*", "Accept-Encoding": "identity"}

_EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/heic": "heic",
    "image/heif": "heif",
    "image/avif": "avif",
}

# ISO base media file brands (the "ftyp" box) that mark a still image.
_AVIF_BRANDS = frozenset({b"avif", b"avis"})
_HEIC_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis"})
_HEIF_BRANDS = frozenset({b"mif1", b"msf1"})

_ERRNO_PREFIX = re.compile(r"^\[Errno -?\d+\]\s*")


@dataclass(frozen=True)
class Photo:
    """A downloaded delivery photo, ready to attach to a notification."""

    content: bytes = field(repr=False)
    """The image bytes (left out of repr: a log line must not hold megabytes)."""
    mime_type: str
    """The type sniffed from the bytes, e.g. "image/jpeg" (not the server's claim)."""
    filename: str
    """e.g. "delivery-photo.jpg", its extension matching `mime_type`."""


class PhotoError(ParcelwatchError):
    """The photo could not be downloaded; the notification goes out without it.

    The text reads "delivery photo not downloaded from <scheme://host/path>: <reason>"
    and never contains the URL's query (where signed links keep their token).
    `retryable` is true for failures that may pass (timeouts, network errors, 429 and
    5xx answers) and false for those that will not (an expired link, not an image,
    too large).
    """

    def __init__(self, url: str | httpx.URL, reason: str, *, retryable: bool = False) -> None:
        self.url = safe_url(str(url))
        self.reason = reason
        self.retryable = retryable
        super().__init__(f"delivery photo not downloaded from {self.url}: {reason}")


def safe_url(url: str) -> str:
    """A URL as it may appear in messages and logs: scheme, host, port and path.

    Credentials, query and fragment are dropped, because a signed link's query is
    what grants access to the photo.
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return "an unreadable link"
    if not parts.scheme:
        return "a link without a scheme"
    if not parts.netloc:
        return f"a {parts.scheme}: link"
    host = parts.netloc.rpartition("@")[2]
    return f"{parts.scheme}://{host}{parts.path}"


def sniff_image_type(head: bytes) -> str | None:
    """The image type that the first bytes of a file announce, or None.

    Signatures: JPEG (FF D8 FF), PNG, GIF87a/GIF89a, WebP (a RIFF container of type
    WEBP), and HEIC, HEIF and AVIF (an ISO "ftyp" box whose brands name them).
    """
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        return _ftyp_image_type(head)
    return None


def _ftyp_image_type(head: bytes) -> str | None:
    """The image type of an ISO base media file, from its major and compatible brands.

    Phones often write the generic "mif1" as the major brand and the real format
    among the compatible brands, so all brands in the box are considered.
    """
    box_size = int.from_bytes(head[0:4], "big")
    end = min(box_size, len(head))
    brands = {head[8:12]} | {head[i : i + 4] for i in range(16, end - 3, 4)}
    if brands & _AVIF_BRANDS:
        return "image/avif"
    if brands & _HEIC_BRANDS:
        return "image/heic"
    if brands & _HEIF_BRANDS:
        return "image/heif"
    return None


def fetch_photo(
    client: httpx.Client,
    url: str,
    *,
    max_bytes: int,
    timeout: float,
    clock: Callable[[], float] = time.monotonic,
) -> Photo:
    """Download the photo at `url`, or raise PhotoError saying why not.

    Only http and https links are fetched, with at most MAX_REDIRECTS redirects. The
    whole download, redirects included, must finish within `timeout` seconds
    (measured on `clock`, a monotonic clock in seconds) and stay within `max_bytes`:
    an announced Content-Length above it is refused before any of the body is read,
    and a body that grows past it is abandoned at once. The server must call it
    image/* and its first bytes must carry a known image signature; the type those
    bytes show is the one reported, whatever the header said.
    """
    if max_bytes <= 0 or timeout <= 0:
        raise ValueError("max_bytes and timeout must be positive")
    deadline = _Deadline(clock, timeout)
    target = _http_url(url)
    seen = {str(target)}
    for _ in range(MAX_REDIRECTS + 1):
        outcome = _request(client, target, max_bytes, deadline)
        if isinstance(outcome, Photo):
            return outcome
        if str(outcome) in seen:
            raise PhotoError(url, "the server redirects in a loop")
        seen.add(str(outcome))
        target = outcome
    raise PhotoError(url, f"more than {MAX_REDIRECTS} redirects")


@dataclass(frozen=True)
class _Deadline:
    """The wall-clock budget of one download, shared by all its requests."""

    clock: Callable[[], float]
    seconds: float
    ends_at: float = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "ends_at", self.clock() + self.seconds)

    def remaining(self) -> float:
        return self.ends_at - self.clock()

    def timed_out(self, url: httpx.URL) -> PhotoError:
        return PhotoError(url, f"timed out after {self.seconds:g} s", retryable=True)


def _http_url(url: str) -> httpx.URL:
    """`url` parsed, if it is an absolute http(s) URL with a host."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        raise PhotoError(url, "the link is not a valid URL") from None
    if parsed.scheme not in _HTTP_SCHEMES:
        raise PhotoError(url, "only http and https links are fetched")
    if not parsed.host:
        raise PhotoError(url, "the link names no host")
    return parsed


def _request(
    client: httpx.Client, target: httpx.URL, max_bytes: int, deadline: _Deadline
) -> Photo | httpx.URL:
    """One GET: the photo, or where the server redirects to."""
    remaining = deadline.remaining()
    if remaining <= 0:
        raise deadline.timed_out(target)
    try:
        with client.stream(
            "GET",
            target,
            headers=_REQUEST_HEADERS,
            follow_redirects=False,
            timeout=httpx.Timeout(remaining),
        ) as response:
            redirect = _redirect_target(response, target)
            if redirect is not None:
                return redirect
            return _receive(response, target, max_bytes, deadline)
    except httpx.TimeoutException:
        raise deadline.timed_out(target) from None
    except httpx.TransportError as exc:
        where = f"{target.host}:{target.port}" if target.port else target.host
        reason = f"cannot reach {where}: {_describe(exc, target)}"
        raise PhotoError(target, reason, retryable=True) from None


def _redirect_target(response: httpx.Response, current: httpx.URL) -> httpx.URL | None:
    """The URL a redirect response points to, or None for any other response."""
    status = response.status_code
    if status not in _REDIRECT_STATUSES:
        return None
    location = response.headers.get("location")
    if not location:
        raise PhotoError(current, f"server answered {status} without saying where to")
    try:
        joined = current.join(location)
    except httpx.InvalidURL:
        raise PhotoError(current, "server redirected to an invalid URL") from None
    if joined.scheme not in _HTTP_SCHEMES or not joined.host:
        reason = f"server redirected to {safe_url(str(joined))}; only http and https are fetched"
        raise PhotoError(current, reason)
    return joined


def _receive(
    response: httpx.Response, url: httpx.URL, max_bytes: int, deadline: _Deadline
) -> Photo:
    """Check a final response's status and headers, then read and sniff its body."""
    _check_status(response.status_code, url)
    media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if not media_type:
        raise PhotoError(url, "the server did not say what it sent (no Content-Type)")
    if not media_type.startswith("image/"):
        raise PhotoError(url, f"the server sent {media_type}, not an image")
    announced = _content_length(response)
    if announced is not None and announced > max_bytes:
        reason = f"the photo is {_size(announced)}, larger than {_size(max_bytes)}"
        raise PhotoError(url, reason)
    content, mime_type = _read_image(response, url, max_bytes, deadline)
    return Photo(content, mime_type, f"delivery-photo.{_EXTENSIONS[mime_type]}")


def _check_status(status: int, url: httpx.URL) -> None:
    """Raise for any answer but 2xx, explaining what it likely means for a photo link."""
    if 200 <= status < 300:
        return
    if status in (401, 403):
        raise PhotoError(url, f"server answered {status} (the link may have expired)")
    if status in (404, 410):
        raise PhotoError(url, f"server answered {status} (the photo is no longer there)")
    if status == 429 or status >= 500:
        reason = f"server answered {status} (a passing problem; it may work later)"
        raise PhotoError(url, reason, retryable=True)
    raise PhotoError(url, f"server answered {status}")


def _content_length(response: httpx.Response) -> int | None:
    """The announced body size, if the header is there and a plain number."""
    value = response.headers.get("content-length", "").strip()
    return int(value) if value.isdigit() else None


def _read_image(
    response: httpx.Response, url: httpx.URL, max_bytes: int, deadline: _Deadline
) -> tuple[bytes, str]:
    """Stream the body within the byte cap and the deadline; sniff it on the way.

    The signature is checked as soon as enough bytes are in, so an HTML page served
    as image/jpeg is dropped after its first chunk rather than downloaded whole.
    """
    chunks: list[bytes] = []
    received = 0
    mime_type: str | None = None
    try:
        for chunk in response.iter_bytes(_CHUNK_BYTES):
            received += len(chunk)
            if received > max_bytes:
                raise PhotoError(url, f"the photo is larger than {_size(max_bytes)}")
            if deadline.remaining() <= 0:
                raise deadline.timed_out(url)
            chunks.append(chunk)
            if mime_type is None and received >= _SNIFF_BYTES:
                mime_type = _sniffed(b"".join(chunks)[:_SNIFF_BYTES], url)
    except httpx.TimeoutException:
        raise deadline.timed_out(url) from None
    except httpx.TransportError as exc:
        reason = f"the download broke off: {_describe(exc, url)}"
        raise PhotoError(url, reason, retryable=True) from None
    content = b"".join(chunks)
    if not content:
        raise PhotoError(url, "the server sent an empty body")
    return content, mime_type or _sniffed(content, url)


def _sniffed(head: bytes, url: httpx.URL) -> str:
    """The sniffed image type, or the error for bytes that are no known image."""
    mime_type = sniff_image_type(head)
    if mime_type is None:
        raise PhotoError(url, "the server called it an image, but its bytes are not one")
    return mime_type


def _describe(exc: Exception, url: httpx.URL) -> str:
    """An httpx error as a short reason, without errno noise or the URL's query."""
    text = _ERRNO_PREFIX.sub("", str(exc)).strip() or type(exc).__name__
    query = url.query.decode("ascii", "replace")
    if query:
        text = text.replace(query, "…")
    return text[:1].lower() + text[1:]


def _size(n: int) -> str:
    """A byte count as people read it: "5 MB", "512 KB", "900 bytes"."""
    if n >= 1024 * 1024:
        return f"{round(n / (1024 * 1024), 1):g} MB"
    if n >= 1024:
        return f"{round(n / 1024, 1):g} KB"
    return f"{n} bytes"
