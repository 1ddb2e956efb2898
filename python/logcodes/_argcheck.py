"""Argument checks shared by ``scan``, ``Stream``, ``records``, ``follow`` and ``detect``: a wrong type
raises a TypeError that names the argument and says what it takes, before anything reaches the core."""

from __future__ import annotations

from typing import Any, List


def items(value: Any, what: str, takes: str) -> List[Any]:
    """``value`` as a list of items: one str (or int) is one item, any other iterable gives its items."""
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return [value]
    if isinstance(value, (bytes, bytearray, memoryview)):
        raise TypeError(f"{what} takes {takes}, not bytes")
    try:
        return list(value)
    except TypeError:
        raise TypeError(f"{what} takes {takes}, not {type(value).__name__}") from None


def strings(value: Any, what: str, takes: str) -> List[str]:
    """``value`` as a list of strings (one str, or an iterable of them)."""
    out = items(value, what, takes)
    for item in out:
        if not isinstance(item, str):
            raise TypeError(f"{what} takes {takes}, not {type(item).__name__} {item!r}")
    return out


def choice(value: Any, what: str, choices: "tuple[str, ...]") -> str:
    """One of ``choices``; a TypeError for a non-str, a ValueError for another string."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be one of {', '.join(choices)}, not {type(value).__name__}")
    if value not in choices:
        raise ValueError(f"{what} must be one of {', '.join(choices)}, not {value!r}")
    return value


def text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    return value
