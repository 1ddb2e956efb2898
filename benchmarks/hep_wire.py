"""HEP packets written in plain Python (HEPv3 chunks per the HEP3 specification; HEPv2 as Kamailio's siptrace
lays it out) and SIP messages read from a classic pcap file (UDP over IPv4 or IPv6, Ethernet, Linux cooked,
loopback or raw links). Independent of logcodes' own decoder: the replay benchmark, the fuzz seeds and the
tests use it to make what a proxy would send."""

from __future__ import annotations

import ipaddress
import struct
import zlib
from typing import Dict, Iterator, List, NamedTuple, Optional, Tuple


class Message(NamedTuple):
    ts_sec: int
    ts_usec: int
    src: str        # an IPv4 or IPv6 address
    dst: str
    sport: int
    dport: int
    payload: bytes
    ip_proto: int = 17


def _chunk(ctype: int, data: bytes, vendor: int = 0) -> bytes:
    return struct.pack("!HHH", vendor, ctype, len(data) + 6) + data


def hep3(m: Message, *, capture_id: int = 2001, correlation_id: bytes = b"", compress: bool = False,
         extra_chunks: bytes = b"", proto_type: int = 1) -> bytes:
    """One HEPv3 packet of ``m`` (chunk order as Kamailio's siptrace writes them)."""
    src, dst = ipaddress.ip_address(m.src), ipaddress.ip_address(m.dst)
    v6 = src.version == 6
    body = (_chunk(1, bytes([10 if v6 else 2])) + _chunk(2, bytes([m.ip_proto])) +
            _chunk(5 if v6 else 3, src.packed) + _chunk(6 if v6 else 4, dst.packed) +
            _chunk(7, struct.pack("!H", m.sport)) + _chunk(8, struct.pack("!H", m.dport)) +
            _chunk(9, struct.pack("!I", m.ts_sec)) + _chunk(10, struct.pack("!I", m.ts_usec)) +
            _chunk(11, bytes([proto_type])) + _chunk(12, struct.pack("!I", capture_id)) + extra_chunks)
    if correlation_id:
        body += _chunk(0x11, correlation_id)
    body += _chunk(0x10, zlib.compress(m.payload)) if compress else _chunk(0x0F, m.payload)
    return b"HEP3" + struct.pack("!H", len(body) + 6) + body


def hep2(m: Message, *, capture_id: int = 2001, version: int = 2) -> bytes:
    """One HEPv2 (or v1) packet: hep_hdr, the addresses, v2's time header (little-endian, 12 bytes)."""
    src, dst = ipaddress.ip_address(m.src), ipaddress.ip_address(m.dst)
    v6 = src.version == 6
    addr = src.packed + dst.packed
    out = struct.pack("!BBBBHH", version, 8 + len(addr), 10 if v6 else 2, m.ip_proto, m.sport, m.dport) + addr
    if version == 2:
        out += struct.pack("<IIHxx", m.ts_sec, m.ts_usec, capture_id)
    return out + m.payload


def hep3_chunks(packet: bytes) -> Dict[int, bytes]:
    """The vendor-0 chunks of a HEPv3 packet by type (for checks; no validation beyond the lengths)."""
    total = struct.unpack("!H", packet[4:6])[0]
    out, at = {}, 6
    while at + 6 <= total:
        vendor, ctype, length = struct.unpack("!HHH", packet[at:at + 6])
        if length < 6:
            break
        if vendor == 0:
            out[ctype] = packet[at + 6:at + length]
        at += length
    return out


def _ip(buf: bytes, ts_sec: int, ts_usec: int) -> Optional[Message]:
    if not buf:
        return None
    if buf[0] >> 4 == 4 and len(buf) >= 20:
        ihl = (buf[0] & 15) * 4
        total = min(struct.unpack("!H", buf[2:4])[0], len(buf))
        if struct.unpack("!H", buf[6:8])[0] & 0x3FFF or buf[9] != 17:
            return None         # fragments and other protocols: not replayed
        src, dst, udp = buf[12:16], buf[16:20], buf[ihl:total]
    elif buf[0] >> 4 == 6 and len(buf) >= 40:
        if buf[6] != 17:
            return None
        src, dst, udp = buf[8:24], buf[24:40], buf[40:40 + struct.unpack("!H", buf[4:6])[0]]
    else:
        return None
    if len(udp) < 8:
        return None
    sport, dport, length = struct.unpack("!HHH", udp[:6])
    payload = udp[8:length]
    if not (payload.startswith(b"SIP/2.0 ") or b" SIP/2.0\r\n" in payload.split(b"\n", 1)[0] + b"\n"):
        return None
    return Message(ts_sec, ts_usec, str(ipaddress.ip_address(src)), str(ipaddress.ip_address(dst)), sport, dport,
                   bytes(payload))


def _frames(path: str) -> Iterator[Tuple[int, int, int, bytes]]:
    """(link type, seconds, microseconds, frame) of each packet of a classic (not pcapng) capture file."""
    with open(path, "rb") as f:
        head = f.read(24)
        magic = head[:4]
        endian = {b"\xd4\xc3\xb2\xa1": "<", b"\xa1\xb2\xc3\xd4": ">", b"\x4d\x3c\xb2\xa1": "<",
                  b"\xa1\xb2\x3c\x4d": ">"}.get(magic)
        if endian is None:
            raise ValueError(f"{path}: not a classic pcap file")
        nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
        link = struct.unpack(endian + "I", head[20:24])[0]
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            sec, frac, caplen, _ = struct.unpack(endian + "IIII", rec)
            yield link, sec, frac // 1000 if nano else frac, f.read(caplen)


def _ip_of(link: int, data: bytes) -> Optional[bytes]:
    if link == 1 and len(data) >= 14:        # Ethernet (Linux loopback too), VLAN tags skipped
        et, off = struct.unpack("!H", data[12:14])[0], 14
        while et in (0x8100, 0x88A8) and len(data) >= off + 4:
            et, off = struct.unpack("!H", data[off + 2:off + 4])[0], off + 4
        return data[off:]
    if link == 113:
        return data[16:]
    if link in (0, 108):
        return data[4:]
    if link in (101, 12, 228, 229):
        return data
    return None


def pcap_messages(path: str) -> Iterator[Message]:
    """The SIP messages over UDP of a classic (not pcapng) capture file."""
    for link, sec, usec, frame in _frames(path):
        ip = _ip_of(link, frame)
        m = _ip(ip, sec, usec) if ip is not None else None
        if m is not None:
            yield m


def udp_payloads(path: str) -> List[bytes]:
    """Every UDP payload (IPv4, unfragmented) of a classic capture file, whatever it carries: HEP packets."""
    out = []
    for link, _sec, _usec, frame in _frames(path):
        ip = _ip_of(link, frame)
        if ip and ip[0] >> 4 == 4 and len(ip) >= 28 and ip[9] == 17:
            udp = ip[(ip[0] & 15) * 4:]
            out.append(bytes(udp[8:struct.unpack("!H", udp[4:6])[0]]))
    return out
