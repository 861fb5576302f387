"""Delivery-photo download against a real HTTPS server on loopback (pytest-httpserver
with a throw-away CA), under Amazon's photo host names: the test's own Network
resolves them to the server and admits loopback, which the daemon's never does."""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

from daemon.notify.photo import (
    MAX_REDIRECTS,
    Photo,
    PhotoError,
    fetch_photo,
    sniff_image_type,
)
from daemon.notify.photo_net import Network, is_public
from daemon.notify.redact import safe_url
from tests.support import dovecot
from tests.support.photo_server import (
    PHOTO_HOST,
    S3_HOST,
    https_server,
    loopback_network,
    make_tls,
    photo_url,
)

MB = 1024 * 1024
JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(256)) * 40
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body>" + b"x" * 500
SECRET_QUERY = "X-Amz-Signature=S3CR3T-SIGNATURE&X-Amz-Credential=AKIAEXAMPLEKEY&token=T0K3N"
NOT_A_PHOTO_HOST = "not an https link to one of Amazon's photo hosts"


def _ftyp(major: bytes, *compatible: bytes) -> bytes:
    """An ISO base media file's first box, as HEIC/AVIF files start."""
    brands = major + b"\x00\x00\x00\x00" + b"".join(compatible)
    box = (8 + len(brands)).to_bytes(4, "big") + b"ftyp" + brands
    return box + b"\x00" * 100


@pytest.fixture(scope="module")
def tls() -> dovecot.Tls:
    return make_tls()


@pytest.fixture(scope="module")
def photo_server(tls: dovecot.Tls) -> Iterator[HTTPServer]:
    """A threaded server of our own: a handler held on a gate must not stall others."""
    with https_server(tls) as server:
        yield server


@pytest.fixture
def server(photo_server: HTTPServer) -> Iterator[HTTPServer]:
    yield photo_server
    photo_server.clear()


@pytest.fixture
def network(tls: dovecot.Tls, photo_server: HTTPServer) -> Network:
    return loopback_network(tls, photo_server.port)


@pytest.fixture
def gate() -> Iterator[threading.Event]:
    """Holds a handler until the test is over; the test itself never opens it."""
    event = threading.Event()
    yield event
    event.set()


def _fetch(network: Network, url: str, *, max_bytes: int = 5 * MB, timeout: float = 5.0) -> Photo:
    return fetch_photo(url, max_bytes=max_bytes, timeout=timeout, network=network)


def _error(
    network: Network, url: str, *, max_bytes: int = 5 * MB, timeout: float = 5.0
) -> PhotoError:
    with pytest.raises(PhotoError) as caught:
        _fetch(network, url, max_bytes=max_bytes, timeout=timeout)
    return caught.value


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port that is bound but not listening: connecting is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


# --- success -------------------------------------------------------------------------


def test_jpeg_served_as_image_jpeg_comes_back_byte_for_byte(
    server: HTTPServer, network: Network
) -> None:
    server.expect_request("/photo.jpg").respond_with_data(JPEG, content_type="image/jpeg")
    photo = _fetch(network, photo_url("/photo.jpg"))
    assert photo == Photo(JPEG, "image/jpeg", "delivery-photo.jpg")


def test_sniffed_png_wins_over_a_wrong_image_jpeg_header(
    server: HTTPServer, network: Network
) -> None:
    server.expect_request("/photo").respond_with_data(PNG, content_type="image/jpeg")
    photo = _fetch(network, photo_url("/photo"))
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
    server: HTTPServer, network: Network, body: bytes, mime_type: str, extension: str
) -> None:
    server.expect_request("/img").respond_with_data(body, content_type="image/octet")
    photo = _fetch(network, photo_url("/img"))
    assert (photo.mime_type, photo.filename) == (mime_type, f"delivery-photo.{extension}")


def test_body_of_exactly_max_bytes_is_accepted(server: HTTPServer, network: Network) -> None:
    server.expect_request("/photo.jpg").respond_with_data(JPEG, content_type="image/jpeg")
    photo = _fetch(network, photo_url("/photo.jpg"), max_bytes=len(JPEG))
    assert photo.content == JPEG


