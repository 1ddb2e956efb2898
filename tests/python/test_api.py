import datetime as dt
import io
import sys

import pytest

import logcodes


def test_counts_shapes(data):
    s = logcodes.scan(data / "nginx_lab_combined.log", by=("class", "code"))
    assert s.dims == ("class", "code")
    assert s.counts("class")["5xx"] == 12
    assert s.counts("class", "code")[("4xx", 404)] == 2
    assert s.counts() == s.counts("class", "code")
    with pytest.raises(ValueError, match="not in this summary"):
        s.counts("path")


def test_many_dimensions(data):
    s = logcodes.scan(data / "nginx_lab_combined.log", by="protocol,class,code,reason,method,host,path,file,time:1min")
    key = next(k for k in s.counts() if k[2] == 413)
    protocol, klass, code, reason, method, host, path, file, minute = key
    assert (protocol, klass, reason, method, host, path) == ("http", "4xx", "Content Too Large", "POST", None, "/app/upload")
    assert file.endswith("nginx_lab_combined.log")
    assert minute == dt.datetime(2026, 11, 23, 23, 46, tzinfo=dt.timezone.utc)


def test_path_excludes_query(tmp_path):
    p = tmp_path / "q.log"
    p.write_text('1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /search?q=1 HTTP/1.1" 200 1\n'
                 '1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /search?q=2 HTTP/1.1" 200 1\n')
    assert logcodes.scan(p, by="path").counts("path") == {"/search": 2}


def test_time_buckets_utc(tmp_path):
    p = tmp_path / "t.log"
    p.write_text('1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 1\n'
                 '1.2.3.4 - - [10/Oct/2000:21:05:00 +0000] "GET / HTTP/1.1" 500 1\n')
    s = logcodes.scan(p, by="time:1h,class")
    assert s.counts("time") == {dt.datetime(2000, 10, 10, 20, tzinfo=dt.timezone.utc): 1,
                                dt.datetime(2000, 10, 10, 21, tzinfo=dt.timezone.utc): 1}
    assert s.time_bucket == 3600


def test_to_pandas(data):
    pd = pytest.importorskip("pandas")
    df = logcodes.scan(data / "nginx_lab_combined.log", by="time:1h,code").to_pandas()
    assert list(df.columns) == ["time", "code", "reason", "count"]
    assert df["count"].sum() == 27
    assert str(df["time"].dtype).startswith("datetime64")


def test_repr_and_html(data):
    s = logcodes.scan(data / "nginx_lab_combined.log")
    text = repr(s)
    assert "Bad Gateway" in text and "502" in text and "invalid" in text
    assert "<table>" in s._repr_html_()


def test_to_dict_is_json(data):
    import json

    d = logcodes.scan(data / "nginx_lab_combined.log", by="time:1h,code").to_dict()
    json.dumps(d)
    assert d["total"] == 28 and d["invalid"] == 1


def test_progress_callback_and_interrupt(combined_file):
    path, *_ = combined_file
    seen = []
    logcodes.scan(path, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1][0] >= seen[-1][1] == path.stat().st_size

    def stop(done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        logcodes.scan(path, progress=stop, block_size=64)


def test_stdin(monkeypatch, data):
    import subprocess

    out = subprocess.run([sys.executable, "-c", "import logcodes; print(logcodes.scan('-', by='code').counts('code')[502])"],
                         stdin=open(data / "nginx_lab_combined.log", "rb"), capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "8"


def test_many_files_and_globs(tmp_path, data):
    for i in range(5):
        (tmp_path / f"part{i}.log").write_bytes((data / "nginx_lab_combined.log").read_bytes())
    s = logcodes.scan(str(tmp_path / "part*.log"), by="file")
    assert len(s.files) == 5 and s.total == 140
    assert all(n == 28 for n in s.counts("file").values()) is False  # the 009 line is invalid, not counted
    assert sorted(s.counts("file").values()) == [27] * 5


def test_detect_format(data):
    assert logcodes.detect_format(data / "shop_nginx_main_1000.log")[0] == "nginx_main"
    name, why = logcodes.detect_format(b"hello\nworld\n")
    assert name is None and "no known format" in why


def test_formats_listing():
    f = logcodes.formats.available()
    assert {"common", "combined", "vhost_combined", "nginx_main", "tomcat_common", "tomcat_combined"} <= set(f)


def test_vhost_combined(tmp_path):
    p = tmp_path / "v.log"
    p.write_text('www.example.com:443 1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 1 "-" "ua"\n'
                 'api.example.com:80 ::1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 503 1 "-" "ua"\n')
    s = logcodes.scan(p, by="host,code")
    assert s.files[0].format == "vhost_combined"
    assert s.counts() == {("www.example.com", 200): 1, ("api.example.com", 503): 1}


def test_stream_snapshot_and_context_manager():
    line = b'1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 1\n'
    with logcodes.Stream(format="common", by="code") as st:
        st.feed(line * 3)
        assert st.summary().counts("code") == {200: 3}
        st.feed(line[:20])
    assert st.close().total == 4  # the unterminated piece is a record (unparsed)
    with pytest.raises(ValueError):
        st.feed(line)
    assert "Stream" in repr(st)
