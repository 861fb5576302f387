"""A broken configuration stops every command that does work before the work
starts: one line on stderr that names the file and the key, exit status 2, and no
database created (DESIGN.md, "Error tiers": permanent errors say what to fix).

The commands run in-process through `daemon.cli.main` with an environment that
points HOME and the XDG directories into tmp_path, so nothing touches the real
home. tests/daemon/test_config.py checks each error's wording at the loader;
this file checks what a person at the terminal (or systemd) sees.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from daemon.cli.main import main
from daemon.cli.statuses import EXIT_CONFIG
from daemon.config.paths import default_state_dir

IMAP = '[[imap]]\nname = "home"\nhost = "127.0.0.1"\nusername = "me"\npassword = "pw"\n'
TARGET = '[[notify.target]]\nname = "phone"\nurl = "json://127.0.0.1:9/hook"\n'

# (case id, config file contents, what the error line must say besides the file
# name: the key, and for some the hint). "{tmp}" stands for tmp_path. Where the
# file itself is wrong (its syntax, its encoding) there is no key to name.
CASES: list[tuple[str, str | bytes, tuple[str, ...]]] = [
    ("toml-syntax", '[general\nlog_level = "info"\n', ("invalid TOML", "line 1")),
    ("not-utf8", b'[general]\ntimezone = "Europe/Z\xfcrich"\n', ("not UTF-8",)),
    ("unknown-table", '[database]\nurl = "sqlite://"\n', ("'database'", "expected one of")),
    (
        "unknown-key-did-you-mean",
        '[general]\nlog_levl = "debug"\n',
        ("general.log_levl", "did you mean 'log_level'"),
    ),
    (
        "string-for-integer",
        '[general]\narchive_after_days = "30"\n',
        ("general.archive_after_days", "expected an integer"),
    ),
    (
        "below-minimum",
        "[general]\narchive_after_days = 0\n",
        ("general.archive_after_days", "at least 1"),
    ),
    ("port-out-of-range", IMAP + "port = 70000\n", ("imap[0].port", "at most 65535")),
    (
        "imap-without-host",
        '[[imap]]\nname = "home"\nusername = "me"\npassword = "pw"\n',
        ("imap[0].host", "required"),
    ),
    (
        "unknown-marketplace",
        '[amazon]\nmarketplaces = ["amazon.cm"]\n',
        ("amazon.marketplaces[0]", "did you mean 'amazon.com'"),
    ),
    (
        "unknown-time-zone",
        '[general]\ntimezone = "Europe/Berln"\n',
        ("general.timezone", "Europe/Berlin"),
    ),
    (
        "notify-url-without-scheme",
        '[[notify.target]]\nname = "phone"\nurl = "ntfy.sh/my-parcels"\n',
        ("notify.target[0].url",),
    ),
    (
        "secret-env-missing",
        '[[notify.target]]\nname = "phone"\nurl = { env = "PARCELWATCH_TEST_UNSET" }\n',
        ("notify.target[0].url", "PARCELWATCH_TEST_UNSET"),
    ),
    (
        "secret-file-missing",
        IMAP.replace('"pw"', '{ file = "{tmp}/no-such-secret" }'),
        ("imap[0].password", "no-such-secret"),
    ),
    ("imap-duplicate-name", IMAP + IMAP, ("imap[1].name", "duplicate")),
    ("target-duplicate-name", TARGET + TARGET, ("notify.target[1].name", "duplicate")),
    (
        "plain-imap-to-network",
        IMAP.replace("127.0.0.1", "mail.example.org") + 'security = "plain"\n',
        ("imap[0].security", "loopback"),
    ),
    ("carrier-without-key", "[carriers.dhl]\ntimeout = 10\n", ("carriers.dhl.api_key",)),
    (
        "carrier-without-secret",
        '[carriers.ups]\nclient_id = "abc"\n',
        ("carriers.ups.client_secret",),
    ),
]
# `run --account` names an account no config defines: a config that wrongly
# loads then fails the test at once, instead of starting the daemon.
COMMANDS = {
    "run": ["run", "--account", "no-such-account"],
    "sync": ["sync"],
    "check-config": ["check-config"],
}


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """HOME and the XDG directories inside tmp_path, and nothing else."""
    return {
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }


def run_broken(
    command: list[str], config: Path, env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> str:
    """Run the command; assert the config-error contract; return the error line."""
    status = main(["--config", str(config), *command], env)
    out, err = capsys.readouterr()
    lines = [line for line in err.splitlines() if line.strip()]
    assert status == EXIT_CONFIG, f"exit {status}; stderr: {err!r}"
    assert len(lines) == 1, f"expected one line on stderr, got: {err!r}"
    assert out == ""
    state_dir = default_state_dir(env)
    assert not state_dir.exists() or not any(state_dir.iterdir()), "work started"
    (line,) = lines
    assert str(config) in line
    return line


def test_cases_are_distinct() -> None:
    assert len({case for case, _, _ in CASES}) == len(CASES)
    assert len({text for _, text, _ in CASES}) == len(CASES)


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
@pytest.mark.parametrize(
    ("text", "named"), [pytest.param(text, named, id=case) for case, text, named in CASES]
)
def test_broken_config_is_one_line_naming_the_key_and_exit_2(
    tmp_path: Path,
    env: dict[str, str],
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    text: str | bytes,
    named: tuple[str, ...],
) -> None:
    config = tmp_path / "config.toml"
    if isinstance(text, bytes):
        config.write_bytes(text)
    else:
        config.write_text(text.replace("{tmp}", str(tmp_path)), encoding="utf-8")
    line = run_broken(command, config, env, capsys)
    for part in named:
        assert part in line
    assert line.startswith("parcelwatch: config error: ")


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
def test_a_config_path_that_does_not_exist_is_one_line_and_exit_2(
    tmp_path: Path, env: dict[str, str], capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    line = run_broken(command, tmp_path / "absent.toml", env, capsys)
    assert "not found" in line


# Broken configs that load, then fail while the app is built: still one line
# naming the key, exit 2, and nothing written.
BUILD_ERRORS = [
    pytest.param(
        '[[notify.target]]\nname = "phone"\nurl = { env = "FOO_URL" }\n',
        "notify.target[0].url",
        id="apprise-unknown-scheme",
    ),
    pytest.param(
        '[general]\ndatabase_url = "sqlite:////proc/no-such-dir/x.db"\n',
        "general.database_url",
        id="database-directory-unusable",
    ),
    pytest.param(
        '[general]\nstate_dir = "{tmp}/config.toml"\n',
        "general.state_dir",
        id="state-dir-is-a-file",
    ),
    pytest.param(
        '[general]\ndatabase_url = "nosuchdb://host/db"\n',
        "general.database_url",
        id="database-driver-unknown",
    ),
]


@pytest.mark.parametrize("command", [["sync"], ["check-config"]], ids=["sync", "check-config"])
@pytest.mark.parametrize(("text", "key"), BUILD_ERRORS)
def test_config_errors_found_while_building_are_one_line_and_exit_2(
    tmp_path: Path,
    env: dict[str, str],
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    text: str,
    key: str,
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(text.replace("{tmp}", str(tmp_path)), encoding="utf-8")
    env["FOO_URL"] = "foo://tok3n@bar"
    line = run_broken(command, config, env, capsys)
    assert key in line
    assert "tok3n" not in line


def test_a_good_config_passes_the_same_checks_the_broken_ones_fail(
    tmp_path: Path, env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """The contract above can fail: a valid config exits 0, and `sync` does
    its work (the database is created)."""
    config = tmp_path / "config.toml"
    config.write_text(f"{IMAP}port = {closed_port()}\n{TARGET}", encoding="utf-8")
    assert main(["--config", str(config), "check-config"], env) == 0
    out, _ = capsys.readouterr()
    assert out.startswith(f"config OK: {config}")
    assert not default_state_dir(env).exists()  # check-config makes no database
    main(["--config", str(config), "sync"], env)
    assert any(default_state_dir(env).iterdir())


def closed_port() -> int:
    """A loopback port nothing listens on (the account's sync fails at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port