def test_photo_repr_leaves_out_the_bytes() -> None:
    photo = Photo(JPEG, "image/jpeg", "delivery-photo.jpg")
    assert "JFIF" not in repr(photo)
    assert "delivery-photo.jpg" in repr(photo)


# --- not an image -------------------------------------------------------------------


def test_text_html_is_rejected(server: HTTPServer, network: Network) -> None:
    server.expect_request("/photo.jpg").respond_with_data(HTML, content_type="text/html")
    error = _error(network, photo_url("/photo.jpg"))
    assert "text/html, not an image" in str(error)
    assert not error.retryable


def test_html_bytes_under_an_image_header_are_rejected(
    server: HTTPServer, network: Network
) -> None:
    server.expect_request("/photo.jpg").respond_with_data(HTML, content_type="image/jpeg")
    error = _error(network, photo_url("/photo.jpg"))
    assert "its bytes are not one" in str(error)


def test_short_body_without_a_signature_is_rejected(server: HTTPServer, network: Network) -> None:
    server.expect_request("/photo.jpg").respond_with_data(b"nope", content_type="image/jpeg")
    assert "its bytes are not one" in str(_error(network, photo_url("/photo.jpg")))


def test_empty_body_is_rejected(server: HTTPServer, network: Network) -> None:
    server.expect_request("/photo.jpg").respond_with_data(b"", content_type="image/jpeg")
    assert "empty body" in str(_error(network, photo_url("/photo.jpg")))


def test_missing_content_type_is_rejected(server: HTTPServer, network: Network) -> None:
    server.expect_request("/photo.jpg").respond_with_handler(
        lambda _request: Response(JPEG, headers={"Content-Type": ""})
    )
    assert "no Content-Type" in str(_error(network, photo_url("/photo.jpg")))


# --- size -----------------------------------------------------------------------------


def test_announced_length_over_the_cap_is_refused_before_the_body(
    server: HTTPServer, network: Network, gate: threading.Event
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
    error = _error(network, photo_url("/big.jpg"), max_bytes=5 * MB, timeout=10)
    assert "the photo is 6 MB, larger than 5 MB" in str(error)
    assert time.monotonic() - started < 5
    assert not error.retryable


def test_chunked_body_over_the_cap_is_abandoned(server: HTTPServer, network: Network) -> None:
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
        error = _error(network, photo_url("/endless.jpg"), max_bytes=MB, timeout=10)
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
    server: HTTPServer, network: Network, status: int, reason: str, retryable: bool
) -> None:
    server.expect_request("/photo.jpg").respond_with_data("no", status=status)
    url = photo_url("/photo.jpg")
    error = _error(network, url)
    assert str(error) == f"delivery photo not downloaded from {url}: {reason}"
    assert error.retryable is retryable


# --- redirects -------------------------------------------------------------------------


def _redirect(server: HTTPServer, path: str, location: str, status: int = 302) -> None:
    server.expect_request(path).respond_with_data("", status=status, headers={"Location": location})


def test_redirects_up_to_the_limit_are_followed(server: HTTPServer, network: Network) -> None:
    assert MAX_REDIRECTS == 3
    _redirect(server, "/r1", "/r2", status=301)
    _redirect(server, "/r2", photo_url("/r3"), status=307)
    _redirect(server, "/r3", "final.jpg", status=308)
    server.expect_request("/final.jpg").respond_with_data(JPEG, content_type="image/jpeg")
    assert _fetch(network, photo_url("/r1")).content == JPEG


def test_one_redirect_too_many_is_refused(server: HTTPServer, network: Network) -> None:
    for hop in range(1, 5):
        _redirect(server, f"/h{hop}", f"/h{hop + 1}")
    server.expect_request("/h5").respond_with_data(JPEG, content_type="image/jpeg")
    error = _error(network, photo_url("/h1"))
    assert "more than 3 redirects" in str(error)
    assert [entry[0].path for entry in server.log] == ["/h1", "/h2", "/h3", "/h4"]


def test_redirect_loop_is_refused(server: HTTPServer, network: Network) -> None:
    _redirect(server, "/a", "/b")
    _redirect(server, "/b", "/a")
    assert "redirects in a loop" in str(_error(network, photo_url("/a")))


