"""The `parcelwatch` command behaves like a Unix tool: global options before or
after the command, --version, a closed pipe ends it quietly, `list` fits the
terminal and colours only a terminal (never under NO_COLOR), and `--help`
loads no command's module. Real processes, and a real pseudo-terminal."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from daemon.cli.main import main
from daemon.cli.statuses import EXIT_PIPE
from tests.support.heavy import HEAVY, NOT_FOR_READING

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "daemon" / "cli" / "sample_mailbox"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home whose default config reads the sample mailbox, synced once."""
    home = tmp_path_factory.mktemp("home")
    config = home / ".config" / "parcelwatch" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'[[mailbox]]\nname = "sample"\npath = "{SAMPLE}"\n')
    assert run(home, "sync").returncode == 0
    return home


def environment(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR", "TERM")}
    env.pop("XDG_CONFIG_HOME", None)
    env.pop("XDG_STATE_HOME", None)
    return {**env, "HOME": str(home), **extra}


def run(home: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "daemon.cli", *args],
        cwd=ROOT,
        env=environment(home, **extra),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def on_a_terminal(home: Path, *args: str, columns: int, **extra: str) -> str:
    """What the command prints to a pseudo-terminal `columns` wide."""
    leader, follower = pty.openpty()
    os.set_blocking(leader, True)
    import fcntl
    import struct
    import termios

    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "daemon.cli", *args],
        cwd=ROOT,
        env=environment(home, TERM="xterm", **extra),
        stdout=follower,
        stderr=subprocess.DEVNULL,
    )
    os.close(follower)
    chunks = list(_read_all(leader))
    assert process.wait(60) == 0
    os.close(leader)
    return b"".join(chunks).decode().replace("\r\n", "\n")


def _read_all(fd: int) -> Iterator[bytes]:
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the other end closed
            return
        if not chunk:
            return
        yield chunk


def test_global_options_are_accepted_after_the_command(home: Path, tmp_path: Path) -> None:
    config = home / ".config" / "parcelwatch" / "config.toml"
    after = run(tmp_path, "check-config", "--config", str(config))
    assert after.returncode == 0, after.stderr
    assert after.stdout.startswith(f"config OK: {config}")
    assert "no notification target" in after.stderr
    quiet = run(home, "check-config", "--log-level", "error")
    assert quiet.returncode == 0 and quiet.stderr == ""
    demo = run(home, "list", "--demo")
    assert demo.returncode == 1 and "demo" in demo.stderr  # the demo's database, not ours


def test_an_option_given_before_is_not_undone_by_the_command(home: Path, tmp_path: Path) -> None:
    config = home / ".config" / "parcelwatch" / "config.toml"
    done = run(home, "--log-level", "error", "--config", str(config), "check-config")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith(f"config OK: {config}")


def test_version(home: Path) -> None:
    done = run(home, "--version")
    assert (done.returncode, done.stdout, done.stderr) == (0, "parcelwatch 0.1.0\n", "")


def test_a_closed_pipe_ends_the_command_quietly(home: Path) -> None:
    reader, writer = os.pipe()
    os.close(reader)  # `| head -1` that already went away
    process = subprocess.Popen(
        [sys.executable, "-m", "daemon.cli", "list", "--all"],
        cwd=ROOT,
        env=environment(home),
        stdout=writer,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.close(writer)
    _, err = process.communicate(timeout=60)
    assert (process.returncode, err) == (EXIT_PIPE, "")


def test_list_fits_a_wide_terminal_and_colours_the_status(home: Path) -> None:
    out = on_a_terminal(home, "list", "--all", columns=100)
    lines = ANSI.sub("", out).splitlines()
    assert lines[0].split() == ["ORDER", "ITEMS", "STATUS", "ETA", "CARRIER", "TRACKING", "UPDATED"]
    assert max(len(line) for line in lines) <= 100
    assert any("…" in line for line in lines[1:])  # long titles cut to fit
    assert "\x1b[32mDelivered" in out  # delivered in green


def test_list_has_a_narrow_layout_under_80_columns(home: Path) -> None:
    out = ANSI.sub("", on_a_terminal(home, "list", "--all", columns=50))
    lines = out.splitlines()
    assert "ORDER" not in out
    assert max(len(line) for line in lines) <= 50
    blocks = out.strip().split("\n\n")
    assert len(blocks) == 4
    assert all(block.startswith("Delivered · ") for block in blocks)
    assert any("113-4829105-7730624 · UPS 1Z999AA10123456784" in block for block in blocks)


def test_no_colour_under_no_color_or_in_a_pipe(home: Path) -> None:
    assert not ANSI.search(on_a_terminal(home, "list", "--all", columns=120, NO_COLOR="1"))
    piped = run(home, "list", "--all")
    assert piped.returncode == 0 and not ANSI.search(piped.stdout)
    assert max(len(line) for line in piped.stdout.splitlines()) > 80  # a pipe is not cut


def test_columns_in_the_environment_wins(home: Path) -> None:
    done = run(home, "list", "--all", COLUMNS="90")
    assert max(len(line) for line in done.stdout.splitlines()) <= 90


def test_help_loads_no_command_module() -> None:
    code = (
        "import sys, contextlib, io\n"
        "from daemon.cli.main import main\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--help'], {})\n"
        "heavy = [m for m in ('sqlalchemy', 'apprise', 'apscheduler', 'daemon.app') "
        "if m in sys.modules]\n"
        "print(heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_every_new_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    for command in (["outbox", "--help"], ["outbox", "retry", "--help"], ["status", "--help"]):
        with pytest.raises(SystemExit) as exited:
            main(command, {})
        assert exited.value.code == 0
        assert "parcelwatch outbox" in capsys.readouterr().out or command[0] == "status"


@pytest.mark.parametrize(
    "command", [["list", "--all"], ["show", "113-4829105-7730624"], ["status"]], ids=" ".join
)
def test_reading_commands_load_no_heavy_library(home: Path, command: list[str]) -> None:
    """Reading needs the database only: what sends, schedules, fetches or parses
    HTML is not imported, nor what renders notifications (tests/support/heavy.py
    says why)."""
    code = (
        "import sys\n"
        "from daemon.cli.main import main\n"
        f"assert main({command!r}) == 0\n"
        f"heavy = [m for m in {HEAVY + NOT_FOR_READING!r} if m in sys.modules]\n"
        "print(heavy, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment(home), capture_output=True,
        text=True, timeout=60, check=False,
    )  # fmt: skip
    assert (done.returncode, done.stderr.strip()) == (0, "[]")
