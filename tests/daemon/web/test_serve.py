"""Serving for real: `parcelwatch --demo web` as a process, and `run`'s
service serving the same site when `[web] listen` is set."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from daemon.cli.main import main
from daemon.config.web import Listen
from daemon.service.runner import Service
from daemon.web.server import WebServer
from tests.daemon.web.conftest import AppFactory, household

DEMO_ORDERS = ("112-9037712-4401958", "114-2210934-5561847", "113-4829105-7730624")


@pytest.fixture
def demo_env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state"),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}  # fmt: skip
    assert main(["demo"], env) == 0
    return env


@pytest.fixture
def web_process(demo_env: dict[str, str]) -> Iterator[tuple[subprocess.Popen[str], str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "daemon.cli", "--demo", "web", "--listen", "127.0.0.1:0"],
        env=demo_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # blocks until it serves (or exits)
        assert line.startswith("parcelwatch web interface on http://127.0.0.1:"), line
        yield process, line.split(" on ")[1].split()[0]
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
        if process.stdout is not None:
            process.stdout.close()
        if process.stderr is not None:
            process.stderr.close()


def test_the_demo_is_served_by_parcelwatch_web(
    web_process: tuple[subprocess.Popen[str], str],
) -> None:
    process, url = web_process
    with httpx.Client(base_url=url, timeout=10) as client:
        page = client.get("/")
        assert page.status_code == 200
        assert all(f"Order {order_id}" in page.text for order_id in DEMO_ORDERS)
        shipments = client.get("/api/shipments", params={"all": "1"}).json()
        assert sorted(row["status"] for row in shipments) == ["delivered"] * 4
        assert client.get("/api/shipments").json() == []  # all delivered: none active
        metrics = client.get("/metrics").text
        assert 'parcelwatch_shipments{archived="false",status="delivered"} 4.0' in metrics
        assert "parcelwatch_emails_total" in metrics
        calendar = client.get("/calendar.ics")
        assert calendar.headers["content-type"] == "text/calendar; charset=utf-8"
        assert calendar.text.count("BEGIN:VEVENT") == 4  # each delivered on its day
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 0  # a clean stop


def test_a_port_in_use_is_one_line_and_exit_1(
    demo_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["--demo", "web", "--listen", f"127.0.0.1:{port}"], demo_env) == 1
    err = capsys.readouterr().err.strip()
    assert err == f"parcelwatch: web: cannot listen on 127.0.0.1:{port}: Address already in use"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_run_serves_the_site_with_its_other_parts_and_stops_it(make_app: AppFactory) -> None:
    port = free_port()
    app = make_app(extra=f'[web]\nlisten = "127.0.0.1:{port}"\n')
    household(app)
    service = Service(app, [])
    service.start()
    try:
        assert service.web is not None
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=10)
        assert page.status_code == 200 and "Garden hose" in page.text
    finally:
        service.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/", timeout=2)


def test_run_goes_on_without_pages_when_its_address_is_taken(
    make_app: AppFactory, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        app = make_app(extra=f'[web]\nlisten = "127.0.0.1:{port}"\n')
        service = Service(app, [])
        service.start()
        try:
            assert service.web is None and service.scheduler.running
        finally:
            service.stop()
    assert "running without the web interface" in caplog.text


def test_other_commands_never_load_the_web_stack(tmp_path: Path) -> None:
    """`list` (and every command but `web` and `run` with [web]) starts without
    Jinja2, Waitress or prometheus_client: their memory is paid only when served."""
    code = (
        "import sys\n"
        "from daemon.cli.main import main\n"
        f"main(['list'], {{'HOME': {str(tmp_path)!r}}})\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'jinja2', 'waitress', 'prometheus_client'}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_missing_chromium_fails_under_ci_and_skips_elsewhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.support import browser

    monkeypatch.setattr(browser, "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="apt-get install chromium"):
        browser.require_chromium()
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception):
        browser.require_chromium()


# The server's thread may then find its sockets closed under it: that must end
# it quietly, not with a traceback (an unhandled thread exception fails here).
@pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
def test_the_server_stops_even_when_its_wake_up_pipe_is_gone() -> None:
    """Seen once under load: at stop, Waitress's trigger pipe was already closed
    (EBADF). Stopping must still close the socket and end the server's thread."""
    server = WebServer(lambda environ, start: [], Listen("127.0.0.1", 0))
    server.start()
    port = server.port
    os.close(server._server.trigger.trigger)  # what the race left behind
    server.stop()
    assert not server._thread.is_alive()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
