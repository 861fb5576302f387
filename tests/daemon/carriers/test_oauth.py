"""The client-credentials token cache, judged by the injected clock."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from daemon.carriers.http import Credential, HttpApi
from daemon.carriers.oauth import Token, TokenCache, client_credentials
from daemon.config.secrets import Secret
from daemon.errors import TransientError
from tests.daemon.carriers.harness import FakeClock

CREDENTIAL = Credential("the client ID and secret were refused", "carriers.test.client_id")


class Issuer:
    """Hands out numbered tokens that live `lifetime`."""

    def __init__(self, lifetime: timedelta) -> None:
        self.lifetime = lifetime
        self.issued = 0

    def __call__(self) -> Token:
        self.issued += 1
        return Token(Secret("test token", f"token-{self.issued}"), self.lifetime)


def test_a_token_is_reused_until_the_margin_then_renewed(clock: FakeClock) -> None:
    issuer = Issuer(timedelta(hours=1))
    cache = TokenCache(issuer, clock=clock, margin=timedelta(minutes=5))
    assert cache.get().reveal() == "token-1"
    clock.advance(timedelta(minutes=54, seconds=59))
    assert cache.get().reveal() == "token-1"
    clock.advance(timedelta(seconds=1))
    assert cache.get().reveal() == "token-2"
    assert issuer.issued == 2


def test_a_short_lived_token_is_renewed_halfway(clock: FakeClock) -> None:
    issuer = Issuer(timedelta(seconds=60))
    cache = TokenCache(issuer, clock=clock, margin=timedelta(minutes=5))
    cache.get()
    clock.advance(timedelta(seconds=29))
    assert cache.get().reveal() == "token-1"
    clock.advance(timedelta(seconds=1))
    assert cache.get().reveal() == "token-2"


def test_a_401_renews_the_token_once(clock: FakeClock) -> None:
    cache = TokenCache(Issuer(timedelta(hours=1)), clock=clock)
    seen: list[str] = []

    def send(token: str) -> httpx.Response:
        seen.append(token)
        return httpx.Response(401)

    assert cache.authorized(send).status_code == 401
    assert seen == ["token-1", "token-2"]
    assert cache.secret_values() == ("token-2",)


def test_the_token_is_hidden_in_repr(clock: FakeClock) -> None:
    cache = TokenCache(Issuer(timedelta(hours=1)), clock=clock)
    assert "token-1" not in repr(cache.get())


def token_endpoint(body: object, clock: FakeClock) -> HttpApi:
    return HttpApi(
        backend="test",
        base_url="https://auth.example.test",
        timeout=5,
        clock=clock,
        secrets=tuple,
        transport=httpx.MockTransport(lambda request: httpx.Response(200, json=body)),
    )


@pytest.mark.parametrize(("expires_in", "seconds"), [("14399", 14399), (3599, 3599), (1.5, 1.5)])
def test_expires_in_may_be_a_number_or_digits(
    expires_in: object, seconds: float, clock: FakeClock
) -> None:
    http = token_endpoint({"access_token": "abc", "expires_in": expires_in}, clock)
    token = client_credentials(http, "/token", credential=CREDENTIAL, form={})
    assert token.value.reveal() == "abc"
    assert token.lifetime == timedelta(seconds=seconds)


@pytest.mark.parametrize(
    "body",
    [
        {"expires_in": 60},
        {"access_token": "abc"},
        {"access_token": "abc", "expires_in": "soon"},
        [],
    ],
)
def test_an_unusable_token_answer_is_transient(body: object, clock: FakeClock) -> None:
    http = token_endpoint(body, clock)
    with pytest.raises(TransientError, match="test: the token endpoint"):
        client_credentials(http, "/token", credential=CREDENTIAL, form={})
