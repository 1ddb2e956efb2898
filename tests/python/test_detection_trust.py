"""Detection you can trust: a reported confidence, `unknown` on a tie or weak evidence, decisions on short or
slow-growing inputs as their lines arrive, and format changes part-way (docs/detection.md)."""

import json
import subprocess
import sys

import logcodes

CODES = [200, 404, 500, 302, 503, 200, 301, 200]


def combined(i: int, code: int = 0) -> bytes:
    code = code or CODES[i % len(CODES)]
    return (f'10.0.{i % 200}.{i % 250} - - [05/Dec/2026:10:{i % 60:02d}:{i % 60:02d} +0000] "GET /p/{i} HTTP/1.1" '
            f'{code} {i % 900} "-" "ua/{i}"\n').encode()


def nginx_json(i: int, code: int = 0) -> bytes:
    code = code or CODES[(i + 3) % len(CODES)]
    return (json.dumps({"time_local": "05/Dec/2026:10:00:01 +0000", "remote_addr": f"10.1.0.{i % 250}",
                        "request": f"POST /j/{i} HTTP/1.1", "status": code, "body_bytes_sent": i,
                        "request_time": 0.004}) + "\n").encode()


def truth(lines):
    out = {}
    for code in lines:
        out[code] = out.get(code, 0) + 1
    return out


# 1: confidence and unknown ---------------------------------------------------------------------------------

def test_clean_sample_has_full_confidence_everywhere(tmp_path):
    body = b"".join(combined(i) for i in range(20))
    d = logcodes.detect(body)
    assert d.format == "combined" and d.confidence == 1.0 and 0 < d.margin <= 1.0
    path = tmp_path / "a.log"
    path.write_bytes(body)
    s = logcodes.scan(path)
    assert s.files[0].confidence == 1.0
    assert logcodes.scan(path, format="combined").files[0].confidence is None  # given, not detected
    st = logcodes.Stream()
    st.feed(body)
    assert st.close().files[0].confidence == 1.0
    out = subprocess.run([sys.executable, "-m", "logcodes", "detect", str(path)], capture_output=True, text=True)
    assert "confidence 1.00" in out.stdout, out.stdout


def test_no_valid_status_code_is_unknown():
    # Exactly the combined layout, but "000" is no HTTP status: no format wins on lines without a valid code.
    d = logcodes.detect(b"".join(combined(i, code=0)[:0] + combined(i).replace(b'" 200 ', b'" 000 ')
                                 .replace(b'" 404 ', b'" 000 ').replace(b'" 500 ', b'" 000 ')
                                 .replace(b'" 302 ', b'" 000 ').replace(b'" 503 ', b'" 000 ')
                                 .replace(b'" 301 ', b'" 000 ') for i in range(8)))
    assert d.format is None and "none has a valid status code" in d.explanation
    assert d.why_not and all(isinstance(v, str) for v in d.why_not.values())


def test_a_tie_between_different_readings_is_unknown_with_the_runners_up():
    # Traefik's DownstreamStatus says 502, the common key response_code says 200: the same lines, two codes.
    line = b'{"DownstreamStatus": 502, "response_code": 200, "RequestMethod": "GET"}\n'
    d = logcodes.detect(line * 6)
    assert d.format is None and d.margin == 0.0
    assert "read the sample differently" in d.explanation
    assert {"traefik_json", "json"} <= set(d.why_not)
    assert str(d).startswith("unknown (")


def test_valid_codes_in_under_half_the_sample_is_weak():
    body = b"".join(combined(i) for i in range(3)) + b"".join(b"note %d: nothing to see\n" % i for i in range(7))
    d = logcodes.detect(body)
    assert d.format is None and "reads a valid status code in only 3 of 10 lines" in d.explanation


def test_a_specific_format_wins_over_the_general_one_reading_alike():
    # Caddy's own other loggers are its lines too; the generic JSON reader reads the same codes: no tie.
    line = (b'{"level":"info","logger":"http.log.access","msg":"handled request","request":{"method":"GET",'
            b'"uri":"/x","host":"a"},"status":404,"size":0,"duration":0.001}\n')
    other = b'{"level":"info","logger":"tls","msg":"cleaning storage unit"}\n'
    d = logcodes.detect(line * 2 + other * 6)
    assert d.format == "caddy_json" and d.confidence == 1.0


# 2: short and slow-growing inputs --------------------------------------------------------------------------

def test_stream_take_decides_on_the_lines_so_far():
    st = logcodes.Stream(by="code")
    st.feed(combined(0) + combined(1) + combined(2))
    w = st.take()
    assert w.counts("code") == {200: 1, 404: 1, 500: 1}
    assert w.files[0].detection.startswith("decided on the 3 lines arrived so far: combined")
    st.feed(combined(3))
    assert st.take().counts("code") == {302: 1}
    assert st.close().total == 0


