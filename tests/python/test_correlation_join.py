"""The join of access-log errors with error-log events: paths as servers see them, one event per request,
and a report of how each error was joined that adds up."""

import datetime

from hypothesis import given, settings, strategies as st

import logcodes

T0 = datetime.datetime(2026, 12, 5, 10, 0, 0)


def tomcat_event(t: datetime.datetime, context: str, jsp: str, exc: str = "java.lang.NullPointerException") -> str:
    # Tomcat 10's StandardWrapperValve message (LocalStrings: standardWrapper.serviceExceptionRoot), as written
    # to localhost.<date>.log by JULI's OneLineFormatter.
    stamp = t.strftime("%d-%b-%Y %H:%M:%S.") + "123"
    return (f"{stamp} SEVERE [http-nio-8080-exec-1] org.apache.catalina.core.StandardWrapperValve.invoke "
            f"Servlet.service() for servlet [jsp] in context with path [{context}] threw exception "
            f"[An exception occurred processing [{jsp}] at line [5]\n\n2: <%\n] with root cause\n"
            f"{exc}\n\tat org.apache.jsp.x_jsp._jspService(x_jsp.java:120)\n")


def servlet_event(t: datetime.datetime, context: str) -> str:
    stamp = t.strftime("%d-%b-%Y %H:%M:%S.") + "456"
    return (f"{stamp} SEVERE [http-nio-8080-exec-2] org.apache.catalina.core.StandardWrapperValve.invoke "
            f"Servlet.service() for servlet [fail] in context with path [{context}] threw exception\n"
            f"java.lang.IllegalStateException: not ready\n\tat lab.Fail.doGet(Fail.java:12)\n")


def access(t: datetime.datetime, target: str, status: int) -> str:
    return f'127.0.0.1 - - [{t.strftime("%d/%b/%Y:%H:%M:%S")} +0000] "GET {target} HTTP/1.1" {status} 10\n'


def test_tomcat_under_a_context_path(tmp_path):
    s = T0
    events = [tomcat_event(s, "/shop", "/profile.jsp"),
              tomcat_event(s + datetime.timedelta(seconds=3), "", "/profile.jsp", "java.lang.ArithmeticException: / by zero"),
              servlet_event(s + datetime.timedelta(seconds=6), "/shop")]
    requests = [access(s, "/shop/profile.jsp;jsessionid=0A1B2C?tab=2", 500),
                access(s + datetime.timedelta(seconds=3), "/profile.jsp", 500),
                access(s + datetime.timedelta(seconds=6), "/shop/fail", 500),
                access(s + datetime.timedelta(seconds=6), "/shop/fail", 500),   # one event, two requests
                access(s + datetime.timedelta(seconds=6), "/other", 500)]       # ROOT: /shop's event is not its
    (tmp_path / "localhost.log").write_text("".join(events))
    (tmp_path / "access.log").write_text("".join(requests))
    r = logcodes.scan(tmp_path / "access.log", errors=tmp_path / "localhost.log", by="path_raw,cause,cause_source")
    assert r.counts() == {
        ("/shop/profile.jsp;jsessionid=0A1B2C", "null_pointer_exception", "correlation:path"): 1,
        ("/profile.jsp", "arithmetic_exception", "correlation:path"): 1,
        ("/shop/fail", "illegal_state_exception", "correlation:time:0s"): 1,
        ("/shop/fail", "unknown", None): 1,
        ("/other", "unknown", None): 1,
    }
    assert r.joins == {"request_id": 0, "path": 2, "time": 1, "none": 2}
    assert r.explained == 3 and r.unexplained_count == 2
    assert r.to_dict()["joins"] == r.joins


def test_path_map_for_a_proxy_that_rewrites(tmp_path):
    (tmp_path / "localhost.log").write_text(tomcat_event(T0, "", "/profile.jsp"))
    (tmp_path / "access.log").write_text(access(T0, "/shop/profile.jsp", 500))
    plain = logcodes.scan(tmp_path / "access.log", errors=tmp_path / "localhost.log", by="cause")
    assert plain.counts() == {"unknown": 1}
    mapped = logcodes.scan(tmp_path / "access.log", errors=tmp_path / "localhost.log", by="cause",
                           path_map={"/shop": "/"})
    assert mapped.counts() == {"null_pointer_exception": 1}
    import pytest
    with pytest.raises(ValueError, match="path_map"):
        logcodes.scan(tmp_path / "access.log", errors=tmp_path / "localhost.log", path_map={"shop": "/"})