def test_redirect_to_a_non_https_scheme_is_refused(server: HTTPServer, network: Network) -> None:
    _redirect(server, "/photo.jpg", "file:///etc/passwd")
    error = _error(network, photo_url("/photo.jpg"))
    assert f"server redirected to a file: link, {NOT_A_PHOTO_HOST}" in str(error)


def test_redirect_without_location_is_refused(server: HTTPServer, network: Network) -> None:
    server.expect_request("/photo.jpg").respond_with_data("", status=302)
    assert "302 without saying where to" in str(_error(network, photo_url("/photo.jpg")))


# --- where a photo may come from (issue 13: the fetch was an SSRF) ----------------------


@pytest.fixture
def lan_camera() -> Iterator[HTTPServer]:
    """A plain-http service on the user's own machine, answering image/jpeg."""
    camera = HTTPServer(host="127.0.0.1", port=0)
    camera.start()
    camera.expect_request("/internal/snapshot.jpg").respond_with_data(
        JPEG, content_type="image/jpeg"
    )
    yield camera
    camera.clear()
    camera.stop()


@pytest.mark.parametrize(
    "location",
    [
        "http://127.0.0.1:{port}/internal/snapshot.jpg",
        "http://" + PHOTO_HOST + "/internal/snapshot.jpg",
        "https://evil.example/amazon/photo.jpg",
        "https://d1234.cloudfront.net/photo.jpg",
        "https://m.media-amazon.com.evil.example/photo.jpg",
        "https://attacker-bucket.s3.amazonaws.com/photo.jpg",
        "https://" + PHOTO_HOST + ":{port}/photo.jpg",
        "https://" + PHOTO_HOST + "@127.0.0.1:{port}/photo.jpg",
    ],
    ids=["http-loopback", "http-photo-host", "other-host", "cloudfront", "look-alike-suffix",
         "other-bucket", "other-port", "userinfo"],
)  # fmt: skip
def test_a_redirect_away_from_amazons_photo_hosts_is_not_followed(
    server: HTTPServer, network: Network, lan_camera: HTTPServer, location: str
) -> None:
    _redirect(server, "/photo.jpg", location.format(port=lan_camera.port))
    error = _error(network, photo_url("/photo.jpg"))
    assert NOT_A_PHOTO_HOST in str(error)
    assert lan_camera.log == []
    assert [entry[0].path for entry in server.log] == ["/photo.jpg"]


@pytest.mark.parametrize(
    "url",
    [
        "http://" + PHOTO_HOST + "/photo.jpg",
        "ftp://" + PHOTO_HOST + "/photo.jpg",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:image/png;base64,iVBORw0KGgo=",
        PHOTO_HOST + "/photo.jpg",
        "https:///photo.jpg",
        "https://evil.example/images/amazon-photo.jpg",
        "https://192.168.1.10/amazon.jpg",
        "https://[::1]/amazon.jpg",
    ],
    ids=["http", "ftp", "file", "javascript", "data", "no-scheme", "no-host", "amazon-in-path",
         "private-ip", "loopback-ipv6"],
)  # fmt: skip
def test_only_https_links_to_amazons_photo_hosts_are_fetched(
    server: HTTPServer, network: Network, url: str
) -> None:
    error = _error(network, url)
    assert f"the link is {NOT_A_PHOTO_HOST}" in str(error)
    assert server.log == []


def test_each_listed_host_is_fetched(server: HTTPServer, network: Network) -> None:
    server.expect_request("/photo.jpg").respond_with_data(JPEG, content_type="image/jpeg")
    for host in (PHOTO_HOST, S3_HOST, "images-na.ssl-images-amazon.com"):
        assert _fetch(network, photo_url("/photo.jpg", host)).content == JPEG


def test_a_photo_host_resolving_to_a_loopback_address_is_refused(
    server: HTTPServer, tls: dovecot.Tls
) -> None:
    """The daemon's own rule (public addresses only) over a name that leads home."""
    server.expect_request("/photo.jpg").respond_with_data(JPEG, content_type="image/jpeg")
    network = loopback_network(tls, server.port, admits=is_public)
    error = _error(network, photo_url("/photo.jpg"))
    assert f"{PHOTO_HOST} resolves to 127.0.0.1, which is not a public address" in str(error)
    assert server.log == []


