"""Writes EXPECTED.json for a run of the Kamailio lab (run.sh calls it with the fixture directory).

The figures come from the lab's own definitions, never from logcodes:

- each call's truth (outcome, final code, INVITE attempts, auth rounds, re-INVITEs, CANCEL) and each
  registration's (attempts, challenges, successes) from reading the SIPp caller's scenario file, times the
  number of calls in plan.txt, confirmed by SIPp's statistics (every call successful, none failed);
- the message counts of each SIPp trace from SIPp's own -trace_counts file, each step's response given its
  method by the scenario;
- the message counts at the capture from tshark (`-z sip,stat` and the per-message fields run.sh saved).

Then it checks the scenarios did what they say: per call, tshark's view of the caller's leg must give the same
truth as the scenario file, every callee must have finished as many calls as reached it, and the capture must
hold exactly the messages of all the SIPp traces together. Any mismatch
stops with an error, so a fixture is only written for a run that behaved as designed.

Usage: python3 expected.py OUT_DIR
"""

import collections
import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROXY_PORT = "35060"

# Outcome of a call from its final response, in the vocabulary of logcodes.Summary.kpis() (ITU-T E.411 terms):
# the lab's callees send no Q.850 cause that would say otherwise (486 carries cause 17, user busy).
OUTCOME_RULES = ("answered: 2xx; cancelled: 487 or a CANCEL sent; busy: 486, 600; no_answer: 408, 480; "
                 "rejected: 403, 603, 606, 607, 608; failed: any other final response")


def outcome(code, cancelled):
    if 200 <= code < 300:
        return "answered"
    if code == 487 or cancelled:
        return "cancelled"
    if code in (486, 600):
        return "busy"
    if code in (408, 480):
        return "no_answer"
    if code in (403, 603, 606, 607, 608):
        return "rejected"
    return "failed"


def fail(message):
    sys.exit(f"expected.py: {message}")


def read_plan():
    uas, uac = {}, []
    for line in (HERE / "plan.txt").read_text().splitlines():
        f = line.split()
        if not f or f[0].startswith("#"):
            continue
        if f[0] == "uas":
            uas[f[1]] = f[2]
        else:
            uac.append({"name": f[1], "scenario": f[2], "user": f[3], "calls": int(f[4]), "port": f[7]})
    return uas, uac


# -- scenario files ---------------------------------------------------------------------------------------

def scenario_steps(path):
    """SIPp's message steps in order, numbered as SIPp numbers them (every send, recv, pause and nop), each as
    a dict: index, dir ('send'/'recv'), request (method) or response (code), optional; pauses are skipped."""
    steps = []
    for index, el in enumerate(e for e in ET.parse(path).getroot() if e.tag in ("send", "recv", "pause", "nop")):
        if el.tag in ("pause", "nop"):
            continue
        step = {"index": index, "dir": el.tag, "optional": el.get("optional") == "true"}
        if el.tag == "recv":
            if el.get("request"):
                step["request"] = el.get("request")
            else:
                step["response"] = int(el.get("response"))
        else:
            first = (el.text or "").strip().splitlines()[0].split()
            if first[0] == "SIP/2.0":
                step["response"] = int(first[1])
            else:
                step["request"] = first[0]
        steps.append(step)
    return steps


def attribute_methods(steps):
    """Gives each response step the method of the request it answers: a 200 while a CANCEL is open answers the
    CANCEL (a proxy or callee answers it at once), anything else the one other open request."""
    open_requests = []
    for s in steps:
        if "request" in s:
            if s["request"] != "ACK":
                open_requests.append(s["request"])
            continue
        code = s["response"]
        if code == 200 and "CANCEL" in open_requests:
            method = "CANCEL"
        else:
            others = [m for m in open_requests if m != "CANCEL"]
            if len(others) != 1:
                fail(f"cannot tell which request response step {s['index']} ({code}) answers: {open_requests}")
            method = others[0]
        s["method"] = method
        if code >= 200 and not s["optional"]:
            open_requests.remove(method)


