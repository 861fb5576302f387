"""A realistic sample notification for `parcelwatch notify-test`: what a real
one of that milestone looks like, with made-up but well-formed ids."""

from __future__ import annotations

import struct
import zlib
from datetime import date, timedelta

from daemon.notify.photo import Photo
from daemon.store.views import Snapshot
from parsers.model import Eta, Milestone

_ORDER = "113-0000000-0000000"
_TRACKING = "1Z999AA10123456784"  # UPS's published example number (valid check digit)


def sample_snapshot(milestone: Milestone, today: date) -> Snapshot:
    eta = Eta.day(today + timedelta(days=2 if milestone is Milestone.SHIPPED else 0))
    return Snapshot(
        milestone=milestone,
        item_titles=("USB-C cable, 2 m", "Phone case"),
        order_ids=(_ORDER,),
        marketplace="amazon.com",
        carrier="ups",
        tracking_number=_TRACKING,
        eta=eta,
        pickup_code="482913" if milestone is Milestone.AVAILABLE_FOR_PICKUP else None,
        label="parcelwatch test",
    )


def sample_photo() -> Photo:
    """A small generated PNG (a parcel-brown square), to show that the target
    accepts the photo a delivered notification carries."""
    side = 32
    row = b"\x00" + bytes((0x9C, 0x6B, 0x3F)) * side
    raw = zlib.compress(row * side)

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
    return Photo(content=png, mime_type="image/png", filename="delivery-photo.png")
