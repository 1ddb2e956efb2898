"""A summary's groups handed over as Arrow columns (many groups) read exactly as when handed over as a dict
(few groups): every output, on real inputs, HTTP and SIP, one and several protocols, times, events."""

import pickle

import pytest

import logcodes
from logcodes import _columns

pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")

SAMPLES = logcodes.samples


def both(monkeypatch, scan):
    """(summary from the dict hand-over, summary from the Arrow hand-over) of the same scan."""
    monkeypatch.setattr(_columns, "DICT_GROUPS", 10**12)
    as_dict = scan()
    monkeypatch.setattr(_columns, "DICT_GROUPS", 0)
    as_columns = scan()
    assert as_dict._table is None and (as_columns._table is not None or len(as_columns) == 0)
    return as_dict, as_columns


CASES = {
    "combined by class,code": lambda: logcodes.scan(SAMPLES.path("apache_combined")),
    "combined by path,code": lambda: logcodes.scan(SAMPLES.path("apache_combined"), by="path,code"),
    "combined by path_raw": lambda: logcodes.scan(SAMPLES.path("apache_combined"), by="path_raw"),
    "nginx by time:5min,class": lambda: logcodes.scan(SAMPLES.path("shop_nginx"), by="time:5min,class"),
    "nginx by method,host,path": lambda: logcodes.scan(SAMPLES.path("shop_nginx"), by="method,host,path"),
    "sip by code": lambda: logcodes.scan(SAMPLES.path("kamailio_lab"), by="code"),
    "sip calls by outcome,code": lambda: logcodes.scan(SAMPLES.path("kamailio_lab"), count="calls",
                                                       by="outcome,code"),
    "http and sip by class,code": lambda: logcodes.scan([SAMPLES.path("apache_combined"),
                                                         SAMPLES.path("kamailio_lab")]),
    "http and sip by code,file": lambda: logcodes.scan([SAMPLES.path("nginx_lab"), SAMPLES.path("kamailio_lab")],
                                                       by="code,file"),
    "causes": lambda: logcodes.scan(SAMPLES.path("tomcat_lab"), errors=SAMPLES.path("tomcat_lab_errors"),
                                    by="code,cause,cause_detail"),
    "error-log events": lambda: logcodes.scan(SAMPLES.path("nginx_lab_errors"), by="level,cause,time:1h"),
    "stream": lambda: _streamed(SAMPLES.path("apache_combined")),
}


def _streamed(path):
    import gzip

    st = logcodes.Stream(by="time:1min,path,code")
    with open(path, "rb") as f:
        st.feed(gzip.decompress(f.read()))
    return st.close()


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_output_is_the_same(monkeypatch, case):
    a, b = both(monkeypatch, CASES[case])
    assert len(a) == len(b) > 0
    assert b.dims == a.dims and b.protocols == a.protocols and b.counted == a.counted
    # The columns alone answer these; the dict is not made yet.
    assert b._counts_dict is None
    pd.testing.assert_frame_equal(b.to_pandas(), a.to_pandas())
    pd.testing.assert_frame_equal(b.to_pandas(reason=False, lang="zh"), a.to_pandas(reason=False, lang="zh"))
    for d in a.dims:
        assert list(b.counts(d).items()) == list(a.counts(d).items())   # the same values, in the same order
    if len(a.dims) > 1:
        assert list(b.counts(*a.dims[::-1]).items()) == list(a.counts(*a.dims[::-1]).items())
        assert b._counts_dict is None   # added up on the columns (all dims at once reads the dict)
    # Everything else reads the dict made from the columns.
    assert b.counts() == a.counts() and list(b.counts()) == list(a.counts())
    for d in a.dims:
        assert b.counts(d) == a.counts(d)
        assert b.top(d, 5) == a.top(d, 5)
    assert b.rows() == a.rows() and b.columns() == a.columns()
    assert b.to_dict() == a.to_dict()
    assert b.to_string() == a.to_string() and b._repr_html_() == a._repr_html_()
    assert b == a
    assert pickle.loads(pickle.dumps(b)) == a
    assert (b + a).counts() == (a + a).counts()


def test_many_groups_round_trip(monkeypatch, tmp_path):
    """More groups than the dict hand-over takes: Arrow columns by default, same answers as the dict."""
    log = tmp_path / "many.log"
    n = _columns.DICT_GROUPS + 5000
    with open(log, "w") as f:
        for i in range(n):
            code = (200, 404, 500)[i % 3]
            f.write(f'10.0.0.1 - - [05/Dec/2026:10:{i // 6000 % 60:02d}:00 +0000] "GET /item/{i} HTTP/1.1" '
                    f'{code} {i % 900} "-" "ua"\n')
    s = logcodes.scan(log, by="path_raw,code")
    assert s._table is not None and len(s) == n and s.counted == n
    df = s.to_pandas()
    assert list(df.columns) == ["path_raw", "code", "reason", "count"]
    assert df["count"].sum() == n and df["code"].tolist()[:1] == [200]
    assert set(df["reason"]) == {"OK", "Not Found", "Internal Server Error"}
    assert s.counts("code") == {200: (n + 2) // 3, 404: (n + 1) // 3, 500: n // 3}
    monkeypatch.setattr(_columns, "DICT_GROUPS", 10**12)
    d = logcodes.scan(log, by="path_raw,code")
    assert d._table is None
    pd.testing.assert_frame_equal(df, d.to_pandas())
