"""Backends that authenticate with one API key in a header (17TRACK, AfterShip, DHL).

They differ only in the header's name, so the key, the credential an AuthError
names (`<config_key>.api_key`) and the scrubbing of the key from error text are
set up here once.
"""

from __future__ import annotations

from typing import ClassVar, Unpack

from daemon.carriers.http import Credential
from daemon.carriers.http_backend import Connection, HttpBackend
from daemon.config.secrets import Secret


class ApiKeyBackend(HttpBackend):
    """An HttpBackend whose requests carry `api_key` in the `key_header` header."""

    key_header: ClassVar[str]

    def __init__(
        self, api_key: Secret, *, config_key: str, **connection: Unpack[Connection]
    ) -> None:
        self._key = api_key
        super().__init__(
            Credential("the API key was refused", f"{config_key}.api_key"),
            secrets=lambda: (api_key.reveal(),),
            **connection,
        )

    def _key_headers(self) -> dict[str, str]:
        """The key as a request header, revealed per request: set as a default
        header of the httpx client instead, the plain key would sit in an object
        that lives as long as the backend."""
        return {self.key_header: self._key.reveal()}
