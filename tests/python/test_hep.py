"""HEP and live capture as watch's sources (logcodes.live): the messages of a real capture (the Kamailio lab's)
mirrored over HEP count the same messages, transactions and calls as a scan of the capture; malformed packets
are counted and sampled; the CLI runs as a stage; live capture on loopback reads what is sent there."""

import io
import json
import os
import pathlib
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

import logcodes
from logcodes.live import CaptureSource, HepSource, LiveFollower
from logcodes.watch import CALL_DIMS, WATCH_DIMS, watch

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
from hep_wire import Message, hep2, hep3, pcap_messages  # noqa: E402

CAPTURE = ROOT / "tests" / "data" / "lab_kamailio" / "capture.pcap"
MESSAGES = list(pcap_messages(str(CAPTURE)))
BY = ("code", "method")


def run_windows(sources, send, *, count, interval=0.2, windows=3, by=BY):
    """Runs a LiveFollower while `send()` runs on another thread; stops after `windows` windows past the
    send. Returns the summaries and the follower."""
    follower = LiveFollower(sources, interval=interval, by=by, count=count)
    sender = threading.Thread(target=send)
    out = []
    with follower:
        sender.start()
        for s in follower:
            out.append(s)
            if not sender.is_alive():
                windows -= 1
                if windows <= 0:
                    follower.stop()
    sender.join()
    return out, follower


def total(summaries, *dims):
    merged = summaries[0]
    for s in summaries[1:]:
        merged = merged.merge(s)
    return merged.counts(*dims), merged


def udp_sender(address, packets, pace=50):
    host, port = address[len("udp://"):].rsplit(":", 1)

    def send():
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for i, p in enumerate(packets):
            s.sendto(p, (host, int(port)))
            if i % pace == 0:
                time.sleep(0.001)
        s.close()
    return send


@pytest.mark.parametrize("count", ["messages", "transactions", "calls"])
def test_hep_counts_equal_a_scan_of_the_capture(count):
    src = HepSource("udp://127.0.0.1:0")
    windows, follower = run_windows([src], udp_sender(src.address, [hep3(m) for m in MESSAGES]), count=count)
    got, merged = total(windows, *BY)
    want = logcodes.scan(CAPTURE, by=BY, count=count)
    assert got == want.counts(*BY)
    assert merged.total == want.total and merged.unparsed == 0
    stats = follower.source_stats[src.label]
    assert stats["packets"] == stats["messages"] == len(MESSAGES)
    assert stats["malformed"] == stats["socket_drops"] == 0
    if count == "calls":
        assert merged.kpis().to_dict("records") == want.kpis().to_dict("records")


def test_calls_are_counted_when_they_end_not_all_at_the_stop():
    """Calls spanning windows are counted once, in a window after they went quiet (64*T1 of message time):
    the lab's calls, then the same calls again 40 s later in message time (their own Call-IDs). The first
    copy's calls are counted by the windows as the second arrives; only the second's are left for the stop."""
    later = [m._replace(ts_sec=m.ts_sec + 40, payload=m.payload.replace(b"Call-ID: ", b"Call-ID: later-"))
             for m in MESSAGES]
    assert all(b"Call-ID: later-" in m.payload for m in later)
    src = HepSource("udp://127.0.0.1:0")
    send_first = udp_sender(src.address, [hep3(m) for m in MESSAGES])
    send_later = udp_sender(src.address, [hep3(m) for m in later])

    def send():
        send_first()
        time.sleep(0.5)
        send_later()
    windows, follower = run_windows([src], send, count="calls", windows=2)
    want = logcodes.scan(CAPTURE, by=BY, count="calls")
    before_stop, _ = total(windows[:-1], *BY)
    assert before_stop == want.counts(*BY)
    assert windows[-1].counts(*BY) == want.counts(*BY)
    assert follower.calls_at_stop[src.label] >= want.calls     # Call-IDs: the calls and the registrations


