"""Where parcelwatch keeps its files when the configuration does not say.

Follows the XDG base directory spec for a user install and systemd's
`StateDirectory=` for a service. The environment is always passed in, so the
answer depends only on the arguments.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

APP_NAME = "parcelwatch"


def home_dir(env: Mapping[str, str]) -> Path:
    """The user's home: $HOME when set, else what the password database says."""
    home = env.get("HOME")
    return Path(home) if home else Path.home()


def _xdg_dir(env: Mapping[str, str], name: str, fallback: str) -> Path:
    # The spec says a relative value is invalid and must be ignored.
    value = env.get(name, "")
    if value and Path(value).is_absolute():
        return Path(value)
    return home_dir(env) / fallback


def default_config_path(env: Mapping[str, str]) -> Path:
    """$XDG_CONFIG_HOME/parcelwatch/config.toml, else ~/.config/parcelwatch/config.toml."""
    return _xdg_dir(env, "XDG_CONFIG_HOME", ".config") / APP_NAME / "config.toml"


def default_state_dir(env: Mapping[str, str]) -> Path:
    """systemd's $STATE_DIRECTORY (the first, if it lists several), else
    $XDG_STATE_HOME/parcelwatch, else ~/.local/state/parcelwatch."""
    for entry in env.get("STATE_DIRECTORY", "").split(":"):
        if entry:
            return Path(entry)
    return _xdg_dir(env, "XDG_STATE_HOME", ".local/state") / APP_NAME


def expand_user(raw: str, env: Mapping[str, str]) -> Path:
    """`raw` as a path with a leading "~" or "~/" replaced by the home in `env`
    ("~user/..." is looked up in the password database)."""
    if raw == "~" or raw.startswith("~/"):
        return home_dir(env) / raw[2:]
    if raw.startswith("~"):
        return Path(raw).expanduser()
    return Path(raw)
