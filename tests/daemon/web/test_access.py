"""Who may open the pages: loopback without a token; any other address only
with `[web] token`, given once in the link (then a cookie) or as a bearer
header; the token never reaches a page or the log."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from daemon.cli.main import main
from daemon.config.settings import load_settings
from daemon.config.web import Listen, parse_listen
from daemon.errors import ConfigError
from daemon.web.access import COOKIE, session_value
from tests.daemon.web.conftest import TOKEN, AppFactory, ServeFactory, household


@pytest.mark.parametrize(
    ("text", "loopback"),
    [("127.0.0.1:8737", True), ("[::1]:8737", True), ("localhost:80", True),
     ("127.5.0.1:1", True), ("0.0.0.0:8737", False), ("192.168.1.10:8737", False),
     ("[::]:8737", False), ("parcels.lan:8737", False)],
)  # fmt: skip
def test_which_addresses_are_loopback(text: str, loopback: bool) -> None:
    assert parse_listen(text).loopback is loopback


@pytest.mark.parametrize("text", ["8737", "127.0.0.1", "127.0.0.1:70000",
                                  "::1:8737", "[::1]8737", ":8737"])  # fmt: skip
def test_a_bad_listen_address_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"HOST:PORT|port|host"):
        parse_listen(text)


def write(tmp_path: Path, web: str) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(f'[general]\nstate_dir = "{tmp_path / "state"}"\n[web]\n{web}\n')
    return config


def test_listening_off_loopback_without_a_token_is_a_config_error(tmp_path: Path) -> None:
    config = write(tmp_path, 'listen = "0.0.0.0:8737"')
    with pytest.raises(ConfigError) as info:
        load_settings(config, {"HOME": str(tmp_path)}, required=True)
    assert "web.listen" in str(info.value) and "set [web] token" in str(info.value)
    config = write(tmp_path, 'listen = "0.0.0.0:8737"\ntoken = { env = "T" }')
    settings = load_settings(config, {"HOME": str(tmp_path), "T": TOKEN}, required=True)
    assert settings.web.listen == Listen("0.0.0.0", 8737)


@pytest.mark.parametrize(
    ("web", "message"),
    [('token = "short"', "at least 16 characters"),
     ('base_path = "parcels"', "not a URL path"),
     ('base_path = "/a b"', "not a URL path"),
     ('listen = "nowhere"', "HOST:PORT"),
     ("refresh_seconds = 1", "at least 10"),
     ('photo = true', "did you mean 'photos'")],
)  # fmt: skip
def test_each_bad_web_setting_is_one_line(tmp_path: Path, web: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        load_settings(write(tmp_path, web), {"HOME": str(tmp_path)}, required=True)
    assert "\n" not in str(info.value)


def test_the_web_command_refuses_another_address_without_a_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write(tmp_path, "")
    env = {"HOME": str(tmp_path)}
    assert main(["--config", str(config), "web", "--listen", "0.0.0.0:8737"], env) == 2
    err = capsys.readouterr().err
    assert "--listen" in err and "set [web] token" in err


def test_check_config_says_where_the_pages_are_and_who_may_open_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = {"HOME": str(tmp_path), "T": TOKEN}
    config = write(tmp_path, 'listen = "0.0.0.0:8737"\ntoken = { env = "T" }')
    assert main(["--config", str(config), "check-config"], env) == 0
    out = capsys.readouterr().out
    assert "web: http://0.0.0.0:8737/ with `parcelwatch run`, token required" in out
    assert TOKEN not in out
    assert main(["--config", str(write(tmp_path, "")), "check-config"], env) == 0
    assert "web: not served by `parcelwatch run`" in capsys.readouterr().out


def test_with_a_token_the_link_sets_a_cookie_and_leaves_the_address(
    make_app: AppFactory, serve: ServeFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    app = make_app(extra='[web]\ntoken = { env = "WEB_TOKEN" }\n')
    household(app)
    served = serve(app)
    refused = served.get("/")
    assert refused.status_code == 401 and "needs its token" in refused.text
    for path in ("/api/shipments", "/metrics", "/parcel/1", "/static/style.css"):
        assert served.get(path).status_code == 401, path
    assert served.get("/?token=wrong-token-of-enough-length").status_code == 401

    entered = served.get(f"/search?q=lamp&token={TOKEN}")
    assert entered.status_code == 303
    assert entered.headers["location"] == "/search?q=lamp"
    cookie = entered.headers["set-cookie"]
    assert f"{COOKIE}={session_value(TOKEN)}" in cookie
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and TOKEN not in cookie
    served.client.cookies.clear()  # each request below says what it carries

    with_cookie = served.get("/", headers={"Cookie": f"{COOKIE}={session_value(TOKEN)}"})
    assert with_cookie.status_code == 200 and "Water filter" in with_cookie.text
    assert TOKEN not in with_cookie.text
    bearer = served.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert bearer.status_code == 200 and "parcelwatch_shipments" in bearer.text
    subscribed = served.get(f"/calendar.ics?token={TOKEN}")  # a calendar app: no cookie
    assert subscribed.status_code == 200 and subscribed.content.startswith(b"BEGIN:VCALENDAR")
    assert served.get("/calendar.ics").status_code == 401
    cookie_as_bearer = served.get(
        "/metrics", headers={"Authorization": f"Bearer {session_value(TOKEN)}"}
    )
    assert cookie_as_bearer.status_code == 401
    ours = [r for r in caplog.records if r.name.startswith(("daemon", "parcelwatch", "waitress"))]
    assert ours and all(TOKEN not in r.getMessage() for r in ours)  # (httpx logs its own URLs)


def test_webhooks_need_no_token_but_their_own_signature(
    make_app: AppFactory, serve: ServeFactory
) -> None:
    app = make_app(
        extra='[web]\ntoken = { env = "WEB_TOKEN" }\n'
        '[carriers.17track]\napi_key = { env = "KEY17" }\nwebhook = true\n'
    )
    served = serve(app)
    answer = served.client.post("/hooks/17track", content=b"{}")
    assert answer.status_code == 401 and "signature" in answer.text  # not the token page