def test_one_private_address_among_public_ones_is_enough_to_refuse(tls: dovecot.Tls) -> None:
    answers = [("93.184.216.34", 443), ("10.0.0.7", 443)]
    network = Network(loopback_network(tls, 443).ssl_context, lambda h, p: answers, is_public)
    error = _error(network, photo_url("/photo.jpg"))
    assert "resolves to 10.0.0.7, which is not a public address" in str(error)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True), ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False), ("10.1.2.3", False), ("172.16.0.1", False),
        ("192.168.1.1", False), ("169.254.169.254", False), ("100.64.0.1", False),
        ("0.0.0.0", False), ("224.0.0.1", False), ("239.255.255.250", False),
        ("255.255.255.255", False), ("::1", False), ("fe80::1", False), ("fd00::1", False),
        ("ff02::1", False), ("::ffff:127.0.0.1", False), ("::ffff:10.0.0.1", False),
        ("2002:7f00:1::", False), ("64:ff9b::7f00:1", False), ("64:ff9b::5db8:d822", True),
        ("2001:db8::1", False),
    ],
)  # fmt: skip
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public(ipaddress.ip_address(address)) is public


def test_invalid_limits_are_a_programming_error(network: Network) -> None:
    with pytest.raises(ValueError, match="positive"):
        fetch_photo(photo_url("/p.jpg"), max_bytes=0, timeout=1, network=network)
    with pytest.raises(ValueError, match="positive"):
        fetch_photo(photo_url("/p.jpg"), max_bytes=1, timeout=0, network=network)


# --- network and time ------------------------------------------------------------------


def test_connection_refused_names_the_host_and_the_reason(
    tls: dovecot.Tls, closed_port: int
) -> None:
    error = _error(loopback_network(tls, closed_port), photo_url("/photo.jpg"))
    assert f"cannot reach {PHOTO_HOST}: connection refused" in str(error)
    assert error.retryable


def test_a_certificate_for_another_name_is_refused(server: HTTPServer, tls: dovecot.Tls) -> None:
    # The server's certificate has no name "images-eu.ssl-images-amazon.com".
    server.expect_request("/photo.jpg").respond_with_data(JPEG, content_type="image/jpeg")
    url = photo_url("/photo.jpg", "images-eu.ssl-images-amazon.com")
    error = _error(loopback_network(tls, server.port), url)
    assert "certificate" in str(error).lower()
    assert server.log == []


def test_server_that_never_answers_times_out(
    server: HTTPServer, network: Network, gate: threading.Event
) -> None:
    def hold(_request: Request) -> Response:
        gate.wait()
        return Response(JPEG, content_type="image/jpeg")

    server.expect_request("/slow.jpg").respond_with_handler(hold)
    started = time.monotonic()
    error = _error(network, photo_url("/slow.jpg"), timeout=0.5)
    assert str(error).endswith("timed out after 0.5 s")
    assert error.retryable
    assert time.monotonic() - started < 5


def test_a_trickling_server_is_cut_off_at_the_deadline(
    server: HTTPServer, network: Network, gate: threading.Event
) -> None:
    """A few bytes at a time, each well within any read timeout: only the deadline
    on the whole download ends it (photo_timeout = 10 used to hold it 120 s)."""

    def trickle() -> Iterator[bytes]:
        yield JPEG[:64]
        while not gate.wait(0.05):
            yield b"\x00" * 8

    server.expect_request("/trickle.jpg").respond_with_handler(
        lambda _request: Response(trickle(), content_type="image/jpeg")
    )
    started = time.monotonic()
    error = _error(network, photo_url("/trickle.jpg"), timeout=1)
    assert str(error).endswith("timed out after 1 s")
    assert time.monotonic() - started < 3


