"""Delivery-photo download against a real HTTP server on loopback (pytest-httpserver)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

from daemon.notify.photo import (
    MAX_REDIRECTS,
    Photo,
    PhotoError,
    fetch_photo,
    safe_url,
    sniff_image_type,
)

MB = 1024 * 1024
JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(256)) * 40
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body>" + b"x" * 500
SECRET_QUERY = "X-Amz-Signature=S3CR3T-SIGNATURE&X-Amz-Credential=AKIAEXAMPLEKEY&token=T0K3N"


def _ftyp(major: bytes, *compatible: bytes) -> bytes:
    """An ISO base media file's first box, as HEIC/AVIF files start."""
    brands = major + b"\x00\x00\x00\x00" + b"".join(compatible)
    box = (8 + len(brands)).to_bytes(4, "big") + b"ftyp" + brands
    return box + b"\x00" * 100


@pytest.fixture(scope="module")
def photo_server() -> Iterator[HTTPServer]:
    """A threaded server of our own: a handler held on a gate must not stall others."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@pytest.fixture
def server(photo_server: HTTPServer) -> Iterator[HTTPServer]:
    yield photo_server
    photo_server.clear()


@pytest.fixture
def gate() -> Iterator[threading.Event]:
    """Holds a handler until the test is over; the test itself never opens it."""
    event = threading.Event()
    yield event
    event.set()


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client() as http:
        yield http


def _fetch(
    client: httpx.Client, url: str, *, max_bytes: int = 5 * MB, timeout: float = 5.0
) -> Photo:
    return fetch_photo(client, url, max_bytes=max_bytes, timeout=timeout)


def _error(
    client: httpx.Client, url: str, *, max_bytes: int = 5 * MB, timeout: float = 5.0
) -> PhotoError:
    with pytest.raises(PhotoError) as caught:
        _fetch(client, url, max_bytes=max_bytes, timeout=timeout)
    return caught.value


def _closed_port_url() -> Iterator[str]:
    """A loopback URL whose port is bound but not listening: connecting is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/photo.jpg"


@pytest.fixture
def refused_url() -> Iterator[str]:
    yield from _closed_port_url()


# --- success -------------------------------------------------------------------------


def test_jpeg_served_as_image_jpeg_comes_back_byte_for_byte(
    server: HTTPServer, client: httpx.Client
) -> None:
    server.expect_request("/photo.jpg").respond_with_data(JPEG, content_type="image/jpeg")
    photo = _fetch(client, server.url_for("/photo.jpg"))
    assert photo == Photo(JPEG, "image/jpeg", "delivery-photo.jpg")


def test_sniffed_png_wins_over_a_wrong_image_jpeg_header(
    server: HTTPServer, client: httpx.Client
) -> None:
    server.expect_request("/photo").respond_with_data(PNG, content_type="image/jpeg")
    photo = _fetch(client, server.url_for("/photo"))
    assert (photo.mime_type, photo.filename, photo.content) == (
        "image/png",
        "delivery-photo.png",
        PNG,
    )


@pytest.mark.parametrize(
    ("body", "mime_type", "extension"),
    [
        (b"GIF87a" + b"\x01" * 100, "image/gif", "gif"),
        (b"GIF89a" + b"\x01" * 100, "image/gif", "gif"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 100, "image/webp", "webp"),
        (_ftyp(b"heic", b"mif1", b"heic"), "image/heic", "heic"),
        (_ftyp(b"mif1", b"mif1", b"heic"), "image/heic", "heic"),
        (_ftyp(b"avif", b"mif1", b"miaf"), "image/avif", "avif"),
        (_ftyp(b"mif1", b"mif1", b"avif"), "image/avif", "avif"),
        (_ftyp(b"mif1", b"mif1"), "image/heif", "heif"),
    ],
    ids=["gif87a", "gif89a", "webp", "heic", "heic-in-mif1", "avif", "avif-in-mif1", "heif"],
)
def test_each_known_image_signature_is_recognised(
    server: HTTPServer, client: httpx.Client, body: bytes, mime_type: str, extension: str
) -> None:
    server.expect_request("/img").respond_with_data(body, content_type="image/octet")
    photo = _fetch(client, server.url_for("/img"))
    assert (photo.mime_type, photo.filename) == (mime_type, f"delivery-photo.{extension}")


