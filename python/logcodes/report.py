"""A single self-contained HTML report of a summary: inline CSS and SVG, no scripts, no network.

>>> import logcodes, logcodes.report
>>> s = logcodes.report.scan_for_report(logcodes.samples.path("shop_nginx"))
>>> page = logcodes.report.render(s, title="shop")
>>> page.startswith("<!DOCTYPE html>") and page.count("<svg") >= 4 and "http://" not in page.replace(
...     'xmlns="http://www.w3.org/2000/svg"', "")
True
"""

from __future__ import annotations

import datetime as _dt
import html
import os
from typing import Any, List, Optional, Tuple, Union

from . import _kpis, _svg
from .summary import Summary

__all__ = ["render", "write", "scan_for_report", "REPORT_DIMS"]

REPORT_DIMS = ("time:1min", "protocol", "class", "code", "cause")
_TIMELINE_STEPS = (60, 300, 900, 3600, 6 * 3600, 86400, 7 * 86400)
_MAX_POINTS = 240

_CSS = """
body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}
h1{font-size:22px;margin:0 0 4px} h2{font-size:16px;margin:0 0 8px} h3{font-size:14px;margin:8px 0 0}
.meta{color:#666;font-size:13px;margin-bottom:16px}
.kpis{display:flex;gap:12px;flex-wrap:wrap;margin-bottom:16px}
.kpi{border:1px solid #ddd;border-radius:6px;padding:8px 14px;min-width:110px}
.kpi b{display:block;font-size:20px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(380px,1fr));gap:16px}
.panel{border:1px solid #ddd;border-radius:6px;padding:12px;overflow:auto}
.panel.wide{grid-column:1/-1}
table{border-collapse:collapse;font-size:12px;margin-top:8px}
td,th{border-bottom:1px solid #eee;padding:2px 8px;text-align:left}
td:last-child{text-align:right}
.none{color:#888;font-style:italic}
pre{font-size:11px;white-space:pre-wrap;background:#f7f7f7;padding:6px}
"""


def scan_for_report(paths: Any, **scan_args: Any) -> Summary:
    """Scans ``paths`` with what a report shows: by minute, protocol, class, code and cause, with the 1000 heaviest
    paths kept in a bounded-memory sketch (``top=("path", 1000)``)."""
    from .api import scan

    scan_args.setdefault("by", REPORT_DIMS)
    scan_args.setdefault("top", ("path", 1000))
    return scan(paths, **scan_args)


def _step(summary: Summary) -> Optional[int]:
    """A timeline step (a multiple of the scan's bucket) that gives at most ``_MAX_POINTS`` points."""
    bucket = summary.time_bucket
    times = [k for k in summary.counts("time") if k is not None]
    if bucket is None or not times:
        return None
    span = (max(times) - min(times)).total_seconds()
    for step in _TIMELINE_STEPS:
        if step >= bucket and step % bucket == 0 and span / step <= _MAX_POINTS:
            return step
    return _TIMELINE_STEPS[-1] if _TIMELINE_STEPS[-1] % bucket == 0 else bucket


def _none(text: str) -> str:
    return f'<p class="none">{html.escape(text)}</p>'


def _panel(title: str, body: str, wide: bool = False) -> str:
    return f'<section class="panel{" wide" if wide else ""}"><h2>{html.escape(title)}</h2>{body}</section>'


def _timeline_panel(summary: Summary) -> str:
    if "time" not in summary.dims:
        return _none("not grouped by time: scan with by=('time:1min', 'class', ...)")
    step = _step(summary)
    if step is None:
        return _none("no record has a time")
    split = "class" if "class" in summary.dims else ("code" if "code" in summary.dims else None)
    table = summary.timeline(f"{step}s", by=split)
    times = [t.strftime("%Y-%m-%d %H:%M") for t in table.index]
    series = {str(c): [int(v) for v in table[c].to_numpy()] for c in table.columns}
    return (_svg.stacked_area(times, series, width=1100, height=240)
            + f'<p class="meta">records per {step // 60 if step >= 60 else step}'
              f'{" min" if step >= 60 else " s"} (UTC)</p>')


