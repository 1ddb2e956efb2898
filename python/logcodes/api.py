"""``scan``: the main entry point."""

from __future__ import annotations

import dataclasses
import datetime
import functools
import os
import warnings
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from . import _argcheck, _core, _events, _protocols
from ._dims import ByArg, parse_by
from ._inputs import PathArg, core_paths, expand_paths
from ._progress import Progress, ProgressArg
from ._sizes import parse_size
from .filters import CodesArg, NamesArg, TimeArg, scan_filter
from .errors import CorruptInputError, InputError, MixedInputError, ReadError, TruncatedInputError
from . import rules as _rules
from .formats import FormatArg, resolve
from .paths import PathRulesArg, compile_rules as _compile_path_rules
from .rules import RulesArg
from .summary import FileInfo, InputProblem, Summary
from ._safe_text import terminal

__all__ = ["scan", "detect", "detect_format", "Detection"]

_DEFAULT_BLOCK = 1 << 20
_DEFAULT_MAX_RECORD = 16 << 20
_POLL_SECONDS = 0.1   # how often a running scan checks for Ctrl-C and reports progress
_ON_ERROR = ("raise", "warn", "ignore")
_COUNT_LEVELS = ("messages", "transactions", "calls", "events")


@dataclasses.dataclass(frozen=True)
class Detection:
    """Which built-in format an input is in, and why.

    ``share`` is the part of the sample lines the chosen format matched; ``runners_up`` lists the other
    candidates that parsed anything, as ``(name, lines matched exactly, lines parsed)``, best first.
    """

    format: Optional[str]
    explanation: str
    matched: int
    sample_lines: int
    runners_up: Tuple[Tuple[str, int, int], ...] = ()

    @property
    def share(self) -> float:
        return self.matched / self.sample_lines if self.sample_lines else 0.0

    def __str__(self) -> str:
        others = ", ".join(f"{n} {s}/{self.sample_lines}" for n, s, _ in self.runners_up[:3])
        return f"{self.format or 'unknown'} ({self.explanation})" + (f"; runners-up: {others}" if others else "")


def detect(data: Union[bytes, str, "os.PathLike[str]"]) -> Detection:
    """Which built-in format ``data`` (bytes, or a path to a file: gzip/zstd too) is in, and why.

    Looks at the same sample a scan looks at: the first 64 usable lines (at most 64 KiB of them); lines over
    64 KiB or of binary bytes are skipped (the explanation counts them), within the first 16 MiB.

    >>> d = detect(b'1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326\\n')
    >>> d.format, d.share
    ('common', 1.0)
    """
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = _core.detect_format(bytes(data[: _core.DETECT_BYTES]), len(data) < _core.DETECT_BYTES)
    else:
        raw = _core.detect_path(os.fsencode(expand_paths(data)[0]))
    name, explanation, matched, sampled, ranking = raw
    runners = tuple((n, s, l) for n, s, l in ranking if n != name)
    return Detection(name, explanation, matched, sampled, runners)


def detect_format(data: Union[bytes, str, "os.PathLike[str]"]) -> Tuple[Optional[str], str]:
    """``(format name or None, why)``: the short form of :func:`detect`.

    >>> detect_format(b'1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326\\n')
    ('common', 'common: 1 of 1 sample lines match exactly')
    """
    d = detect(data)
    return d.format, d.explanation


@functools.lru_cache(maxsize=1)
def _builtin_rules() -> Any:
    """The built-in rule pack, compiled once per process."""
    return _rules.compile(None)


def _threads(threads: Optional[int]) -> int:
    if threads is None:
        return os.cpu_count() or 1
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"threads must be a positive int or None (all cores), got {threads!r}")
    return threads


def _problem_error(problem: InputProblem) -> InputError:
    cls = {"truncated": TruncatedInputError, "corrupt": CorruptInputError}.get(problem.kind, ReadError)
    return cls(str(problem), path=problem.path, offset=problem.offset)


def _os_error(kind: str, path: str, message: str) -> Optional[OSError]:
    import errno

    table = {"not_found": (FileNotFoundError, errno.ENOENT), "is_directory": (IsADirectoryError, errno.EISDIR),
             "permission": (PermissionError, errno.EACCES)}
    if kind not in table:
        return None
    cls, code = table[kind]
    return cls(code, message, path)


