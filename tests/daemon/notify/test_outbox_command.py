"""`parcelwatch outbox` and `outbox retry`: what waits and what failed, and
sending the failed ones again once the target works, each notification exactly
once per target. A real local receiver; the CLI as a user runs it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from daemon.cli.main import main
from tests.conftest import general_section
from tests.support.receiver import Receiver
from tests.support.replay import fresh_maildir

pytestmark = pytest.mark.storage

SAMPLE = Path(__file__).resolve().parents[3] / "daemon" / "cli" / "sample_mailbox"


def test_failed_deliveries_are_listed_and_sent_again_exactly_once(
    tmp_path: Path, receiver: Receiver, capsys: pytest.CaptureFixture[str], database_url: str
) -> None:
    # The CLI runs the real clock: the sample story, dated as if it came just now.
    sample = fresh_maildir(SAMPLE, tmp_path / "sample", datetime.now(UTC))
    config = tmp_path / "config.toml"
    config.write_text(
        general_section(tmp_path / "state", database_url)
        + f'[[mailbox]]\nname = "sample"\npath = "{sample}"\n'
        "[notify]\nmax_attempts = 1\nphotos = false\n"
        f'[[notify.target]]\nname = "hook"\nurl = "{receiver.url("json", "/hook")}"\n'
        f'[[notify.target]]\nname = "other"\nurl = "{receiver.url("json", "/other")}"\n'
    )
    base, env = ["--config", str(config)], {"HOME": str(tmp_path)}
    receiver.fail_paths.add("/hook")  # the phone app is broken: every send to it fails

    # The twelve milestones of the sample story, and the hello after the first sync.
    assert main([*base, "sync"], env) == 0
    assert "notifications: 13 sent, 0 to retry, 13 given up" in capsys.readouterr().out

    assert main([*base, "outbox"], env) == 0
    listed = capsys.readouterr().out.splitlines()
    failed = [line for line in listed if line.startswith("FAILED   hook  ")]
    assert len(failed) == 13
    assert "gave up after 1 attempts: failure: " in listed[1]
    assert listed[-1] == (
        "0 waiting, 13 failed. `parcelwatch outbox retry [TARGET]` queues the failed ones again."
    )

    receiver.fail_paths.clear()  # fixed
    assert main([*base, "outbox", "retry", "phone"], env) == 1
    assert "No target named 'phone' (known: hook, other)." in capsys.readouterr().err
    assert main([*base, "outbox", "retry", "hook"], env) == 0
    assert capsys.readouterr().out == (
        "Queued 13 failed deliveries to hook again; `parcelwatch sync` (or starting the "
        "service) sends them.\n"
    )
    assert main([*base, "outbox", "retry", "hook"], env) == 0  # twice: nothing more queued
    assert capsys.readouterr().out == "Nothing to retry: no delivery to hook was given up.\n"

    assert main([*base, "sync"], env) == 0
    assert "notifications: 13 sent" in capsys.readouterr().out
    assert main([*base, "outbox", "retry"], env) == 0  # sent ones are never queued again
    assert capsys.readouterr().out == "Nothing to retry: no delivery was given up.\n"
    assert main([*base, "sync"], env) == 0
    assert main([*base, "outbox"], env) == 0
    assert capsys.readouterr().out.endswith(
        "The outbox is empty: nothing waits to be sent, nothing failed.\n"
    )

    delivered = [(r.path, r.json()["title"]) for r in receiver.requests if r.path == "/hook"]
    # (The receiver records what it accepted: the refused sends are not in it.)
    assert len(delivered) == 13 and len(set(delivered)) == 13  # each notification once
    others = [r.json()["title"] for r in receiver.requests if r.path == "/other"]
    assert len(others) == 13 and len(set(others)) == 13  # never repeated to "other"
    assert others[-1] == "Watching sample"  # the hello, after the story, once
