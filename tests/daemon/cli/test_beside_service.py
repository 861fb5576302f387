"""The CLI beside the system service: an administrator runs `sudo parcelwatch
--config /etc/parcelwatch/config.toml show ...` with the service's config,
whose secrets are systemd credentials only the service can read. The commands
that only read the database must work; the ones that use a secret must say
which one they cannot read. Real processes, real exit statuses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from daemon.cli.statuses import EXIT_CONFIG, EXIT_FAILURE
from daemon.config.secrets import secrets_in
from daemon.config.settings import load_settings

ROOT = Path(__file__).resolve().parents[3]
SYSTEM_CONFIG = ROOT / "systemd" / "config.toml"
SAMPLE = ROOT / "daemon" / "cli" / "sample_mailbox"
ORDER = "114-2210934-5561847"


def parcelwatch(
    config: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k != "CREDENTIALS_DIRECTORY"}
    return subprocess.run(
        [sys.executable, "-m", "daemon.cli", "--config", str(config), *args],
        cwd=ROOT,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def install_config(directory: Path) -> Path:
    """systemd/config.toml as installed, its state_dir moved into `directory`."""
    text = SYSTEM_CONFIG.read_text().replace("/var/lib/parcelwatch", str(directory / "state"))
    text = text.replace("imap.example.org", "127.0.0.1")
    config = directory / "config.toml"
    config.write_text(text)
    config.chmod(0o644)
    return config


@pytest.fixture
def service_config(tmp_path: Path) -> Path:
    return install_config(tmp_path)


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The service's database with the sample mailbox in it, written the way the
    service would: with its credentials at hand. (Shared: the tests only read.)"""
    directory = tmp_path_factory.mktemp("service")
    service_config = install_config(directory)
    credentials = directory / "credentials"
    credentials.mkdir()
    (credentials / "imap-password").write_text("pw\n")
    (credentials / "notify-url").write_text("json://127.0.0.1:9/closed\n")
    done = parcelwatch(
        service_config,
        "import",
        "--no-notify",
        str(SAMPLE),
        env={"CREDENTIALS_DIRECTORY": str(credentials)},
    )
    assert done.returncode == 0, done.stderr
    return service_config


def test_the_system_config_example_uses_the_services_state_dir_and_no_inline_secret() -> None:
    settings = load_settings(SYSTEM_CONFIG, {"HOME": "/nonexistent"}, required=True)
    assert settings.state_dir == Path("/var/lib/parcelwatch")
    sources = sorted(s.source for s in secrets_in(settings) if s.source != "default")
    assert sources == ["credential:imap-password", "credential:notify-url"]
    assert settings.warnings == ()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["list", "--all"], "1Z999AA10123456784"),
        (["show", ORDER], f"Order {ORDER}"),
        (["status"], "Daemon: not running"),
        (["outbox"], "The outbox is empty"),  # `import --no-notify` queued nothing
        (["parse", str(SAMPLE / "cur" / "1774282477.M1P100.sample,U=1:2,S")], "ordered"),
    ],
    ids=["list", "show", "status", "outbox", "parse"],
)
def test_reading_commands_work_without_the_services_credentials(
    filled: Path, args: list[str], expected: str
) -> None:
    done = parcelwatch(filled, *args)
    assert done.returncode == 0, done.stderr
    assert expected in done.stdout
    assert "CREDENTIALS_DIRECTORY" not in done.stderr


def test_check_config_warns_about_credentials_it_cannot_read_outside_the_service(
    filled: Path,
) -> None:
    done = parcelwatch(filled, "check-config")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"config OK: {filled} (1 IMAP accounts")
    warnings = [line for line in done.stderr.splitlines() if "not checked" in line]
    assert [w.split("WARNING parcelwatch: ")[1] for w in warnings] == [
        "imap[0].password: not checked: credential:imap-password is a systemd credential, "
        "which only the service can read",
        "notify.target[0].url: not checked: credential:notify-url is a systemd credential, "
        "which only the service can read",
    ]


def test_under_the_service_a_missing_credential_is_an_error(
    tmp_path: Path, service_config: Path
) -> None:
    empty = tmp_path / "credentials"
    empty.mkdir()
    done = parcelwatch(service_config, "check-config", env={"CREDENTIALS_DIRECTORY": str(empty)})
    assert done.returncode == EXIT_CONFIG
    assert "imap[0].password: cannot read credential imap-password" in done.stderr


def test_a_command_that_uses_a_secret_names_the_one_it_cannot_read(filled: Path) -> None:
    done = parcelwatch(filled, "sync")
    assert done.returncode == EXIT_CONFIG
    [line] = done.stderr.splitlines()
    assert line.startswith(f"parcelwatch: config error: {filled}: imap[0].password: ")
    assert "$CREDENTIALS_DIRECTORY is not set" in line


def test_reading_commands_make_no_database_where_there_is_none(
    tmp_path: Path, service_config: Path
) -> None:
    done = parcelwatch(service_config, "list")
    assert done.returncode == EXIT_FAILURE
    database = tmp_path / "state" / "parcelwatch.db"
    assert done.stderr.strip() == (
        f"parcelwatch: no database at {database} yet: `parcelwatch sync`, `import` or the "
        "service makes it (check --config and [general] state_dir)"
    )
    assert not (tmp_path / "state").exists()
