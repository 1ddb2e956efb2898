"""The bad-input catalogue (docs/robustness.md): each case the other test files do not already prove.

Every test is named after its row in the catalogue. Large inputs are generated into tmp on the fly.
"""

from __future__ import annotations

import concurrent.futures
import gzip
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

import pytest

import logcodes
from privileges import as_nobody
from reference_parser import tally

T = "[10/Oct/2000:13:55:36 -0700]"
GOOD = f'1.2.3.4 - - {T} "GET /a HTTP/1.1" 200 12 "-" "curl"\n'.encode()
SERVER_ERROR = f'1.2.3.4 - - {T} "POST /b HTTP/1.1" 503 0 "-" "curl"\n'.encode()


def write(tmp_path, name: str, body: bytes):
    p = tmp_path / name
    p.write_bytes(body)
    return p


def lines_of(s) -> tuple:
    return (s.counted, s.invalid, s.unparsed, s.blank)


# --- line endings and framing --------------------------------------------------------------------------------

def test_only_newlines(tmp_path):
    s = logcodes.scan(write(tmp_path, "n.log", b"\n" * 10_000))
    assert (s.total, s.blank, s.lines) == (0, 10_000, 10_000)
    assert s.files[0].format is None


def test_crlf_file_equals_lf_file(tmp_path):
    body = (GOOD + SERVER_ERROR) * 500
    lf = logcodes.scan(write(tmp_path, "lf.log", body), by="code,path", threads=2, block_size=1000)
    crlf = logcodes.scan(write(tmp_path, "crlf.log", body.replace(b"\n", b"\r\n")), by="code,path", threads=2,
                         block_size=1000)
    assert crlf == lf and crlf.counts("code") == {200: 500, 503: 500}
    assert all("\r" not in path for path in crlf.counts("path"))


def test_line_cut_mid_field(tmp_path):
    """A combined line cut after every one of its bytes: always exactly one record, judged as the reference
    parser judges it (counted while the status is whole, invalid when it is cut, unparsed before it)."""
    line = GOOD.rstrip(b"\n")
    body = b"\n".join(line[:i] for i in range(1, len(line) + 1)) + b"\n"
    s = logcodes.scan(write(tmp_path, "cut.log", body), format="combined", by="code")
    want = tally(body)
    assert s.total == len(line) == want.total
    assert (s.counts("code"), s.invalid, s.unparsed) == (dict(want.codes), want.invalid, want.unparsed)
    assert s.counts("code") == {200: len(line) - line.index(b" 200 ") - 3}  # from "... 200" on


# --- huge inputs: bounded memory -------------------------------------------------------------------------------

# AddressSanitizer (make test SANITIZE=1) keeps freed memory in quarantine: RSS figures mean nothing there.
UNDER_ASAN = "libasan" in os.environ.get("LD_PRELOAD", "")


