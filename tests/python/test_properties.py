"""Invariants on random inputs (hypothesis): the C++ scan agrees with a pure-Python reference parser, and
its results do not depend on how the input is cut, fed, split across threads or merged."""

from __future__ import annotations

import gzip
import itertools
import json
import pathlib
import shutil
import struct
import subprocess
import tempfile
import time
import zlib
from typing import List

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import logcodes
from reference_parser import tally

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- generated access-log lines -------------------------------------------------------------------------

# Characters attackers and real clients put in request lines and user agents: spaces, quotes, backslashes,
# escapes as servers write them, non-ASCII, control bytes.
_WILD = st.sampled_from([" ", '"', "\\", '\\"', "\\x22", "\\\\", "é", "\t", "\x00", "\x1b", "[", "]", "-", "?", "%"])
_PLAIN = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E, blacklist_characters='"\\'),
                 min_size=1, max_size=12)
_WORD = st.lists(st.one_of(_PLAIN, _WILD), min_size=0, max_size=6).map("".join)

_STATUS = st.one_of(
    st.sampled_from(["200", "304", "404", "499", "500", "502", "298", "432", "000", "009", "099", "600", "1000",
                     "9999", "-", "abc", "20", "2OO", "200x", "+200", "0200"]),
    st.integers(min_value=0, max_value=999).map(str),
    st.integers(min_value=0, max_value=1_000_000).map(str),
)
_TIME = st.sampled_from(["[10/Oct/2000:13:55:36 -0700]"] * 4 + ["[01/Jan/2024:00:00:00 +0000]"] * 4 + [
    "[31/Feb/2024:25:61:61 +9999]", "[]", "[10/Oct/2000:13:55:36", "[x] [10/Oct/2000:13:55:36 -0700]"])


# gzip (RFC 1952) and zstd (RFC 8878) frame magics; zstd skippable frames are 0x184D2A50..5F, little-endian.
COMPRESSOR_MAGICS = (b"\x1f\x8b", b"\x28\xb5\x2f\xfd")
SKIPPABLE_FRAME_FIRST_BYTES = {bytes([b]) for b in range(0x50, 0x60)}


@st.composite
def access_line(draw) -> bytes:
    """One combined-log line: valid with odd fields, or broken (cut anywhere, junk, or raw bytes)."""
    client = draw(st.sampled_from(["1.2.3.4", "::1", "2001:db8::7", "-", "host name"]))
    method = draw(st.sampled_from(["GET", "POST", "PROPFIND", "get", "-", "\x16\x03\x01", ""]))
    target = draw(_WORD)
    proto = draw(st.sampled_from([" HTTP/1.1", " HTTP/1.0", " HTTP/2.0", "", " HTTP/0.9"]))
    request = draw(st.sampled_from(["{m} {t}{p}", "-", "{t}", "{m} {t}{p}"])).format(m=method, t=target, p=proto)
    status = draw(_STATUS)
    size = draw(st.sampled_from(["0", "1234", "-", "x"]))
    referer, agent = draw(_WORD), draw(_WORD)
    tail = draw(st.sampled_from(["", ' "{r}" "{a}"', ' "{r}" "{a}" "-"', ' "{r}" "{a}" rt=0.1 extra']))
    line = (f'{client} - {draw(st.sampled_from(["-", "bob"]))} {draw(_TIME)} "{request}" {status} {size}'
            + tail.format(r=referer, a=agent)).encode("utf-8")
    damage = draw(st.sampled_from(["none"] * 6 + ["cut", "cut", "bytes", "cr"]))
    if damage == "cut":
        line = line[: draw(st.integers(min_value=0, max_value=len(line)))]
    elif damage == "bytes":
        line = draw(st.binary(max_size=80)).replace(b"\n", b" ")
        skippable = line[:1] in SKIPPABLE_FRAME_FIRST_BYTES and line[1:4] == b"\x2a\x4d\x18"
        if line.startswith(COMPRESSOR_MAGICS) or skippable:
            # A file that begins with a compressor's magic is read as compressed by design (and a cut stream
            # raises TruncatedInputError): test_compressed and the fuzz targets cover those. Here it stays text.
            line = b" " + line
    elif damage == "cr":
        line += b"\r"
    return line


@st.composite
def access_body(draw, max_lines: int = 40) -> bytes:
    lines = draw(st.lists(access_line(), min_size=min(5, max_lines), max_size=max_lines))
    body = b"\n".join(lines)
    if lines and draw(st.booleans()):
        body += b"\n"
    return body


_TMP = tempfile.TemporaryDirectory(prefix="logcodes-properties-")  # removed when the session ends
_written = itertools.count()


