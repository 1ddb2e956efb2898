"""Logs inside envelopes (docs/wrappers.md): syslog, CRI, Docker json-file, journald and shippers' JSON.

Real lines (the labs' nginx, Apache and Tomcat logs, the SIPp trace, error logs, the shared corpus) are
wrapped by writers that follow each envelope's published format; a wrapped file must give the counts of
the bare one, detected on its own, with the envelope reported beside the format.
"""

from __future__ import annotations

import gzip
import json
import pathlib
from typing import Callable, Dict, Iterable, List

import pytest

import logcodes

# --- writers, one per envelope, from the envelope's own specification ------------------------------------

T = "2026-12-05T10:00:01.123456789Z"


def _text(line: bytes) -> str:
    return line.decode("utf-8", "surrogateescape")


def rfc3164(lines: List[bytes]) -> bytes:
    """nginx's `syslog:` output (src/core/ngx_syslog.c: "<PRI>TIME HOSTNAME TAG: MSG")."""
    return b"".join(b"<190>Dec %2d 10:%02d:%02d web1 nginx: " % (1 + i % 28, i // 60 % 60, i % 60) + ln + b"\n"
                    for i, ln in enumerate(lines))


def rsyslog_file(lines: List[bytes]) -> bytes:
    """rsyslog's RSYSLOG_FileFormat (RFC 3339 time, no PRI), as /var/log/syslog holds it on Debian 13."""
    return b"".join(b"2026-12-05T10:00:01.%06d+00:00 web1 nginx[812]: " % i + ln + b"\n" for i, ln in enumerate(lines))


def rfc5424_octets(lines: List[bytes]) -> bytes:
    """RFC 5424 messages with structured data and a BOM, framed by RFC 6587 octet counting."""
    out = []
    for i, ln in enumerate(lines):
        msg = b'<134>1 2026-12-05T10:00:01.%03dZ web1 nginx 812 access [meta@32473 seq="%d" x="a\\]b"] \xef\xbb\xbf' % (
            i % 1000, i) + ln
        out.append(b"%d " % len(msg) + msg + b"\n")
    return b"".join(out)


def cri(lines: List[bytes], cut: int = 0) -> bytes:
    """containerd/CRI-O: "TIME STREAM P|F LINE"; with `cut`, lines longer than it are written in P parts."""
    out = []
    for ln in lines:
        parts = [ln[i:i + cut] for i in range(0, len(ln), cut)] if cut and len(ln) > cut else [ln]
        for j, part in enumerate(parts):
            tag = b"F" if j == len(parts) - 1 else b"P"
            out.append(T.encode() + b" stdout " + tag + b" " + part + b"\n")
    return b"".join(out)


def _go_json(s: str) -> str:
    # Go's encoding/json (moby's jsonlog) escapes <, > and & as \u003c, \u003e, \u0026.
    return json.dumps(s).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def docker(lines: List[bytes], cut: int = 0) -> bytes:
    """Docker json-file (moby daemon/logger/jsonfilelog): {"log":LINE\\n,"stream":..,"time":..}; a line longer
    than the copier's buffer goes in entries without the '\\n' until the last."""
    out = []
    for ln in lines:
        text = ln.decode("utf-8", "replace") + "\n"
        parts = [text[i:i + cut] for i in range(0, len(text), cut)] if cut and len(text) > cut else [text]
        for part in parts:
            out.append('{"log":%s,"stream":"stdout","time":"%s"}\n' % (_go_json(part), T))
    return "".join(out).encode()


def journald(lines: List[bytes]) -> bytes:
    """journalctl -o json: MESSAGE as a string, or an array of bytes when not UTF-8 (systemd JOURNAL_EXPORT_FORMATS)."""
    out = []
    for i, ln in enumerate(lines):
        try:
            message: object = ln.decode("utf-8")
        except UnicodeDecodeError:
            message = list(ln)
        out.append(json.dumps({"__CURSOR": f"s=abc;i={i}", "__REALTIME_TIMESTAMP": str(1796464801000000 + i),
                               "_HOSTNAME": "web1", "SYSLOG_IDENTIFIER": "nginx", "_SYSTEMD_UNIT": "nginx.service",
                               "MESSAGE": message}))
    return ("\n".join(out) + "\n").encode()


def filebeat(lines: List[bytes]) -> bytes:
    """A Filebeat / Elastic Agent event (ECS): the line in "message", "@timestamp", "host.name", "log" an object."""
    return "".join(json.dumps({"@timestamp": "2026-12-05T10:00:01.000Z", "log": {"offset": i, "file": {"path": "/var/log/a"}},
                               "message": ln.decode("utf-8", "replace"), "host": {"name": "web1"},
                               "agent": {"type": "filebeat"}}) + "\n" for i, ln in enumerate(lines)).encode()


def fluentbit(lines: List[bytes]) -> bytes:
    """Fluent Bit's json_lines output of a tail input: "date" (epoch seconds) and "log" with its '\\n'."""
    return "".join(json.dumps({"date": 1796464801.5 + i, "log": ln.decode("utf-8", "replace") + "\n"}) + "\n"
                   for i, ln in enumerate(lines)).encode()


WRITERS: Dict[str, Callable[[List[bytes]], bytes]] = {
    "syslog": rfc3164, "syslog-file": rsyslog_file, "syslog-5424": rfc5424_octets, "cri": cri, "docker": docker,
    "journald": journald, "json-filebeat": filebeat, "json-fluentbit": fluentbit,
}


def _lines(path: pathlib.Path) -> List[bytes]:
    raw = gzip.open(path).read() if path.suffix == ".gz" else path.read_bytes()
    return raw.splitlines()


def _same(bare: logcodes.Summary, wrapped: logcodes.Summary) -> None:
    assert (wrapped.total, wrapped.counted, wrapped.invalid, wrapped.unparsed) == \
        (bare.total, bare.counted, bare.invalid, bare.unparsed)
    assert wrapped.counts() == bare.counts()


# --- counts of wrapped files equal the bare files' --------------------------------------------------------

ACCESS = [
    ("tests/data/nginx_lab_combined.log", "combined"),
    ("tests/data/shop_nginx_main_1000.log", None),
    ("tests/data/traefik_clf_beats.log", None),
    ("samples:apache_combined", "combined"),
    ("samples:tomcat_lab", None),
]


def _path(spec: str) -> pathlib.Path:
    if spec.startswith("samples:"):
        return pathlib.Path(logcodes.samples.path(spec.split(":", 1)[1]))
    return pathlib.Path(__file__).resolve().parents[2] / spec


@pytest.mark.parametrize("writer", sorted(WRITERS))
@pytest.mark.parametrize("source,expect", ACCESS)
def test_wrapped_access_logs_count_as_bare(tmp_path, source, expect, writer):
    src = _path(source)
    lines = _lines(src)
    bare_file = tmp_path / "bare.log"
    bare_file.write_bytes(b"\n".join(lines) + b"\n")
    wrapped_file = tmp_path / "wrapped.log"
    wrapped_file.write_bytes(WRITERS[writer](lines))
    bare = logcodes.scan(str(bare_file), threads=1)
    wrapped = logcodes.scan(str(wrapped_file), threads=1)
    info = wrapped.files[0]
    assert info.format == bare.files[0].format, info.detection
    if expect:
        assert info.format == expect
    assert info.wrapper == writer.split("-")[0], info.detection
    assert f"in {info.wrapper} envelopes" in info.detection
    assert bare.files[0].wrapper is None
    _same(bare, wrapped)


def test_given_wrapper_and_format_read_the_same(tmp_path):
    lines = _lines(_path("tests/data/nginx_lab_combined.log"))
    f = tmp_path / "s.log"
    f.write_bytes(rfc3164(lines))
    auto = logcodes.scan(str(f))
    given = logcodes.scan(str(f), format="syslog+combined")
    assert given.files[0].format == "combined" and given.files[0].wrapper == "syslog"
    assert given.files[0].detection == "given"
    _same(auto, given)
    wrapped = logcodes.formats.wrap("syslog", "combined")
    assert wrapped.name == "syslog+combined"
    _same(auto, logcodes.scan(str(f), format=wrapped))


def test_compiled_format_inside_an_envelope(tmp_path):
    nginx = logcodes.formats.nginx('$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
                                   '"$http_referer" "$http_user_agent"')
    lines = _lines(_path("tests/data/nginx_lab_combined.log"))
    f = tmp_path / "c.log"
    f.write_bytes(cri(lines, cut=40))
    s = logcodes.scan(str(f), format=logcodes.formats.wrap("cri", nginx), by="code")
    bare = logcodes.scan(str(_path("tests/data/nginx_lab_combined.log")), format=nginx, by="code")
    _same(bare, s)
    import pickle
    again = pickle.loads(pickle.dumps(logcodes.formats.wrap("cri", nginx)))
    assert again.name == "cri+nginx"


def test_unknown_wrapper_or_format_is_refused():
    with pytest.raises(logcodes.FormatError, match="valid wrappers"):
        logcodes.scan(logcodes.samples.path("nginx_lab"), format="gelf+combined")
    with pytest.raises(logcodes.FormatError):
        logcodes.scan(logcodes.samples.path("nginx_lab"), format="syslog+nope")
    with pytest.raises(logcodes.FormatError):
        logcodes.formats.wrap("nope", "combined")
    assert set(logcodes.formats.wrappers()) == {"syslog", "cri", "docker", "journald", "journal_export", "json"}


def test_envelope_host_time_stream_and_app_are_fields(tmp_path):
    lines = _lines(_path("tests/data/nginx_lab_combined.log"))
    f = tmp_path / "s.log"
    f.write_bytes(rfc3164(lines))
    s = logcodes.scan(str(f), by="host,app,code")
    assert {k[0] for k in s.counts()} == {"web1"}
    assert {k[1] for k in s.counts()} == {"nginx"}
    c = tmp_path / "c.log"
    c.write_bytes(cri(lines))
    assert {k[0] for k in logcodes.scan(str(c), by="stream,code").counts()} == {"stdout"}


def test_sip_acc_lines_take_the_envelope_time(tmp_path):
    # Kamailio acc lines carry no time of their own unless asked to: the CRI time is the record's.
    acc = (b"ACC: transaction answered: method=INVITE;from_tag=a;to_tag=b;call_id=c%d;code=%d;reason=X")
    f = tmp_path / "acc.log"
    f.write_bytes(cri([acc % (i, 200 if i % 2 else 486) for i in range(10)]))
    s = logcodes.scan(str(f), by="time:1h,code", count="messages")
    assert s.files[0].format == "sip_acc" and s.files[0].wrapper == "cri"
    times = {k[0] for k in s.counts()}
    assert len(times) == 1 and str(next(iter(times))).startswith("2026-12-05 10:00")


# --- SIP traces and error logs nest too -------------------------------------------------------------------

@pytest.mark.parametrize("writer", ["cri", "docker", "journald", "syslog-file"])
def test_wrapped_sip_trace_counts_as_bare(tmp_path, writer):
    src = _path("tests/data/lab_sipp/uac_messages.log")
    lines = _lines(src)
    f = tmp_path / "w.log"
    f.write_bytes(WRITERS[writer](lines))
    for count in ("messages", "transactions", "calls"):
        bare = logcodes.scan(str(src), count=count)
        wrapped = logcodes.scan(str(f), count=count)
        assert wrapped.files[0].format == "sip_trace" and wrapped.files[0].wrapper == writer.split("-")[0]
        _same(bare, wrapped)
        assert wrapped.requests == bare.requests


def test_wrapped_corpus_sip_traces(tmp_path, corpus):
    for src in sorted((corpus / "sip" / "text").glob("*.sip.txt")):
        f = tmp_path / (src.name + ".cri")
        f.write_bytes(cri(_lines(src), cut=100))
        bare, wrapped = logcodes.scan(str(src)), logcodes.scan(str(f))
        assert wrapped.files[0].format == bare.files[0].format, src.name
        _same(bare, wrapped)


@pytest.mark.parametrize("name", ["php_error.log", "python_basic.log", "catalina.out"])
def test_wrapped_error_logs_count_as_bare(tmp_path, data, name):
    src = data / "lab_error_logs" / name
    f = tmp_path / "e.log"
    f.write_bytes(journald(_lines(src)))
    bare, wrapped = logcodes.scan(str(src)), logcodes.scan(str(f))
    assert wrapped.count == "events"
    assert wrapped.files[0].format == bare.files[0].format and wrapped.files[0].wrapper == "journald"
    _same(bare, wrapped)


# --- cut lines, bad envelopes, threads, streams -----------------------------------------------------------

def _long_lines(n: int = 400) -> List[bytes]:
    return [b'10.0.0.%d - - [05/Dec/2026:10:00:01 +0000] "GET /p/%s HTTP/1.1" %d 12 "-" "ua"'
            % (i % 250, b"x" * (i % 50 * 20), 404 if i % 7 == 0 else 200) for i in range(n)]


@pytest.mark.parametrize("writer", [cri, docker])
def test_cut_lines_are_joined(tmp_path, writer):
    lines = _long_lines()
    f = tmp_path / "w.log"
    f.write_bytes(writer(lines, cut=64))
    s = logcodes.scan(str(f), by="code")
    assert s.total == len(lines) and s.unparsed == 0
    assert s.counts() == {404: sum(1 for i in range(len(lines)) if i % 7 == 0), 200: sum(1 for i in range(len(lines)) if i % 7)}


@pytest.mark.parametrize("writer", ["syslog", "cri", "docker", "journald"])
def test_threads_and_blocks_never_change_counts(tmp_path, writer):
    lines = _long_lines(6000)
    data = WRITERS[writer](lines) if writer != "cri" else cri(lines, cut=50)
    f = tmp_path / "w.log"
    f.write_bytes(data)
    one = logcodes.scan(str(f), threads=1)
    for threads, block in ((2, 4096), (4, 1000), (3, 65536)):
        _same(one, logcodes.scan(str(f), threads=threads, block_size=block))
    stream = logcodes.Stream()
    for i in range(0, len(data), 777):
        stream.feed(data[i:i + 777])
    _same(one, stream.close())


def test_bad_envelopes_are_unparsed_with_samples(tmp_path):
    lines = _lines(_path("tests/data/nginx_lab_combined.log"))
    good = docker(lines).splitlines()
    bad = [b'{"log":"cut', b"plain text between entries", b'{"log":"x\\q\\n","stream":"stdout","time":"%s"}' % T.encode(),
           b'{"stream":"stdout","time":"%s"}' % T.encode(), b"\xff\xfe\x00binary"]
    f = tmp_path / "d.log"
    f.write_bytes(b"\n".join(good[:10] + bad + good[10:]) + b"\n")
    s = logcodes.scan(str(f))
    assert s.files[0].wrapper == "docker"
    assert s.unparsed == len(bad)
    assert s.total == len(lines) + len(bad)
    assert [x.line for x in s.unparsed_samples] == list(range(11, 11 + len(bad)))


def test_cut_line_without_its_end_is_unparsed(tmp_path):
    lines = _lines(_path("tests/data/nginx_lab_combined.log"))
    f = tmp_path / "c.log"
    f.write_bytes(cri(lines) + (T + " stdout P 10.0.0.1 - - [05/Dec/2026:10:00:01 +0000] \"GET /never").encode() + b"\n")
    s = logcodes.scan(str(f))
    assert s.total == len(lines) + 1
    assert s.unparsed == 1
    assert "never came" in s.unparsed_samples[0].why


def test_detect_reports_the_wrapper(tmp_path):
    f = tmp_path / "s.log"
    f.write_bytes(rfc3164(_lines(_path("tests/data/nginx_lab_combined.log"))))
    d = logcodes.detect(str(f))
    assert "combined in syslog envelopes" in str(d)


# --- real producers: nginx -> rsyslog (tests/lab/syslog/run.sh) --------------------------------------------

@pytest.mark.parametrize("name", ["access_wire.log", "access_traditional.log", "access_rfc3339.log",
                                  "access_rfc5424.log", "access_octet_counted.log"])
def test_rsyslog_lab_counts_as_nginx_own_file(data, name):
    lab = data / "lab_syslog"
    bare = logcodes.scan(str(lab / "access_combined.log"))
    wrapped = logcodes.scan(str(lab / name))
    assert (wrapped.files[0].format, wrapped.files[0].wrapper) == ("combined", "syslog"), wrapped.files[0].detection
    _same(bare, wrapped)
    assert wrapped.unparsed == 0
    hosts = logcodes.scan(str(lab / name), by="host,app").counts()
    assert {app for _, app in hosts} == {"nginx"}


def test_rsyslog_lab_error_lines_count_as_nginx_own_error_log(data):
    lab = data / "lab_syslog"
    bare = logcodes.scan(str(lab / "error.log"))
    wrapped = logcodes.scan(str(lab / "error_rfc3339.log"))
    assert (wrapped.files[0].format, wrapped.files[0].wrapper) == ("nginx_error", "syslog"), wrapped.files[0].detection
    assert wrapped.count == bare.count == "events"
    # A worker's last line ("exit") can leave after rsyslog stopped reading: lines in nginx's file only.
    sent = {ln.split(" nginxerr: ", 1)[1] for ln in (lab / "error_rfc3339.log").read_text().splitlines()}
    only_in_file = sum(1 for ln in (lab / "error.log").read_text().splitlines() if ln not in sent)
    assert only_in_file <= 2
    assert wrapped.unparsed == 0
    assert wrapped.counted + only_in_file == bare.counted


# --- real producers: nginx -> systemd-journald -> journalctl -o json (tests/lab/journald/run.sh) ----------

def test_journald_lab_counts_as_nginx_own_file(data):
    lab = data / "lab_journald"
    bare = logcodes.scan(str(lab / "access_combined.log"))
    wrapped = logcodes.scan(str(lab / "access_journal.json"))
    assert (wrapped.files[0].format, wrapped.files[0].wrapper) == ("combined", "journald"), wrapped.files[0].detection
    _same(bare, wrapped)
    assert wrapped.unparsed == 0
    assert {app for _, app in logcodes.scan(str(lab / "access_journal.json"), by="host,app").counts()} == {"nginx"}


def test_journald_lab_error_lines(data):
    lab = data / "lab_journald"
    bare = logcodes.scan(str(lab / "error.log"))
    wrapped = logcodes.scan(str(lab / "error_journal.json"))
    assert (wrapped.files[0].format, wrapped.files[0].wrapper) == ("nginx_error", "journald")
    sent = {json.loads(ln)["MESSAGE"] for ln in (lab / "error_journal.json").read_text().splitlines()}
    only_in_file = sum(1 for ln in (lab / "error.log").read_text().splitlines() if ln not in sent)
    assert only_in_file <= 2  # a worker's last line can leave after the socket closed
    assert wrapped.unparsed == 0
    assert wrapped.counted + only_in_file == bare.counted


def test_headline_detect_and_dimensions_name_the_envelope(tmp_path, data):
    lab = data / "lab_syslog"
    s = logcodes.scan(str(lab / "access_rfc3339.log"))
    assert "1 input (combined in syslog)" in s.headline()
    d = logcodes.detect(str(lab / "access_rfc3339.log"))
    assert d.format == "syslog+combined"
    assert all(name.startswith("syslog+") for name, _, _ in d.runners_up)
    assert "stream" in logcodes.formats.fields() and "app" in logcodes.formats.fields()


def test_envelope_fields_are_known_before_any_envelope_is_met(data):
    # A fresh process: "app" and "stream" are valid dimensions before a scan has detected an envelope.
    import subprocess
    import sys
    code = ("import logcodes, sys; s = logcodes.scan(sys.argv[1], by='app,code'); "
            "assert {k[0] for k in s.counts()} == {'nginx'}, s.counts()")
    r = subprocess.run([sys.executable, "-c", code, str(data / "lab_syslog" / "access_wire.log")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
