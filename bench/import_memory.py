"""What each library the daemon loads adds to its resident memory: the
breakdown behind the idle daemon's figure (bench/idle.py).

Run: .venv/bin/python -m bench.import_memory

Three fresh interpreters, one per process the daemon's work runs in, print the
resident size (VmRSS of /proc/self/status) after each step:

- the daemon's own process (`parcelwatch run`), in the order it loads: the store
  with SQLAlchemy Core, APScheduler, imapclient, Apprise and the first Apprise URL
  (Apprise loads every plugin then), and the rest of the daemon; then what it
  loads only when asked: httpx for a carrier backend or an OAuth account's token,
  httpcore for the first delivery photo, the ORM for Home Assistant's event log;
- a parse worker (daemon.parsing.worker): the parsers, with bs4 and lxml, and
  every language's tables, which the daemon's process no longer loads.

One interpreter per process, so nothing this benchmark imports is counted.
"""

from __future__ import annotations

import subprocess
import sys

DAEMON = (
    ("sqlalchemy (Core)", "import sqlalchemy"),
    ("the store (Core tables and rows)", "import daemon.store.database, daemon.store.rows"),
    ("apscheduler", "import apscheduler.schedulers.background"),
    ("imapclient", "import imapclient"),
    ("apprise", "import apprise"),
    ("the first Apprise URL (every plugin)",
     "import apprise; apprise.Apprise().add('json://127.0.0.1:9/hook')"),
    ("the rest of the daemon (`parcelwatch run`, the service)",
     "import daemon.cli.run, daemon.service.runner, daemon.service.loop"),
    ("only with [carriers] or an OAuth account: httpx and the backends",
     "import daemon.carriers.seventeen_track, daemon.mail.imap_auth, httpx"),
    ("only at the first delivery photo: httpcore", "import daemon.notify.photo_conn"),
    ("only with [mqtt]: the ORM (sqlalchemy.orm, sqlmodel, pydantic) for its event log",
     "import daemon.store.tables"),
)  # fmt: skip

WORKER = (
    ("the worker's own modules", "import daemon.parsing.worker"),
    ("bs4 and lxml.html", "import bs4, lxml.html"),
    ("the parsers (English tables)", "import parsers.registry, parsers.amazon.en"),
    ("the other language tables",
     "from parsers.amazon.languages import BY_MARKETPLACE, of_marketplace\n"
     "for domain in BY_MARKETPLACE: of_marketplace(domain)"),
)  # fmt: skip

_PROBE = """
import sys
def rss():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")
print(f"start\\t{rss():.1f}", flush=True)
for index, code in enumerate(sys.argv[1:]):
    exec(code)
    print(f"{index}\\t{rss():.1f}", flush=True)
"""


def measure(title: str, steps: tuple[tuple[str, str], ...]) -> None:
    """Print the table of one process: each step and what it added."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *(code for _, code in steps)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    lines = [line.split("\t") for line in done.stdout.splitlines()]
    before = float(lines[0][1])
    print(f"\n{title}\n\n| step | adds | resident |\n|---|---|---|")
    print(f"| CPython | | {before:.1f} MB |")
    for (name, _), (_, value) in zip(steps, lines[1:], strict=True):
        now = float(value)
        print(f"| {name} | {now - before:.1f} MB | {now:.1f} MB |")
        before = now


def main() -> None:
    print(f"python {sys.version.split()[0]}")
    measure("The daemon's process (`parcelwatch run`)", DAEMON)
    measure("A parse worker (daemon.parsing.worker)", WORKER)


if __name__ == "__main__":
    main()