def _write(body: bytes) -> pathlib.Path:
    p = pathlib.Path(_TMP.name) / f"{next(_written)}.log"
    p.write_bytes(body)
    return p


# --- (a) the C++ parser agrees with the reference --------------------------------------------------------

@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=access_body(), fmt=st.sampled_from(["common", "combined", "nginx_main"]))
def test_scan_agrees_with_reference_parser(body, fmt):
    want = tally(body)
    s = logcodes.scan(_write(body), format=fmt, by="code", threads=1)
    assert dict(s.counts("code")) == dict(want.codes)
    assert (s.invalid, s.unparsed, s.blank, s.lines) == (want.invalid, want.unparsed, want.blank, want.lines)
    assert s.total == s.counted + s.invalid + s.unparsed == want.total


@SETTINGS
@given(line=access_line())
def test_one_line_is_never_lost(line):
    """Whatever one line holds, it is exactly one of: counted, invalid, unparsed, blank."""
    s = logcodes.scan(_write(line + b"\n"), format="combined", by="code", threads=1)
    assert s.total + s.blank == 1


# --- (b) merge is associative and commutative -------------------------------------------------------------

@SETTINGS
@given(bodies=st.lists(access_body(max_lines=15), min_size=3, max_size=3))
def test_merge_associative_and_commutative(bodies):
    a, b, c = (logcodes.scan(_write(x), format="combined", by="code,method,path") for x in bodies)
    assert (a + b) + c == a + (b + c)
    assert a + b == b + a
    assert (a + b + c).total == a.total + b.total + c.total
    whole = logcodes.scan(_write(b"".join(x if x.endswith(b"\n") or not x else x + b"\n" for x in bodies)),
                          format="combined", by="code,method,path")
    assert a + b + c == whole


# --- (c) a Stream fed in random pieces equals scan --------------------------------------------------------

@SETTINGS
@given(body=access_body(), sizes=st.lists(st.integers(min_value=0, max_value=300), min_size=1, max_size=40),
       fmt=st.sampled_from(["auto", "combined"]))
def test_stream_in_random_pieces_equals_scan(body, sizes, fmt):
    ref = logcodes.scan(_write(body), format=fmt, by="code,path")
    stream = logcodes.Stream(format=fmt, by="code,path")
    pos, i = 0, 0
    while pos < len(body):
        n = sizes[i % len(sizes)]
        if n == 0:  # an empty piece is fed as such, then the walk goes on by one byte
            stream.feed(b"")
            n = 1
        stream.feed(body[pos:pos + n])
        pos, i = pos + n, i + 1
    got = stream.close()
    assert got == ref
    assert (got.unparsed, got.invalid, got.blank) == (ref.unparsed, ref.invalid, ref.blank)


# --- (d) threads x block size x byte ranges ---------------------------------------------------------------

@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=access_body(max_lines=120), threads=st.integers(1, 4), block=st.integers(1, 512),
       cuts=st.lists(st.integers(min_value=0, max_value=20_000), max_size=4))
def test_threads_blocks_and_byte_ranges_agree(body, threads, block, cuts):
    p = _write(body)
    ref = logcodes.scan(p, format="combined", by="code,method", threads=1)
    assert logcodes.scan(p, format="combined", by="code,method", threads=threads, block_size=block) == ref
    points = sorted({0, len(body), *(c % (len(body) + 1) for c in cuts)})
    pieces = [logcodes.scan(p, format="combined", by="code,method", threads=threads, block_size=block,
                            byte_range=(b, e)) for b, e in zip(points, points[1:])]
    if pieces:
        total = pieces[0]
        for piece in pieces[1:]:
            total = total + piece
        assert total == ref


# --- (e) round trip: records written in a format, read back ------------------------------------------------

_PATH = st.lists(st.text(alphabet="abcXYZ019-._~%+!$&'()*,;=:@", min_size=1, max_size=8), min_size=1,
                 max_size=3).map(lambda parts: "/" + "/".join(parts))
_CODE = st.sampled_from([100, 200, 201, 204, 206, 301, 302, 304, 400, 401, 403, 404, 413, 429, 432, 499, 500, 502,
                         503, 504, 599])


@st.composite
def record(draw):
    return {
        "method": draw(st.sampled_from(["GET", "POST", "HEAD", "DELETE"])),
        "path": draw(_PATH),
        "query": draw(st.sampled_from(["", "?q=1", "?a=b&c=d"])),
        "code": draw(_CODE),
        "size": draw(st.integers(0, 10**7)),
        "agent": draw(st.sampled_from(["curl/8.5.0", 'say "hi"', "back\\slash", "Mozilla/5.0 (X11; Linux x86_64)", "-"])),
        "when": draw(st.integers(946684800, 1893456000)),
    }


