"""The HEP lab (tests/lab/hep/run.sh): real Kamailio mirroring every message as HEPv3 (siptrace) to
`logcodes watch --hep`, a second stage capturing on lo, tcpdump, and SIPp's answered, busy, challenged
(401/407), redirected and cancelled calls. The stages' windows add up to a scan of tcpdump's capture and to
EXPECTED.json (tests/lab/hep/check.py); and the HEP packets Kamailio sent (hep.pcap), replayed to a HEP
source, count what the capture counts at every level."""

import importlib.util
import pathlib
import socket
import struct
import sys
import threading
import time

import pytest

import logcodes
from logcodes.live import HepSource, LiveFollower

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
from hep_wire import hep3_chunks, udp_payloads  # noqa: E402

LAB = ROOT / "tests" / "data" / "lab_hep"

spec = importlib.util.spec_from_file_location("hep_lab_check", ROOT / "tests" / "lab" / "hep" / "check.py")
check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check)


def hep_packets():
    return udp_payloads(str(LAB / "hep.pcap"))


def without_copies(packets):
    """Kamailio's packets less its second copies (check.hep_copies: same payload and addresses within 10 ms)."""
    last, out = {}, []
    for p in packets:
        c = hep3_chunks(p)
        key = (c[15], c.get(3), c.get(4), c.get(7), c.get(8))
        t = int.from_bytes(c[9], "big") + int.from_bytes(c[10], "big") / 1e6
        if not (key in last and t - last[key] < 0.01):
            out.append(p)
        last[key] = t
    return out


def test_the_stages_add_up_to_the_capture_and_to_sipp():
    assert check.check(LAB) == []


def test_calls_were_counted_as_they_ended_over_several_windows():
    for stage in check.STAGES:
        ws = check.windows(LAB, stage)
        with_calls = [w for w in ws if w["calls"]["calls"]]
        assert len(with_calls) >= 2, stage          # not all at once at the stop
        assert ws[-1]["calls_open"] == 0


def test_kamailio_sent_hepv3_for_every_message():
    packets = hep_packets()
    assert all(p[:4] == b"HEP3" and struct.unpack("!H", p[4:6])[0] == len(p) for p in packets)
    assert all(hep3_chunks(p)[0x0c] == (2001).to_bytes(4, "big") for p in packets)    # siptrace.cfg's capture id
    messages = check.json.loads((LAB / "EXPECTED.json").read_text())["capture"]["messages"]
    assert len(without_copies(packets)) == messages


@pytest.mark.parametrize("count", ["messages", "transactions", "calls"])
def test_kamailios_hep_replayed_counts_what_the_capture_counts(count):
    packets = without_copies(hep_packets())
    src = HepSource("udp://127.0.0.1:0")
    host, port = src.address[len("udp://"):].rsplit(":", 1)

    def send():
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            for i, p in enumerate(packets):
                s.sendto(p, (host, int(port)))
                if i % 50 == 0:
                    time.sleep(0.001)
    follower = LiveFollower([src], interval=0.2, by=("code", "method"), count=count)
    sender = threading.Thread(target=send)
    merged = None
    with follower:
        sender.start()
        for s in follower:
            merged = s if merged is None else merged.merge(s)
            if not sender.is_alive() and follower.source_stats[src.label]["packets"] == len(packets):
                follower.stop()
    sender.join()
    want = logcodes.scan(LAB / "capture.pcap", by=("code", "method"), count=count)
    assert merged.counts() == want.counts()
    assert merged.total == want.total and merged.requests == want.requests
