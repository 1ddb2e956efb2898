"""Captures built to exhaust memory: IP fragments that claim large offsets and never complete, and floods of
TCP SYNs. The reassembly tables are bounded (fragment sets expire after 30 s of capture time; at most 4096
sets / 32 MiB; at most 65,536 flows): peak memory stays small, every SIP response after the junk is counted,
and the dropped state is counted and warned about."""

import json
import os
import struct
import subprocess
import sys
import warnings

import pytest

import logcodes

SIP_200 = (b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-%d\r\nFrom: <sip:a@x>;tag=1\r\n"
           b"To: <sip:b@x>;tag=2\r\nCall-ID: call-%d@x\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n")


def pcap_header() -> bytes:
    return struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)   # microseconds, Ethernet


def packet(t: float, ip_payload: bytes, *, proto: int, ident: int = 0, frag: int = 0, src: int = 0x0A000001,
           dst: int = 0x0A000002) -> bytes:
    ip = struct.pack("!BBHHHBBHII", 0x45, 0, 20 + len(ip_payload), ident, frag, 64, proto, 0, src, dst) + ip_payload
    frame = b"\x00" * 12 + b"\x08\x00" + ip
    sec = int(t)
    return struct.pack("<IIII", sec, int((t - sec) * 1e6), len(frame), len(frame)) + frame


def udp(payload: bytes, sport: int = 5060, dport: int = 5060) -> bytes:
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def tcp_syn(sport: int) -> bytes:
    return struct.pack("!HHIIBBHHH", sport, 5060, 1000, 0, 5 << 4, 0x02, 65535, 0, 0)


def sip_tail(t0: float, n: int) -> bytes:
    return b"".join(packet(t0 + i * 0.001, udp(SIP_200 % (i, i)), proto=17) for i in range(n))


def scan_in_child(path, *, as_limit=None):
    """Scans `path` in a fresh process (optionally under an address-space limit) and returns its counts and
    peak RSS in MiB."""
    code = f"""
import json, resource, sys, warnings
{'resource.setrlimit(resource.RLIMIT_AS, (%d, %d))' % (as_limit, as_limit) if as_limit else ''}
import logcodes
def hwm_kib():
    # VmHWM belongs to this process image; getrusage's maxrss keeps the (large) parent's from before exec.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    s = logcodes.scan({str(path)!r}, count="messages", by="code", on_error="warn")
print(json.dumps({{"codes": {{str(k): v for k, v in s.counts("code").items()}}, "unparsed": s.unparsed,
                  "evictions": sum(f.evictions for f in s.files), "problems": [str(p) for p in s.problems],
                  "warned": [str(x.message) for x in w],
                  "rss_mib": hwm_kib() / 1024}}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


# AddressSanitizer (make test SANITIZE=1) roughly triples memory; the bound is still a bound there.
ASAN = "libasan" in os.environ.get("LD_PRELOAD", "")
RSS_BOUND_MIB = 768 if ASAN else 256


def write_capture(path, packet_of, *, step=1e-5, tail_responses=1000):
    """A capture of packets `packet_of(n, t)`, `step` seconds apart, until it holds 10 MB, then
    `tail_responses` SIP 200s."""
    t = 1_700_000_000.0
    with open(path, "wb") as f:
        f.write(pcap_header())
        n = 0
        while f.tell() < 10_000_000:
            f.write(packet_of(n, t + n * step))
            n += 1
        f.write(sip_tail(t + n * step + 1, tail_responses))
    return path


@pytest.fixture(scope="module")
def fragment_bomb(tmp_path_factory):
    # 8-byte fragments, each of its own datagram, each claiming offset 65,000: each would reserve 64 KiB if
    # fragments were kept as dense buffers.
    return write_capture(tmp_path_factory.mktemp("cap") / "fragments.pcap", lambda n, t: packet(
        t, b"\x00" * 8, proto=17, ident=n & 0xFFFF, frag=0x2000 | (65000 // 8), src=0x0A000001 + (n >> 16)))


@pytest.fixture(scope="module")
def syn_flood(tmp_path_factory):
    return write_capture(tmp_path_factory.mktemp("cap") / "syns.pcap", lambda n, t: packet(
        t, tcp_syn(1024 + n % 60000), proto=6, src=0x0A000001 + n // 60000))


INVITE = (b"INVITE sip:b@x SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-i%d\r\nFrom: <sip:a@x>;tag=f%d\r\n"
          b"To: <sip:b@x>\r\nCall-ID: flood-%d@x\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n")


@pytest.fixture(scope="module")
def call_flood(tmp_path_factory):
    # INVITEs that each open a call and never finish it (count="calls" keeps every Call-ID).
    return write_capture(tmp_path_factory.mktemp("cap") / "calls.pcap",
                         lambda n, t: packet(t, udp(INVITE % (n, n, n)), proto=17), step=1e-4)


def test_a_call_flood_stays_small(call_flood):
    code = f"""
