"""Calls by RFC 3261 dialog rules and their RFC 6076 / E.411 KPIs, against traces whose truth is known.

The generator below writes SIPp-style text traces (a framing line with the time, then the message) of call
flows taken from RFC 3261 and RFC 3665: authentication (§22.2), redirection (§8.1.3.4), forking with 199
(RFC 6228), CANCEL (§9), re-INVITEs (§14), retransmissions, and calls or registrations whose opening request
the capture lacks. Every expected value is worked out by hand from the flows, not from the implementation.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import math
import pickle
import shutil
import subprocess

import pytest

import logcodes
from conftest import CORPUS
from logcodes.cli import main as cli_main

T0 = dt.datetime(2026, 11, 24, 10, 0, 0, tzinfo=dt.timezone.utc)


class Trace:
    """SIP messages with their times, written as a SIPp -trace_msg log."""

    def __init__(self):
        self.items = []  # (seconds after T0, text)

    def message(self, at, first_line, call_id, cseq, method, from_tag, to_tag=None, extra=(), branch=None):
        to = "<sip:bob@example.com>" + (f";tag={to_tag}" if to_tag else "")
        branch = branch or f"z9hG4bK-{call_id}-{cseq}-{method}"
        lines = [first_line, f"Via: SIP/2.0/UDP 192.0.2.1:5060;branch={branch}",
                 f"From: <sip:alice@example.com>;tag={from_tag}", f"To: {to}", f"Call-ID: {call_id}",
                 f"CSeq: {cseq} {method}", *extra, "Content-Length: 0"]
        self.items.append((at, "\r\n".join(lines) + "\r\n\r\n"))

    def request(self, at, method, call_id, cseq, from_tag="caller", to_tag=None, extra=(), cseq_method=None):
        self.message(at, f"{method} sip:bob@example.com SIP/2.0", call_id, cseq, cseq_method or method, from_tag,
                     to_tag, extra)

    def response(self, at, code, reason, call_id, cseq, method="INVITE", from_tag="caller", to_tag="callee",
                 extra=()):
        self.message(at, f"SIP/2.0 {code} {reason}", call_id, cseq, method, from_tag, to_tag, extra)

    def text(self, items=None):
        out = []
        for at, msg in sorted(items if items is not None else self.items, key=lambda x: x[0]):
            stamp = (T0 + dt.timedelta(seconds=at)).strftime("%Y-%m-%d %H:%M:%S.%f")
            out.append(f"----------------------------------------------- {stamp}\nUDP message sent:\n\n{msg}")
        return "".join(out).encode()


HOUR = 3600.0


def build():
    t = Trace()
    # 1. RFC 3261 §22.2: INVITE -> 407 -> ACK -> INVITE with credentials -> 100/180/200; the caller hangs up.
    b = 60.0
    t.request(b, "INVITE", "auth", 1)
    t.response(b + 0.020, 407, "Proxy Authentication Required", "auth", 1, to_tag="proxy")
    t.request(b + 0.021, "ACK", "auth", 1, to_tag="proxy")
    t.request(b + 0.100, "INVITE", "auth", 2, extra=["Proxy-Authorization: Digest username=\"alice\""])
    t.response(b + 0.110, 100, "Trying", "auth", 2, to_tag=None)
    t.response(b + 0.400, 180, "Ringing", "auth", 2)
    t.response(b + 2.000, 200, "OK", "auth", 2)
    t.request(b + 2.010, "ACK", "auth", 2, to_tag="callee")
    t.request(b + 32.000, "BYE", "auth", 3, to_tag="callee")
    t.response(b + 32.050, 200, "OK", "auth", 3, method="BYE")
    # 2. Forking (RFC 3261 §16.7, RFC 6228): two phones ring, b's early dialog ends with 199, a answers,
    #    b is cancelled by the proxy (487); the callee hangs up (its BYE: From = a's tag, To = the caller's).
    b = 120.0
    t.request(b, "INVITE", "fork", 1)
    t.response(b + 0.250, 183, "Session Progress", "fork", 1, to_tag="b")
    t.response(b + 0.300, 180, "Ringing", "fork", 1, to_tag="a")
    t.response(b + 0.500, 199, "Early Dialog Terminated", "fork", 1, to_tag="b")
    t.response(b + 1.000, 200, "OK", "fork", 1, to_tag="a")
    t.response(b + 1.050, 487, "Request Terminated", "fork", 1, to_tag="b")
    t.request(b + 1.060, "ACK", "fork", 1, to_tag="a")
    t.request(b + 11.000, "BYE", "fork", 1, from_tag="a", to_tag="caller")
    t.response(b + 11.020, 200, "OK", "fork", 1, method="BYE", from_tag="a", to_tag="caller")
    # 3. §8.1.3.4: 302, then a new INVITE (same Call-ID and From-tag, CSeq 2) answered 486 with a Q.850 cause.
    b = 180.0
    t.request(b, "INVITE", "redirect", 1)
    t.response(b + 0.050, 302, "Moved Temporarily", "redirect", 1, to_tag="r")
    t.request(b + 0.051, "ACK", "redirect", 1, to_tag="r")
    t.request(b + 0.200, "INVITE", "redirect", 2)
    t.response(b + 0.700, 486, "Busy Here", "redirect", 2, extra=['Reason: Q.850;cause=17;text="User busy"'])
    t.request(b + 0.701, "ACK", "redirect", 2, to_tag="callee")
    # 4. §9: the caller cancels while it rings.
    b = 240.0
    t.request(b, "INVITE", "cancel", 1)
    t.response(b + 0.100, 180, "Ringing", "cancel", 1)
    t.request(b + 5.000, "CANCEL", "cancel", 1)
    t.response(b + 5.010, 200, "OK", "cancel", 1, method="CANCEL")
    t.response(b + 5.020, 487, "Request Terminated", "cancel", 1)
    t.request(b + 5.021, "ACK", "cancel", 1, to_tag="callee")
    # 5. §14: answered without ringing, then a re-INVITE refused with 491 and one accepted; the caller hangs up.
    b = HOUR + 60.0
    t.request(b, "INVITE", "reinvite", 1)
    t.response(b + 0.500, 200, "OK", "reinvite", 1)
    t.request(b + 0.510, "ACK", "reinvite", 1, to_tag="callee")
    t.request(b + 10.000, "INVITE", "reinvite", 2, to_tag="callee")
    t.response(b + 10.010, 491, "Request Pending", "reinvite", 2)
    t.request(b + 10.011, "ACK", "reinvite", 2, to_tag="callee")
    t.request(b + 12.000, "INVITE", "reinvite", 3, to_tag="callee")
    t.response(b + 12.010, 200, "OK", "reinvite", 3)
    t.request(b + 20.000, "BYE", "reinvite", 4, to_tag="callee")
    t.response(b + 20.010, 200, "OK", "reinvite", 4, method="BYE")
    # 6. Retransmissions (§17.1.1.2 Timer A, §17.2.1): the INVITE and its 503 are sent twice.
    b = HOUR + 120.0
    t.request(b, "INVITE", "retrans", 1)
    t.request(b + 0.500, "INVITE", "retrans", 1)
    t.response(b + 0.510, 100, "Trying", "retrans", 1, to_tag=None)
    t.response(b + 1.000, 503, "Service Unavailable", "retrans", 1)
    t.request(b + 1.001, "ACK", "retrans", 1, to_tag="callee")
    t.response(b + 1.500, 503, "Service Unavailable", "retrans", 1)
    t.request(b + 1.501, "ACK", "retrans", 1, to_tag="callee")
    # 7. 401, then the INVITE with credentials is answered 404.
    b = HOUR + 180.0
    t.request(b, "INVITE", "reject", 1)
    t.response(b + 0.030, 401, "Unauthorized", "reject", 1, to_tag="reg")
    t.request(b + 0.031, "ACK", "reject", 1, to_tag="reg")
    t.request(b + 0.100, "INVITE", "reject", 2, extra=["Authorization: Digest username=\"alice\""])
    t.response(b + 0.300, 404, "Not Found", "reject", 2)
    t.request(b + 0.301, "ACK", "reject", 2, to_tag="callee")
    # 8. The capture starts after the INVITE: its responses and the BYE only.
    b = 300.0
    t.response(b + 0.300, 180, "Ringing", "orphan", 1)
    t.response(b + 0.900, 200, "OK", "orphan", 1)
    t.request(b + 9.000, "BYE", "orphan", 2, to_tag="callee")
    # 9. A BYE and its answer only.
    t.request(b + 20.000, "BYE", "byeonly", 7, from_tag="x", to_tag="y")
    t.response(b + 20.010, 200, "OK", "byeonly", 7, method="BYE", from_tag="x", to_tag="y")
    # 10. §10.2 with §22.2: REGISTER -> 401 -> REGISTER with credentials -> 200.
    b = 400.0
    t.request(b, "REGISTER", "reg", 1, to_tag=None)
    t.response(b + 0.010, 401, "Unauthorized", "reg", 1, method="REGISTER", to_tag="registrar")
    t.request(b + 0.050, "REGISTER", "reg", 2, extra=["Authorization: Digest username=\"alice\""])
    t.response(b + 0.080, 200, "OK", "reg", 2, method="REGISTER", to_tag="registrar")
    # 11. Still ringing when the capture ends: no final response.
    b = HOUR + 240.0
    t.request(b, "INVITE", "ringing", 1)
    t.response(b + 0.100, 180, "Ringing", "ringing", 1)
    return t


# (outcome, code, attempts, auth_rounds, hangup) of each counted call, from the flows above.
EXPECTED_CALLS = {
    ("answered", 200, 2, 1, "caller"): 1,    # 1
    ("answered", 200, 1, 0, "callee"): 1,    # 2
    ("busy", 486, 2, 0, None): 1,            # 3
    ("cancelled", 487, 1, 0, None): 1,       # 4
    ("answered", 200, 1, 0, "caller"): 1,    # 5
    ("failed", 503, 1, 0, None): 1,          # 6
    ("failed", 404, 2, 1, None): 1,          # 7
}
BY = "outcome,code,attempts,auth_rounds,hangup"


def expected_kpis():
    """Calls 1-7, registration 10, worked out by hand (delays in seconds)."""
    return {
        "calls": 7, "answered": 3, "busy": 1, "no_answer": 0, "rejected": 0, "cancelled": 1, "failed": 2,
        "ASR": 3 / 7,                        # E.411: answered / calls
        "NER": (3 + 1) / 7,                  # answered + busy (no no_answer, no rejected)
        "SER": 3 / (7 - 0),                  # the 302 of call 3 was followed: no call ends in 3xx
        "SEER": (3 + 1) / 7,                 # 200 x3, 486
        "ISA": 1 / 7,                        # 503
        "SCR": 3 / 7,                        # calls 1, 2, 5 ended by a BYE answered 200
        "SRD": (0.400 + 0.250 + 0.500) / 3,  # first INVITE -> first 18x (1: 180, 2: 183) or 200 (5)
        "SRD_failed": (0.700 + 1.000 + 0.300) / 3,  # calls 3, 6, 7; the cancelled call 4 is left out
        "PDD": (0.400 + 0.250 + 0.100) / 3,  # calls 1, 2, 4 rang
        "setup_time": (2.000 + 1.000 + 0.500) / 3,
        "SDD": (0.050 + 0.020 + 0.010) / 3,
        "SDT": (30.0 + 10.0 + 19.5) / 3,
        "invites": 2 + 1 + 2 + 1 + 1 + 1 + 2, "auth_rounds": 2,
        "registrations": 1, "registered": 1, "RRD": 0.080, "registration_ratio": 1.0,
    }


def check_kpis(row, expected):
    for name, want in expected.items():
        got = row[name]
        if isinstance(want, float):
            assert got == pytest.approx(want, abs=1e-9), name
        else:
            assert got == want, name


@pytest.fixture()
def trace(tmp_path):
    p = tmp_path / "calls_messages.log"
    p.write_bytes(build().text())
    return p


def test_calls_of_the_generated_trace(trace):
    s = logcodes.scan(trace, by=BY, count="calls")
    assert s.files[0].format == "sip_trace"
    assert s.counts() == EXPECTED_CALLS
    assert s.calls == 7 and s.incomplete_calls == 1        # call 11 is still ringing
    assert s.calls_without_invite == 2                     # calls 8 and 9
    assert sorted(x.text for x in s.without_request_samples) == ["byeonly", "orphan"]
    assert s.registrations_without_request == 0
    check_kpis(s.kpis().iloc[0], expected_kpis())


def test_kpis_per_hour(trace):
    s = logcodes.scan(trace, by="time:1h,outcome", count="calls")
    k = s.kpis(by="time")
    assert list(k["time"]) == [T0, T0 + dt.timedelta(hours=1)]
    first, second = k.iloc[0], k.iloc[1]
    # calls 1-4 and the registration at 10:xx; calls 5-7 at 11:xx
    assert (first["calls"], first["answered"], first["registrations"]) == (4, 2, 1)
    assert first["ASR"] == pytest.approx(2 / 4) and first["SEER"] == pytest.approx(3 / 4)
    assert (second["calls"], second["answered"], second["registrations"]) == (3, 1, 0)
    assert second["ASR"] == pytest.approx(1 / 3) and second["ISA"] == pytest.approx(1 / 3)
    assert math.isnan(second["RRD"]) and math.isnan(second["registration_ratio"])
    assert second["SDT"] == pytest.approx(19.5)
    with pytest.raises(ValueError, match="grouped by 'code'"):
        s.kpis(by="code")


def test_any_split_order_or_block_size_gives_the_same_calls(trace, tmp_path):
    whole = logcodes.scan(trace, by=BY, count="calls")
    items = build().items
    # cut every call in two: odd messages in one file, even ones in the other
    a, b = tmp_path / "a.log", tmp_path / "b.log"
    a.write_bytes(build().text(items[0::2]))
    b.write_bytes(build().text(items[1::2]))
    for paths in ([a, b], [b, a]):
        s = logcodes.scan(paths, by=BY, count="calls", format="sip_trace")
        assert s.counts() == whole.counts()
        assert s.kpis().equals(whole.kpis())
        assert (s.incomplete_calls, s.calls_without_invite) == (1, 2)
    for block in (1, 97, 4096):
        s = logcodes.scan(trace, by=BY, count="calls", block_size=block, threads=2)
        assert s.counts() == whole.counts() and s.kpis().equals(whole.kpis())
    st = logcodes.Stream(by=BY, count="calls", format="sip_trace")
    data = trace.read_bytes()
    for i in range(0, len(data), 333):
        st.feed(data[i:i + 333])
    streamed = st.close()
    assert streamed.counts() == whole.counts() and streamed.kpis().equals(whole.kpis())


def test_merge_pickle_and_where_keep_the_figures(trace, tmp_path):
    t = build()
    # whole calls in each file: calls 1-4 and the registration, then the rest
    first = [x for x in t.items if x[0] < HOUR]
    rest = [x for x in t.items if x[0] >= HOUR]
    a, b = tmp_path / "a.log", tmp_path / "b.log"
    a.write_bytes(t.text(first))
    b.write_bytes(t.text(rest))
    sa = logcodes.scan(a, by=BY, count="calls", format="sip_trace")
    sb = logcodes.scan(b, by=BY, count="calls", format="sip_trace")
    whole = logcodes.scan(trace, by=BY, count="calls")
    merged = sa + sb
    assert merged.counts() == whole.counts()
    assert merged.kpis().equals(whole.kpis())
    assert pickle.loads(pickle.dumps(merged)).kpis().equals(whole.kpis())
    answered = whole.where(outcome="answered").kpis().iloc[0]
    assert (answered["calls"], answered["ASR"], answered["registrations"]) == (3, 1.0, 0)
    assert answered["SDT"] == pytest.approx((30.0 + 10.0 + 19.5) / 3)


def test_retransmissions_change_nothing(trace, tmp_path):
    t = build()
    doubled = t.items + [(at + 0.5, msg) for at, msg in t.items if not msg.startswith("ACK")]
    p = tmp_path / "doubled.log"
    p.write_bytes(t.text(doubled))
    s = logcodes.scan(p, by=BY, count="calls")
    whole = logcodes.scan(trace, by=BY, count="calls")
    assert s.counts() == whole.counts()
    # every first copy is where it was, so every delay (taken from first copies) is unchanged
    assert s.kpis().equals(whole.kpis())


def test_new_dimensions_elsewhere_are_none(data):
    s = logcodes.scan(data / "nginx_lab_combined.log", by="code,attempts,auth_rounds,hangup")
    assert {k[1:] for k in s.counts()} == {(None, None, None)}


def test_cli_json_has_the_kpis(trace, capsys):
    assert cli_main(["summarize", str(trace), "--count", "calls", "--by", "outcome", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    (row,) = out["kpis"]
    assert row["calls"] == 7 and row["ASR"] == pytest.approx(3 / 7)
    assert out["calls_without_invite"] == 2
    assert out["without_request_samples"][0]["text"] in ("byeonly", "orphan")


def test_every_corpus_capture_and_trace_scans_as_calls(corpus):
    paths = sorted((corpus / "sip" / "pcap").iterdir()) + sorted((corpus / "sip" / "text").glob("*.txt"))
    for path in paths:
        s = logcodes.scan(path, by="time:1h,outcome,code,attempts,auth_rounds,hangup", count="calls")
        assert s.counted == s.calls, path.name
        k = s.kpis()
        assert int(k["calls"].sum()) == s.calls, path.name
        assert not s.problems, path.name


# tshark's dissection, read per message, against logcodes' calls, on every capture of the corpus: UDP, TCP
# (with retransmissions), SCTP, WebSocket, IPv6 and ERSPAN. Over TCP, SCTP and WebSocket one frame may carry
# several SIP messages and one message may span frames: tshark reassembles them (the options below) and
# every "sip" layer of a frame is read (-T json --no-duplicate-keys keeps them all, as a list).
TSHARK_REASSEMBLY = ["-o", "tcp.desegment_tcp_streams:TRUE", "-o", "sip.desegment_headers:TRUE",
                     "-o", "sip.desegment_body:TRUE"]


def _field(tree, name):
    """The first value of dissector field `name` anywhere in a tshark JSON tree (None when absent)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if name in node:
                value = node[name]
                return value[0] if isinstance(value, list) else value
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, list):
            stack.extend(reversed(node))
    return None


