"""logcodes against counts of the corpus worked out without it (tests/lab/corpus_counts.py)."""

import json
import pathlib

import pytest

import logcodes

EXPECTED = json.loads((pathlib.Path(__file__).resolve().parents[1] / "data" / "corpus_expected.json").read_text())


@pytest.mark.parametrize("rel", sorted(EXPECTED), ids=lambda r: r.split("/")[-1])
def test_matches_independent_counts(corpus, rel):
    e = EXPECTED[rel]
    s = logcodes.scan(corpus / rel, by="code")
    assert s.files[0].format == e["format"]
    assert {str(c): n for c, n in s.counts("code").items()} == e["counts"]
    # there, "records" are the lines read as records; here `total` also holds the unparsed lines
    assert (s.lines, s.blank, s.meta, s.total, s.invalid, s.unparsed) == (
        e["lines"], e["blank"], e["meta"], e["records"] + e["unparsed"], e["invalid"], e["unparsed"])


def test_expected_file_is_what_the_independent_counter_derives(corpus):
    """corpus_expected.json is not hand-edited: re-deriving it from the corpus (without logcodes) gives it
    back exactly, so a drift in either the file or the corpus fails here."""
    import subprocess
    import sys

    script = pathlib.Path(__file__).resolve().parents[1] / "lab" / "corpus_counts.py"
    r = subprocess.run([sys.executable, str(script), "--corpus", str(corpus)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"{len(EXPECTED)} files, 0 differences" in r.stdout
