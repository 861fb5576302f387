"""`parcelwatch web`: the web interface alone (pages, API, metrics, carrier
webhooks), until stopped. `run` serves the same site itself when
`[web] listen` is set (daemon.service.runner)."""

from __future__ import annotations

import argparse
from collections.abc import Mapping

from daemon.app import build
from daemon.cli.context import settings
from daemon.cli.statuses import EXIT_OK
from daemon.config.web import DEFAULT_LISTEN, parse_listen
from daemon.errors import ConfigError
from daemon.service import runner
from daemon.service.signals import Signals


def configure_web(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument(
        "--listen",
        metavar="HOST:PORT",
        help=f"address to listen on (default: [web] listen, else {DEFAULT_LISTEN}); "
        "any address but loopback requires [web] token",
    )


def run_web(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    loaded = settings(args, env)
    web = loaded.web
    if args.listen is not None or web.listen is None:
        text = args.listen or DEFAULT_LISTEN
        try:
            listen = parse_listen(text)
        except ValueError as exc:
            raise ConfigError("command line", "--listen", str(exc)) from None
        web = web.listening_on(listen, source="command line", key="--listen")
    assert web.listen is not None
    signals = Signals()
    restore = signals.install()
    app = build(loaded)
    try:
        server = runner.web_server(app, web, app.deliver)
        server.start()
        print(f"parcelwatch web interface on {server.url} (Ctrl-C to stop)", flush=True)
        try:
            while not signals.stop_requested:
                signals.wait(None)
        finally:
            server.stop()
    finally:
        app.close()
        restore()
    return EXIT_OK
