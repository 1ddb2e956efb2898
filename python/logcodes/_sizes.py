"""Parsing of human sizes ("64KiB") and durations ("15min") given as arguments."""

from __future__ import annotations

import datetime as _dt
import re
from typing import Union

_SIZE_UNITS = {
    "": 1, "b": 1,
    "k": 1000, "kb": 1000, "kib": 1024,
    "m": 1000**2, "mb": 1000**2, "mib": 1024**2,
    "g": 1000**3, "gb": 1000**3, "gib": 1024**3,
}
_DURATION_UNITS = {
    "ms": 0.001, "msec": 0.001, "millisecond": 0.001, "milliseconds": 0.001,
    "": 1, "s": 1, "sec": 1, "second": 1, "seconds": 1,
    "m": 60, "min": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hour": 3600, "hours": 3600,
    "d": 86400, "day": 86400, "days": 86400,
}


def parse_size(value: Union[int, str], *, what: str = "size") -> int:
    """``4096``, ``"64KiB"``, ``"1MiB"``, ``"1.5GB"`` -> bytes."""
    if isinstance(value, bool):
        raise TypeError(f"{what} must be an int or a string like '64KiB', not bool")
    if isinstance(value, int):
        n = value
    elif isinstance(value, str):
        m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)\s*", value)
        if not m or m.group(2).lower() not in _SIZE_UNITS:
            raise ValueError(f"{what} {value!r} is not a size such as 4096, '64KiB' or '1MiB'")
        n = int(float(m.group(1)) * _SIZE_UNITS[m.group(2).lower()])
    else:
        raise TypeError(f"{what} must be an int or a string like '64KiB', not {type(value).__name__}")
    if n <= 0:
        raise ValueError(f"{what} must be positive, got {value!r}")
    return n


def parse_duration(value: Union[int, float, str, _dt.timedelta], *, what: str = "duration", whole: bool = False,
                   positive: bool = True) -> float:
    """The one duration parser: ``"500ms"``, ``"2s"``, ``"15min"``, ``"1h"``, ``"1d"``, ``"h"`` (one hour),
    ``"2.5"`` or ``2.5`` (seconds), or a ``timedelta`` -> seconds.

    ``whole``: a whole number of seconds, at least 1 (time buckets), returned as an int. ``positive``:
    more than 0 (else 0 is allowed). Every argument that takes a duration (``by="time:…"``, ``window=``,
    ``interval=``, ``timeline(freq=)``) reads it here, so all accept the same units.

    >>> parse_duration("500ms"), parse_duration("1min"), parse_duration("1h", whole=True)
    (0.5, 60.0, 3600)
    """
    if isinstance(value, _dt.timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    elif isinstance(value, str):
        m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)?\s*([a-zA-Z]*)\s*", value)
        if not m or (m.group(1) is None and not m.group(2)) or m.group(2).lower() not in _DURATION_UNITS:
            raise ValueError(f"{what} {value!r} is not a duration such as '500ms', '30s', '5min', '1h' or '1d'")
        seconds = float(m.group(1) or 1) * _DURATION_UNITS[m.group(2).lower()]
    else:
        raise TypeError(f"{what} must be a duration string like '30s', seconds, or a timedelta, "
                        f"not {type(value).__name__}")
    if whole:
        if seconds < 1 or seconds != int(seconds):
            raise ValueError(f"{what} must be a whole number of seconds, at least 1 (got {value!r})")
        return int(seconds)
    if seconds < 0 or (positive and seconds == 0) or seconds != seconds:
        raise ValueError(f"{what} must be {'positive' if positive else 'zero or more'}, got {value!r}")
    return seconds