def test_versions_compression_tcp_and_ipv6_read_alike():
    half = len(MESSAGES) // 2
    v6 = [m._replace(src="2001:db8::1", dst="2001:db8::2") for m in MESSAGES[:half]]
    udp_packets = [hep2(m) for m in v6[:50]] + [hep2(m, version=1) for m in v6[50:]] + \
                  [hep3(m, compress=True, extra_chunks=b"\x00\x02\x00\x01\x00\x08xy") for m in MESSAGES[half:half + 40]]
    tcp_bytes = b"".join(hep3(m, correlation_id=b"c-%d" % i) for i, m in enumerate(MESSAGES[half + 40:]))
    udp = HepSource("udp://127.0.0.1:0")
    tcp = HepSource("tcp://127.0.0.1:0")
    send_udp = udp_sender(udp.address, udp_packets)

    def send():
        send_udp()
        host, port = tcp.address[len("tcp://"):].rsplit(":", 1)
        with socket.create_connection((host, int(port))) as c:
            for i in range(0, len(tcp_bytes), 997):      # cut anywhere, inside headers and payloads
                c.sendall(tcp_bytes[i:i + 997])
                time.sleep(0.001)
    windows, follower = run_windows([udp, tcp], send, count="messages")
    got, merged = total(windows, *BY)
    assert got == logcodes.scan(CAPTURE, by=BY, count="messages").counts(*BY)
    assert follower.source_stats[udp.label]["compressed"] == 40
    assert follower.source_stats[udp.label]["skipped_chunks"] == 40
    assert follower.source_stats[tcp.label]["connections"] == 1
    assert follower.source_stats[tcp.label]["messages"] == len(MESSAGES) - half - 40


def test_malformed_packets_are_counted_and_sampled():
    good = [hep3(m) for m in MESSAGES[:20]]
    bad = [b"", b"HEP3\x00\xff" + b"x" * 30, b"\x07" + b"\x00" * 40, b"HEP3\x00\x0d\x00\x00\x00\x01\x00\x07\x02",
           hep3(MESSAGES[0])[:-5], hep3(MESSAGES[0], proto_type=5)]   # the last: RTCP, not SIP
    src = HepSource("udp://127.0.0.1:0")
    follower = LiveFollower([src], interval=0.2, by=BY, count="messages")
    samples, records = [], 0
    with follower:
        udp_sender(src.address, good + bad)()
        for s in follower:
            samples += follower.samples[src.label]
            records += s.total + s.requests
            if follower.windows == 3:
                follower.stop()
    st = follower.source_stats[src.label]
    assert st["packets"] == 26
    assert st["messages"] == 20 and st["not_sip"] == 1 and st["malformed"] == 5
    assert st["malformed_by_reason"] == {"shorter than a HEP header": 1, "a length that does not fit the packet": 2,
                                         "not HEP (neither HEP3 nor version 1 or 2)": 1, "no payload chunk": 1}
    assert records == 20
    assert len(samples) == 5 and all(x["peer"].startswith("127.0.0.1:") for x in samples)


def test_samples_reach_the_window_records():
    from logcodes.watch import window_record

    src = HepSource("udp://127.0.0.1:0")
    follower = LiveFollower([src], interval=0.3, by=WATCH_DIMS)
    with follower:
        response = next(m for m in MESSAGES if m.payload.startswith(b"SIP/2.0 "))
        udp_sender(src.address, [b"\x16\x03\x01\x02\x00 tls hello", hep3(response)])()
        s = next(follower)
        rec = window_record(1, s, follower)
    live = rec["live"][src.label]
    assert live["malformed"] == 1 and live["messages"] == 1
    assert live["samples"][0]["why"].startswith("not HEP")
    assert live["samples"][0]["head"].startswith("\\x16\\x03\\x01")
    assert rec["records"] == 1