def _counts_panel(summary: Summary, dim: str, n: int = 15) -> str:
    if dim not in summary.dims:
        return _none(f"not grouped by {dim}")
    if dim == "class" and len(summary.protocols) > 1:   # HTTP and SIP classes are not added up
        counts = {f"{p} {v}": c for (p, v), c in summary.counts("protocol", dim).items()}
    else:
        counts = summary.counts(dim)
    items = sorted(((("(none)" if k is None else k), v) for k, v in counts.items()), key=lambda kv: (-kv[1], str(kv[0])))
    shown = items[:n]
    rows = [[k, f"{v:,}", f"{100.0 * v / summary.counted:.1f}%" if summary.counted else "-"] for k, v in shown]
    more = f'<p class="meta">… {len(items) - n} more</p>' if len(items) > n else ""
    return _svg.bar_chart(shown, width=460) + _svg.table([dim, "count", "share"], rows) + more


def _code_panel(summary: Summary, lang: Optional[str] = None) -> str:
    if "code" not in summary.dims:
        return _none("not grouped by code")
    dims = ("protocol", "code") if "protocol" in summary.dims else ("code",)
    only = summary.protocols[0] if len(summary.protocols) == 1 else None
    ranked = sorted(summary.rows(*dims, lang=lang), key=lambda r: (-r[-1], r[-3], str(r[0])))[:20]
    items, rows = [], []
    for row in ranked:
        protocol = row[0] if len(dims) == 2 else only
        code, reason, v = row[-3:]
        label = code if protocol in ("http", None) else f"{protocol} {code}"
        items.append((label, v))
        rows.append([label, reason, f"{v:,}"])
    return _svg.bar_chart(items, width=460) + _svg.table(["code", "reason", "count"], rows)


def _paths_panel(summary: Summary, n: int = 15) -> str:
    dim = next((d for d in ("path", "path_raw") if d in summary.dims), "path")
    try:
        top = summary.top(dim, n)
    except ValueError:
        return _none("no paths: scan with by=(..., 'path') or top=('path', 1000)")
    items = [("-" if v is None else v, c) for v, c in top]
    note = "exact counts" if top.exact else f"approximate: each count at most {top.error:,} below the true one"
    return (_svg.bar_chart(items, width=1100, label_width=420)
            + f'<p class="meta">{html.escape(note)}; ids, UUIDs, hashes, dates and emails shown as placeholders</p>')


def _samples_panel(summary: Summary) -> str:
    lines = [f"{s.file}:{s.line}: {s.text[:200]} ({s.why})" for s in summary.unparsed_samples[:5]]
    lines += [f"{s.file}:{s.line}: {s.text[:200]} ({s.why})" for s in summary.invalid_samples[:5]]
    if not lines:
        return '<p class="meta">every line was read</p>'
    return "<pre>" + html.escape("\n".join(lines)) + "</pre>"


def _percent(value: Optional[float]) -> str:
    return "-" if value is None else f"{100.0 * value:.1f} %"


def _seconds(value: Optional[float]) -> str:
    return "-" if value is None else f"{value:.3f} s"