def tshark_messages(path):
    """Every SIP message tshark dissects in `path`, in frame order, with the frame's time."""
    out = subprocess.run(["tshark", "-r", str(path), *TSHARK_REASSEMBLY, "-Y", "sip", "-T", "json",
                          "--no-duplicate-keys", "-J", "frame sip"], capture_output=True, text=True, check=True).stdout
    for frame in json.loads(out):
        layers = frame["_source"]["layers"]
        time = float(_field(layers["frame"], "frame.time_epoch"))
        sips = layers["sip"] if isinstance(layers["sip"], list) else [layers["sip"]]
        for sip in sips:
            status = _field(sip, "sip.Status-Code")
            yield {"time": time, "call_id": _field(sip, "sip.Call-ID"), "from_tag": _field(sip, "sip.from.tag") or "",
                   "to_tag": _field(sip, "sip.to.tag") or "", "cseq": int(_field(sip, "sip.CSeq.seq")),
                   "cseq_method": _field(sip, "sip.CSeq.method"), "request": status is None,
                   "status": int(status) if status is not None else 0,
                   "credentials": status is None and (_field(sip, "sip.Authorization") is not None
                                                      or _field(sip, "sip.Proxy-Authorization") is not None),
                   "stale": str(_field(sip, "sip.auth.stale")).strip('"').lower() == "true"}


