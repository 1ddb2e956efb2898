"""``logcodes watch``: a monitoring pipeline stage — follows live logs (or receives HEP, or captures on an
interface) and reports every window as a JSON line, as Prometheus metrics, or as a short text line."""

from __future__ import annotations

import datetime as _dt
import signal
import sys
from typing import Any, Dict, List, Optional, Sequence, TextIO, Union

from . import _kpis, _languages, codes
from .follow import Follower
from .live import CaptureSource, HepSource, LiveFollower, LiveSource
from .formats import FormatArg
from .summary import Summary
from ._safe_text import json_dumps, terminal

__all__ = ["watch", "window_record", "WATCH_DIMS", "CALL_DIMS"]

# What every window is counted by; the source is the followed path.
WATCH_DIMS = ("protocol", "class", "code", "cause")
# ... and when counting calls (count="calls"): their outcome as well.
CALL_DIMS = (*WATCH_DIMS, "outcome")


AnyFollower = Union[Follower, LiveFollower]


def window_record(window: int, summary: Summary, follower: AnyFollower, *, lang: str = "en") -> Dict[str, Any]:
    """One window as a JSON-ready dict: counts by protocol/class/code/cause (each code with its ``reason``
    phrase from its own protocol's registry, in ``lang``) and by source, where the other records went (the
    figures add up as a summary's headline does), what was read and the lag. A window of calls (``count="calls"``) also groups by ``outcome`` and adds ``calls``:
    the KPIs of ``Summary.kpis()`` over the calls that ended in the window (ratios as fractions, delays in
    seconds, null when undefined), for the window and for each source.

    Live sources (HEP, capture) add ``live``: each source's counters since the start (packets, messages,
    malformed, drops ...; :meth:`HepSource.stats`, :meth:`CaptureSource.stats`) and the malformed packets
    sampled in this window; at ``count="calls"`` also ``calls_open`` (Call-IDs read and not counted yet) and,
    in the last window of a stage that stopped, ``calls_counted_at_stop`` (docs/pipelines.md)."""
    lang = _languages.check(lang)
    dims = CALL_DIMS if summary.count == "calls" else WATCH_DIMS

    def counts(s: Summary) -> List[Dict[str, Any]]:
        out = []
        for key, n in s.counts(*dims).items():
            group = dict(zip(dims, key))
            group["reason"] = codes.phrase(group["protocol"], group["code"], lang=lang)
            out.append(dict(group, count=n))
        return out

    sources: Dict[str, Dict[str, Any]] = {
        path: dict(_figures(s), counts=counts(s)) for path, s in follower.sources.items()}
    record: Dict[str, Any] = {
        "window": window,
        "end": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="milliseconds"),
        **_figures(summary),
        "lag_bytes": sum(follower.lag_bytes.values()),
        "counts": counts(summary),
        "sources": sources,
        "problems": [str(p) for p in summary.problems],
    }
    if summary.count == "calls":
        record["calls"] = _kpis.kpi_row(summary)
        for path, s in follower.sources.items():
            sources[path]["calls"] = _kpis.kpi_row(s)
    if isinstance(follower, LiveFollower):
        record["live"] = {label: dict(stats, samples=follower.samples.get(label, []))
                          for label, stats in follower.source_stats.items()}
        if summary.count == "calls":
            record["calls_open"] = sum(follower.open_calls.values())
            if follower.calls_at_stop is not None:
                record["calls_counted_at_stop"] = sum(follower.calls_at_stop.values())
    return record


def _figures(s: Summary) -> Dict[str, Any]:
    """Where a window's records went, adding up as the headline does (docs/pipelines.md): ``records ==
    counted + retransmissions + invalid + unparsed`` (at ``count="calls"``, ``call_responses`` are the SIP
    responses read into calls, counted once their call ends); then the SIP requests and what was read."""
    return {"records": s.total, "counted": s.counted, "retransmissions": s.retransmissions,
            "call_responses": s.call_responses, "unparsed": s.unparsed, "invalid": s.invalid,
            "requests": s.requests, "lines": s.lines, "bytes": s.bytes}


def _text_line(window: int, summary: Summary, follower: AnyFollower) -> str:
    if len(summary.protocols) > 1:   # HTTP and SIP are never added up: "http 2xx=6 sip 2xx=12"
        classes = " ".join(f"{p} {c}={n}" for (p, c), n in summary.counts("protocol", "class").items())
    else:
        classes = " ".join(f"{c}={n}" for c, n in summary.counts("class").items())
    calls = ""
    k = _kpis.kpi_row(summary)
    if k is not None:
        asr = "-" if k["ASR"] is None else f"{100 * k['ASR']:.1f}%"
        ner = "-" if k["NER"] is None else f"{100 * k['NER']:.1f}%"
        calls = f", {k['calls']} calls ended (ASR {asr}, NER {ner})"
    # The figures add up as the headline's do: records = the classes' counts + retransmissions + invalid + unparsed.
    resent = f", {summary.retransmissions} retransmissions" if summary.retransmissions else ""
    return (f"window {window}: {summary.total} records ({classes or 'none counted'}){calls}{resent}, "
            f"{summary.invalid} invalid, {summary.unparsed} unparsed, lag {sum(follower.lag_bytes.values())} bytes")


