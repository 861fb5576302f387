"""Home Assistant over MQTT: parcelwatch as one device with its entities.

`topics` names every topic (discovery configs under the discovery prefix,
states under the base topic); `board` sorts the parcels into what the count
sensors show (arriving today, out for delivery, waiting for pickup, delivered
today, in transit, late); `entities` writes the discovery configs and states as
Home Assistant's MQTT discovery documents them (pure: views in, messages out);
`events` decides which milestones fire the event entity, once each, and keeps
that record in the store (`homeassistant_event`) so a restart fires nothing
again; `publisher` plans one pass (what to publish, what to clear) and
`bridge` holds the paho-mqtt connection (last will, reconnect with backoff,
republish when Home Assistant comes online). Publishing never runs in a mail
or carrier thread: the service runs passes in a thread of their own.

May import `store`, `config`, the core and `parsers`; never `mail`, `notify`,
`carriers`, `service` or `cli` (what it needs of them, the parcel's link and
the delivery photo, is passed in by daemon.app). paho-mqtt is imported only
by `bridge`, which only `sync` and `run` load.
"""
