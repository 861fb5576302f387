"""Connection security and authentication against a real Dovecot: STARTTLS and
implicit TLS verified against a CA file, XOAUTH2 and OAUTHBEARER with tokens from
a loopback token endpoint or a command, and the errors a user sees when any of it
is wrong."""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.daemon.mail.conftest import PASSWORD, AppFactory, Mailbox, sample_messages
from tests.support import dovecot

REFRESH_TOKEN = "1//refresh-token-value"
CLIENT_SECRET = "client-secret-value"


@pytest.fixture
def two_messages(mailbox: Mailbox) -> None:
    mailbox.append(sample_messages()[:2])


@pytest.mark.parametrize("security", ["starttls", "tls"])
@pytest.mark.usefixtures("two_messages")
def test_tls_with_the_servers_ca_file(
    make_app: AppFactory, server: dovecot.Dovecot, tls: dovecot.Tls, security: str
) -> None:
    port = server.tls_port if security == "tls" else server.port
    app = make_app(security=security, port=port, host="localhost", ca_file=str(tls.ca_file))
    [result] = app.mailboxes().sync(app.settings.imap)
    assert result.error is None
    assert result.reports[0].fetched == 2


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_an_untrusted_certificate_is_refused_with_advice(
    make_app: AppFactory, server: dovecot.Dovecot, security: str
) -> None:
    port = server.tls_port if security == "tls" else server.port
    app = make_app(security=security, port=port, host="localhost")
    [result] = app.mailboxes().sync(app.settings.imap)
    assert result.error is not None
    assert "certificate is not trusted" in result.error and "ca_file" in result.error


def token_endpoint(
    httpserver: HTTPServer, tokens: list[str], seen: list[dict[str, list[str]]]
) -> str:
    """A loopback OAuth 2 token endpoint handing out `tokens` in turn (the last
    one again and again) for our refresh token."""

    def handle(request: Request) -> Response:
        form = parse_qs(request.get_data(as_text=True))
        seen.append(form)
        if form.get("refresh_token") != [REFRESH_TOKEN]:
            return Response('{"error": "invalid_grant"}', 400, content_type="application/json")
        token = tokens[min(len(seen), len(tokens)) - 1]
        body = f'{{"access_token": "{token}", "expires_in": 3599, "token_type": "Bearer"}}'
        return Response(body, 200, content_type="application/json")

    httpserver.expect_request("/token", method="POST").respond_with_handler(handle)
    return httpserver.url_for("/token")


@pytest.mark.parametrize("mechanism", ["xoauth2", "oauthbearer"])
@pytest.mark.usefixtures("two_messages")
def test_oauth_with_a_refresh_token(
    make_app: AppFactory, httpserver: HTTPServer, mechanism: str
) -> None:
    # Dovecot checks a bearer token against its password database, so the
    # user's password stands for the access token here.
    seen: list[dict[str, list[str]]] = []
    app = make_app(
        password=None,
        auth=mechanism,
        token_endpoint=token_endpoint(httpserver, [PASSWORD], seen),
        client_id="parcelwatch-test",
        client_secret=CLIENT_SECRET,
        refresh_token=REFRESH_TOKEN,
        scope="https://mail.example/imap",
    )
    [result] = app.mailboxes().sync(app.settings.imap)
    assert result.error is None and result.reports[0].fetched == 2
    [form] = seen
    assert form["grant_type"] == ["refresh_token"]
    assert form["client_id"] == ["parcelwatch-test"]
    assert form["client_secret"] == [CLIENT_SECRET]
    assert form["scope"] == ["https://mail.example/imap"]


def test_a_refused_refresh_token_says_what_to_do(
    make_app: AppFactory, httpserver: HTTPServer
) -> None:
    seen: list[dict[str, list[str]]] = []
    app = make_app(
        password=None,
        token_endpoint=token_endpoint(httpserver, [PASSWORD], seen),
        client_id="parcelwatch-test",
        refresh_token="revoked",
    )
    [result] = app.mailboxes().sync(app.settings.imap)
    assert result.error is not None
    assert "refused the refresh token (invalid_grant, HTTP 400)" in result.error
    assert "revoked" not in result.error


@pytest.mark.usefixtures("two_messages")
def test_a_token_the_server_refuses_is_renewed_once(
    make_app: AppFactory, httpserver: HTTPServer
) -> None:
    """The provider revoked the token it handed out: one new token, then success;
    the renewed token is cached for the next connection."""
    seen: list[dict[str, list[str]]] = []
    app = make_app(
        password=None,
        token_endpoint=token_endpoint(httpserver, ["revoked-token", PASSWORD], seen),
        client_id="parcelwatch-test",
        refresh_token=REFRESH_TOKEN,
    )
    boxes = app.mailboxes()
    [first] = boxes.sync(app.settings.imap)
    assert first.error is None and first.reports[0].fetched == 2
    assert len(seen) == 2
    [second] = boxes.sync(app.settings.imap)
    assert second.error is None and len(seen) == 2


def test_a_token_refused_twice_is_an_auth_error(
    make_app: AppFactory, server: dovecot.Dovecot, httpserver: HTTPServer
) -> None:
    seen: list[dict[str, list[str]]] = []
    app = make_app(
        password=None,
        token_endpoint=token_endpoint(httpserver, ["wrong-1", "wrong-2"], seen),
        client_id="parcelwatch-test",
        refresh_token=REFRESH_TOKEN,
    )
    [result] = app.mailboxes().sync(app.settings.imap)
    assert result.error is not None
    assert "login refused" in result.error and "access token and its scope" in result.error
    assert len(seen) == 2 and "wrong-" not in result.error


@pytest.mark.usefixtures("two_messages")
def test_token_command(make_app: AppFactory, tmp_path: Path) -> None:
    script = tmp_path / "print-token.py"
    script.write_text(f"print({PASSWORD!r})\n")
    app = make_app(password=None, auth="xoauth2", token_command=f"{sys.executable} {script}")
    [result] = app.mailboxes().sync(app.settings.imap)
    assert result.error is None and result.reports[0].fetched == 2


def test_a_failing_token_command_is_named(make_app: AppFactory) -> None:
    app = make_app(password=None, auth="xoauth2", token_command=f"{sys.executable} -c 'exit(3)'")
    [result] = app.mailboxes().sync(app.settings.imap)
    assert result.error is not None
    assert "token_command" in result.error and "exited with status 3" in result.error