def test_results_do_not_depend_on_threads_or_blocks(tmp_path):
    lines, events = [], []
    for i in range(400):
        t = T0 + datetime.timedelta(seconds=i // 7)
        page = f"/p{i % 5}.jsp"
        lines.append(access(t, "/app" + page, 500))
        if i % 3:
            events.append(tomcat_event(t, "/app", page))
        if i % 11 == 0:
            events.append(servlet_event(t, "/app"))
    (tmp_path / "access.log").write_text("".join(lines))
    (tmp_path / "localhost.log").write_text("".join(events))
    runs = [logcodes.scan(tmp_path / "access.log", errors=tmp_path / "localhost.log", by="path_raw,cause,cause_source",
                          threads=n, block_size=b) for n, b in ((1, "1MiB"), (2, 4096), (2, 977))]
    assert runs[0].counts() == runs[1].counts() == runs[2].counts()
    assert runs[0].joins == runs[1].joins == runs[2].joins
    j = runs[0].joins
    assert j["path"] + j["time"] + j["request_id"] == runs[0].explained
    assert sum(j.values()) == 400


paths = st.sampled_from(["/a.jsp", "/b.jsp", "/shop/a.jsp", "/shop/b.jsp", "/shop/c.jsp"])


@settings(max_examples=60, deadline=None)
@given(events=st.lists(st.tuples(st.integers(0, 5), paths), max_size=12),
       requests=st.lists(st.tuples(st.integers(0, 5), paths), min_size=1, max_size=12))
def test_an_event_naming_path_a_never_explains_a_request_for_path_b(tmp_path_factory, events, requests):
    d = tmp_path_factory.mktemp("join")
    # Each event's exception names its own path, so a wrong join shows in the detail.
    text = []
    for sec, p in events:
        context, jsp = ("/shop", p[len("/shop"):]) if p.startswith("/shop/") else ("", p)
        text.append(tomcat_event(T0 + datetime.timedelta(seconds=sec), context, jsp))
    (d / "localhost.log").write_text("".join(text))
    (d / "access.log").write_text("".join(access(T0 + datetime.timedelta(seconds=sec), p, 500) for sec, p in requests))
    r = logcodes.scan(d / "access.log", errors=d / "localhost.log", by="path_raw,cause_detail")
    for (path, detail), n in r.counts().items():
        if detail is not None:
            assert detail.startswith(path + " "), (path, detail)
    # and no event explains more requests than there are events for that path
    for p in set(p for _, p in requests):
        joined = sum(n for (path, detail), n in r.counts().items() if path == p and detail is not None)
        assert joined <= sum(1 for _, q in events if q == p)
    assert sum(r.joins.values()) == len(requests)


def test_the_cli_reports_how_errors_were_joined(corpus, capsys):
    from logcodes.cli import main
    lab = corpus / "lab_generated" / "nginx"
    assert main(["summarize", str(lab / "access_combined.log"), "--errors", str(lab / "error.log"), "--by", "code,cause",
                 "--no-progress"]) == 0
    out = capsys.readouterr().out
    # 10 of the 12 5xx name their request in nginx's error.log; the backend's own 500 and 503 are not there.
    assert "errors to explain: 12 — joined by request id 0, by path 10, by time 0; not explained 2" in out
    assert main(["summarize", str(lab / "access_combined.log"), "--errors", str(lab / "error.log"), "--json",
                 "--no-progress"]) == 0
    import json
    assert json.loads(capsys.readouterr().out)["joins"] == {"request_id": 0, "path": 10, "time": 0, "none": 2}


def test_events_beyond_max_events_are_counted_not_kept(tmp_path):
    import pytest
    events = [tomcat_event(T0 + datetime.timedelta(seconds=i), "", f"/p{i}.jsp") for i in range(5)]
    (tmp_path / "localhost.log").write_text("".join(events))
    (tmp_path / "access.log").write_text("".join(access(T0 + datetime.timedelta(seconds=i), f"/p{i}.jsp", 500)
                                                 for i in range(5)))
    with pytest.warns(RuntimeWarning, match="3 error-log events were not kept"):
        r = logcodes.scan(tmp_path / "access.log", errors=tmp_path / "localhost.log", by="cause", max_events=2)
    assert r.counts() == {"null_pointer_exception": 2, "unknown": 3}
    assert r.events_dropped == 3 and r.to_dict()["events_dropped"] == 3
    with pytest.raises(ValueError, match="max_events"):
        logcodes.scan(tmp_path / "access.log", errors=tmp_path / "localhost.log", max_events=0)