import json, logcodes
s = logcodes.scan({str(call_flood)!r}, count="calls", by="outcome")
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(json.dumps({{"incomplete": s.incomplete_calls, "without_invite": s.calls_without_invite, "rss_mib": hwm / 1024}}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    r = json.loads(out.stdout.strip().splitlines()[-1])
    # Every INVITE is a call without a final response; the 1,000 trailing 200s belong to no INVITE.
    assert r["incomplete"] > 40_000 and r["without_invite"] == 1000
    assert r["rss_mib"] < RSS_BOUND_MIB, r


@pytest.mark.parametrize("name", ["fragment_bomb", "syn_flood"])
def test_state_stays_bounded_and_nothing_after_the_junk_is_lost(request, name):
    path = request.getfixturevalue(name)
    r = scan_in_child(path)
    assert r["codes"] == {"200": 1000}
    assert r["evictions"] > 0 and any("dropped" in w for w in r["warned"])
    assert r["problems"] == []
    assert r["rss_mib"] < RSS_BOUND_MIB, r


@pytest.mark.skipif(ASAN, reason="AddressSanitizer reserves terabytes of address space: RLIMIT_AS cannot apply")
@pytest.mark.parametrize("name", ["fragment_bomb", "syn_flood"])
def test_the_same_under_a_1_gib_address_space(request, name):
    r = scan_in_child(request.getfixturevalue(name), as_limit=1 << 30)
    assert r["codes"] == {"200": 1000}


def test_fragments_out_of_order_and_repeated_still_join(tmp_path):
    msg = udp(SIP_200 % (7, 7))
    cut = [msg[:24], msg[24:64], msg[64:]]          # offsets 0, 24, 64: multiples of 8
    t = 1_700_000_000.0
    pkts = [packet(t, cut[2], proto=17, ident=9, frag=64 // 8),
            packet(t + 0.1, cut[0], proto=17, ident=9, frag=0x2000),
            packet(t + 0.2, cut[0], proto=17, ident=9, frag=0x2000),          # a repeat
            packet(t + 0.3, cut[1], proto=17, ident=9, frag=0x2000 | 24 // 8)]
    (tmp_path / "f.pcap").write_bytes(pcap_header() + b"".join(pkts))
    with warnings.catch_warnings():
        warnings.simplefilter("error")                 # nothing was dropped
        s = logcodes.scan(tmp_path / "f.pcap", count="messages", by="code")
    assert s.counts("code") == {200: 1}
    assert s.files[0].evictions == 0


def test_fragments_expire_after_30_seconds_of_capture_time(tmp_path):
    msg = udp(SIP_200 % (8, 8))
    t = 1_700_000_000.0
    pkts = [packet(t, msg[:24], proto=17, ident=5, frag=0x2000),
            packet(t + 31, msg[24:], proto=17, ident=5, frag=24 // 8)]   # the rest comes too late
    (tmp_path / "late.pcap").write_bytes(pcap_header() + b"".join(pkts) + sip_tail(t + 32, 3))
    with pytest.warns(RuntimeWarning, match="dropped"):
        s = logcodes.scan(tmp_path / "late.pcap", count="messages", by="code")
    assert s.counts("code") == {200: 3}
    assert s.files[0].evictions == 1
