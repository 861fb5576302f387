"""Local mail stores: a Maildir, an mbox file, or a folder of .eml files.

Read-only: messages are read as bytes and nothing is marked, moved or locked,
so pointing parcelwatch at a live mail client's store is safe.
"""

from __future__ import annotations

import mailbox
from collections.abc import Iterator
from pathlib import Path

from daemon.errors import PermanentError
from daemon.mail.raw import RawMessage

_EML_SUFFIXES = (".eml", ".msg", ".txt")


def kind_of(path: Path) -> str:
    """ "maildir", "mbox" or "folder"; a PermanentError when it is none of them."""
    if path.is_dir():
        if all((path / sub).is_dir() for sub in ("cur", "new")):
            return "maildir"
        return "folder"
    if path.is_file():
        if path.suffix.lower() in _EML_SUFFIXES:
            return "file"
        with path.open("rb") as handle:
            if handle.read(5) == b"From ":
                return "mbox"
        return "file"
    raise PermanentError(f"{path}: no such file or directory; give a Maildir, mbox or .eml path")


def read(path: Path, name: str | None = None) -> Iterator[RawMessage]:
    """Every message at `path`, in a stable order (oldest Maildir entries first)."""
    kind = kind_of(path)
    source = f"{kind}:{name or path}"
    if kind == "maildir":
        yield from _maildir(path, source)
    elif kind == "mbox":
        yield from _mbox(path, source)
    elif kind == "folder":
        for file in sorted(p for p in path.rglob("*") if p.suffix.lower() in _EML_SUFFIXES):
            yield RawMessage(file.read_bytes(), source, str(file.relative_to(path)))
    else:
        yield RawMessage(path.read_bytes(), source, path.name)


def count(path: Path) -> int | None:
    """How many messages `read(path)` yields, when that is cheap to know
    (files in a Maildir or folder); None for an mbox."""
    kind = kind_of(path)
    if kind == "maildir":
        return sum(
            1 for sub in ("cur", "new") for f in (path / sub).iterdir()
            if f.is_file() and not f.name.startswith(".")
        )  # fmt: skip
    if kind == "folder":
        return sum(1 for p in path.rglob("*") if p.suffix.lower() in _EML_SUFFIXES)
    if kind == "file":
        return 1
    return None


def _maildir(path: Path, source: str) -> Iterator[RawMessage]:
    files = [f for sub in ("cur", "new") for f in (path / sub).iterdir() if f.is_file()]
    # Maildir names start with the delivery time, so sorting by name is by arrival.
    for file in sorted(files, key=lambda f: f.name):
        if file.name.startswith("."):
            continue
        yield RawMessage(file.read_bytes(), source, f"{file.parent.name}/{file.name}")


def _mbox(path: Path, source: str) -> Iterator[RawMessage]:
    box = mailbox.mbox(path, create=False)
    try:
        for key in box.iterkeys():
            yield RawMessage(box.get_bytes(key), source, f"#{key}")
    finally:
        box.close()
