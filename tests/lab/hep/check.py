"""Checks a run of the HEP lab (run.sh calls it with the fixture directory; test_lab_hep.py with the committed
one): the windows of `logcodes watch --hep` and of `logcodes watch --interface lo`, added up, equal a scan of
the capture tcpdump took at the same time, the calls of EXPECTED.json (the scenarios and SIPp's statistics),
and each stage received every message (none malformed, none dropped): the capture stage each message on the
wire once, the HEP stage each packet Kamailio sent (hep.pcap), which are the messages on the wire and, for
Kamailio 5.6's siptrace, a second copy of each ACK it absorbs (the hop-by-hop ACK of a negative final
response: same bytes and addresses, tens of microseconds later). Those copies are found by comparing the
packets, never assumed.

Usage: python check.py OUT_DIR   (exits 1 and lists what differs)
"""

from __future__ import annotations

import collections
import json
import sys
from pathlib import Path
from typing import Any, Dict, List

import logcodes

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
from hep_wire import hep3_chunks, udp_payloads  # noqa: E402

STAGES = {"hep": "hep_windows.jsonl", "capture": "capture_windows.jsonl"}


def windows(out: Path, stage: str) -> List[Dict[str, Any]]:
    return [json.loads(line) for line in (out / STAGES[stage]).read_text().splitlines() if line.strip()]


def stage_totals(ws: List[Dict[str, Any]]) -> Dict[str, Any]:
    """What a stage's windows add up to: calls by (outcome, code), responses read, the KPI counts, and its
    live counters at the end."""
    calls: Dict[tuple, int] = collections.Counter()
    for w in ws:
        for g in w["counts"]:
            calls[(g["outcome"], g["code"])] += g["count"]
    kpis: Dict[str, int] = collections.Counter()
    for w in ws:
        for k in ("calls", "answered", "busy", "no_answer", "rejected", "cancelled", "failed", "incomplete_calls",
                  "calls_without_invite"):
            kpis[k] += w["calls"][k] or 0
    (live,) = ws[-1]["live"].values()
    return {"calls": dict(calls), "records": sum(w["records"] for w in ws), "kpis": dict(kpis), "live": live,
            "windows": len(ws), "at_stop": ws[-1].get("calls_counted_at_stop")}


def hep_copies(out: Path) -> Dict[str, Any]:
    """The HEP packets Kamailio sent: how many, and the second copies among them (the same payload, addresses
    and ports as an earlier packet, within 10 ms) by request method or response code."""
    packets = udp_payloads(str(out / "hep.pcap"))
    last: Dict[tuple, float] = {}
    copies: Dict[str, int] = collections.Counter()
    for p in packets:
        c = hep3_chunks(p)
        key = (c[15], c.get(3), c.get(4), c.get(7), c.get(8))
        t = int.from_bytes(c[9], "big") + int.from_bytes(c[10], "big") / 1e6
        if key in last and t - last[key] < 0.01:
            first = c[15].split(b" ", 2)
            copies[(first[1] if first[0] == b"SIP/2.0" else first[0]).decode()] += 1
        last[key] = t
    return {"packets": len(packets), "copies": dict(copies)}


def check(out: Path) -> List[str]:
    problems: List[str] = []
    expected = json.loads((out / "EXPECTED.json").read_text())
    scan = logcodes.scan(out / "capture.pcap", count="calls", by="outcome,code")
    want_calls = {k: n for k, n in scan.counts().items()}
    want_records = scan.total
    messages = expected["capture"]["messages"]
    sipp_calls = sum(sc["sipp"]["successful"] for sc in expected["scenarios"].values() if sc["kind"] == "call")
    outcomes: Dict[str, int] = collections.Counter()
    codes: Dict[str, int] = collections.Counter()
    for (outcome, code), n in want_calls.items():
        outcomes[outcome] += n
        codes[str(code)] += n
    if dict(outcomes) != expected["calls"]["outcomes"] or dict(codes) != expected["calls"]["final_codes"]:
        problems.append(f"the scan of capture.pcap {want_calls} differs from EXPECTED.json {expected['calls']}")
    for stage in STAGES:
        t = stage_totals(windows(out, stage))
        if t["calls"] != want_calls:
            problems.append(f"{stage}: calls by outcome and code {t['calls']} != the capture's {want_calls}")
        if t["records"] != want_records:
            problems.append(f"{stage}: {t['records']} responses read != the capture's {want_records}")
        if t["kpis"]["calls"] != sipp_calls or t["kpis"]["calls"] != expected["calls"]["total"]:
            problems.append(f"{stage}: {t['kpis']['calls']} calls != SIPp's {sipp_calls} successful calls")
        for k in ("answered", "busy", "cancelled", "failed"):
            if t["kpis"][k] != expected["kpis"][k]:
                problems.append(f"{stage}: {t['kpis'][k]} {k} calls != EXPECTED.json's {expected['kpis'][k]}")
        if t["kpis"]["incomplete_calls"] or t["kpis"]["calls_without_invite"]:
            problems.append(f"{stage}: incomplete calls or calls without INVITE: {t['kpis']}")
        live = t["live"]
        if stage == "hep":
            sent = hep_copies(out)
            if live["packets"] != sent["packets"] or live["messages"] != sent["packets"]:
                problems.append(f"hep: {live['packets']} packets and {live['messages']} SIP messages received != "
                                f"{sent['packets']} sent by Kamailio")
            if sent["packets"] - sum(sent["copies"].values()) != messages or set(sent["copies"]) - {"ACK"}:
                problems.append(f"hep: Kamailio's packets without their second copies {sent} != the capture's "
                                f"{messages} messages")
            if live["malformed"] or live["not_sip"] or live["socket_drops"]:
                problems.append(f"hep: malformed, not SIP or dropped: {live}")
        elif live["messages"] != messages:
            problems.append(f"{stage}: {live['messages']} SIP messages received != the capture's {messages}")
        if stage == "capture" and (live["kernel_dropped"] or live["interface_dropped"]):
            problems.append(f"capture: packets dropped: {live}")
        if t["windows"] < 2:
            problems.append(f"{stage}: {t['windows']} window(s): the calls did not span windows")
    return problems


def main(out: str) -> None:
    problems = check(Path(out))
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        sys.exit(1)
    h = stage_totals(windows(Path(out), "hep"))
    copies = hep_copies(Path(out))["copies"]
    print(f"checked {out}: {h['kpis']['calls']} calls and {h['records']} responses in {h['windows']} windows alike "
          f"over HEP, live capture and tcpdump's capture; HEP messages {h['live']['messages']} (second copies "
          f"from Kamailio: {copies})")


if __name__ == "__main__":
    main(sys.argv[1])
