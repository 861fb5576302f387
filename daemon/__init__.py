"""parcelwatch's daemon: everything with side effects, one package per concern.

At the top sit the pure core and the wiring: `state` (the shipment state
machine, pure), `errors` (the error tiers), `pipeline` (the path of one email:
parse, then record) and `app` (builds the objects a command needs, once).
Below them, by concern: `config/`, `store/`, `mail/`, `notify/`, `carriers/`,
`mqtt/`, `calendar/`, `web/`, `service/` and `cli/`. Imports run one way: `cli`
and `service` may import anything; the feature packages (`mail`, `notify`,
`carriers`, `mqtt`, `calendar`) import `store`,
`config` and the core, never `service`, `cli` or `app`; `web` also uses
`notify`'s wording and `carriers`' ledger (its docstring says why); `store` imports only
`config`, the core and `parsers`; `parsers` never imports `daemon`.
tests/test_architecture.py holds these rules.
"""
