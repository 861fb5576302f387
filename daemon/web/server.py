"""Serving the site with Waitress, in a thread of its own.

Waitress is a pure-Python WSGI server with no dependencies, written for
production use: one thread reads and writes the sockets, a small pool of
worker threads runs the application, and it bounds what a client may send
(header and body sizes). That fits a daemon whose other work already runs
in threads (the scheduler, the IMAP watchers): the web server is a few more,
started and stopped with the service.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from waitress.server import create_server

from daemon.config.web import Listen
from daemon.web.http import MAX_BODY

log = logging.getLogger(__name__)

WORKER_THREADS = 3
_STOP_SECONDS = 10.0


class WebServer:
    def __init__(self, app: Any, listen: Listen, *, threads: int = WORKER_THREADS) -> None:
        """Binds the socket now, so a port in use is an error here, at start-up.
        Raises OSError."""
        self._server: Any = create_server(
            app,
            host=listen.host,
            port=listen.port,
            threads=threads,
            ident="parcelwatch",
            max_request_body_size=MAX_BODY,
            expose_tracebacks=False,
            clear_untrusted_proxy_headers=True,
            channel_timeout=60,
        )
        self.listen = listen
        self._stopping = False
        self._thread = threading.Thread(target=self._serve, name="web", daemon=True)

    @property
    def port(self) -> int:
        port: int = self._server.effective_port
        return port

    @property
    def url(self) -> str:
        host = self._server.effective_host
        host = f"[{host}]" if ":" in str(host) else host
        return f"http://{host}:{self.port}/"

    def _serve(self) -> None:
        try:
            self._server.run()
        except OSError:
            if not self._stopping:
                raise
            # stop() closed the sockets from its own thread (the trigger pipe was
            # gone) while the loop was about to select() on them: the end asked for.

    def start(self) -> None:
        self._thread.start()
        log.info("web interface on %s", self.url)

    def stop(self) -> None:
        """Close the listening socket and every connection, in the server's own
        thread (its socket map is not shared), then end the worker threads."""
        server = self._server
        self._stopping = True

        def close_all() -> None:
            for channel in list(server._map.values()):
                try:
                    channel.close()
                except OSError:  # its descriptor is already gone
                    server._map.pop(channel._fileno, None)

        if self._thread.is_alive():
            try:
                server.trigger.pull_trigger(close_all)
            except OSError:
                # The trigger's pipe is already closed (seen once under load, at a
                # test's teardown): close from here; the loop sees its map empty
                # within its poll timeout and ends.
                close_all()
            self._thread.join(_STOP_SECONDS)
        else:
            close_all()
        server.task_dispatcher.shutdown()
