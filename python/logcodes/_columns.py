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


# -- selecting, ranking and merging on the columns (Summary.where / top / merge) ---------------------------

def _pc() -> Any:
    import pyarrow.compute as pc  # type: ignore[import-untyped,unused-ignore]

    return pc


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _mask(column: Any, dim: str, want: Any) -> Any:
    """Where ``column`` (dimension ``dim``) meets the condition ``want`` exactly as ``_explore.matcher`` reads
    it. A plain value of the column's own kind is compared in Arrow; anything else (a predicate, a set, a
    class such as ``"5xx"``, a datetime, a value of another type) is tested on the column's distinct values
    only, with the very test the dict path uses, so both ways always agree."""
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    from ._explore import _one

    pc = _pc()
    kind = column.type
    if want is None:
        return pc.is_null(column)
    if dim != "time" and not callable(want):
        if isinstance(want, str) and (pa.types.is_string(kind) or pa.types.is_large_string(kind)) and \
                dim not in ("code", "upstream_code"):
            return pc.fill_null(pc.equal(column, pa.scalar(want, kind)), False)
        if _is_int(want) and pa.types.is_integer(kind) and -2**63 <= want < 2**63:
            return pc.fill_null(pc.equal(column, pa.scalar(want, pa.int64())), False)
    distinct = pc.unique(column)
    values = distinct.to_pylist()
    if dim == "time":
        values = [_time(v) for v in values]
    test = _one(dim, want)
    keep = distinct.filter(pa.array([test(v) for v in values], type=pa.bool_()))
    return pc.is_in(column, value_set=keep, skip_nulls=False)


def select(groups: Any, dims: Sequence[str], conditions: Dict[str, Any]) -> Any:
    """The groups meeting every condition (see ``Summary.where``), in their order."""
    pc = _pc()
    mask = None
    for dim, want in conditions.items():
        if dim not in dims:
            raise ValueError(f"cannot select by {dim!r}: this summary is grouped by {', '.join(dims) or 'nothing'}; "
                             f"scan with by=(..., {dim!r}) to select by it")
        m = _mask(groups.column(dim), dim, want)
        mask = m if mask is None else pc.and_(mask, m)
    return groups if mask is None else groups.filter(mask)


def top(groups: Any, dim: str, n: int) -> List[Tuple[Any, int]]:
    """The ``n`` most frequent values of ``dim`` as ``_explore.rank`` orders them (count descending, ties by
    ``str(value)``), reading as Python objects only the rows that can be among them."""
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    from ._explore import rank

    pc = _pc()
    added = groups.group_by([dim], use_threads=False).aggregate([("count", "sum")])
    if added.num_rows > n:
        best = pc.select_k_unstable(added, k=n, sort_keys=[("count_sum", "descending")])
        cut = pc.min(added.column("count_sum").take(best)).as_py()
        above = added.filter(pc.greater(added.column("count_sum"), cut))
        tied = added.filter(pc.equal(added.column("count_sum"), cut))
        room = n - above.num_rows
        column = tied.column(dim)
        if room < tied.num_rows and dim != "time":
            # Ties go by str(value): the text itself, a number's digits, None as "None" (Arrow compares
            # UTF-8 by bytes, which is Python's order of code points).
            as_text = column if pa.types.is_large_string(column.type) or pa.types.is_string(column.type) \
                else pc.cast(column, pa.large_string())
            as_text = pc.fill_null(as_text.cast(pa.large_string()), "None")
            tied = tied.take(pc.select_k_unstable(pa.table({"v": as_text}), k=room, sort_keys=[("v", "ascending")]))
        added = pa.concat_tables([above, tied])
    values = added.column(dim).to_pylist()
    if dim == "time":
        values = [_time(v) for v in values]
    return rank(dict(zip(values, added.column("count_sum").to_pylist())), n)


def from_counts(counts: Dict[Tuple[Any, ...], int], dims: Sequence[str]) -> Any:
    """A ``{key tuple: count}`` dict as columns like a scan's (times as seconds, text large_utf8)."""
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    keys = list(counts)
    data: Dict[str, Any] = {}
    for i, d in enumerate(dims):
        values = [k[i] for k in keys]
        if d == "time":
            values = [None if v is None else int(v.timestamp()) for v in values]
        if any(_is_int(v) for v in values):
            data[d] = pa.array(values, type=pa.int64())
        else:
            data[d] = pa.array(values, type=pa.large_string())
    data["count"] = pa.array(list(counts.values()), type=pa.int64())
    return pa.table(data)


def lift(groups: Any, protocol: Optional[str], at: int) -> Any:
    """The groups of a one-protocol summary with a ``protocol`` column inserted at position ``at``."""
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    if groups.num_rows and protocol is None:
        raise ValueError("cannot keep protocols apart: a summary does not say which protocol its codes are "
                         "(build it with protocol='http' or 'sip')")
    return groups.add_column(at, "protocol", pa.array([protocol] * groups.num_rows, type=pa.large_string()))


def sort(groups: Any, dims: Sequence[str]) -> Any:
    """The groups in the Summary's order: element by element, ascending, absent values last (a column holds
    numbers or text, never both)."""
    if not dims or groups.num_rows < 2:
        return groups
    keys = [(d, "ascending") for d in dims]
    return groups.take(_pc().sort_indices(groups, sort_keys=keys))  # nulls go last by default


def merge(tables: Sequence[Any], dims: Sequence[str]) -> Any:
    """The groups of all ``tables`` (same dimensions) with the counts of equal keys added, in the Summary's order."""
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    # A column with no value at all is text (nothing said it was numbers): it takes the other side's type.
    fields = []
    for d in dims:
        valued = [t.column(d).type for t in tables if t.column(d).null_count < t.num_rows]
        fields.append((d, valued[0] if valued else pa.large_string()))
    schema = pa.schema([*fields, ("count", pa.int64())])
    joined = pa.concat_tables([t.select([*dims, "count"]).cast(schema) for t in tables])
    added = joined.group_by(list(dims), use_threads=False).aggregate([("count", "sum")])
    added = added.rename_columns(["count" if c == "count_sum" else c for c in added.column_names])
    return sort(added.select([*dims, "count"]), dims)
