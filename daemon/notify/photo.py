"""Download the delivery photo that Amazon's "Delivered" email links, to attach it.

The link comes from an email, so everything about it is untrusted: it may point
anywhere, redirect in circles, answer slowly, announce or send a body of any size,
or serve an HTML sign-in page where a photo was promised. So a photo is fetched
only from Amazon's photo hosts (parsers.amazon.photos) over https, and every
redirect is checked against the same rule before it is followed; the connections
themselves go only to public addresses and end by one wall-clock deadline
(daemon.notify.photo_net). A notification must never wait long or fail because of
its photo, so every way this can go wrong ends in one `PhotoError` with a one-line
reason a person can act on, within a bounded time and a bounded number of bytes,
and the caller sends the notification without the attachment.

Amazon's photo links are signed: the query string carries the credential that
grants access. Messages and logs therefore describe a URL by its scheme, host and
path only (`safe_url`), never by its query; the requests go through httpcore
directly, so no HTTP client logs them either. httpcore is imported by the first
download, not with this module: a daemon that never fetches a photo never loads it.
"""

from __future__ import annotations

import re
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from daemon.errors import ParcelwatchError
from daemon.notify.photo_net import Deadline, Network, Refused
from daemon.notify.redact import safe_url
from parsers.amazon.photos import is_photo_url

if TYPE_CHECKING:
    import httpcore

__all__ = [
    "MAX_REDIRECTS",
    "Photo",
    "PhotoError",
    "fetch_photo",
    "sniff_image_type",
]

MAX_REDIRECTS = 3
"""Redirects followed before giving up: a CDN hop or two is normal, more is not."""

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_SNIFF_BYTES = 64
"""Enough for every signature below, including an ftyp box's first brands."""

# Images are already compressed; asking for no transfer encoding also keeps the byte
# cap honest (a compressed body could inflate far beyond what was counted).
_REQUEST_HEADERS = [
    (b"Accept", b"image/*"),
    (b"Accept-Encoding", b"identity"),
    (b"User-Agent", b"parcelwatch"),
]

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

    def __init__(self, url: str, reason: str, *, retryable: bool = False) -> None:
        self.url = safe_url(url)
        self.reason = reason
        self.retryable = retryable
        super().__init__(f"delivery photo not downloaded from {self.url}: {reason}")


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
    url: str,
    *,
    max_bytes: int,
    timeout: float,
    network: Network,
    clock: Callable[[], float] = time.monotonic,
) -> Photo:
    """Download the photo at `url`, or raise PhotoError saying why not.

    Only https links to Amazon's photo hosts are fetched, with at most MAX_REDIRECTS
    redirects, each held to the same rule. The whole download, redirects included,
    must finish within `timeout` seconds (measured on `clock`, a monotonic clock in
    seconds) and stay within `max_bytes`: an announced Content-Length above it is
    refused before any of the body is read, and a body that grows past it is
    abandoned at once. The server must call it image/* and its first bytes must
    carry a known image signature; the type those bytes show is the one reported,
    whatever the header said.
    """
    if max_bytes <= 0 or timeout <= 0:
        raise ValueError("max_bytes and timeout must be positive")
    deadline = Deadline(timeout, clock)
    target = _photo_url(url)
    seen = {target}
    with network.pool(deadline) as pool:
        for _ in range(MAX_REDIRECTS + 1):
            outcome = _request(pool, target, max_bytes, deadline)
            if isinstance(outcome, Photo):
                return outcome
            if outcome in seen:
                raise PhotoError(url, "the server redirects in a loop")
            seen.add(outcome)
            target = outcome
    raise PhotoError(url, f"more than {MAX_REDIRECTS} redirects")


_NOT_A_PHOTO_HOST = "not an https link to one of Amazon's photo hosts"


def _photo_url(url: str) -> str:
    """`url` if it may be fetched: https, on one of Amazon's photo hosts."""
    if not is_photo_url(url):
        raise PhotoError(url, f"the link is {_NOT_A_PHOTO_HOST}")
    return url.strip()