def _apache_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"')


def _nginx_escape(s: str) -> str:
    return s.replace("\\", "\\x5C").replace('"', "\\x22")


NGINX_CUSTOM = ("'$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent "
                "\"$http_referer\" \"$http_user_agent\" rt=$request_time'")


def _render(records: List[dict], layout: str) -> bytes:
    out = []
    if layout == "w3c":
        out.append("#Software: Microsoft Internet Information Services 10.0")
        out.append("#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port c-ip cs(User-Agent) "
                   "sc-status sc-substatus sc-win32-status time-taken")
    for r in records:
        clf_time = time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(r["when"]))
        request = f'{r["method"]} {r["path"]}{r["query"]} HTTP/1.1'
        if layout == "combined":
            out.append(f'10.0.0.1 - - [{clf_time}] "{_apache_escape(request)}" {r["code"]} {r["size"]} "-" '
                       f'"{_apache_escape(r["agent"])}"')
        elif layout == "nginx_custom":
            out.append(f'10.0.0.1 - - [{clf_time}] "{_nginx_escape(request)}" {r["code"]} {r["size"]} "-" '
                       f'"{_nginx_escape(r["agent"])}" rt=0.012')
        elif layout == "json":
            out.append(json.dumps({"time": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(r["when"])),
                                   "remote_addr": "10.0.0.1", "request": request, "status": r["code"],
                                   "body_bytes_sent": r["size"], "http_user_agent": r["agent"]}))
        else:  # W3C: spaces in values are written as '+', an empty value as '-'
            stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(r["when"]))
            query = r["query"][1:] or "-"
            out.append(f'{stamp} 10.0.0.2 {r["method"]} {r["path"]} {query} 443 10.0.0.1 '
                       f'{r["agent"].replace(" ", "+")} {r["code"]} 0 0 15')
    return ("\n".join(out) + "\n").encode("utf-8")


_READ_AS = {"combined": "combined", "nginx_custom": logcodes.formats.nginx(NGINX_CUSTOM), "json": "nginx_json",
            "w3c": "w3c"}


@SETTINGS
@given(records=st.lists(record(), min_size=1, max_size=30),
       layout=st.sampled_from(["combined", "nginx_custom", "json", "w3c"]))
def test_round_trip(records, layout):
    body = _render(records, layout)
    # paths as written (path_raw): generated ids would otherwise become templates such as {id}
    s = logcodes.scan(_write(body), format=_READ_AS[layout], by="code,method,path_raw")
    want: dict = {}
    for r in records:
        key = (r["code"], r["method"], r["path"])
        want[key] = want.get(key, 0) + 1
    assert s.counts() == want, (body[:400], s.unparsed_samples)
    assert (s.unparsed, s.invalid) == (0, 0)
    # and auto-detection reads it the same way
    assert logcodes.scan(_write(body), by="code,method,path_raw").counts() == want


@SETTINGS
@given(records=st.lists(record(), min_size=1, max_size=20),
       layout=st.sampled_from(["combined", "nginx_custom", "json", "w3c"]),
       sizes=st.lists(st.integers(min_value=1, max_value=200), min_size=1, max_size=20))
def test_stream_in_random_pieces_equals_scan_for_every_layout(records, layout, sizes):
    body = _render(records, layout)
    ref = logcodes.scan(_write(body), format=_READ_AS[layout], by="code,path")
    stream = logcodes.Stream(format=_READ_AS[layout], by="code,path")
    pos, i = 0, 0
    while pos < len(body):
        stream.feed(body[pos:pos + sizes[i % len(sizes)]])
        pos, i = pos + sizes[i % len(sizes)], i + 1
    assert stream.close() == ref


# --- (f) layouts whose lines depend on lines before them: cut for threads all the same ----------------------

def _samples(s) -> list:
    return [(x.line, x.text) for x in s.invalid_samples + s.unparsed_samples]


_W3C_LAYOUTS = ["date time cs-method cs-uri-stem sc-status", "sc-status cs-uri-stem date time cs-method",
                "cs-uri-stem sc-status time-taken", "s-ip cs-method sc-status"]


