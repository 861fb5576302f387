"""Backends that authenticate with OAuth 2 client credentials (UPS, FedEx).

The client ID and secret buy a bearer token (oauth.client_credentials) that a
TokenCache keeps until shortly before it expires and renews once when a request is
refused with 401. The two APIs differ only in where the token endpoint is, how the
ID and secret travel to it, and which other headers a request carries, so the rest
is set up here once. A refused secret and a refused token name the same pair of
settings, since either way those are what the user must check.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta
from typing import Any, ClassVar, Unpack

import httpx

from daemon.carriers.http import Credential
from daemon.carriers.http_backend import Connection, HttpBackend
from daemon.carriers.oauth import Token, TokenCache, client_credentials
from daemon.config.secrets import Secret


class OAuthBackend(HttpBackend):
    """An HttpBackend whose requests carry a bearer token from `token_path`.

    `basic_auth`: True sends the client ID and secret to the token endpoint as HTTP
    Basic (UPS), False as fields of the form (FedEx)."""

    token_path: ClassVar[str]
    basic_auth: ClassVar[bool]

    def __init__(
        self,
        client_id: str,
        client_secret: Secret,
        *,
        config_key: str,
        token_margin: timedelta,
        **connection: Unpack[Connection],
    ) -> None:
        settings = f"{config_key}.client_id and {config_key}.client_secret"
        self._token_credential = Credential("the client ID and secret were refused", settings)
        self._client_id = client_id
        self._secret = client_secret
        super().__init__(
            Credential("the access token was refused", settings),
            secrets=lambda: (client_secret.reveal(), *self._tokens.secret_values()),
            **connection,
        )
        self._tokens = TokenCache(self._fetch_token, clock=connection["clock"], margin=token_margin)

    def _authorized(
        self, method: str, path: str, *, expect: Collection[int] = (), **kwargs: Any
    ) -> httpx.Response:
        """Send a request with the bearer token (a fresh one and a second try after
        a 401) and raise as HttpApi.check does for any status not 2xx or `expect`."""

        def send(token: str) -> httpx.Response:
            headers = {"Authorization": f"Bearer {token}", **self._request_headers()}
            return self._http.raw(method, path, headers=headers, **kwargs)

        response = self._tokens.authorized(send)
        self._http.check(response, credential=self._credential, expect=expect)
        return response

    def _request_headers(self) -> dict[str, str]:
        """Headers a request carries besides the token; made afresh for every
        request, the retry after a 401 included, for APIs that want a unique id."""
        return {}

    def _fetch_token(self) -> Token:
        """A new token, for the TokenCache to call when it has none that is good."""
        secret = self._secret.reveal()
        if self.basic_auth:
            form: dict[str, str] = {}
            basic: tuple[str, str] | None = (self._client_id, secret)
        else:
            form, basic = {"client_id": self._client_id, "client_secret": secret}, None
        return client_credentials(
            self._http, self.token_path, credential=self._token_credential, form=form, basic=basic
        )
