"""README's service section, checked against what it refers to: the files it
installs exist, the paths it uses are the units' and the config's, the secrets
it stores are the ones the unit hands over and the config reads, and the
commands it shows are ones parcelwatch accepts. (Running them under a real
systemd is beyond a test; the units themselves are checked by
tests/daemon/service/test_systemd.py and the commands beside a service by
tests/daemon/cli/test_beside_service.py.)"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from daemon.cli.main import COMMANDS, _chosen, _parser
from daemon.config.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
SERVICE = README[README.index("### Run as a service (systemd)") : README.index("## Architecture")]
UNIT = (ROOT / "systemd" / "parcelwatch.service").read_text()


def shell_lines(text: str) -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL)
    lines = [line.split("  #")[0].strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def test_every_repository_file_the_steps_use_exists() -> None:
    used = set(re.findall(r"(?<![\w/.])systemd/[\w.-]+", SERVICE))
    assert {"systemd/config.toml", "systemd/parcelwatch.service"} <= used
    assert [name for name in sorted(used) if not (ROOT / name).is_file()] == []


def test_the_install_path_is_the_units() -> None:
    [exec_start] = [line for line in UNIT.splitlines() if line.startswith("ExecStart=")]
    program = exec_start.removeprefix("ExecStart=").split()[0]
    assert program == "/opt/parcelwatch/venv/bin/parcelwatch"
    assert "sudo python3 -m venv /opt/parcelwatch/venv" in shell_lines(SERVICE)
    assert f"sudo ln -s {program} /usr/local/bin/parcelwatch" in shell_lines(SERVICE)


def test_the_installed_config_points_at_the_services_database() -> None:
    settings = load_settings(ROOT / "systemd" / "config.toml", {"HOME": "/root"}, required=True)
    [state] = [line for line in UNIT.splitlines() if line.startswith("StateDirectory=")]
    assert settings.state_dir == Path("/var/lib") / state.removeprefix("StateDirectory=")
    assert "--config /etc/parcelwatch/config.toml" in UNIT


def test_the_secrets_stored_are_the_ones_handed_over_and_read() -> None:
    stored = set(re.findall(r"/etc/credstore/(parcelwatch\.[\w-]+)", SERVICE))
    handed = dict(re.findall(r"^LoadCredential=([\w-]+):([\w.-]+)$", UNIT, flags=re.MULTILINE))
    assert set(handed.values()) == stored
    config = (ROOT / "systemd" / "config.toml").read_text()
    read = set(re.findall(r'credential = "([\w-]+)"', config))
    assert read == set(handed)


@pytest.mark.parametrize(
    "line", [line for line in shell_lines(SERVICE) if "parcelwatch --config" in line]
)
def test_every_parcelwatch_command_shown_is_accepted(line: str) -> None:
    words = shlex.split(line)
    argv = words[words.index("parcelwatch") + 1 :]
    chosen = _chosen(argv)
    assert chosen is not None and chosen in COMMANDS
    _parser(chosen).parse_args(argv)  # exits (fails the test) on an unknown option
