"""The bench's questions (by code and path, by hour and class ...): the generator's truth answers them as
logcodes does, every dataframe peer's answer is checked group by group, and the cardinality case checks both
ways against the generator and stops a child past its limits."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCH))

pytest.importorskip("numpy")  # the generator's only dependency (pandas brings it)
import gen_logs  # noqa: E402
import logcodes  # noqa: E402
import peers  # noqa: E402
import questions  # noqa: E402
import report_extras  # noqa: E402
import run  # noqa: E402


# The children keep this process's environment: under `make test SANITIZE=1` they import the logcodes built
# with the sanitizers, which needs the runtimes preloaded as here.


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, dict]:
    """About 2 MB of generated combined log (some 7,000 lines, every kind of hostile request among them)."""
    path = tmp_path_factory.mktemp("questions") / "gen.log"
    return path, gen_logs.generate(str(path), 2_000_000, 1, quiet=True)


def test_request_path_follows_the_request_line_rules():
    rp = questions.request_path
    assert rp("GET /a/b?x=1 HTTP/1.1") == "/a/b"
    assert rp("GET /a b.html HTTP/1.1") == "/a b.html"  # spaces inside the target stay
    assert rp("GET /x?q=a b HTTP/1.0") == "/x"
    assert rp("GET http://example.com:8080/p?x HTTP/1.1") == "/p"  # absolute URI: scheme and authority go
    assert rp("GET http://example.com HTTP/1.1") == "/"
    assert rp("OPTIONS *") == "*" and rp("GET /") == "/"
    assert rp('GET /a\\"b HTTP/1.1') == '/a\\"b'  # as written, escapes kept
    for none in ("-", "", "\\x16\\x03\\x01", "1GET / HTTP/1.1", " GET /"):
        assert rp(none) is None, none


def test_template_follows_logcodes_paths(sample):
    """The truth's templater is written from the documented rules; logcodes's must agree on every path the
    generator writes and on the edges of each rule."""
    _, truth = sample
    paths = {p for _, p, _ in truth["code_path_raw"] if p is not None}
    paths |= {"/users/42/orders/7.json", "/r/2024-01-31/x", "/r/20240131", "/r/20241331", "/r/18991231",
              "/h/da39a3ee5e6b4b0d3255bfef95601890afd80709", "/h/abcdefabcdefabcd", "/h/ABCDEF0123456789",
              "/t/aaaaaaaaaaaaaaa11111", "/t/aaaaaaaaaaaaaaaa1111", "/t/summer-sale-2024",
              "/v/550e8400-e29b-41d4-a716-446655440000.png", "/u/jane@example.com", "/u/a%40b.com", "/u/a%%40b.com",
              "/u/@b.com", "/u/a@.com", "/u/a@b.", "/{x}/1", "/x/12.34", "/x/.123", "/x/123.", "/x/123.abcdef",
              "", "/", "//", "/a/\u0661\u0662", "/f/12.tar.gz", "/a\\x22b/7"}
    for p in sorted(paths):
        # logcodes's text doubles a backslash that would read as an escape (\\x22): raw_bytes gives the log's text.
        got = logcodes.raw_bytes(logcodes.paths.template(p)).decode("utf-8", "surrogateescape")
        assert questions.template(p) == got, p


def test_truth_answers_every_question_as_logcodes_does(sample, tmp_path):
    """Each question through the harness's own logcodes row: _scan_once --groups, checked group by group."""
    path, truth = sample
    for q in questions.QUESTIONS:
        cmd = [sys.executable, str(run.SCAN_ONCE), str(path), "--threads", "2", "--format", "combined",
               "--by", questions.SCAN_BY[q], "--groups"]
        case = run.Case(f"logcodes by {q}", path.name, path, 2, cmd, "logcodes", question=q)
        rec = run.run_trial(case, truth)
        assert rec["status"] == "ok", (q, case.problems)
        assert rec["result"]["groups"] == len(questions.truth_groups(truth, q))
    # The answers add up to the records with a code, and paths come in both forms.
    coded = sum(truth["codes"].values())
    for q in questions.QUESTIONS:
        assert sum(questions.truth_groups(truth, q).values()) == coded
    raw, templated = (questions.truth_groups(truth, q) for q in ("code,path_raw", "code,path"))
    assert len(templated) < len(raw) and any(k[1] is None for k in raw)


def test_a_wrong_logcodes_group_is_caught(sample):
    _, truth = sample
    rows = [[*k, n] for k, n in questions.truth_groups(truth, "code,path").items()]
    res = {"total": truth["records"], "unparsed": truth["unparsed"], "invalid": truth["invalid"], "groups": rows}
    assert run.check_scan(res, truth, "code,path") == []
    rows[0][-1] += 1
    rows.append([200, "/not/in/the/log", 1])
    diffs = run.check_scan(res, truth, "code,path")
    assert diffs and diffs[0].startswith("2 of ")


ALL = [p for q in questions.QUESTIONS for p in peers.question_peers(sys.executable, q)]


@pytest.mark.parametrize("peer", ALL, ids=[p.name for p in ALL])
def test_question_peers_answer_exactly(peer, sample, tmp_path):
    path, truth = sample
    why = peer.missing()
    if why:
        pytest.skip(why)  # the dataframe tools come with `make bench-deps`
    case = run.Case(peer.label(), path.name, path, peer.threads[-1], None, "peer", peer=peer, question=peer.question)
    rec = run.run_peer_trial(case, truth)
    assert rec["status"] == "ok", case.problems
    assert rec["seconds"] > 0 and rec["result"]["groups"] == len(questions.truth_groups(truth, peer.question))