@st.composite
def w3c_body(draw) -> bytes:
    """A W3C log whose #Fields change anywhere (with a byte-order mark, CRLF), lines of every layout."""
    out, layout = [], None
    for _ in range(draw(st.integers(1, 80))):
        kind = draw(st.sampled_from(["line"] * 6 + ["fields", "comment", "blank"]))
        if kind == "fields":
            layout = draw(st.integers(0, len(_W3C_LAYOUTS) - 1))
            out.append(draw(st.sampled_from(["", "\ufeff"])) + "#Fields: " + _W3C_LAYOUTS[layout]
                       + draw(st.sampled_from(["", "\r"])))
        elif kind == "comment":
            out.append("#Software: Microsoft Internet Information Services 10.0")
        elif kind == "blank":
            out.append("")
        else:
            code, path = draw(_STATUS), draw(st.sampled_from(["/", "/a", "/b/c", "-"]))
            out.append({None: f"2024-01-01 00:00:00 10.0.0.1 GET {path} - 80 - 10.0.0.2 curl - {code} 0 0 15",
                        0: f"2024-01-01 00:00:01 POST {path} {code}", 1: f"{code} {path} 2024-01-01 00:00:02 PUT",
                        2: f"{path} {code} 12", 3: f"10.0.0.9 GET {code}"}[layout])
    return ("\n".join(out) + "\n").encode("utf-8")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=w3c_body(), threads=st.integers(2, 8), block=st.integers(1, 300))
def test_w3c_pieces_read_under_the_fields_before_them(body, threads, block):
    p = _write(body)
    ref = logcodes.scan(p, format="w3c", by="code,method,path_raw", threads=1)
    got = logcodes.scan(p, format="w3c", by="code,method,path_raw", threads=threads, block_size=block)
    assert got == ref
    assert _samples(got) == _samples(ref)


def _sip_message(start: str, call: int, cseq: str, branch: str, extra: str = "", body: str = "") -> str:
    return (f"{start}\r\nVia: SIP/2.0/UDP 10.0.0.1;branch={branch}\r\nFrom: <sip:a@h>;tag=f{call}\r\n"
            f"To: <sip:b@h>;tag=t{call}\r\nCall-ID: {call}@h\r\nCSeq: {cseq}\r\n{extra}"
            f"Content-Length: {len(body.encode())}\r\n\r\n{body}")


@st.composite
def sip_trace_body(draw) -> bytes:
    """A SIP trace in one of the layouts read (SIPp, tshark/sngrep framing lines, bare messages): calls whose
    responses are retransmitted, bodies holding start-line and framing-line look-alikes, junk lines."""
    layout = draw(st.sampled_from(["sipp", "tshark", "bare"]))
    out, second = [], 0
    for call in range(draw(st.integers(1, 12))):
        branch = f"z9hG4bK{call}"
        msgs = [_sip_message("INVITE sip:b@h SIP/2.0", call, "1 INVITE", branch,
                             "Content-Type: application/sdp\r\n", "v=0\r\ns=-\r\n")]
        for status in draw(st.lists(st.sampled_from(["100 Trying", "180 Ringing", "200 OK", "486 Busy Here",
                                                     "487 Request Terminated", "099 Bad"]), max_size=5)):
            msgs += [_sip_message(f"SIP/2.0 {status}", call, "1 INVITE", branch)] * draw(st.integers(1, 3))
        if draw(st.booleans()):
            msgs.append(_sip_message("NOTIFY sip:a@h SIP/2.0", call, "2 NOTIFY", branch + "n",
                                     "Content-Type: message/sipfrag\r\n", "SIP/2.0 200 OK\r\n"))
        if draw(st.booleans()):
            msgs.append(_sip_message("MESSAGE sip:b@h SIP/2.0", call, "3 MESSAGE", branch + "m",
                                     "Content-Type: text/plain\r\n",
                                     "INVITE sip:x@y SIP/2.0\r\n2026-11-23 23:59:59.000001 note\r\n"))
        for m in msgs:
            second += draw(st.integers(0, 40))
            stamp = f"2026-11-23 {10 + second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}.000001"
            if layout == "sipp":
                out.append(f"----------------------------------------------- {stamp}\nUDP message sent:\n\n{m}\n")
            elif layout == "tshark":
                out.append(f"U {stamp.replace('-', '/', 2)} 10.0.0.1:5060 -> 10.0.0.2:5060\n{m}")
            else:
                out.append(m + "\n")
            if draw(st.integers(0, 9)) == 0:
                out.append("junk line\n")
    return "".join(out).encode("utf-8")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=sip_trace_body(), threads=st.integers(2, 8), block=st.integers(1, 300),
       count=st.sampled_from(["messages", "transactions", "calls"]), by=st.sampled_from(["code", "code,time:1min"]))