def test_body_of_exactly_max_bytes_is_accepted(server: HTTPServer, client: httpx.Client) -> None:
    server.expect_request("/photo.jpg").respond_with_data(JPEG, content_type="image/jpeg")
    photo = _fetch(client, server.url_for("/photo.jpg"), max_bytes=len(JPEG))
    assert photo.content == JPEG


def test_photo_repr_leaves_out_the_bytes() -> None:
    photo = Photo(JPEG, "image/jpeg", "delivery-photo.jpg")
    assert "JFIF" not in repr(photo)
    assert "delivery-photo.jpg" in repr(photo)


# --- not an image -------------------------------------------------------------------


def test_text_html_is_rejected(server: HTTPServer, client: httpx.Client) -> None:
    server.expect_request("/photo.jpg").respond_with_data(HTML, content_type="text/html")
    error = _error(client, server.url_for("/photo.jpg"))
    assert "text/html, not an image" in str(error)
    assert not error.retryable


def test_html_bytes_under_an_image_header_are_rejected(
    server: HTTPServer, client: httpx.Client
) -> None:
    server.expect_request("/photo.jpg").respond_with_data(HTML, content_type="image/jpeg")
    error = _error(client, server.url_for("/photo.jpg"))
    assert "its bytes are not one" in str(error)


def test_short_body_without_a_signature_is_rejected(
    server: HTTPServer, client: httpx.Client
) -> None:
    server.expect_request("/photo.jpg").respond_with_data(b"nope", content_type="image/jpeg")
    assert "its bytes are not one" in str(_error(client, server.url_for("/photo.jpg")))


def test_empty_body_is_rejected(server: HTTPServer, client: httpx.Client) -> None:
    server.expect_request("/photo.jpg").respond_with_data(b"", content_type="image/jpeg")
    assert "empty body" in str(_error(client, server.url_for("/photo.jpg")))


def test_missing_content_type_is_rejected(server: HTTPServer, client: httpx.Client) -> None:
    server.expect_request("/photo.jpg").respond_with_handler(
        lambda _request: Response(JPEG, headers={"Content-Type": ""})
    )
    assert "no Content-Type" in str(_error(client, server.url_for("/photo.jpg")))


# --- size -----------------------------------------------------------------------------


def test_announced_length_over_the_cap_is_refused_before_the_body(
    server: HTTPServer, client: httpx.Client, gate: threading.Event
) -> None:
    # The server announces 6 MB, sends a few bytes and then holds the rest until the
    # test is over: a client that read the body would time out instead.
    def body() -> Iterator[bytes]:
        yield JPEG[:16]
        gate.wait()

    server.expect_request("/big.jpg").respond_with_handler(
        lambda _request: Response(
            body(), headers={"Content-Type": "image/jpeg", "Content-Length": str(6 * MB)}
        )
    )
    started = time.monotonic()
    error = _error(client, server.url_for("/big.jpg"), max_bytes=5 * MB, timeout=10)
    assert "the photo is 6 MB, larger than 5 MB" in str(error)
    assert time.monotonic() - started < 5
    assert not error.retryable


def test_chunked_body_over_the_cap_is_abandoned(server: HTTPServer, client: httpx.Client) -> None:
    # No Content-Length and a body that never ends: only the cap can stop the client.
    stop = threading.Event()

    def endless() -> Iterator[bytes]:
        yield JPEG
        while not stop.is_set():
            yield b"\x00" * 65536

    server.expect_request("/endless.jpg").respond_with_handler(
        lambda _request: Response(endless(), content_type="image/jpeg")
    )
    try:
        error = _error(client, server.url_for("/endless.jpg"), max_bytes=MB, timeout=10)
    finally:
        stop.set()
    assert "larger than 1 MB" in str(error)
    assert "timed out" not in str(error)


# --- HTTP errors ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "reason", "retryable"),
    [
        (403, "server answered 403 (the link may have expired)", False),
        (401, "server answered 401 (the link may have expired)", False),
        (404, "server answered 404 (the photo is no longer there)", False),
        (410, "server answered 410 (the photo is no longer there)", False),
        (400, "server answered 400", False),
        (429, "server answered 429 (a passing problem; it may work later)", True),
        (503, "server answered 503 (a passing problem; it may work later)", True),
    ],
)
def test_http_error_status_gives_its_reason(
    server: HTTPServer, client: httpx.Client, status: int, reason: str, retryable: bool
) -> None:
    server.expect_request("/photo.jpg").respond_with_data("no", status=status)
    url = server.url_for("/photo.jpg")
    error = _error(client, url)
    assert str(error) == f"delivery photo not downloaded from {url}: {reason}"
    assert error.retryable is retryable


