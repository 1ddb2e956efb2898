"""The labelled detection set (tests/detection_set.py, docs/detection.md): detection is right or unknown on every
file, never wrong; every generated sample is recognised; the committed table is the one the set gives now."""

import pathlib
import sys

import pytest

import logcodes

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
import detection_set  # noqa: E402


@pytest.fixture(scope="module")
def cases(tmp_path_factory, corpus):
    return detection_set.run(tmp_path_factory.mktemp("detection-set"))


def test_never_wrong(cases):
    wrong = [(c.name, c.label, c.detected, c.why) for c in cases if c.outcome == "wrong"]
    assert wrong == []


def test_every_detectable_format_is_in_the_set(cases):
    labels = {c.label.split("+")[-1] for c in cases if c.label}
    assert set(logcodes.formats.detectable()) <= labels


def test_generated_samples_are_recognised_bare_and_in_every_wrapper(cases):
    generated = [c for c in cases if c.source == "generated"]
    wrappers = set(logcodes.formats.wrappers())
    assert {c.label.split("+")[0] for c in generated if "+" in c.label} == wrappers
    assert [c.name for c in generated if c.outcome != "right"] == []
    assert all(c.confidence > 0.9 for c in generated)


def test_files_that_are_no_logs_are_unknown(cases):
    none = [c for c in cases if c.label is None]
    assert none and all(c.detected is None for c in none)


def test_the_committed_table_is_current(cases):
    doc = (ROOT / "docs" / "detection.md").read_text()
    start = doc.index(detection_set.BEGIN) + len(detection_set.BEGIN)
    assert doc[start:doc.index(detection_set.END)].strip() == detection_set.table(cases).strip()


def test_format_strings_are_read_from_the_descriptions():
    # The generator writes lines from the registry's own definitions: each kind of string is found.
    kinds = {detection_set.format_string(d)[0] for d in logcodes.formats.available().values()
             if detection_set.format_string(d)}
    assert {"nginx", "apache", "envoy"} <= kinds
    line = detection_set.render("apache", '%h %l %u %t "%r" %>s %b', detection_set.Request(3, 404))
    assert logcodes.formats.get("common").parse(line)["status"] == "404"