def test_bad_addresses_and_conflicting_options():
    with pytest.raises(ValueError, match="udp://HOST:PORT"):
        HepSource("127.0.0.1:9060")
    with pytest.raises(TypeError):
        HepSource(9060)
    with pytest.raises(ValueError, match="checkpoint"):
        watch(hep="udp://127.0.0.1:0", checkpoint="/tmp/x.json", once=True)
    with pytest.raises(ValueError, match="not both"):
        watch(["a.log"], hep="udp://127.0.0.1:0", once=True)
    with pytest.raises(OSError):
        CaptureSource("no-such-interface0")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_cli_stage_reports_windows_and_stops_cleanly():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "logcodes", "watch", "--hep", f"udp://127.0.0.1:{port}",
                             "--jsonl", "--interval", "0.3s", "--count", "calls"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(100):
            if f"udp://127.0.0.1:{port}" in proc.stderr.readline():
                break
        udp_sender(f"udp://127.0.0.1:{port}", [hep3(m) for m in MESSAGES])()
        time.sleep(0.8)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0
    windows = [json.loads(x) for x in out.splitlines()]
    want = logcodes.scan(CAPTURE, by=CALL_DIMS, count="calls")
    assert sum(w["calls"]["calls"] for w in windows) == want.kpis()["calls"].sum()
    assert sum(w["records"] for w in windows) == want.total
    last = windows[-1]
    assert "calls_counted_at_stop" in last and last["calls_open"] == 0
    assert last["live"][f"hep:udp://127.0.0.1:{port}"]["packets"] == len(MESSAGES)


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="live capture needs CAP_NET_RAW")


@needs_root
def test_live_capture_on_loopback_counts_what_was_sent():
    port = free_port()
    payloads = [m.payload for m in MESSAGES]
    src = CaptureSource("lo", f"udp and dst port {port}")

    def send():
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            for i, p in enumerate(payloads):
                s.sendto(p, ("127.0.0.1", port))
                if i % 50 == 0:
                    time.sleep(0.001)
    windows, follower = run_windows([src], send, count="messages")
    got, merged = total(windows, *BY)
    assert got == logcodes.scan(CAPTURE, by=BY, count="messages").counts(*BY)
    st = follower.source_stats[src.label]
    assert st["messages"] == len(payloads) and st["kernel_dropped"] == 0


@needs_root
def test_live_capture_without_the_capability_says_so():
    code = "import logcodes.live as l\ntry:\n l.CaptureSource('lo')\nexcept PermissionError as e:\n print(e)\n"
    r = subprocess.run(["setpriv", "--inh-caps=-all", "--bounding-set=-all", sys.executable, "-c", code],
                       capture_output=True, text=True)
    assert "CAP_NET_RAW" in r.stdout, r.stderr


def test_prometheus_live_counters_and_open_calls():
    from logcodes.prometheus import PrometheusExporter

    src = HepSource("udp://127.0.0.1:0")
    follower = LiveFollower([src], interval=0.3, by=CALL_DIMS, count="calls")
    exp = PrometheusExporter(max_series=50)
    with follower:
        udp_sender(src.address, [hep3(m) for m in MESSAGES[:60]] + [b"junk", hep3(MESSAGES[0], proto_type=100)])()
        next(follower)
        exp.observe(follower.sources, lag_bytes=follower.lag_bytes)
        exp.observe_live(follower.source_stats, open_calls=follower.open_calls)
    label = src.label
    assert exp.value("logcodes_live_packets_total", result="sip", source=label) == 60
    assert exp.value("logcodes_live_packets_total", result="malformed", source=label) == 1
    assert exp.value("logcodes_live_packets_total", result="not_sip", source=label) == 1
    assert exp.value("logcodes_live_dropped_total", where="socket", source=label) == 0
    # The first 60 messages leave calls open (in flight or lingering 64*T1): counted by the gauge.
    assert exp.value("logcodes_sip_calls_open", source=label) == follower.open_calls[label] > 0
    families = {f.name for f in exp.registry.collect()}
    assert {"logcodes_live_packets", "logcodes_live_dropped", "logcodes_sip_calls_open"} <= families
