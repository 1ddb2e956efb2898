"""Stream.take() and Stream.committed: the windows of a stream add up to a scan, and a new stream started at
`committed` of the same bytes counts every record exactly once (hypothesis: anywhere the cuts fall)."""

import collections

import pytest

from hypothesis import given, settings
from hypothesis import strategies as st

import logcodes
from conftest import make_combined

BODY, TRUTH, INVALID, UNPARSED = make_combined(400, seed=11)


def totals(summaries):
    c = collections.Counter()
    for s in summaries:
        c.update(s.counts("code"))
        c["_invalid"] += s.invalid
        c["_unparsed"] += s.unparsed
    return c


WANT = collections.Counter(TRUTH) + collections.Counter({"_invalid": INVALID, "_unparsed": UNPARSED})


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=len(BODY)), max_size=12))
def test_takes_add_up_to_the_whole(cuts):
    s = logcodes.Stream(format="combined", by="code")
    parts, last = [], 0
    for cut in sorted(cuts) + [len(BODY)]:
        s.feed(BODY[last:cut])
        last = cut
        parts.append(s.take())
        assert BODY[:s.committed].endswith(b"\n") or s.committed == 0
    parts.append(s.close())
    assert totals(parts) == WANT


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=len(BODY) - 1), min_size=1, max_size=6))
def test_restarts_from_committed_count_each_record_once(kills):
    parts, start = [], 0
    for kill in sorted(kills):
        if kill <= start:
            continue
        s = logcodes.Stream(format="combined", by="code")
        s.feed(BODY[start:kill])
        parts.append(s.take())                # the window before the kill: consumed
        start += s.committed                  # what the checkpoint says
    s = logcodes.Stream(format="combined", by="code")
    s.feed(BODY[start:])
    parts.append(s.close())
    assert totals(parts) == WANT


def test_take_on_closed_stream_raises():
    s = logcodes.Stream(format="combined")
    s.close()
    with pytest.raises(ValueError, match="closed"):
        s.take()