def _request(
    pool: httpcore.ConnectionPool, target: str, max_bytes: int, deadline: Deadline
) -> Photo | str:
    """One GET: the photo, or where the server redirects to."""
    import httpcore  # loaded by the first download (see the module docstring)

    if deadline.remaining() <= 0:
        raise _timed_out(target, deadline)
    try:
        with pool.stream("GET", target, headers=_REQUEST_HEADERS) as response:
            redirect = _redirect_target(response, target)
            if redirect is not None:
                return redirect
            return _receive(response, target, max_bytes, deadline)
    except Refused as exc:
        raise PhotoError(target, str(exc)) from None
    except httpcore.TimeoutException:
        raise _timed_out(target, deadline) from None
    except (httpcore.NetworkError, httpcore.ProtocolError, ssl.SSLError, OSError) as exc:
        reason = f"cannot reach {urlsplit(target).hostname}: {_describe(exc, target)}"
        raise PhotoError(target, reason, retryable=True) from None


def _timed_out(url: str, deadline: Deadline) -> PhotoError:
    return PhotoError(url, f"timed out after {deadline.seconds:g} s", retryable=True)


def _header(response: httpcore.Response, name: str) -> str:
    """A response header's value ("" when absent), as text."""
    wanted = name.lower().encode()
    for key, value in response.headers:
        if key.lower() == wanted:
            return value.decode("latin-1")
    return ""


def _redirect_target(response: httpcore.Response, current: str) -> str | None:
    """The URL a redirect response points to (checked like the first), or None."""
    status = response.status
    if status not in _REDIRECT_STATUSES:
        return None
    location = _header(response, "location").strip()
    if not location:
        raise PhotoError(current, f"server answered {status} without saying where to")
    try:
        joined = urljoin(current, location)
    except ValueError:
        raise PhotoError(current, "server redirected to an invalid URL") from None
    if not is_photo_url(joined):
        raise PhotoError(current, f"server redirected to {safe_url(joined)}, {_NOT_A_PHOTO_HOST}")
    return joined


def _receive(response: httpcore.Response, url: str, max_bytes: int, deadline: Deadline) -> Photo:
    """Check a final response's status and headers, then read and sniff its body."""
    _check_status(response.status, url)
    media_type = _header(response, "content-type").split(";")[0].strip().lower()
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


def _check_status(status: int, url: str) -> None:
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


def _content_length(response: httpcore.Response) -> int | None:
    """The announced body size, if the header is there and a plain number."""
    value = _header(response, "content-length").strip()
    return int(value) if value.isdigit() else None


def _read_image(
    response: httpcore.Response, url: str, max_bytes: int, deadline: Deadline
) -> tuple[bytes, str]:
    """Stream the body within the byte cap and the deadline; sniff it on the way.

    Each piece is taken as it arrives (every read ends by the deadline), and the
    signature is checked as soon as enough bytes are in, so an HTML page served as
    image/jpeg is dropped after its first piece rather than downloaded whole.
    """
    import httpcore  # loaded by the first download (see the module docstring)

    chunks: list[bytes] = []
    received = 0
    mime_type: str | None = None
    try:
        for chunk in response.iter_stream():
            received += len(chunk)
            if received > max_bytes:
                raise PhotoError(url, f"the photo is larger than {_size(max_bytes)}")
            if deadline.remaining() <= 0:
                raise _timed_out(url, deadline)
            chunks.append(chunk)
            if mime_type is None and received >= _SNIFF_BYTES:
                mime_type = _sniffed(b"".join(chunks)[:_SNIFF_BYTES], url)
    except httpcore.TimeoutException:
        raise _timed_out(url, deadline) from None
    except (httpcore.NetworkError, httpcore.ProtocolError) as exc:
        reason = f"the download broke off: {_describe(exc, url)}"
        raise PhotoError(url, reason, retryable=True) from None
    content = b"".join(chunks)
    if not content:
        raise PhotoError(url, "the server sent an empty body")
    return content, mime_type or _sniffed(content, url)


def _sniffed(head: bytes, url: str) -> str:
    """The sniffed image type, or the error for bytes that are no known image."""
    mime_type = sniff_image_type(head)
    if mime_type is None:
        raise PhotoError(url, "the server called it an image, but its bytes are not one")
    return mime_type


def _describe(exc: BaseException, url: str) -> str:
    """A network error as a short reason, without errno noise or the URL's query."""
    text = _ERRNO_PREFIX.sub("", str(exc)).strip() or type(exc).__name__
    query = urlsplit(url).query
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
