"""Summary: the result of a scan — counts grouped by dimensions, plus what could not be counted."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import html
from typing import Any, Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple

__all__ = ["Summary", "Sample", "FileInfo", "InputProblem"]

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


def _time_key(value: Optional[int]) -> Optional[_dt.datetime]:
    return None if value is None else _dt.datetime.fromtimestamp(value, tz=_dt.timezone.utc)


def _sort_key(value: Any) -> Tuple[int, Any]:
    # None sorts last; mixed types never compare with each other.
    if value is None:
        return (2, "")
    if isinstance(value, str):
        return (1, value)
    return (0, value)


class Summary:
    """Counts of response codes grouped by ``dims``, and the records that could not be counted.

    Every record (a line of an access log, a SIP response) lands in exactly one place: with
    ``count="messages"`` (and for HTTP at any level) ``total == counted + invalid + unparsed``; with
    ``"transactions"`` retransmitted SIP responses are folded, so ``total == counted + retransmissions +
    invalid + unparsed``; with ``"calls"`` the counts are calls (``counted == calls``) and ``total`` still
    counts the responses read. Records left out by scan-time filters (``since=``, ``codes=``, ``paths=`` ...)
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
    ) -> "Summary":
        names = list(file_names) + [f["path"] for f in result.get("error_files", ())]
        file_names = names
        time_positions = [i for i, d in enumerate(dims) if d == "time"]
        counts: Dict[Tuple[Any, ...], int] = {}
        for key, n in result["counts"]:
            if time_positions:
                key = tuple(_time_key(v) if i in time_positions else v for i, v in enumerate(key))
            counts[key] = counts.get(key, 0) + n
        st = result["stats"]

        def samples(raw: Iterable[Tuple[int, int, int, str, str]]) -> List[Sample]:
            return [Sample(file_names[f] if f < len(file_names) else "?", line, off, text, why)
                    for f, line, off, text, why in raw]

        return cls(
            dims,
            counts,
            lines=st["lines"],
            blank=st["blank"],
            meta=st.get("meta", 0),
            total=st["records"],
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
                       for t, n, ex, f, line in result.get("unexplained_templates", ())],
            error_files=result.get("error_files", ()),
        )

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
        }

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
        first = lambda xs: sorted(xs, key=lambda s: (s.file, s.line, s.offset))[:_MAX_SAMPLES]  # noqa: E731
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
        header, body, more = self._table()
        e = html.escape
        head = "".join(f"<th>{e(h)}</th>" for h in header)
        rows = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>" for r in body)
        extra = f"<p>… {more} more groups</p>" if more else ""
        problems = "".join(f"<p><b>problem:</b> {e(str(p))}</p>" for p in self.problems)
        return (f"<div class='logcodes-summary'><p><b>logcodes.Summary</b> {e(self._headline())}</p>"
                f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>{extra}{problems}</div>")
