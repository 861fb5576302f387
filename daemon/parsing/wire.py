"""The frames between the daemon and a parse worker: a length, then a pickle.

One frame per message in each direction over the worker's stdin and stdout.
Both ends are parcelwatch's own code: the worker receives raw email bytes and
answers with `Parsed` values it built itself, never with anything an email wrote
unparsed into the stream.
"""

from __future__ import annotations

import os
import pickle
import select
import time

_LENGTH_BYTES = 8
_CHUNK = 1 << 16


class Overrun(Exception):  # noqa: N818 - a verdict, not a failure
    """The other end did not finish within the deadline."""


class Closed(Exception):  # noqa: N818 - a state, not a failure
    """The other end went away (end of file, broken pipe)."""


def encode(payload: object) -> bytes:
    data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    return len(data).to_bytes(_LENGTH_BYTES, "big") + data


# --- the worker's end: blocking ---------------------------------------------------


def read_frame(fd: int) -> object:
    """The next frame from a blocking descriptor; Closed at end of file."""
    length = int.from_bytes(_read_exactly(fd, _LENGTH_BYTES), "big")
    return pickle.loads(_read_exactly(fd, length))


def _read_exactly(fd: int, count: int) -> bytes:
    chunks: list[bytes] = []
    while count:
        chunk = os.read(fd, min(count, _CHUNK))
        if not chunk:
            raise Closed("end of file")
        chunks.append(chunk)
        count -= len(chunk)
    return b"".join(chunks)


def write_frame(fd: int, payload: object) -> None:
    data = memoryview(encode(payload))
    while data:
        data = data[os.write(fd, data) :]


# --- the daemon's end: non-blocking, against a deadline -----------------------------


def send(fd: int, payload: object, deadline: float) -> None:
    """Write one frame to a non-blocking descriptor before `deadline` (monotonic)."""
    data = memoryview(encode(payload))
    while data:
        select.select([], [fd], [], _left(deadline))
        try:
            data = data[os.write(fd, data) :]
        except BlockingIOError:
            continue
        except BrokenPipeError:
            raise Closed("broken pipe") from None


class Receiver:
    """Reads one frame from a non-blocking descriptor a piece at each `poll`, so
    the caller can check other things (the worker's memory) between pieces."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._buffer = bytearray()

    def poll(self, deadline: float, step: float) -> object | None:
        """The frame, if it is complete after waiting at most `step` seconds;
        None if not yet; Overrun once `deadline` (monotonic) has passed."""
        select.select([self.fd], [], [], min(step, _left(deadline)))
        try:
            chunk = os.read(self.fd, _CHUNK)
        except BlockingIOError:
            return None
        if not chunk:
            raise Closed("end of file")
        self._buffer += chunk
        if len(self._buffer) < _LENGTH_BYTES:
            return None
        length = int.from_bytes(self._buffer[:_LENGTH_BYTES], "big")
        if len(self._buffer) < _LENGTH_BYTES + length:
            return None
        frame: object = pickle.loads(bytes(self._buffer[_LENGTH_BYTES : _LENGTH_BYTES + length]))
        return frame


def _left(deadline: float) -> float:
    """Seconds until `deadline`; Overrun when it has passed."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise Overrun("deadline passed")
    return left
