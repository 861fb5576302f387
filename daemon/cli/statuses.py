"""Exit statuses and the shape of a command's handler: what `main` and every
command share, in a module that imports nothing heavy (so `--help` stays fast)."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_CONFIG = 2  # a configuration error: systemd's unit does not restart on it

Handler = Callable[[argparse.Namespace, Mapping[str, str]], int]