def scan(
    paths: PathArg,
    *,
    format: FormatArg = "auto",
    by: Optional[ByArg] = None,
    threads: Optional[int] = None,
    progress: ProgressArg = False,
    block_size: Union[int, str, None] = None,
    max_record: Union[int, str, None] = None,
    on_error: str = "raise",
    count: Optional[str] = None,
    errors: Optional[PathArg] = None,
    rules: "RulesArg" = None,
    explain: Union[str, int, Sequence[Union[str, int]]] = "5xx",
    window: Union[str, int, float, datetime.timedelta] = "2s",
    path_map: Optional[Mapping[str, str]] = None,
    max_events: int = 1_000_000,
    byte_range: Optional[Tuple[int, int]] = None,
    path_rules: PathRulesArg = None,
    quantiles: Optional[str] = None,
    accuracy: float = 0.01,
    top: Optional[Tuple[str, int]] = None,
    since: TimeArg = None,
    until: TimeArg = None,
    codes: CodesArg = None,
    methods: NamesArg = None,
    hosts: NamesArg = None,
    path_patterns: NamesArg = None,
    where: Optional[Mapping[str, Any]] = None,
) -> Summary:
    """Scan log files and count their response codes.

    Args:
        paths: a file, a glob (``"logs/*.gz"``), ``"-"`` for standard input, or a list of them. gzip and
            zstd files are recognised by their first bytes, whatever their names.
        format: ``"auto"`` (detected per input from its first lines; :func:`detect` tells what it would
            pick and why), a built-in format name (``logcodes.formats.available()``), or a format compiled
            from your server's format string (``logcodes.formats.nginx('...')``, ``.apache('...')`` ...).
        by: dimensions to group by, from ``protocol, class, code, reason, method, host, path, path_raw, file,
            time, upstream_code``, or any named field the format yields (``logcodes.formats.fields()``);
            ``path`` is templated (``/users/{id}``, see :mod:`logcodes.paths`), ``path_raw`` as written;
            ``"time:5min"`` sets the time bucket (``1s`` … ``1d``; default 1h). A comma-separated string works.
            Default: ``class, code`` for access logs and SIP; ``level, cause`` for error logs (their events can
            be grouped by ``level, cause, cause_detail, cause_source, time, file, host, path, path_raw, method``).
        threads: worker threads (default: all cores). Large files are split at line boundaries; results
            do not depend on this number.
        progress: True for a progress bar on stderr, or a callable ``f(bytes_done, bytes_total)``.
        block_size: bytes per read (default 1 MiB); results do not depend on it.
        max_record: lines longer than this (default 16 MiB) are counted as unparsed, not held in memory.
        count: what one count is, for SIP: ``"messages"`` (every response seen), ``"transactions"``
            (default: retransmissions of a response counted once, by Call-ID + CSeq + Via branch + code,
            within a window of at least 64 s of the trace's times, or 262,144 responses when it has none) or
            ``"calls"`` (each call attempt once, by RFC 3261 dialog rules: the final response to its last
            INVITE, with the ``outcome``, ``attempts``, ``auth_rounds`` and ``hangup`` dimensions and the
            figures behind :meth:`Summary.kpis`; see ``docs/sip.md``).
            HTTP records are one transaction each, whatever the level. ``"events"``: the inputs are error logs
            (nginx error.log, Apache error_log, Tomcat, log4j, PHP, Python) and each event is counted by
            ``level`` (its severity) and ``cause`` (the rule that names it, else ``"unknown"``). By default
            (None) error logs are found by detection and read as events; given with access logs as main
            inputs they raise :class:`~logcodes.MixedInputError` (pass them with ``errors=``).
        errors: error logs of the same servers (nginx error.log, Apache error_log, Tomcat catalina /
            localhost logs, PHP, Python tracebacks). Each access-log error selected by ``explain`` claims
            the event that explains it — same request id, else the closest unused event naming the same
            path within ``window``, else the closest unused event in the window that names no request — and
            gets that event's cause (``cause``, ``cause_detail``, ``cause_source`` dimensions). An event
            explains one request, and an event naming a path never explains another path. Paths are
            compared as the server sees them: Tomcat's context path + JSP (``[/shop]`` + ``[/a.jsp]``),
            ``;jsessionid=``, queries, percent-escapes and trailing slashes do not matter.
            ``Summary.joins`` says how many were joined by request id, path and time, and how many not at
            all; ``Summary.unexplained()`` groups the error-log events no rule names.
        rules: your cause rules (a TOML/YAML file, or dicts with name, pattern, codes, label and optional kind),
            tried before the built-in pack (``logcodes.rules``; its rules and sources: docs/causes.md).
        explain: which access-log codes to explain from the error logs: ``"5xx"`` (default), ``"502"``, or a
            list of them.
        window: how far apart in time an access-log error and its error-log event may be (default 2 s).
        path_map: where the access log's paths live on the server that wrote the error logs, when a proxy
            in front rewrites them: ``{"/shop": "/"}`` says the access log's ``/shop/a.jsp`` is the
            server's ``/a.jsp`` (the longest matching prefix wins).
        max_events: at most this many error-log events (of error level, or named by a rule) are kept for the
            join (default 1,000,000: a few hundred MB at most); the ones beyond explain nothing, are counted
            in ``Summary.events_dropped`` and warned about.
        byte_range: ``(begin, end)``: only the records that start in these bytes of each uncompressed input
            (a piece of a file for a distributed scan; ``logcodes.dask`` uses it). Inputs that cannot be cut
            (compressed, captures, W3C, SIP traces) are read whole by the piece at 0 and skipped by the others.
            Sample line numbers are then 0 (unknown); their byte offsets stay exact.
        path_rules: ``[(regex, placeholder), ...]`` applied to paths before the built-in templates
            (:mod:`logcodes.paths`); a bad pattern raises ValueError naming the rule.
        quantiles: ``"duration"`` keeps a DDSketch of request durations (in seconds) per group, for
            :meth:`Summary.quantiles`; records without a duration are counted but not sketched.
        accuracy: the sketches' relative accuracy (default 0.01: every quantile within 1 %).
        top: ``(dim, size)``, e.g. ``("path", 1000)``: heavy hitters of one more dimension kept in
            bounded memory (a mergeable Misra-Gries summary of ``size`` counters) without grouping by it;
            ``Summary.top(dim)`` lists them with their error bound (at most ``records / (size + 1)``).
        since, until: only records in ``[since, until)``: datetimes, dates, ISO strings (``"2026-11-24"``,
            ``"2026-11-24T06:00Z"``), epoch seconds, or relative times (``"-1h"``). Naive ones mean the
            log's own wall clock; ones with a zone are instants. Records without a time are left out.
        codes: only these codes: ``"5xx"``, ``404``, ``"500-504"``, or a list of them.
        methods: only these request methods (``"GET,POST"`` or a list), case-insensitive.
        hosts: only these hosts: globs (``"*.example.com"``) or ``"re:"`` regexes, matched whole,
            case-insensitive.
        path_patterns: only these paths (without the query): globs (``"/api/*"``, where ``*`` crosses
            ``/``) or ``"re:"`` regexes, matched whole. (``paths`` names the inputs, hence the name; in
            ``where`` and on the command line it is ``paths``.)
        where: the filters above as a dict (``{"codes": "5xx", "paths": "/api/*"}``).
            Records left out by filters are counted in ``Summary.filtered``; filters are applied after
            classification, so invalid and unparsed lines are still counted as such.
        on_error: what a truncated/corrupt/unreadable input does once everything else is scanned:
            ``"raise"`` (an :class:`~logcodes.InputError` whose ``.summary`` has all counts),
            ``"warn"``, or ``"ignore"``; problems are always listed in ``Summary.problems``.

    Returns:
        A :class:`Summary`.

    Raises:
        FileNotFoundError, IsADirectoryError, PermissionError: before scanning, for a bad path.
        FormatError: an unknown format name (a ValueError).
        ValueError: a bad dimension, thread count or size.
        TruncatedInputError, CorruptInputError, ReadError: an input failed part-way (see ``on_error``).
        KeyboardInterrupt: Ctrl-C stops the scan within a fraction of a second.

    >>> import logcodes
    >>> s = logcodes.scan(logcodes.samples.path("shop_nginx"), by="code")
    >>> s.counts("code")[404]
    24
    """
    core_format = resolve(format)
    explicit_events = count == "events"
    dims, bucket = parse_by(by if by is not None else
                            (_events.DEFAULT_EVENT_DIMS if explicit_events else ("class", "code")))
    ev_dims = _events.event_dims(dims, explicit=explicit_events)
    if explicit_events:
        dims = ev_dims
    count = count or "transactions"
    n_threads = _threads(threads)
    block = parse_size(block_size, what="block_size") if block_size is not None else _DEFAULT_BLOCK
    record_cap = parse_size(max_record, what="max_record") if max_record is not None else _DEFAULT_MAX_RECORD
    if count not in _COUNT_LEVELS:
        raise ValueError(f"count must be one of {', '.join(_COUNT_LEVELS)}, not {count!r}")
    if on_error not in _ON_ERROR:
        raise ValueError(f"on_error must be one of {', '.join(_ON_ERROR)}, not {on_error!r}")
    files = expand_paths(paths)
    error_files = expand_paths(errors, "errors") if errors is not None else []
    explain_specs = _explain_specs(explain)
    window_ms = int(parse_duration_ms(window))
    # The rules name the causes of access-log errors (errors=) and of error-log events read as inputs.
    compiled_rules = _rules.compile(rules) if (error_files or rules is not None) else _builtin_rules()
    extras = scan_extras(path_rules, quantiles, accuracy, top)
    _, compiled_filter = scan_filter(where, since=since, until=until, codes=codes, methods=methods, hosts=hosts,
                                     path_patterns=path_patterns, count=count)

    if byte_range is not None:
        if (isinstance(byte_range, (str, bytes)) or not isinstance(byte_range, Sequence) or len(byte_range) != 2
                or not all(isinstance(x, int) and not isinstance(x, bool) for x in byte_range)):
            raise TypeError(f"byte_range must be a (begin, end) pair of ints, not {byte_range!r}")
        b, e = byte_range
        if b < 0 or e < b:
            raise ValueError(f"byte_range must be (begin, end) with 0 <= begin <= end, not {byte_range!r}")
        byte_range = (b, e)
    # Responses are grouped by dims (and always by their protocol, see _protocols), the events of error logs
    # by ev_dims; which the inputs hold is known once each is detected (see _finish).
    response_dims = ("class", "code") if explicit_events else dims
    job = _core.ScanJob(core_paths(files), core_format, list(_protocols.core_dims(response_dims)), bucket, n_threads,
                        block, record_cap, 0, 5, "transactions" if explicit_events else count,
                        core_paths(error_files), compiled_rules, explain_specs, window_ms, byte_range, extras=extras,
                        filter=compiled_filter, path_map=_path_map(path_map), event_dims=list(ev_dims),
                        max_events=_max_events(max_events))
    reporter = Progress(progress)
    job.start()
    try:
        while not job.wait(_POLL_SECONDS):
            reporter(*job.progress())
        reporter(*job.progress())
    except BaseException:
        # Ctrl-C (or any error in a progress callback): stop the workers before leaving.
        job.cancel()
        while not job.wait(_POLL_SECONDS):
            pass
        raise
    finally:
        reporter.close()
    result = job.result()
    return _finish(result, dims, bucket, files, on_error, count, quantiles=quantiles,
                   events=(ev_dims, by is not None))


