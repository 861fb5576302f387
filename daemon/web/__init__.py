"""The web interface: pages, JSON API, Prometheus metrics and carrier webhooks,
served by one small WSGI application.

`site` routes requests (`http` reads them, `access` guards them with the
token and adds the security headers every answer carries); `pages` draws the
dashboard, parcel, order and search pages from Jinja2 templates that escape
everything (`board` sorts the dashboard, pure); `api` answers in the JSON of
`list --json` and `show --json`; `/calendar.ics` serves the feed the app
hands in (daemon.calendar, through App.calendar_feed, so this package does
not import it); `metrics` collects from the database at
scrape time; `hooks` receives 17TRACK's and AfterShip's pushes; `server` runs
it all on Waitress in threads; `assemble` builds the site from what the app
holds. Loaded only by `parcelwatch web` and by `run` with `[web] listen`, so
other commands never import Jinja2, Waitress or prometheus_client.

May import the core, `config`, `store` and `parsers`, and two feature
packages for one reason each: `notify` for how a parcel reads to a person
(carrier_label, describe, format_eta in notify.render; the carrier's tracking
page in notify.links), so the pages say it as the notifications do; and
`carriers` for the webhooks, which must verify and read a push exactly as the
backends read a polled answer (carriers.push) and record it in the carrier
ledger (carriers.ledger.Checks), so that a scan is notified once whichever way
it came. Never `mail`, `service`, `cli` or `app`.
"""