# --- redirects -------------------------------------------------------------------------


def _redirect(server: HTTPServer, path: str, location: str, status: int = 302) -> None:
    server.expect_request(path).respond_with_data("", status=status, headers={"Location": location})


def test_redirects_up_to_the_limit_are_followed(server: HTTPServer, client: httpx.Client) -> None:
    assert MAX_REDIRECTS == 3
    _redirect(server, "/r1", "/r2", status=301)
    _redirect(server, "/r2", server.url_for("/r3"), status=307)
    _redirect(server, "/r3", "final.jpg", status=308)
    server.expect_request("/final.jpg").respond_with_data(JPEG, content_type="image/jpeg")
    assert _fetch(client, server.url_for("/r1")).content == JPEG


def test_one_redirect_too_many_is_refused(server: HTTPServer, client: httpx.Client) -> None:
    for hop in range(1, 5):
        _redirect(server, f"/h{hop}", f"/h{hop + 1}")
    server.expect_request("/h5").respond_with_data(JPEG, content_type="image/jpeg")
    error = _error(client, server.url_for("/h1"))
    assert "more than 3 redirects" in str(error)
    assert [entry[0].path for entry in server.log] == ["/h1", "/h2", "/h3", "/h4"]


def test_redirect_loop_is_refused(server: HTTPServer, client: httpx.Client) -> None:
    _redirect(server, "/a", "/b")
    _redirect(server, "/b", "/a")
    assert "redirects in a loop" in str(_error(client, server.url_for("/a")))


def test_redirect_to_a_non_http_scheme_is_refused(server: HTTPServer, client: httpx.Client) -> None:
    _redirect(server, "/photo.jpg", "file:///etc/passwd")
    error = _error(client, server.url_for("/photo.jpg"))
    assert "server redirected to a file: link" in str(error)


def test_redirect_without_location_is_refused(server: HTTPServer, client: httpx.Client) -> None:
    server.expect_request("/photo.jpg").respond_with_data("", status=302)
    assert "302 without saying where to" in str(_error(client, server.url_for("/photo.jpg")))


# --- refused before any request --------------------------------------------------------


@pytest.mark.parametrize(
    "make_url",
    [
        lambda base: base.replace("http://", "ftp://") + "/photo.jpg",
        lambda base: "file:///etc/passwd",
        lambda base: "javascript:alert(1)",
        lambda base: "data:image/png;base64,iVBORw0KGgo=",
        lambda base: base.removeprefix("http://") + "/photo.jpg",
        lambda base: "http:///photo.jpg",
    ],
    ids=["ftp", "file", "javascript", "data", "no-scheme", "no-host"],
)
def test_only_http_and_https_links_are_fetched(
    server: HTTPServer, client: httpx.Client, make_url: Callable[[str], str]
) -> None:
    url = make_url(server.url_for("").rstrip("/"))
    error = _error(client, url)
    assert "only http and https links are fetched" in str(error) or "names no host" in str(error)
    assert server.log == []


def test_invalid_limits_are_a_programming_error(client: httpx.Client) -> None:
    with pytest.raises(ValueError, match="positive"):
        fetch_photo(client, "https://example.org/p.jpg", max_bytes=0, timeout=1)
    with pytest.raises(ValueError, match="positive"):
        fetch_photo(client, "https://example.org/p.jpg", max_bytes=1, timeout=0)


# --- network and time ------------------------------------------------------------------


def test_connection_refused_names_the_host_and_the_reason(
    client: httpx.Client, refused_url: str
) -> None:
    error = _error(client, refused_url)
    port = httpx.URL(refused_url).port
    assert f"cannot reach 127.0.0.1:{port}: connection refused" in str(error)
    assert error.retryable


def test_server_that_never_answers_times_out(
    server: HTTPServer, client: httpx.Client, gate: threading.Event
) -> None:
    def hold(_request: Request) -> Response:
        gate.wait()
        return Response(JPEG, content_type="image/jpeg")

    server.expect_request("/slow.jpg").respond_with_handler(hold)
    started = time.monotonic()
    error = _error(client, server.url_for("/slow.jpg"), timeout=0.5)
    assert str(error).endswith("timed out after 0.5 s")
    assert error.retryable
    assert time.monotonic() - started < 5


