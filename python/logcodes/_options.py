"""Scan options: the user's keyword arguments checked and turned into the core's ``ScanOptions``.

This is the one place that reads them, for ``scan``, ``Stream``, ``records``, ``follow``, ``logcodes.dask``,
``watch`` and the command line. An option that is a plain value in the core is one line of ``_PLAIN`` below
(its normaliser) plus its field in ``cpp/include/logcodes/scan_options.hpp``; the entry points that take it
name it in their signatures and documentation. Options with structure of their own (format, grouping,
count level, error logs and rules, filters) are read by the functions further down.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from . import _argcheck, _core, _events, _protocols
from . import rules as _rules
from ._dims import parse_by
from ._inputs import core_paths, expand_paths
from ._sizes import parse_duration, parse_size
from .filters import parse_time, scan_filter
from .formats import resolve
from .paths import compile_rules as _compile_path_rules

ON_ERROR = ("raise", "warn", "ignore")
COUNT_LEVELS = ("messages", "transactions", "calls", "events")
QUANTITIES = ("duration",)
MAX_SAMPLES = 5


# -- plain options: user value -> core value ---------------------------------------------------------------
def threads(value: Optional[int]) -> int:
    """None: all cores."""
    if value is None:
        return os.cpu_count() or 1
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"threads must be a positive int or None (all cores), got {value!r}")
    return value


def _size(what: str) -> Callable[[Any], int]:
    return lambda value: parse_size(value, what=what)


def explain_specs(value: Any) -> List[str]:
    """``"5xx"``, ``502``, ``"500,502"`` or a list of them -> ``["5xx", "502"]``."""
    items = _argcheck.items(value, "explain", "codes or classes such as '5xx' or 502, or a list of them")
    specs = []
    for item in items:
        for part in str(item).split(","):
            p = part.strip().lower()
            if not p:
                continue
            if not (len(p) == 3 and p[0] in "123456" and (p[1:] == "xx" or p[1:].isdigit())):
                raise ValueError(f"explain takes codes or classes such as '5xx' or '502', not {part.strip()!r}")
            specs.append(p)
    if not specs:
        raise ValueError("explain needs at least one code or class")
    return specs


def window_ms(value: Any) -> int:
    return int(parse_duration(value, what="window", positive=False) * 1000)


def path_map(value: Optional[Mapping[str, str]]) -> List[Tuple[str, str]]:
    if not isinstance(value, Mapping):
        raise ValueError(f"path_map takes a dict of path prefixes such as {{'/shop': '/'}}, not {value!r}")
    pairs = []
    for k, v in value.items():
        if not isinstance(k, str) or not isinstance(v, str) or not k.startswith("/") or not v.startswith("/"):
            raise ValueError(f"path_map entries map a path prefix to a path prefix ('/shop': '/'), not {k!r}: {v!r}")
        pairs.append((k, v))
    return pairs


def max_events(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"max_events must be a whole number of at least 1, not {value!r}")
    return value


def byte_range(value: Any) -> Tuple[int, int]:
    if (isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or len(value) != 2
            or not all(isinstance(x, int) and not isinstance(x, bool) for x in value)):
        raise TypeError(f"byte_range must be a (begin, end) pair of ints, not {value!r}")
    b, e = value
    if b < 0 or e < b:
        raise ValueError(f"byte_range must be (begin, end) with 0 <= begin <= end, not {value!r}")
    return (b, e)


# user name -> (core field, normaliser); None as the user's value leaves the core's default.
_PLAIN: Dict[str, Tuple[str, Callable[[Any], Any]]] = {
    "threads": ("threads", threads),
    "block_size": ("block_size", _size("block_size")),
    "max_record": ("max_record", _size("max_record")),
    "explain": ("explain", explain_specs),
    "window": ("window_ms", window_ms),
    "path_map": ("path_map", path_map),
    "max_events": ("max_events", max_events),
    "byte_range": ("byte_range", byte_range),
}
_FILTERS = ("where", "since", "until", "codes", "methods", "hosts", "path_patterns")
_GROUPING = ("by", "path_rules", "quantiles", "accuracy", "top")
# What each entry point takes (beyond its own arguments, such as Stream's label or records' columns).
TAKES: Dict[str, Tuple[str, ...]] = {
    "scan": ("format", "count", "errors", "rules", "on_error", "progress", "storage_options", *_GROUPING, *_FILTERS,
             *_PLAIN),
    "stream": ("format", "count", "max_record", *_GROUPING, *_FILTERS),
    "records": ("format", "count", "block_size", "max_record", "path_rules", "storage_options", *_FILTERS),
}

# The options whose default is None (the entry points' signatures say so).
OPTIONAL: Dict[str, Tuple[str, ...]] = {
    "scan": ("by", "count", "errors", "rules", "path_rules", "quantiles", "top", *_FILTERS, "threads", "block_size",
             "max_record", "path_map", "byte_range", "storage_options"),
    "stream": ("path_rules", "quantiles", "top", *_FILTERS),
    "records": ("block_size", "max_record", "path_rules", "storage_options", *_FILTERS),
}


@dataclasses.dataclass(frozen=True)
class Prepared:
    """A call's options, checked: what the core runs, and what the Python layer needs to read its result."""

    core: Any                        # _core.ScanOptions
    dims: Tuple[str, ...]            # the Summary's dimensions (responses)
    bucket: int                      # the time bucket, seconds
    count: str                       # messages | transactions | calls | events
    event_dims: Tuple[str, ...]      # how events of error logs read as inputs are grouped
    explicit_by: bool                # by= was given (events: a mismatch is an error, not a default)
    files: Tuple[str, ...] = ()      # the inputs, globs expanded
    on_error: str = "raise"
    quantiles: Optional[str] = None
    filters: Mapping[str, Any] = dataclasses.field(default_factory=dict)   # the filter keywords given

    @property
    def time_bucket(self) -> Optional[int]:
        return self.bucket if "time" in self.dims else None