def _child_rss(script: str, *args: str) -> dict:
    """Runs `script` in a fresh interpreter; it prints a dict literal (with its own RSS growth in KiB)."""
    prelude = ("import resource, sys, logcodes\n"
               "def rss():\n    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n")
    out = subprocess.run([sys.executable, "-c", prelude + script, *args], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    import ast

    return ast.literal_eval(out.stdout.strip().splitlines()[-1])


def test_100mb_line(tmp_path):
    p = tmp_path / "huge.log"
    with open(p, "wb") as f:
        f.write(GOOD)
        f.write(f'1.2.3.4 - - {T} "GET /'.encode())
        chunk = b"a" * (1 << 20)
        for _ in range(100):
            f.write(chunk)
        f.write(b' HTTP/1.1" 200 1 "-" "ua"\n')
        f.write(SERVER_ERROR)
    r = _child_rss("before = rss()\n"
                   "s = logcodes.scan(sys.argv[1], format='combined', by='code', threads=2)\n"
                   "print(dict(counts=s.counts('code'), unparsed=s.unparsed, line=s.unparsed_samples[0].line,\n"
                   "           why=s.unparsed_samples[0].why, text=len(s.unparsed_samples[0].text),\n"
                   "           grew_kib=rss() - before))", str(p))
    assert r["counts"] == {200: 1, 503: 1} and r["unparsed"] == 1
    assert r["line"] == 2 and "longer than the record limit" in r["why"]
    assert r["text"] <= 512  # the sample keeps the start of the line, not the line
    # Memory for one line is bounded by max_record (16 MiB by default) and a read block, not by the line.
    assert UNDER_ASAN or r["grew_kib"] < 48 * 1024, r


def _distinct_paths_log(path, n: int):
    """n requests for n distinct paths, each followed by a line of junk."""
    prefix = f'1.2.3.4 - - {T} "GET /item/'.encode()
    with open(path, "wb") as f:
        for start in range(0, n, 100_000):
            f.write(b"".join(prefix + b'%d HTTP/1.1" 200 1\nGARBAGE %d\n' % (i, i)
                             for i in range(start, min(n, start + 100_000))))
    return path


def test_huge_number_of_distinct_paths(tmp_path):
    """A million distinct paths and a million bad lines: a scan that does not group by path stays flat, and
    samples stay at 5. Grouped by path, every key is kept (by design, there is no cap): memory grows with
    the distinct keys (well under 1 KiB each), checked on 100,000 of them to keep the test fast."""
    n = 1_000_000
    big = _distinct_paths_log(tmp_path / "paths.log", n)
    by_code = _child_rss("before = rss()\n"
                         "s = logcodes.scan(sys.argv[1], format='common', by='code', threads=2)\n"
                         "print(dict(counts=s.counts(), unparsed=s.unparsed, samples=len(s.unparsed_samples),\n"
                         "           grew_kib=rss() - before))", str(big))
    assert by_code["counts"] == {200: n} and by_code["unparsed"] == n and by_code["samples"] == 5
    assert UNDER_ASAN or by_code["grew_kib"] < 64 * 1024, by_code
    n = 100_000
    small = _distinct_paths_log(tmp_path / "some-paths.log", n)
    by_path = _child_rss("before = rss()\n"
                         "s = logcodes.scan(sys.argv[1], format='common', by='path_raw', threads=2)\n"
                         "c = s.counts('path_raw')\n"
                         "print(dict(keys=len(c), ones=sum(1 for v in c.values() if v == 1),\n"
                         "           probe=c['/item/54321'], grew_kib=rss() - before))", str(small))
    assert by_path["keys"] == by_path["ones"] == n and by_path["probe"] == 1
    assert UNDER_ASAN or by_path["grew_kib"] * 1024 / n < 1024, by_path


def test_huge_number_of_distinct_codes_and_causes(tmp_path):
    """Every three-digit status there is: distinct codes are bounded by the registry's ranges (the rest are
    invalid, counted with 5 samples); causes are slugs of a bounded rule pack."""
    body = b"".join(f'1.2.3.4 - - {T} "GET / HTTP/1.1" {c:03d} 1\n'.encode() for c in range(0, 1000)) * 20
    s = logcodes.scan(write(tmp_path, "codes.log", body), format="common", by="code,cause")
    assert len(s.counts("code")) == 500 and s.invalid == 500 * 20 and len(s.invalid_samples) == 5
    assert len(s.counts("cause")) <= 2


# --- compressed inputs -------------------------------------------------------------------------------------------

def _zstd(data: bytes) -> bytes:
    if shutil.which("zstd") is None:
        pytest.skip("the zstd command is not installed (make test installs it)")
    return subprocess.run(["zstd", "-c", "-q"], input=data, capture_output=True, check=True).stdout


def test_truncated_zstd(tmp_path):
    body = (GOOD + SERVER_ERROR) * 20_000
    packed = _zstd(body)
    p = write(tmp_path, "cut.log.zst", packed[: len(packed) * 2 // 3])
    with pytest.raises(logcodes.TruncatedInputError) as e:
        logcodes.scan(p, by="code")
    err = e.value
    assert isinstance(err, EOFError) and err.path == str(p) and 0 < err.offset <= len(packed)
    assert str(p) in str(err) and "truncated" in str(err)
    partial = err.summary
    assert 0 < partial.total < 40_000 and partial.problems[0].kind == "truncated"
    # every whole line before the cut is counted
    prefix = b"".join(body.splitlines(keepends=True)[: partial.lines])
    st = logcodes.Stream(by="code")
    st.feed(prefix)
    assert st.close().counts("code") == partial.counts("code")


def test_corrupt_zstd(tmp_path):
    packed = bytearray(_zstd((GOOD + SERVER_ERROR) * 20_000))
    packed[len(packed) // 2: len(packed) // 2 + 64] = b"\x00" * 64
    p = write(tmp_path, "bad.log.zst", bytes(packed))
    with pytest.raises(logcodes.InputError) as e:
        logcodes.scan(p)
    assert isinstance(e.value, (logcodes.CorruptInputError, logcodes.TruncatedInputError))
    assert e.value.path == str(p) and e.value.summary is not None
    assert e.value.summary.total == e.value.summary.counted


def test_gzip_with_several_members(tmp_path):
    p = write(tmp_path, "multi.log.gz", gzip.compress(GOOD * 3) + gzip.compress(b"") + gzip.compress(SERVER_ERROR * 2))
    s = logcodes.scan(p, by="code", block_size=7)
    assert s.counts("code") == {200: 3, 503: 2} and not s.problems


def test_zero_byte_gzip(tmp_path):
    for name, body in (("empty.gz", b""), ("empty-member.gz", gzip.compress(b""))):
        s = logcodes.scan(write(tmp_path, name, body))
        assert (s.total, s.lines, s.problems) == (0, 0, []), name


def test_gz_name_that_is_not_gzip(tmp_path):
    s = logcodes.scan(write(tmp_path, "plain.log.gz", GOOD * 3), by="code")
    assert s.counts("code") == {200: 3} and s.files[0].compression == "none"


# --- files that change, vanish or are not files --------------------------------------------------------------------

N_LINES = 100_000


def _scan_while(path, action, threads: int, lines: int = N_LINES):
    """Scans `path` (written with `lines` GOOD lines) in small reads and runs `action` once the scan is
    under way. Progress is first reported after one poll interval: a scan that ends before it (a fast or
    idle machine) is repeated on a longer file, so the action always happens during a scan."""
    for _ in range(5):
        path.write_bytes(GOOD * lines)
        state = {"done": False}

        def progress(done, total):
            if 0 < done < total and not state["done"]:
                state["done"] = True
                action()

        s = logcodes.scan(path, by="code", threads=threads, block_size=16, progress=progress)
        if state["done"]:
            return s, lines
        lines *= 4
    pytest.fail("every scan ended before its first progress report")


@pytest.mark.parametrize("threads", [1, 2])
def test_file_growing_during_scan(tmp_path, threads):
    p = tmp_path / "grow.log"

    def append():
        with open(p, "ab") as f:
            f.write(SERVER_ERROR * 5_000)

    s, lines = _scan_while(p, append, threads)
    # the counts are those of the file as it was at some moment: all the old lines, whole new lines only
    assert s.counts("code")[200] == lines
    assert 0 <= s.counts("code").get(503, 0) <= 5_000 and s.unparsed == 0 and not s.problems


@pytest.mark.parametrize("threads", [1, 2])
def test_file_shrinking_during_scan(tmp_path, threads):
    p = tmp_path / "shrink.log"
    with pytest.raises(logcodes.TruncatedInputError) as e:
        _scan_while(p, lambda: os.truncate(p, len(GOOD) * 10), threads)
    err = e.value
    assert err.path == str(p) and "shrank" in str(err)
    partial = err.summary
    assert partial.problems[0].kind == "truncated"
    # what was read was there at some moment; a line a reader saw only part of before the cut is unparsed
    # or invalid (with a sample), one per reader at most
    assert 10 <= partial.counted and partial.unparsed + partial.invalid <= threads
    assert partial.total == partial.lines
    s = logcodes.scan(write(tmp_path, "again.log", GOOD * N_LINES), by="code")  # sanity: no false alarm
    assert not s.problems


@pytest.mark.parametrize("threads", [1, 2])
def test_file_deleted_during_scan(tmp_path, threads):
    p = tmp_path / "gone.log"
    s, lines = _scan_while(p, p.unlink, threads)
    assert not p.exists()
    assert s.counts("code") == {200: lines} and not s.problems  # an open file is read to its end


def test_fifo(tmp_path):
    fifo = tmp_path / "pipe.log"
    os.mkfifo(fifo)

    def writer():
        with open(fifo, "wb") as f:
            for _ in range(200):
                f.write(GOOD * 50)
            f.write(SERVER_ERROR.rstrip(b"\n"))  # and no final newline

    th = threading.Thread(target=writer)
    th.start()
    s = logcodes.scan(fifo, by="code", threads=4)
    th.join()
    assert s.counts("code") == {200: 10_000, 503: 1}


def test_fifo_with_a_slow_writer(tmp_path):
    """The FIFO is opened once, by the scan: a check that opened and closed it first would leave a slow writer
    writing to no reader (its lines lost, then the scan waiting forever for a writer that had gone)."""
    fifo = tmp_path / "slow.log"
    os.mkfifo(fifo)
    script = ("import sys, threading, time, logcodes\n"
              "def writer():\n"
              "    with open(sys.argv[1], 'wb') as f:\n"
              "        for _ in range(5):\n"
              "            time.sleep(0.1)\n"
              "            f.write(sys.argv[2].encode() * 10)\n"
              "            f.flush()\n"
              "th = threading.Thread(target=writer)\n"
              "th.start()\n"
              "print(logcodes.scan(sys.argv[1], by='code').counts('code'))\n"
              "th.join()\n")
    out = subprocess.run([sys.executable, "-c", script, str(fifo), GOOD.decode()], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "{200: 50}"


def test_dev_null():
    s = logcodes.scan("/dev/null")
    assert (s.total, s.lines, s.problems) == (0, 0, [])


def test_broken_symlink(tmp_path):
    link = tmp_path / "current.log"
    link.symlink_to(tmp_path / "rotated-away.log")
    with pytest.raises(FileNotFoundError) as e:
        logcodes.scan(link)
    assert e.value.filename == str(link)


def test_permission_denied_mode_000(tmp_path):
    d = tempfile.mkdtemp(prefix="logcodes-perm-")
    try:
        os.chmod(d, 0o755)
        secret = os.path.join(d, "secret.log")
        with open(secret, "wb") as f:
            f.write(GOOD)
        os.chmod(secret, 0)

        def check() -> int:
            try:
                logcodes.scan(secret)
            except PermissionError as e:
                return 0 if e.filename == secret else 1
            return 2

        def command_line() -> int:
            import contextlib
            import io

            from logcodes import cli

            err = io.StringIO()
            with contextlib.redirect_stderr(err):
                status = cli.main(["summarize", secret])
            text = err.getvalue()
            return 0 if status == 2 and "Permission denied" in text and secret in text else 1

        for fn in (check, command_line):
            # root reads anything: as root the checks run as nobody
            assert as_nobody(fn) == 0, fn.__name__
    finally:
        shutil.rmtree(d)


# --- status values and requests ---------------------------------------------------------------------------------

@pytest.mark.parametrize("status", ["000", "9999", "-", "abc", "0200", "2OO", "20", "600"])
def test_status_not_a_code(tmp_path, status):
    s = logcodes.scan(write(tmp_path, "s.log", f'1.2.3.4 - - {T} "GET / HTTP/1.1" {status} 1 "-" "ua"\n'.encode()),
                      format="combined")
    assert (s.counted, s.invalid, s.unparsed) == (0, 1, 0)
    assert f'"{status}"' in s.invalid_samples[0].why


def test_http09_requests(tmp_path):
    """HTTP/0.9 request lines have no protocol: method and path are still read. nginx writes status 009
    when an upstream answered in HTTP/0.9: invalid, with a sample."""
    body = (f'1.2.3.4 - - {T} "GET /" 200 1 "-" "-"\n'
            f'1.2.3.4 - - {T} "GET /index.html" 200 1\n'
            f'1.2.3.4 - - {T} "GET /old HTTP/1.1" 009 0 "-" "-"\n').encode()
    s = logcodes.scan(write(tmp_path, "h.log", body), format="combined", by="method,path")
    assert s.counts() == {("GET", "/"): 1, ("GET", "/index.html"): 1}
    assert s.invalid == 1 and '"009"' in s.invalid_samples[0].why


# --- other formats ------------------------------------------------------------------------------------------------

def test_json_duplicate_keys(tmp_path):
    """The first occurrence of a duplicated key is the one read (as simdjson's on-demand lookup does)."""
    body = b'{"status": 200, "status": 404, "request": "GET /a HTTP/1.1"}\n' * 3
    s = logcodes.scan(write(tmp_path, "d.json", body), format="nginx_json", by="code")
    assert s.counts("code") == {200: 3} and s.unparsed == 0


def test_w3c_fields_change_mid_file(tmp_path):
    body = ("#Software: Microsoft Internet Information Services 10.0\n"
            "#Fields: date time cs-method cs-uri-stem sc-status\n"
            "2024-01-01 00:00:00 GET /a 200\n"
            "#Fields: date time sc-status cs-method cs-uri-stem\n"
            "2024-01-01 00:00:01 404 GET /b\n"
            "2024-01-01 00:00:02 500 POST /c\n").encode() * 50
    p = write(tmp_path, "w3c.log", body)
    want = {(200, "GET", "/a"): 50, (404, "GET", "/b"): 50, (500, "POST", "/c"): 50}
    assert logcodes.scan(p, by="code,method,path").counts() == want
    # never cut into pieces: a piece would not know the #Fields in force
    assert logcodes.scan(p, by="code,method,path", threads=4, block_size=16).counts() == want


SIP = ("SIP/2.0 {code} {reason}\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK{branch}\r\nFrom: <sip:a@x>;tag=1\r\n"
       "To: <sip:b@x>;tag=2\r\nCall-ID: {callid}\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\n"
       "Content-Length: {length}\r\n\r\n{body}")
SDP = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"


def sip(code: int, reason: str, branch: str, body: str = "", length=None, callid: str = "c1") -> bytes:
    n = len(body.encode()) if length is None else length
    return SIP.format(code=code, reason=reason, branch=branch, callid=callid, length=n, body=body).encode()


@pytest.mark.parametrize("length", [0, 5, 10_000, 99_999_999])
def test_sip_wrong_content_length(tmp_path, length):
    """A Content-Length too small leaves body lines behind (not records, not counted); one too large must not
    swallow the messages after it."""
    body = sip(183, "Session Progress", "a", SDP, length=length) + sip(486, "Busy Here", "b") + sip(603, "Decline", "c")
    s = logcodes.scan(write(tmp_path, "cl.txt", body), format="sip_trace", by="code,reason", count="messages")
    assert s.counts() == {(183, "Session Progress"): 1, (486, "Busy Here"): 1, (603, "Decline"): 1}


def test_sip_sipfrag_body_holding_a_start_line(tmp_path):
    """message/sipfrag bodies hold start lines of their own: those stay body."""
    frag = ("NOTIFY sip:a@x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKn\r\nCall-ID: r1\r\nCSeq: 5 NOTIFY\r\n"
            "Content-Type: message/sipfrag\r\nContent-Length: 28\r\n\r\nSIP/2.0 200 OK\r\nSubject: x\r\n").encode()
    s = logcodes.scan(write(tmp_path, "f.txt", frag + sip(486, "Busy Here", "b")), format="sip_trace", by="code",
                      count="messages")
    assert s.counts() == {486: 1} and s.requests == 1


def test_sip_message_without_blank_line_before_the_next(tmp_path):
    """A dump cut without the blank line after the headers: each message keeps its own code and reason."""
    body = sip(486, "Busy Here", "a")[:-2] + sip(603, "Decline", "b", callid="c2")
    s = logcodes.scan(write(tmp_path, "cut.txt", body), format="sip_trace", by="code,reason", count="messages")
    assert s.counts() == {(486, "Busy Here"): 1, (603, "Decline"): 1}


def test_sip_without_final_crlf(tmp_path):
    body = sip(486, "Busy Here", "a") + sip(603, "Decline", "b", body="abc")[:-2]
    s = logcodes.scan(write(tmp_path, "end.txt", body), format="sip_trace", by="code", count="messages")
    assert s.counts() == {486: 1, 603: 1} and s.unparsed == 0
    s = logcodes.scan(write(tmp_path, "end2.txt", sip(486, "Busy Here", "a").rstrip(b"\r\n")), format="sip_trace",
                      by="code", count="messages")
    assert s.counts() == {486: 1}


# --- rules, interrupts, threads ------------------------------------------------------------------------------------

def test_catastrophic_rule_pattern(tmp_path):
    """Patterns that backtrack exponentially elsewhere run in linear time (RE2)."""
    acc = write(tmp_path, "a.log", b'10.0.0.1 - - [23/Nov/2026:10:00:01 +0000] "GET /x HTTP/1.1" 500 1\n')
    err = write(tmp_path, "e.log", b"2026/11/23 10:00:01 [error] 1#1: *1 " + b"a" * 200_000 + b"!\n")
    rules = [{"name": "nested_plus", "pattern": "(a+)+$", "codes": ["5xx"]},
             {"name": "alternation", "pattern": "(a|aa)*b", "codes": ["5xx"]}]
    t0 = time.monotonic()
    s = logcodes.scan(acc, errors=err, rules=rules, by="code,cause")
    assert time.monotonic() - t0 < 10  # a backtracking engine would not finish (2^200000 paths)
    assert s.counts() == {(500, "nested_plus"): 1}


def _interrupt(cmd, stdin=None, feed: bytes = b""):
    p = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if feed:
        p.stdin.write(feed)
        p.stdin.flush()
    # Wait until the scan is under way (its threads exist), not merely the interpreter starting.
    deadline = time.monotonic() + 60
    while len(os.listdir(f"/proc/{p.pid}/task")) < 2 and time.monotonic() < deadline:
        assert p.poll() is None, "the command ended before it could be interrupted"
        time.sleep(0.05)
    time.sleep(0.3)
    assert p.poll() is None, "the scan ended before it could be interrupted"
    sent = time.monotonic()
    p.send_signal(signal.SIGINT)
    try:
        out, err = p.communicate(timeout=10)
    finally:
        p.kill()
    return p.returncode, time.monotonic() - sent, err.decode()


def test_ctrl_c_during_a_file_scan(tmp_path):
    big = tmp_path / "sparse.log"
    with open(big, "wb") as f:
        f.write(GOOD)
        f.truncate(64 << 30)  # 64 GiB of holes: reads at memory speed for far longer than the test waits
    code, took, err = _interrupt([sys.executable, "-m", "logcodes", "summarize", str(big), "--no-progress",
                                  "--threads", "2"])
    assert code == 130 and took < 5, (code, took, err)
    assert err.strip() == "logcodes: interrupted"


def test_ctrl_c_while_reading_a_pipe():
    code, took, err = _interrupt([sys.executable, "-m", "logcodes", "summarize", "-", "--no-progress"],
                                 stdin=subprocess.PIPE, feed=GOOD * 1000)
    assert code == 130 and took < 5, (code, took, err)
    assert err.strip() == "logcodes: interrupted"


def test_eight_python_threads_at_once(tmp_path, combined_file, data):
    path, truth, *_ = combined_file
    inputs = [path, data / "shop_nginx_main_1000.log", data / "nginx_lab_combined.log"]
    gz = write(tmp_path, "gen.log.gz", gzip.compress(path.read_bytes()))
    inputs.append(gz)
    serial = {str(p): logcodes.scan(p, by="code,method", threads=2) for p in inputs}
    jobs = [inputs[i % len(inputs)] for i in range(32)]  # each file scanned by several threads at once
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda p: (str(p), logcodes.scan(p, by="code,method", threads=2)), jobs))
    for name, s in results:
        assert s == serial[name], name
    assert serial[str(path)].counts("code") == truth


# --- the catalogue itself ------------------------------------------------------------------------------------------

CATALOGUE = pathlib.Path(__file__).resolve().parents[2] / "docs" / "robustness.md"


def test_catalogue_rows_name_real_tests():
    text = CATALOGUE.read_text()
    rows = [line for line in text.splitlines() if re.match(r"\| \d+ \|", line)]
    assert len(rows) >= 30
    here = pathlib.Path(__file__).resolve().parent
    for row in rows:
        ids = re.findall(r"`(test_\w+\.py)::(test_\w+)`", row)
        assert ids, row
        for file, name in ids:
            assert re.search(rf"^def {name}\(", (here / file).read_text(), flags=re.M), f"{file}::{name} ({row[:40]})"


def test_catalogue_examples_run():
    blocks = re.findall(r"```python\n(.*?)```", CATALOGUE.read_text(), flags=re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, str(CATALOGUE), "exec"), {})
