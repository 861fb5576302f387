"""The parse worker: `python -I -m daemon.parsing.worker`, started by BudgetedReader.

It reads its settings (one frame on stdin), builds the parsers, answers READY,
then reads one email per frame and answers each with its `Parsed`, until its
stdin closes (the daemon stopped or let it go) or no email came for
`idle_seconds`. Standard output carries frames only: anything printed goes to
standard error, which is the daemon's log.
"""

from __future__ import annotations

import select
import signal
import sys

from daemon.parsing.reading import READY, WorkerSettings, read_email
from daemon.parsing.wire import Closed, read_frame, write_frame

_STDIN, _STDOUT = 0, 1


def main() -> int:
    # Ctrl-C reaches the whole process group; stopping is the daemon's to decide,
    # and it closes this worker's stdin when it does.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.stdout = sys.stderr
    try:
        settings = read_frame(_STDIN)
    except Closed:
        return 0
    if not isinstance(settings, WorkerSettings):
        print(f"parse worker: expected its settings, got {type(settings).__name__}")
        return 2
    registry = settings.options.registry()
    write_frame(_STDOUT, READY)
    while select.select([_STDIN], [], [], settings.idle_seconds)[0]:
        try:
            raw = read_frame(_STDIN)
        except Closed:
            return 0
        write_frame(_STDOUT, read_email(registry, raw if isinstance(raw, bytes) else b""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