@functools.lru_cache(maxsize=1)
def builtin_rules() -> Any:
    """The built-in rule pack, compiled once per process."""
    return _rules.compile(None)


def group(by: Any, *, path_rules: Any = None, quantiles: Optional[str] = None, accuracy: float = 0.01,
          top: Optional[Tuple[str, int]] = None, dims: Optional[Sequence[str]] = None,
          bucket: Optional[int] = None) -> Any:
    """The core's GroupSpec for ``by`` (or already parsed ``dims``/``bucket``) and the sketch options."""
    if dims is None:
        dims, bucket = parse_by(by)
    top_dim, top_size = "path", 0
    if top is not None:
        if isinstance(top, str) or not isinstance(top, (tuple, list)) or len(top) != 2:
            raise ValueError(f"top must be a (dimension, size) pair such as ('path', 1000), not {top!r}")
        top_dim, top_size = top[0], top[1]
        if top_dim not in _core.DIMENSIONS:
            raise ValueError(f"top: unknown dimension {top_dim!r}; valid dimensions: {', '.join(_core.DIMENSIONS)}")
        if isinstance(top_size, bool) or not isinstance(top_size, int) or not 1 <= top_size <= 1_000_000:
            raise ValueError(f"top: the size must be an int from 1 to 1000000, not {top_size!r}")
    if quantiles is not None and quantiles not in QUANTITIES:
        raise ValueError(f"quantiles can be kept for {', '.join(QUANTITIES)}, not {quantiles!r}")
    if isinstance(accuracy, bool) or not isinstance(accuracy, (int, float)) or not 0 < accuracy < 1:
        raise ValueError(f"accuracy must be a relative error between 0 and 1 (0.01 is 1 %), not {accuracy!r}")
    return _core.GroupSpec(list(dims), bucket or 3600, path_rules=_compile_path_rules(path_rules),
                           quantiles=quantiles is not None, accuracy=float(accuracy), top_dim=top_dim,
                           top_capacity=top_size)


