"""Secret values (tokens, passwords, URLs holding them) and where they come from.

A secret in the configuration is either a plain string (allowed, but it leaves the
secret in the config file) or a table naming exactly one source:

    { env = "NAME" }          the environment variable NAME
    { file = "/path" }        the file's contents, minus one trailing newline
    { credential = "name" }   $CREDENTIALS_DIRECTORY/name (systemd LoadCredential=)

A `Secret` never shows its value in repr(), str() or an error message; code that
really needs the value calls `reveal()` at the last moment.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from daemon.config.paths import expand_user
from daemon.errors import ConfigError

SECRET_SOURCES = ("env", "file", "credential")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

_Fail = Callable[[str], ConfigError]


@dataclass(frozen=True)
class Secret:
    """A value that must not leak into logs: repr and str show only its source."""

    source: str
    _value: str = field(repr=False)

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret({self.source})"

    def __str__(self) -> str:
        return self.__repr__()


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
    """Turn what TOML gave for `key` into a Secret, reading its source now.

    Raises ConfigError(location, key, problem) with a one-line problem that says
    what to do; the secret's value never appears in it.
    """

    def fail(problem: str) -> ConfigError:
        return ConfigError(location, key, problem)

    if isinstance(raw, str):
        if not raw:
            raise fail("must not be empty")
        return Secret("inline", raw)
    if not isinstance(raw, dict):
        raise fail(
            f'expected a string or a table such as {{ env = "NAME" }}, got {toml_type_name(raw)}'
        )
    for name in raw:
        if name not in SECRET_SOURCES:
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

    if kind == "env":
        return Secret(f"env:{ref}", _from_env(ref, env, fail))
    if kind == "file":
        path = expand_user(ref, env)
        return Secret(f"file:{path}", _from_file(path, fail))
    return Secret(f"credential:{ref}", _from_credential(ref, env, fail))


def _from_env(name: str, env: Mapping[str, str], fail: _Fail) -> str:
    if not _ENV_NAME.fullmatch(name):
        # Not echoed: a pasted secret in place of the name must not reach the log.
        raise fail("env must name an environment variable (letters, digits, _), not a value")
    if name not in env:
        raise fail(f'environment variable {name} is not set (export it, or use {{ file = "..." }})')
    if not env[name]:
        raise fail(f"environment variable {name} is empty")
    return env[name]


def _from_file(path: Path, fail: _Fail) -> str:
    if not path.is_absolute():
        raise fail("file must be an absolute path (or start with ~/)")
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
    if "/" in name or name in (".", ".."):
        raise fail("credential must be a plain name as given to LoadCredential=, without '/'")
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
