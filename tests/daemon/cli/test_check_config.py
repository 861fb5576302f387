"""`check-config`'s advice: a config file others can read that holds secrets,
a config with nothing to read or no one to tell; and `import` showing its
progress through the same reporters as `sync` and `run`."""

from __future__ import annotations

from pathlib import Path

import pytest

from daemon.cli.context import build_app
from daemon.cli.mail import read_local
from daemon.cli.main import main
from daemon.config.settings import load_settings
from daemon.mail import local
from daemon.mail.progress import Task

SAMPLE = Path(__file__).resolve().parents[3] / "daemon" / "cli" / "sample_mailbox"
MAILBOX = f'[[mailbox]]\nname = "sample"\npath = "{SAMPLE}"\n'
INLINE_TARGET = '[[notify.target]]\nname = "phone"\nurl = "ntfys://ntfy.sh/s3cret-topic"\n'
ENV_TARGET = '[[notify.target]]\nname = "phone"\nurl = { env = "NTFY_URL" }\n'


def check(
    tmp_path: Path, text: str, mode: int, capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[str]]:
    config = tmp_path / "config.toml"
    config.write_text(f'[general]\nstate_dir = "{tmp_path / "state"}"\n{text}')
    config.chmod(mode)
    env = {"HOME": str(tmp_path), "NTFY_URL": "ntfys://ntfy.sh/topic"}
    status = main(["--config", str(config), "check-config"], env)
    captured = capsys.readouterr()
    assert captured.out.startswith(f"config OK: {config}")
    warnings = [line.split(" WARNING parcelwatch: ", 1)[1] for line in captured.err.splitlines()]
    return status, warnings


def test_a_readable_config_holding_a_secret_is_warned_about(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, warnings = check(tmp_path, MAILBOX + INLINE_TARGET, 0o644, capsys)
    config = tmp_path / "config.toml"
    assert status == 0
    assert (
        f"{config}: readable by other users (mode 644) and holds secrets (notify.target[0].url); "
        f'`chmod 600 {config}`, or keep them out of it with {{ credential = "..." }} or '
        '{ env = "..." }'
    ) in warnings
    assert not any("s3cret" in w for w in warnings)


@pytest.mark.parametrize(
    ("text", "mode"),
    [(MAILBOX + INLINE_TARGET, 0o600), (MAILBOX + ENV_TARGET, 0o644)],
    ids=["private-file", "no-inline-secret"],
)
def test_no_mode_warning_when_nothing_is_exposed(
    tmp_path: Path, text: str, mode: int, capsys: pytest.CaptureFixture[str]
) -> None:
    _, warnings = check(tmp_path, text, mode, capsys)
    assert not any("readable by other users" in w for w in warnings)


def test_nothing_to_read_and_no_one_to_tell_are_warned_about(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, warnings = check(tmp_path, "", 0o600, capsys)
    assert status == 0
    assert warnings == [
        "no mail source: add an [[imap]] account (or a [[mailbox]]) so that parcelwatch has "
        "mail to read (see config.example.toml)",
        "no notification target: add a [[notify.target]] (or [notify] apprise_config), or "
        "parcelwatch records parcels but tells no one",
    ]
    _, complete = check(tmp_path, MAILBOX + ENV_TARGET, 0o600, capsys)
    assert complete == []


class Recorded:
    def __init__(self) -> None:
        self.tasks: list[tuple[str, int | None]] = []
        self.looked_at = self.read = self.finished = 0

    def task(self, what: str, total: int | None) -> Task:
        self.tasks.append((what, total))
        return self

    def advance(self, looked_at: int, read: int) -> None:
        self.looked_at += looked_at
        self.read += read

    def finish(self) -> None:
        self.finished += 1


def test_import_reports_its_progress(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[general]\nstate_dir = "{tmp_path / "state"}"\n')
    app = build_app(load_settings(config, {"HOME": str(tmp_path)}, required=True))
    try:
        progress = Recorded()
        messages = local.read(SAMPLE)
        tally = read_local(app.pipeline, messages, "sample", local.count(SAMPLE), progress)
    finally:
        app.close()
    assert progress.tasks == [("sample", 16)]
    # 16 messages looked at, of which 15 are order emails (one is Amazon marketing).
    assert (progress.looked_at, progress.read, progress.finished) == (16, 15, 1)
    assert tally.seen == 16
