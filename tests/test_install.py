"""parcelwatch installed as users install Python tools: the wheel built from a
copy of the repository (as pip and pipx build it) carries the sample mailbox,
so `parcelwatch demo` works from any directory, and makes no network request.

Offline: the wheel is built without build isolation (setuptools comes from the
dev extra) and installed without dependencies into a fresh venv, which borrows
the dependencies of the test venv through a .pth line. (.ci/run also does the
real thing: `pip install` of the checkout, dependencies from PyPI.)
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import threading
import venv
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_NOT_SHIPPED = (".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", ".*_cache")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed; returns its bin directory."""
    work = tmp_path_factory.mktemp("install")
    clone = work / "clone"
    shutil.copytree(ROOT, clone, ignore=shutil.ignore_patterns(*_NOT_SHIPPED))
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(work / "wheels"), str(clone)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout + built.stderr
    assert "deprecated" not in (built.stdout + built.stderr).lower()  # e.g. the license table
    [wheel] = (work / "wheels").glob("parcelwatch-*.whl")
    fresh = work / "venv"
    venv.create(fresh, with_pip=False)
    python = fresh / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
         "--no-deps", "--no-index", str(wheel)],
        check=True, timeout=300,
    )  # fmt: skip
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    Path(purelib, "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return fresh / "bin"


class Listener:
    """A TCP port standing in for every proxy: counts who connects to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port: int = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()


@pytest.fixture
def proxy() -> Iterator[Listener]:
    listener = Listener()
    yield listener
    listener.close()


def test_the_installed_demo_works_from_any_directory_without_the_network(
    installed: Path, tmp_path: Path, proxy: Listener
) -> None:
    somewhere = tmp_path / "somewhere"
    somewhere.mkdir()
    url = f"http://127.0.0.1:{proxy.port}"
    env = {
        "PATH": f"{installed}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        # Any request (a photo, a font, an update check) would go to the listener.
        "HTTP_PROXY": url, "HTTPS_PROXY": url, "ALL_PROXY": url,
        "http_proxy": url, "https_proxy": url, "all_proxy": url,
    }  # fmt: skip
    done = subprocess.run(
        [str(installed / "parcelwatch"), "demo"],
        cwd=somewhere, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Reading the sample mailbox " in done.stdout
    shipped_in = done.stdout.split("Reading the sample mailbox ", 1)[1].splitlines()[0]
    assert shipped_in.startswith(str(installed.parent / "lib"))  # the package's own copy
    assert shipped_in.endswith("/daemon/cli/sample_mailbox")
    assert sum(line.startswith("🔔") for line in done.stdout.splitlines()) == 12
    assert proxy.connections == 0


def test_the_installed_command_has_a_version(installed: Path) -> None:
    done = subprocess.run(
        [str(installed / "parcelwatch"), "--version"],
        capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, "PATH": f"{installed}:/usr/bin:/bin"},
    )  # fmt: skip
    assert done.stdout == "parcelwatch 0.1.0\n"