class SteppingClock:
    """A monotonic clock that moves one second forward each time it is read."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def test_deadline_is_checked_while_the_body_streams(server: HTTPServer, network: Network) -> None:
    body = JPEG + b"\x00" * MB
    server.expect_request("/photo.jpg").respond_with_data(body, content_type="image/jpeg")
    with pytest.raises(PhotoError, match=r"timed out after 3 s$"):
        fetch_photo(
            photo_url("/photo.jpg"),
            max_bytes=5 * MB,
            timeout=3,
            network=network,
            clock=SteppingClock(),
        )


def test_deadline_spans_redirects(server: HTTPServer, network: Network) -> None:
    _redirect(server, "/r1", "/r2")
    _redirect(server, "/r2", "/r3")
    server.expect_request("/r3").respond_with_data(JPEG, content_type="image/jpeg")
    with pytest.raises(PhotoError, match=r"timed out after 2 s$"):
        fetch_photo(
            photo_url("/r1"), max_bytes=5 * MB, timeout=2, network=network, clock=SteppingClock()
        )


# --- what errors reveal ---------------------------------------------------------------


def _expired(server: HTTPServer) -> str:
    server.expect_request("/photo.jpg").respond_with_data("denied", status=403)
    return photo_url("/photo.jpg")


def _html(server: HTTPServer) -> str:
    server.expect_request("/photo.jpg").respond_with_data(HTML, content_type="text/html")
    return photo_url("/photo.jpg")


def _redirected_to_missing(server: HTTPServer) -> str:
    _redirect(server, "/photo.jpg", f"/moved.jpg?{SECRET_QUERY}")
    server.expect_request("/moved.jpg").respond_with_data("gone", status=404)
    return photo_url("/photo.jpg")


def _looping(server: HTTPServer) -> str:
    _redirect(server, "/photo.jpg", f"/photo.jpg?{SECRET_QUERY}")
    return photo_url("/photo.jpg")


def _redirected_away(server: HTTPServer) -> str:
    _redirect(server, "/photo.jpg", f"https://evil.example/x.jpg?{SECRET_QUERY}")
    return photo_url("/photo.jpg")


@pytest.mark.parametrize(
    "failure",
    [_expired, _html, _redirected_to_missing, _looping, _redirected_away],
    ids=["403", "html", "redirect-then-404", "loop", "redirect-away"],
)
def test_signed_query_never_appears_in_the_error(
    server: HTTPServer, network: Network, failure: Callable[[HTTPServer], str]
) -> None:
    url = f"{failure(server)}?{SECRET_QUERY}"
    error = _error(network, url)
    for text in (str(error), error.url, error.reason, repr(error)):
        assert "S3CR3T" not in text
        assert "AKIA" not in text
        assert "T0K3N" not in text
    assert f"https://{PHOTO_HOST}/" in str(error)


def test_signed_query_never_appears_when_the_host_is_unreachable(
    tls: dovecot.Tls, closed_port: int
) -> None:
    url = photo_url("/photo.jpg")
    error = _error(loopback_network(tls, closed_port), f"{url}?{SECRET_QUERY}")
    assert "S3CR3T" not in str(error)
    assert str(error).startswith(f"delivery photo not downloaded from {url}: ")


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


def test_no_log_line_holds_the_signed_query(
    server: HTTPServer, network: Network, caplog: pytest.LogCaptureFixture
) -> None:
    """At debug level, for a photo fetched and one refused: nothing any library or
    parcelwatch logs carries the link's query (httpx used to print it whole)."""
    server.expect_request("/photo.jpg").respond_with_data(JPEG, content_type="image/jpeg")
    server.expect_request("/gone.jpg").respond_with_data("denied", status=403)
    with caplog.at_level(logging.DEBUG):
        _fetch(network, f"{photo_url('/photo.jpg')}?{SECRET_QUERY}")
        _error(network, f"{photo_url('/gone.jpg')}?{SECRET_QUERY}")
    # The test's own server (werkzeug) logs each request line; the client side may not.
    ours = [r.getMessage() for r in caplog.records if not r.name.startswith("werkzeug")]
    assert any(r.name.startswith("httpcore") for r in caplog.records)  # it logged, at debug
    assert not [line for line in ours if "S3CR3T" in line or "AKIA" in line]
