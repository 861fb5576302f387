"""The HTTP boundary: statuses and failures to error tiers, Retry-After, scrubbing."""

from __future__ import annotations

import socket
from datetime import timedelta

import httpx
import pytest

from daemon.carriers.http import Credential, HttpApi, retry_after
from daemon.carriers.seventeen_track import SeventeenTrack
from daemon.config.secrets import Secret
from daemon.errors import AuthError, PermanentError, TransientError
from tests.daemon.carriers.harness import T0, FakeClock, q

SECRET = "s3cr3t-VALUE"
CREDENTIAL = Credential("the API key was refused", "carriers.test.api_key")


def api(handler: httpx.MockTransport) -> HttpApi:
    return HttpApi(
        backend="test",
        base_url="https://api.example.test/v1",
        timeout=5,
        clock=FakeClock(),
        secrets=lambda: (SECRET,),
        transport=handler,
    )


def answering(response: httpx.Response) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: response)


def failing(exc: Exception) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    return httpx.MockTransport(handler)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "30"}, 30.0),
        ({"Retry-After": " 1.5 "}, 1.5),
        ({"Retry-After": "-4"}, 0.0),
        ({"Retry-After": "Wed, 25 Mar 2026 12:02:00 GMT"}, 120.0),
        ({"Retry-After": "Wed, 25 Mar 2026 11:00:00 GMT"}, 0.0),
        ({"Retry-After": "soon"}, None),
        ({"Retry-After": "inf"}, None),
        ({"X-RateLimit-Reset": str(int(T0.timestamp()) + 90)}, 90.0),
        ({"X-RateLimit-Reset": "later"}, None),
        ({"Retry-After": "5", "X-RateLimit-Reset": str(int(T0.timestamp()) + 90)}, 5.0),
        ({}, None),
    ],
)
def test_retry_after(headers: dict[str, str], expected: float | None) -> None:
    assert retry_after(httpx.Headers(headers), T0) == expected


@pytest.mark.parametrize(
    ("status", "error", "message"),
    [
        (401, AuthError, "test: the API key was refused (401); check carriers.test.api_key"),
        (403, AuthError, "test: the API key was refused (403); check carriers.test.api_key"),
        (429, TransientError, "test: rate limited (429): slow down"),
        (500, TransientError, "test: server error 500: slow down"),
        (503, TransientError, "test: server error 503: slow down"),
        (418, PermanentError, "test: unexpected HTTP 418 from /v1/things: slow down"),
    ],
)
def test_status_to_error_tier(status: int, error: type[Exception], message: str) -> None:
    http = api(answering(httpx.Response(status, json={"message": "slow down"})))
    with pytest.raises(error) as info:
        http.send("GET", "/things", credential=CREDENTIAL)
    assert str(info.value) == message


def test_expected_statuses_come_back_to_the_caller() -> None:
    http = api(answering(httpx.Response(404, json={})))
    assert http.send("GET", "/things", credential=CREDENTIAL, expect=(404,)).status_code == 404


def test_a_secret_echoed_by_the_server_is_scrubbed() -> None:
    body = {"errors": [{"message": f"key {SECRET} is over its quota\nand more"}]}
    http = api(answering(httpx.Response(500, json=body)))
    with pytest.raises(TransientError) as info:
        http.send("GET", "/things", credential=CREDENTIAL)
    assert str(info.value) == "test: server error 500: key *** is over its quota and more"


def test_a_long_server_message_is_cut_short() -> None:
    http = api(answering(httpx.Response(502, json={"detail": "x" * 500})))
    with pytest.raises(TransientError) as info:
        http.send("GET", "/things", credential=CREDENTIAL)
    assert len(str(info.value)) < 200
    assert str(info.value).endswith("…")


def test_a_timeout_is_transient() -> None:
    http = api(failing(httpx.ReadTimeout("timed out")))
    with pytest.raises(TransientError, match=r"test: no answer from api.example.test within 5s"):
        http.send("GET", "/things", credential=CREDENTIAL)


def test_a_network_failure_is_transient() -> None:
    http = api(failing(httpx.ConnectError("[Errno -2] Name or service not known")))
    with pytest.raises(TransientError) as info:
        http.send("GET", "/things", credential=CREDENTIAL)
    assert str(info.value) == (
        "test: cannot reach api.example.test: [Errno -2] Name or service not known"
    )
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_malformed_json_is_transient() -> None:
    http = api(answering(httpx.Response(200, text="<html>")))
    response = http.send("GET", "/things", credential=CREDENTIAL)
    with pytest.raises(TransientError, match="malformed JSON in the answer to /v1/things"):
        http.json(response)


def test_a_refused_connection_reaches_the_backend_as_transient() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    backend = SeventeenTrack(Secret("inline", SECRET), base_url=f"http://127.0.0.1:{port}")
    try:
        with pytest.raises(TransientError, match=r"17track: cannot reach 127\.0\.0\.1") as info:
            backend.check([q("1Z999AA10123456784")])
    finally:
        backend.close()
    assert SECRET not in str(info.value)


def test_the_clock_decides_http_dates() -> None:
    clock = FakeClock()
    clock.advance(timedelta(seconds=100))
    http = HttpApi(
        backend="test",
        base_url="https://api.example.test",
        timeout=5,
        clock=clock,
        secrets=tuple,
        transport=answering(
            httpx.Response(429, headers={"Retry-After": "Wed, 25 Mar 2026 12:02:00 GMT"})
        ),
    )
    with pytest.raises(TransientError) as info:
        http.send("GET", "/", credential=CREDENTIAL)
    assert info.value.retry_after == 20.0
