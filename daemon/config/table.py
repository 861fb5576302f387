"""Reading one TOML table into checked values, for every section of the config.

`Table` knows its dotted path and rejects unknown keys as soon as it is opened,
so each section module (config.py, config_imap.py) only says which keys exist,
their types and defaults; the wording of every error lives here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from daemon.config.paths import expand_user
from daemon.config.secrets import Check, Secret, secret, toml_type_name
from daemon.errors import ConfigError


class Table:
    """One TOML table being read: knows its dotted path, rejects unknown keys as
    soon as it is opened (so a typo is reported as a typo, not as a missing key),
    and turns every value into a checked Python value or a ConfigError."""

    def __init__(
        self,
        data: Mapping[str, object],
        path: str,
        known: Sequence[str],
        *,
        location: str,
        env: Mapping[str, str],
        warnings: list[str],
    ) -> None:
        self.data = data
        self.prefix = path
        self.location = location
        self.env = env
        self.warnings = warnings
        for name in data:
            if name not in known:
                raise self.error(name, unknown(name, known, "key"))

    def key(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def error(self, name: str, problem: str) -> ConfigError:
        return ConfigError(self.location, self.key(name), problem)

    def warn(self, name: str, advice: str) -> None:
        self.warnings.append(f"{self.key(name)}: {advice}")

    def _missing(self, name: str) -> ConfigError:
        return self.error(name, "missing: this key is required")

    def _child(self, data: Mapping[str, object], path: str, known: Sequence[str]) -> Table:
        return Table(
            data, path, known, location=self.location, env=self.env, warnings=self.warnings
        )

    # scalars

    def string(self, name: str, default: str | None = None, *, allow_empty: bool = False) -> str:
        raw = self.data.get(name)
        if raw is None:
            if default is None:
                raise self._missing(name)
            return default
        if not isinstance(raw, str):
            raise self.error(name, f"expected a string, got {toml_type_name(raw)}")
        if not allow_empty and not raw.strip():
            raise self.error(name, "must not be empty")
        return raw

    def integer(self, name: str, default: int, *, minimum: int) -> int:
        raw = self.data.get(name, default)
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise self.error(name, f"expected an integer, got {toml_type_name(raw)}")
        if raw < minimum:
            raise self.error(name, f"must be at least {minimum}, got {raw}")
        return raw

    def has(self, name: str) -> bool:
        return name in self.data

    def number(self, name: str, default: float, *, minimum: float) -> float:
        """A float or an integer (seconds, sizes)."""
        raw = self.data.get(name, default)
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise self.error(name, f"expected a number, got {toml_type_name(raw)}")
        if raw < minimum:
            raise self.error(name, f"must be at least {minimum:g}, got {raw:g}")
        return float(raw)

    def boolean(self, name: str, default: bool) -> bool:
        raw = self.data.get(name, default)
        if not isinstance(raw, bool):
            raise self.error(name, f"expected true or false, got {toml_type_name(raw)}")
        return raw

    def strings(self, name: str, default: Sequence[str], *, allow_empty: bool) -> tuple[str, ...]:
        """An array of non-empty strings, in the order given, without repeats."""
        raw = self.data.get(name)
        if raw is None:
            return tuple(default)
        if not isinstance(raw, list):
            raise self.error(name, f"expected an array of strings, got {toml_type_name(raw)}")
        if not raw and not allow_empty:
            raise self.error(name, "must not be empty (or leave the key out)")
        values: list[str] = []
        for index, item in enumerate(raw):
            if not isinstance(item, str) or not item.strip():
                got = "an empty string" if isinstance(item, str) else toml_type_name(item)
                raise self.error(f"{name}[{index}]", f"expected a non-empty string, got {got}")
            if item not in values:
                values.append(item)
        return tuple(values)

    def optional_secret(self, name: str) -> Secret | None:
        if self.data.get(name) is None:
            return None
        return self.secret(name)

    def optional_path(self, name: str, *, must_exist: bool = False) -> Path | None:
        if self.data.get(name) is None:
            return None
        return self.path(name, must_exist=must_exist)

    def choice(self, name: str, valid: Sequence[str], default: str, *, what: str) -> str:
        value = self.string(name, default).lower()
        if value not in valid:
            raise self.error(name, unknown(value, valid, what))
        return value

    def choices(
        self,
        name: str,
        valid: Sequence[str],
        default: Sequence[str],
        *,
        what: str,
        allow_empty: bool,
    ) -> tuple[str, ...]:
        """An array of strings, each one of `valid` (case-insensitive), in the
        order given, without repeats."""
        raw = self.data.get(name)
        if raw is None:
            return tuple(default)
        if not isinstance(raw, list):
            raise self.error(name, f"expected an array of strings, got {toml_type_name(raw)}")
        if not raw and not allow_empty:
            raise self.error(name, f"must name at least one {what} (or leave the key out)")
        chosen: list[str] = []
        for index, item in enumerate(raw):
            item_key = f"{name}[{index}]"
            if not isinstance(item, str):
                raise self.error(item_key, f"expected a string, got {toml_type_name(item)}")
            value = item.strip().lower()
            if value not in valid:
                raise self.error(item_key, unknown(item, valid, what))
            if value not in chosen:
                chosen.append(value)
        return tuple(chosen)

    def path(self, name: str, default: Path | None = None, *, must_exist: bool = False) -> Path:
        raw = self.data.get(name)
        if raw is None:
            if default is None:
                raise self._missing(name)
            return default
        text = self.string(name)
        path = expand_user(text, self.env)
        if not path.is_absolute():
            raise self.error(name, f"must be an absolute path or start with ~/, got '{text}'")
        if must_exist and not path.exists():
            raise self.error(name, f"{path} does not exist (check the path)")
        return path

    def secret(
        self, name: str, default: Secret | None = None, *, check: Check | None = None
    ) -> Secret:
        """A secret: an inline value, or where to read it when it is needed
        (`check` judges the value, at once when inline, else once read)."""
        raw = self.data.get(name)
        if raw is None:
            if default is None:
                raise self._missing(name)
            return default
        return secret(raw, key=self.key(name), location=self.location, env=self.env, check=check)

    # nested tables

    def table(self, name: str, known: Sequence[str]) -> Table:
        """A sub-table (`[general]`); absent means empty."""
        raw = self.data.get(name, {})
        if not isinstance(raw, dict):
            raise self.error(
                name, f"expected a table ([{self.key(name)}]), got {toml_type_name(raw)}"
            )
        return self._child(raw, self.key(name), known)

    def tables(self, name: str, known: Sequence[str]) -> list[Table]:
        """An array of tables (`[[mailbox]]`); absent means none."""
        raw = self.data.get(name, [])
        if not isinstance(raw, list):
            raise self.error(
                name,
                f"expected an array of tables ([[{self.key(name)}]]), got {toml_type_name(raw)}",
            )
        tables: list[Table] = []
        for index, item in enumerate(raw):
            item_path = f"{self.key(name)}[{index}]"
            if not isinstance(item, dict):
                raise ConfigError(
                    self.location, item_path, f"expected a table, got {toml_type_name(item)}"
                )
            tables.append(self._child(item, item_path, known))
        return tables


def unknown(given: str, valid: Sequence[str], what: str) -> str:
    """'unknown key; did you mean 'state_dir'?' or the list of valid ones."""
    import difflib  # here: only a mistake needs it, not every start

    close = difflib.get_close_matches(given, valid, n=1)
    if close:
        return f"unknown {what} '{given}'; did you mean '{close[0]}'?"
    return f"unknown {what} '{given}'; expected one of: {', '.join(valid)}"


def unique_names(tables: Iterable[Table], names: Iterable[str]) -> None:
    seen: dict[str, str] = {}
    for table, name in zip(tables, names, strict=True):
        if name in seen:
            raise table.error("name", f"duplicate name '{name}' (also used by {seen[name]})")
        seen[name] = table.prefix
