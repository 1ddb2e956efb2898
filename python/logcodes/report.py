"""A single self-contained HTML report that answers "what went wrong": inline CSS and SVG, no scripts, no
network. Error-first: the error rate and how it moved, failing paths, hosts and upstreams with their causes,
latency per code, SIP calls and their ratios; panels appear only when the scan has something for them.

>>> import logcodes, logcodes.report
>>> s = logcodes.report.scan_for_report(logcodes.samples.path("shop_nginx"))
>>> page = logcodes.report.render(s, title="shop")
>>> page.startswith("<!DOCTYPE html>") and page.count("<svg") >= 2 and "http://" not in page.replace(
...     'xmlns="http://www.w3.org/2000/svg"', "")
True
"""

from __future__ import annotations

import datetime as _dt
import html
import os
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Union

from . import _report_errors as _err, _report_sip as _sip, _svg
from .summary import Summary


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]], *, pre: Sequence[int] = ()) -> str:
    return _svg.table(header, rows, pre=pre, labelled=True)

__all__ = ["render", "write", "scan_for_report", "collect", "Scans", "REPORT_DIMS", "EVENT_DIMS", "FAILURE_DIMS"]

REPORT_DIMS = ("time:1min", "protocol", "class", "code", "cause")
EVENT_DIMS = ("time:1min", "level", "cause")   # error logs read as inputs (count="events")
# The failures' scan (4xx-6xx only, so its groups stay few): where they happen, what caused them, how it was found.
# SIP failures also by who they were for and from (null in HTTP records: no more groups there).
FAILURE_DIMS = ("protocol", "class", "code", "method", "path", "host", "cause", "cause_detail", "cause_source",
                *_err.UPSTREAM_FIELDS[:1], *_sip.PARTY_DIMS)
_TIMELINE_STEPS = (1, 5, 15, 60, 300, 900, 3600, 6 * 3600, 86400, 7 * 86400, 30 * 86400, 91 * 86400, 365 * 86400)
_MAX_POINTS = 240

_CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,sans-serif;margin:16px;color:#222;max-width:1600px}
h1{font-size:22px;margin:0 0 4px;overflow-wrap:anywhere} h2{font-size:16px;margin:0 0 8px} h3{font-size:14px;margin:10px 0 4px}
.meta{color:#555;font-size:12px;margin:4px 0 12px;overflow-wrap:anywhere}
.kpis{display:flex;gap:10px;flex-wrap:wrap;margin-bottom:16px}
.kpi{border:1px solid #ddd;border-radius:6px;padding:6px 12px;min-width:100px;font-size:12px;max-width:100%}
.kpi b{display:block;font-size:19px;overflow-wrap:anywhere} .kpi.bad b{color:#b0171f}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(440px,100%),1fr));gap:14px}
.panel{border:1px solid #ddd;border-radius:6px;padding:12px;min-width:0;overflow:hidden;break-inside:avoid}
.panel.wide{grid-column:1/-1}
.split{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(380px,100%),1fr));gap:14px}
.split>div{min-width:0}
svg.logcodes-chart{display:block;width:100%;max-width:1100px;height:auto}
.bars{display:grid;grid-template-columns:fit-content(45%) minmax(0,1fr);gap:3px 8px;font-size:12px;align-items:center;margin:4px 0}
.bars .lbl{overflow-wrap:anywhere;text-align:right;min-width:0}
.bars .lbl small{display:block;color:#666;font-size:10.5px}
.bars .track{display:flex;align-items:center;min-width:0}
.bars .fill{display:inline-block;height:13px;min-width:1px;flex:none;border-radius:2px}
.bars .num{padding-left:4px;white-space:nowrap;font-variant-numeric:tabular-nums}
table{border-collapse:collapse;font-size:12px;margin-top:8px;width:100%}
td,th{border-bottom:1px solid #eee;padding:2px 6px;text-align:left;vertical-align:top;overflow-wrap:break-word}
td.long{overflow-wrap:anywhere} td.short{white-space:nowrap}
td.pre{white-space:pre-wrap;font-family:ui-monospace,monospace;font-size:11px}
.ladder{margin:0 0 8px}.ladder ol{margin:2px 0 0;padding-left:22px;font-family:ui-monospace,monospace;font-size:11px}
.ladder li{overflow-wrap:anywhere}.arrow{color:#1f77b4;font-weight:bold}
pre{font-size:11px;white-space:pre-wrap;overflow-wrap:anywhere;background:#f7f7f7;padding:6px}
@media (max-width:640px){table.rows,table.rows tbody,table.rows tr,table.rows td{display:block;width:100%}
table.rows thead{display:none} table.rows tr{border-bottom:1px solid #ddd;padding:3px 0}
table.rows td{border:0;padding:1px 4px} table.rows td[data-h]::before{content:attr(data-h) ": ";color:#666}}
@media print{body{margin:0;max-width:none}.panel{break-inside:avoid}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""


class Scans(NamedTuple):
    """What :func:`collect` scanned: the ``summary`` every panel starts from, the ``failures`` (4xx-6xx by
    path, host, upstream, method and cause) and, for SIP inputs, the ``calls`` (``count="calls"``)."""

    summary: Summary
    failures: Optional[Summary] = None
    calls: Optional[Summary] = None


def scan_for_report(paths: Any, **scan_args: Any) -> Summary:
    """Scans ``paths`` with what a report shows: by minute, protocol, class, code and cause (error logs read as
    inputs, ``count="events"``: by minute, level and cause), with the 1000 heaviest
    paths kept in a bounded-memory sketch (``top=("path", 1000)``) and duration quantiles (when the format logs
    durations). Other keywords go to :func:`logcodes.scan`; ``by=`` replaces the dimensions."""
    from .api import scan

    scan_args.setdefault("by", EVENT_DIMS if _events_in(paths, scan_args) else REPORT_DIMS)
    by = scan_args["by"]
    names = [d.strip().split(":")[0] for d in (by.split(",") if isinstance(by, str) else by)]
    if "path" not in names:
        scan_args.setdefault("top", ("path", 1000))
    if scan_args.get("count") not in ("calls", "events"):
        scan_args.setdefault("quantiles", "duration")
    return scan(paths, **scan_args)


def _events_in(paths: Any, scan_args: Dict[str, Any]) -> bool:
    """Whether the inputs are error logs read as events: asked for (``count="events"``), or the first input
    that is a file is detected as one (the scan reads such inputs as events by itself)."""
    from . import _events
    from .api import detect

    if scan_args.get("count") is not None or scan_args.get("format", "auto") != "auto":
        return scan_args.get("count") == "events"
    inputs = paths if isinstance(paths, (list, tuple)) else [paths]
    first = next((os.fspath(p) for p in inputs if isinstance(p, (str, os.PathLike)) and os.path.isfile(p)), None)
    return first is not None and _events.is_event_format(detect(first).format)


def collect(paths: Any, **scan_args: Any) -> Scans:
    """The scans a full report draws from: :func:`scan_for_report`, then the failures alone (codes 4xx-6xx,
    or the ``codes=`` filter given) by :data:`FAILURE_DIMS`, and the calls of SIP inputs. Each further scan
    reads the inputs again, so standard input (``"-"``) gets the first one only."""
    from .api import scan

    summary = scan_for_report(paths, **scan_args)
    inputs = paths if isinstance(paths, (list, tuple)) else [paths]
    if any(os.fspath(p) == "-" for p in inputs) or summary.count == "events":
        return Scans(summary)
    bucket = "time:1min"
    span = _span(summary)
    if "by" not in scan_args and span is not None and span < _SHORT_SPAN:
        # A few minutes of log in 1-minute buckets draws no line: read it again by the second.
        bucket = "time:1s"
        summary = scan_for_report(paths, by=(bucket, *REPORT_DIMS[1:]), **scan_args)
    rest = {k: v for k, v in scan_args.items() if k not in ("by", "top", "quantiles", "progress")}
    failures = None
    codes = _failure_codes(rest.pop("codes", None))
    if summary.count != "calls" and codes:
        failures = scan(paths, by=FAILURE_DIMS, codes=codes, **rest)
    calls = None
    if "sip" in summary.protocols and summary.count != "calls":
        plain = {k: v for k, v in rest.items() if k in ("format", "threads", "rules", "path_rules")}
        calls = scan(paths, by=(bucket, "outcome", "code", "cause"), count="calls", **plain)
    return Scans(summary, failures, calls)


_SHORT_SPAN = 10 * 60   # seconds: a scan whose records span less is drawn by the second


def _span(summary: Summary) -> Optional[float]:
    """Seconds from the first to the last time bucket of a summary grouped by time (None: no times)."""
    times = [k for k in summary.counts("time") if k is not None] if "time" in summary.dims else []
    return (max(times) - min(times)).total_seconds() if times else None


def _failure_codes(codes: Any) -> str:
    """The failure codes (4xx-6xx) among a ``codes=`` filter (all of them when None): "" when none is."""
    from .filters import parse_codes

    ranges = [(400, 699)] if codes is None else [(max(a, 400), min(b, 699)) for a, b in parse_codes(codes)]
    return ",".join(f"{a}-{b}" for a, b in ranges if a <= b)


def _step(summary: Summary) -> Optional[int]:
    """A timeline step (a multiple of the scan's bucket) that gives at most ``_MAX_POINTS`` points."""
    bucket, span = summary.time_bucket, _span(summary)
    if bucket is None or not span:
        return None   # one bucket: nothing to draw over time
    for step in _TIMELINE_STEPS:
        if step >= bucket and step % bucket == 0 and span / step <= _MAX_POINTS:
            return step
    return max(bucket, bucket * int(span // (bucket * _MAX_POINTS) + 1))


def _panel(title: str, body: Optional[str], wide: bool = False) -> List[str]:
    """A panel, or nothing when there is nothing to show."""
    if not body:
        return []
    return [f'<section class="panel{" wide" if wide else ""}"><h2>{html.escape(title)}</h2>{body}</section>']


def _volume(summary: Summary, step: Optional[int]) -> Optional[str]:
    if step is None:
        return None
    split = "class" if "class" in summary.dims else ("code" if "code" in summary.dims else None)
    table = summary.timeline(f"{step}s", by=split)
    if table.empty:
        return None
    times = _svg.time_labels(table.index, step)
    series = {str(c): [int(v) for v in table[c].to_numpy()] for c in table.columns}
    return (_svg.stacked_area(times, series, width=1100, height=240)
            + f'<p class="meta">records {_err._step_text(step)} (UTC), stacked by {split or "count"}</p>')


def _counts(summary: Summary, dim: str, n: int = 15) -> Optional[str]:
    """Records per value of ``dim`` (per protocol and value when the summary spans both)."""
    if dim not in summary.dims:
        return None
    of: Dict[Any, int] = {}   # a value's share is of its own protocol's records (HTTP and SIP are never added up)
    if len(summary.protocols) > 1 and dim != "protocol":
        both = summary.counts("protocol", dim)
        counts = {f"{p} {'(none)' if v is None else v}": c for (p, v), c in both.items()}
        by_protocol = summary.counts("protocol")
        of = {f"{p} {'(none)' if v is None else v}": by_protocol[p] for p, v in both}
    else:
        counts = summary.counts(dim)
    if not counts or (set(counts) == {None} and dim != "class"):
        return None
    items = _err._ranked(counts, n)
    total = sum(counts.values())
    notes = [f"{100.0 * v / of.get(k, total):.1f} %" for k, v in items] if total else None
    more = f'<p class="meta">… {len(counts) - n:,} more</p>' if len(counts) > n else ""
    colors = [_svg.color_for(str(k).split(" ")[-1], i) for i, (k, _) in enumerate(items)]
    return _svg.bars(items, notes=notes, colors=colors) + more


def _codes(summary: Summary, lang: Optional[str]) -> Optional[str]:
    """Records per code, each named by its own protocol's registry (SIP 100 Trying, HTTP 100 Continue)."""
    if "code" not in summary.dims or not summary.counted:
        return None
    dims = ("protocol", "code") if "protocol" in summary.dims else ("code",)
    only = summary.protocols[0] if len(summary.protocols) == 1 else None
    ranked = sorted(summary.rows(*dims, lang=lang), key=lambda r: (-r[-1], r[-3] is None, str(r[-3])))[:20]
    items, colors, rows = [], [], []
    for i, row in enumerate(ranked):
        protocol = row[0] if len(dims) == 2 else only
        code, reason, v = row[-3:]
        name = "-" if code is None else str(code)
        name = name if protocol in ("http", None) else f"{protocol} {name}"
        items.append((f"{name} {reason or ''}".strip(), v))
        colors.append(_svg.color_for(str(code), i))
        rows.append([name, reason or "", f"{v:,}"])
    return _svg.bars(items, colors=colors) + _table(["code", "reason", "count"], rows)


def _paths(summary: Summary, n: int = 15) -> Optional[str]:
    dim = next((d for d in ("path", "path_raw") if d in summary.dims), "path")
    try:
        top = summary.top(dim, n)
    except ValueError:
        return None
    items = [(v, c) for v, c in top if v is not None]
    if not items:
        return None
    note = "exact counts" if top.exact else f"approximate: each count at most {top.error:,} below the true one"
    return (_svg.bars(items, colors=["#4e79a7"] * len(items))
            + f'<p class="meta">all records, failing or not; {html.escape(note)}; ids, UUIDs, hashes, dates and '
              "emails shown as placeholders</p>")


def _inputs(summary: Summary) -> str:
    files = _table(["input", "format", "records"],
                       [[f.path, (f.format or "-") + (f" in {f.wrapper}" if getattr(f, "wrapper", None) else ""),
                         f"{f.records:,}"] for f in summary.files[:50]])
    more = f'<p class="meta">… {len(summary.files) - 50:,} more inputs</p>' if len(summary.files) > 50 else ""
    problems = "".join(f"<p><b>problem:</b> {html.escape(str(p))}</p>" for p in summary.problems)
    return files + more + problems


_SHOWN = {"time", "protocol", "class", "code", "reason", "cause", "cause_detail", "cause_source", "path",
          "path_raw", "outcome"}


def _failures_of(summary: Summary) -> Optional[Summary]:
    """The 4xx-6xx groups of a summary grouped by class or code (HTTP has no 6xx); None when it has neither."""
    failing = ["4xx", "5xx", "6xx"]
    if "class" in summary.dims:
        return summary.where(**{"class": failing})
    if "code" in summary.dims:
        return summary.where(code=failing)
    return None


def render(summary: Union[Summary, Scans], *, title: str = "logcodes report", lang: Optional[str] = None,
           failures: Optional[Summary] = None, calls: Optional[Summary] = None) -> str:
    """The report as one HTML string. ``summary`` is any :class:`Summary` (or the :class:`Scans` of
    :func:`collect`); ``failures`` (a scan of the 4xx-6xx records by path, host, cause ...) and ``calls`` (a
    ``count="calls"`` scan) add their panels. Without them, each panel uses what ``summary`` has: failing
    paths when it is grouped by path, causes when by cause, calls when it counts calls. A panel with
    nothing to show is left out. Codes are named by their own protocol's registry in ``lang`` (``"en"``,
    ``"zh"``; default ``logcodes.codes.get_lang()``)."""
    from . import _languages, _show

    if isinstance(summary, Scans):
        summary, failures, calls = summary.summary, failures or summary.failures, calls or summary.calls
    if not isinstance(summary, Summary):
        raise TypeError(f"render() takes a logcodes.Summary (or report.Scans), not {type(summary).__name__}")
    lang = _languages.check(lang)
    e = html.escape
    if calls is None and summary.count == "calls":
        calls = summary
    f = failures if failures is not None else (_failures_of(summary) if summary.count != "events" else None)
    step = _step(summary)
    tiles = [(f"{summary.total:,}", "records", "")] + [(f"{v:,}", k, "") for k, v in _show.accounting(summary)]
    tiles += _err.tiles(summary) + _sip.tiles(calls)
    tile_html = "".join(f'<div class="kpi {c}"><b>{e(v)}</b>{e(k)}</div>' for v, k, c in tiles)

    panels: List[str] = []
    panels += _panel("SIP calls", _sip.calls(calls), wide=True)
    panels += _panel("Failed calls, step by step", _sip.ladders(calls), wide=True)
    panels += _panel("Error rate over time", _err.rate_over_time(summary, step) if step else None, wide=True)
    panels += _panel("SIP call ratios over time", _sip.ratios_over_time(calls, step or 60), wide=True)
    panels += _panel("SIP ratios and delays over time (RFC 6076)", _sip.rfc6076_over_time(calls), wide=True)
    panels += _panel("Records over time", _volume(summary, step), wide=True)
    if f is not None:
        dim = _err._path_dim(f)
        for klass in ("5xx", "4xx"):
            if dim is not None and "http" in (f.protocols or ("http",)):
                http = f.where(protocol="http") if "protocol" in f.dims else f
                panels += _panel(f"Failing paths: {klass}", _err.failing_by(http, dim, klass))
        panels += _panel("SIP failures by code", _sip.failures(f, lang))
        panels += _panel("SIP failures by destination and source", _sip.parties(f), wide=True)
        panels += _panel("Causes of failures", _err.causes(f), wide=True)
        panels += _panel("Failing hosts", _err.failing_by(f, "host"))
        upstream = _err.upstream_field(f)
        if upstream is not None:
            panels += _panel(f"Failing upstreams ({upstream})", _err.failing_by(f, upstream))
    panels += _panel("Latency per code", _err.latency(summary, lang))
    panels += _panel("By class", _counts(summary, "class"))
    panels += _panel("By code", _codes(summary, lang))
    for dim in summary.dims:
        if dim not in _SHOWN or (dim == "cause" and summary.count == "events"):
            panels += _panel(f"By {dim}", _counts(summary, dim))
    panels += _panel("Top paths (all records)", _paths(summary), wide=True)
    panels += _panel("Not counted, and errors not explained", _err.not_counted(summary), wide=True)
    panels += _panel("Inputs", _inputs(summary), wide=True)
    generated = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (f"<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{e(title)}</title><style>{_CSS}</style></head><body>"
            f"<h1>{e(title)}</h1><div class=\"meta\">{e(summary.headline())} · generated {generated}</div>"
            f"<div class=\"kpis\">{tile_html}</div><div class=\"grid\">{''.join(panels)}</div></body></html>\n")


def write(summary: Union[Summary, Scans], path: Union[str, "os.PathLike[str]"], *, title: str = "logcodes report",
          lang: Optional[str] = None, failures: Optional[Summary] = None, calls: Optional[Summary] = None) -> str:
    """Writes :func:`render` of any :class:`Summary` (or :class:`Scans`) to ``path`` (UTF-8); returns the path."""
    page = render(summary, title=title, lang=lang, failures=failures, calls=calls)
    out = os.fspath(path)
    with open(out, "w", encoding="utf-8") as fh:
        fh.write(page)
    return out
