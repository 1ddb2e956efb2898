"""The HTML report: one self-contained file that headless Chromium renders with its charts."""

import pathlib
import re

import pytest

import logcodes
from logcodes import cli, report

LAB = logcodes.samples.path("nginx_lab")
LAB_ERRORS = logcodes.samples.path("nginx_lab_errors")


def _external_refs(page):
    """What would make the browser fetch or run something: sources, links, imports, scripts, frames, event
    handlers (a URL quoted from an error log is text, not a reference)."""
    return re.findall(r"""\b(?:src|href|srcset|action|on[a-z]+)\s*=|url\(|@import|<(?:script|link|iframe|object|embed|img)""",
                      page)


def test_cli_report_writes_a_self_contained_page(tmp_path, capsys):
    out = tmp_path / "report.html"
    assert cli.main(["report", LAB, "--errors", LAB_ERRORS, "-o", str(out), "--title", "lab <&>"]) == 0
    page = out.read_text(encoding="utf-8")
    assert _external_refs(page) == []
    assert "lab &lt;&amp;&gt;" in page
    for panel in ("Error rate over time", "Records over time", "Failing paths: 5xx", "Causes of failures",
                  "By class", "By code", "Top paths (all records)"):
        assert f"<h2>{panel}</h2>" in page
    assert "upstream_timeout" in page and "upstream_refused" in page   # causes from the error log
    assert page.count("<svg") >= 2
    assert "wrote" in capsys.readouterr().err


def test_report_of_a_summary_without_time_or_cause_leaves_those_panels_out():
    page = report.render(logcodes.scan(LAB, by="code"))
    assert "over time</h2>" not in page and "Causes of failures" not in page
    assert "<h2>By code</h2>" in page and "<h2>Inputs</h2>" in page


def test_write_accepts_any_summary(tmp_path):
    """Events, calls, merged protocols, one dimension or none: each report is written with only panels that
    have something in them."""
    summaries = {
        "events": logcodes.scan(LAB_ERRORS, count="events"),
        "calls": logcodes.scan(logcodes.samples.path("kamailio_lab"), count="calls", by="outcome,code"),
        "merged": logcodes.scan(LAB) + logcodes.scan(logcodes.samples.path("kamailio_lab")),
        "path": logcodes.scan(LAB, by="path"),
        "nothing": logcodes.scan(LAB, by=()),
    }
    for name, s in summaries.items():
        page = pathlib.Path(report.write(s, tmp_path / f"{name}.html")).read_text(encoding="utf-8")
        sections = re.findall(r"<section class=\"panel[^\"]*\"><h2>([^<]*)</h2>(.*?)</section>", page)
        assert sections, name
        for title, body in sections:
            assert re.sub(r"<[^>]+>", "", body).strip(), (name, title)
    events = (tmp_path / "events.html").read_text(encoding="utf-8")
    assert "<h2>By level</h2>" in events and "<h2>By cause</h2>" in events
    calls = (tmp_path / "calls.html").read_text(encoding="utf-8")
    assert "<h2>SIP calls</h2>" in calls and "ASR" in calls
    with pytest.raises(TypeError, match="Summary"):
        report.render({"not": "a summary"})


