"""Scan-time filters: since/until/codes/methods/paths/hosts on scan(), records() and the CLI."""

import datetime as dt
import fnmatch
import json
import re

import pytest
from hypothesis import given, settings, strategies as st

import logcodes
from logcodes.cli import main

pa = pytest.importorskip("pyarrow")

ELASTIC = "access_combined/elastic_apache_logs_2015.log"


@pytest.fixture(scope="module")
def elastic(corpus):
    f = corpus / ELASTIC
    return f, logcodes.records(f).to_pandas()


def check_same(f, frame, mask, **filters):
    s = logcodes.scan(f, by="code", **filters)
    expected = frame[mask]["code"].value_counts().to_dict()
    assert s.counts("code") == expected
    assert s.filtered == len(frame) - int(mask.sum())
    assert s.total == s.counted + s.filtered + s.invalid + s.unparsed
    rows = logcodes.records(f, columns=["code"], **filters).to_arrow()
    assert rows.num_rows == int(mask.sum())


def test_codes(elastic):
    f, df = elastic
    check_same(f, df, df["code"] >= 400, codes="4xx,5xx")
    check_same(f, df, df["code"].isin([200, 404]), codes=[200, "404"])
    check_same(f, df, df["code"].between(300, 304), codes="300-304")


def test_methods(elastic):
    f, df = elastic
    check_same(f, df, df["method"].isin(["HEAD", "POST"]), methods="head,POST")


def test_path_globs_and_regexes(elastic):
    f, df = elastic
    paths = df["path"].fillna("")
    check_same(f, df, paths.map(lambda p: fnmatch.fnmatchcase(p, "/images/*")), path_patterns="/images/*")
    check_same(f, df, paths.map(lambda p: fnmatch.fnmatchcase(p, "*.png") or fnmatch.fnmatchcase(p, "*.jpg")),
               path_patterns=["*.png", "*.jpg"])
    check_same(f, df, paths.map(lambda p: re.fullmatch(r"/blog/.*\.html", p) is not None),
               path_patterns=r"re:/blog/.*\.html")


def test_time_bounds(elastic):
    f, df = elastic
    since = dt.datetime(2015, 5, 18, 12, tzinfo=dt.timezone.utc)
    until = dt.datetime(2015, 5, 19, 3, 30, tzinfo=dt.timezone.utc)
    times = df["time"]
    check_same(f, df, (times >= since) & (times < until), since=since, until=until)
    check_same(f, df, times >= since, since="2015-05-18T12:00:00Z")
    check_same(f, df, times < until, where={"until": until.isoformat()})


def test_naive_times_are_the_logs_wall_clock(tmp_path):
    line = '1.2.3.4 - - [10/Oct/2000:{t} -0700] "GET / HTTP/1.1" 200 1 "-" "ua"\n'
    f = tmp_path / "zone.log"
    f.write_text(line.format(t="13:55:36") + line.format(t="23:30:00"))
    # wall clock 23:30 -0700 is 06:30 UTC the next day
    assert logcodes.scan(f, since=dt.datetime(2000, 10, 10, 23)).counted == 1
    assert logcodes.scan(f, since="2000-10-10 23:00").counted == 1
    assert logcodes.scan(f, since="2000-10-11").counted == 0
    assert logcodes.scan(f, since="2000-10-11T00:00Z").counted == 1
    assert logcodes.scan(f, until=dt.date(2000, 10, 11)).counted == 2
    assert logcodes.scan(f, since=971211336, until=971211337).counted == 1  # epoch seconds


def test_relative_time(tmp_path):
    now = dt.datetime.now(dt.timezone.utc)
    line = '1.2.3.4 - - [{t}] "GET / HTTP/1.1" 200 1 "-" "ua"\n'
    f = tmp_path / "recent.log"
    f.write_text("".join(line.format(t=(now - dt.timedelta(minutes=m)).strftime("%d/%b/%Y:%H:%M:%S +0000"))
                         for m in (5, 90, 60 * 30)))
    assert logcodes.scan(f, since="-1h").counted == 1
    assert logcodes.scan(f, since="-2d").counted == 3
    assert logcodes.scan(f, until="-1h").counted == 2


def test_records_without_time_are_filtered(tmp_path):
    f = tmp_path / "notime.log"
    f.write_text('1.2.3.4 - - [bad time] "GET / HTTP/1.1" 200 1\n')
    s = logcodes.scan(f, format="common", since="2000-01-01")
    assert (s.counted, s.filtered) == (0, 1)


