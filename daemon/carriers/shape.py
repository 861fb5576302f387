"""Reading carrier JSON without trusting its shape.

Carrier APIs leave fields out, send null for empty lists and change types between
versions. These helpers treat a missing or null field as empty, and raise
ShapeError only when a field has a type nothing could make sense of; a backend
turns that into a TransientError at its boundary.
"""

from __future__ import annotations

from typing import Any


class ShapeError(ValueError):
    """The answer's structure is not what the API documents."""


def as_dict(value: Any, what: str) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    raise ShapeError(f"{what} is not an object")


def as_list(value: Any, what: str) -> list[Any]:
    if isinstance(value, list):
        return value
    raise ShapeError(f"{what} is not a list")


def obj(mapping: dict[str, Any], key: str) -> dict[str, Any]:
    """mapping[key] as an object; {} when missing or null."""
    value = mapping.get(key)
    return {} if value is None else as_dict(value, key)


def items(mapping: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """mapping[key] as a list of objects; [] when missing or null."""
    value = mapping.get(key)
    if value is None:
        return []
    return [as_dict(item, f"{key}[]") for item in as_list(value, key)]


def text(mapping: dict[str, Any], key: str) -> str | None:
    """mapping[key] as stripped text (numbers become text); None when missing or blank."""
    value = mapping.get(key)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str | int | float):
        stripped = str(value).strip()
        return stripped or None
    raise ShapeError(f"{key} is not text")