_QUANTITIES = ("duration",)


def scan_extras(path_rules: PathRulesArg, quantiles: Optional[str], accuracy: float,
                top: Optional[Tuple[str, int]] = None) -> "_core.ScanExtras":
    """Checks and compiles the path rules and sketch options shared by ``scan`` and ``Stream``."""
    top_dim, top_size = "path", 0
    if top is not None:
        if isinstance(top, str) or not isinstance(top, (tuple, list)) or len(top) != 2:
            raise ValueError(f"top must be a (dimension, size) pair such as ('path', 1000), not {top!r}")
        top_dim, top_size = top[0], top[1]
        if top_dim not in _core.DIMENSIONS:
            raise ValueError(f"top: unknown dimension {top_dim!r}; valid dimensions: {', '.join(_core.DIMENSIONS)}")
        if isinstance(top_size, bool) or not isinstance(top_size, int) or not 1 <= top_size <= 1_000_000:
            raise ValueError(f"top: the size must be an int from 1 to 1000000, not {top_size!r}")
    if quantiles is not None and quantiles not in _QUANTITIES:
        raise ValueError(f"quantiles can be kept for {', '.join(_QUANTITIES)}, not {quantiles!r}")
    if isinstance(accuracy, bool) or not isinstance(accuracy, (int, float)) or not 0 < accuracy < 1:
        raise ValueError(f"accuracy must be a relative error between 0 and 1 (0.01 is 1 %), not {accuracy!r}")
    return _core.ScanExtras(path_rules=_compile_path_rules(path_rules), quantiles=quantiles is not None,
                            accuracy=float(accuracy), top_dim=top_dim, top_capacity=top_size)


