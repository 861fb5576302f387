"""Secret values (tokens, passwords, URLs holding them) and where they come from.

A secret in the configuration is either a plain string (allowed, but it leaves the
secret in the config file) or a table naming exactly one source:

    { env = "NAME" }          the environment variable NAME
    { file = "/path" }        the file's contents, minus one trailing newline
    { credential = "name" }   $CREDENTIALS_DIRECTORY/name (systemd LoadCredential=)

Reading the configuration only checks the form of such a table; the value is
read when a command needs it (`Secret.resolve`, `resolve_all`), so that `list` or
`show` work for an administrator who cannot read the service's credentials.

A `Secret` never shows its value in repr(), str() or an error message; code that
really needs the value calls `reveal()` at the last moment.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar, cast

from daemon.config.paths import expand_user
from daemon.errors import ConfigError

SECRET_SOURCES = ("env", "file", "credential")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

_Fail = Callable[[str], ConfigError]
# Checks a secret's value once read: the problem in words, or None when it is fine.
Check = Callable[[str], str | None]
T = TypeVar("T")


@dataclass(frozen=True)
class Reference:
    """Where a secret's value is read from when it is needed: the environment,
    a file or a systemd credential, for the config key `key` of `location`."""

    kind: str
    name: str
    key: str
    location: str
    env: Mapping[str, str] = field(repr=False, compare=False)
    check: Check | None = field(default=None, repr=False, compare=False)

    def fail(self, problem: str) -> ConfigError:
        return ConfigError(self.location, self.key, problem)

    def read(self) -> str:
        """The value now, or a ConfigError that says what to do (never the value)."""
        if self.kind == "env":
            value = _from_env(self.name, self.env, self.fail)
        elif self.kind == "file":
            value = _from_file(Path(self.name), self.fail)
        else:
            value = _from_credential(self.name, self.env, self.fail)
        problem = self.check(value) if self.check is not None else None
        if problem is not None:
            raise self.fail(problem)
        return value

    @property
    def outside_service(self) -> bool:
        """A credential asked for where systemd handed over none: only the
        service can read it, so its absence here says nothing about the unit."""
        return self.kind == "credential" and not self.env.get("CREDENTIALS_DIRECTORY")


@dataclass(frozen=True)
class Secret:
    """A value that must not leak into logs: repr and str show only its source.

    Given inline, the value is known at once; given by reference (`where`), it
    is read by `resolve()` (or, failing that, at each `reveal()`)."""

    source: str
    _value: str | None = field(default=None, repr=False)
    where: Reference | None = field(default=None, repr=False, compare=False)
    key: str = field(default="", repr=False, compare=False)

    def reveal(self) -> str:
        if self._value is not None:
            return self._value
        if self.where is None:
            raise ValueError("a Secret needs a value or a reference")
        return self.where.read()

    def resolve(self) -> Secret:
        """This secret with its value read now; ConfigError naming the key when
        it cannot be."""
        if self._value is not None:
            return self
        return dataclasses.replace(self, _value=self.reveal())

    @property
    def inline(self) -> bool:
        """Written into the configuration file itself."""
        return self.source == "inline"

    def __repr__(self) -> str:
        return f"Secret({self.source})"

    def __str__(self) -> str:
        return self.__repr__()


def secrets_in(value: object) -> Iterator[Secret]:
    """Every Secret inside frozen settings (dataclasses and tuples of them)."""
    if isinstance(value, Secret):
        yield value
    elif type(value) is tuple:
        for item in value:
            yield from secrets_in(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            yield from secrets_in(getattr(value, item.name))


def resolve_all(value: T) -> T:
    """`value` (frozen settings) with every Secret inside read now; the first
    that cannot be read raises its ConfigError."""
    return cast(T, _resolved(value))


def _resolved(value: object) -> object:
    if isinstance(value, Secret):
        return value.resolve()
    if type(value) is tuple:
        return tuple(_resolved(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for item in dataclasses.fields(value):
            if not item.init:
                continue
            old = getattr(value, item.name)
            new = _resolved(old)
            if new is not old:
                changes[item.name] = new
        return dataclasses.replace(value, **changes) if changes else value
    return value


def toml_type_name(value: object) -> str:
    """How a value from tomllib is named in an error: "a string", "an integer", ..."""
    # bool before int: True is an int to Python but not to the person writing TOML.
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return "a date/time"
    return f"a {type(value).__name__}"


def resolve_secret(raw: object, *, key: str, location: str, env: Mapping[str, str]) -> Secret:
    """What TOML gave for `key` as a Secret with its value read now (see `secret`)."""
    return secret(raw, key=key, location=location, env=env).resolve()


def secret(
    raw: object,
    *,
    key: str,
    location: str,
    env: Mapping[str, str],
    check: Check | None = None,
) -> Secret:
    """Turn what TOML gave for `key` into a Secret: an inline value, checked
    now, or a reference whose form is checked now and whose value is read when
    a command needs it.

    Raises ConfigError(location, key, problem) with a one-line problem that says
    what to do; the secret's value never appears in it.
    """

    def fail(problem: str) -> ConfigError:
        return ConfigError(location, key, problem)

    if isinstance(raw, str):
        if not raw:
            raise fail("must not be empty")
        problem = check(raw) if check is not None else None
        if problem is not None:
            raise fail(problem)
        return Secret("inline", raw, key=key)
    if not isinstance(raw, dict):
        raise fail(
            f'expected a string or a table such as {{ env = "NAME" }}, got {toml_type_name(raw)}'
        )
    for name in raw:
        if name not in SECRET_SOURCES:
            import difflib  # here: only a mistake needs it, not every start

            close = difflib.get_close_matches(name, SECRET_SOURCES, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ConfigError(
                location,
                f"{key}.{name}",
                f"unknown key '{name}'{hint} (a secret table takes one of: env, file, credential)",
            )
    if len(raw) != 1:
        given = ", ".join(raw) if raw else "none"
        raise fail(f"give exactly one of env, file or credential (got: {given})")
    ((kind, ref),) = raw.items()
    if not isinstance(ref, str):
        raise ConfigError(
            location, f"{key}.{kind}", f"expected a string, got {toml_type_name(ref)}"
        )
    if not ref:
        raise ConfigError(location, f"{key}.{kind}", "must not be empty")

    name, source = _reference(kind, ref, env, fail)
    where = Reference(kind, name, key, location, env, check)
    return Secret(source, where=where, key=key)


def _reference(kind: str, ref: str, env: Mapping[str, str], fail: _Fail) -> tuple[str, str]:
    """(what to read, the source as shown) of a secret table, its form checked."""
    if kind == "env":
        if not _ENV_NAME.fullmatch(ref):
            # Not echoed: a pasted secret in place of the name must not reach the log.
            raise fail("env must name an environment variable (letters, digits, _), not a value")
        return ref, f"env:{ref}"
    if kind == "file":
        path = expand_user(ref, env)
        if not path.is_absolute():
            raise fail("file must be an absolute path (or start with ~/)")
        return str(path), f"file:{path}"
    if "/" in ref or ref in (".", ".."):
        raise fail("credential must be a plain name as given to LoadCredential=, without '/'")
    return ref, f"credential:{ref}"


def _from_env(name: str, env: Mapping[str, str], fail: _Fail) -> str:
    if name not in env:
        raise fail(f'environment variable {name} is not set (export it, or use {{ file = "..." }})')
    if not env[name]:
        raise fail(f"environment variable {name} is empty")
    return env[name]


def _from_file(path: Path, fail: _Fail) -> str:
    try:
        return _read(path)
    except OSError as exc:
        raise fail(f"cannot read file {path}: {_reason(exc)}") from None
    except ValueError as exc:
        raise fail(f"file {path} {exc}") from None


def _from_credential(name: str, env: Mapping[str, str], fail: _Fail) -> str:
    directory = env.get("CREDENTIALS_DIRECTORY", "")
    if not directory:
        raise fail(
            "$CREDENTIALS_DIRECTORY is not set: credentials only exist under systemd's "
            "LoadCredential="
        )
    try:
        return _read(Path(directory) / name)
    except OSError as exc:
        raise fail(
            f"cannot read credential {name} from $CREDENTIALS_DIRECTORY: {_reason(exc)} "
            f"(add LoadCredential={name}:... to the unit)"
        ) from None
    except ValueError as exc:
        raise fail(f"credential {name} {exc}") from None


def _read(path: Path) -> str:
    """A secret file's text minus one trailing newline. Raises OSError, or
    ValueError with a problem that does not quote the contents."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        # Re-raised without context: the decode error would quote the secret's bytes.
        raise ValueError("is not UTF-8 text") from None
    if text.endswith("\r\n"):
        text = text[:-2]
    elif text.endswith("\n"):
        text = text[:-1]
    if not text:
        raise ValueError("is empty")
    return text


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__
