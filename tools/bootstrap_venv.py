"""Create .venv with a working pip, on any machine that has python3.

Debian's python3 ships without ensurepip unless python3-venv is installed, so
`python3 -m venv` alone fails on a fresh machine. Then this creates the venv
without pip and installs pip from its wheel on PyPI (a wheel is importable as a
zip, so pip can install itself from it). Standard library only.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import urllib.request
import venv
from pathlib import Path

PYPI_JSON = "https://pypi.org/pypi/pip/json"


def _has_ensurepip() -> bool:
    try:
        import ensurepip  # noqa: F401
    except ImportError:
        return False
    return True


def _pip_wheel(directory: Path) -> Path:
    with urllib.request.urlopen(PYPI_JSON, timeout=60) as response:
        release = json.load(response)
    wheel = next(f for f in release["urls"] if f["filename"].endswith(".whl"))
    target = directory / str(wheel["filename"])
    urllib.request.urlretrieve(str(wheel["url"]), target)
    return target


def main(target: str = ".venv") -> int:
    path = Path(target)
    python = path / "bin" / "python"
    if python.exists():
        return 0
    if _has_ensurepip():
        venv.EnvBuilder(with_pip=True).create(path)
        return 0
    print("ensurepip is missing (Debian without python3-venv): installing pip from PyPI")
    venv.EnvBuilder(with_pip=False).create(path)
    with tempfile.TemporaryDirectory() as tmp:
        wheel = _pip_wheel(Path(tmp))
        subprocess.run([str(python), f"{wheel}/pip", "install", "--quiet", str(wheel)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
