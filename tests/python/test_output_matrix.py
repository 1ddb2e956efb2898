"""The output matrix (docs/testing.md): every user-visible output read for its labels, reason phrases, headline
arithmetic and units, for an HTTP log, a SIP trace, a SIP capture and all three at once.

Nothing here is expected from a run of logcodes:

- the inputs' counts come from the scenario: the nginx lab log's statuses from ``tests/data/corpus_expected.json``
  (derived by independent awk/regex counts) and a regex over the log; the SIPp trace's responses from its
  ``EXPECTED.json`` and its requests and responses counted here by regex over its start lines; the Kamailio
  capture's responses, requests and calls from its ``EXPECTED.json`` (SIPp's statistics and tshark);
- the phrases from the registries: HTTP from RFC 9110 §15 (413 Content Too Large §15.5.14 — not the retired
  "Payload Too Large"), nginx's 499 Client Closed Request; SIP from RFC 3261 §21 (302 Moved Temporarily §21.3.3,
  where HTTP's 302 is Found; 407 Proxy Authentication Required §21.4.8; 488 Not Acceptable Here §21.4.26;
  603 Decline §21.6.2).
"""

from __future__ import annotations

import collections
import csv
import gzip
import html.parser
import io
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Dict, List, Tuple

import pytest
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

import logcodes
from logcodes import report
from logcodes.cli import main
from logcodes.prometheus import PrometheusExporter

HTTP_PHRASES = {200: "OK", 301: "Moved Permanently", 400: "Bad Request", 403: "Forbidden", 404: "Not Found",
                413: "Content Too Large", 499: "Client Closed Request", 500: "Internal Server Error",
                502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}
SIP_PHRASES = {100: "Trying", 180: "Ringing", 200: "OK", 302: "Moved Temporarily", 401: "Unauthorized",
               404: "Not Found", 407: "Proxy Authentication Required", 486: "Busy Here", 487: "Request Terminated",
               488: "Not Acceptable Here", 603: "Decline"}
PHRASES = {"http": HTTP_PHRASES, "sip": SIP_PHRASES}
# Failures per protocol: HTTP 4xx and 5xx; SIP 4xx-6xx but the 401/407 challenges (RFC 3261 §22).
FAILING = {"http": lambda c: c >= 400, "sip": lambda c: c >= 400 and c not in (401, 407)}

KINDS = ("http", "trace", "capture", "mixed")
SIP_METHODS = ("INVITE", "ACK", "BYE", "CANCEL", "REGISTER", "OPTIONS", "INFO", "UPDATE", "PRACK", "SUBSCRIBE",
               "NOTIFY", "REFER", "MESSAGE", "PUBLISH")


class Truth:
    """What one input holds, worked out without logcodes: codes per (protocol, code), records not counted,
    SIP requests, calls by outcome."""

    def __init__(self) -> None:
        self.codes: Dict[Tuple[str, int], int] = collections.Counter()
        self.invalid = self.unparsed = self.retransmissions = self.requests = 0
        self.outcomes: Dict[str, int] = collections.Counter()

    def add(self, other: "Truth") -> "Truth":
        out = Truth()
        out.codes = collections.Counter(self.codes) + collections.Counter(other.codes)
        for name in ("invalid", "unparsed", "retransmissions", "requests"):
            setattr(out, name, getattr(self, name) + getattr(other, name))
        out.outcomes = collections.Counter(self.outcomes) + collections.Counter(other.outcomes)
        return out

    @property
    def counted(self) -> int:
        return sum(self.codes.values())

    @property
    def records(self) -> int:
        return self.counted + self.retransmissions + self.invalid + self.unparsed

    @property
    def protocols(self) -> Tuple[str, ...]:
        return tuple(sorted({p for p, _ in self.codes}))

    def of(self, protocol: str) -> Dict[int, int]:
        return {c: n for (p, c), n in self.codes.items() if p == protocol}

    @property
    def calls(self) -> int:
        return sum(self.outcomes.values())


def http_truth(data: Path) -> Truth:
    log = data / "nginx_lab_combined.log"
    expected = json.loads((data / "corpus_expected.json").read_text())["lab_generated/nginx/access_combined.log"]
    t = Truth()
    t.codes = collections.Counter({("http", int(c)): n for c, n in expected["counts"].items()})
    t.invalid, t.unparsed = expected["invalid"], expected["unparsed"]
    # The fixture is that corpus file: its status column, read again here, says the same.
    statuses = [re.search(r'" (\S+) \S+ "', line).group(1) for line in log.read_text().splitlines()]
    assert collections.Counter(int(s) for s in statuses if re.fullmatch(r"[1-5]\d\d", s)) == \
        collections.Counter({c: n for (_, c), n in t.codes.items()})
    assert len(statuses) - t.counted == t.invalid
    return t


