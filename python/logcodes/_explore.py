"""Slicing a Summary: selecting groups, heavy hitters, timelines and latency quantiles."""

from __future__ import annotations

import dataclasses
import html
import datetime as _dt
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

__all__ = ["Top", "matcher", "select"]

Key = Tuple[Any, ...]


def _class_of(value: Any) -> Optional[str]:
    return f"{value // 100}xx" if isinstance(value, int) and 100 <= value <= 699 else None


def _one(dim: str, want: Any) -> Callable[[Any], bool]:
    if callable(want):
        return lambda v: bool(want(v))
    if isinstance(want, (set, frozenset, list, tuple)):
        tests = [_one(dim, w) for w in want]
        return lambda v: any(t(v) for t in tests)
    if dim in ("code", "upstream_code") and isinstance(want, str):
        w = want.strip().lower()
        if len(w) == 3 and w.endswith("xx") and w[0] in "123456":
            return lambda v: _class_of(v) == w          # code="5xx": every code of the class
        if w.isdigit():
            return lambda v: v == int(w)                # code="502"
    if isinstance(want, _dt.datetime) and want.tzinfo is None:
        want = want.replace(tzinfo=_dt.timezone.utc)
    return lambda v: v == want


def matcher(dims: Sequence[str], conditions: Mapping[str, Any]) -> Callable[[Key], bool]:
    """A test for group keys: every condition must hold. A condition is a value, a set/list of values, a
    predicate, or for codes a class (``code="5xx"``)."""
    tests = []
    for dim, want in conditions.items():
        if dim not in dims:
            raise ValueError(f"cannot select by {dim!r}: this summary is grouped by {', '.join(dims) or 'nothing'}; "
                             f"scan with by=(..., {dim!r}) to select by it")
        tests.append((dims.index(dim), _one(dim, want)))
    return lambda key: all(t(key[i]) for i, t in tests)


def select(items: Mapping[Key, Any], dims: Sequence[str], conditions: Optional[Mapping[str, Any]]) -> Dict[Key, Any]:
    """The entries of ``items`` (keyed by group) whose group matches ``conditions``."""
    if not conditions:
        return dict(items)
    keep = matcher(dims, conditions)
    return {k: v for k, v in items.items() if keep(k)}


@dataclasses.dataclass(frozen=True)
class Top:
    """The most frequent values of one dimension, most frequent first.

    ``exact`` tells whether the counts are exact (the dimension was grouped by, or the heavy-hitter
    sketch never had to drop a value) or estimates from the bounded-memory sketch; then each count is at
    most ``error`` below the true count (never above it), and every value whose true count exceeds
    ``error`` is listed.
    """

    dim: str
    items: Tuple[Tuple[Any, int], ...]
    exact: bool = True
    error: int = 0
    total: int = 0      # records the counts are out of
    size: int = 0       # counters of the heavy-hitter sketch (0: exact counts from the group-by)

    def __iter__(self) -> Iterator[Tuple[Any, int]]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> Tuple[Any, int]:
        return self.items[i]

    def to_dict(self) -> Dict[Any, int]:
        """``{value: count}`` in order."""
        return dict(self.items)

    def to_pandas(self):  # -> pandas.DataFrame
        """A DataFrame with columns ``<dim>``, ``count`` (and ``max_error`` when approximate)."""
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]

        df = pd.DataFrame(list(self.items), columns=[self.dim, "count"])
        if not self.exact:
            df["max_error"] = self.error
        return df

    def __repr__(self) -> str:
        how = "exact" if self.exact else f"approximate: each count at most {self.error:,} below the true one"
        lines = [f"<logcodes.Top {len(self.items)} {self.dim} ({how})>"]
        values = [_show_clip(_show_cell(v)) for v, _ in self.items]
        width = max((len(v) for v in values), default=0)
        lines += [f"{v:<{width}}  {n:>12,}" for v, (_, n) in zip(values, self.items)]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """A notebook table: value, count and share of the records counted; long values cut, whole on hover."""
        from . import _show, _svg

        how = "exact" if self.exact else f"approximate: each count at most {self.error:,} below the true one"
        rows = [[_show_cell(v), f"{n:,}", f"{100.0 * n / self.total:.1f}%" if self.total else "-"]
                for v, n in self.items]
        return (f"<div class='logcodes-top'><p><b>logcodes.Top</b> {len(self.items)} {html.escape(self.dim)} "
                f"({html.escape(how)}; of {self.total:,} records)</p>"
                f"{_svg.table([self.dim, 'count', 'share'], rows, cut=_show.HTML_CELL)}</div>")


def merge_top(a: Optional[Top], b: Optional[Top]) -> Optional[Top]:
    """Merges two heavy-hitter answers like their sketches merge: add the counters, then subtract the
    (size+1)-th largest from all so at most ``size`` stay; the subtracted amount joins the error bound."""
    if a is None or b is None:
        return a if b is None else b
    if a.dim != b.dim:
        raise ValueError(f"cannot merge heavy hitters of {a.dim!r} and {b.dim!r}")
    size = min(a.size, b.size)
    counts: Dict[Any, int] = dict(a.items)
    for v, n in b.items:
        counts[v] = counts.get(v, 0) + n
    error = a.error + b.error
    if len(counts) > size:
        cut = sorted(counts.values(), reverse=True)[size]
        error += cut
        counts = {v: n - cut for v, n in counts.items() if n > cut}
    return Top(a.dim, tuple(rank(counts, size)), exact=error == 0, error=error, total=a.total + b.total, size=size)


def rank(counts: Mapping[Any, int], n: int) -> List[Tuple[Any, int]]:
    """The ``n`` largest counts, ties broken by value so the order is stable."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[:n]


def parse_freq(freq: Any, bucket: int) -> int:
    """``"5min"`` -> 300; it must be a whole number of the summary's time buckets."""
    from ._sizes import parse_duration

    seconds = bucket if freq is None else int(parse_duration(freq, what="timeline frequency", whole=True))
    if seconds < bucket or seconds % bucket:
        raise ValueError(f"timeline frequency must be a multiple of the summary's time bucket ({bucket}s), "
                         f"not {seconds}s; scan with by='time:{freq},...' for a finer one")
    return seconds


def _show_cell(value: Any) -> str:
    from . import _show

    return _show._cell(value)


def _show_clip(text: str) -> str:
    from . import _show

    return _show._clip(text)