def test_sip_pieces_give_one_readers_answer(body, threads, block, count, by):
    # by code alone, pieces leave retransmissions to the replay of their logs; by time too, they judge and are checked
    p = _write(body)
    ref = logcodes.scan(p, format="sip_trace", by=by, count=count, threads=1)
    got = logcodes.scan(p, format="sip_trace", by=by, count=count, threads=threads, block_size=block)
    assert got == ref
    assert _samples(got) == _samples(ref)


# --- (g) compressed files decoded in pieces ----------------------------------------------------------------
# Multi-member gzip, BGZF and multi-frame zstd decode in pieces on every thread given; the summary, its samples
# (line numbers, offsets) and the error of a cut file are those of one thread, whatever the block size.

def _bgzf_member(part: bytes) -> bytes:
    body = zlib.compressobj(6, zlib.DEFLATED, -15)
    raw = body.compress(part) + body.flush()
    size = 18 + len(raw) + 8 - 1
    header = b"\x1f\x8b\x08\x04\x00\x00\x00\x00\x00\xff\x06\x00BC\x02\x00" + struct.pack("<H", size)
    return header + raw + struct.pack("<II", zlib.crc32(part), len(part))


def _zstd_frame(part: bytes) -> bytes:
    return subprocess.run(["zstd", "-q", "-c"], input=part, capture_output=True, check=True).stdout


def _pack(body: bytes, cuts: List[int], kind: str) -> bytes:
    points = sorted({0, len(body), *(c % (len(body) + 1) for c in cuts)})
    parts = [body[b:e] for b, e in zip(points, points[1:])] or [b""]
    if kind == "gzip":
        return b"".join(gzip.compress(p, mtime=0) for p in parts)
    if kind == "bgzf":
        return b"".join(_bgzf_member(p) for p in parts) + _bgzf_member(b"")
    return b"".join(_zstd_frame(p) for p in parts)


def _scan_or_error(p: pathlib.Path, **kw):
    try:
        return logcodes.scan(p, format="combined", by="code,method", **kw), None
    except logcodes.TruncatedInputError as e:
        return e.summary, (e.path, e.offset, str(e))


def _samples(s: logcodes.Summary):
    """Every sample with its line number and offset (not its file name: the plain copy has another)."""
    return [[(x.line, x.offset, x.text, x.why) for x in samples] for samples in (s.unparsed_samples, s.invalid_samples)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=access_body(max_lines=120), kind=st.sampled_from(["gzip", "bgzf", "zstd"]),
       cuts=st.lists(st.integers(min_value=0, max_value=20_000), max_size=6), threads=st.integers(2, 4),
       block=st.integers(1, 512), keep=st.one_of(st.none(), st.floats(0.0, 1.0)))
def test_compressed_pieces_agree_with_one_thread(body, kind, cuts, threads, block, keep):
    if kind == "zstd" and shutil.which("zstd") is None:
        return
    packed = _pack(body, cuts, kind)
    if keep is not None:
        packed = packed[: int(len(packed) * keep)]
    p = _write(packed)
    one, one_err = _scan_or_error(p, threads=1)
    many, many_err = _scan_or_error(p, threads=threads, block_size=block)
    assert many == one and _samples(many) == _samples(one)
    assert many_err == one_err
    if keep is None:
        plain = logcodes.scan(_write(body), format="combined", by="code,method", threads=1)
        assert one == plain and _samples(one) == _samples(plain)


# --- (h) a change of format at a cut between pieces ---------------------------------------------------------

def test_a_stray_line_at_a_cut_is_decided_as_one_reader_decides(tmp_path):
    """A JSON line among combined lines stays unparsed, and a real change to JSON lines is read as JSON, wherever
    a piece ends (an auto-detected format; the read block size moves the cuts across both)."""
    line = '10.0.0.1 - - [05/Dec/2026:10:00:00 +0000] "GET /p{} HTTP/1.1" 200 5 "-" "ua"\n'
    lines = [line.format(i) for i in range(60)]
    bodies = {"stray.log": lines[:20] + ['{"status":404,"path":"/json"}\n'] + lines[20:],
              "change.log": lines + ['{"status":503,"path":"/j%d"}\n' % i for i in range(30)]}
    for name, body in bodies.items():
        p = tmp_path / name
        p.write_text("".join(body))
        ref = logcodes.scan(p, threads=1)
        assert ref.stats.unparsed == (1 if name == "stray.log" else 0)
        for block in range(250, 600, 5):
            got = logcodes.scan(p, threads=2, block_size=block)
            assert (got.counts(), got.stats.unparsed, got.stats.lines) == \
                (ref.counts(), ref.stats.unparsed, ref.stats.lines), (name, block)
