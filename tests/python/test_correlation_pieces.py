"""Error logs are read in pieces by the scan's threads (a piece is a run of whole events): the join's answers
are those of one reader of the whole logs, whatever the threads and block sizes, on the labs' and the
corpus's real logs and on logs made of their lines in any order."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import logcodes

DATA = Path(__file__).resolve().parent.parent / "data"
BY = "code,cause,cause_detail,cause_source,path_raw"
ERROR_LOGS = sorted((DATA / "lab_error_logs").glob("*.log")) + [DATA / "lab_error_logs" / "catalina.out"]

CASES = {
    "nginx_proxy": (DATA / "lab_nginx_proxy" / "access_combined.log", [DATA / "lab_nginx_proxy" / "error.log"]),
    "apache_proxy": (DATA / "lab_apache_proxy" / "access.log", [DATA / "lab_apache_proxy" / "error_log"]),
    "tomcat": (DATA / "lab_tomcat" / "localhost_access_log.txt",
               [DATA / "lab_tomcat" / "localhost.log", DATA / "lab_tomcat" / "catalina.out"]),
    # Every layout at once: Tomcat's access log against its own logs and every other kind.
    "every_kind": (DATA / "lab_tomcat" / "localhost_access_log.txt",
                   [DATA / "lab_tomcat" / "localhost.log", *ERROR_LOGS, DATA / "lab_nginx_proxy" / "error.log"]),
}


def outcome(access: Path, errors: list[Path], threads: int, block_size: int | str) -> dict:
    s = logcodes.scan(access, errors=errors, by=BY, threads=threads, block_size=block_size, explain="4xx,5xx")
    return {**s.to_dict(), "error_files": s.error_files}  # each error log's lines and events too


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_labs_join_alike_on_any_threads_and_blocks(case):
    access, errors = CASES[case]
    whole = outcome(access, errors, 1, "1MiB")
    assert whole["explained"] > 0 and whole["events"] > 0
    # Blocks of 257 bytes cut even the smallest of these logs into a dozen pieces (four blocks each at least).
    for threads, block in ((2, 4096), (4, 977), (3, 257), (8, 257)):
        assert outcome(access, errors, threads, block) == whole, (threads, block)


def test_the_corpus_nginx_lab_joins_alike(corpus):
    lab = corpus / "lab_generated" / "nginx"
    whole = outcome(lab / "access_combined.log", [lab / "error.log"], 1, "1MiB")
    assert whole["joins"]["path"] == 16
    for threads, block in ((2, 4096), (4, 257)):
        assert outcome(lab / "access_combined.log", [lab / "error.log"], threads, block) == whole


def test_the_corpus_error_log_alone_reads_alike(corpus):
    # The beats test log (nginx, with continuation-less lines of several levels) as the only error log.
    log = corpus / "error_logs" / "beats_nginx_error_test.log"
    access = DATA / "lab_nginx_proxy" / "access_combined.log"
    whole = outcome(access, [log], 1, "1MiB")
    assert whole["events"] > 0
    for threads, block in ((2, 257), (4, 64)):
        assert outcome(access, [log], threads, block) == whole


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8", errors="surrogateescape").split("\n")[:-1]


# Lines of real logs: headers, stack-trace and traceback continuations, blank lines.
POOL = [line for p in (DATA / "lab_nginx_proxy" / "error.log", DATA / "lab_apache_proxy" / "error_log",
                       DATA / "lab_error_logs" / "catalina.out", DATA / "lab_error_logs" / "python_basic.log",
                       DATA / "lab_error_logs" / "app_log4j.log")
        for line in _lines(p)] + _lines(DATA / "lab_tomcat" / "localhost.log")[:400]
ACCESS = DATA / "lab_nginx_proxy" / "access_combined.log"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=st.lists(st.integers(0, len(POOL) - 1), min_size=20, max_size=300),
       crlf=st.booleans(), threads=st.integers(2, 6), block=st.integers(64, 2048))
def test_pieces_of_any_log_read_as_the_whole(tmp_path, picks, crlf, threads, block):
    end = "\r\n" if crlf else "\n"
    log = tmp_path / "error.log"
    log.write_bytes(end.join(POOL[i] for i in picks).encode("utf-8", "surrogateescape") + end.encode())
    whole = outcome(ACCESS, [log], 1, "1MiB")
    assert outcome(ACCESS, [log], threads, block) == whole
