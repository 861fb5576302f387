"""OAuth 2 client-credentials tokens, fetched once and reused until they expire.

UPS and FedEx hand out bearer tokens that live for an hour or more, and both
rate-limit the token endpoint, so a token is cached until shortly before its
expiry (judged by the injected clock, never by sleeping). A token can also die
early (revoked, or the server restarted), so a request refused with 401 gets a
fresh token and one more try; a second 401 is the credentials' fault.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from daemon.carriers.base import Clock
from daemon.carriers.http import Credential, HttpApi
from daemon.config.secrets import Secret
from daemon.errors import TransientError

log = logging.getLogger(__name__)

DEFAULT_MARGIN = timedelta(seconds=60)


@dataclass(frozen=True)
class Token:
    """A bearer token and how long the server said it lives."""

    value: Secret
    lifetime: timedelta


@dataclass(frozen=True)
class _Cached:
    token: Secret
    renew_at: datetime


class TokenCache:
    """Holds one token; `fetch` gets a new one from the token endpoint."""

    def __init__(
        self, fetch: Callable[[], Token], *, clock: Clock, margin: timedelta = DEFAULT_MARGIN
    ) -> None:
        self._fetch = fetch
        self._clock = clock
        self._margin = margin
        self._cached: _Cached | None = None

    def get(self) -> Secret:
        """A token that is still good, fetching one if there is none or it is
        within the margin of its expiry."""
        now = self._clock()
        if self._cached is None or now >= self._cached.renew_at:
            token = self._fetch()
            # A token that lives shorter than twice the margin is renewed halfway.
            margin = min(self._margin, token.lifetime / 2)
            self._cached = _Cached(token.value, now + token.lifetime - margin)
            log.debug("new access token, renewing at %s", self._cached.renew_at.isoformat())
        return self._cached.token

    def invalidate(self) -> None:
        self._cached = None

    def secret_values(self) -> tuple[str, ...]:
        """The current token's value, for scrubbing error text."""
        return (self._cached.token.reveal(),) if self._cached else ()

    def authorized(self, send: Callable[[str], httpx.Response]) -> httpx.Response:
        """`send(token)`, and once more with a fresh token if the first was refused
        with 401. The caller maps whatever comes back to errors."""
        response = send(self.get().reveal())
        if response.status_code == 401:
            log.debug("access token refused, fetching a new one")
            self.invalidate()
            response = send(self.get().reveal())
        return response


def client_credentials(
    http: HttpApi,
    path: str,
    *,
    credential: Credential,
    form: Mapping[str, str],
    basic: tuple[str, str] | None = None,
) -> Token:
    """POST a client-credentials grant and read `access_token` and `expires_in`
    (a number or, as UPS sends it, a string of digits)."""
    response = http.send(
        "POST",
        path,
        credential=credential,
        data={"grant_type": "client_credentials", **form},
        auth=basic,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    body: Any = http.json(response)
    if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
        raise TransientError(f"{http.backend}: the token endpoint answered without access_token")
    try:
        seconds = float(body.get("expires_in", 0))
    except (TypeError, ValueError):
        seconds = 0.0
    if seconds <= 0:
        raise TransientError(f"{http.backend}: the token endpoint gave no usable expires_in")
    return Token(
        Secret(f"{http.backend} access token", body["access_token"]), timedelta(seconds=seconds)
    )
