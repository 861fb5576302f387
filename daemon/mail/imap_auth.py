"""Access tokens for XOAUTH2 / OAUTHBEARER logins.

Google and Microsoft 365 no longer accept passwords over IMAP: the client logs in
with a short-lived access token. parcelwatch gets one either from a refresh token
(the OAuth 2 refresh-token grant against the provider's token endpoint) or from a
command the user already has (`token_command`, as mutt, aerc and isync do). A
token is cached until shortly before it expires, and refreshed early when the
server refuses it.

Errors follow the tiers: a refused refresh token or a failing command is an
AuthError (the user must act); an unreachable endpoint is a TransientError. No
message ever contains a token, a secret or the endpoint's response body.

httpx is imported by the first refresh-token grant: a daemon whose accounts log
in with passwords never loads it.
"""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import httpx

from daemon.config.imap import ImapAccount, OAuthSettings
from daemon.errors import AuthError, TransientError

log = logging.getLogger(__name__)

_EARLY_REFRESH = timedelta(minutes=2)
_DEFAULT_LIFETIME = timedelta(minutes=30)
_COMMAND_TIMEOUT = 60.0
_HTTP_TIMEOUT = 30.0


class TokenSource(Protocol):
    def access_token(self, *, renew: bool = False) -> str:
        """A valid access token; `renew` discards the cached one first."""
        ...


class RefreshTokenGrant:
    """Access tokens from an OAuth 2 token endpoint, cached until expiry.

    Providers may rotate the refresh token (Microsoft does): the new one is kept
    for this process; the configured one stays valid for the provider's grace
    period, so a restart still works.
    """

    def __init__(
        self,
        account: str,
        settings: OAuthSettings,
        clock: Callable[[], datetime],
        http: httpx.Client | None = None,
    ) -> None:
        self.account = account
        self.settings = settings
        self.clock = clock
        if http is None:
            import httpx  # only an OAuth account needs it (module docstring)

            http = httpx.Client(timeout=_HTTP_TIMEOUT)
        self._http = http
        self._refresh_token = settings.refresh_token.reveal()
        self._token: str | None = None
        self._expires_at = clock()

    def access_token(self, *, renew: bool = False) -> str:
        if renew or self._token is None or self.clock() >= self._expires_at - _EARLY_REFRESH:
            self._token = self._fetch()
        return self._token

    def _fetch(self) -> str:
        import httpx  # loaded with the client, in __init__

        form = {
            "grant_type": "refresh_token",
            "refresh_token": self._refresh_token,
            "client_id": self.settings.client_id,
        }
        if self.settings.client_secret is not None:
            form["client_secret"] = self.settings.client_secret.reveal()
        if self.settings.scope:
            form["scope"] = self.settings.scope
        where = f"imap account '{self.account}': token endpoint {self.settings.token_endpoint}"
        try:
            response = self._http.post(self.settings.token_endpoint, data=form)
        except httpx.HTTPError as exc:
            raise TransientError(f"{where}: unreachable ({type(exc).__name__})") from None
        if response.status_code >= 500 or response.status_code == 429:
            raise TransientError(f"{where}: HTTP {response.status_code}, will retry")
        body = _json_object(response)
        if response.status_code != 200:
            error = body.get("error") if isinstance(body.get("error"), str) else "refused"
            raise AuthError(
                f"{where} refused the refresh token ({error}, HTTP {response.status_code}); "
                "check client_id/client_secret or create a new refresh token",
                short="refresh token refused",
                fix="create a new refresh token",
            )
        token = body.get("access_token")
        if not isinstance(token, str) or not token:
            raise TransientError(f"{where}: the response has no access_token")
        lifetime = body.get("expires_in")
        seconds = lifetime if isinstance(lifetime, int | float) and lifetime > 0 else None
        self._expires_at = self.clock() + (
            timedelta(seconds=seconds) if seconds else _DEFAULT_LIFETIME
        )
        rotated = body.get("refresh_token")
        if isinstance(rotated, str) and rotated and rotated != self._refresh_token:
            self._refresh_token = rotated
            log.info("imap account '%s': the provider rotated the refresh token", self.account)
        return token


def _json_object(response: httpx.Response) -> dict[str, object]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


class TokenCommand:
    """Access tokens printed by a user's command (its first line of output).

    The command is run without a shell, each time a token is needed: tools like
    `oama` or `gcloud auth print-access-token` cache and refresh on their own.
    """

    def __init__(self, account: str, argv: Sequence[str], timeout: float = _COMMAND_TIMEOUT):
        self.account = account
        self.argv = tuple(argv)
        self.timeout = timeout

    def access_token(self, *, renew: bool = False) -> str:
        where = f"imap account '{self.account}': token_command '{self.argv[0]}'"
        try:
            done = subprocess.run(
                self.argv,
                capture_output=True,
                text=True,
                timeout=self.timeout,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except FileNotFoundError:
            raise AuthError(
                f"{where} was not found (check the path)",
                short="token_command not found",
                fix="fix token_command",
            ) from None
        except subprocess.TimeoutExpired:
            raise TransientError(f"{where} did not finish in {self.timeout:g} s") from None
        except OSError as exc:
            raise AuthError(
                f"{where} could not run: {exc.strerror}",
                short="token_command cannot run",
                fix="fix token_command",
            ) from None
        lines = done.stdout.strip().splitlines()
        if done.returncode != 0 or not lines:
            what = f"exited with status {done.returncode}" if done.returncode else "printed nothing"
            raise AuthError(
                f"{where} {what}; run it by hand to see why",
                short=f"token_command {what}",
                fix="run token_command by hand",
            )
        return lines[0].strip()


def token_source(account: ImapAccount, clock: Callable[[], datetime]) -> TokenSource | None:
    """Where an account's access tokens come from; None for password logins."""
    if account.token_command is not None:
        return TokenCommand(account.name, account.token_command)
    if account.oauth is not None:
        return RefreshTokenGrant(account.name, account.oauth, clock)
    return None
