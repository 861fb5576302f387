"""The one place where HTTP outcomes become parcelwatch's error tiers.

Every backend talks through an `HttpApi`, so "401 means the key is wrong, 429 means
wait as long as the server says, 5xx and timeouts are worth a retry" is decided
once. Messages are one line, name the backend and the setting to check, and pass
through a scrubber: a server that echoes a key or token back in its error text
must not put it in our log.
"""

from __future__ import annotations

import email.utils
import math
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from daemon.carriers.base import Clock
from daemon.carriers.pacing import Pacer
from daemon.errors import AuthError, PermanentError, TransientError

USER_AGENT = "parcelwatch/0.1 (self-hosted parcel tracker)"
_DETAIL_CHARS = 160


@dataclass(frozen=True)
class Credential:
    """How an AuthError names what was refused: `refused` reads "the API key was
    refused" and `setting` is the config key (or keys) the user should check."""

    refused: str
    setting: str


class HttpApi:
    """An httpx.Client for one backend, with its errors mapped at the boundary."""

    def __init__(
        self,
        *,
        backend: str,
        base_url: str,
        timeout: float,
        clock: Clock,
        secrets: Callable[[], Iterable[str]],
        headers: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.backend = backend
        self._clock = clock
        self._secrets = secrets
        self._timeout = timeout
        self._client = httpx.Client(
            base_url=base_url,
            timeout=timeout,
            transport=transport,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})},
        )
        self.host = self._client.base_url.host or base_url
        self.pacer: Pacer | None = None
        # What the metrics report per backend; only the thread that checks
        # carriers writes them (one job at a time), a scrape only reads.
        self.requests = 0
        self.errors = 0

    def close(self) -> None:
        self._client.close()

    def send(
        self,
        method: str,
        path: str,
        *,
        credential: Credential,
        expect: Collection[int] = (),
        **kwargs: Any,
    ) -> httpx.Response:
        """Send a request; any status that is neither 2xx nor in `expect` raises."""
        response = self.raw(method, path, **kwargs)
        self.check(response, credential=credential, expect=expect)
        return response

    def raw(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send a request and return whatever status came back; only failures to get
        an answer at all raise (TransientError)."""
        if self.pacer is not None:
            self.pacer.wait()
        self.requests += 1
        try:
            return self._client.request(method, path, **kwargs)
        except httpx.TimeoutException:
            self.errors += 1
            raise TransientError(
                f"{self.backend}: no answer from {self.host} within {self._timeout:g}s"
            ) from None
        except httpx.TransportError as exc:
            self.errors += 1
            reason = self.scrub(str(exc)) or type(exc).__name__
            raise TransientError(f"{self.backend}: cannot reach {self.host}: {reason}") from None

    def check(
        self, response: httpx.Response, *, credential: Credential, expect: Collection[int] = ()
    ) -> None:
        """Raise the error tier that `response`'s status means, unless it is 2xx or
        one the caller handles itself (`expect`)."""
        status = response.status_code
        if 200 <= status < 300 or status in expect:
            return
        self.errors += 1
        detail = self._detail(response)
        if status in (401, 403):
            raise AuthError(
                f"{self.backend}: {credential.refused} ({status}); check {credential.setting}"
            )
        if status == 429:
            raise TransientError(
                f"{self.backend}: rate limited (429){detail}",
                retry_after=retry_after(response.headers, self._clock()),
            )
        if status >= 500:
            raise TransientError(
                f"{self.backend}: server error {status}{detail}",
                retry_after=retry_after(response.headers, self._clock()),
            )
        raise PermanentError(
            f"{self.backend}: unexpected HTTP {status} from {response.request.url.path}{detail}"
        )

    def json(self, response: httpx.Response) -> Any:
        """The decoded body; malformed JSON is a TransientError (a proxy's error
        page or a truncated answer is usually gone on the next try)."""
        try:
            return response.json()
        except ValueError:
            self.errors += 1
            raise TransientError(
                f"{self.backend}: malformed JSON in the answer to "
                f"{response.request.url.path} (HTTP {response.status_code})"
            ) from None

    def scrub(self, text: str) -> str:
        """`text` with every current secret value replaced by ***."""
        for secret in sorted((s for s in self._secrets() if s), key=len, reverse=True):
            text = text.replace(secret, "***")
        return text

    def _detail(self, response: httpx.Response) -> str:
        message = server_message(response)
        if not message:
            return ""
        message = " ".join(self.scrub(message).split())
        if len(message) > _DETAIL_CHARS:
            message = message[: _DETAIL_CHARS - 1] + "…"
        return f": {message}"


def server_message(response: httpx.Response) -> str | None:
    """The human message in an error body, wherever this API family puts it:
    message, detail, title, meta.message, errors[0].message,
    response.errors[0].message, data.errors[0].message."""
    try:
        body = response.json()
    except ValueError:
        return None
    return _message_in(body)


def _message_in(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    for key in ("message", "detail", "title"):
        if isinstance(body.get(key), str) and body[key]:
            return str(body[key])
    for key in ("meta", "response", "data"):
        found = _message_in(body.get(key))
        if found:
            return found
    errors = body.get("errors")
    if isinstance(errors, list) and errors:
        return _message_in(errors[0])
    return None


def retry_after(headers: Mapping[str, str], now: datetime) -> float | None:
    """Seconds to wait, from Retry-After (delta seconds or an HTTP-date), else from
    X-RateLimit-Reset (the Unix time the window resets, as AfterShip sends it).
    None when the server does not say."""
    value = headers.get("retry-after", "").strip()
    if value:
        try:
            seconds = float(value)
        except ValueError:
            return _seconds_until_http_date(value, now)
        return max(seconds, 0.0) if math.isfinite(seconds) else None
    reset = headers.get("x-ratelimit-reset", "").strip()
    if reset:
        try:
            epoch = float(reset)
        except ValueError:
            return None
        if math.isfinite(epoch):
            return max(epoch - now.timestamp(), 0.0)
    return None


def _seconds_until_http_date(value: str, now: datetime) -> float | None:
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - now).total_seconds(), 0.0)