class SteppingClock:
    """A monotonic clock that moves one second forward each time it is read."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def test_deadline_is_checked_while_the_body_streams(
    server: HTTPServer, client: httpx.Client
) -> None:
    body = JPEG + b"\x00" * MB
    server.expect_request("/photo.jpg").respond_with_data(body, content_type="image/jpeg")
    with pytest.raises(PhotoError, match=r"timed out after 3 s$"):
        fetch_photo(
            client,
            server.url_for("/photo.jpg"),
            max_bytes=5 * MB,
            timeout=3,
            clock=SteppingClock(),
        )


def test_deadline_spans_redirects(server: HTTPServer, client: httpx.Client) -> None:
    _redirect(server, "/r1", "/r2")
    _redirect(server, "/r2", "/r3")
    server.expect_request("/r3").respond_with_data(JPEG, content_type="image/jpeg")
    with pytest.raises(PhotoError, match=r"timed out after 2 s$"):
        fetch_photo(
            client, server.url_for("/r1"), max_bytes=5 * MB, timeout=2, clock=SteppingClock()
        )


# --- what errors reveal ---------------------------------------------------------------


def _expired(server: HTTPServer) -> str:
    server.expect_request("/photo.jpg").respond_with_data("denied", status=403)
    return server.url_for("/photo.jpg")


def _html(server: HTTPServer) -> str:
    server.expect_request("/photo.jpg").respond_with_data(HTML, content_type="text/html")
    return server.url_for("/photo.jpg")


def _redirected_to_missing(server: HTTPServer) -> str:
    _redirect(server, "/photo.jpg", f"/moved.jpg?{SECRET_QUERY}")
    server.expect_request("/moved.jpg").respond_with_data("gone", status=404)
    return server.url_for("/photo.jpg")


def _looping(server: HTTPServer) -> str:
    _redirect(server, "/photo.jpg", f"/photo.jpg?{SECRET_QUERY}")
    return server.url_for("/photo.jpg")


@pytest.mark.parametrize(
    "failure",
    [_expired, _html, _redirected_to_missing, _looping],
    ids=["403", "html", "redirect-then-404", "loop"],
)
def test_signed_query_never_appears_in_the_error(
    server: HTTPServer, client: httpx.Client, failure: Callable[[HTTPServer], str]
) -> None:
    url = f"{failure(server)}?{SECRET_QUERY}"
    error = _error(client, url)
    for text in (str(error), error.url, error.reason, repr(error)):
        assert "S3CR3T" not in text
        assert "AKIA" not in text
        assert "T0K3N" not in text
    assert f"127.0.0.1:{server.port}/" in str(error)


def test_signed_query_never_appears_when_the_host_is_unreachable(
    client: httpx.Client, refused_url: str
) -> None:
    error = _error(client, f"{refused_url}?{SECRET_QUERY}")
    assert "S3CR3T" not in str(error)
    assert str(error).startswith(f"delivery photo not downloaded from {refused_url}: ")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://m.media-amazon.com/images/G/01/x.jpg?sig=abc&t=1",
            "https://m.media-amazon.com/images/G/01/x.jpg",
        ),
        ("https://user:pw@example.org:8443/p/q.jpg#frag", "https://example.org:8443/p/q.jpg"),
        ("http://example.org", "http://example.org"),
        ("ftp://files.example.org/a.jpg?x=1", "ftp://files.example.org/a.jpg"),
        ("javascript:alert(document.cookie)", "a javascript: link"),
        ("example.org/photo.jpg?sig=1", "a link without a scheme"),
        ("http://[::1/x", "an unreadable link"),
    ],
)
def test_safe_url_keeps_scheme_host_and_path_only(url: str, expected: str) -> None:
    assert safe_url(url) == expected


@pytest.mark.parametrize(
    "head",
    [b"", b"\xff\xd8", b"RIFF\x00\x00\x00\x00WAVE", _ftyp(b"isom", b"mp41"), b"<svg"],
    ids=["empty", "short-jpeg", "riff-wave", "mp4", "svg"],
)
def test_sniff_refuses_what_is_no_known_image(head: bytes) -> None:
    assert sniff_image_type(head) is None
