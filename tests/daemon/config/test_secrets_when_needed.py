"""Secrets are read by the commands that use them, not by reading the config:
the form of a secret table is checked at once, its value when needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from daemon.config.secrets import resolve_all, secrets_in
from daemon.config.settings import load_settings
from daemon.errors import ConfigError

CONFIG = """
[general]
database_url = { env = "DB_URL" }
[[imap]]
name = "home"
host = "127.0.0.1"
username = "me"
password = { credential = "imap-password" }
[[notify.target]]
name = "phone"
url = { file = "{tmp}/notify-url" }
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG.replace("{tmp}", str(tmp_path)))
    return path


def test_reading_the_config_reads_no_secret(tmp_path: Path, config: Path) -> None:
    settings = load_settings(config, {"HOME": str(tmp_path)}, required=True)
    assert [s.source for s in secrets_in(settings)] == [
        "env:DB_URL", "credential:imap-password", f"file:{tmp_path}/notify-url",
    ]  # fmt: skip
    # The file did not exist when the config was read: created now, it is what is read.
    (tmp_path / "notify-url").write_text("json://localhost/hook\n")
    assert settings.notify.targets[0].url.reveal() == "json://localhost/hook"


def test_a_secret_that_cannot_be_read_names_its_key_when_it_is_needed(
    tmp_path: Path, config: Path
) -> None:
    env = {"HOME": str(tmp_path), "DB_URL": "sqlite:////tmp/x.db"}
    settings = load_settings(config, env, required=True)
    with pytest.raises(ConfigError) as info:
        settings.imap[0].password.reveal()  # type: ignore[union-attr]
    assert info.value.key == "imap[0].password"
    assert "$CREDENTIALS_DIRECTORY is not set" in info.value.problem
    with pytest.raises(ConfigError, match=r"imap\[0\]\.password"):
        resolve_all(settings)


def test_resolve_all_reads_every_secret_once(tmp_path: Path, config: Path) -> None:
    credentials = tmp_path / "credentials"
    credentials.mkdir()
    (credentials / "imap-password").write_text("hunter2\n")
    (tmp_path / "notify-url").write_text("json://localhost/hook\n")
    env = {
        "HOME": str(tmp_path),
        "DB_URL": "sqlite:////tmp/x.db",
        "CREDENTIALS_DIRECTORY": str(credentials),
    }
    resolved = resolve_all(load_settings(config, env, required=True))
    (credentials / "imap-password").unlink()  # read already: no longer needed
    assert resolved.imap[0].password is not None
    assert resolved.imap[0].password.reveal() == "hunter2"
    assert resolved.database_url.reveal() == "sqlite:////tmp/x.db"


def test_a_referenced_value_is_checked_when_read(tmp_path: Path, config: Path) -> None:
    (tmp_path / "notify-url").write_text("ntfy.sh/no-scheme\n")
    settings = load_settings(config, {"HOME": str(tmp_path)}, required=True)
    with pytest.raises(ConfigError) as info:
        settings.notify.targets[0].url.reveal()
    assert info.value.key == "notify.target[0].url"
    assert "is not an Apprise URL" in info.value.problem
    assert "no-scheme" not in str(info.value)


def test_the_form_of_a_secret_table_is_still_checked_at_once(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[[notify.target]]\nname = "p"\nurl = { file = "relative/path" }\n')
    with pytest.raises(ConfigError, match="absolute path"):
        load_settings(path, {"HOME": str(tmp_path)}, required=True)
