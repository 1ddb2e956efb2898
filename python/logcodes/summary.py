"""Summary: the result of a scan — counts grouped by dimensions, plus what could not be counted."""

from __future__ import annotations

import dataclasses
import datetime as _dt
from typing import Any, Dict, Iterable, List, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

from . import _columns, _core, _explore, _protocols, _show
from ._explore import Top

__all__ = ["Summary", "Sample", "FileInfo", "InputProblem", "Top"]

_MAX_SAMPLES = 5
_Groups = Tuple[Dict[Tuple[Any, ...], Any], Dict[Tuple[Any, ...], Any]]   # counts and sketches by group
_ORDERED_DIMS = {"protocol", "class", "code", "reason", "time", "upstream_code"}


class Sample(NamedTuple):
    """A line that could not be counted, with where it is."""

    file: str
    line: int      # 1-based line number in the (decoded) input
    offset: int    # byte offset of the line in the (decoded) input
    text: str      # the line (cut to 512 bytes); undecodable bytes shown as \\xNN
    why: str


FileInfo = _core.FileReport
"""One scanned input (the core's ``FileReport``): ``path``, ``format`` of its lines, the ``wrapper`` they came in
(``"syslog"``, ``"cri"`` ...; None: bare lines), ``detection`` (why) and its ``confidence`` (0 to 1; None when
the format was given), ``changes`` (format changes part-way: ``(line, offset, format, wrapper, detection)``),
``compression``, ``size``, ``lines``, ``records``, ``error`` (what stopped it part-way, else None), and for
captures ``packets``, ``skipped_packets`` and ``evictions``. Built with keywords, read-only, picklable."""


@dataclasses.dataclass(frozen=True)
class InputProblem:
    """An input that could not be read to its end (its counts up to that point are kept)."""

    path: str
    kind: str       # "truncated", "corrupt", "io", ...
    offset: int     # byte offset in the file (compressed bytes for compressed files)
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message} (at byte {self.offset})"

    def error(self) -> Exception:
        """The exception this problem raises (``on_error="raise"``): from the one table in logcodes.errors."""
        from .errors import from_core

        return from_core(self.kind, self.path, self.offset, self.message)

    @staticmethod
    def of_files(files: Sequence[Any]) -> List["InputProblem"]:
        """The problems of scanned inputs (``FileReport.problem``); an error about the path itself (it
        vanished or changed between the check and the scan) is raised at once."""
        from .errors import from_core, is_os_error

        out = []
        for f in files:
            if f.problem is None:
                continue
            kind, path, offset, message = f.problem
            if is_os_error(kind):
                raise from_core(kind, path or f.path, offset, message)
            out.append(InputProblem(path or f.path, kind, offset, message))
        return out


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


def _add_figures(a: Mapping[str, int], b: Mapping[str, int]) -> Dict[str, int]:
    out = dict(a)
    for name, v in b.items():
        out[name] = out.get(name, 0) + v
    return out


def _merge_figures(a: Mapping[Tuple[Any, ...], Mapping[str, int]],
                   b: Mapping[Tuple[Any, ...], Mapping[str, int]]) -> Dict[Tuple[Any, ...], Dict[str, int]]:
    out = {k: dict(v) for k, v in a.items()}
    for k, v in b.items():
        out[k] = _add_figures(out.get(k, {}), v)
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


_OUTCOMES = ("answered", "busy", "no_answer", "rejected", "cancelled", "failed")
_KPI_COLUMNS = ("calls", *_OUTCOMES, "ASR", "NER", "SER", "SEER", "ISA", "SCR", "SRD", "SRD_failed", "PDD",
                "setup_time", "SDD", "SDT", "invites", "auth_rounds", "registrations", "registered", "RRD",
                "registration_ratio")


def _kpi_values(g: Mapping[str, int]) -> Tuple[Any, ...]:
    """The _KPI_COLUMNS of one group's summed call figures."""
    nan = float("nan")

    def ratio(num: int, den: int) -> float:
        return num / den if den > 0 else nan

    def mean_seconds(name: str) -> float:
        n = g.get(name + "_n", 0)
        return g.get(name + "_ms", 0) / n / 1000 if n else nan

    calls = g.get("calls", 0)
    outcomes = [g.get(o, 0) for o in _OUTCOMES]
    delivered = sum(g.get(o, 0) for o in ("answered", "busy", "no_answer", "rejected"))
    not_redirected = calls - g.get("redirected", 0)
    return (calls, *outcomes, ratio(g.get("answered", 0), calls), ratio(delivered, calls),
            ratio(g.get("ok_200", 0), not_redirected), ratio(g.get("effective", 0), not_redirected),
            ratio(g.get("ineffective", 0), calls), ratio(g.get("completed", 0), calls),
            mean_seconds("srd"), mean_seconds("srd_failed"), mean_seconds("pdd"), mean_seconds("setup"),
            mean_seconds("sdd"), mean_seconds("sdt"), g.get("invites", 0), g.get("auth_rounds", 0),
            g.get("registrations", 0), g.get("registered", 0), mean_seconds("rrd"),
            ratio(g.get("registered", 0), g.get("registrations", 0)))


