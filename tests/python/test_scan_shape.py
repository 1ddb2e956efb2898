"""The one shape of options and statistics: built with keywords, read through properties, checked once."""

import pickle

import pytest

import logcodes
from logcodes import _core, _options


def test_options_are_built_with_keywords_and_read_back():
    p = _options.prepare("scan", paths=logcodes.samples.path("apache_combined"), by="time:5min,code", threads=2,
                         explain="502,5xx", window="1min", max_events=7, byte_range=(0, 100))
    o = p.core
    assert (o.threads, o.explain, o.window_ms, o.max_events, o.byte_range) == (2, ["502", "5xx"], 60000, 7, (0, 100))
    assert o.group.dims == ["protocol", "time", "code"] and o.group.time_bucket == 300
    assert o.format == "auto" and o.count == "transactions"
    with pytest.raises(TypeError, match="unexpected keyword argument 'nope'"):
        _core.ScanOptions(nope=1)
    with pytest.raises(TypeError, match="threads"):
        _core.ScanOptions(threads="two")
    with pytest.raises(ValueError, match="block_size"):
        _core.ScanOptions(block_size=0)


def test_each_entry_point_takes_only_its_options():
    with pytest.raises(TypeError, match="stream\\(\\) got an unexpected keyword argument 'errors'"):
        _options.prepare("stream", errors="x.log")
    with pytest.raises(TypeError, match="records\\(\\) got an unexpected keyword argument 'threads'"):
        _options.prepare("records", paths=logcodes.samples.path("apache_combined"), threads=2)


def test_one_duration_parser_for_every_duration():
    s = logcodes.scan(logcodes.samples.path("tomcat_lab"), errors=logcodes.samples.path("tomcat_lab_errors"),
                      window="1h", by="code")
    assert s.counted > 0  # window="1h" was refused before; by="time:1h" always took it
    from logcodes.follow import parse_interval

    assert parse_interval("1h") == 3600.0


def test_stats_round_trip_and_merge_with_file_map():
    a = _core.ScanStats(total=3, unparsed=1, unparsed_samples=[(0, 2, 10, "x", "not combined")])
    b = _core.ScanStats(total=2, unparsed=1, unparsed_samples=[(0, 1, 0, "y", "not combined")])
    assert pickle.loads(pickle.dumps(a)) == a
    m = a.merged(b, file_map=[1])
    assert (m.total, m.unparsed) == (5, 2)
    assert [s[0] for s in m.unparsed_samples] == [0, 1]   # b's file 0 is the merged summary's file 1
    assert a.replaced(total=9).total == 9 and a.total == 3
    assert set(_core.ScanStats.COUNTERS) >= {"total", "unexplained_errors", "events_dropped"}


def test_summary_reads_every_counter_from_its_stats():
    s = logcodes.scan(logcodes.samples.path("apache_combined"))
    for name in _core.ScanStats.COUNTERS:
        if name != "total":
            assert getattr(s, name) == getattr(s.stats, name)
    assert s.total == s.stats.total and s.to_dict()["unexplained_errors"] == 0
    with pytest.raises(AttributeError):
        s.no_such_counter


def test_bad_counters_and_reports_are_type_errors():
    with pytest.raises(TypeError, match="whole numbers"):
        logcodes.Summary(("code",), {}, total=-1)
    with pytest.raises(TypeError, match="whole numbers"):
        logcodes.FileInfo(path="a.log", lines="many")
    with pytest.raises(TypeError, match="unexpected keyword argument 'nope'"):
        logcodes.FileInfo(nope=1)


def test_pieces_of_a_file_join_in_the_core():
    a = logcodes.FileInfo(path="a.log", format="combined", detection="given", size=10, lines=3, records=3)
    b = logcodes.FileInfo(path="a.log", size=10, lines=2, records=1, error=("truncated", "a.log", 7, "cut"))
    j = a.joined(b)
    assert (j.format, j.lines, j.records, j.size, j.error) == ("combined", 5, 4, 10, "cut")
    assert j.problem == ("truncated", "a.log", 7, "cut")
