"""Summary: the result of a scan — counts grouped by dimensions, plus what could not be counted."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import html
from typing import Any, Dict, Iterable, List, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

from . import _explore
from ._explore import Top

__all__ = ["Summary", "Sample", "FileInfo", "InputProblem", "Top"]

_MAX_SAMPLES = 5
_ORDERED_DIMS = {"protocol", "class", "code", "reason", "time", "upstream_code"}


class Sample(NamedTuple):
    """A line that could not be counted, with where it is."""

    file: str
    line: int      # 1-based line number in the (decoded) input
    offset: int    # byte offset of the line in the (decoded) input
    text: str      # the line (cut to 512 bytes); undecodable bytes shown as \\xNN
    why: str


@dataclasses.dataclass(frozen=True)
class FileInfo:
    """One scanned input: the format used and why, and what was read."""

    path: str
    format: Optional[str]
    detection: str
    compression: str = "none"
    size: int = 0
    lines: int = 0
    records: int = 0
    error: Optional[str] = None
    packets: int = 0            # captures: packets read
    skipped_packets: int = 0    # captures: packets that carried no SIP


@dataclasses.dataclass(frozen=True)
class InputProblem:
    """An input that could not be read to its end (its counts up to that point are kept)."""

    path: str
    kind: str       # "truncated", "corrupt", "io", ...
    offset: int     # byte offset in the file (compressed bytes for compressed files)
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message} (at byte {self.offset})"


def _merge_templates(a: Sequence[Tuple[str, int, str, str, int]],
                     b: Sequence[Tuple[str, int, str, str, int]]) -> List[Tuple[str, int, str, str, int]]:
    out: Dict[str, List[Any]] = {}
    for t, n, ex, f, line in list(a) + list(b):
        if t in out:
            out[t][1] += n
        else:
            out[t] = [t, n, ex, f, line]
    return [tuple(v) for v in out.values()]  # type: ignore[misc]


def _merge_sketches(a: Mapping[Tuple[Any, ...], Any], b: Mapping[Tuple[Any, ...], Any]) -> Dict[Tuple[Any, ...], Any]:
    out = {k: v.copy() for k, v in a.items()}
    for k, v in b.items():
        if k in out:
            out[k].merge(v)
        else:
            out[k] = v.copy()
    return out


def _time_key(value: Optional[int]) -> Optional[_dt.datetime]:
    return None if value is None else _dt.datetime.fromtimestamp(value, tz=_dt.timezone.utc)


def _sort_key(value: Any) -> Tuple[int, Any]:
    # None sorts last; mixed types never compare with each other.
    if value is None:
        return (2, "")
    if isinstance(value, str):
        return (1, value)
    return (0, value)


def _quantile_name(q: float) -> str:
    text = f"{q * 100:.6g}".replace(".", "_")
    return f"p{text}"


class Summary:
    """Counts of response codes grouped by ``dims``, and the records that could not be counted.

    Every record (a line of an access log, a SIP response) lands in exactly one place: with
    ``count="messages"`` (and for HTTP at any level) ``total == counted + invalid + unparsed``; with
    ``"transactions"`` retransmitted SIP responses are folded, so ``total == counted + retransmissions +
    invalid + unparsed``; with ``"calls"`` the counts are calls (``counted == calls``) and ``total`` still
    counts the responses read; with ``"events"`` (error logs scanned as inputs) the counts are error-log
    events by ``level`` and ``cause`` and ``invalid`` is 0. Records left out by scan-time filters (``since=``, ``codes=``, ``paths=`` ...)
    are counted in ``filtered``: ``total == counted + filtered + invalid + unparsed`` (+ retransmissions).

    >>> import logcodes
    >>> s = logcodes.scan(logcodes.samples.path("apache_combined"))
    >>> s.counts("code")[200]
    9126
    >>> s.total == s.counted + s.invalid + s.unparsed
    True
    """

    def __init__(
        self,
        dims: Sequence[str],
        counts: Dict[Tuple[Any, ...], int],
        *,
        lines: int = 0,
        blank: int = 0,
        meta: int = 0,
        total: int = 0,
        unparsed: int = 0,
        invalid: int = 0,
        filtered: int = 0,
        unregistered: int = 0,
        bytes: int = 0,
        unparsed_samples: Sequence[Sample] = (),
        invalid_samples: Sequence[Sample] = (),
        files: Sequence[FileInfo] = (),
        problems: Sequence[InputProblem] = (),
        time_bucket: Optional[int] = None,
        count: str = "transactions",
        requests: int = 0,
        retransmissions: int = 0,
        calls: int = 0,
        incomplete_calls: int = 0,
        inconsistent_calls: int = 0,
        inconsistent_samples: Sequence[Sample] = (),
        events: int = 0,
        explained: int = 0,
        unexplained: int = 0,
        unexplained_samples: Sequence[Sample] = (),
        templates: Sequence[Tuple[str, int, str, str, int]] = (),
        error_files: Sequence[Dict[str, Any]] = (),
        sketches: Optional[Mapping[Tuple[Any, ...], Any]] = None,
        quantiles: Optional[str] = None,
        heavy: Optional[Top] = None,
    ) -> None:
        self.dims: Tuple[str, ...] = tuple(dims)
        # Keys in a stable order (sorted), whatever order threads and hash maps produced them in.
        self._counts: Dict[Tuple[Any, ...], int] = dict(
            sorted(counts.items(), key=lambda kv: tuple(_sort_key(v) for v in kv[0])))
        self.lines = lines
        self.blank = blank
        self.meta = meta
        self.total = total
        self.unparsed = unparsed
        self.invalid = invalid
        self.filtered = filtered                    # valid records left out by scan-time filters (since=, codes= ...)
        self.unregistered = unregistered
        self.bytes = bytes
        self.unparsed_samples: List[Sample] = list(unparsed_samples)
        self.invalid_samples: List[Sample] = list(invalid_samples)
        self.files: List[FileInfo] = list(files)
        self.problems: List[InputProblem] = list(problems)
        self.time_bucket = time_bucket
        self.count = count                          # messages | transactions | calls
        self.requests = requests                    # SIP requests read
        self.retransmissions = retransmissions      # responses folded into their transaction
        self.calls = calls                          # calls counted (count="calls")
        self.incomplete_calls = incomplete_calls    # calls with no final response
        # calls whose final code and Q.850 cause disagree (RFC 3398), e.g. 486 with cause 16
        self.inconsistent_calls = inconsistent_calls
        self.inconsistent_samples: List[Sample] = list(inconsistent_samples)   # text: the Call-ID
        self.events = events                        # error-log events read (scan(errors=...))
        self.explained = explained                  # access-log errors an error-log event explained
        self.unexplained_count = unexplained        # ... and those none did (samples below)
        self.unexplained_samples: List[Sample] = list(unexplained_samples)
        self._templates: List[Tuple[str, int, str, str, int]] = list(templates)
        self.error_files: List[Dict[str, Any]] = list(error_files)
        self.quantiles_of = quantiles               # "duration" when scanned with quantiles="duration"
        self._sketches: Dict[Tuple[Any, ...], Any] = dict(sketches or {})   # group -> _core.DDSketch
        self._heavy = heavy                         # scan(top=(dim, n)): a heavy-hitter sketch's answer

    # -- building ------------------------------------------------------------------------------------
    @classmethod
    def _from_core(
        cls,
        result: Dict[str, Any],
        dims: Sequence[str],
        *,
        file_names: Sequence[str],
        files: Sequence[FileInfo] = (),
        problems: Sequence[InputProblem] = (),
        time_bucket: Optional[int] = None,
        count: str = "transactions",
        quantiles: Optional[str] = None,
        events: bool = False,
    ) -> "Summary":
        """A Summary of a scan's raw result: its responses, or with ``events`` the events of its error logs."""
        names = list(file_names) + [f["path"] for f in result.get("error_files", ())]
        file_names = names
        time_positions = [i for i, d in enumerate(dims) if d == "time"]
        counts: Dict[Tuple[Any, ...], int] = {}
        for key, n in result["event_counts" if events else "counts"]:
            if time_positions:
                key = tuple(_time_key(v) if i in time_positions else v for i, v in enumerate(key))
            counts[key] = counts.get(key, 0) + n
        sketches: Dict[Tuple[Any, ...], Any] = {}
        for key, sketch in () if events else result.get("sketches", ()):
            if time_positions:
                key = tuple(_time_key(v) if i in time_positions else v for i, v in enumerate(key))
            if key in sketches:
                sketches[key].merge(sketch)
            else:
                sketches[key] = sketch
        st = result["stats"]
        heavy = None
        if result.get("heavy") is not None and not events:
            heavy_dim, items, error, seen, size = result["heavy"]
            heavy = Top(heavy_dim, tuple(((_time_key(v) if heavy_dim == "time" else v), n) for v, n in items),
                        exact=error == 0, error=error, total=seen, size=size)

        def samples(raw: Iterable[Tuple[int, int, int, str, str]]) -> List[Sample]:
            return [Sample(file_names[f] if f < len(file_names) else "?", line, off, text, why)
                    for f, line, off, text, why in raw]

        return cls(
            dims,
            counts,
            lines=st["lines"],
            blank=st["blank"],
            meta=st.get("meta", 0),
            # Events are the records of error logs: each is counted (or filtered), lines outside any are unparsed.
            total=st["records"] + (st["events"] if events else 0),
            unparsed=st["unparsed"],
            invalid=st["invalid"],
            filtered=st.get("filtered", 0),
            unregistered=st["unregistered"],
            bytes=st["bytes"],
            unparsed_samples=samples(st["unparsed_samples"]),
            invalid_samples=samples(st["invalid_samples"]),
            files=files,
            problems=problems,
            time_bucket=time_bucket,
            count=count,
            requests=st.get("requests", 0),
            retransmissions=st.get("retransmissions", 0),
            calls=st.get("calls", 0),
            incomplete_calls=st.get("incomplete_calls", 0),
            inconsistent_calls=st.get("inconsistent_calls", 0),
            inconsistent_samples=samples(st.get("inconsistent_samples", ())),
            events=st.get("events", 0),
            explained=st.get("explained", 0),
            unexplained=st.get("unexplained", 0),
            unexplained_samples=samples(st.get("unexplained_samples", ())),
            templates=[(t, n, ex, names[f] if f < len(names) else "?", line)
                       for t, n, ex, f, line in result.get("event_templates" if events else "unexplained_templates", ())],
            error_files=result.get("error_files", ()),
            sketches=sketches,
            quantiles=quantiles,
            heavy=heavy,
        )

    def _replace(self, counts: Dict[Tuple[Any, ...], int], sketches: Dict[Tuple[Any, ...], Any]) -> "Summary":
        """A copy with other groups (and their sketches); what was read stays as it was."""
        out = object.__new__(Summary)
        out.__dict__.update(self.__dict__)
        out._counts = counts
        out._sketches = sketches
        return out

    # -- reading -------------------------------------------------------------------------------------
    @property
    def counted(self) -> int:
        """Records with a valid code (registered or not): the sum of all counts."""
        return sum(self._counts.values())

    def counts(self, *dims: str) -> Dict[Any, int]:
        """Counts by some of the summary's dimensions (all of them when none are given).

        With one dimension the keys are its values (``{200: 9126, ...}``); with several, tuples in the
        order asked (``{("2xx", 200): 9126, ...}``). Values absent from a record (a path in a log without
        paths, a time that did not parse) are ``None``.
        """
        if not dims:
            dims = self.dims
        positions = []
        for d in dims:
            if d not in self.dims:
                raise ValueError(
                    f"dimension {d!r} is not in this summary (it was grouped by {', '.join(self.dims) or 'nothing'}); "
                    f"scan with by=(..., {d!r}) to count by it"
                )
            positions.append(self.dims.index(d))
        out: Dict[Any, int] = {}
        single = len(positions) == 1
        for key, n in self._counts.items():
            k = key[positions[0]] if single else tuple(key[p] for p in positions)
            out[k] = out.get(k, 0) + n
        return out

    def rows(self, *dims: str) -> List[Tuple[Any, ...]]:
        """``(value, ..., count)`` rows, sorted by key for code-like dimensions, else by count."""
        dims = dims or self.dims
        counts = self.counts(*dims)
        items = [((k,) if len(dims) == 1 else k, n) for k, n in counts.items()]
        if set(dims) <= _ORDERED_DIMS:
            items.sort(key=lambda kv: tuple(_sort_key(v) for v in kv[0]))
        elif "code" in dims:
            # Codes in order, and within a code the biggest groups first (causes, paths ...).
            at = list(dims).index("code")
            items.sort(key=lambda kv: (_sort_key(kv[0][at]), -kv[1], tuple(_sort_key(v) for v in kv[0])))
        else:
            items.sort(key=lambda kv: (-kv[1], tuple(_sort_key(v) for v in kv[0])))
        return [(*k, n) for k, n in items]

    def to_pandas(self, *dims: str):  # -> pandas.DataFrame
        """A DataFrame with one column per dimension and a ``count`` column.

        >>> import logcodes
        >>> df = logcodes.scan(logcodes.samples.path("apache_combined")).to_pandas()
        >>> list(df.columns)
        ['class', 'code', 'count']
        """
        try:
            import pandas as pd  # type: ignore[import-untyped,unused-ignore]
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError("Summary.to_pandas() needs pandas: pip install pandas") from e
        dims = dims or self.dims
        rows = self.rows(*dims)
        df = pd.DataFrame(rows, columns=[*dims, "count"])
        if "time" in dims:
            df["time"] = pd.to_datetime(df["time"], utc=True)
        return df

    def to_dict(self) -> Dict[str, Any]:
        """A JSON-ready dict: dims, groups (as lists), totals, samples, files and problems."""

        def plain(v: Any) -> Any:
            return v.isoformat() if isinstance(v, _dt.datetime) else v

        return {
            "dims": list(self.dims),
            "groups": [[plain(v) for v in row[:-1]] + [row[-1]] for row in self.rows()],
            "total": self.total,
            "counted": self.counted,
            "invalid": self.invalid,
            "unparsed": self.unparsed,
            "filtered": self.filtered,
            "unregistered": self.unregistered,
            "count": self.count,
            "requests": self.requests,
            "retransmissions": self.retransmissions,
            "calls": self.calls,
            "incomplete_calls": self.incomplete_calls,
            "inconsistent_calls": self.inconsistent_calls,
            "inconsistent_samples": [s._asdict() for s in self.inconsistent_samples],
            "events": self.events,
            "explained": self.explained,
            "unexplained": self.unexplained_count,
            "unexplained_samples": [s._asdict() for s in self.unexplained_samples],
            "unexplained_templates": self.unexplained(None),
            "blank": self.blank,
            "meta": self.meta,
            "lines": self.lines,
            "bytes": self.bytes,
            "unparsed_samples": [s._asdict() for s in self.unparsed_samples],
            "invalid_samples": [s._asdict() for s in self.invalid_samples],
            "files": [dataclasses.asdict(f) for f in self.files],
            "problems": [dataclasses.asdict(p) for p in self.problems],
            **self._extras_dict(plain),
        }

    def _extras_dict(self, plain: Any) -> Dict[str, Any]:
        """Quantiles (p50/p90/p99 per group) and heavy hitters, when the scan kept them."""
        out: Dict[str, Any] = {}
        if self.quantiles_of is not None:
            qs = (0.5, 0.9, 0.99)
            out["quantiles"] = {
                "of": self.quantiles_of, "accuracy": self.accuracy,
                "groups": [[plain(v) for v in key] + [sk.count] + [sk.quantile(q) for q in qs]
                           for key, sk in sorted(self._sketches.items(),
                                                 key=lambda kv: tuple(_sort_key(v) for v in kv[0]))],
                "columns": [*self.dims, "count", *(_quantile_name(q) for q in qs)],
            }
        if self._heavy is not None:
            h = self._heavy
            out["top"] = {"dim": h.dim, "exact": h.exact, "error": h.error, "size": h.size,
                          "items": [[plain(v), n] for v, n in h.items]}
        return out

    # -- exploring -----------------------------------------------------------------------------------
    def where(self, **conditions: Any) -> "Summary":
        """A new Summary with only the groups that match every condition (dimensions of this summary).

        A condition is a value, a list or set of values, a predicate, or for codes a class or a code as
        text. What was read (``total``, ``unparsed`` ...) is unchanged; ``counted`` is the selection's.

        >>> import logcodes
        >>> s = logcodes.scan(logcodes.samples.path("nginx_lab"), errors=logcodes.samples.path("nginx_lab_errors"),
        ...                   by="code,cause")
        >>> s.where(code="5xx", cause="upstream_timeout").counts()
        {(504, 'upstream_timeout'): 2}
        >>> s.where(code=[502, 504]).counted
        10
        """
        keep = _explore.matcher(self.dims, conditions)
        return self._replace({k: n for k, n in self._counts.items() if keep(k)},
                             {k: v for k, v in self._sketches.items() if keep(k)})

    def top(self, dim: str, n: int = 10, *, where: Optional[Mapping[str, Any]] = None) -> Top:
        """The ``n`` most frequent values of ``dim``, as a :class:`Top` (exact counts when the summary is
        grouped by ``dim``; from the heavy-hitter sketch of ``scan(..., top=(dim, size))`` otherwise, saying
        so with its error bound).

        >>> import logcodes
        >>> s = logcodes.scan(logcodes.samples.path("apache_combined"), by="code,path")
        >>> t = s.top("path", 3, where={"code": 404})
        >>> t.exact, len(t)
        (True, 3)
        """
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"top() needs a positive number of values, not {n!r}")
        if dim in self.dims:
            counts = self.where(**dict(where or {})).counts(dim)
            return Top(dim, tuple(_explore.rank(counts, n)), exact=True, error=0, total=sum(counts.values()))
        if self._heavy is not None and self._heavy.dim == dim:
            if where:
                raise ValueError(f"the {dim!r} heavy hitters were counted over all records: top() cannot select "
                                 f"them by {', '.join(where)}; scan with by=(..., {dim!r}) for that")
            return dataclasses.replace(self._heavy, items=self._heavy.items[:n])
        raise ValueError(f"dimension {dim!r} is not in this summary (grouped by {', '.join(self.dims) or 'nothing'}); "
                         f"scan with by=(..., {dim!r}) for exact counts, or top=({dim!r}, 1000) for a "
                         "bounded-memory estimate")

    def timeline(self, freq: Union[str, int, _dt.timedelta, None] = None, *, by: Optional[str] = "class",
                 where: Optional[Mapping[str, Any]] = None):  # -> pandas.DataFrame
        """Counts over time: a DataFrame indexed by time (UTC, every bucket present, empty ones 0) with
        one column per value of ``by`` (``"class"``, ``"code"``, ``"cause"`` ... or None for one
        ``count`` column). ``freq`` (default: the scan's bucket) must be a multiple of the scan's bucket.

        >>> import logcodes
        >>> s = logcodes.scan(logcodes.samples.path("shop_nginx"), by="time:1min,class")
        >>> tl = s.timeline("5min")
        >>> int(tl.to_numpy().sum()) == s.counted
        True
        """
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]

        if "time" not in self.dims or self.time_bucket is None:
            raise ValueError("timeline() needs a summary grouped by time: scan with by=('time:1min', 'class') "
                             "(any bucket from 1s to 1d)")
        seconds = _explore.parse_freq(freq, self.time_bucket)
        source = self.where(**dict(where or {})) if where else self
        column = by or "value"
        rows = []
        for key, n in source.counts(*(("time",) if by is None else ("time", by))).items():
            t, v = (key, "count") if by is None else key
            if t is not None:  # records whose time did not parse have no place on a timeline
                rows.append((t, "(none)" if v is None else v, n))
        df = pd.DataFrame(rows, columns=["time", column, "count"])
        if df.empty:
            return pd.DataFrame(index=pd.DatetimeIndex([], tz="UTC", name="time"))
        df["time"] = pd.to_datetime(df["time"], utc=True).dt.floor(f"{seconds}s")
        table = df.pivot_table(index="time", columns=column, values="count", aggfunc="sum", fill_value=0)
        full = pd.date_range(table.index.min(), table.index.max(), freq=f"{seconds}s", name="time")
        table = table.reindex(full, fill_value=0)
        table.columns = list(table.columns)
        return table.astype("int64")

    def quantiles(self, of: str = "duration", q: Sequence[float] = (0.5, 0.9, 0.99), *,
                  by: Optional[Sequence[str]] = None, where: Optional[Mapping[str, Any]] = None):
        """Quantiles of ``of`` (``"duration"``, in seconds) per group of ``by`` (default: all dimensions;
        ``()`` for one overall row), from DDSketches merged over the other dimensions. Each quantile is
        within ``accuracy`` (relative, 1 % by default) of the exact value at rank ``floor(q·(n−1))``.

        Columns: the ``by`` dimensions, ``count`` (records with a duration), then one per quantile
        (``p50``, ``p90``, ``p99`` ...). Needs ``scan(..., quantiles="duration")`` and a format with
        durations (nginx ``$request_time``, Apache ``%D``, ...).

        >>> import logcodes
        >>> s = logcodes.scan(logcodes.samples.path("shop_nginx"), by="class", quantiles="duration")
        >>> df = s.quantiles("duration", [0.5, 0.99], by=())
        >>> list(df.columns)
        ['count', 'p50', 'p99']
        """
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]

        if self.quantiles_of is None:
            raise ValueError('this summary has no quantile sketches: scan with quantiles="duration"')
        if of != self.quantiles_of:
            raise ValueError(f"this summary keeps quantiles of {self.quantiles_of!r}, not {of!r}")
        qs = [float(x) for x in q]
        if not qs or any(not 0 <= x <= 1 for x in qs):
            raise ValueError(f"quantiles must be between 0 and 1, not {list(q)!r}")
        dims = tuple(self.dims if by is None else ([by] if isinstance(by, str) else by))
        for d in dims:
            if d not in self.dims:
                raise ValueError(f"dimension {d!r} is not in this summary (grouped by {', '.join(self.dims)})")
        positions = [self.dims.index(d) for d in dims]
        merged: Dict[Tuple[Any, ...], Any] = {}
        for key, sketch in _explore.select(self._sketches, self.dims, where).items():
            k = tuple(key[p] for p in positions)
            if k in merged:
                merged[k].merge(sketch)
            else:
                merged[k] = sketch.copy()
        names = [_quantile_name(x) for x in qs]
        rows = [(*k, sk.count, *(sk.quantile(x) for x in qs))
                for k, sk in sorted(merged.items(), key=lambda kv: tuple(_sort_key(v) for v in kv[0]))]
        df = pd.DataFrame(rows, columns=[*dims, "count", *names])
        if "time" in dims:
            df["time"] = pd.to_datetime(df["time"], utc=True)
        return df

    @property
    def accuracy(self) -> Optional[float]:
        """The quantile sketches' relative accuracy (None without sketches)."""
        for sketch in self._sketches.values():
            return float(sketch.relative_accuracy)
        return None

    # -- causes -------------------------------------------------------------------------------------
    def unexplained(self, n: Optional[int] = 20) -> List[Dict[str, Any]]:
        """The error-log events no rule names, grouped into templates (numbers, addresses and quoted
        parts masked), most frequent first: turn the top ones into rules (``logcodes.rules``).

        Each entry: ``template``, ``count``, ``example`` (a first line), ``file``, ``line``.
        """
        items = sorted(self._templates, key=lambda t: (-t[1], t[0]))
        if n is not None:
            items = items[:n]
        return [{"template": t, "count": c, "example": ex, "file": f, "line": line} for t, c, ex, f, line in items]

    # -- call KPIs ------------------------------------------------------------------------------------
    def kpis(self, by: Optional[str] = None) -> Dict[Any, Dict[str, Any]]:
        """Call KPIs after ITU-T E.411, from a ``count="calls"`` summary grouped by ``outcome``.

        * ``attempts``: calls with a final response to their initial INVITE (calls that never got one are
          in ``incomplete_calls``, outside the ratios);
        * ``ASR`` (answer seizure ratio) = answered / attempts;
        * ``NER`` (network effectiveness ratio) = (answered + busy + no_answer + rejected) / attempts —
          the calls the network delivered to the user, whatever the user did; cancelled and failed calls
          count against it.

        Outcomes come from the final response and its Q.850 cause: answered (2xx), busy (486, 600, cause
        17), no_answer (408, 480, causes 18/19), rejected (403, 603, 606-608, cause 21), cancelled (487 or a
        CANCEL), failed (anything else). With ``by="time"`` (the summary must be grouped by time too) the
        result has one entry per time bucket; otherwise a single entry under the key ``"all"``.

        >>> import logcodes
        >>> s = logcodes.Summary(("outcome",), {("answered",): 3, ("busy",): 1}, count="calls")
        >>> s.kpis()["all"]["ASR"]
        0.75
        """
        if self.count != "calls" or "outcome" not in self.dims:
            raise ValueError('call KPIs need a summary of calls by outcome: scan(..., count="calls", '
                             'by=("outcome", ...))')
        if by is not None and by not in self.dims:
            raise ValueError(f"kpis(by={by!r}) needs a summary grouped by {by!r} as well")
        groups: Dict[Any, Dict[str, int]] = {}
        for key, n in self.counts(*(("outcome",) if by is None else ("outcome", by))).items():
            outcome, group = (key, "all") if by is None else key
            g = groups.setdefault(group, {})
            g[outcome] = g.get(outcome, 0) + n
        out: Dict[Any, Dict[str, Any]] = {}
        for group, g in groups.items():
            attempts = sum(g.values())
            delivered = sum(g.get(o, 0) for o in ("answered", "busy", "no_answer", "rejected"))
            out[group] = {
                "attempts": attempts,
                **{o: g.get(o, 0) for o in ("answered", "busy", "no_answer", "rejected", "cancelled", "failed")},
                "ASR": g.get("answered", 0) / attempts if attempts else None,
                "NER": delivered / attempts if attempts else None,
            }
        return out

    # -- combining -----------------------------------------------------------------------------------
    def merge(self, other: "Summary") -> "Summary":
        """A new Summary with the counts of both (same dimensions required). Associative and commutative
        for the counts and totals; samples keep the first few of each kind."""
        if not isinstance(other, Summary):
            raise TypeError(f"can only merge a Summary, not {type(other).__name__}")
        if other.dims != self.dims:
            raise ValueError(f"cannot merge summaries grouped differently: {self.dims} and {other.dims}")
        if self.count != other.count:
            raise ValueError(f"cannot merge summaries counted differently: {self.count} and {other.count}")
        if self.time_bucket != other.time_bucket and "time" in self.dims:
            raise ValueError(f"cannot merge summaries with different time buckets ({self.time_bucket}s, {other.time_bucket}s)")
        counts = dict(self._counts)
        for k, n in other._counts.items():
            counts[k] = counts.get(k, 0) + n
        # By offset, which is exact in every piece of a file (line numbers are 0 past a file's first piece).
        first = lambda xs: sorted(xs, key=lambda s: (s.file, s.offset, s.line))[:_MAX_SAMPLES]  # noqa: E731
        return Summary(
            self.dims,
            counts,
            lines=self.lines + other.lines,
            blank=self.blank + other.blank,
            meta=self.meta + other.meta,
            total=self.total + other.total,
            unparsed=self.unparsed + other.unparsed,
            invalid=self.invalid + other.invalid,
            filtered=self.filtered + other.filtered,
            unregistered=self.unregistered + other.unregistered,
            bytes=self.bytes + other.bytes,
            unparsed_samples=first(self.unparsed_samples + other.unparsed_samples),
            invalid_samples=first(self.invalid_samples + other.invalid_samples),
            files=self.files + other.files,
            problems=self.problems + other.problems,
            time_bucket=self.time_bucket,
            count=self.count,
            requests=self.requests + other.requests,
            retransmissions=self.retransmissions + other.retransmissions,
            calls=self.calls + other.calls,
            incomplete_calls=self.incomplete_calls + other.incomplete_calls,
            inconsistent_calls=self.inconsistent_calls + other.inconsistent_calls,
            inconsistent_samples=first(self.inconsistent_samples + other.inconsistent_samples),
            events=self.events + other.events,
            explained=self.explained + other.explained,
            unexplained=self.unexplained_count + other.unexplained_count,
            unexplained_samples=first(self.unexplained_samples + other.unexplained_samples),
            templates=_merge_templates(self._templates, other._templates),
            error_files=self.error_files + other.error_files,
            sketches=_merge_sketches(self._sketches, other._sketches),
            heavy=_explore.merge_top(self._heavy, other._heavy),
            quantiles=self.quantiles_of or other.quantiles_of,
        )

    __add__ = merge

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Summary):
            return NotImplemented
        return (
            self.dims == other.dims
            and self._counts == other._counts
            and self.count == other.count
            and (self.total, self.unparsed, self.invalid, self.filtered, self.unregistered, self.blank, self.lines,
                 self.requests, self.retransmissions, self.calls)
            == (other.total, other.unparsed, other.invalid, other.filtered, other.unregistered, other.blank,
                other.lines, other.requests, other.retransmissions, other.calls)
        )

    __hash__ = None  # type: ignore[assignment]

    def __len__(self) -> int:
        return len(self._counts)

    # -- showing -------------------------------------------------------------------------------------
    def _headline(self) -> str:
        files = len(self.files)
        formats = sorted({f.format for f in self.files if f.format})
        what = f"{files} input{'s' if files != 1 else ''}" + (f" ({', '.join(formats)})" if formats else "")
        if self.count == "events":
            return (f"{what}: {self.total:,} records — {self.counted:,} error-log events counted, "
                    + (f"{self.filtered:,} filtered out, " if self.filtered else "")
                    + f"{self.unparsed:,} lines outside any event")
        line = (f"{what}: {self.total:,} records — {self.counted:,} counted, "
                + (f"{self.filtered:,} filtered out, " if self.filtered else "")
                + f"{self.invalid:,} invalid status, {self.unparsed:,} unparsed")
        if self.requests or self.retransmissions or self.calls:
            line += (f"; SIP: {self.requests:,} requests, {self.retransmissions:,} retransmissions"
                     + (f", {self.calls:,} calls ({self.incomplete_calls:,} without a final response)"
                        if self.count == "calls" else ""))
        return line

    def _table(self, limit: int = 40) -> Tuple[List[str], List[List[str]], int]:
        from . import codes

        header = list(self.dims)
        add_reason = "code" in self.dims and "reason" not in self.dims
        if add_reason:
            header.insert(self.dims.index("code") + 1, "reason")
        header += ["count", "share"]
        rows = self.rows()
        body: List[List[str]] = []
        protocol_at = self.dims.index("protocol") if "protocol" in self.dims else None
        for row in rows[:limit]:
            cells = ["-" if v is None else (v.strftime("%Y-%m-%d %H:%M:%S") if isinstance(v, _dt.datetime) else str(v))
                     for v in row[:-1]]
            if add_reason:
                code = row[self.dims.index("code")]
                protocol = row[protocol_at] if protocol_at is not None else "http"
                try:
                    info = codes.lookup(protocol or "http", code)
                    text = info.reason or "(unregistered)"
                except ValueError:
                    text = ""
                cells.insert(self.dims.index("code") + 1, text)
            n = row[-1]
            share = f"{100.0 * n / self.counted:.1f}%" if self.counted else "-"
            body.append(cells + [f"{n:,}", share])
        return header, body, max(0, len(rows) - limit)

    def __repr__(self) -> str:
        header, body, more = self._table()
        widths = [max(len(h), *(len(r[i]) for r in body)) if body else len(h) for i, h in enumerate(header)]
        numeric = {len(header) - 2, len(header) - 1}

        def fmt(cells: List[str]) -> str:
            return "  ".join(c.rjust(w) if i in numeric else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

        lines = [f"<logcodes.Summary {self._headline()}>", fmt(header), fmt(["-" * w for w in widths])]
        lines += [fmt(r) for r in body]
        if more:
            lines.append(f"… {more} more groups")
        for p in self.problems:
            lines.append(f"problem: {p}")
        for s in self.unparsed_samples[:3]:
            lines.append(f"unparsed {s.file}:{s.line}: {s.text[:100]!r} ({s.why})")
        for s in self.invalid_samples[:3]:
            lines.append(f"invalid {s.file}:{s.line}: {s.why}")
        for s in self.inconsistent_samples[:3]:
            lines.append(f"inconsistent call {s.text} in {s.file}: {s.why}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from . import _svg

        header, body, more = self._table(limit=20)
        e = html.escape
        extra = f"<p>… {more} more groups</p>" if more else ""
        problems = "".join(f"<p><b>problem:</b> {e(str(p))}</p>" for p in self.problems)
        chart = ""
        dim = next((d for d in ("class", "code", "cause", "outcome") if d in self.dims), None)
        if dim is not None and self._counts:
            items = sorted(self.counts(dim).items(), key=lambda kv: (-kv[1], str(kv[0])))[:8]
            chart = _svg.bar_chart([("-" if k is None else k, n) for k, n in items], width=320, label_width=110,
                                   title=f"by {dim}")
        return (f"<div class='logcodes-summary'><p><b>logcodes.Summary</b> {e(self._headline())}</p>"
                f"<div style='display:flex;gap:16px;align-items:flex-start'>"
                f"<div>{_svg.table(header, body)}{extra}</div><div>{chart}</div></div>{problems}</div>")

    def plot(self, kind: str = "timeline", *, ax: Any = None, n: int = 10, by: Optional[str] = None) -> Any:
        """A matplotlib picture (needs matplotlib): ``"timeline"`` (stacked areas over time, per class or
        ``by``), ``"top_paths"`` (the ``n`` busiest paths split by class) or ``"causes"``. Returns the axes.

        >>> import logcodes
        >>> s = logcodes.scan(logcodes.samples.path("shop_nginx"), by="time:5min,class")
        >>> ax = s.plot("timeline")
        >>> ax.get_title()
        'Response codes over time'
        """
        from .plot import plot

        return plot(self, kind, ax=ax, n=n, by=by)
