"""What each library the daemon loads adds to its resident memory: the
breakdown behind the idle daemon's figure (bench/idle.py).

Run: .venv/bin/python -m bench.import_memory

A fresh interpreter imports, in the daemon's order, each library of the
design card and the daemon's own packages, then adds one Apprise URL (Apprise
loads every plugin then) and loads every language's tables, and prints the
resident size (VmRSS of /proc/self/status) after each step. One interpreter
per run, so nothing this benchmark imports is counted.
"""

from __future__ import annotations

import subprocess
import sys

STEPS = (
    ("sqlalchemy", "import sqlalchemy"),
    ("sqlalchemy.orm", "import sqlalchemy.orm"),
    ("sqlmodel (pydantic)", "import sqlmodel"),
    ("the store (Core tables, ORM classes)", "import daemon.store.database, daemon.store.tables"),
    ("apscheduler", "import apscheduler.schedulers.background"),
    ("imapclient", "import imapclient"),
    ("httpx (carrier backends)", "import httpx"),
    ("bs4 and lxml.html", "import bs4, lxml.html"),
    ("the parsers (English tables)", "import parsers.registry, parsers.amazon.en"),
    ("apprise", "import apprise"),
    ("the first Apprise URL (every plugin)",
     "import apprise; apprise.Apprise().add('json://127.0.0.1:9/hook')"),
    ("the other nine language tables",
     "from parsers.amazon.languages import BY_MARKETPLACE, of_marketplace\n"
     "for domain in BY_MARKETPLACE: of_marketplace(domain)"),
    ("the rest of the daemon (daemon.app, the service)",
     "import daemon.app, daemon.service.runner, daemon.service.loop"),
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


def main() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *(code for _, code in STEPS)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    lines = [line.split("\t") for line in done.stdout.splitlines()]
    before = float(lines[0][1])
    print(f"python {sys.version.split()[0]}")
    print("| step | adds | resident |\n|---|---|---|")
    print(f"| CPython | | {before:.1f} MB |")
    for (name, _), (_, value) in zip(STEPS, lines[1:], strict=True):
        now = float(value)
        print(f"| {name} | {now - before:.1f} MB | {now:.1f} MB |")
        before = now


if __name__ == "__main__":
    main()
