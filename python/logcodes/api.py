"""``scan``: the main entry point."""

from __future__ import annotations

import dataclasses
import datetime
import os
import warnings
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple, Union

from . import _columns, _core, _events, _options
from ._dims import ByArg
from ._inputs import PathArg, expand_paths
from ._progress import Progress, ProgressArg
from .filters import CodesArg, NamesArg, TimeArg
from .errors import MixedInputError
from .formats import FormatArg
from .paths import PathRulesArg
from .rules import RulesArg
from .summary import InputProblem, Summary
from ._safe_text import terminal

__all__ = ["scan", "detect", "detect_format", "Detection"]

_DEFAULT_MAX_RECORD = 16 << 20
_POLL_SECONDS = 0.1   # how often a running scan checks for Ctrl-C and reports progress


@dataclasses.dataclass(frozen=True)
class Detection:
    """Which built-in format an input is in, how sure detection is, and why.

    ``share`` is the part of the sample lines the chosen format matched. ``confidence`` (0 to 1) is the
    best candidate's evidence over the sample: lines it reads exactly with a valid status code count whole,
    lines it reads loosely with one count half; ``margin`` is how far (same unit) it leads the first
    runner-up that reads the sample differently (docs/detection.md). A tie (margin 0), no valid code, or
    valid codes in under half the sample give ``format=None`` (unknown): the explanation says which.
    ``runners_up`` lists the other candidates that parsed anything, as ``(name, lines matched exactly,
    lines parsed)``, best first; ``why_not`` maps each to what it read and why it was not taken.
    """

    format: Optional[str]
    explanation: str
    matched: int
    sample_lines: int
    runners_up: Tuple[Tuple[str, int, int], ...] = ()
    confidence: float = 0.0
    margin: float = 0.0
    why_not: Mapping[str, str] = dataclasses.field(default_factory=dict)

    @property
    def share(self) -> float:
        return self.matched / self.sample_lines if self.sample_lines else 0.0

    def __str__(self) -> str:
        others = ", ".join(f"{n} {s}/{self.sample_lines}" for n, s, _ in self.runners_up[:3])
        sure = f"; confidence {self.confidence:.2f}, margin {self.margin:.2f}" if self.sample_lines else ""
        return (f"{self.format or 'unknown'} ({self.explanation}{sure})" +
                (f"; runners-up: {others}" if others else ""))


def detect(data: Union[bytes, str, "os.PathLike[str]"]) -> Detection:
    """Which built-in format ``data`` (bytes, or a path to a file: gzip/zstd too) is in, and why.

    Looks at the same sample a scan looks at: the first 64 usable lines (at most 64 KiB of them); lines over
    64 KiB or of binary bytes are skipped (the explanation counts them), within the first 16 MiB.

    >>> d = detect(b'1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326\\n')
    >>> d.format, d.share, d.confidence
    ('common', 1.0, 1.0)
    """
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = _core.detect_format(bytes(data[: _core.DETECT_BYTES]), len(data) < _core.DETECT_BYTES)
    else:
        raw = _core.detect_path(os.fsencode(expand_paths(data)[0]))
    name, explanation, matched, sampled, ranking, confidence, margin = raw
    runners = tuple((n, s, l) for n, s, l, *_ in ranking if n != name)
    why_not = {n: why for n, _, _, _, _, why in ranking if n != name and why}
    return Detection(name, explanation, matched, sampled, runners, confidence, margin, why_not)


def detect_format(data: Union[bytes, str, "os.PathLike[str]"]) -> Tuple[Optional[str], str]:
    """``(format name or None, why)``: the short form of :func:`detect`.

    >>> detect_format(b'1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326\\n')
    ('common', 'common: 1 of 1 sample lines match exactly')
    """
    d = detect(data)
    return d.format, d.explanation


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
    storage_options: Optional[Mapping[str, Any]] = None,
) -> Summary:
    """Scan log files and count their response codes.

    Args:
        paths: a file, a glob (``"logs/*.gz"``), ``"-"`` for standard input, or a list of them. gzip and
            zstd files are recognised by their first bytes, whatever their names. URLs (``s3://bucket/key``,
            ``https://...``, ``gs://``, ``az://``, any fsspec protocol) are read in ranged requests: a glob or
            a prefix ending in ``/`` lists objects, and ``since``/``until`` skip date-partitioned prefixes
            outside them (docs/remote.md).
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
        storage_options: fsspec's options for URL inputs (``{"endpoint_url": ..., "anon": True}``);
            credentials are otherwise found where fsspec and the cloud SDKs look for them.
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
    prepared = _options.prepare("scan", **_given(locals()))
    job = _core.ScanJob(prepared.core)
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
    return _finish(job.result(_columns.DICT_GROUPS), prepared)


def _given(arguments: Dict[str, Any]) -> Dict[str, Any]:
    """scan()'s own arguments, as _options.prepare takes them (``paths`` first)."""
    return {"paths": arguments.pop("paths"), **arguments}


def _finish(result: Dict[str, Any], prepared: "_options.Prepared") -> Summary:
    """The Summary of a finished scan; input problems raised, warned about or kept as ``on_error`` says."""
    stats = result["stats"]
    if stats.events_dropped:
        warnings.warn(f"{stats.events_dropped:,} error-log events were not kept for the join: more than "
                      "max_events (scan(max_events=...)); the errors they would explain stay unexplained",
                      RuntimeWarning, stacklevel=3)
    files = result["files"]
    for f in files:
        if f.evictions:
            warnings.warn(f"{f.path}: {f.evictions:,} IP fragment sets or TCP flows were dropped to keep the "
                          "capture's reassembly tables bounded (fragments older than 30 s of capture time, more "
                          "than 4096 sets or 32 MiB, more than 65,536 flows); SIP in them may be counted as "
                          "unparsed", RuntimeWarning, stacklevel=3)
    problems = InputProblem.of_files(files)
    dims, count = prepared.dims, prepared.count
    try:
        as_events = _events.check_inputs([(f.path, f.format) for f in files], explicit_events=count == "events",
                                         explicit_dims=dims if prepared.explicit_by else None)
    except MixedInputError as e:
        # What was read is kept: the responses, as a scan without the error logs would count them.
        e.summary = Summary._from_core(result, dims, file_names=prepared.files, problems=problems,
                                       time_bucket=prepared.time_bucket, count=count, quantiles=prepared.quantiles)
        raise
    if as_events:
        dims, count = prepared.event_dims, "events"
    summary = Summary._from_core(result, dims, file_names=prepared.files, problems=problems,
                                 time_bucket=prepared.bucket if "time" in dims else None, count=count,
                                 quantiles=prepared.quantiles, events=as_events)
    if problems and prepared.on_error != "ignore":
        err = problems[0].error()
        err.summary = summary  # type: ignore[attr-defined]
        if prepared.on_error == "raise":
            raise err
        for p in problems:
            warnings.warn(terminal(str(p)), RuntimeWarning, stacklevel=3)
    return summary