def watch(paths: Sequence[str] = (), *, interval: str = "10s", jsonl: bool = False, prometheus: Optional[str] = None,
          checkpoint: Optional[str] = None, format: FormatArg = "auto", max_series: int = 2000,
          from_start: bool = True, once: bool = False, out: Optional[TextIO] = None, lang: str = "en",
          count: str = "transactions", hep: Union[str, Sequence[str], None] = None,
          interface: Optional[str] = None, filter: str = "") -> int:
    """Runs the stage until SIGTERM/SIGINT (or the end of standard input): the current window is finished,
    its checkpoint saved and then it is reported, and 0 returned. ``once=True`` reports one window of what
    is there now and returns (a stage run from a timer).

    Each window's checkpoint is written before the window is reported: a checkpoint that cannot be written
    ends the stage with :class:`~logcodes.CheckpointError` (naming the path and the reason) and that window
    is not reported, so a restart never reports records twice.

    ``count="calls"`` counts SIP calls: each in the window in which it ended (see ``docs/pipelines.md``),
    with the call KPIs in the JSON lines and the ``logcodes_sip_*`` metrics.

    ``hep="udp://127.0.0.1:9060"`` (or ``tcp://``, or a list of them) receives SIP mirrored over HEP, and
    ``interface="lo"`` with ``filter="port 5060"`` captures it (needs CAP_NET_RAW), instead of following
    files (:mod:`logcodes.live`). A socket keeps no offsets: no checkpoint; what a restart loses is said in
    each window (``calls_open``) and in the last (``calls_counted_at_stop``)."""
    if max_series < 1:
        raise ValueError(f"max_series must be at least 1, got {max_series}")
    # Read at call time, not import time: a redirected sys.stdout (contextlib, a notebook, a test) is used.
    out = sys.stdout if out is None else out
    by = CALL_DIMS if count == "calls" else WATCH_DIMS
    follower: AnyFollower
    if hep is not None or interface is not None:
        if list(paths):
            raise ValueError("watch reads files, or HEP and live capture: not both at once")
        if checkpoint is not None:
            raise ValueError("a live source (HEP, capture) has no offsets to keep: a checkpoint cannot be used")
        if format not in ("auto", "sip_trace"):
            raise ValueError(f"HEP and live capture carry SIP (format sip_trace), not {format!r}")
        sources: List[LiveSource] = [HepSource(u) for u in ([hep] if isinstance(hep, str) else list(hep or []))]
        if interface is not None:
            sources.append(CaptureSource(interface, filter))
        follower = LiveFollower(sources, interval=interval, by=by, count=count, once=once)
        for src in sources:
            print(terminal(f"logcodes: reading {src.label}"), file=sys.stderr, flush=True)
    else:
        if not list(paths):
            raise ValueError("watch needs files to follow, HEP to receive (--hep, hep=) or an interface to capture "
                             "on (--interface, interface=)")
        follower = Follower(list(paths), interval=interval, checkpoint=checkpoint, format=format, by=by,
                            from_start=from_start, commit="before", count=count)
    if once and isinstance(follower, Follower):
        follower.stop()     # the first window ends at once and is the last
    exporter = None
    if prometheus is not None:
        from .prometheus import PrometheusExporter, parse_listen_address

        host, port = parse_listen_address(prometheus)
        exporter = PrometheusExporter(max_series=max_series, lang=lang)
        try:
            bound = exporter.serve(host, port)
        except OSError as e:
            raise OSError(f"cannot serve metrics on {prometheus}: {e.strerror or e}") from e
        print(terminal(f"logcodes: serving metrics on http://{bound[0]}:{bound[1]}/metrics"), file=sys.stderr,
              flush=True)

    def on_signal(signum: int, frame: object) -> None:
        follower.stop()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        with follower:
            for summary in follower:
                n = follower.windows
                if exporter is not None:
                    exporter.observe(follower.sources, lag_bytes=follower.lag_bytes)
                    if isinstance(follower, LiveFollower):
                        exporter.observe_live(follower.source_stats, open_calls=follower.open_calls)
                if jsonl:
                    out.write(json_dumps(window_record(n, summary, follower, lang=lang)) + "\n")
                    out.flush()
                elif exporter is None:
                    print(terminal(_text_line(n, summary, follower)), file=out, flush=True)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if exporter is not None:
            exporter.shutdown()
    return 0
