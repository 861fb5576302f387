"""Every reading rule of `Table`, one case per row: what a key's value becomes,
or the exact one-line error a person sees. The section modules rely on these
rules for every key of the config, so each is stated here once, by hand: the
expected words are what the error must tell a person who typed that value.

A case: (id, the table's data, a call on the table, the value or the error)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from daemon.config.table import Table, unique_names
from daemon.errors import ConfigError

HOME = "/home/ada"
KNOWN = ("name", "port", "ratio", "on", "list", "path", "kind", "kinds", "sub", "subs", "token")


def table(data: dict[str, object], path: str = "section") -> Table:
    return Table(data, path, KNOWN, location="config.toml", env={"HOME": HOME}, warnings=[])


@dataclass(frozen=True)
class Case:
    id: str
    data: dict[str, object]
    call: Callable[[Table], object]
    expected: object = None
    error: str | None = None


CASES = [
    # string
    Case("string", {"name": "home"}, lambda t: t.string("name"), "home"),
    Case("string default", {}, lambda t: t.string("name", "x"), "x"),
    Case(
        "string missing",
        {},
        lambda t: t.string("name"),
        error="config.toml: section.name: missing: this key is required",
    ),
    Case(
        "string wrong type",
        {"name": 3},
        lambda t: t.string("name"),
        error="config.toml: section.name: expected a string, got an integer",
    ),
    Case(
        "string blank",
        {"name": "  "},
        lambda t: t.string("name"),
        error="config.toml: section.name: must not be empty",
    ),
    Case("string blank allowed", {"name": ""}, lambda t: t.string("name", allow_empty=True), ""),
    # integer
    Case("integer", {"port": 993}, lambda t: t.integer("port", 1, minimum=1), 993),
    Case("integer default", {}, lambda t: t.integer("port", 143, minimum=1), 143),
    Case("integer at minimum", {"port": 1}, lambda t: t.integer("port", 5, minimum=1), 1),
    Case(
        "integer below minimum",
        {"port": 0},
        lambda t: t.integer("port", 5, minimum=1),
        error="config.toml: section.port: must be at least 1, got 0",
    ),
    Case(
        "integer given a boolean",
        {"port": True},
        lambda t: t.integer("port", 5, minimum=0),
        error="config.toml: section.port: expected an integer, got a boolean",
    ),
    Case(
        "integer given a float",
        {"port": 1.5},
        lambda t: t.integer("port", 5, minimum=0),
        error="config.toml: section.port: expected an integer, got a float",
    ),
    # number
    Case("number float", {"ratio": 2.5}, lambda t: t.number("ratio", 1, minimum=0), 2.5),
    Case("number integer", {"ratio": 3}, lambda t: t.number("ratio", 1, minimum=0), 3.0),
    Case("number default", {}, lambda t: t.number("ratio", 1.5, minimum=0), 1.5),
    Case("number at minimum", {"ratio": 0.5}, lambda t: t.number("ratio", 1, minimum=0.5), 0.5),
    Case(
        "number below minimum",
        {"ratio": 0.25},
        lambda t: t.number("ratio", 1, minimum=0.5),
        error="config.toml: section.ratio: must be at least 0.5, got 0.25",
    ),
    Case(
        "number given a boolean",
        {"ratio": False},
        lambda t: t.number("ratio", 1, minimum=0),
        error="config.toml: section.ratio: expected a number, got a boolean",
    ),
    Case(
        "number given a string",
        {"ratio": "2"},
        lambda t: t.number("ratio", 1, minimum=0),
        error="config.toml: section.ratio: expected a number, got a string",
    ),
    # boolean
    Case("boolean", {"on": False}, lambda t: t.boolean("on", True), False),
    Case("boolean default", {}, lambda t: t.boolean("on", True), True),
    Case(
        "boolean given a string",
        {"on": "yes"},
        lambda t: t.boolean("on", True),
        error="config.toml: section.on: expected true or false, got a string",
    ),
    Case(
        "boolean given 1",
        {"on": 1},
        lambda t: t.boolean("on", True),
        error="config.toml: section.on: expected true or false, got an integer",
    ),
    # strings
    Case(
        "strings in order without repeats",
        {"list": ["b", "a", "b"]},
        lambda t: t.strings("list", (), allow_empty=False),
        ("b", "a"),
    ),
    Case("strings default", {}, lambda t: t.strings("list", ["x"], allow_empty=False), ("x",)),
    Case(
        "strings empty allowed",
        {"list": []},
        lambda t: t.strings("list", ["x"], allow_empty=True),
        (),
    ),
    Case(
        "strings empty refused",
        {"list": []},
        lambda t: t.strings("list", (), allow_empty=False),
        error="config.toml: section.list: must not be empty (or leave the key out)",
    ),
    Case(
        "strings not an array",
        {"list": "a"},
        lambda t: t.strings("list", (), allow_empty=True),
        error="config.toml: section.list: expected an array of strings, got a string",
    ),
    Case(
        "strings blank item",
        {"list": ["a", " "]},
        lambda t: t.strings("list", (), allow_empty=True),
        error="config.toml: section.list[1]: expected a non-empty string, got an empty string",
    ),
    Case(
        "strings item of another type",
        {"list": [7]},
        lambda t: t.strings("list", (), allow_empty=True),
        error="config.toml: section.list[0]: expected a non-empty string, got an integer",
    ),
    # choice / choices
    Case(
        "choice case-insensitive",
        {"kind": "IMAP"},
        lambda t: t.choice("kind", ("imap", "local"), "local", what="kind"),
        "imap",
    ),
    Case(
        "choice default",
        {},
        lambda t: t.choice("kind", ("imap", "local"), "local", what="kind"),
        "local",
    ),
    Case(
        "choice close to a valid one",
        {"kind": "imapp"},
        lambda t: t.choice("kind", ("imap", "local"), "local", what="source"),
        error="config.toml: section.kind: unknown source 'imapp'; did you mean 'imap'?",
    ),
    Case(
        "choice far from any",
        {"kind": "zzz"},
        lambda t: t.choice("kind", ("imap", "local"), "local", what="source"),
        error="config.toml: section.kind: unknown source 'zzz'; expected one of: imap, local",
    ),
    Case(
        "choices trimmed, lowered, without repeats",
        {"kinds": [" Shipped", "delivered", "SHIPPED"]},
        lambda t: t.choices(
            "kinds", ("shipped", "delivered"), (), what="milestone", allow_empty=False
        ),
        ("shipped", "delivered"),
    ),
    Case(
        "choices default",
        {},
        lambda t: t.choices("kinds", ("a", "b"), ("b",), what="x", allow_empty=False),
        ("b",),
    ),
    Case(
        "choices empty allowed",
        {"kinds": []},
        lambda t: t.choices("kinds", ("a",), ("a",), what="x", allow_empty=True),
        (),
    ),
    Case(
        "choices empty refused",
        {"kinds": []},
        lambda t: t.choices("kinds", ("a",), ("a",), what="milestone", allow_empty=False),
        error="config.toml: section.kinds: must name at least one milestone (or leave the key out)",
    ),
    Case(
        "choices not an array",
        {"kinds": "a"},
        lambda t: t.choices("kinds", ("a",), (), what="x", allow_empty=True),
        error="config.toml: section.kinds: expected an array of strings, got a string",
    ),
    Case(
        "choices item of another type",
        {"kinds": ["a", 2]},
        lambda t: t.choices("kinds", ("a",), (), what="x", allow_empty=True),
        error="config.toml: section.kinds[1]: expected a string, got an integer",
    ),
    Case(
        "choices unknown item",
        {"kinds": ["a", "delivred"]},
        lambda t: t.choices("kinds", ("a", "delivered"), (), what="milestone", allow_empty=True),
        error=(
            "config.toml: section.kinds[1]: unknown milestone 'delivred'; did you mean 'delivered'?"
        ),
    ),
    # path
    Case("path absolute", {"path": "/var/lib/pw"}, lambda t: t.path("path"), Path("/var/lib/pw")),
    Case("path from home", {"path": "~/pw"}, lambda t: t.path("path"), Path(HOME) / "pw"),
    Case("path default", {}, lambda t: t.path("path", Path("/d")), Path("/d")),
    Case(
        "path missing",
        {},
        lambda t: t.path("path"),
        error="config.toml: section.path: missing: this key is required",
    ),
    Case(
        "path relative",
        {"path": "pw/db"},
        lambda t: t.path("path"),
        error="config.toml: section.path: must be an absolute path or start with ~/, got 'pw/db'",
    ),
    Case(
        "path that must exist",
        {"path": "/nonexistent/parcelwatch"},
        lambda t: t.path("path", must_exist=True),
        error="config.toml: section.path: /nonexistent/parcelwatch does not exist (check the path)",
    ),
    Case("path that exists", {"path": "/"}, lambda t: t.path("path", must_exist=True), Path("/")),
    Case("optional path absent", {}, lambda t: t.optional_path("path"), None),
    Case("optional path", {"path": "/x"}, lambda t: t.optional_path("path"), Path("/x")),
    Case(
        "optional path that must exist",
        {"path": "/nonexistent/pw"},
        lambda t: t.optional_path("path", must_exist=True),
        error="config.toml: section.path: /nonexistent/pw does not exist (check the path)",
    ),
    # secrets (the value itself is read by the secret; here only presence and key)
    Case("optional secret absent", {}, lambda t: t.optional_secret("token"), None),
    Case(
        "secret missing",
        {},
        lambda t: t.secret("token"),
        error="config.toml: section.token: missing: this key is required",
    ),
    Case(
        "optional secret of a wrong type names its key",
        {"token": 5},
        lambda t: t.optional_secret("token"),
        error=(
            "config.toml: section.token: expected a string or a table such as"
            ' { env = "NAME" }, got an integer'
        ),
    ),
    # sub-tables
    Case(
        "table absent is empty",
        {},
        lambda t: t.table("sub", ("a",)).string("a", "dflt"),
        "dflt",
    ),
    Case(
        "table keys are dotted",
        {"sub": {"a": 1}},
        lambda t: t.table("sub", ("a",)).string("a"),
        error="config.toml: section.sub.a: expected a string, got an integer",
    ),
    Case(
        "table unknown key with a suggestion",
        {"sub": {"stat_dir": "x"}},
        lambda t: t.table("sub", ("state_dir", "timezone")),
        error=(
            "config.toml: section.sub.stat_dir: unknown key 'stat_dir'; did you mean 'state_dir'?"
        ),
    ),
    Case(
        "table not a table",
        {"sub": [1]},
        lambda t: t.table("sub", ()),
        error="config.toml: section.sub: expected a table ([section.sub]), got an array",
    ),
    Case("tables absent are none", {}, lambda t: t.tables("subs", ()), []),
    Case(
        "tables keys carry their index",
        {"subs": [{"a": "x"}, {"a": 2}]},
        lambda t: [s.string("a") for s in t.tables("subs", ("a",))],
        error="config.toml: section.subs[1].a: expected a string, got an integer",
    ),
    Case(
        "tables read in order",
        {"subs": [{"a": "x"}, {"a": "y"}]},
        lambda t: [s.string("a") for s in t.tables("subs", ("a",))],
        ["x", "y"],
    ),
    Case(
        "tables not an array",
        {"subs": {"a": 1}},
        lambda t: t.tables("subs", ("a",)),
        error=(
            "config.toml: section.subs: expected an array of tables ([[section.subs]]), got a table"
        ),
    ),
    Case(
        "tables item not a table",
        {"subs": [{"a": "x"}, "y"]},
        lambda t: t.tables("subs", ("a",)),
        error="config.toml: section.subs[1]: expected a table, got a string",
    ),
    # presence
    Case("has", {"name": "x"}, lambda t: (t.has("name"), t.has("port")), (True, False)),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_table_reads(case: Case) -> None:
    t = table(case.data)
    if case.error is None:
        assert case.call(t) == case.expected
        return
    with pytest.raises(ConfigError) as raised:
        case.call(t)
    assert str(raised.value) == case.error


def test_case_ids_are_unique() -> None:
    assert len({case.id for case in CASES}) == len(CASES)


def test_an_unknown_key_is_refused_when_the_table_is_opened() -> None:
    with pytest.raises(ConfigError) as raised:
        table({"prot": 1})
    assert (
        str(raised.value) == "config.toml: section.prot: unknown key 'prot'; did you mean 'port'?"
    )


def test_an_unknown_key_with_nothing_close_lists_the_valid_ones() -> None:
    with pytest.raises(ConfigError) as raised:
        Table({"zzz": 1}, "", ("alpha", "beta"), location="c.toml", env={}, warnings=[])
    assert str(raised.value) == "c.toml: zzz: unknown key 'zzz'; expected one of: alpha, beta"


def test_the_top_level_table_has_bare_key_names() -> None:
    top = Table({"port": "x"}, "", KNOWN, location="c.toml", env={}, warnings=[])
    assert top.key("port") == "port"
    assert top.table("sub", ()).key("a") == "sub.a"


def test_warnings_go_to_the_shared_list_with_their_dotted_key() -> None:
    warnings: list[str] = []
    top = Table({"sub": {}}, "", ("sub",), location="c.toml", env={}, warnings=warnings)
    top.warn("sub", "old name")
    top.table("sub", ()).warn("x", "ignored now")
    assert warnings == ["sub: old name", "sub.x: ignored now"]


def test_a_child_table_reads_paths_against_the_same_home() -> None:
    child = table({"sub": {"path": "~/x"}}).table("sub", ("path",))
    assert child.path("path") == Path(HOME) / "x"
    assert child.location == "config.toml"


def test_unique_names_reports_the_second_use_and_where_the_first_is() -> None:
    tables = table({"subs": [{}, {}, {}]}).tables("subs", ())
    unique_names(tables[:2], ["home", "work"])
    with pytest.raises(ConfigError) as raised:
        unique_names(tables, ["home", "work", "home"])
    assert str(raised.value) == (
        "config.toml: section.subs[2].name: duplicate name 'home' (also used by section.subs[0])"
    )