def _quantile_name(q: float) -> str:
    text = f"{q * 100:.6g}".replace(".", "_")
    return f"p{text}"


class Summary:
    """Counts of response codes grouped by ``dims``, and the records that could not be counted.

    ``total`` is every record read (an access-log line, a SIP response; SIP requests are in ``requests``)
    and each lands in exactly one counter. What one count is depends on the count level (``scan(count=)``;
    HTTP records count once at every level), and so does the identity:

    * ``"messages"``: a count is a response — ``total == counted + filtered + invalid + unparsed``;
    * ``"transactions"`` (the default): a count is a transaction's response, its repeats are
      ``retransmissions`` — ``total == counted + retransmissions + filtered + invalid + unparsed``;
    * ``"calls"``: a SIP count is a call (``calls``), made of the ``call_responses`` read into it (filters
      are refused) — ``total == call_responses + (counted - calls) + invalid + unparsed``, where
      ``counted - calls`` are the HTTP records of a mixed scan (0 for SIP alone).

    Every counter and sample of what was read is kept as the core keeps it, in ``summary.stats`` (a
    ``ScanStats``: ``stats.counters()`` lists them), and each reads as an attribute too (``summary.unparsed``,
    ``summary.retransmissions``, ``summary.unparsed_samples`` as :class:`Sample` tuples naming their file).
    ``filtered`` holds records left out by scan-time filters (``since=``, ``codes=``, ``paths=`` ...).
    Codes are named by their own protocol's registry; a summary whose counts span HTTP and SIP has
    ``protocol`` among its ``dims`` (first, when ``by=`` did not name it) so the two never add up.
    With ``count="events"`` (error logs scanned as inputs) the counts are error-log events by ``level``
    and ``cause``, ``invalid`` is 0 and ``total == counted + filtered + unparsed``.

    >>> import logcodes
    >>> s = logcodes.scan(logcodes.samples.path("apache_combined"))
    >>> s.counts("code")[200]
    9126
    >>> s.total == s.counted + s.invalid + s.unparsed
    True
    """

    _protocol: Optional[str] = None
    COUNTERS: Tuple[str, ...] = tuple(_core.ScanStats.COUNTERS)
    SAMPLES: Tuple[str, ...] = tuple(_core.ScanStats.SAMPLES)

    def __init__(
        self,
        dims: Sequence[str],
        counts: Dict[Tuple[Any, ...], int],
        *,
        stats: Optional[Any] = None,
        file_names: Sequence[str] = (),
        files: Sequence[FileInfo] = (),
        problems: Sequence[InputProblem] = (),
        time_bucket: Optional[int] = None,
        count: str = "transactions",
        figures: Optional[Mapping[Tuple[Any, ...], Mapping[str, int]]] = None,
        templates: Sequence[Tuple[str, int, str, str, int]] = (),
        error_files: Sequence[Dict[str, Any]] = (),
        sketches: Optional[Mapping[Tuple[Any, ...], Any]] = None,
        quantiles: Optional[str] = None,
        heavy: Optional[Top] = None,
        protocol: Optional[str] = None,
        **counters: int,
    ) -> None:
        """``stats`` is the scan's :class:`ScanStats` (``logcodes._core.ScanStats``; its sample file indexes
        index ``file_names``); without it, counters may be given by name (``total=10, unparsed=1``)."""
        self.dims: Tuple[str, ...] = tuple(dims)
        # Keys in a stable order (sorted), whatever order threads and hash maps produced them in.
        self._table: Any = None   # the groups as Arrow columns (from a scan), else None
        self._counts_dict: Optional[Dict[Tuple[Any, ...], int]] = None
        self._counts = dict(sorted(counts.items(), key=lambda kv: tuple(_sort_key(v) for v in kv[0])))
        if stats is None:
            stats = _core.ScanStats(**counters)
        elif counters:
            raise TypeError(f"Summary() takes stats or counters by name, not both ({', '.join(counters)})")
        self.stats = stats                          # every counter and sample of what was read, as the core keeps them
        self._file_names: List[str] = list(file_names)   # what the samples' file indexes name
        self.files: List[FileInfo] = list(files)
        self.problems: List[InputProblem] = list(problems)
        self.time_bucket = time_bucket
        self.count = count                          # messages | transactions | calls | events
        # count="calls": per group, the sums kpis() divides (calls by outcome, delays in ms and their counts)
        self._figures: Dict[Tuple[Any, ...], Dict[str, int]] = {k: dict(v) for k, v in (figures or {}).items()}
        self._templates: List[Tuple[str, int, str, str, int]] = list(templates)
        self.error_files: List[Dict[str, Any]] = list(error_files)
        self.quantiles_of = quantiles               # "duration" when scanned with quantiles="duration"
        self._sketches: Dict[Tuple[Any, ...], Any] = dict(sketches or {})   # group -> _core.DDSketch
        self._heavy = heavy                         # scan(top=(dim, n)): a heavy-hitter sketch's answer
        # The protocol of every count when "protocol" is not a dimension (None: not known, or no counts).
        self._protocol: Optional[str] = None if "protocol" in self.dims else protocol
        self._events = count == "events"

    # -- what was read: the core's counters ------------------------------------------------------------
    def __getattr__(self, name: str) -> Any:
        # Each counter of ScanStats (lines, unparsed, retransmissions ...) reads as summary.<name>, its
        # samples as lists of Sample; only called for names that are not attributes of the Summary.
        stats = self.__dict__.get("stats")
        if stats is not None:
            if name in Summary.COUNTERS:
                return getattr(stats, name)
            if name in Summary.SAMPLES:
                return self._samples(getattr(stats, name))
        raise AttributeError(f"'Summary' object has no attribute {name!r}")

    def _samples(self, raw: Iterable[Tuple[int, int, int, str, str]]) -> List[Sample]:
        names = self._file_names
        return [Sample(names[f] if f < len(names) else "?", line, off, text, why) for f, line, off, text, why in raw]

    @property
    def _counts(self) -> Dict[Tuple[Any, ...], int]:
        """{key tuple: count} in the Summary's order, made from the Arrow columns the first time it is asked."""
        if self._counts_dict is None:
            self._counts_dict = _columns.to_dict(self._table, self.dims)
        return self._counts_dict

    @_counts.setter
    def _counts(self, counts: Dict[Tuple[Any, ...], int]) -> None:
        self._counts_dict = counts
        self._table = None

    @property
    def total(self) -> int:
        """Every record read (with ``count="events"``: every event); see the class documentation."""
        return self.stats.total + (self.stats.events if self._events else 0)

    @property
    def unexplained_count(self) -> int:
        """The access-log errors to explain that no error-log event explained (``stats.unexplained_errors``;
        :meth:`unexplained` lists the error-log events no rule names)."""
        return self.stats.unexplained_errors

    @property
    def joins(self) -> Dict[str, int]:
        """How the access-log errors to explain were joined with error-log events: by ``request_id``, ``path``,
        ``time`` (the closest unused event naming no request), or ``none``; they add up to explained +
        unexplained."""
        st = self.stats
        return {"request_id": st.joined_by_id, "path": st.joined_by_path, "time": st.joined_by_time,
                "none": st.unexplained_errors}

    # -- building ------------------------------------------------------------------------------------
    @classmethod
    def _from_core(
        cls,
        result: Dict[str, Any],
        dims: Sequence[str],
        *,
        file_names: Sequence[str],
        problems: Sequence[InputProblem] = (),
        time_bucket: Optional[int] = None,
        count: str = "transactions",
        quantiles: Optional[str] = None,
        events: bool = False,
        files: Optional[Sequence[FileInfo]] = None,
    ) -> "Summary":
        """From a core result grouped by ``_protocols.core_dims(dims)``; with ``events``, the events of its
        error logs."""
        names = list(file_names) + [f["path"] for f in result.get("error_files", ())]
        # Error-log events carry no protocol: they are grouped by their own dims only.
        grouped = tuple(dims) if events else _protocols.core_dims(dims)
        time_positions = [i for i, d in enumerate(grouped) if d == "time"]
        # The groups in the order the Summary keeps them (the core sorts them without the GIL): a dict while
        # they are few, else Arrow columns (see _columns).
        raw = result["event_groups" if events else "groups"]
        table, counts = (None, raw) if isinstance(raw, dict) else (_columns.table(raw), None)
        if counts is not None and time_positions:
            counts = {tuple(_time_key(v) if i in time_positions else v for i, v in enumerate(key)): n
                      for key, n in counts.items()}
        sketches: Dict[Tuple[Any, ...], Any] = {}
        for key, sketch in () if events else result.get("sketches", ()):
            if time_positions:
                key = tuple(_time_key(v) if i in time_positions else v for i, v in enumerate(key))
            if key in sketches:
                sketches[key].merge(sketch)
            else:
                sketches[key] = sketch
        figures: Dict[Tuple[Any, ...], Dict[str, int]] = {}
        for key, values in () if events else result.get("figures", ()):
            if time_positions:
                key = tuple(_time_key(v) if i in time_positions else v for i, v in enumerate(key))
            figures[key] = _add_figures(figures.get(key, {}), values)
        protocol = None
        if not events:
            if table is not None:
                dims, table, protocol = _columns.settle(dims, table)
                if "protocol" not in dims:
                    sketches = {k[1:]: v for k, v in sketches.items()}
            else:
                dims, counts, sketches, protocol = _protocols.settle(dims, counts or {}, sketches)
            if "protocol" not in dims:  # one protocol: its column was dropped from the groups, so from these too
                figures = {k[1:]: v for k, v in figures.items()}
        heavy = None
        if result.get("heavy") is not None and not events:
            heavy_dim, items, error, seen, size = result["heavy"]
            heavy = Top(heavy_dim, tuple(((_time_key(v) if heavy_dim == "time" else v), n) for v, n in items),
                        exact=error == 0, error=error, total=seen, size=size)
        out = cls(
            dims,
            {},
            stats=result["stats"],
            file_names=names,
            files=result["files"] if files is None else files,
            problems=problems,
            time_bucket=time_bucket,
            count=count,
            figures=figures,
            templates=[(t, n, ex, names[f] if f < len(names) else "?", line)
                       for t, n, ex, f, line in result.get("event_templates" if events else "unexplained_templates", ())],
            error_files=result.get("error_files", ()),
            sketches=sketches,
            quantiles=quantiles,
            heavy=heavy,
            protocol=protocol,
        )
        if table is not None:
            out._table, out._counts_dict = table, None
        else:
            out._counts = counts or {}  # already in the Summary's order: no second sort
        return out

    def _replace(self, counts: Any, sketches: Dict[Tuple[Any, ...], Any],
                 figures: Optional[Dict[Tuple[Any, ...], Dict[str, int]]] = None) -> "Summary":
        """A copy with other groups (a dict, or Arrow columns) and their sketches and call figures; what was
        read stays as it was."""
        out = object.__new__(Summary)
        out.__dict__.update(self.__dict__)
        if isinstance(counts, dict):
            out._counts = counts
        else:
            out._table, out._counts_dict = counts, None
        out._sketches = sketches
        out._figures = self._figures if figures is None else figures
        return out

    # -- reading -------------------------------------------------------------------------------------
    @property
    def counted(self) -> int:
        """Records with a valid code (registered or not): the sum of all counts."""
        if self._counts_dict is None:
            return _columns.total(self._table)
        return sum(self._counts.values())

    @property
    def protocols(self) -> Tuple[str, ...]:
        """The protocols of the counts, in order: ``("http",)``, ``("sip",)``, ``("http", "sip")``; ``()`` when
        there are no counts or the summary was built without saying (``Summary(..., protocol="sip")``)."""
        if "protocol" in self.dims:
            at = self.dims.index("protocol")
            values = _columns.distinct(self._table, "protocol") if self._counts_dict is None else \
                {k[at] for k in self._counts}
            return tuple(sorted(v for v in values if v is not None))
        return (self._protocol,) if self._protocol is not None else ()

    def protocol_of(self, key: Tuple[Any, ...]) -> Optional[str]:
        """The protocol of one group (a key of ``counts()``, as a tuple): from the key when ``protocol`` is a
        dimension, else the summary's one protocol (None when not known)."""
        return _protocols.of_key(self.dims, key, self._protocol)

    def counted_by_protocol(self) -> Dict[str, int]:
        """``counted`` split by protocol (``{"http": 6, "sip": 3}``); at ``count="calls"`` the SIP figure is calls."""
        out: Dict[str, int] = {}
        for key, n in self._counts.items():
            p = self.protocol_of(key) or "?"
            out[p] = out.get(p, 0) + n
        return out

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
        if self._counts_dict is None and tuple(dims) != self.dims and len(set(dims)) == len(dims):
            # Fewer dimensions than the groups have: added up on the columns, one object per value asked for.
            return _columns.counts(self._table, dims)
        out: Dict[Any, int] = {}
        single = len(positions) == 1
        for key, n in self._counts.items():
            k = key[positions[0]] if single else tuple(key[p] for p in positions)
            out[k] = out.get(k, 0) + n
        return out

    def columns(self, *dims: str, reason: bool = True) -> List[str]:
        """The names of the values of :meth:`rows` (with the same arguments), ``count`` last.

        >>> import logcodes
        >>> logcodes.scan(logcodes.samples.path("apache_combined")).columns()
        ['class', 'code', 'reason', 'count']
        """
        names = list(_protocols.with_protocol(self.dims, dims or self.dims, self.protocols))
        if reason and "code" in names and "reason" not in names:
            names.insert(names.index("code") + 1, "reason")
        return names + ["count"]

    def rows(self, *dims: str, reason: bool = True, lang: Optional[str] = None) -> List[Tuple[Any, ...]]:
        """``(value, ..., count)`` rows by ``dims`` (default: all), sorted by key for code-like dimensions,
        else by count. With ``code`` among them (and not ``reason``), each code is followed by its name from
        its own protocol's registry (:func:`logcodes.codes.phrase`, in ``lang``); ``reason=False`` leaves it
        out. On a summary of several protocols ``protocol`` leads every row even when ``dims`` omit it.
        :meth:`columns` names the values.

        >>> import logcodes
        >>> logcodes.scan(logcodes.samples.path("apache_combined")).rows()[0]
        ('2xx', 200, 'OK', 9126)
        """
        from . import _languages, codes

        lang = _languages.check(lang)
        dims = _protocols.with_protocol(self.dims, dims or self.dims, self.protocols)
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
        if not reason or "code" not in dims or "reason" in dims:
            return [(*k, n) for k, n in items]
        at = dims.index("code")
        named = lambda k: codes.phrase(_protocols.of_key(dims, k, self._protocol), k[at], lang=lang)  # noqa: E731
        return [(*k[:at + 1], named(k), *k[at + 1:], n) for k, n in items]

    def to_pandas(self, *dims: str, reason: bool = True, lang: Optional[str] = None):  # -> pandas.DataFrame
        """A DataFrame of :meth:`rows`: one column per dimension, the code's ``reason`` after ``code`` (unless
        ``reason=False``), and a ``count`` column.

        >>> import logcodes
        >>> df = logcodes.scan(logcodes.samples.path("apache_combined")).to_pandas()
        >>> list(df.columns)
        ['class', 'code', 'reason', 'count']
        """
        try:
            import pandas as pd  # type: ignore[import-untyped,unused-ignore]
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError("Summary.to_pandas() needs pandas: pip install pandas") from e
        if self._counts_dict is None and tuple(dims) in ((), self.dims):
            # Straight from the Arrow columns: no Python object per group (1 M groups in well under a second).
            return _columns.to_pandas(self._table, self.dims, self._protocol, _ORDERED_DIMS,
                                      reason=reason, lang=lang)
        df = pd.DataFrame(self.rows(*dims, reason=reason, lang=lang), columns=self.columns(*dims, reason=reason))
        if "time" in df.columns:
            df["time"] = pd.to_datetime(df["time"], utc=True)
        return df

    def to_dict(self, *, lang: Optional[str] = None) -> Dict[str, Any]:
        """A JSON-ready dict: dims, groups (lists of the values ``columns`` names: each code followed by its
        reason phrase in ``lang``, the count last), the protocols, totals, samples, files and problems."""
        from . import _languages

        def plain(v: Any) -> Any:
            return v.isoformat() if isinstance(v, _dt.datetime) else v

        lang = _languages.check(lang)
        return {
            "dims": list(self.dims),
            "columns": self.columns(),
            "groups": [[plain(v) for v in row[:-1]] + [row[-1]] for row in self.rows(lang=lang)],
            "protocols": list(self.protocols),
            "lang": lang,
            "count": self.count,
            "total": self.total,
            "counted": self.counted,
            **{name: getattr(self.stats, name) for name in Summary.COUNTERS if name != "total"},
            **{name: [s._asdict() for s in getattr(self, name)] for name in Summary.SAMPLES},
            "joins": self.joins,
            "unexplained_templates": self.unexplained(None),
            "files": [f.as_dict() for f in self.files],
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
        conditions = dict(conditions)
        if "protocol" in conditions and "protocol" not in self.dims:
            # One protocol: the condition keeps every group or none.
            one = _explore.matcher(("protocol",), {"protocol": conditions.pop("protocol")})
            if not one((self._protocol,)):
                return self._replace({}, {})
        keep = _explore.matcher(self.dims, conditions)
        if self._counts_dict is None:
            # On the columns: no Python object per group (see _columns.select).
            return self._replace(_columns.select(self._table, self.dims, conditions),
                                 {k: v for k, v in self._sketches.items() if keep(k)},
                                 {k: v for k, v in self._figures.items() if keep(k)})
        return self._replace({k: n for k, n in self._counts.items() if keep(k)},
                             {k: v for k, v in self._sketches.items() if keep(k)},
                             {k: v for k, v in self._figures.items() if keep(k)})

    def top(self, dim: str, n: int = 10, *, where: Optional[Mapping[str, Any]] = None) -> Top:
        """The ``n`` most frequent values of ``dim``, as a :class:`Top` (exact counts when the summary is
        grouped by ``dim``; from the heavy-hitter sketch of ``scan(..., top=(dim, size))`` otherwise, saying
        so with its error bound). On a summary of several protocols the values of a dimension it groups by are
        kept apart per protocol and named with it (``"sip 200"``, ``"http 200"``), as in :meth:`timeline`.

        >>> import logcodes
        >>> s = logcodes.scan(logcodes.samples.path("apache_combined"), by="code,path")
        >>> t = s.top("path", 3, where={"code": 404})
        >>> t.exact, len(t)
        (True, 3)
        """
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"top() needs a positive number of values, not {n!r}")
        if dim in self.dims:
            chosen = self.where(**dict(where or {}))
            if dim != "protocol" and len(chosen.protocols) > 1:
                # HTTP and SIP are never added up: SIP 200 and HTTP 200 are two values, named like the
                # timeline's columns ("sip 200").
                both = chosen.counts("protocol", dim)
                labelled = {f"{p} {'-' if v is None else v}": n for (p, v), n in both.items()}
                return Top(dim, tuple(_explore.rank(labelled, n)), exact=True, error=0, total=sum(both.values()))
            if chosen._counts_dict is None:
                return Top(dim, tuple(_columns.top(chosen._table, dim, n)), exact=True, error=0,
                           total=_columns.total(chosen._table))
            counts = chosen.counts(dim)
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
        ``count`` column); a summary of several protocols has one per protocol and value (``"sip 2xx"``).
        ``freq`` (default: the scan's bucket) must be a multiple of the scan's bucket.

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
        # Several protocols: one column per protocol and value ("http 2xx", "sip 2xx"), never their sum.
        apart = by not in (None, "protocol") and len(source.protocols) > 1
        rows = []
        for key, n in source.counts(*(("time",) if by is None else ("time", "protocol", by) if apart
                                      else ("time", by))).items():
            t, v = (key, "count") if by is None else (key[0], f"{key[1]} {key[2]}") if apart else key
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
        durations (nginx ``$request_time``, Apache ``%D``, ...). The DataFrame is a ``QuantileTable``: in a
        notebook its durations show with their unit and long group values are cut (whole on hover).

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
        from ._frames import QuantileTable

        df = QuantileTable(rows, columns=[*dims, "count", *names])
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
    def kpis(self, by: Union[str, Sequence[str], None] = None):  # -> pandas.DataFrame
        """Call and registration KPIs (RFC 6076, ITU-T E.411) from a ``count="calls"`` summary: a DataFrame
        with one row per group of ``by`` (a dimension of the summary such as ``"time"``, or several), or a
        single row for the whole summary when ``by`` is None. Definitions and sections in ``docs/sip.md``.

        A call is one call attempt (Call-ID and From-tag, RFC 3261 §12): the INVITEs re-sent after a 401/407
        or a 3xx belong to it and its final response is the last INVITE's; re-INVITEs never count. Calls
        without a final response (``incomplete_calls``) and Call-IDs without their INVITE
        (``calls_without_invite``) are outside every figure. Ratios are fractions (RFC 6076 writes them ×100);
        delays are means in seconds, over the calls whose capture shows both ends; NaN when undefined.

        Counts: ``calls``; by outcome ``answered`` (2xx), ``busy`` (486, 600, cause 17), ``no_answer`` (408,
        480, causes 18/19), ``rejected`` (403, 603, 606-608, cause 21), ``cancelled`` (487 or a CANCEL),
        ``failed`` (the rest); ``invites`` (INVITEs sent, re-sent ones included) and ``auth_rounds`` (401/407
        received); ``registrations`` and ``registered``.

        * ``ASR`` (E.411 answer seizure ratio) = answered / calls;
        * ``NER`` (E.425 network effectiveness ratio) = (answered + busy + no_answer + rejected) / calls;
        * ``SER`` (RFC 6076 §4.6) = calls answered 200 / (calls − calls ending in 3xx);
        * ``SEER`` (§4.7) = calls ending in 200, 480, 486, 600 or 603 / (calls − calls ending in 3xx);
        * ``ISA`` (§4.8) = calls ending in 408, 500, 503 or 504 / calls;
        * ``SCR`` (§4.9) = answered calls ended by a BYE that got a 2xx / calls;
        * ``SRD`` (§4.3.1) = first INVITE → first 18x or 200 of an answered call; ``SRD_failed`` (§4.3.2) =
          first INVITE → the 4xx/5xx/6xx final response (cancelled calls left out);
        * ``PDD`` (post-dial delay) = first INVITE → first 18x; ``setup_time`` = first INVITE → 2xx;
        * ``SDD`` (§4.4) = BYE → its 2xx; ``SDT`` (§4.5.1; E.411 ACD) = 2xx → BYE;
        * ``RRD`` (§4.1) = first REGISTER → its 2xx, 401/407 rounds included; ``registration_ratio`` =
          registered / registrations (a challenge inside a registration is no failure).

        >>> import logcodes
        >>> s = logcodes.Summary(("outcome",), {("answered",): 3, ("busy",): 1}, count="calls")
        >>> float(s.kpis()["ASR"].iloc[0])
        0.75
        """
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]

        if self.count != "calls":
            raise ValueError('call KPIs need a summary of calls: scan(..., count="calls")')
        dims = () if by is None else ((by,) if isinstance(by, str) else tuple(by))
        for d in dims:
            if d not in self.dims:
                raise ValueError(f"kpis(by={by!r}) needs a summary grouped by {d!r} as well")
        positions = [self.dims.index(d) for d in dims]
        groups: Dict[Tuple[Any, ...], Dict[str, int]] = {}
        if self._figures:
            for key, values in self._figures.items():
                k = tuple(key[p] for p in positions)
                groups[k] = _add_figures(groups.get(k, {}), values)
        elif "outcome" in self.dims:  # a summary built by hand: only the outcome counts are known
            at = self.dims.index("outcome")
            for key, n in self._counts.items():
                k = tuple(key[p] for p in positions)
                g = groups.setdefault(k, {})
                g["calls"] = g.get("calls", 0) + n
                g[key[at]] = g.get(key[at], 0) + n
        rows = [(*k, *_kpi_values(g))
                for k, g in sorted(groups.items(), key=lambda kv: tuple(_sort_key(v) for v in kv[0]))]
        df = pd.DataFrame(rows, columns=[*dims, *_KPI_COLUMNS])
        if "time" in dims:
            df["time"] = pd.to_datetime(df["time"], utc=True)
        return df

    # -- combining -----------------------------------------------------------------------------------
    def _aligned(self, other: "Summary") -> Tuple[Tuple[str, ...], Optional[str], List[_Groups]]:
        """Both summaries' (counts, sketches) keyed alike: protocols that differ become a dimension."""
        mine, theirs = self._protocol, other._protocol
        bare = lambda dims: tuple(d for d in dims if d != "protocol")  # noqa: E731
        if self.dims == other.dims and ("protocol" in self.dims or None in (mine, theirs) or mine == theirs):
            return self.dims, mine or theirs, [(self._counts, self._sketches), (other._counts, other._sketches)]
        if self.dims == other.dims:
            dims = ("protocol", *self.dims)
        elif bare(self.dims) == bare(other.dims):
            dims = self.dims if "protocol" in self.dims else other.dims
        else:
            raise ValueError(f"cannot merge summaries grouped differently: {self.dims} and {other.dims}")
        at = dims.index("protocol")

        def keyed(s: "Summary") -> _Groups:
            if "protocol" in s.dims:
                return s._counts, s._sketches
            return (_protocols.lift(s.dims, s._counts, s._protocol, at),
                    _protocols.lift(s.dims, s._sketches, s._protocol, at))

        return dims, None, [keyed(self), keyed(other)]

    def merge(self, other: "Summary") -> "Summary":
        """A new Summary with the counts of both (same dimensions required, but for ``protocol``).
        Associative and commutative for the counts and totals; samples keep the first few of each kind.
        Summaries of different protocols stay apart: ``protocol`` becomes a dimension of the result."""
        if not isinstance(other, Summary):
            raise TypeError(f"can only merge a Summary, not {type(other).__name__}")
        if self.count != other.count:
            raise ValueError(f"cannot merge summaries counted differently: {self.count} and {other.count}")
        if self.time_bucket != other.time_bucket and "time" in self.dims:
            raise ValueError(f"cannot merge summaries with different time buckets ({self.time_bucket}s, {other.time_bucket}s)")
        if self.dims and (self._counts_dict is None or other._counts_dict is None):
            dims, protocol, table = self._merged_columns(other)
            counts: Dict[Tuple[Any, ...], int] = {}
            my_sketches, their_sketches = self._aligned_sketches(other, dims)
        else:
            table = None
            dims, protocol, ((mine, my_sketches), (theirs, their_sketches)) = self._aligned(other)
            counts = dict(mine)
            for k, n in theirs.items():
                counts[k] = counts.get(k, 0) + n
        # The other's samples name files by index: map its names into this summary's list (pieces of one
        # file share one entry, so samples stay in file order, then offset order).
        names = list(self._file_names)
        file_map = []
        for name in other._file_names:
            if name not in names:
                names.append(name)
            file_map.append(names.index(name))
        out = Summary(
            dims,
            counts,
            stats=self.stats.merged(other.stats, file_map=file_map, max_samples=_MAX_SAMPLES),
            file_names=names,
            protocol=protocol,
            files=self.files + other.files,
            problems=self.problems + other.problems,
            time_bucket=self.time_bucket,
            count=self.count,
            figures=_merge_figures(*(s._figures if s.dims == dims else
                                     _protocols.lift(s.dims, s._figures, s._protocol, dims.index("protocol"))
                                     for s in (self, other))),
            templates=_merge_templates(self._templates, other._templates),
            error_files=self.error_files + other.error_files,
            sketches=_merge_sketches(my_sketches, their_sketches),
            heavy=_explore.merge_top(self._heavy, other._heavy),
            quantiles=self.quantiles_of or other.quantiles_of,
        )
        if table is not None:
            out._table, out._counts_dict = table, None
        return out

    __add__ = merge

    def __radd__(self, other: object) -> "Summary":
        """``sum(summaries)``: the sum's start (0) adds nothing."""
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self
        return NotImplemented  # type: ignore[return-value]

    def _columns_of(self) -> Any:
        return self._table if self._counts_dict is None else _columns.from_counts(self._counts_dict, self.dims)

    def _merged_columns(self, other: "Summary") -> Tuple[Tuple[str, ...], Optional[str], Any]:
        """merge() of the groups on Arrow columns (when either side has them): (dims, protocol, groups), with
        the same alignment of protocols as ``_aligned``."""
        mine, theirs = self._protocol, other._protocol
        bare = lambda dims: tuple(d for d in dims if d != "protocol")  # noqa: E731
        tables = [self._columns_of(), other._columns_of()]
        if self.dims == other.dims and ("protocol" in self.dims or None in (mine, theirs) or mine == theirs):
            return self.dims, mine or theirs, _columns.merge(tables, self.dims)
        if self.dims == other.dims:
            dims = ("protocol", *self.dims)
        elif bare(self.dims) == bare(other.dims):
            dims = self.dims if "protocol" in self.dims else other.dims
        else:
            raise ValueError(f"cannot merge summaries grouped differently: {self.dims} and {other.dims}")
        at = dims.index("protocol")
        tables = [t if "protocol" in s.dims else _columns.lift(t, s._protocol, at)
                  for s, t in zip((self, other), tables)]
        return dims, None, _columns.merge(tables, dims)

    def _aligned_sketches(self, other: "Summary", dims: Tuple[str, ...]) -> Tuple[Dict[Tuple[Any, ...], Any], ...]:
        """Both summaries' sketches keyed by ``dims`` (the merged summary's)."""
        return tuple(s._sketches if s.dims == dims else
                     _protocols.lift(s.dims, s._sketches, s._protocol, dims.index("protocol"))
                     for s in (self, other))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Summary):
            return NotImplemented
        return (
            self.dims == other.dims
            and self._counts == other._counts
            and self.protocols == other.protocols
            and self.count == other.count
            and (self.total, self.unparsed, self.invalid, self.filtered, self.unregistered, self.blank, self.lines,
                 self.requests, self.retransmissions, self.calls, self.call_responses)
            == (other.total, other.unparsed, other.invalid, other.filtered, other.unregistered, other.blank,
                other.lines, other.requests, other.retransmissions, other.calls, other.call_responses)
        )

    __hash__ = None  # type: ignore[assignment]

    def __len__(self) -> int:
        return self._table.num_rows if self._counts_dict is None else len(self._counts)

    # -- showing -------------------------------------------------------------------------------------
    def to_string(self, *, lang: Optional[str] = None, limit: int = 40) -> str:
        """The text ``print(summary)`` shows: the headline, then up to ``limit`` groups with each code named
        by its own protocol's registry in ``lang`` (``"en"``, ``"zh"``; default ``logcodes.codes.get_lang()``).

        >>> import logcodes
        >>> s = logcodes.scan(logcodes.samples.path("apache_combined"))
        >>> print(s.to_string(lang="zh", limit=1))
        <logcodes.Summary 1 input (combined): 10,000 records — 10,000 counted, 0 invalid status, 0 unparsed>
        class  code  reason  count  share
        -----  ----  ------  -----  -----
        2xx    200   成功    9,126  91.3%
        … 7 more groups
        """
        return _show.text(self, lang=lang, limit=limit)

    def headline(self) -> str:
        """One line saying what was read and where every record went; its figures add up to ``total`` at
        every count level (see the class documentation)."""
        return _show.headline(self)

    _headline = headline

    def __repr__(self) -> str:
        return self.to_string()

    def _repr_html_(self) -> str:
        return _show.html(self)

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
