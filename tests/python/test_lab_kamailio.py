"""The Kamailio lab (tests/lab/kamailio/run.sh): real calls through a proxy that challenges, forks and redirects.

Messages: logcodes' counts on the capture equal tshark's, and on each SIPp trace equal SIPp's own counts.
Calls: per-call outcomes, final codes and KPIs on the capture and on the callers' traces equal EXPECTED.json,
which comes from the scenario files and SIPp's statistics (tests/lab/kamailio/expected.py), not from logcodes.
"""

import collections
import json
import pathlib
import shutil
import subprocess

import pytest

import logcodes

LAB = pathlib.Path(__file__).resolve().parents[1] / "data" / "lab_kamailio"
EXPECTED = json.loads((LAB / "EXPECTED.json").read_text())
CALLERS = sorted(name for name, s in EXPECTED["scenarios"].items() if s["kind"] == "call")


@pytest.fixture(scope="module")
def lab():
    return LAB


@pytest.fixture(scope="module")
def expected():
    return EXPECTED


def by_code_method(s):
    return {f"{code}/{method}": n for (code, method), n in s.counts("code", "method").items()}


def test_every_trace_has_expected_counts(lab, expected):
    assert sorted(p.name[:-len("_messages.log")] for p in (lab / "sipp").glob("*_messages.log")) == \
           sorted(expected["traces"])
    plan = (LAB.parents[1] / "lab" / "kamailio" / "plan.txt").read_text().splitlines()
    assert sorted(expected["scenarios"]) == sorted(line.split()[1] for line in plan if line.startswith("uac "))


# -- messages ---------------------------------------------------------------------------------------------

def test_capture_messages_equal_tshark(lab, expected):
    cap = expected["capture"]
    s = logcodes.scan(lab / "capture.pcap", by="code,method", count="messages")
    assert by_code_method(s) == cap["responses_by_method"]
    assert {str(c): n for c, n in s.counts("code").items()} == cap["responses"]
    assert s.requests == sum(cap["requests"].values())
    assert s.counted + s.requests == cap["messages"]
    assert s.unparsed == 0 and s.invalid == 0


def test_capture_holds_what_the_traces_hold(lab):
    # Every packet went between the proxy and one SIPp: the capture is the traces put together.
    cap = logcodes.scan(lab / "capture.pcap", by="code,method", count="messages")
    traces = logcodes.scan(sorted((lab / "sipp").glob("*_messages.log")), by="code,method", count="messages")
    assert cap.counts() == traces.counts() and cap.requests == traces.requests


def test_capture_transactions_fold_nothing(lab, expected):
    # tshark saw no resent message; each leg of a proxied response has its own top Via branch; and the 180s of
    # a forked INVITE's two branches (two To tags, two early dialogs) are two responses, not a retransmission.
    s = logcodes.scan(lab / "capture.pcap", by="code,method", count="transactions")
    assert by_code_method(s) == expected["capture"]["responses_by_method"]
    assert s.retransmissions == expected["capture"]["resent"] == 0


def test_registrations_at_message_level(lab, expected):
    r = expected["registrations"]
    got = by_code_method(logcodes.scan(lab / "capture.pcap", by="code,method", count="messages"))
    assert got["401/REGISTER"] == r["challenges"] and got["200/REGISTER"] == r["successes"]
    assert expected["capture"]["requests"]["REGISTER"] == r["attempts"]


@pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark not installed")
def test_recorded_tshark_figures_are_this_captures(lab, expected):
    out = subprocess.run(["tshark", "-r", str(lab / "capture.pcap"), "-Y", "sip", "-T", "fields", "-e",
                          "sip.Status-Code", "-e", "sip.CSeq.method", "-e", "sip.Method"],
                         capture_output=True, text=True, check=True).stdout
    responses, requests = collections.Counter(), collections.Counter()
    for line in out.splitlines():
        code, cseq_method, method = line.split("\t")
        if code:
            responses[f"{code}/{cseq_method}"] += 1
        else:
            requests[method] += 1
    assert dict(responses) == expected["capture"]["responses_by_method"]
    assert dict(requests) == expected["capture"]["requests"]


@pytest.mark.parametrize("trace", sorted(EXPECTED["traces"]))
def test_sipp_trace_messages_equal_sipp_counts(lab, expected, trace):
    s = logcodes.scan(lab / "sipp" / f"{trace}_messages.log", by="code,method", count="messages")
    assert s.files[0].format == "sip_trace"
    assert by_code_method(s) == expected["traces"][trace]["responses"]
    assert s.requests == expected["traces"][trace]["requests"]
    assert s.unparsed == 0 and s.invalid == 0


# -- calls ------------------------------------------------------------------------------------------------

def test_capture_calls_by_outcome(lab, expected):
    s = logcodes.scan(lab / "capture.pcap", count="calls", by="outcome")
    assert s.counts("outcome") == expected["calls"]["outcomes"]
    assert s.calls == expected["calls"]["total"] and s.incomplete_calls == 0


def test_capture_calls_by_final_code(lab, expected):
    s = logcodes.scan(lab / "capture.pcap", count="calls", by="code")
    assert {str(c): n for c, n in s.counts("code").items()} == expected["calls"]["final_codes"]


def test_capture_kpis(lab, expected):
    k = logcodes.scan(lab / "capture.pcap", count="calls", by="outcome").kpis().iloc[0]   # one row: all calls
    want = expected["kpis"]
    column = {"attempts": "calls"}   # E.411's call attempts are kpis()'s "calls"
    assert {key: int(k[column.get(key, key)]) for key in want if key not in ("ASR", "NER")} == \
           {key: v for key, v in want.items() if key not in ("ASR", "NER")}
    assert k["ASR"] == pytest.approx(want["ASR"]) and k["NER"] == pytest.approx(want["NER"])


@pytest.mark.parametrize("caller", CALLERS)
def test_caller_trace_calls(lab, expected, caller):
    sc = expected["scenarios"][caller]
    s = logcodes.scan(lab / "sipp" / f"uac_{caller}_messages.log", count="calls", by="outcome,code")
    assert s.counts() == {(sc["outcome"], sc["final_code"]): sc["calls"]}
    assert s.calls == sc["calls"] and s.incomplete_calls == 0


def test_capture_attempts_and_auth_rounds_per_call(lab, expected):
    # Every call went through one 407 challenge; the redirected ones sent a third INVITE to the 302's Contact.
    want = collections.Counter()
    for sc in expected["scenarios"].values():
        if sc["kind"] == "call":
            want[(sc["outcome"], sc["final_code"], sc["invite_attempts"], sc["auth_rounds"])] += sc["calls"]
    s = logcodes.scan(lab / "capture.pcap", count="calls", by="outcome,code,attempts,auth_rounds")
    assert s.counts() == dict(want)


def test_capture_registrations(lab, expected):
    # 5 registration flows: 3 answered 200 after one 401, 2 with a wrong password refused after a second 401.
    k = logcodes.scan(lab / "capture.pcap", count="calls", by="outcome").kpis().iloc[0]
    want = expected["registrations"]
    assert int(k["registrations"]) == want["flows"]
    assert int(k["registered"]) == want["successes"]
    assert k["registration_ratio"] == pytest.approx(want["successes"] / want["flows"])
