"""The [[imap]] sections: accounts, security rules, credentials and presets."""

from __future__ import annotations

from pathlib import Path

import pytest

from daemon.config.imap import ImapAccount, is_loopback
from daemon.config.settings import load_settings
from daemon.errors import ConfigError

ENV = {"HOME": "/nonexistent", "PW": "imap-password", "RT": "refresh-token"}
BASE = '[[imap]]\nname = "home"\nusername = "me@example.org"\n'
HOST = 'host = "mail.example.org"\n'
PASSWORD = 'password = { env = "PW" }\n'


def load(tmp_path: Path, text: str) -> tuple[ImapAccount, ...]:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return load_settings(path, ENV, required=True).imap


def error(tmp_path: Path, text: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load(tmp_path, text)
    return info.value


BROKEN = [
    # (case id, text, key named, part of the problem)
    ("no-name", '[[imap]]\nhost = "h"\nusername = "u"\n' + PASSWORD, "imap[0].name", "missing"),
    ("no-host", BASE + PASSWORD, "imap[0].host", "missing"),
    ("no-username", '[[imap]]\nname = "a"\n' + HOST + PASSWORD, "imap[0].username", "missing"),
    ("no-credential", BASE + HOST, "imap[0].password", "missing"),
    ("typo", BASE + HOST + PASSWORD + "folder = []\n", "imap[0].folder", "'folders'"),
    ("security-value", BASE + HOST + PASSWORD + 'security = "ssl"\n', "imap[0].security", "tls"),
    (
        "plain-over-network",
        BASE + HOST + PASSWORD + 'security = "plain"\n',
        "imap[0].security",
        "only towards a loopback address, not 'mail.example.org'",
    ),
    ("port-range", BASE + HOST + PASSWORD + "port = 99999\n", "imap[0].port", "65535"),
    ("folders-empty", BASE + HOST + PASSWORD + "folders = []\n", "imap[0].folders", "empty"),
    ("folders-type", BASE + HOST + PASSWORD + 'folders = "INBOX"\n', "imap[0].folders", "array"),
    ("idle-type", BASE + HOST + PASSWORD + 'idle = "yes"\n', "imap[0].idle", "true or false"),
    ("poll-too-fast", BASE + HOST + PASSWORD + "poll_interval = 1\n", "imap[0].poll_interval",
     "at least 10"),
    ("ca-file-missing", BASE + HOST + PASSWORD + 'ca_file = "/nonexistent/ca.pem"\n',
     "imap[0].ca_file", "does not exist"),
    ("provider-typo", BASE + 'provider = "gmail"\n', "imap[0].provider", "google"),
    ("password-with-oauth", BASE + HOST + PASSWORD + 'auth = "xoauth2"\n', "imap[0].password",
     "not used with auth = 'xoauth2'"),
    ("oauth-key-with-login", BASE + HOST + PASSWORD + 'auth = "login"\nclient_id = "x"\n',
     "imap[0].client_id", "only used with auth"),
    ("oauth-without-endpoint", BASE + HOST + 'client_id = "x"\nrefresh_token = { env = "RT" }\n',
     "imap[0].token_endpoint", "missing"),
    ("oauth-http-endpoint", BASE + HOST + 'client_id = "x"\nrefresh_token = { env = "RT" }\n'
     'token_endpoint = "http://auth.example.org/token"\n', "imap[0].token_endpoint", "https://"),
    ("command-and-refresh-token", BASE + 'provider = "google"\ntoken_command = "x"\n'
     'refresh_token = { env = "RT" }\n', "imap[0].refresh_token", "token_command"),
    ("command-unbalanced", BASE + 'provider = "google"\ntoken_command = "x \'y"\n',
     "imap[0].token_command", "cannot be split"),
    ("duplicate-name", BASE + HOST + PASSWORD + BASE + HOST + PASSWORD, "imap[1].name",
     "duplicate"),
    ("forwarding-not-address", '[amazon]\nforwarding_addresses = ["partner"]\n',
     "amazon.forwarding_addresses[0]", "not an email address"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [pytest.param(text, key, problem, id=case) for case, text, key, problem in BROKEN],
)
def test_broken_imap_config_names_the_key(
    tmp_path: Path, text: str, key: str, problem: str
) -> None:
    exc = error(tmp_path, text)
    assert (exc.key, "\n" in str(exc)) == (key, False)
    assert problem in exc.problem


def test_case_ids_are_unique() -> None:
    assert len({case for case, *_ in BROKEN}) == len(BROKEN)


def test_defaults_for_a_password_account(tmp_path: Path) -> None:
    [account] = load(tmp_path, BASE + HOST + PASSWORD)
    assert (account.security, account.port, account.auth) == ("tls", 993, "login")
    assert account.password is not None and account.password.reveal() == "imap-password"
    assert account.folders == ("INBOX",)
    assert (account.backfill_days, account.poll_interval, account.idle) == (90, 300, True)
    assert (account.oauth, account.token_command, account.ca_file) == (None, None, None)


def test_starttls_defaults_to_port_143(tmp_path: Path) -> None:
    [account] = load(tmp_path, BASE + HOST + PASSWORD + 'security = "starttls"\n')
    assert account.port == 143


def test_plain_is_allowed_on_loopback(tmp_path: Path) -> None:
    text = BASE + 'host = "127.0.0.1"\nsecurity = "plain"\n' + PASSWORD
    [account] = load(tmp_path, text)
    assert (account.security, account.port) == ("plain", 143)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.3.2.1", True), ("::1", True), ("[::1]", True),
     ("localhost", True), ("LOCALHOST", True), ("10.0.0.1", False), ("localhost.evil.com", False),
     ("mail.example.org", False), ("::ffff:8.8.8.8", False)],
)  # fmt: skip
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_microsoft_preset_with_tenant(tmp_path: Path) -> None:
    text = (
        BASE + 'provider = "microsoft"\nclient_id = "app"\ntenant = "contoso.onmicrosoft.com"\n'
        'refresh_token = { env = "RT" }\n'
    )
    [account] = load(tmp_path, text)
    assert account.host == "outlook.office365.com"
    assert account.auth == "xoauth2"
    assert account.oauth is not None
    assert account.oauth.token_endpoint == (
        "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"
    )
    assert "IMAP.AccessAsUser.All" in account.oauth.scope
    assert account.oauth.client_secret is None


def test_inline_password_warns(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(BASE + HOST + 'password = "hunter2"\n')
    settings = load_settings(path, ENV, required=True)
    [warning] = settings.warnings
    assert warning.startswith("imap[0].password: given inline")
    assert "hunter2" not in warning and "hunter2" not in repr(settings)
