"""The import directions DESIGN.md promises, checked over the real import graph.

Every import statement of parsers/ and daemon/ is read (function-level imports
too) and each must be allowed by LAYERS: a package may import only the daemon
packages on its row. A package of daemon/ without a row fails the test, so a
new package (mqtt/, web/) must say where it stands before it lands.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What each part of the daemon may import of the daemon, bottom up. A feature
# package never imports another one, nor the wiring above it (pipeline, app,
# service, cli).
CORE = frozenset({"daemon.state", "daemon.errors"})
BASE = CORE | {"daemon.config", "daemon.store"}
FEATURES = frozenset(
    {"daemon.mail", "daemon.notify", "daemon.carriers", "daemon.mqtt", "daemon.calendar"}
)
# The web interface shows parcels as the notifications word them (notify's
# rendering helpers) and records pushed scans in the carrier ledger.
WEB = BASE | {"daemon.notify", "daemon.carriers"}
WIRING = BASE | FEATURES | {"daemon.parsing", "daemon.pipeline", "daemon.app", "daemon.web"}
LAYERS: Mapping[str, frozenset[str]] = {
    "daemon.errors": frozenset(),
    "daemon.state": frozenset(),
    "daemon.config": CORE,
    "daemon.store": CORE | {"daemon.config"},
    **dict.fromkeys(FEATURES, BASE),
    # Parse workers: the parsers in another process; nothing of the daemon's state.
    "daemon.parsing": CORE,
    "daemon.pipeline": BASE | {"daemon.mail", "daemon.parsing"},
    "daemon.web": WEB,
    "daemon.app": BASE | FEATURES | {"daemon.parsing", "daemon.pipeline", "daemon.web"},
    "daemon.service": WIRING,
    "daemon.cli": WIRING | {"daemon.service"},
}
# Third-party packages that mean a network, a database or a scheduler.
IMPURE = ("sqlalchemy", "sqlmodel", "httpx", "imapclient", "apprise", "apscheduler", "socket")


def imports_of(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) of every import in a file, relative imports resolved."""
    tree = ast.parse(path.read_text(), str(path))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base]) if base else ".".join(parts)
            yield node.lineno, base
            for alias in node.names:  # "from daemon import state" names a module
                yield node.lineno, f"{base}.{alias.name}"


def part_of(module: str) -> str | None:
    """The row of LAYERS a module belongs to: daemon.notify.render -> daemon.notify."""
    parts = module.split(".")
    if parts[0] != "daemon" or len(parts) < 2:
        return None
    return f"daemon.{parts[1]}"


def violations(files: Mapping[str, list[tuple[int, str]]]) -> list[str]:
    """Every import that LAYERS does not allow, as "file:line: what"."""
    found: list[str] = []
    for name, imports in files.items():
        module = name.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
        if module.startswith("parsers"):
            found += [f"{name}:{n}: parsers imports {m}" for n, m in imports if m == "daemon"
                      or m.startswith("daemon.")]  # fmt: skip
            continue
        own = part_of(module)
        if own is None:
            continue
        if own not in LAYERS:
            found.append(f"{name}: {own} has no row in LAYERS: say what it may import")
            continue
        for line, target in imports:
            other = part_of(target)
            if other is not None and other != own and other not in LAYERS[own]:
                found.append(f"{name}:{line}: {own} imports {target}")
            if own == "daemon.state" and target.split(".")[0] in IMPURE:
                found.append(f"{name}:{line}: the pure state machine imports {target}")
    return found


def project_files() -> dict[str, list[tuple[int, str]]]:
    files = sorted((ROOT / "daemon").rglob("*.py")) + sorted((ROOT / "parsers").rglob("*.py"))
    return {str(f.relative_to(ROOT)): list(imports_of(f)) for f in files}


def test_imports_run_one_way() -> None:
    assert violations(project_files()) == []


def test_every_daemon_package_has_a_row() -> None:
    present = {f"daemon.{p.stem}" for p in (ROOT / "daemon").iterdir()
               if p.suffix == ".py" or (p / "__init__.py").exists()}  # fmt: skip
    assert present - {"daemon.__init__"} <= set(LAYERS)


@pytest.mark.parametrize(
    ("name", "imports", "expected"),
    [
        ("parsers/x.py", [(3, "daemon.store.database")], "parsers imports daemon.store.database"),
        ("daemon/state.py", [(4, "sqlmodel")], "the pure state machine imports sqlmodel"),
        ("daemon/state.py", [(5, "daemon.store.views")], "daemon.state imports daemon.store"),
        ("daemon/notify/x.py", [(6, "daemon.service.runner")], "daemon.notify imports daemon.ser"),
        ("daemon/mail/x.py", [(7, "daemon.app")], "daemon.mail imports daemon.app"),
        ("daemon/carriers/x.py", [(8, "daemon.cli.main")], "daemon.carriers imports daemon.cli"),
        ("daemon/store/x.py", [(9, "daemon.notify.render")], "daemon.store imports daemon.notify"),
        ("daemon/mqtt/x.py", [(2, "daemon.notify.links")], "daemon.mqtt imports daemon.notify"),
        ("daemon/calendar/x.py", [(3, "daemon.app")], "daemon.calendar imports daemon.app"),
        ("daemon/web/x.py", [(1, "daemon.mail.imap")], "daemon.web imports daemon.mail"),
        ("daemon/web/x.py", [(2, "daemon.service")], "daemon.web imports daemon.service"),
        ("daemon/carriers/x.py", [(3, "daemon.web.site")], "daemon.carriers imports daemon.web"),
        ("daemon/kiosk/x.py", [(1, "daemon.store")], "daemon.kiosk has no row in LAYERS"),
    ],
)
def test_each_rule_catches_its_breach(
    name: str, imports: list[tuple[int, str]], expected: str
) -> None:
    [found] = violations({name: imports})
    assert expected in found


def test_the_graph_is_read_from_the_code() -> None:
    """The walk sees function-level and `from daemon import x` imports alike."""
    files = project_files()
    assert "daemon.state" in {m for _, m in files["daemon/store/recorder.py"]}
    assert any(m == "daemon.cli.main" for _, m in files["daemon/cli/__main__.py"])
