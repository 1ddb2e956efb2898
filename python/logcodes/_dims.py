"""The ``by=`` argument: which dimensions to group by."""

from __future__ import annotations

from typing import Iterable, Tuple, Union

from . import _core
from ._argcheck import strings
from ._sizes import parse_duration

DIMENSIONS: Tuple[str, ...] = tuple(_core.DIMENSIONS)
DEFAULT_TIME_BUCKET = 3600

ByArg = Union[str, Iterable[str]]


def known_fields() -> Tuple[str, ...]:
    """Named fields formats can yield (``"upstream_addr"``, ``"sc-substatus"`` ...): each can be grouped by."""
    return tuple(_core.known_fields())


def parse_by(by: ByArg, extra_fields: Iterable[str] = ()) -> Tuple[Tuple[str, ...], int]:
    """``("class", "code")`` or ``"time:15min,code"`` -> (dims, time bucket in seconds).

    Besides the standard dimensions, any named field a format yields can be a dimension.

    >>> parse_by("time:5min,code")
    (('time', 'code'), 300)
    """
    if isinstance(by, str):
        items = [s.strip() for s in by.split(",")]
    else:
        items = [s.strip() for s in strings(by, "by", "dimension names ('class,code' or a list of them)")]
    dims = []
    bucket = DEFAULT_TIME_BUCKET
    fields = None
    for item in items:
        if not item:
            continue
        name, _, arg = item.partition(":")
        if name not in DIMENSIONS:
            if fields is None:
                fields = set(known_fields()) | set(extra_fields)
            if name not in fields:
                raise ValueError(f"unknown dimension {name!r}; valid dimensions: {', '.join(DIMENSIONS)} "
                                 "(time takes a bucket, e.g. 'time:5min'), or a field a format yields "
                                 "(logcodes.formats.fields() lists them)")
        if arg:
            if name != "time":
                raise ValueError(f"only the time dimension takes an argument, not {item!r}")
            bucket = int(parse_duration(arg, what="time bucket", whole=True))
        if name in dims:
            raise ValueError(f"dimension {name!r} is given twice")
        dims.append(name)
    return tuple(dims), bucket
