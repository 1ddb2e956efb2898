"""Scan-time filters: ``since=``, ``until=``, ``codes=``, ``methods=``, ``paths=``, ``hosts=``.

The same keywords work on :func:`logcodes.scan`, :func:`logcodes.records` and ``logcodes summarize``.
They are checked here and applied in the C++ core after each record is classified: records left out are
counted as ``filtered`` (``Summary.filtered``), never silently dropped.

>>> import logcodes
>>> s = logcodes.scan(logcodes.samples.path("apache_combined"), by="code", codes="5xx")
>>> sorted(s.counts("code"))
[500]
>>> s.total == s.counted + s.filtered + s.invalid + s.unparsed
True
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from . import _argcheck, _core

__all__ = ["TimeArg", "CodesArg", "NamesArg", "FILTER_KEYWORDS", "compile_filter", "merge_where", "scan_filter"]

TimeArg = Union[str, _dt.datetime, _dt.date, int, float, None]
CodesArg = Union[str, int, Sequence[Union[str, int]], None]
NamesArg = Union[str, Sequence[str], None]

FILTER_KEYWORDS = ("since", "until", "codes", "methods", "paths", "hosts")

_RELATIVE = re.compile(r"^-\s*(\d+(?:\.\d+)?)\s*(s|sec|min|m|h|d|w)$")
_UNIT_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_CODE = re.compile(r"^([1-6])(xx|\d\d)$")
_RANGE = re.compile(r"^(\d{3})\s*-\s*(\d{3})$")
_METHOD = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


def parse_time(value: TimeArg, what: str, *, now: Optional[_dt.datetime] = None) -> Tuple[int, bool]:
    """``(milliseconds since the epoch, wall clock?)`` of a since/until bound.

    A datetime with a zone, an ISO string with one (``"2026-11-24T06:00:00+01:00"``, ``"...Z"``), epoch
    seconds (int/float) and relative times (``"-1h"``, ``"-30min"``, ``"-2d"``: before now) are instants,
    compared with each record's UTC time. A naive datetime, a date, or an ISO string without a zone
    (``"2026-11-24"``, ``"2026-11-24 06:00"``) means the log's own wall clock: it is compared with the
    time as written in the log, whatever zone the log is in.

    >>> parse_time("1970-01-01T00:00:01Z", "since")
    (1000, False)
    >>> parse_time("1970-01-02", "until")
    (86400000, True)
    """
    if isinstance(value, bool):
        raise TypeError(f"{what} must be a datetime, a date, an ISO string or epoch seconds, not a bool")
    if isinstance(value, (int, float)):
        return int(round(value * 1000)), False
    if isinstance(value, str):
        text = value.strip()
        m = _RELATIVE.match(text.lower())
        if m:
            base = now or _dt.datetime.now(_dt.timezone.utc)
            delta = _dt.timedelta(seconds=float(m.group(1)) * _UNIT_SECONDS[m.group(2)])
            return parse_time(base - delta, what)
        try:
            parsed: Union[_dt.datetime, _dt.date] = _dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise ValueError(f"{what}: {value!r} is not a time; use an ISO date/time such as '2026-11-24' or "
                             f"'2026-11-24T06:00:00Z', a relative time such as '-1h', or a datetime") from None
        return parse_time(parsed, what)
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
            wall = value.replace(tzinfo=_dt.timezone.utc)
            return _ms(wall), True
        return _ms(value), False
    if isinstance(value, _dt.date):
        return _ms(_dt.datetime(value.year, value.month, value.day, tzinfo=_dt.timezone.utc)), True
    raise TypeError(f"{what} must be a datetime, a date, an ISO string or epoch seconds, not {type(value).__name__}")


def _ms(t: _dt.datetime) -> int:
    delta = t - _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
    return (delta.days * 86400 + delta.seconds) * 1000 + delta.microseconds // 1000


def parse_codes(value: CodesArg) -> List[Tuple[int, int]]:
    """Inclusive code ranges of ``codes=``: ``"5xx"``, ``404``, ``"500-504"``, or a list / comma list of them.

    >>> parse_codes("5xx")
    [(500, 599)]
    >>> parse_codes([404, "500-504"])
    [(404, 404), (500, 504)]
    """
    if value is None:
        return []
    items = _argcheck.items(value, "codes", "codes, classes or ranges such as 404, '5xx', '500-504'")
    out: List[Tuple[int, int]] = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, (str, int)):
            raise TypeError(f"codes takes codes, classes or ranges such as 404, '5xx', '500-504', not {item!r}")
        for part in str(item).split(","):
            p = part.strip().lower()
            if not p:
                continue
            m = _CODE.match(p)
            r = _RANGE.match(p)
            if m and m.group(2) == "xx":
                d = int(m.group(1))
                out.append((d * 100, d * 100 + 99))
            elif m:
                out.append((int(p), int(p)))
            elif r and 100 <= int(r.group(1)) <= int(r.group(2)) <= 699:
                out.append((int(r.group(1)), int(r.group(2))))
            else:
                raise ValueError(f"codes: {part.strip()!r} is not a code (404), a class ('5xx') or a range "
                                 f"('500-504') of codes 100-699")
    if not out:
        raise ValueError("codes: no code given")
    return out


def _names(value: NamesArg, what: str, *, split: bool) -> List[str]:
    if value is None:
        return []
    if isinstance(value, str):
        items = [v.strip() for v in value.split(",")] if split else [value]
    else:
        items = _argcheck.strings(value, what, "a string or a list of strings")
    out = []
    for item in items:
        if item == "":
            continue
        out.append(item)
    if not out:
        raise ValueError(f"{what}: nothing given")
    return out


def compile_filter(
    *,
    since: TimeArg = None,
    until: TimeArg = None,
    codes: CodesArg = None,
    methods: NamesArg = None,
    paths: NamesArg = None,
    hosts: NamesArg = None,
) -> Optional[Any]:
    """The core filter for these keywords, or None when none is given. Raises ValueError naming the bad one.

    ``methods``: names, case-insensitive (``"GET,POST"`` or a list). ``paths`` / ``hosts``: one pattern or
    a list; each is a glob matched against the whole value (``*`` and ``?`` match any characters, ``/``
    too; ``[abc]``, ``[!abc]``), or an RE2 regex with a ``re:`` prefix, also matched whole
    (``"re:/api/v[12]/.*"``). Paths are matched without their query string; hosts case-insensitively.
    """
    no_time = _core.NO_TIME
    since_ms, since_wall = parse_time(since, "since") if since is not None else (no_time, False)
    until_ms, until_wall = parse_time(until, "until") if until is not None else (no_time, False)
    if since is not None and until is not None and since_wall == until_wall and until_ms <= since_ms:
        raise ValueError(f"until ({until!r}) must be later than since ({since!r})")
    code_ranges = parse_codes(codes)
    method_list = [m.upper() for m in _names(methods, "methods", split=True)]
    for m in method_list:
        if not _METHOD.match(m):
            raise ValueError(f"methods: {m!r} is not a request method")
    path_list = _names(paths, "paths", split=False)
    host_list = _names(hosts, "hosts", split=False)
    if (since is None and until is None and not code_ranges and not method_list and not path_list
            and not host_list):
        return None
    return _core.compile_filter(since_ms, since_wall, until_ms, until_wall, code_ranges, method_list, path_list,
                                host_list)


def merge_where(where: Optional[Mapping[str, Any]], given: Dict[str, Any]) -> Dict[str, Any]:
    """The filter keywords of ``where=`` (a dict of them) merged with those given directly.

    >>> merge_where({"codes": "5xx"}, {"since": None, "methods": "GET"})
    {'since': None, 'methods': 'GET', 'codes': '5xx'}
    """
    out = dict(given)
    if where is None:
        return out
    if not isinstance(where, Mapping):
        raise TypeError(f"where must be a dict of filter keywords ({', '.join(FILTER_KEYWORDS)}), "
                        f"not {type(where).__name__}")
    for key, value in where.items():
        if key not in FILTER_KEYWORDS:
            raise ValueError(f"where: unknown filter {key!r}; valid filters: {', '.join(FILTER_KEYWORDS)}")
        if out.get(key) is not None:
            raise ValueError(f"where: {key!r} is also given as a keyword argument")
        out[key] = value
    return out


def scan_filter(where: Optional[Mapping[str, Any]], *, since: TimeArg, until: TimeArg, codes: CodesArg,
                methods: NamesArg, hosts: NamesArg, path_patterns: NamesArg,
                count: str = "transactions") -> Tuple[Dict[str, Any], Any]:
    """The keywords of ``scan()``, ``Stream`` and ``records()`` (``where=`` merged in) and their compiled
    filter (None when nothing is filtered). Filters apply to responses, so ``count="calls"`` refuses them.

    >>> scan_filter(None, since=None, until=None, codes=None, methods=None, hosts=None, path_patterns=None)[1]
    """
    filters = merge_where(where, {"since": since, "until": until, "codes": codes, "methods": methods,
                                  "hosts": hosts, "paths": path_patterns})
    compiled = compile_filter(**filters)
    if compiled is not None and count == "calls":
        raise ValueError("filters (since, until, codes, methods, hosts, paths) apply to responses, not to "
                         "count='calls'")
    return filters, compiled