def tshark_truth(path):
    """What RFC 3261 makes of tshark's messages: calls per (final code, INVITEs, 401/407s, who hung up),
    calls without a final response, Call-IDs without their INVITE, registrations (finished, registered) and the
    SIP messages read (requests, responses)."""
    invites = collections.defaultdict(lambda: {"request": False, "in_dialog": False, "finals": []})
    byes = collections.defaultdict(lambda: {"time": math.inf, "final": 0})
    registers = collections.defaultdict(lambda: {"request": False, "credentials": False, "stale": False,
                                                 "final": 0})
    call_ids = set()
    read = collections.Counter()
    for m in tshark_messages(path):
        read["requests" if m["request"] else "responses"] += 1
        method = m["cseq_method"]
        if method == "INVITE" or (method == "CANCEL" and m["request"]):
            call_ids.add(m["call_id"])
            t = invites[(m["call_id"], m["from_tag"], m["cseq"])]
            if method == "CANCEL":
                continue
            if m["request"]:
                t["request"] = True
                t["in_dialog"] = t["in_dialog"] or bool(m["to_tag"])
            elif m["status"] >= 200:
                t["finals"].append(m["status"])
        elif method == "BYE":
            call_ids.add(m["call_id"])
            b = byes[(m["call_id"], m["from_tag"], m["to_tag"], m["cseq"])]
            if m["request"]:
                b["time"] = min(b["time"], m["time"])
            elif m["status"] >= 200 and not b["final"]:
                b["final"] = m["status"]
        elif method == "REGISTER":
            r = registers[(m["call_id"], m["cseq"])]
            r["request"] = r["request"] or m["request"]
            r["credentials"] = r["credentials"] or m["credentials"]
            r["stale"] = r["stale"] or (m["status"] in (401, 407) and m["stale"])
            if m["status"] >= 200 and not r["final"]:
                r["final"] = m["status"]
    calls, incomplete, without_invite = collections.Counter(), 0, 0
    attempts = collections.defaultdict(list)
    for (call_id, from_tag, cseq), t in sorted(invites.items()):
        attempts[(call_id, from_tag)].append(t)
    with_call = set()
    for (call_id, from_tag), ts in attempts.items():
        counted, answered = [], False
        for t in ts:
            if t["in_dialog"] or answered:
                continue
            counted.append(t)
            answered = any(c // 100 == 2 for c in t["finals"])
        if not counted or not any(t["request"] for t in counted):
            continue
        with_call.add(call_id)
        finals = counted[-1]["finals"]
        ok = [c for c in finals if c // 100 == 2]
        code = ok[0] if ok else (min(finals) if finals else 0)
        if not code:
            incomplete += 1
            continue
        hangup = None
        if answered:   # the earliest BYE of the dialog: the caller's carries its From-tag as From, the callee's as To
            ends = sorted((b["time"], f == from_tag) for (c, f, to, _), b in byes.items()
                          if c == call_id and from_tag in (f, to))
            hangup = ("caller" if ends[0][1] else "callee") if ends else None
        auth = sum(1 for t in counted if t["finals"] and min(t["finals"]) in (401, 407))
        calls[(code, len(counted), auth, hangup)] += 1
    without_invite = len(call_ids - with_call)
    finished = registered = 0
    by_call = collections.defaultdict(list)
    for (call_id, cseq), r in sorted(registers.items()):
        by_call[call_id].append(r)
    for rs in by_call.values():   # docs/sip.md: a registration runs to the first answer that is no challenge
        open_, final = False, 0
        for r in rs:
            open_ = True
            if not r["final"]:
                continue
            final = r["final"]
            if r["final"] in (401, 407) and (not r["credentials"] or r["stale"]):
                continue
            finished, registered, open_ = finished + 1, registered + (final // 100 == 2), False
        if open_ and rs[-1]["final"]:
            finished += 1
    return {"calls": dict(calls), "incomplete": incomplete, "without_invite": without_invite,
            "registrations": (finished, registered), "messages": (read["requests"], read["responses"])}


# Where logcodes and tshark's dissection disagree, and why (read in `tshark -V` of the capture): none today.
# An entry maps a capture to {"what differs": (logcodes' value, tshark's value, the reason)}.
TSHARK_KNOWN_DIFFERENCES: dict = {}


def logcodes_truth(path):
    s = logcodes.scan(path, by="code,attempts,auth_rounds,hangup", count="calls")
    k = s.kpis()
    return {"calls": s.counts(), "incomplete": s.incomplete_calls, "without_invite": s.calls_without_invite,
            "registrations": (int(k["registrations"].sum()), int(k["registered"].sum())) if len(k) else (0, 0),
            "messages": (s.requests, s.call_responses)}


CORPUS_PCAP = CORPUS / "sip" / "pcap"
CAPTURES = sorted(p.name for p in (CORPUS_PCAP.iterdir() if CORPUS_PCAP.is_dir() else []))


@pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark not installed")
@pytest.mark.parametrize("name", CAPTURES)
def test_calls_agree_with_tshark(corpus, name):
    path = corpus / "sip" / "pcap" / name
    ours, theirs = logcodes_truth(path), tshark_truth(path)
    for what, (mine, tshark, why) in TSHARK_KNOWN_DIFFERENCES.get(name, {}).items():
        assert (ours[what], theirs[what]) == (mine, tshark), why   # the difference is the one explained
        ours[what] = theirs[what] = None
    assert ours == theirs


def test_every_capture_is_compared_with_tshark(corpus):
    # Every capture of the corpus is in the comparison above (none left out by its transport).
    assert CAPTURES == sorted(p.name for p in (corpus / "sip" / "pcap").iterdir()) and len(CAPTURES) >= 9
    assert set(TSHARK_KNOWN_DIFFERENCES) <= set(CAPTURES)


def test_figures_follow_the_protocol_column(trace, data):
    # HTTP records at count="calls" are counted one each; a merge with them puts "protocol" among the dims and
    # the call figures stay with the SIP groups.
    sip = logcodes.scan(trace, by="outcome", count="calls")
    http = logcodes.scan(data / "nginx_lab_combined.log", by="outcome", count="calls")
    merged = sip + http
    assert merged.dims == ("protocol", "outcome")
    assert merged.kpis().equals(sip.kpis())
    per = merged.kpis(by="protocol")
    assert list(per["protocol"]) == ["sip"] and int(per["calls"].iloc[0]) == 7


def test_proxy_acc_lines_and_the_callers_traces_give_the_same_calls(corpus):
    # The same SIPp calls through Kamailio: its acc lines (one per transaction, no requests) and the
    # callers' own message traces.
    d = corpus / "lab_generated" / "kamailio_sipp"
    acc = logcodes.scan(d / "kamailio_acc_lines.log", by="outcome,code,attempts", count="calls")
    uac = logcodes.scan(sorted(d.glob("uac_*_messages.log")), by="outcome,code,attempts", count="calls")
    assert acc.counts() == uac.counts() and acc.calls == 12
    ratios = ["calls", "ASR", "NER", "SER", "SEER", "ISA", "SCR"]
    assert acc.kpis()[ratios].equals(uac.kpis()[ratios])
    assert acc.kpis()["SCR"].iloc[0] == pytest.approx(2 / 12)   # the two answered calls ended by a BYE