def caller_truth(steps):
    """What one call (or registration) of a caller scenario is, from its mandatory steps."""
    t = {"invite_attempts": 0, "reinvites": 0, "auth_rounds": 0, "cancelled": False, "final_code": None,
         "registers": 0, "register_challenges": 0, "register_successes": 0}
    established = False
    for s in steps:
        if s["dir"] == "send" and "request" in s:
            m = s["request"]
            if m == "INVITE":
                t["reinvites" if established else "invite_attempts"] += 1
            t["cancelled"] |= m == "CANCEL"
            t["registers"] += m == "REGISTER"
        elif s["dir"] == "recv" and "response" in s:
            code, m = s["response"], s["method"]
            if s["optional"]:
                if code >= 200:
                    fail(f"optional final response {code} at step {s['index']}: the call's truth would depend on it")
                continue
            if code in (401, 407):
                t["auth_rounds" if m == "INVITE" else "register_challenges"] += 1
            elif m == "REGISTER" and 200 <= code < 300:
                t["register_successes"] += 1
            if m == "INVITE" and code >= 200 and not established:
                if code not in (401, 407):
                    t["final_code"] = code
                established = 200 <= code < 300
    return t


# -- SIPp's own figures -----------------------------------------------------------------------------------

def last_row(path):
    lines = [ln for ln in path.read_text().splitlines() if ln.strip()]
    return dict(zip(lines[0].split(";"), lines[-1].split(";")))


def sipp_calls(stat):
    row = last_row(stat)
    for bad in ("FailedUnexpectedMessage(C)", "DeadCallMsgs(C)"):
        if int(row[bad]) != 0:
            fail(f"{stat.name}: {bad} = {row[bad]}: the trace holds messages no scenario step accounts for")
    return {"successful": int(row["SuccessfulCall(C)"]), "failed": int(row["FailedCall(C)"]),
            "retransmissions": int(row["Retransmissions(C)"])}


def trace_counts(counts, steps):
    """Responses by "code/method" and the number of requests in the SIPp trace, from -trace_counts."""
    row = last_row(counts)
    responses, requests = collections.Counter(), 0
    for s in steps:
        name = f"{s['index']}_{s.get('request') or s['response']}"
        n = int(row[f"{name}_{'Sent' if s['dir'] == 'send' else 'Recv'}"]) + int(row[f"{name}_Retrans"])
        if int(row.get(f"{name}_Unexp", 0)):
            fail(f"{counts.name}: unexpected messages at step {name}")
        if "request" in s:
            requests += n
        elif n:
            responses[f"{s['response']}/{s['method']}"] += n
    return {"responses": dict(sorted(responses.items())), "requests": requests}


# -- tshark's reading of the capture ----------------------------------------------------------------------

def read_fields(path):
    lines = path.read_text().splitlines()
    head = lines[0].split("\t")
    return [dict(zip(head, ln.split("\t"))) for ln in lines[1:] if ln]


def capture_counts(out, rows):
    text = (out / "tshark_sip_stat.txt").read_text()
    codes = {m.group(1): int(m.group(2)) for m in re.finditer(r"SIP (\d{3}) [^:]*:\s+(\d+) Packets", text)}
    methods = {m.group(1): int(m.group(2)) for m in re.finditer(r"^\s+([A-Z]+)\s+:\s+(\d+) Packets", text, re.M)}
    total = int(re.search(r"Number of SIP messages: (\d+)", text).group(1))
    resent = int(re.search(r"Number of resent SIP messages: (\d+)", text).group(1))
    by_method = collections.Counter(f"{r['sip.Status-Code']}/{r['sip.CSeq.method']}" for r in rows if r["sip.Status-Code"])
    if sum(codes.values()) != sum(by_method.values()) or sum(methods.values()) + sum(codes.values()) != total:
        fail("tshark's sip,stat and its per-message fields disagree")
    return {"messages": total, "resent": resent, "responses": dict(sorted(codes.items())),
            "requests": dict(sorted(methods.items())), "responses_by_method": dict(sorted(by_method.items()))}