def test_cli_report_takes_the_scan_options_of_summarize(tmp_path):
    """--by, the filters, --count, --errors, --lang and --progress are the same options as summarize's."""
    parser = cli._parser()
    actions = {a.dest: a for a in parser._subparsers._group_actions[0].choices["summarize"]._actions}
    report_actions = {a.dest: a for a in parser._subparsers._group_actions[0].choices["report"]._actions}
    for dest in ("by", "since", "until", "codes", "methods", "paths", "hosts", "count", "errors", "lang",
                 "progress", "threads", "path_rules"):
        assert dest in report_actions, dest
        assert report_actions[dest].help == actions[dest].help
    out = tmp_path / "r.html"
    assert cli.main(["report", LAB, "--codes", "5xx", "--by", "code,path", "--lang", "zh", "--no-progress",
                     "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert '<html lang="zh">' in page and "网关" in page          # 502/504 named in Chinese
    assert "filtered" in page                                    # records left out by --codes
    assert "<h2>Failing paths: 5xx</h2>" in page and "<h2>Failing paths: 4xx</h2>" not in page


def test_cli_report_bad_input(tmp_path, capsys):
    assert cli.main(["report", str(tmp_path / "missing.log"), "-o", str(tmp_path / "r.html")]) == 2
    assert "missing.log" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()


def test_report_names_sip_codes_by_the_sip_registry(corpus):
    from logcodes import codes

    s = report.scan_for_report(corpus / "sip" / "text" / "aaa.sip.txt")
    page = report.render(s)
    sip_codes = [c for (p, c) in s.counts("protocol", "code") if p == "sip"]
    assert sip_codes
    for code in sip_codes:
        assert f">sip {code} {codes.lookup('sip', code).reason}<" in page


def test_a_long_span_is_drawn_in_buckets_of_a_month_not_minutes():
    """15 years of 1-minute buckets: the timeline takes a step of 30 days (at most 240 points), never 10080 min."""
    import datetime as dt

    start = dt.datetime(2010, 1, 1, tzinfo=dt.timezone.utc)
    counts = {(start + dt.timedelta(days=d), c, code): 1 + d % 3
              for d in range(0, 15 * 365, 11) for c, code in (("2xx", 200), ("5xx", 503))}
    s = logcodes.Summary(("time", "class", "code"), counts, time_bucket=60, protocol="http")
    page = report.render(s)
    assert "records per 30 d (UTC)" in page
    svg = page[page.index("<h2>Records over time</h2>"):]
    first = re.search(r'<polygon points="([^"]*)"', svg).group(1)
    assert 2 * 160 <= len(first.split()) <= 2 * 240       # top and bottom edges: one point per 30-day step


def test_without_error_logs_no_cause_panel_of_none_and_unknown():
    page = report.render(report.collect(LAB))
    assert "<h2>Causes of failures</h2>" not in page
    assert ">(none)<" not in page and ">unknown<" not in page


def test_sip_challenges_are_no_failures_in_the_error_rate():
    """407/401 ask for credentials (RFC 3261 §22): 2 failures (486) in 20 responses is 10 %, not 60 %."""
    s = logcodes.Summary(("class", "code"), {("4xx", 407): 10, ("4xx", 486): 2, ("2xx", 200): 8}, protocol="sip")
    page = report.render(s)
    tile = re.search(r'<div class="kpi bad"><b>([^<]*)</b>error rate \(([^)]*)\)</div>', page)
    assert tile.group(1) == "10.00 %" and "401/407 challenges left out" in tile.group(2)
    http = logcodes.Summary(("class", "code"), {("4xx", 407): 10, ("4xx", 404): 2, ("2xx", 200): 8}, protocol="http")
    assert re.search(r"<b>60.00 %</b>error rate \(4xx/5xx\)", report.render(http))


def test_http_and_sip_error_rates_are_never_added_up():
    s = logcodes.Summary(("protocol", "class", "code"),
                         {("http", "5xx", 502): 3, ("http", "2xx", 200): 1, ("sip", "4xx", 486): 1,
                          ("sip", "2xx", 200): 9})
    tiles = dict((label, value) for value, label in
                 re.findall(r'<div class="kpi[^"]*"><b>([^<]*)</b>([^<]*)</div>', report.render(s)))
    assert tiles["http error rate (4xx/5xx)"] == "75.00 %"
    assert tiles["sip error rate (4xx/5xx/6xx; 401/407 challenges left out)"] == "10.00 %"
    assert tiles["http 5xx"] == "3" and tiles["sip 4xx"] == "1"
    assert "4xx" not in tiles and not any(k.startswith("error rate") for k in tiles)


def test_failing_hosts_and_upstreams_where_the_format_logs_them():
    """nginx's JSON log of the formats lab logs $host and $upstream_addr: each failing upstream and host gets
    its bar with the failures counted straight from the log's JSON (no upstream: nginx answered itself)."""
    import collections
    import json

    log = pathlib.Path(__file__).resolve().parents[1] / "data" / "lab_nginx_formats" / "access_json.log"
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    failing = [x for x in lines if x["status"] >= 400]
    page = report.render(report.collect(str(log)))

    def bars(title):
        body = page[page.index(f"<h2>{title}</h2>"):]
        body = body[:body.index("</section>")]
        return dict(re.findall(r'<div class="lbl" title="([^"]*)">.*?<span class="num">([^<]*)</span>', body))

    upstreams = collections.Counter(x["upstream_addr"] for x in failing if x["upstream_addr"])
    assert bars("Failing upstreams (upstream_addr)") == {u: f"{n:,}" for u, n in upstreams.items()}
    hosts = collections.Counter(x["host"] for x in failing)
    assert bars("Failing hosts") == {h: f"{n:,}" for h, n in hosts.items()}


@pytest.mark.parametrize("count", [[], ["--count", "events"]])
def test_cli_report_of_an_error_log_counts_its_events(tmp_path, count):
    out = tmp_path / "events.html"
    assert cli.main(["report", LAB_ERRORS, *count, "-o", str(out), "--no-progress"]) == 0
    page = out.read_text(encoding="utf-8")
    assert "<h2>By level</h2>" in page and "<h2>By cause</h2>" in page and "error-log events counted" in page