def _max_events(n: int) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"max_events must be a whole number of at least 1, not {n!r}")
    return n


def _path_map(path_map: Optional[Mapping[str, str]]) -> List[Tuple[str, str]]:
    if path_map is None:
        return []
    if not isinstance(path_map, Mapping):
        raise ValueError(f"path_map takes a dict of path prefixes such as {{'/shop': '/'}}, not {path_map!r}")
    pairs = []
    for k, v in path_map.items():
        if not isinstance(k, str) or not isinstance(v, str) or not k.startswith("/") or not v.startswith("/"):
            raise ValueError(f"path_map entries map a path prefix to a path prefix ('/shop': '/'), not {k!r}: {v!r}")
        pairs.append((k, v))
    return pairs


def _explain_specs(explain: Union[str, int, Sequence[Union[str, int]]]) -> List[str]:
    items = _argcheck.items(explain, "explain", "codes or classes such as '5xx' or 502, or a list of them")
    specs = []
    for item in items:
        for part in str(item).split(","):
            p = part.strip().lower()
            if not p:
                continue
            ok = len(p) == 3 and p[0] in "123456" and (p[1:] == "xx" or p[1:].isdigit())
            if not ok:
                raise ValueError(f"explain takes codes or classes such as '5xx' or '502', not {part.strip()!r}")
            specs.append(p)
    if not specs:
        raise ValueError("explain needs at least one code or class")
    return specs


