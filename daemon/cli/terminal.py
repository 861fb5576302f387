"""What the output stream is: how wide, and whether colour belongs in it.

Colour only on a terminal, never when NO_COLOR is set (https://no-color.org)
or TERM is "dumb"; the width is $COLUMNS when set, else the terminal's, else
none (a pipe or a file gets whole lines). Widths are counted in terminal
cells: CJK titles take two cells a character.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TextIO

_STYLES = {
    "bold": "1",
    "dim": "2",
    "red": "31",
    "green": "32",
    "yellow": "33",
    "cyan": "36",
}


@dataclass(frozen=True)
class Terminal:
    width: int | None
    colour: bool

    @classmethod
    def of(cls, stream: TextIO, env: Mapping[str, str]) -> Terminal:
        try:
            tty = stream.isatty()
        except (AttributeError, ValueError):
            tty = False
        return cls(_width(stream, env, tty), tty and _colour_allowed(env))

    def paint(self, text: str, *styles: str) -> str:
        """`text` in these styles (bold, dim, red, green, yellow, cyan)."""
        if not self.colour or not styles or not text:
            return text
        codes = ";".join(_STYLES[style] for style in styles)
        return f"\x1b[{codes}m{text}\x1b[0m"


def _colour_allowed(env: Mapping[str, str]) -> bool:
    return not env.get("NO_COLOR") and env.get("TERM") != "dumb"


def _width(stream: TextIO, env: Mapping[str, str], tty: bool) -> int | None:
    columns = env.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if not tty:
        return None
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError):
        return None


def cells(text: str) -> int:
    """How many terminal columns `text` takes."""
    return sum(_cell(char) for char in text)


def _cell(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def fit(text: str, width: int) -> str:
    """`text` cut to `width` cells, with "…" where it was cut."""
    if cells(text) <= width:
        return text
    kept, used = [], 0
    for char in text:
        if used + _cell(char) > width - 1:
            break
        kept.append(char)
        used += _cell(char)
    return "".join(kept).rstrip() + "…"


def pad(text: str, width: int) -> str:
    """`text` followed by spaces up to `width` cells."""
    return text + " " * max(width - cells(text), 0)
