"""Who may open the pages, and the headers every response carries.

With `[web] token`, a request needs one of: `Authorization: Bearer <token>`
(Prometheus, scripts), the session cookie, or `?token=<token>` once, which
answers with the cookie and a redirect to the same page without the token
(so it leaves the address bar, the history and any shared link). The cookie
holds an HMAC of the token, not the token. The calendar feed takes the token
in its link every time (a calendar app keeps no cookie). Carrier webhooks
carry their own signatures and are let through to be checked by them.

Everything shown comes from emails that strangers can send, so every
response forbids scripts, styles and images from anywhere but the site
itself, framing, and sniffing (the templates escape as well).
"""

from __future__ import annotations

import hashlib
import hmac

from daemon.config.secrets import Secret
from daemon.web.http import Request, Response, html, redirect

COOKIE = "parcelwatch_session"
TOKEN_PARAMETER = "token"
OPEN_PREFIXES = ("/hooks/",)
# Subscribed to by calendar apps, which keep no cookie: the token in the link
# is accepted as it is, without the redirect.
TOKEN_IN_LINK = frozenset({"/calendar.ics"})
_COOKIE_DAYS = 90

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; manifest-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
)

_REFUSED = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Token needed · parcelwatch</title></head><body><main>
<h1>This parcelwatch needs its token</h1>
<p>Open this page once with <code>?token=</code> and the token from
<code>[web] token</code> in the configuration; this browser then remembers it.</p>
</main></body></html>"""


def secured(response: Response) -> Response:
    """`response` with the security headers, and no caching of personal data
    unless the handler chose a caching policy itself."""
    for name, value in SECURITY_HEADERS:
        response = response.with_header(name, value)
    if not response.has_header("Cache-Control"):
        response = response.with_header("Cache-Control", "no-store")
    return response


class Gate:
    """Decides, per request, whether it may go on (None) or what to answer."""

    def __init__(self, token: Secret | None, cookie_path: str) -> None:
        self._token = token
        self._cookie_path = cookie_path or "/"

    @property
    def guarded(self) -> bool:
        return self._token is not None

    def answer(self, request: Request, base_path: str) -> Response | None:
        if self._token is None or request.path.startswith(OPEN_PREFIXES):
            return None
        token = self._token.reveal()
        bearer = request.headers.get("authorization", "")
        if bearer.startswith("Bearer ") and _same(bearer[7:].strip(), token):
            return None
        if _same(request.cookies.get(COOKIE, ""), session_value(token)):
            return None
        given = request.query.get(TOKEN_PARAMETER)
        if given is not None and _same(given, token):
            if request.path in TOKEN_IN_LINK:
                return None
            target = base_path + request.path + request.without_query(TOKEN_PARAMETER)
            return redirect(target).with_header("Set-Cookie", self._cookie(token))
        return html(_REFUSED, 401).with_header("WWW-Authenticate", 'Bearer realm="parcelwatch"')

    def _cookie(self, token: str) -> str:
        return (
            f"{COOKIE}={session_value(token)}; Path={self._cookie_path}; HttpOnly; "
            f"SameSite=Strict; Max-Age={_COOKIE_DAYS * 86400}"
        )


def session_value(token: str) -> str:
    """What the cookie holds: it lets a browser in, but does not give the token
    away (nor work as one in a header or a link)."""
    return hmac.new(token.encode(), b"parcelwatch web session", hashlib.sha256).hexdigest()


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())