def parse_duration_ms(value: Any) -> float:
    import datetime as _dt

    if isinstance(value, _dt.timedelta):
        ms = value.total_seconds() * 1000
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        ms = float(value) * 1000
    elif isinstance(value, str):
        v = value.strip().lower()
        try:
            if v.endswith("ms"):
                ms = float(v[:-2])
            elif v.endswith("s"):
                ms = float(v[:-1]) * 1000
            elif v.endswith("min"):
                ms = float(v[:-3]) * 60000
            else:
                ms = float(v) * 1000
        except ValueError:
            raise ValueError(f"window {value!r} is not a duration such as '2s' or '500ms'") from None
    else:
        raise TypeError("window must be a duration string, seconds or a timedelta")
    if ms < 0:
        raise ValueError("window must not be negative")
    return ms


def _finish(result: Dict[str, Any], dims: Tuple[str, ...], bucket: int, files: List[str], on_error: str,
            count: str = "transactions", *, quantiles: Optional[str] = None,
            events: Optional[Tuple[Tuple[str, ...], bool]] = None) -> Summary:
    infos: List[FileInfo] = []
    problems: List[InputProblem] = []
    if result.get("events_dropped"):
        warnings.warn(f"{result['events_dropped']:,} error-log events were not kept for the join: more than "
                      "max_events (scan(max_events=...)); the errors they would explain stay unexplained",
                      RuntimeWarning, stacklevel=3)
    for f in result["files"]:
        err = f["error"]
        infos.append(FileInfo(path=f["path"], format=f["format"], detection=f["detection"], compression=f["compression"],
                              size=f["size"], lines=f["lines"], records=f["records"],
                              error=None if err is None else err[3], packets=f.get("packets", 0),
                              skipped_packets=f.get("skipped_packets", 0), evictions=f.get("evictions", 0),
                              wrapper=f.get("wrapper")))
        if f.get("evictions"):
            warnings.warn(f"{f['path']}: {f['evictions']:,} IP fragment sets or TCP flows were dropped to keep the "
                          "capture's reassembly tables bounded (fragments older than 30 s of capture time, more "
                          "than 4096 sets or 32 MiB, more than 65,536 flows); SIP in them may be counted as "
                          "unparsed", RuntimeWarning, stacklevel=3)
        if err is not None:
            kind, path, offset, message = err
            oserr = _os_error(kind, path or f["path"], message)
            if oserr is not None:
                raise oserr  # the file vanished or changed between the check and the scan
            problems.append(InputProblem(path or f["path"], kind, offset, message))
    as_events = False
    if events is not None:
        ev_dims, explicit_by = events
        try:
            as_events = _events.check_inputs([(i.path, i.format) for i in infos], explicit_events=count == "events",
                                             explicit_dims=dims if explicit_by else None)
        except MixedInputError as e:
            # What was read is kept: the responses, as a scan without the error logs would count them.
            e.summary = Summary._from_core(result, dims, file_names=files, files=infos, problems=problems,
                                           time_bucket=bucket if "time" in dims else None, count=count,
                                           quantiles=quantiles)
            raise
        if as_events:
            dims, count = ev_dims, "events"
    summary = Summary._from_core(result, dims, file_names=files, files=infos, problems=problems,
                                 time_bucket=bucket if "time" in dims else None, count=count,
                                 quantiles=quantiles, events=as_events)
    if problems and on_error != "ignore":
        err = _problem_error(problems[0])
        err.summary = summary
        if on_error == "raise":
            raise err
        for p in problems:
            warnings.warn(terminal(str(p)), RuntimeWarning, stacklevel=3)
    return summary
