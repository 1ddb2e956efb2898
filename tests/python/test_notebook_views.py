"""How summaries, heavy hitters and records look in a notebook and when printed: one long URL is cut (its
whole value on hover in HTML) instead of widening every row."""

import re

import logcodes
from logcodes import Summary

LONG = "/search/" + "q" * 400   # one long URL among short ones


def _summary():
    return Summary(("code", "path"), {(200, "/"): 5, (404, LONG): 3, (500, "/api"): 1}, protocol="http")


def test_printed_rows_stay_narrow_with_one_long_url():
    text = str(_summary())
    rows = text.splitlines()[1:]
    assert max(len(r) for r in rows) < 120          # not ~420 columns because of one path
    assert "/search/qqq" in text and "…" in text


def test_summary_html_cuts_long_cells_and_keeps_the_whole_value_on_hover():
    page = _summary()._repr_html_()
    assert f'title="{LONG}"' in page
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", page)
    assert max(len(c) for c in cells) <= 80 and any("…" in c for c in cells)


def test_top_has_an_html_view_with_shares():
    top = _summary().top("path", 3)
    page = top._repr_html_()
    assert "logcodes.Top" in page and "exact" in page
    assert f'title="{LONG}"' in page
    rows = re.findall(r"<tr>(.*?)</tr>", page)[1:]
    first = re.findall(r"<td[^>]*>([^<]*)</td>", rows[0])
    assert first == ["/", "5", "55.6%"]             # 5 of 9 records
    assert max(len(line) for line in repr(top).splitlines()) < 100


def test_records_html_shows_the_first_rows():
    r = logcodes.records(logcodes.samples.path("nginx_lab"), columns=["code", "method", "path"])
    page = r._repr_html_()
    assert "logcodes.Records" in page and "<th>code</th><th>method</th><th>path</th>" in page
    assert len(re.findall(r"<tr>", page)) == 1 + 10     # header and the first ten records
    first = open(logcodes.samples.path("nginx_lab"), encoding="utf-8").readline()
    assert re.search(r'"(\w+) (\S+) HTTP', first).group(1) in page
    assert r.head(3) == r.head(10)[:3]


def test_quantile_tables_show_units_and_cut_long_groups():
    import pickle

    import pandas as pd

    log = "\n".join(f'127.0.0.1 - - [06/Dec/2026:01:18:0{i} +0000] "GET {p} HTTP/1.1" {c} 3 "-" "t" {c} {t}'
                    for i, (p, c, t) in enumerate([("/", 200, "0.002"), (LONG, 504, "1.500"), (LONG, 504, "1.500")]))
    fmt = logcodes.samples.format_of("nginx_proxy")
    s = logcodes.Stream(format=fmt, by="code,path_raw", quantiles="duration")
    s.feed((log + "\n").encode())
    q = s.close().quantiles("duration", [0.5])
    assert isinstance(q, pd.DataFrame) and list(q.columns) == ["code", "path_raw", "count", "p50"]
    page = q._repr_html_()
    assert f'title="{LONG}"' in page
    assert re.search(r"<td[^>]*>1,5\d\d\.\d ms</td>", page) and re.search(r"<td[^>]*>2\.0 ms</td>", page)
    assert pickle.loads(pickle.dumps(q)).equals(q)
    assert q[q["code"] == 504]["count"].tolist() == [2]        # slices stay tables of quantiles