def call_view(msgs, port):
    """A call's truth as tshark saw it on the caller's leg (caller port <-> proxy), and the number of branches
    the proxy forked each forwarded initial INVITE into."""
    leg = [m for m in msgs if port in (m["udp.srcport"], m["udp.dstport"])]
    up = [m for m in leg if m["udp.srcport"] == port]
    down = [m for m in leg if m["udp.dstport"] == port]
    initial = [m for m in up if m["sip.Method"] == "INVITE" and not m["sip.to.tag"]]
    invite_cseqs = {m["sip.CSeq.seq"] for m in initial}
    finals = [m for m in down if m["sip.CSeq.method"] == "INVITE" and m["sip.CSeq.seq"] in invite_cseqs
              and int(m["sip.Status-Code"] or 0) >= 200 and m["sip.Status-Code"] not in ("401", "407")]
    regs = [m for m in down if m["sip.CSeq.method"] == "REGISTER"]
    # Callees the proxy sent each forwarded initial INVITE to: two for a parallel fork.
    branches = collections.defaultdict(set)
    for m in msgs:
        if m["udp.srcport"] == PROXY_PORT and m["sip.Method"] == "INVITE" and not m["sip.to.tag"]:
            branches[int(m["sip.CSeq.seq"])].add(m["udp.dstport"])
    return {
        "invite_attempts": len(invite_cseqs),
        "reinvites": len({m["sip.CSeq.seq"] for m in up if m["sip.Method"] == "INVITE" and m["sip.to.tag"]}),
        "auth_rounds": len({m["sip.CSeq.seq"] for m in down if m["sip.CSeq.method"] == "INVITE"
                            and m["sip.Status-Code"] in ("401", "407")}),
        "cancelled": any(m["sip.Method"] == "CANCEL" for m in up),
        "final_code": int(finals[-1]["sip.Status-Code"]) if finals else None,
        "registers": len({m["sip.CSeq.seq"] for m in up if m["sip.Method"] == "REGISTER"}),
        "register_challenges": sum(m["sip.Status-Code"] == "401" for m in regs),
        "register_successes": sum(m["sip.Status-Code"].startswith("2") for m in regs),
    }, [len(branches[k]) for k in sorted(branches)]


