"""Writing a shipment's carrier-check row (when to ask its carrier next, and
what the last answer was), made on first use: shared by the carrier ledger and
`archive`, which stops the asking."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.engine import Connection

from daemon.store import schema


def save_check(connection: Connection, shipment_pk: int, values: Mapping[str, object]) -> None:
    """Write `values` into the shipment's check row, made if it has none."""
    check = schema.carriercheck
    done = connection.execute(
        check.update().where(check.c.shipment_pk == shipment_pk).values(dict(values))
    )
    if done.rowcount == 0:
        row = {"shipment_pk": shipment_pk, "done": False, "stale_notified": False, **values}
        connection.execute(check.insert().values(row))
