"""What the `parcelwatch run` process keeps loaded, after it has read mail.

Emails are parsed in worker processes (daemon.parsing), so the daemon's own
process needs neither the parsers nor the HTML decoder; without `[carriers]`, an
OAuth account or a photo to fetch it needs no HTTP client either, and without
`[mqtt]` no ORM (the store writes through Core). Each of those
costs the idle daemon megabytes it would keep for its whole life
(docs/BENCHMARKS.md, "Idle daemon"). The daemon here is the real command against
the real Dovecot, stopped by SIGTERM once its notifications are out; what it had
imported is read at its exit.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.daemon.mail.conftest import PASSWORD, Mailbox, sample_messages, write_config
from tests.support import dovecot
from tests.support.receiver import Receiver

REPO = Path(__file__).resolve().parents[3]
# `parcelwatch run` as its console script runs it, writing its modules out at exit.
PROBE = """
import os, sys
from daemon.cli.main import main
code = main(sys.argv[2:], os.environ)
with open(sys.argv[1], "w") as out:
    out.write("\\n".join(sorted(sys.modules)))
sys.exit(code)
"""
# Loaded by the parse workers, or only when a carrier, an OAuth token, a photo or
# Home Assistant's event log (the ORM) is asked for; none of them by this daemon.
NOT_IN_THE_DAEMON = (
    "sqlalchemy.orm",
    "sqlmodel",
    "pydantic",
    "bs4",
    "lxml",
    "parsers.registry",
    "parsers.message",
    "parsers.amazon.parser",
    "parsers.amazon.languages",
    "parsers.dragonfly",
    "httpx",
    "httpcore",
)


def test_the_daemon_reads_mail_without_loading_parsers_or_http_clients(
    tmp_path: Path, server: dovecot.Dovecot, mailbox: Mailbox, receiver: Receiver
) -> None:
    mailbox.append(sample_messages()[:2])  # order A confirmed and shipped
    config = write_config(tmp_path, server, receiver)
    modules = tmp_path / "modules.txt"
    env = {**os.environ, "HOME": str(tmp_path), "IMAP_PASSWORD": PASSWORD}
    argv = [sys.executable, "-c", PROBE, str(modules), "--config", str(config), "run"]
    process = subprocess.Popen(argv, cwd=REPO, env=env, stderr=subprocess.PIPE, text=True)
    try:
        # "Shipped" (read by a parse worker) and the hello after the first sync
        assert receiver.wait_for(2)
    finally:
        process.send_signal(signal.SIGTERM)
        _, log = process.communicate(timeout=20)
    assert process.returncode == 0, log
    assert receiver.titles()[0].startswith("Shipped")
    loaded = set(modules.read_text().split())
    assert "daemon.parsing.budget" in loaded and "apprise" in loaded  # the probe saw the run
    found = {name for name in NOT_IN_THE_DAEMON if name in loaded}
    assert found == set(), f"the daemon's process loaded {sorted(found)}"
