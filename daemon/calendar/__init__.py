"""Parcels on a calendar: an iCalendar (RFC 5545) feed any calendar app reads.

`feed` turns the store's shipment views into the feed's bytes (pure, so that
`parcelwatch calendar`, the file `run` keeps current and the web pages all
serve the same thing); `file` writes it to `[calendar] path` only when it
changed, atomically, so a web server never serves half a file. The icalendar
library writes the format (CRLF line ends, lines folded at 75 octets,
escaping); it is imported only by `feed`, which only the commands that make a
feed load.

May import `store`, `config`, the core and `parsers`; never `mail`, `notify`,
`carriers`, `mqtt`, `service` or `cli` (a parcel's link is passed in).
"""