def storage_options(value: Any) -> Dict[str, Any]:
    """fsspec's options for URL inputs (``{"endpoint_url": ..., "anon": True}`` ...)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise TypeError(f"storage_options must be a dict of fsspec options, not {type(value).__name__}")
    return dict(value)


def time_window(filters: Mapping[str, Any]) -> Optional[Tuple[Optional[int], Optional[int]]]:
    """(since, until) in ms, for pruning date-partitioned prefixes of URL inputs; None when neither is set."""
    since, until = filters.get("since"), filters.get("until")
    if since is None and until is None:
        return None
    return (None if since is None else parse_time(since, "since")[0],
            None if until is None else parse_time(until, "until")[0])


def _reject_unknown(entry: str, options: Mapping[str, Any]) -> None:
    for name in options:
        if name not in TAKES[entry]:
            raise TypeError(f"{entry}() got an unexpected keyword argument {name!r}")


def prepare(entry: str, paths: Any = None, **options: Any) -> Prepared:
    """Checks the options ``entry`` (``"scan"``, ``"stream"`` or ``"records"``) was given and builds the core's
    ScanOptions. ``paths`` None checks the options alone (``logcodes.dask`` does so on the client)."""
    _reject_unknown(entry, options)
    # None is the default of the options OPTIONAL names; of any other it is a wrong type.
    given = {k: v for k, v in options.items() if not (v is None and k in OPTIONAL[entry])}
    for name, value in given.items():
        if value is None:
            raise TypeError(f"{name} takes a value (see {entry}()'s documentation), not None")
    count = given.get("count")
    levels = {"scan": COUNT_LEVELS, "stream": COUNT_LEVELS[:3], "records": COUNT_LEVELS[:2]}[entry]
    if count is not None and count not in levels:
        raise ValueError(f"count must be one of {', '.join(levels)}, not {count!r}")
    explicit_events = count == "events"
    by = given.get("by")
    dims, bucket = parse_by(by if by is not None else
                            (_events.DEFAULT_EVENT_DIMS if explicit_events else ("class", "code")))
    ev_dims = _events.event_dims(dims, explicit=explicit_events) if entry == "scan" else ()
    if explicit_events:
        dims = ev_dims
    count = count or "transactions"
    on_error = given.get("on_error", "raise")
    if on_error not in ON_ERROR:
        raise ValueError(f"on_error must be one of {', '.join(ON_ERROR)}, not {on_error!r}")
    filters, compiled_filter = scan_filter(
        given.get("where"), since=given.get("since"), until=given.get("until"), codes=given.get("codes"),
        methods=given.get("methods"), hosts=given.get("hosts"), path_patterns=given.get("path_patterns"), count=count)
    # Responses are grouped by dims (and always by their protocol, see _protocols), the events of error logs
    # by ev_dims; which the inputs hold is known once each is detected.
    response_dims = ("class", "code") if explicit_events else dims
    core: Dict[str, Any] = {
        "format": resolve(given.get("format", "auto")),
        "count": "transactions" if explicit_events else count,
        "group": group(None, dims=_protocols.core_dims(response_dims), bucket=bucket,
                       path_rules=given.get("path_rules"), quantiles=given.get("quantiles"),
                       accuracy=given.get("accuracy", 0.01), top=given.get("top")),
        "filter": compiled_filter,
        "max_samples": MAX_SAMPLES,
    }
    if entry == "scan":
        core["event_group"] = group(None, dims=ev_dims, bucket=bucket, path_rules=given.get("path_rules"))
        core["threads"] = threads(given.get("threads"))
    for name, (field, normalise) in _PLAIN.items():
        if name in given:
            core[field] = normalise(given[name])
    files: List[str] = []
    error_files: List[str] = []
    storage = storage_options(given.get("storage_options"))
    if paths is not None:
        files = expand_paths(paths, storage_options=storage, window=time_window(filters))
        core["paths"] = core_paths(files)
    if given.get("errors") is not None:
        error_files = expand_paths(given["errors"], "errors", storage_options=storage) if paths is not None else []
        core["error_paths"] = core_paths(error_files)
    if entry == "scan":
        # The rules name the causes of access-log errors (errors=) and of error-log events read as inputs.
        has_errors = given.get("errors") is not None
        core["rules"] = (_rules.compile(given.get("rules")) if (has_errors or "rules" in given)
                         else builtin_rules())
    return Prepared(_core.ScanOptions(**core), tuple(dims), bucket, count, tuple(ev_dims), by is not None,
                    tuple(files), on_error, given.get("quantiles"), filters)
