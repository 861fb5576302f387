"""paho-mqtt and icalendar are loaded only by what publishes or writes a feed:
other commands start without them (DESIGN.md: commands load on demand)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PROBE = """
import sys
from daemon.cli.main import main
main(sys.argv[1:], {"HOME": %r})
print(sorted({m.split(".")[0] for m in sys.modules} & {"paho", "icalendar"}))
"""


def loaded_by(tmp_path: Path, *argv: str) -> str:
    done = subprocess.run([sys.executable, "-c", PROBE % str(tmp_path), *argv], cwd=ROOT,
                          capture_output=True, text=True, check=True)  # fmt: skip
    return done.stdout.strip().splitlines()[-1]


def test_list_loads_neither_paho_nor_icalendar(tmp_path: Path) -> None:
    assert loaded_by(tmp_path, "list") == "[]"


def test_calendar_loads_icalendar_only(tmp_path: Path) -> None:
    assert loaded_by(tmp_path, "calendar") == "['icalendar']"