def _calls_panel(summary: Summary) -> Optional[str]:
    """SIP calls and registrations (count="calls"): calls by outcome, the ratios and mean delays of
    docs/sip.md, each with its name and unit; None when the summary has neither calls nor registrations."""
    k = _kpis.kpi_row(summary)
    if k is None or not (k["calls"] or k["registrations"]):
        return None
    calls = k["calls"]
    outcomes = [(o, k[o]) for o in _kpis.OUTCOMES]
    rows = [[o, f"{n:,}", f"{100.0 * n / calls:.1f} %" if calls else "-"] for o, n in outcomes]
    left = (f"<h3>Calls by outcome</h3>"
            + (_svg.bar_chart([item for item in outcomes if item[1]], width=460) if calls else "")
            + _svg.table(["outcome", "calls", "share"], rows)
            + f'<p class="meta">{calls:,} calls (attempts with a final response) from {k["invites"]:,} INVITEs, '
              f'{k["auth_rounds"]:,} of them answered 401/407; not in any figure: {k["incomplete_calls"]:,} without a final '
              f'response, {k["calls_without_invite"]:,} Call-IDs without their INVITE</p>')
    ratios = _svg.table(["ratio", "name", "value", "definition"],
                        [[r.column, r.name, _percent(k[r.column]), r.definition] for r in _kpis.RATIOS])
    delays = _svg.table(["delay", "name", "mean", "definition"],
                        [[d.column, d.name, _seconds(k[d.column]), d.definition] for d in _kpis.DELAYS])
    reg, rrd = _kpis.REGISTRATION_RATIO, _kpis.RRD
    registrations = _svg.table(["registrations", "value", "definition"], [
        ["registrations", f"{k['registrations']:,}", "REGISTERs to the first final answer that is no challenge"],
        ["registered", f"{k['registered']:,}", "registrations answered 2xx"],
        [f"{reg.column} ({reg.name})", _percent(k[reg.column]), reg.definition],
        [f"{rrd.column} ({rrd.name})", _seconds(k[rrd.column]), rrd.definition]])
    right = f"<h3>Ratios</h3>{ratios}<h3>Delays (means)</h3>{delays}<h3>Registrations</h3>{registrations}"
    return f'<div class="grid"><div>{left}</div><div>{right}</div></div>'


def render(summary: Summary, *, title: str = "logcodes report", lang: Optional[str] = None) -> str:
    """The report as one HTML string: headline figures, panels by class, code and cause, the timeline,
    top paths, inputs and samples of what could not be counted. Panels the summary cannot fill say why.
    A summary of calls (``count="calls"``) adds a panel of calls by outcome, the call ratios and delays and
    the registrations of ``Summary.kpis()``, when it has any.
    Codes are named by their own protocol's registry in ``lang`` (``"en"``, ``"zh"``; default
    ``logcodes.codes.get_lang()``)."""
    from . import _languages

    lang = _languages.check(lang)
    e = html.escape
    from . import _show

    kpis = [("records", summary.total), *_show.accounting(summary)]
    if "class" in summary.dims:
        by_class = summary.counts("class")
        kpis += [(c, by_class.get(c, 0)) for c in ("4xx", "5xx")]
    kpi_html = "".join(f'<div class="kpi"><b>{v:,}</b>{e(k)}</div>' for k, v in kpis)
    files = _svg.table(["input", "format", "records"],
                       [[f.path, f.format or "-", f"{f.records:,}"] for f in summary.files[:50]])
    problems = "".join(f"<p><b>problem:</b> {e(str(p))}</p>" for p in summary.problems)
    generated = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    calls = _calls_panel(summary)
    panels = [
        *([_panel("SIP calls", calls, wide=True)] if calls is not None else []),
        _panel("Over time", _timeline_panel(summary), wide=True),
        _panel("By class", _counts_panel(summary, "class")),
        _panel("By code", _code_panel(summary, lang)),
        _panel("By cause", _counts_panel(summary, "cause")),
        _panel("Inputs", files + problems),
        _panel("Top paths", _paths_panel(summary), wide=True),
        _panel("Not counted (samples)", _samples_panel(summary), wide=True),
    ]
    return (f"<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">"
            f"<title>{e(title)}</title><style>{_CSS}</style></head><body>"
            f"<h1>{e(title)}</h1><div class=\"meta\">{e(summary.headline())} · generated {generated}</div>"
            f"<div class=\"kpis\">{kpi_html}</div><div class=\"grid\">{''.join(panels)}</div></body></html>\n")


def write(summary: Summary, path: Union[str, "os.PathLike[str]"], *, title: str = "logcodes report",
          lang: Optional[str] = None) -> str:
    """Writes :func:`render` to ``path`` (UTF-8) and returns the path."""
    out = os.fspath(path)
    with open(out, "w", encoding="utf-8") as f:
        f.write(render(summary, title=title, lang=lang))
    return out
