"""Keys for new rows, taken from PostgreSQL's sequences ahead of their INSERTs.

Recording an email on PostgreSQL cost a round trip per statement: the message's
row, each new order and parcel (INSERT ... RETURNING, for the key the next
rows refer to), each link and timeline line. With the keys known before the
rows are written, all of one email's writes go out as one statement
(daemon.store.rows), and the import runs near SQLite's speed
(docs/BENCHMARKS.md, "Fast at every size").

Keys are taken a block at a time (one query per `block` new rows of a table),
so a process holds a few unused ones: they are skipped, as a rolled-back
transaction's are. Within a process keys still grow in the order rows are
made; two processes writing at once interleave their blocks, so on a shared
database a smaller key is not always an older row (nothing relies on that:
creation times are columns of their own).
"""

from __future__ import annotations

import threading
from collections import deque

import sqlalchemy as sa
from sqlalchemy.engine import Connection

# One block: the keys a query takes from a table's sequence at once.
BLOCK = 64

_TAKE = sa.text(
    "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"
)


class Keys:
    """The keys one store hands out, per table. Safe to share between the
    threads that record (each IMAP account's, the carrier checks')."""

    def __init__(self, block: int = BLOCK) -> None:
        self.block = block
        self._free: dict[str, deque[int]] = {}
        self._lock = threading.Lock()

    def take(self, connection: Connection, table: sa.Table) -> int:
        """A key for a new row of `table`; a block is fetched through
        `connection` (in its transaction: a sequence ignores rollbacks)."""
        with self._lock:
            free = self._free.setdefault(table.name, deque())
            if not free:
                taken = connection.execute(_TAKE, {"table": table.name, "count": self.block})
                free.extend(int(row[0]) for row in taken)
            return free.popleft()