def test_stream_take_waits_while_the_lines_are_no_evidence():
    st = logcodes.Stream(by="code")
    st.feed(b"starting up\n")
    w = st.take()
    assert w.total == 0 and w.files[0].detection.startswith("undecided after 1 lines")
    st.feed(combined(0))
    final = st.close()
    assert final.counts("code") == {200: 1}


def test_follow_counts_a_short_file_in_its_first_window(tmp_path):
    # A file under 64 lines was held back for detection every window and counted as 0 records.
    path = tmp_path / "short.log"
    path.write_bytes(b"".join(combined(i) for i in range(5)))
    with logcodes.follow(str(path), interval=0.05, by="code") as f:
        first = next(f)
        assert first.total == 5 and first.files and first.counts("code") == truth(CODES[:5])
        with open(path, "ab") as out:
            out.write(combined(5))
        second = next(f)
        while second.total == 0:
            second = next(f)
        assert second.counts("code") == {CODES[5]: 1}


def test_watch_jsonl_counts_a_short_file(tmp_path):
    path = tmp_path / "short.log"
    path.write_bytes(b"".join(combined(i) for i in range(5)))
    proc = subprocess.Popen([sys.executable, "-m", "logcodes", "watch", "--jsonl", "--interval", "0.1", str(path)],
                            stdout=subprocess.PIPE, text=True)
    try:
        window = json.loads(proc.stdout.readline())
    finally:
        proc.terminate()
        proc.wait(10)
    assert window["records"] == 5


# 3: a format change part-way -------------------------------------------------------------------------------

def changed_file(tmp_path, before: int, after: int):
    head = b"".join(combined(i) for i in range(before))
    tail = b"".join(nginx_json(i) for i in range(after))
    path = tmp_path / "reloaded.log"
    path.write_bytes(head + tail)
    codes = [CODES[i % len(CODES)] for i in range(before)] + [CODES[(i + 3) % len(CODES)] for i in range(after)]
    return path, len(head), truth(codes)


def test_a_reload_with_a_new_log_format_is_found_and_counted(tmp_path):
    path, offset, expected = changed_file(tmp_path, 100, 100)
    s = logcodes.scan(path, by="code")
    f = s.files[0]
    assert f.format == "combined"
    assert [c[:4] for c in f.changes] == [(101, offset, "nginx_json", None)]
    assert s.counts("code") == expected and s.unparsed == 0
    assert "format change in" in str(s) and "line 101" in str(s)


def test_a_change_inside_a_later_piece_is_the_same_whatever_the_threads(tmp_path):
    path, offset, expected = changed_file(tmp_path, 600, 150)
    whole = logcodes.scan(path, by="code", threads=1)
    assert [c[:3] for c in whole.files[0].changes] == [(601, offset, "nginx_json")]
    for threads, block in [(2, 4096), (2, 8192), (2, 65536)]:
        s = logcodes.scan(path, by="code", threads=threads, block_size=block)
        assert s == whole and s.counts("code") == expected
        assert s.files[0].changes == whole.files[0].changes
    assert logcodes.records(path) is not None


def test_stream_finds_the_change_too(tmp_path):
    path, offset, expected = changed_file(tmp_path, 70, 30)
    st = logcodes.Stream(by="code")
    data = path.read_bytes()
    for i in range(0, len(data), 1000):
        st.feed(data[i:i + 1000])
    s = st.close()
    assert s.counts("code") == expected
    assert [c[:3] for c in s.files[0].changes] == [(71, offset, "nginx_json")]


def test_a_few_stray_lines_are_no_change(tmp_path):
    body = b"".join(combined(i) for i in range(40)) + b"garbage\n" * 3 + b"".join(combined(i) for i in range(40, 80))
    path = tmp_path / "stray.log"
    path.write_bytes(body)
    s = logcodes.scan(path)
    assert s.files[0].changes == [] and s.unparsed == 3


def test_lines_after_an_unknown_head_are_detected(tmp_path):
    # 80 lines of no known format (past the 64-line sample), then access lines. Runs of unread lines are
    # tried at 8 lines, then each time the run has doubled (lines 17-24, 49-56, 113-120): the access lines
    # are found at line 113 and counted from there; the 32 before it stay unparsed.
    body = b"".join(b"boot message %d of the appliance\n" % i for i in range(80))
    first = len(body)
    body += b"".join(combined(i) for i in range(200))
    path = tmp_path / "late.log"
    path.write_bytes(body)
    s = logcodes.scan(path, by="code")
    assert s.files[0].format is None
    (line, offset, name, wrapper, why), = s.files[0].changes
    assert (line, name, wrapper) == (113, "combined", None)
    assert offset == first + sum(len(combined(i)) for i in range(32))
    assert s.counted == 168 and s.unparsed == 112


# 4: Cloud Logging LogEntry ----------------------------------------------------------------------------------

