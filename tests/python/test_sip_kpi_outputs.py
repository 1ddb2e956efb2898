"""The call KPIs where users read them: the HTML report's SIP calls panel, `watch`'s JSON lines and its
Prometheus exposition text — from a small SIPp-style trace whose every figure is worked out by hand below.

The scenario (seconds after T0; RFC 3261 / RFC 3665 flows):

- call ``a``: INVITE 0, 180 at 1, 200 at 3, ACK, the caller's BYE at 63, its 200 at 63.5 — answered and
  completed: SRD = PDD = 1 s, setup 3 s, SDT 60 s, SDD 0.5 s.
- call ``b``: INVITE 10, 407 at 10.2, INVITE with credentials at 10.5, 486 at 12 — busy, 2 INVITEs, 1
  challenge: SRD of a failed call 2 s (from the first INVITE).
- call ``c``: INVITE 20, 180 at 22, CANCEL at 30, 487 at 30.1 — cancelled (left out of the failed SRD):
  PDD 2 s.
- call ``d``: INVITE 40, 503 at 40.5 — failed, an ineffective attempt (RFC 6076 §4.8): failed SRD 0.5 s.
- registration ``r``: REGISTER 5, 401 at 5.1, REGISTER with credentials at 5.2, 200 at 5.4 — registered,
  RRD 0.4 s.

So 4 calls: ASR 1/4, NER (answered + busy) 2/4, SER (200s) 1/4, SEER (200 and 486) 2/4, ISA (503) 1/4,
SCR 1/4; means SRD 1 s, failed SRD (2 + 0.5) / 2 = 1.25 s, PDD (1 + 2) / 2 = 1.5 s, setup 3 s, SDD 0.5 s,
SDT 60 s, RRD 0.4 s, registration ratio 1.
"""

from __future__ import annotations

import datetime as dt
import html.parser
import json
import math
import re
import subprocess
import sys

import pytest
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

import logcodes
from logcodes import cli, report
from logcodes.prometheus import PrometheusExporter
from logcodes.watch import CALL_DIMS

T0 = dt.datetime(2026, 11, 24, 10, 0, 0, tzinfo=dt.timezone.utc)


def message(at, first_line, call_id, cseq, method, to_tag=None, extra=()):
    to = "<sip:bob@example.com>" + (f";tag={to_tag}" if to_tag else "")
    lines = [first_line, f"Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-{call_id}-{cseq}-{method}",
             f"From: <sip:alice@example.com>;tag=from-{call_id}", f"To: {to}", f"Call-ID: {call_id}",
             f"CSeq: {cseq} {method}", *extra, "Content-Length: 0"]
    stamp = (T0 + dt.timedelta(seconds=at)).strftime("%Y-%m-%d %H:%M:%S.%f")
    return f"----------------------------------------------- {stamp}\nUDP message sent:\n\n" + "\r\n".join(lines) + \
        "\r\n\r\n"


def request(at, method, call_id, cseq, to_tag=None, extra=(), cseq_method=None):
    return message(at, f"{method} sip:bob@example.com SIP/2.0", call_id, cseq, cseq_method or method, to_tag, extra)


def response(at, code, reason, call_id, cseq, method="INVITE", to_tag="callee"):
    return message(at, f"SIP/2.0 {code} {reason}", call_id, cseq, method, to_tag)


CREDENTIALS = ('Authorization: Digest username="alice", realm="example.com", nonce="n1", '
               'uri="sip:example.com", response="0123456789abcdef0123456789abcdef"',)
PROXY_CREDENTIALS = (CREDENTIALS[0].replace("Authorization", "Proxy-Authorization"),)

# Each call's messages, by the time its last message is sent.
CALL_A = [request(0, "INVITE", "a", 1), response(1, 180, "Ringing", "a", 1), response(3, 200, "OK", "a", 1),
          request(3.1, "ACK", "a", 1, "callee"), request(63, "BYE", "a", 2, "callee"),
          response(63.5, 200, "OK", "a", 2, "BYE")]
CALL_B = [request(10, "INVITE", "b", 1), response(10.2, 407, "Proxy Authentication Required", "b", 1, to_tag="p"),
          request(10.25, "ACK", "b", 1, "p"), request(10.5, "INVITE", "b", 2, extra=PROXY_CREDENTIALS),
          response(12, 486, "Busy Here", "b", 2)]
CALL_C = [request(20, "INVITE", "c", 1), response(22, 180, "Ringing", "c", 1), request(30, "CANCEL", "c", 1),
          response(30.05, 200, "OK", "c", 1, "CANCEL"), response(30.1, 487, "Request Terminated", "c", 1)]
CALL_D = [request(40, "INVITE", "d", 1), response(40.5, 503, "Service Unavailable", "d", 1)]
REG_R = [request(5, "REGISTER", "r", 1), response(5.1, 401, "Unauthorized", "r", 1, "REGISTER", "reg"),
         request(5.2, "REGISTER", "r", 2, extra=CREDENTIALS), response(5.4, 200, "OK", "r", 2, "REGISTER", "reg")]