def test_hosts(tmp_path):
    line = 'www.{h}:80 1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" {c} 1 "-" "ua"\n'
    f = tmp_path / "vhost.log"
    f.write_text(line.format(h="example.com", c=200) + line.format(h="Example.COM", c=500)
                 + line.format(h="other.org", c=404))
    s = logcodes.scan(f, format="vhost_combined", by="code", hosts="*.example.com")
    assert s.counts("code") == {200: 1, 500: 1}
    assert s.filtered == 1


def test_summary_reports_filtered(elastic):
    f, _ = elastic
    a = logcodes.scan(f, codes="5xx")
    assert a.filtered == 10000 - 3
    assert "filtered out" in repr(a)
    assert a.to_dict()["filtered"] == a.filtered
    both = a + a
    assert both.filtered == 2 * a.filtered
    assert both == a.merge(a)
    import pickle
    assert pickle.loads(pickle.dumps(a)).filtered == a.filtered


@pytest.mark.parametrize("kwargs,name", [
    ({"codes": "7xx"}, "codes"), ({"codes": "abc"}, "codes"), ({"codes": "504-500"}, "codes"),
    ({"methods": "GET /"}, "methods"), ({"path_patterns": "re:(unclosed"}, "paths"),
    ({"hosts": "re:a**"}, "hosts"), ({"since": "yesterday"}, "since"), ({"until": "2020-13-01"}, "until"),
    ({"since": "2020-02-01", "until": "2020-01-01"}, "until"), ({"where": {"status": 500}}, "where"),
    ({"where": {"codes": "5xx"}, "codes": "4xx"}, "where"),
])
def test_bad_arguments_name_themselves(elastic, kwargs, name):
    f, _ = elastic
    with pytest.raises(ValueError, match=name):
        logcodes.scan(f, **kwargs)
    with pytest.raises(ValueError, match=name):
        logcodes.records(f, **kwargs)


def test_filters_do_not_apply_to_calls(corpus):
    with pytest.raises(ValueError, match="calls"):
        logcodes.scan(corpus / ELASTIC, count="calls", codes="5xx")


def test_cli_flags(elastic, capsys):
    f, df = elastic
    assert main(["summarize", str(f), "--by", "code", "--json", "--codes", "4xx", "--methods", "GET",
                 "--paths", "/images/*", "--paths", "/favicon.ico", "--since", "2015-05-17T00:00:00Z",
                 "--until", "2015-06-01"]) == 0
    out = json.loads(capsys.readouterr().out)
    paths = df["path"].fillna("")
    mask = ((df["code"] // 100 == 4) & (df["method"] == "GET")
            & paths.map(lambda p: fnmatch.fnmatchcase(p, "/images/*") or p == "/favicon.ico"))
    assert {g[0]: g[-1] for g in out["groups"]} == df[mask]["code"].value_counts().to_dict()
    assert out["filtered"] == len(df) - int(mask.sum())
    assert main(["summarize", str(f), "--codes", "9xx"]) == 2
    assert "codes" in capsys.readouterr().err


@settings(max_examples=25, deadline=None)
@given(codes=st.lists(st.sampled_from([200, 206, 301, 304, 403, 404, 416, 500]), max_size=3),
       methods=st.lists(st.sampled_from(["GET", "HEAD", "POST", "OPTIONS"]), max_size=2))
def test_filters_match_pandas(corpus, codes, methods):
    f = corpus / "access_combined/lnav_zanbil_shop_access_1000.log"
    df = _shop(f)
    mask = df["code"].notna()
    if codes:
        mask &= df["code"].isin(codes)
    if methods:
        mask &= df["method"].isin(methods)
    s = logcodes.scan(f, by="code", codes=codes or None, methods=methods or None, threads=1)
    assert s.counts("code") == df[mask]["code"].value_counts().to_dict()
    assert s.counted + s.filtered == len(df)


_SHOP = {}


def _shop(f):
    if f not in _SHOP:
        _SHOP[f] = logcodes.records(f).to_pandas()
    return _SHOP[f]


def test_stream_takes_the_same_filters(elastic):
    f, _ = elastic
    st = logcodes.Stream(by="code", codes="4xx", path_patterns="/images/*")
    data = f.read_bytes()
    for i in range(0, len(data), 65536):
        st.feed(data[i:i + 65536])
    assert st.close() == logcodes.scan(f, by="code", codes="4xx", path_patterns="/images/*")
    with pytest.raises(ValueError, match="codes"):
        logcodes.Stream(codes="9xx")
