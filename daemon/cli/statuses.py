"""Exit statuses and the shape of a command's handler: what `main` and every
command share, in a module that imports nothing heavy (so `--help` stays fast).

The service's units restart `run` on a failure (1) but not on the statuses a
restart cannot fix (RestartPreventExitStatus=2 3 4): a configuration error, a
database the user must mend, another daemon already using the database.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping

EXIT_OK = 0
EXIT_FAILURE = 1  # something failed; for `run`, systemd restarts it
EXIT_CONFIG = 2  # a configuration error
EXIT_DATABASE = 3  # the database is damaged or cannot be opened as it stands
EXIT_IN_USE = 4  # another `parcelwatch run` holds the database
EXIT_PIPE = 141  # stdout was closed by its reader (128 + SIGPIPE, as other tools)
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)

Handler = Callable[[argparse.Namespace, Mapping[str, str]], int]
