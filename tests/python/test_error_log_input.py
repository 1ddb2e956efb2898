"""Error logs given as main inputs: detected by kind, counted as events by level and cause, never as responses.

Expected counts come from reading each file with a small regex per layout here, not from logcodes.
"""

from __future__ import annotations

import collections
import json
import pathlib
import re
import subprocess
import sys
from typing import Counter, Dict, List, Optional

import pytest

import logcodes
from logcodes import _core

HERE = pathlib.Path(__file__).resolve().parent
DATA = HERE.parent / "data"
CORPUS = HERE.parents[2] / "shared" / "corpus"
LAB = DATA / "lab_error_logs"

# Every error log the project has, with the kind it is.
ERROR_LOGS = {
    DATA / "lab_nginx_formats" / "error.log": "nginx_error",
    pathlib.Path(logcodes.samples.path("nginx_lab_errors")): "nginx_error",
    DATA / "lab_apache_formats" / "error.log": "apache_error",
    DATA / "lab_tomcat" / "catalina.log": "tomcat_juli",
    DATA / "lab_tomcat" / "localhost.log": "tomcat_juli",
    # Debian's tomcat10 writes only JULI lines to catalina.out when nothing prints to stdout: its layout is JULI's.
    DATA / "lab_tomcat" / "catalina.out": "tomcat_juli",
    DATA / "lab_nginx_proxy" / "error.log": "nginx_error",
    DATA / "lab_syslog" / "error.log": "nginx_error",
    DATA / "lab_journald" / "error.log": "nginx_error",
    DATA / "lab_apache_proxy" / "error_log": "apache_error",
    LAB / "catalina.out": "catalina_out",
    LAB / "localhost_simple.log": "tomcat_simple",
    LAB / "app_log4j.log": "log4j",
    LAB / "php_error.log": "php_error",
    LAB / "php_fpm.log": "php_fpm",
    LAB / "python_basic.log": "python_log",
    LAB / "python_asctime.log": "python_log",
}
CORPUS_ERROR_LOGS = {
    CORPUS / "error_logs" / "beats_nginx_error_test.log": "nginx_error",
    CORPUS / "lab_generated" / "nginx" / "error.log": "nginx_error",
}

# The severity scale, as README "Formats" documents it.
SEVERITY = {"emerg": "emerg", "alert": "alert", "crit": "crit", "critical": "crit", "fatal": "crit",
            "error": "error", "severe": "error", "warn": "warn", "warning": "warn", "notice": "notice",
            "info": "info", "config": "info", "debug": "debug", "fine": "debug", "finer": "debug",
            "trace": "trace", "finest": "trace"}
# PHP's error types and the syslog level PHP gives each (main/main.c); error_log() text is LOG_NOTICE.
PHP_TYPES = {"Fatal error": "error", "Parse error": "error", "Recoverable fatal error": "error",
             "Warning": "warn", "Notice": "notice", "Deprecated": "info", None: "notice"}