def gcp_entry(i: int, code: int, latency: str) -> bytes:
    # The LogEntry and HttpRequest fields of the Cloud Logging reference (LogEntry.httpRequest; latency is a
    # protobuf Duration in JSON, sizes are int64 as strings).
    return (json.dumps({
        "httpRequest": {"requestMethod": "GET", "requestUrl": f"https://shop.example/item/{i}?x=1", "status": code,
                        "responseSize": "512", "userAgent": "curl/8.5.0", "remoteIp": "203.0.113.9",
                        "serverIp": "10.128.0.7", "latency": latency, "protocol": "HTTP/1.1"},
        "insertId": f"id{i}", "logName": "projects/p/logs/requests", "severity": "WARNING" if code >= 500 else "INFO",
        "resource": {"type": "http_load_balancer", "labels": {"project_id": "p"}},
        "timestamp": f"2026-12-05T10:00:{i:02d}.123456Z", "receiveTimestamp": f"2026-12-05T10:00:{i:02d}.2Z"})
        + "\n").encode()


def test_gcp_log_entries_with_http_request(tmp_path):
    body = b"".join(gcp_entry(i, c, f"{0.1 * (i + 1):.3f}s") for i, c in enumerate([200, 502, 404, 200, 503]))
    d = logcodes.detect(body)
    assert d.format == "gcp_http_request" and d.confidence == 1.0
    path = tmp_path / "lb.json"
    path.write_bytes(body)
    s = logcodes.scan(path, by="code,method,severity")
    assert s.counts("code") == {200: 2, 502: 1, 404: 1, 503: 1}
    assert s.counts("severity") == {"INFO": 3, "WARNING": 2}
    q = logcodes.scan(path, quantiles="duration", by="class")
    p50 = q.quantiles("duration", q=(0.5,), by=())["p50"][0]  # latency "0.300s" is the median of 0.1 .. 0.5 s
    assert abs(p50 - 0.3) < 0.01


def test_gcp_text_payload_carries_a_line():
    line = combined(1).decode().rstrip("\n")
    entries = b"".join((json.dumps({"textPayload": combined(i).decode().rstrip("\n"), "insertId": str(i),
                                    "timestamp": "2026-12-05T10:00:01Z", "severity": "INFO"}) + "\n").encode()
                       for i in range(6))
    d = logcodes.detect(entries)
    assert d.format == "json+combined", d
    assert logcodes.formats.get("json+combined").parse(json.dumps({"textPayload": line}))["status"] == "404"


# 4: journalctl -o export -------------------------------------------------------------------------------------

def export_entry(i: int, message: bytes, binary: bool = False) -> bytes:
    """One entry as the journal export format lays it out (systemd.io/JOURNAL_EXPORT_FORMATS): text fields
    NAME=value, a binary-safe field as NAME, its size as 64-bit little-endian and its bytes; an empty line ends it."""
    fields = [b"__CURSOR=s=739ad463;i=%x;b=6d8d;m=%x;t=5e5c;x=f0" % (i, i),
              b"__REALTIME_TIMESTAMP=%d" % (1796464801000000 + i * 1000000),
              b"__MONOTONIC_TIMESTAMP=%d" % (4000000 + i), b"_BOOT_ID=6d8d1f3e5a2b4c7d9e0f1a2b3c4d5e6f",
              b"PRIORITY=6", b"SYSLOG_FACILITY=23", b"SYSLOG_IDENTIFIER=nginx"]
    if binary:
        fields.append(b"MESSAGE\n" + len(message).to_bytes(8, "little") + message)
    else:
        fields.append(b"MESSAGE=" + message)
    fields += [b"_PID=%d" % (100 + i), b"_UID=33", b"_COMM=nginx", b"_HOSTNAME=web1", b"_TRANSPORT=syslog"]
    return b"\n".join(fields) + b"\n\n"


def test_journal_export_entries_carry_the_lines(tmp_path):
    lines = [combined(i).rstrip(b"\n") for i in range(12)]
    # Entry 3's MESSAGE is written binary-safe; padded to 266 bytes its size's first byte is '\n' (0x0a).
    padded = lines[3] + b" " * (266 - len(lines[3]))
    body = b"".join(export_entry(i, padded if i == 3 else line, binary=i == 3) for i, line in enumerate(lines))
    d = logcodes.detect(body)
    assert d.format == "journal_export+combined", d
    path = tmp_path / "export.txt"
    path.write_bytes(body)
    s = logcodes.scan(path, by="code,app")
    assert s.files[0].wrapper == "journal_export"
    assert s.counts("code") == truth(CODES[i % len(CODES)] for i in range(12))
    assert s.counts("app") == {"nginx": 12}
    assert s.unparsed == 0 and s.total == 12
    given = logcodes.scan(path, format="journal_export+combined", by="code")
    assert given.counts("code") == s.counts("code")
    assert logcodes.scan(path, by="code", threads=2, block_size=4096).counts("code") == s.counts("code")
