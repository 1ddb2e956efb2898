"""A summary's groups as Arrow columns, as the core hands them over.

A scan's groups arrive as one Arrow record batch (a column per dimension, then ``count``), in the order a
Summary lists them. Reading them as a DataFrame or adding them up needs no Python object per group; the
``{key: count}`` dict most methods use is made from them only when first asked for.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

_UTC = _dt.timezone.utc
# Up to this many groups a scan hands them over as a dict (no pyarrow import for a small summary); beyond,
# as Arrow columns. Results are the same either way (tests run both).
DICT_GROUPS = 20_000


class _Capsules:
    """The core's (schema, array) PyCapsule pair, offered through the Arrow PyCapsule interface."""

    def __init__(self, pair: Tuple[Any, Any]) -> None:
        self._pair = pair

    def __arrow_c_array__(self, requested_schema: Optional[object] = None) -> Tuple[Any, Any]:
        return self._pair


def _pyarrow() -> Any:
    import pyarrow  # type: ignore[import-untyped,unused-ignore]

    return pyarrow


def table(capsules: Tuple[Any, Any]) -> Any:
    """The core's groups as a pyarrow Table."""
    pa = _pyarrow()
    return pa.Table.from_batches([pa.record_batch(_Capsules(capsules))])


def settle(dims: Sequence[str], groups: Any) -> Tuple[Tuple[str, ...], Any, Optional[str]]:
    """Groups of ``_protocols.core_dims(dims)``: one protocol (or none) drops its column and returns it;
    several keep it as the first dimension (see ``_protocols``)."""
    dims = tuple(dims)
    if "protocol" in dims:
        return dims, groups, None
    seen = distinct(groups, "protocol")
    if len(seen) > 1:
        return ("protocol", *dims), groups, None
    return dims, groups.drop_columns(["protocol"]), next(iter(seen)) if seen else None


def distinct(groups: Any, column: str) -> Set[Any]:
    import pyarrow.compute as pc  # type: ignore[import-untyped,unused-ignore]

    return set(pc.unique(groups.column(column)).to_pylist())


def total(groups: Any) -> int:
    import pyarrow.compute as pc  # type: ignore[import-untyped,unused-ignore]

    n = pc.sum(groups.column("count")).as_py()
    return int(n or 0)


def _time(value: Optional[int]) -> Optional[_dt.datetime]:
    return None if value is None else _dt.datetime.fromtimestamp(value, tz=_UTC)


def _values(columns: Any, dims: Sequence[str]) -> List[Iterable[Any]]:
    """Each dimension's values as Python objects (times as aware datetimes, UTC)."""
    out: List[Iterable[Any]] = []
    for d in dims:
        values: Iterable[Any] = columns.column(d).to_pylist()
        out.append([_time(v) for v in values] if d == "time" else values)
    return out


def to_dict(groups: Any, dims: Sequence[str]) -> Dict[Tuple[Any, ...], int]:
    """{key tuple: count}, in the groups' order."""
    counts = groups.column("count").to_pylist()
    columns = _values(groups, dims)
    keys = zip(*columns) if columns else (() for _ in counts)
    return dict(zip(keys, counts))


def counts(groups: Any, dims: Sequence[str]) -> Dict[Any, int]:
    """Counts by some dimensions, as ``Summary.counts(*dims)`` gives them: keys in the order their first
    group comes (a single-threaded group_by keeps it)."""
    added = groups.group_by(list(dims), use_threads=False).aggregate([("count", "sum")])
    columns = _values(added, dims)
    sums = added.column("count_sum").to_pylist()
    return dict(zip(columns[0] if len(dims) == 1 else zip(*columns), sums))


def to_pandas(groups: Any, dims: Sequence[str], protocol: Optional[str], ordered: Set[str], *, reason: bool,
              lang: Optional[str]) -> Any:
    """The DataFrame ``Summary.to_pandas()`` gives, from the columns: rows in ``Summary.rows()`` order, each
    code followed by its reason phrase in its own protocol's registry."""
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    from . import _languages, codes

    lang = _languages.check(lang)
    df = groups.to_pandas()
    for d in dims:
        if d == "time":
            df[d] = pd.to_datetime(df[d], unit="s", utc=True)
        elif groups.column(d).null_count == groups.num_rows:
            # No value at all (a host in a log without hosts): None objects, as a DataFrame of rows has them.
            df[d] = pd.Series([None] * len(df), index=df.index, dtype=object)
    # The groups come in key order; a stable sort keeps it among equals, as rows() does.
    if not set(dims) <= ordered:
        if "code" in dims:
            df = df.sort_values(["code", "count"], ascending=[True, False], kind="stable", na_position="last")
        else:
            df = df.sort_values("count", ascending=False, kind="stable")
        df = df.reset_index(drop=True)
    if reason and "code" in dims and "reason" not in dims:
        at = list(dims).index("code")
        if "protocol" in dims:
            pairs = list(zip(df["protocol"], df["code"]))
            names = {p: codes.phrase(p[0], int(p[1]), lang=lang) for p in set(pairs)}
            phrases = [names[p] for p in pairs]
        else:
            names = {c: codes.phrase(protocol, int(c), lang=lang) for c in df["code"].unique()}
            phrases = df["code"].map(names)
        df.insert(at + 1, "reason", phrases)
    return df