def trace_truth(data: Path) -> Truth:
    text = (data / "lab_sipp" / "uac_messages.log").read_text()
    expected = json.loads((data / "lab_sipp" / "EXPECTED.json").read_text())
    t = Truth()
    t.codes = collections.Counter({("sip", int(c)): n for c, n in expected["responses"].items()})
    responses = collections.Counter(int(c) for c in re.findall(r"^SIP/2\.0 (\d{3}) ", text, re.M))
    # Every response in the trace is another transaction's (SIPp on loopback: nothing was resent).
    assert responses == collections.Counter({c: n for (_, c), n in t.codes.items()})
    t.requests = len(re.findall(rf"^(?:{'|'.join(SIP_METHODS)}) sip:\S+ SIP/2\.0\r?$", text, re.M))
    t.outcomes = collections.Counter(expected["outcomes"])
    return t


def capture_truth(data: Path) -> Truth:
    expected = json.loads((data / "lab_kamailio" / "EXPECTED.json").read_text())
    capture = expected["capture"]
    t = Truth()
    t.codes = collections.Counter({("sip", int(c)): n for c, n in capture["responses"].items()})
    t.requests = sum(capture["requests"].values())
    assert capture["resent"] == 0
    t.outcomes = collections.Counter(expected["calls"]["outcomes"])
    return t


@pytest.fixture(scope="module")
def inputs(data) -> Dict[str, List[str]]:
    http = [str(data / "nginx_lab_combined.log")]
    trace = [str(data / "lab_sipp" / "uac_messages.log")]
    capture = [str(data / "lab_kamailio" / "capture.pcap")]
    return {"http": http, "trace": trace, "capture": capture, "mixed": http + trace + capture}


@pytest.fixture(scope="module")
def truth(data) -> Dict[str, Truth]:
    t = {"http": http_truth(data), "trace": trace_truth(data), "capture": capture_truth(data)}
    t["mixed"] = t["http"].add(t["trace"]).add(t["capture"])
    return t


@pytest.fixture(scope="module")
def scans(inputs):
    return {kind: logcodes.scan(paths) for kind, paths in inputs.items()}


# -- reading the outputs ------------------------------------------------------------------------------------
def headline_figures(headline: str) -> Tuple[int, Dict[str, int], str]:
    """(records, {label: figure} after the dash, what follows the ';')."""
    m = re.search(r"([\d,]+) records — ([^;<>]*)(?:; ([^>]*))?>?$", headline)
    assert m, headline
    parts = {label: int(n.replace(",", "")) for n, label in re.findall(r"([\d,]+) ([^,]+?)(?:,|$)", m.group(2))}
    return int(m.group(1).replace(",", "")), parts, m.group(3) or ""


def check_headline(headline: str, t: Truth) -> None:
    records, parts, sip = headline_figures(headline)
    assert records == t.records and sum(parts.values()) == records, headline
    assert parts["counted"] == t.counted and parts["invalid status"] == t.invalid
    assert parts["unparsed"] == t.unparsed
    if "sip" in t.protocols:
        assert parts["retransmissions"] == t.retransmissions
        assert sip == f"SIP transactions, {t.requests:,} requests"
    else:   # an HTTP log has no SIP figures
        assert "retransmissions" not in parts and sip == ""


def check_rows(kind: str, header: List[str], rows: List[List[str]], t: Truth, *, shares: bool = True) -> None:
    """A table of codes: each (protocol, code) once, with its own registry's phrase, the scenario's count and,
    with ``shares``, its share of its own protocol's counts (HTTP and SIP are never added up)."""
    assert ("protocol" in header) == (kind == "mixed"), header
    seen: Dict[Tuple[str, int], int] = {}
    share_sum: Dict[str, float] = collections.Counter()
    for row in rows:
        cell = dict(zip(header, row))
        protocol = cell.get("protocol") or t.protocols[0]
        code, n = int(cell["code"]), int(str(cell["count"]).replace(",", ""))
        assert cell["reason"] == PHRASES[protocol][code], (protocol, code, cell["reason"])
        assert (protocol, code) not in seen
        seen[(protocol, code)] = n
        if shares:
            expected = 100.0 * n / sum(t.of(protocol).values())
            assert cell["share"] == f"{expected:.1f}%", (protocol, code, cell["share"])
            share_sum[protocol] += float(cell["share"].rstrip("%"))
    assert seen == {k: v for k, v in t.codes.items() if k in seen}
    for protocol, total in share_sum.items():
        if len(seen) == len(t.codes):
            assert abs(total - 100.0) <= 0.05 * len(t.of(protocol)), (protocol, total)