def by_time(*flows):
    return sorted((m for flow in flows for m in flow), key=lambda m: m.split("\n", 1)[0])


def trace_text(*flows):
    return "".join(by_time(*flows))


@pytest.fixture()
def trace(tmp_path):
    path = tmp_path / "calls.trace"
    path.write_text(trace_text(CALL_A, CALL_B, CALL_C, CALL_D, REG_R))
    return path


# --- the report ------------------------------------------------------------------------------------------
class Cells(html.parser.HTMLParser):
    """The text of every table row of a page, and its h2 titles."""

    def __init__(self):
        super().__init__()
        self.rows, self.titles, self._row, self._cell, self._h2 = [], [], None, None, None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = ""
        elif tag == "h2":
            self._h2 = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(self._cell.strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        elif tag == "h2":
            self.titles.append(self._h2)
            self._h2 = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data
        if self._h2 is not None:
            self._h2 += data


def read_page(page):
    cells = Cells()
    cells.feed(page)
    return {row[0]: row[1:] for row in cells.rows if row}, cells.titles


def test_report_shows_the_call_kpis_with_names_and_units(trace):
    page = report.render(logcodes.scan(trace, count="calls", by=report.REPORT_DIMS), title="calls")
    rows, titles = read_page(page)
    assert "SIP calls" in titles
    assert rows["answered"] == ["1", "25.0 %"] and rows["busy"] == ["1", "25.0 %"]
    assert rows["cancelled"] == ["1", "25.0 %"] and rows["failed"] == ["1", "25.0 %"]
    assert rows["no_answer"] == ["0", "0.0 %"] and rows["rejected"] == ["0", "0.0 %"]
    expected_ratios = {"ASR": ("answer seizure ratio", "25.0 %"), "NER": ("network effectiveness ratio", "50.0 %"),
                       "SER": ("session establishment ratio", "25.0 %"),
                       "SEER": ("session establishment effectiveness ratio", "50.0 %"),
                       "ISA": ("ineffective session attempts", "25.0 %"),
                       "SCR": ("session completion ratio", "25.0 %")}
    for column, (name, value) in expected_ratios.items():
        assert rows[column][:2] == [name, value], column
    expected_delays = {"SRD": "1.000 s", "SRD_failed": "1.250 s", "PDD": "1.500 s", "setup_time": "3.000 s",
                       "SDD": "0.500 s", "SDT": "60.000 s"}
    for column, value in expected_delays.items():
        assert rows[column][1] == value, column
    assert rows["registrations"][0] == "1" and rows["registered"][0] == "1"
    assert rows["registration_ratio (registration ratio)"][0] == "100.0 %"
    assert rows["RRD (registration request delay)"][0] == "0.400 s"
    assert "4 calls (attempts with a final response) from 5 INVITEs, 1 of them answered 401/407" in \
        html.unescape(page)
    assert "<script" not in page and not re.search(r"(?:src|href)\s*=|https?://(?!www\.w3\.org/2000/svg)", page)


def test_report_has_no_calls_panel_without_calls(trace, data):
    for s in (logcodes.scan(trace, by=report.REPORT_DIMS),                             # transactions
              logcodes.scan(data / "nginx_lab_combined.log", count="calls", by=report.REPORT_DIMS)):
        _, titles = read_page(report.render(s))
        assert "SIP calls" not in titles and "By code" in titles


def test_cli_report_counts_calls(trace, tmp_path):
    out = tmp_path / "r.html"
    assert cli.main(["report", str(trace), "--count", "calls", "-o", str(out)]) == 0
    rows, titles = read_page(out.read_text(encoding="utf-8"))
    assert "SIP calls" in titles and rows["ASR"][1] == "25.0 %" and rows["SDT"][1] == "60.000 s"


# --- watch: windows of calls --------------------------------------------------------------------------------
def drain(follower, n):
    out = []
    for _ in range(n):
        out.append(next(follower))
    return out


def test_follow_counts_each_call_in_the_window_it_ended(tmp_path):
    # Window 1 reads up to a's BYE answer at 63.5 s: b, c and r ended and have been quiet for 32 s (64*T1);
    # a and d are too recent. Window 2 adds a call e answered at 101 s: a and d are quiet by then, e is
    # in conversation and stays open.
    log = tmp_path / "live.trace"
    log.write_text(trace_text(CALL_A, CALL_B, CALL_C, CALL_D, REG_R))
    exporter = PrometheusExporter()
    with logcodes.follow(log, interval="0.05s", format="sip_trace", by=CALL_DIMS, count="calls") as windows:
        first = next(windows)
        exporter.observe(windows.sources)
        with open(log, "a") as f:
            f.write(trace_text([request(100, "INVITE", "e", 1), response(101, 200, "OK", "e", 1)]))
        second = next(windows)
        exporter.observe(windows.sources)
    assert first.counts("outcome") == {"busy": 1, "cancelled": 1}
    assert second.counts("outcome") == {"answered": 1, "failed": 1}
    assert first.calls + second.calls == 4 and second.incomplete_calls == 0
    k1, k2 = first.kpis(), second.kpis()
    assert int(k1["registered"].iloc[0]) == 1 and float(k1["NER"].iloc[0]) == 0.5
    assert float(k2["ASR"].iloc[0]) == 0.5 and float(k2["SDT"].iloc[0]) == pytest.approx(60.0)

    families = {f.name: f for f in text_string_to_metric_families(generate_latest(exporter.registry).decode())}
    source = str(log)

    def value(family, sample_name=None, **labels):
        (v,) = [s.value for s in families[family].samples if s.name == (sample_name or family)
                and s.labels.get("source") == source and all(s.labels.get(k) == x for k, x in labels.items())]
        return v

    assert families["logcodes_sip_calls"].type == "counter"
    for outcome, n in {"answered": 1, "busy": 1, "cancelled": 1, "failed": 1, "no_answer": 0, "rejected": 0}.items():
        assert value("logcodes_sip_calls", "logcodes_sip_calls_total", outcome=outcome) == n, outcome
    assert value("logcodes_sip_registrations", "logcodes_sip_registrations_total", result="registered") == 1
    assert value("logcodes_sip_registrations", "logcodes_sip_registrations_total", result="failed") == 0
    assert value("logcodes_sip_calls_completed", "logcodes_sip_calls_completed_total") == 1
    assert value("logcodes_sip_invites", "logcodes_sip_invites_total") == 5
    assert value("logcodes_sip_auth_challenges", "logcodes_sip_auth_challenges_total") == 1
    delays = {"srd": (1.0, 1), "srd_failed": (2.5, 2), "pdd": (3.0, 2), "setup": (3.0, 1), "sdd": (0.5, 1),
              "sdt": (60.0, 1), "rrd": (0.4, 1)}
    for name, (total, n) in delays.items():
        family = f"logcodes_sip_{name}_seconds"
        assert families[family].type == "summary"
        assert value(family, family + "_sum") == pytest.approx(total), name
        assert value(family, family + "_count") == n, name
    # Gauges: the last window's ratios (a answered, d failed with 503; no registration in it).
    last = {"asr": 0.5, "ner": 0.5, "ser": 0.5, "seer": 0.5, "isa": 0.5, "scr": 0.5}
    for name, v in last.items():
        family = f"logcodes_sip_{name}_ratio"
        assert families[family].type == "gauge"
        assert value(family) == pytest.approx(v), name
    assert math.isnan(value("logcodes_sip_registration_ratio"))
    # Labels stay bounded: no Call-ID, no tag, no number among them.
    labels = {k for f in families.values() for s in f.samples for k in s.labels}
    assert labels <= {"protocol", "class", "code", "reason", "cause", "source", "outcome", "result"}
    assert not any(v in ("a", "b", "c", "d", "e", "r") for f in families.values() for s in f.samples
                   for v in s.labels.values())


def test_watch_jsonl_carries_the_call_kpis(trace):
    # One window (--once) of the whole trace and a message at 200 s that moves the clock: every call and the
    # registration have ended and gone quiet.
    with open(trace, "a") as f:
        f.write(trace_text([request(200, "OPTIONS", "keepalive", 1)]))
    run = subprocess.run([sys.executable, "-m", "logcodes", "watch", str(trace), "--once", "--jsonl", "--format",
                          "sip_trace", "--count", "calls"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    (line,) = run.stdout.splitlines()
    w = json.loads(line)
    k = w["calls"]
    assert (k["calls"], k["answered"], k["busy"], k["cancelled"], k["failed"]) == (4, 1, 1, 1, 1)
    assert k["ASR"] == 0.25 and k["NER"] == 0.5 and k["SER"] == 0.25 and k["SEER"] == 0.5
    assert k["ISA"] == 0.25 and k["SCR"] == 0.25
    assert k["SRD"] == pytest.approx(1.0) and k["SRD_failed"] == pytest.approx(1.25)
    assert k["PDD"] == pytest.approx(1.5) and k["SDT"] == pytest.approx(60.0) and k["SDD"] == pytest.approx(0.5)
    assert k["registrations"] == 1 and k["registration_ratio"] == 1.0 and k["RRD"] == pytest.approx(0.4)
    assert k["incomplete_calls"] == 0 and k["calls_without_invite"] == 0
    assert w["sources"][str(trace)]["calls"] == k
    assert {c["outcome"] for c in w["counts"]} == {"answered", "busy", "cancelled", "failed"}


def test_watch_text_line_of_calls(trace, capsys):
    with open(trace, "a") as f:
        f.write(trace_text([request(200, "OPTIONS", "keepalive", 1)]))
    from logcodes.watch import watch

    assert watch([str(trace)], once=True, format="sip_trace", count="calls", out=sys.stdout) == 0
    assert "4 calls ended (ASR 25.0%, NER 50.0%)" in capsys.readouterr().out