class FixedGroups(peers.Peer):
    """A peer that prints fixed groups: the verdict must follow them."""
    self_timed = False

    def __init__(self, question: str, rows: list):
        self.name, self.checks, self.rows = f"fixed {question}", question, rows

    def commands(self, path, threads, work):
        return [[sys.executable, "-c", f"print({json.dumps(json.dumps(self.rows))})"]]

    def read(self, outputs, work):
        return peers.Counts(groups=questions.groups_from_rows(json.loads(outputs[0])))


def test_question_verdict_wrong_when_a_group_differs(sample, tmp_path):
    path, truth = sample
    right = [[*k, n] for k, n in questions.truth_groups(truth, "time:1h,class").items()]
    case = run.Case("fixed", path.name, path, None, None, "peer", peer=FixedGroups("time:1h,class", right))
    assert run.run_peer_trial(case, truth)["status"] == "ok"
    moved = [r[:] for r in right]
    moved[0][0] = "1999-01-01T00:00:00Z"  # the same count in another hour
    case = run.Case("fixed", path.name, path, None, None, "peer", peer=FixedGroups("time:1h,class", moved))
    assert run.run_peer_trial(case, truth)["status"] == "WRONG" and case.problems


def test_truth_is_counted_again_without_writing_the_log(tmp_path):
    path = tmp_path / "c.log"
    first = gen_logs.generate(str(path), 300_000, 1, quiet=True)
    before = path.stat()
    again = gen_logs.generate(str(path), 300_000, 1, quiet=True, write=False)
    after = path.stat()
    assert again == first and (before.st_mtime_ns, before.st_size) == (after.st_mtime_ns, after.st_size)
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(RuntimeError, match="generate it again"):
        gen_logs.generate(str(path), 300_000, 1, quiet=True, write=False)


def test_select_questions_by_short_names():
    assert run.select_questions("all") == list(questions.QUESTIONS)
    assert run.select_questions("path,time") == ["code,path", "time:1h,class"]
    assert run.select_questions("none") == []
    with pytest.raises(SystemExit):
        run.select_questions("paths")


@pytest.mark.skipif(any(importlib.util.find_spec(m) is None for m in ("polars", "pyarrow")),
                    reason="polars and pyarrow come with `make bench-deps`")
def test_cardinality_both_ways_agree_with_the_generator(tmp_path):
    import cardinality
    rows = cardinality.measure(sys.executable, tmp_path, 5000, 2, 1, max_rss_mb=4000, timeout=120, log=lambda m: None)
    assert [r["status"] for r in rows] == ["ok", "ok"], [r["problems"] for r in rows]
    assert all(r["groups"] == 5000 and r["seconds"] > 0 for r in rows)
    log, truth = cardinality.ensure_log(tmp_path, 5000)
    assert truth["lines"] == 5000 and sum(truth["codes"].values()) == 5000
    # A child past its memory limit is stopped and reported as such (not as a wrong answer).
    rec = cardinality.run_once(sys.executable, "logcodes", log, 1, max_rss_mb=1, timeout=120)
    assert rec["status"] == "LIMIT" and "limit 1 MB" in rec["problem"]
    # A wrong answer is caught by the digest even when the counts add up.
    res = {"groups": 5000, "records": 5000, "codes": truth["codes"], "digest": "0" * 16}
    assert cardinality.check(res, truth) == ["the (path, code, count) rows differ from the generator's (digest)"]


def test_targets_of_the_questions_and_the_cardinality_case():
    def row(tool, mb_s, threads, question=None):
        return {"layout": "combined", "tool": tool, "input": "1GiB.log", "threads": threads, "size": "1GiB",
                "status": "ok", "mb_s": mb_s, "rss_mb": 40.0, "question": question, "peer": "logcodes" not in tool}

    rows = [row("logcodes by code,path", 900, 1, "code,path"), row("polars by code,path", 200, 1, "code,path"),
            row("logcodes by code,path", 1200, 2, "code,path"), row("polars by code,path", 600, 2, "code,path")]
    card = {"layout": "cardinality", "tool": report_extras.CARD_TOOL, "groups": 10**6, "status": "ok", "seconds": 1.5,
            "rss_mb": 300.0, "input": "cardinality-1M.log", "threads": 2, "problems": []}
    over = dict(card, groups=10**7, status="LIMIT", seconds=None,
                problems=["stopped at 4,100 MB resident (limit 4,000 MB) after 20.0 s"])
    got = {t.text: t for t in report_extras.targets(rows + [card, over])}
    assert got["by code,path: >= 3x polars, 1 thread each"].value == 4.5
    assert got["by code,path: >= 3x polars, 2 threads each"].verdict().startswith("**missed** by 33%")
    assert got["by time:1h,class: >= 3x polars, 1 thread each"].verdict() == "not measured"
    assert got["cardinality 1M groups: scan + to_pandas() <= 1 s"].verdict().startswith("**missed** by 50%")
    ten = got["cardinality 10M groups: peak RSS <= 2,000 MB"].verdict()
    assert ten.startswith("**missed**: stopped at 4,100 MB"), ten
    table = "\n".join(report_extras.question_table(rows))
    assert "| logcodes | 1 |" in table and "200 (4.5x)" in table
    assert "over limit" in "\n".join(report_extras.cardinality_table([card, over]))