def text_table(text: str) -> Tuple[str, List[str], List[List[str]]]:
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("-----"))
    rows = []
    for line in lines[at + 1:]:
        if not re.match(r"^(?:http|sip)?\s*\dxx\s", line):
            break
        rows.append(re.split(r"\s{2,}", line.strip()))
    return lines[0], lines[at - 1].split(), rows


class _Tables(html.parser.HTMLParser):
    """The cells of every table of a page, and the text of its paragraphs."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: List[List[List[str]]] = []
        self.paragraphs: List[str] = []
        self._cell = None
        self._p = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = ""
        elif tag == "p":
            self._p = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(self._cell)
            self._cell = None
        elif tag == "p" and self._p is not None:
            self.paragraphs.append(self._p)
            self._p = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data
        if self._p is not None:
            self._p += data


def parse_html(page: str) -> _Tables:
    p = _Tables()
    p.feed(page)
    return p


# -- Summary: text, notebook, JSON, CSV -----------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
def test_text_table(kind, scans, truth):
    first, header, rows = text_table(str(scans[kind]))
    check_headline(first, truth[kind])
    assert header[-2:] == ["count", "share"]
    check_rows(kind, header, rows, truth[kind])
    assert len(rows) == len(truth[kind].codes)


@pytest.mark.parametrize("kind", KINDS)
def test_html_repr(kind, scans, truth):
    page = parse_html(scans[kind]._repr_html_())
    check_headline(page.paragraphs[0], truth[kind])
    (table,) = page.tables
    check_rows(kind, table[0], table[1:], truth[kind])
    shown, groups = len(table) - 1, len(truth[kind].codes)
    assert shown == min(groups, 20)                       # the notebook view shows the busiest 20 ...
    if groups > 20:                                       # ... and says how many more there are
        assert f"… {groups - 20} more groups" in page.paragraphs


@pytest.mark.parametrize("kind", KINDS)
def test_json_api_and_cli(kind, inputs, scans, truth, capsys):
    t = truth[kind]
    assert main(["summarize", *inputs[kind], "--json", "--no-progress"]) == 0
    for d in (scans[kind].to_dict(), json.loads(capsys.readouterr().out)):
        assert d["protocols"] == list(t.protocols) and d["count"] == "transactions"
        assert (d["total"], d["counted"], d["invalid"], d["unparsed"]) == (t.records, t.counted, t.invalid,
                                                                           t.unparsed)
        assert d["retransmissions"] == t.retransmissions and d["requests"] == t.requests
        assert d["total"] == d["counted"] + d["retransmissions"] + d["filtered"] + d["invalid"] + d["unparsed"]
        check_rows(kind, d["columns"], d["groups"], t, shares=False)
        assert sum(g[-1] for g in d["groups"]) == t.counted


@pytest.mark.parametrize("kind", KINDS)
def test_csv_cli_and_pandas(kind, inputs, scans, truth, capsys):
    assert main(["summarize", *inputs[kind], "--csv", "--no-progress"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    check_rows(kind, rows[0], rows[1:], truth[kind], shares=False)
    assert len(rows) - 1 == len(truth[kind].codes)
    # pandas' own CSV of to_pandas() has the same columns and rows.
    again = list(csv.reader(io.StringIO(scans[kind].to_pandas().to_csv(index=False))))
    assert again == rows


@pytest.mark.parametrize("kind", ["trace", "capture", "mixed"])
def test_calls_headline_and_json(kind, inputs, truth, capsys):
    """At count="calls" the headline folds the SIP responses into the scenario's calls; HTTP records count once."""
    t = truth[kind]
    assert main(["summarize", *inputs[kind], "--count", "calls", "--by", "outcome", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    http = sum(t.of("http").values())
    assert d["calls"] == t.calls and d["counted"] == t.calls + http
    assert d["call_responses"] == sum(t.of("sip").values())
    assert d["total"] == d["call_responses"] + (d["counted"] - d["calls"]) + d["invalid"] + d["unparsed"] == t.records
    got = collections.Counter()
    for g in d["groups"]:
        row = dict(zip(d["columns"], g))
        got[row["outcome"]] += row["count"]
    assert {k: v for k, v in got.items() if k is not None} == t.outcomes
    (kpis,) = d["kpis"]
    assert kpis["calls"] == t.calls and kpis["ASR"] == pytest.approx(t.outcomes["answered"] / t.calls)
    s = logcodes.scan(inputs[kind], count="calls")
    records, parts, sip = headline_figures(s.headline())
    assert records == t.records and sum(parts.values()) == records
    calls = f"{t.calls:,} call{'s' if t.calls != 1 else ''}"
    assert parts[f"responses folded into {calls}"] == sum(t.of("sip").values())
    assert parts.get("counted", 0) == http and sip == f"SIP calls, {t.requests:,} requests"


# -- heavy hitters, records and quantile tables in a notebook ---------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
def test_top_keeps_protocols_apart(kind, inputs, truth):
    t = truth[kind]
    top = logcodes.scan(inputs[kind], by="code").top("code", 100)
    several = len(t.protocols) > 1
    want = {(f"{p} {c}" if several else c): n for (p, c), n in t.codes.items()}
    assert top.to_dict() == want and top.total == t.counted
    page = parse_html(top._repr_html_())
    (table,) = page.tables
    assert table[0] == ["code", "count", "share"]
    for value, n, share in table[1:]:
        assert share == f"{100.0 * int(n) / t.counted:.1f}%"
    if several:   # SIP 200 and HTTP 200 are two values, never one of 6 + 84
        assert [r[:2] for r in table[1:] if r[0].endswith(" 200")] == \
            [["sip 200", f"{t.codes[('sip', 200)]}"], ["http 200", f"{t.codes[('http', 200)]}"]]


@pytest.mark.parametrize("kind", ["http", "trace", "capture", "mixed"])
def test_records_html(kind, inputs, data):
    """The first records with their protocol, code and reason: the registry's phrase for HTTP, the phrase the
    SIP message carries (docs/records.md), in the order of the input (a mixed read starts with its HTTP log)."""
    r = logcodes.records(inputs[kind], columns=["protocol", "code", "reason"])
    page = parse_html(r._repr_html_())
    (table,) = page.tables
    assert table[0] == ["protocol", "code", "reason"] and len(table) == 11
    first = Path(inputs[kind][0])
    if kind in ("http", "mixed"):
        codes = [int(c) for c in re.findall(r'" ([1-5]\d\d) ', first.read_text())][:10]
        assert table[1:] == [["http", str(c), HTTP_PHRASES[c]] for c in codes]
    elif kind == "trace":
        lines = re.findall(r"^SIP/2\.0 (\d{3}) (.*?)\r?$", first.read_text(), re.M)[:10]
        assert table[1:] == [["sip", c, reason] for c, reason in lines]
    else:   # the capture's responses in frame order, as tshark lists them
        tsv = [line.split("\t") for line in (data / "lab_kamailio" / "tshark_sip_fields.tsv").read_text().splitlines()]
        at = tsv[0].index("sip.Status-Code")
        codes = [row[at] for row in tsv[1:] if row[at]][:10]
        assert [row[:2] for row in table[1:]] == [["sip", c] for c in codes]
        # The phrase each packet carries: Kamailio's own words for its 100, RFC 3261's for the rest.
        assert {row[2] for row in table[1:] if row[1] != "100"} <= {SIP_PHRASES[int(c)] for c in codes}


@pytest.mark.parametrize("mixed", [False, True], ids=["http", "mixed"])
def test_quantile_table_shows_milliseconds(data, mixed):
    """nginx's $request_time is in seconds; the quantile table shows it in ms, within DDSketch's 1 %. SIP
    responses carry no duration: beside a SIP trace the table holds the HTTP codes alone."""
    log = data / "lab_nginx_formats" / "access_main_times.log"
    times = collections.defaultdict(list)
    for line in log.read_text().splitlines():
        m = re.search(r'" (\d{3}) \S+ "[^"]*" "[^"]*" "[^"]*" ([\d.]+)', line)
        if m:
            times[int(m.group(1))].append(float(m.group(2)))
    paths = [log, data / "lab_sipp" / "uac_messages.log"] if mixed else [log]
    q = logcodes.scan(paths, by="code", quantiles="duration").quantiles("duration", [0.5])
    header, *rows = parse_html(q._repr_html_()).tables[0]
    assert header == (["protocol"] if mixed else []) + ["code", "count", "p50"]
    if mixed:
        assert {row[0] for row in rows} == {"http"}
        rows = [row[1:] for row in rows]
    table = {row[0]: row for row in rows}
    assert {int(c) for c in table} == set(times)
    for code in (499, 504):           # a client that left after 0.301 s, an upstream timeout after 1.010 s
        (seconds,) = times[code]
        count, p50 = table[str(code)][1:]
        assert count == "1"
        value = re.fullmatch(r"([\d,]+\.\d) ms", p50)
        assert value, p50
        assert float(value.group(1).replace(",", "")) == pytest.approx(seconds * 1000, rel=0.01)


# -- the HTML report -------------------------------------------------------------------------------------------
def tiles(page: str) -> Dict[str, str]:
    return {label: value for value, label in re.findall(r'<div class="kpi[^"]*"><b>([^<]*)</b>([^<]*)</div>', page)}


@pytest.mark.parametrize("kind", KINDS)
def test_report_tiles_and_codes(kind, inputs, truth):
    t = truth[kind]
    page = report.render(report.collect(inputs[kind]), title="t")
    check_headline(re.search(r'<div class="meta">([^<]*) · generated', page).group(1), t)
    got = tiles(page)
    # The first tiles are the headline's figures: records, then where each went.
    assert got["records"] == f"{t.records:,}" and got["counted"] == f"{t.counted:,}"
    assert got["invalid status"] == f"{t.invalid:,}" and got["unparsed"] == f"{t.unparsed:,}"
    assert ("retransmissions" in got) == ("sip" in t.protocols)
    several = len(t.protocols) > 1
    for protocol in t.protocols:
        mine = t.of(protocol)
        prefix = f"{protocol} " if several else ""
        failing = sum(n for c, n in mine.items() if FAILING[protocol](c))
        label = "error rate (4xx/5xx)" if protocol == "http" else \
            "error rate (4xx/5xx/6xx; 401/407 challenges left out)"
        assert got[prefix + label] == f"{100.0 * failing / sum(mine.values()):.2f} %"
        for klass in ("4xx", "5xx") + (("6xx",) if protocol == "sip" else ()):
            n = sum(v for c, v in mine.items() if c // 100 == int(klass[0]))
            assert got[prefix + klass] == f"{n:,}"
    if "sip" in t.protocols:   # the calls of the SIP inputs, from a second scan at count="calls"
        assert got["SIP calls"] == f"{t.calls:,}"
        assert got["ASR (answered / calls)"] == f"{100.0 * t.outcomes['answered'] / t.calls:.1f} %"
    else:
        assert "SIP calls" not in got
    # "By code": every code named by its own registry, SIP codes as "sip 180".
    table = next(x for x in parse_html(page).tables if x[0] == ["code", "reason", "count"])
    rows = [["sip" if c.startswith("sip ") else "http", c.split()[-1], r, n] for c, r, n in table[1:]]
    check_rows("mixed", ["protocol", "code", "reason", "count"], rows, t, shares=False)
    assert len(rows) == min(len(t.codes), 20)


@pytest.mark.parametrize("kind", KINDS)
def test_report_by_class_shares(kind, inputs, truth):
    """"By class": each class's records and its share of its own protocol's records ("http 5xx" of HTTP's)."""
    t = truth[kind]
    page = report.render(report.collect(inputs[kind]))
    body = page[page.index("<h2>By class</h2>"):]
    body = body[:body.index("</section>")]
    bars = re.findall(r'<div class="lbl" title="([^"]*)">[^<]*<small>([^<]*)</small></div>.*?'
                      r'<span class="num">([^<]*)</span>', body)
    several = len(t.protocols) > 1
    want = {}
    for protocol in t.protocols:
        mine = t.of(protocol)
        for klass in sorted({f"{c // 100}xx" for c in mine}):
            n = sum(v for c, v in mine.items() if f"{c // 100}xx" == klass)
            want[(f"{protocol} " if several else "") + klass] = (f"{100.0 * n / sum(mine.values()):.1f} %", f"{n:,}")
    assert {label: (share, n) for label, share, n in bars} == want


@pytest.mark.parametrize("kind", ["http", "mixed"])
def test_report_not_counted_panel(kind, inputs, truth):
    page = report.render(report.collect(inputs[kind]))
    table = next(x for x in parse_html(page).tables if x[0] == ["not counted", "records"])
    assert table[1:] == [["records whose status is not a code", f"{truth[kind].invalid:,}"]]
    assert 'status "009" is not a http status code' in html.unescape(page)   # the sample says why


def test_report_latency_in_milliseconds(data):
    page = report.render(report.collect(str(data / "lab_nginx_formats" / "access_main_times.log")))
    table = next(x for x in parse_html(page).tables if x[0][:3] == ["code", "reason", "with a duration"])
    rows = {r[0]: r for r in table[1:]}
    assert rows["504"][1] == "Gateway Timeout" and rows["499"][1] == "Client Closed Request"
    for code, seconds in (("504", 1.010), ("499", 0.301)):
        for cell in rows[code][3:]:
            value = re.fullmatch(r"([\d,]+\.\d) ms", cell)
            assert value and float(value.group(1).replace(",", "")) == pytest.approx(seconds * 1000, rel=0.01)


@pytest.mark.parametrize("kind", KINDS)
def test_cli_report(kind, inputs, truth, tmp_path, capsys):
    t = truth[kind]
    out = tmp_path / "r.html"
    assert main(["report", *inputs[kind], "-o", str(out), "--no-progress"]) == 0
    assert capsys.readouterr().err == f"wrote {out}: {t.records:,} records, {t.counted:,} counted\n"
    page = out.read_text(encoding="utf-8")
    check_headline(re.search(r'<div class="meta">([^<]*) · generated', page).group(1), t)
    got = tiles(page)
    assert got["records"] == f"{t.records:,}" and got["counted"] == f"{t.counted:,}"
    assert ("SIP calls" in got) == ("sip" in t.protocols)


# -- Prometheus --------------------------------------------------------------------------------------------------
def families(exporter: PrometheusExporter):
    return {f.name: f for f in text_string_to_metric_families(generate_latest(exporter.registry).decode())}


@pytest.mark.parametrize("kind", KINDS)
def test_prometheus_exposition(kind, scans, truth):
    t = truth[kind]
    exp = PrometheusExporter()
    exp.observe({"src": scans[kind]})
    got: Dict[Tuple[str, int], float] = collections.Counter()
    for sample in families(exp)["logcodes_responses"].samples:
        if sample.name != "logcodes_responses_total":
            continue
        labels = sample.labels
        protocol, code = labels["protocol"], int(labels["code"])
        assert labels["reason"] == PHRASES[protocol][code] and labels["class"] == f"{code // 100}xx"
        assert labels["source"] == "src"
        got[(protocol, code)] += sample.value
    assert got == {k: float(v) for k, v in t.codes.items()}
    assert exp.value("logcodes_invalid_status_total", source="src") == t.invalid
    assert exp.value("logcodes_unparsed_lines_total", source="src") == t.unparsed


@pytest.mark.parametrize("kind", ["trace", "capture"])
def test_prometheus_calls(kind, inputs, truth):
    t = truth[kind]
    exp = PrometheusExporter()
    exp.observe({"src": logcodes.scan(inputs[kind], count="calls", by=("protocol", "class", "code", "cause",
                                                                      "outcome"))})
    fam = families(exp)
    calls = {s.labels["outcome"]: s.value for s in fam["logcodes_sip_calls"].samples
             if s.name == "logcodes_sip_calls_total"}
    assert {o: int(v) for o, v in calls.items() if v} == t.outcomes
    (asr,) = [s.value for s in fam["logcodes_sip_asr_ratio"].samples]
    assert asr == pytest.approx(t.outcomes["answered"] / t.calls)   # a fraction, not a percentage


# -- watch: JSON lines, the text line, --prometheus -------------------------------------------------------------
WATCHED = ("http", "trace", "mixed")   # a capture file is no text log to follow: see the next test


@pytest.mark.parametrize("kind", WATCHED)
def test_watch_jsonl(kind, inputs, truth, capsys):
    t = truth[kind]
    followed = [p for p in inputs[kind] if not p.endswith(".pcap")]
    if kind == "mixed":
        t = truth["http"].add(truth["trace"])
    assert main(["watch", *followed, "--once", "--jsonl"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    w = json.loads(line)
    assert (w["records"], w["counted"], w["invalid"], w["unparsed"]) == (t.records, t.counted, t.invalid, t.unparsed)
    assert w["retransmissions"] == t.retransmissions and w["requests"] == t.requests
    assert w["records"] == w["counted"] + w["retransmissions"] + w["invalid"] + w["unparsed"]
    got = collections.Counter()
    for g in w["counts"]:
        assert g["reason"] == PHRASES[g["protocol"]][g["code"]] and g["class"] == f"{g['code'] // 100}xx"
        got[(g["protocol"], g["code"])] += g["count"]
    assert got == t.codes
    for path, source in w["sources"].items():   # each source adds up on its own
        assert source["records"] == source["counted"] + source["retransmissions"] + source["invalid"] + \
            source["unparsed"], path
        assert sum(g["count"] for g in source["counts"]) == source["counted"]


@pytest.mark.parametrize("kind", WATCHED)
def test_watch_text_line(kind, inputs, truth, capsys):
    t = truth[kind] if kind != "mixed" else truth["http"].add(truth["trace"])
    followed = [p for p in inputs[kind] if not p.endswith(".pcap")]
    assert main(["watch", *followed, "--once"]) == 0
    out = capsys.readouterr().out.strip()
    m = re.fullmatch(r"window 1: (\d+) records \((.*)\), (\d+) invalid, (\d+) unparsed, lag 0 bytes", out)
    assert m, out
    classes = dict(re.findall(r"((?:\w+ )?\dxx)=(\d+)", m.group(2)))
    want: Dict[str, int] = collections.Counter()
    for (protocol, code), n in t.codes.items():
        want[(f"{protocol} " if len(t.protocols) > 1 else "") + f"{code // 100}xx"] += n
    assert {k: int(v) for k, v in classes.items()} == want
    assert int(m.group(1)) == t.records == sum(want.values()) + int(m.group(3)) + int(m.group(4))


def test_watch_refuses_a_capture_file(inputs, capsys):
    """A pcap is read by summarize and report; watch follows text logs, and says so rather than counting the
    capture's bytes as thousands of unparsed lines."""
    assert main(["watch", *inputs["capture"], "--once", "--jsonl"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "capture" in captured.err and "summarize" in captured.err and "--interface" in captured.err


@pytest.mark.parametrize("suffix", [".gz", ".zst"])
def test_watch_and_follow_refuse_a_compressed_file(tmp_path, inputs, capsys, suffix):
    """A .gz or .zst file is written whole by its compressor, never appended line by line: followed, every
    window held 0 records and nothing said why. It is refused with the way to count it."""
    from logcodes.follow import Follower

    src = Path(inputs["http"][0])
    if suffix == ".gz":
        packed_bytes = gzip.compress(src.read_bytes())
    else:
        if shutil.which("zstd") is None:
            pytest.skip("zstd not installed")
        packed_bytes = subprocess.run(["zstd", "-c", str(src)], capture_output=True, check=True).stdout
    packed = tmp_path / f"access.log.1{suffix}"
    packed.write_bytes(packed_bytes)
    assert main(["watch", str(packed), "--once", "--jsonl"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "compressed" in captured.err and "summarize" in captured.err, captured.err
    with pytest.raises(OSError, match="compressed"):
        with Follower([str(packed)], interval="0.05s") as f:
            next(iter(f))


@pytest.mark.parametrize("kind", ["trace", "mixed"])
def test_watch_prometheus_labels(kind, inputs, truth):
    """What `watch --prometheus` serves: the followed sources' windows through the exporter."""
    from logcodes.follow import Follower
    from logcodes.watch import WATCH_DIMS

    t = truth["trace"] if kind == "trace" else truth["http"].add(truth["trace"])
    followed = [p for p in inputs[kind] if not p.endswith(".pcap")]
    exp = PrometheusExporter()
    with Follower(followed, interval="0.05s", by=WATCH_DIMS) as f:
        next(iter(f))
        exp.observe(f.sources)
    got: Dict[Tuple[str, int], float] = collections.Counter()
    for sample in families(exp)["logcodes_responses"].samples:
        if sample.name == "logcodes_responses_total":
            p, c = sample.labels["protocol"], int(sample.labels["code"])
            assert sample.labels["reason"] == PHRASES[p][c] and sample.labels["source"] in followed
            got[(p, c)] += sample.value
    assert got == {k: float(v) for k, v in t.codes.items()}


# -- the other subcommands -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind,format", [("http", "combined"), ("trace", "sip_trace"), ("capture", "sip_trace")])
def test_detect(kind, format, inputs, capsys):
    assert main(["detect", *inputs[kind]]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{inputs[kind][0]}: {format} (")


@pytest.mark.parametrize("protocol,code,phrase", [("http", 302, "Found"), ("sip", 302, "Moved Temporarily"),
                                                  ("http", 499, "Client Closed Request"),
                                                  ("sip", 488, "Not Acceptable Here")])
def test_codes_text(protocol, code, phrase, capsys):
    """`logcodes codes` names each code by its own protocol's registry: 302 is Found in HTTP (RFC 9110
    §15.4.3), Moved Temporarily in SIP (RFC 3261 §21.3.3)."""
    assert main(["codes", protocol, str(code)]) == 0
    assert capsys.readouterr().out.startswith(f"{protocol.upper()} {code} {phrase}: ")
    assert main(["codes", protocol]) == 0
    assert re.search(rf"^{protocol}\s+{code}  {code // 100}xx  {re.escape(phrase)}  \[", capsys.readouterr().out,
                     re.M)


# -- a repeated response: where the headline's retransmissions go in every output ---------------------------------
def sip_message(at: float, first_line: str, cseq: str, to_tag: str = "") -> str:
    """One message of a SIPp -trace_msg style trace, at ``at`` seconds after 10:00:00."""
    to = "<sip:bob@example.com>" + (f";tag={to_tag}" if to_tag else "")
    headers = [first_line, "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-r1", "From: <sip:alice@example.com>;tag=a1",
               f"To: {to}", "Call-ID: resent-1", f"CSeq: {cseq}", "Content-Length: 0"]
    return (f"----------------------------------------------- 2026-11-24 10:00:{at:09.6f}\nUDP message sent:\n\n"
            + "\r\n".join(headers) + "\r\n\r\n")


# The callee's 200 OK is sent three times before the ACK comes (RFC 3261 §13.3.1.4: the UAS retransmits a 2xx
# until it is acknowledged): 5 responses in 3 transactions' replies, 2 of them repeats.
RESENT = [sip_message(0, "INVITE sip:bob@example.com SIP/2.0", "1 INVITE"),
          sip_message(0.1, "SIP/2.0 100 Trying", "1 INVITE"),
          sip_message(1, "SIP/2.0 180 Ringing", "1 INVITE", "b1"),
          sip_message(3, "SIP/2.0 200 OK", "1 INVITE", "b1"),
          sip_message(3.5, "SIP/2.0 200 OK", "1 INVITE", "b1"),
          sip_message(4.5, "SIP/2.0 200 OK", "1 INVITE", "b1"),
          sip_message(4.6, "ACK sip:bob@example.com SIP/2.0", "1 ACK", "b1")]


@pytest.fixture()
def resent(tmp_path) -> Path:
    path = tmp_path / "resent.trace"
    path.write_text("".join(RESENT))
    return path


def test_retransmissions_in_every_output(resent, tmp_path, capsys):
    s = logcodes.scan(resent)
    records, parts, sip = headline_figures(str(s).splitlines()[0])
    assert records == 5 and parts == {"counted": 3, "retransmissions": 2, "invalid status": 0, "unparsed": 0}
    assert sip == "SIP transactions, 2 requests"
    assert logcodes.scan(resent, count="messages").counted == 5      # every response, repeats included
    d = s.to_dict()
    assert (d["total"], d["counted"], d["retransmissions"], d["requests"]) == (5, 3, 2, 2)
    page = report.render(report.collect(str(resent)))
    got = tiles(page)
    assert (got["records"], got["counted"], got["retransmissions"]) == ("5", "3", "2")
    assert main(["watch", str(resent), "--once", "--jsonl"]) == 0
    w = json.loads(capsys.readouterr().out)
    assert (w["records"], w["counted"], w["retransmissions"], w["requests"]) == (5, 3, 2, 2)
    assert {g["code"]: g["count"] for g in w["counts"]} == {100: 1, 180: 1, 200: 1}
    assert main(["watch", str(resent), "--once"]) == 0
    assert capsys.readouterr().out.startswith("window 1: 5 records (1xx=2 2xx=1), 2 retransmissions, 0 invalid")


def test_the_matrix_in_docs_names_tests_that_exist():
    """docs/testing.md names each cell's tests as FILE::TEST: each must be a test of tests/python/test_FILE.py."""
    here = Path(__file__).resolve().parent
    page = (here.parents[1] / "docs" / "testing.md").read_text(encoding="utf-8")
    named = set(re.findall(r"(?<![\w.])([a-z_]+)::(test_\w+)", page))
    assert len(named) > 40
    missing = [f"{f}::{t}" for f, t in sorted(named)
               if not re.search(rf"^def {t}\(", (here / f"test_{f}.py").read_text(encoding="utf-8"), re.M)]
    assert not missing, missing
    # ... and every test of this file is in the matrix.
    mine = set(re.findall(r"^def (test_\w+)\(", Path(__file__).read_text(encoding="utf-8"), re.M))
    assert mine - {t for f, t in named if f == "output_matrix"} == set()