def main(out):
    out = Path(out)
    uas, plan = read_plan()
    rows = read_fields(out / "tshark_sip_fields.tsv")
    by_call = collections.defaultdict(list)
    for r in rows:
        by_call[r["sip.Call-ID"]].append(r)
    # A call belongs to the caller whose port sent its first message.
    calls_of = collections.defaultdict(list)
    for call_id, msgs in by_call.items():
        calls_of[msgs[0]["udp.srcport"]].append(call_id)

    scenarios, traces = {}, {}
    calls = {"total": 0, "outcomes": collections.Counter(), "final_codes": collections.Counter(),
             "invite_attempts": 0, "auth_rounds": 0, "reinvites": 0}
    registrations = collections.Counter()
    for c in plan:
        steps = scenario_steps(HERE / "scenarios" / c["scenario"])
        attribute_methods(steps)
        truth = caller_truth(steps)
        stats = sipp_calls(out / "sipp" / f"uac_{c['name']}_stat.csv")
        if stats["successful"] != c["calls"] or stats["failed"]:
            fail(f"caller {c['name']}: SIPp says {stats}, the plan {c['calls']} calls")
        traces[f"uac_{c['name']}"] = trace_counts(out / "sipp" / f"uac_{c['name']}_counts.csv", steps)
        ids = calls_of.get(c["port"], [])
        if len(ids) != c["calls"]:
            fail(f"caller {c['name']}: {len(ids)} Call-IDs in the capture, {c['calls']} planned")
        branches = set()
        for call_id in ids:
            seen, forks = call_view(by_call[call_id], c["port"])
            if seen != truth:
                fail(f"caller {c['name']}, call {call_id}: the capture shows {seen}, the scenario says {truth}")
            branches.add(tuple(forks))
        if len(branches) != 1:
            fail(f"caller {c['name']}: calls forked differently: {branches}")
        entry = {"scenario": c["scenario"], "user": c["user"], "calls": c["calls"], "sipp": stats}
        if truth["invite_attempts"]:
            entry.update(kind="call", outcome=outcome(truth["final_code"], truth["cancelled"]),
                         final_code=truth["final_code"], invite_attempts=truth["invite_attempts"],
                         auth_rounds=truth["auth_rounds"], reinvites=truth["reinvites"], cancelled=truth["cancelled"],
                         proxy_branches=list(branches.pop()))
            calls["total"] += c["calls"]
            calls["outcomes"][entry["outcome"]] += c["calls"]
            calls["final_codes"][str(entry["final_code"])] += c["calls"]
            for k in ("invite_attempts", "auth_rounds", "reinvites"):
                calls[k] += truth[k] * c["calls"]
        else:
            entry.update(kind="registration", attempts_per_flow=truth["registers"],
                         challenges_per_flow=truth["register_challenges"],
                         successes_per_flow=truth["register_successes"])
            registrations["flows"] += c["calls"]
            registrations["attempts"] += truth["registers"] * c["calls"]
            registrations["challenges"] += truth["register_challenges"] * c["calls"]
            registrations["successes"] += truth["register_successes"] * c["calls"]
        scenarios[c["name"]] = entry

    callees = {}
    for name, port in uas.items():
        steps = scenario_steps(HERE / "scenarios" / f"uas_{name}.xml")
        attribute_methods(steps)
        stats = sipp_calls(out / "sipp" / f"uas_{name}_stat.csv")
        reached = sum(any(m["udp.dstport"] == port for m in msgs) for msgs in by_call.values())
        if stats["failed"] or stats["successful"] != reached:
            fail(f"callee {name}: SIPp says {stats}, {reached} calls reached it in the capture")
        callees[name] = {"port": int(port), "sipp": stats}
        traces[f"uas_{name}"] = trace_counts(out / "sipp" / f"uas_{name}_counts.csv", steps)

    # Every message on the wire went between the proxy and one SIPp, so the capture holds exactly what the
    # traces hold: a capture that missed a packet, or a trace that missed one, stops here.
    capture = capture_counts(out, rows)
    in_traces = collections.Counter()
    for t in traces.values():
        in_traces.update(t["responses"])
    if dict(in_traces) != capture["responses_by_method"] or \
            sum(t["requests"] for t in traces.values()) != sum(capture["requests"].values()):
        fail(f"the capture's responses {capture['responses_by_method']} and requests {capture['requests']} are not "
             f"the traces' {dict(in_traces)} and {sum(t['requests'] for t in traces.values())} requests")

    attempts = calls["total"]
    o = calls["outcomes"]
    delivered = sum(o[k] for k in ("answered", "busy", "no_answer", "rejected"))
    expected = {
        "about": "Kamailio lab run (tests/lab/kamailio/run.sh); figures from the scenario files, plan.txt, SIPp's "
                 "statistics and tshark, checked against each other by tests/lab/kamailio/expected.py",
        "outcome_rules": OUTCOME_RULES,
        "scenarios": scenarios,
        "calls": {**calls, "outcomes": dict(sorted(o.items())), "final_codes": dict(sorted(calls["final_codes"].items()))},
        "kpis": {"attempts": attempts,
                 **{k: o[k] for k in ("answered", "busy", "no_answer", "rejected", "cancelled", "failed")},
                 "ASR": o["answered"] / attempts, "NER": delivered / attempts},
        "registrations": dict(registrations),
        "callees": callees,
        "capture": capture,
        "traces": traces,
    }
    (out / "EXPECTED.json").write_text(json.dumps(expected, indent=1) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