NGINX = re.compile(r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \[(\w+)\] ")
APACHE = re.compile(r"^\[\w{3} \w{3} \d\d \d\d:\d\d:\d\d(?:\.\d+)? \d{4}\] \[(?:\w+:)?(\w+)\] ")
JULI = re.compile(r"^\d\d-\w{3}-\d{4} \d\d:\d\d:\d\d\.\d{3} (\w+) \[")
SIMPLE = re.compile(r"^\w{3} \d\d, \d{4} \d{1,2}:\d\d:\d\d [AP]M \S")
LOG4J = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (\w+) \[")
PHP = re.compile(r"^\[\d\d-\w{3}-\d{4} \d\d:\d\d:\d\d [\w/]+\] (?:PHP ([A-Za-z ]+?):  )?")
FPM = re.compile(r"^\[\d\d-\w{3}-\d{4} \d\d:\d\d:\d\d\] ([A-Z]+): ")
PY_BASIC = re.compile(r"^(CRITICAL|ERROR|WARNING|INFO|DEBUG):[\w.]+:")
PY_ASCTIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (\w+) ")


def _lines(path: pathlib.Path) -> List[str]:
    return path.read_text(encoding="utf-8", errors="replace").splitlines()


def expected_levels(path: pathlib.Path, kind: str) -> Counter[str]:
    """Events per severity, counted from the file's own header lines."""
    levels: Counter[str] = collections.Counter()
    lines = _lines(path)
    for i, line in enumerate(lines):
        if kind == "nginx_error" and (m := NGINX.match(line)):
            levels[SEVERITY[m.group(1)]] += 1
        elif kind == "apache_error" and (m := APACHE.match(line)):
            levels[SEVERITY[m.group(1)]] += 1
        elif kind in ("tomcat_juli", "catalina_out") and (m := JULI.match(line)):
            levels[SEVERITY[m.group(1).lower()]] += 1
        elif kind in ("log4j", "catalina_out") and (m := LOG4J.match(line)):
            levels[SEVERITY[m.group(1).lower()]] += 1
        elif kind == "tomcat_simple" and SIMPLE.match(line):
            levels[SEVERITY[lines[i + 1].split(":", 1)[0].lower()]] += 1
        elif kind == "php_error" and (m := PHP.match(line)):
            levels[PHP_TYPES[m.group(1)]] += 1
        elif kind == "php_fpm" and (m := FPM.match(line)):
            levels[SEVERITY[m.group(1).lower()]] += 1
        elif kind == "python_log":
            if m := (PY_BASIC.match(line) or PY_ASCTIME.match(line)):
                levels[SEVERITY[m.group(1).lower()]] += 1
            elif line.startswith("Traceback (most recent call last):"):
                # Its own event unless the line before is the record that logged it or a chain sentence.
                before = next((b for b in reversed(lines[:i]) if b.strip()), "")
                if not (PY_BASIC.match(before) or PY_ASCTIME.match(before) or before.startswith(("The above", "During"))):
                    levels["error"] += 1
    return levels


def _all_error_logs() -> Dict[pathlib.Path, str]:
    out = dict(ERROR_LOGS)
    out.update({p: k for p, k in CORPUS_ERROR_LOGS.items() if p.exists()})
    return out


@pytest.mark.parametrize("path,kind", sorted(_all_error_logs().items()), ids=lambda v: getattr(v, "name", v))
def test_error_log_detected_as_its_kind(path: pathlib.Path, kind: str) -> None:
    d = logcodes.detect(path)
    assert d.format == kind, str(d)
    assert d.share == 1.0


@pytest.mark.parametrize("path,kind", sorted(_all_error_logs().items()), ids=lambda v: getattr(v, "name", v))
def test_events_by_severity_match_the_file(path: pathlib.Path, kind: str) -> None:
    s = logcodes.scan(path)
    expected = expected_levels(path, kind)
    assert sum(expected.values()) > 0
    assert s.count == "events"
    assert s.dims == ("level", "cause")
    assert s.counts("level") == dict(expected)
    assert s.invalid == 0 and not s.invalid_samples
    assert s.events == s.counted == sum(expected.values())
    assert s.total == s.counted + s.invalid + s.unparsed + s.filtered
    assert s.files[0].format == kind and s.files[0].records == s.total


def _access_logs() -> List[pathlib.Path]:
    found = [p for p in DATA.rglob("*") if p.is_file() and p.suffix in (".log", ".txt", ".gz")]
    found += [pathlib.Path(logcodes.samples.path(n)) for n in ("apache_combined", "shop_nginx", "nginx_lab")]
    if CORPUS.exists():
        found += [p for p in CORPUS.rglob("*") if p.is_file() and p.suffix in (".log", ".txt", ".pcap", ".pcapng")]
    # Error logs inside an envelope: detected as "syslog+nginx_error" (test_wrappers.py).
    error_logs = {p.resolve() for p in _all_error_logs()} | {(DATA / "lab_syslog" / "error_rfc3339.log").resolve(),
                                                            (DATA / "lab_journald" / "error_journal.json").resolve()}
    return sorted(p for p in found if p.resolve() not in error_logs)


def test_no_access_log_or_sip_trace_is_taken_for_an_error_log() -> None:
    paths = _access_logs()
    assert len(paths) > 40
    for p in paths:
        d = logcodes.detect(p)
        assert d.format not in _core.EVENT_FORMATS, f"{p}: {d}"


def test_weak_evidence_is_unknown_with_the_reason() -> None:
    # Lines of no known layout, then one nginx header: its event covers too little of the sample to call it.
    text = b"".join(b"free text line %d\n" % i for i in range(9)) + b"2026/12/05 10:00:01 [error] 1#1: *5 boom\n"
    d = logcodes.detect(text)
    assert d.format is None and d.runners_up[0][0] == "nginx_error"
    assert d.explanation == "weak evidence in 10 sample lines: nginx_error events cover only 1 lines"
    assert str(d).startswith("unknown (weak evidence")
    # Two unrelated layouts, half each: neither is taken.
    nginx = b"2026/12/05 10:00:01 [error] 1#1: *5 boom\n" * 5
    apache = b"[Thu Dec 05 10:00:01 2026] [error] [client 1.2.3.4] File does not exist: /x\n" * 5
    d = logcodes.detect(nginx + apache)
    assert d.format is None and "both fit 5 lines" in d.explanation
    # A format that parses lines none of which carries a status code is no match either: nginx error lines
    # with their level brackets changed were once "detected" as Classic ELB, every line an invalid status.
    text = (DATA / "lab_nginx_formats" / "error.log").read_bytes().replace(b" [", b" <")
    d = logcodes.detect(text)
    assert d.format is None and d.explanation.endswith("elb_classic parses 41 lines but none has a valid status code")
    s = logcodes.scan(DATA / "lab_nginx_formats" / "error.log", format="elb_classic")  # given: read as asked
    assert s.invalid > 0


def test_python_and_log4j_layouts_are_told_apart_by_their_fields() -> None:
    java = b"2026-12-05 10:00:01,123 ERROR [main] com.x.Y - failed\n"
    python = b"2026-12-05 10:00:01,123 ERROR worker: failed\n"
    assert logcodes.detect(java).format == "log4j"
    assert logcodes.detect(python).format == "python_log"


def test_mixed_main_inputs_raise_and_keep_the_responses() -> None:
    access = DATA / "lab_nginx_formats" / "access_combined.log"
    error = DATA / "lab_nginx_formats" / "error.log"
    with pytest.raises(logcodes.MixedInputError) as info:
        logcodes.scan([access, error])
    assert "errors=" in str(info.value) and "error.log (nginx_error)" in str(info.value)
    alone = logcodes.scan(access)
    assert info.value.summary is not None
    assert info.value.summary.counts() == alone.counts() and info.value.summary.invalid == alone.invalid
    assert isinstance(info.value, ValueError)
    # The supported way: the error log explains the access log.
    explained = logcodes.scan(access, errors=error, by="code,cause")
    assert explained.counted == alone.counted and explained.count == "transactions"


def test_several_error_logs_of_different_kinds_scan_together() -> None:
    paths = [LAB / "php_error.log", LAB / "python_basic.log"]
    s = logcodes.scan(paths, by="file,level")
    for p in paths:
        per_file = {lv: n for (f, lv), n in s.counts("file", "level").items() if f == str(p)}
        assert per_file == dict(expected_levels(p, ERROR_LOGS[p]))


def test_events_by_cause_and_unexplained_templates() -> None:
    path = DATA / "lab_nginx_formats" / "error.log"
    s = logcodes.scan(path, by="level,cause,cause_detail")
    causes = s.counts("cause")
    assert causes["upstream_refused"] == 6 and causes["upstream_timeout"] == 1
    # Every unnamed event is "unknown" and lands in exactly one template.
    assert sum(t["count"] for t in s.unexplained(None)) == causes["unknown"]
    top = s.unexplained(1)[0]
    assert top["template"] == "client <n> closed keepalive connection" and top["file"] == str(path)


def test_summary_views_of_events() -> None:
    s = logcodes.scan(LAB / "php_error.log")
    df = s.to_pandas()
    assert list(df.columns) == ["level", "cause", "count"] and int(df["count"].sum()) == s.counted
    d = s.to_dict()
    assert d["count"] == "events" and d["dims"] == ["level", "cause"] and d["invalid"] == 0
    text = repr(s)
    assert "error-log events counted" in text and "invalid status" not in text
    assert s.counts() == {tuple(row[:-1]): row[-1] for row in s.rows()}
    assert (s + s).counted == 2 * s.counted


def test_events_grouped_by_time_and_results_do_not_depend_on_threads() -> None:
    path = LAB / "catalina.out"
    one = logcodes.scan(path, by="time:1min,level", threads=1, block_size=4096)
    many = logcodes.scan(path, by="time:1min,level", threads=4)
    assert one.counts() == many.counts() and None not in one.counts("time")


def test_count_events_is_explicit_and_checked() -> None:
    s = logcodes.scan(LAB / "python_basic.log", count="events", by="level")
    assert s.dims == ("level",) and s.counts() == dict(expected_levels(LAB / "python_basic.log", "python_log"))
    with pytest.raises(ValueError, match="have no 'code'"):
        logcodes.scan(LAB / "python_basic.log", count="events", by="level,code")
    with pytest.raises(ValueError, match="have no 'class'"):
        logcodes.scan(LAB / "python_basic.log", by="class,code")
    with pytest.raises(logcodes.MixedInputError):
        logcodes.scan(DATA / "nginx_lab_combined.log", count="events")


def test_time_filters_apply_to_events() -> None:
    path = LAB / "python_basic.log"  # basicConfig writes no times: every event is left out by a time filter
    s = logcodes.scan(path, since="2020-01-01")
    assert s.counted == 0 and s.filtered == s.events > 0


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "logcodes", *args], capture_output=True, text=True, timeout=120)


def test_cli_summarize_and_detect_an_error_log() -> None:
    path = DATA / "lab_apache_formats" / "error.log"
    out = _cli("summarize", str(path), "--no-progress")
    assert out.returncode == 0, out.stderr
    expected = expected_levels(path, "apache_error")
    assert "1 input (apache_error)" in out.stdout and "error-log events counted" in out.stdout
    assert re.search(r"^level\s+cause\s+count\s+share$", out.stdout, re.M)
    assert f"{sum(expected.values())} records" in out.stdout
    data = json.loads(_cli("summarize", str(path), "--json", "--by", "level").stdout)
    assert data["count"] == "events" and {g[0]: g[1] for g in data["groups"]} == dict(expected)
    det = _cli("detect", str(path))
    assert det.stdout.startswith(f"{path}: apache_error (")
    mixed = _cli("summarize", str(path), str(DATA / "lab_apache_formats" / "access_combined.log"))
    assert mixed.returncode == 2 and "--errors" in mixed.stderr

