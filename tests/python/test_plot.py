"""Summary.plot (matplotlib, headless) and the notebook HTML view."""

import re

import pytest

import logcodes

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

SHOP = logcodes.samples.path("shop_nginx")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_timeline_is_stacked_areas_per_class():
    s = logcodes.scan(SHOP, by="time:1min,class")
    ax = s.plot("timeline")
    assert len(ax.collections) == len(s.counts("class"))      # one filled area per class
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["2xx", "3xx", "4xx"]
    tops = ax.collections[-1].get_paths()[0].vertices[:, 1].max()
    assert tops == pytest.approx(s.timeline().sum(axis=1).max())


def test_top_paths_split_by_class_on_given_axes():
    s = logcodes.scan(SHOP, by="class,path")
    fig, ax = plt.subplots()
    assert s.plot("top_paths", ax=ax, n=5) is ax
    widths = {}
    for bar in ax.patches:
        y = round(bar.get_y(), 3)
        widths[y] = widths.get(y, 0) + bar.get_width()
    assert sorted(widths.values(), reverse=True) == [n for _, n in s.top("path", 5)]


def test_causes():
    s = logcodes.scan(logcodes.samples.path("nginx_lab"), errors=logcodes.samples.path("nginx_lab_errors"),
                      by="code,cause")
    ax = s.plot("causes")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "upstream_timeout" in labels and "None" not in labels     # successes have no cause
    numbers = [t.get_text() for t in ax.texts]
    counts = s.counts("cause")
    assert numbers == [f"{counts[c]:,}" for c in labels]             # each bar carries its number


def test_top_paths_carry_their_numbers():
    s = logcodes.scan(SHOP, by="class,path")
    ax = s.plot("top_paths", n=4)
    assert [t.get_text() for t in ax.texts] == [f"{n:,}" for _, n in s.top("path", 4)][::-1]


def test_plot_errors():
    s = logcodes.scan(SHOP, by="code")
    with pytest.raises(ValueError, match="plot kind"):
        s.plot("pie")
    with pytest.raises(ValueError, match="by=\\('time:1min', 'class'\\)"):
        s.plot("timeline")
    with pytest.raises(ValueError, match="grouped by cause"):
        s.plot("causes")


def test_repr_html_has_table_and_inline_svg():
    page = logcodes.scan(SHOP)._repr_html_()
    assert "<table>" in page and page.count("<svg") == 1
    assert len(re.findall(r"<rect ", page)) == len(logcodes.scan(SHOP).counts("class"))
    assert "https://" not in page and "<script" not in page
