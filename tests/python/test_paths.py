"""Path templates: the path dimension groups ids, UUIDs, hashes, dates and emails; path_raw keeps them."""

import pytest
from hypothesis import given, strategies as st

import logcodes
from logcodes import paths

_LINE = '1.2.3.4 - - [10/Oct/2000:13:55:{s:02d} -0700] "GET {path} HTTP/1.0" {code} 10\n'


def _log(tmp_path, items):
    p = tmp_path / "access.log"
    p.write_text("".join(_LINE.format(s=i % 60, path=path, code=code) for i, (path, code) in enumerate(items)))
    return p


@pytest.mark.parametrize("raw, templated", [
    ("/users/42", "/users/{id}"),
    ("/users/42/orders/7.json", "/users/{id}/orders/{id}.json"),
    ("/o/123E4567-E89B-12D3-A456-426614174000/x", "/o/{uuid}/x"),
    ("/blob/da39a3ee5e6b4b0d3255bfef95601890afd80709", "/blob/{hash}"),
    ("/obj/5f2b8c9e1a4d3e0012345678", "/obj/{hash}"),
    ("/day/2024-01-31/20240131", "/day/{date}/{date}"),
    ("/u/jane.doe+x@example.co.uk", "/u/{email}"),
    ("/api/v2/items", "/api/v2/items"),
    ("/summer-sale-2024", "/summer-sale-2024"),
    ("/cafe", "/cafe"),
    ("/deadbeef", "/deadbeef"),   # short hex words stay
    ("/", "/"),
])
def test_builtin_templates(raw, templated):
    assert paths.template(raw) == templated


def test_scan_templates_path_and_keeps_path_raw(tmp_path):
    log = _log(tmp_path, [("/users/1?x=2", 200), ("/users/22", 200), ("/users/333/avatar.png", 404)])
    s = logcodes.scan(log, by="path")
    assert s.counts("path") == {"/users/{id}": 2, "/users/{id}/avatar.png": 1}
    raw = logcodes.scan(log, by="path_raw,code")
    assert raw.counts("path_raw") == {"/users/1": 1, "/users/22": 1, "/users/333/avatar.png": 1}  # no query


def test_real_log_paths_collapse(data):
    s = logcodes.scan(data / "shop_nginx_main_1000.log", by="path,path_raw")
    templated, raw = s.counts("path"), s.counts("path_raw")
    assert sum(templated.values()) == sum(raw.values()) == s.counted
    assert len(templated) < len(raw)
    assert templated["/image/{id}"] == sum(n for p, n in raw.items() if p and p.startswith("/image/")
                                           and p.count("/") == 2 and p.split("/")[2].isdigit())


def test_user_rules_run_first(tmp_path):
    log = _log(tmp_path, [("/t/acme/users/1", 200), ("/t/globex/users/2", 200), ("/static/a/b.css", 200)])
    s = logcodes.scan(log, by="path", path_rules=[(r"^/t/[^/]+", "/t/{tenant}"), (r"^/static/.*", "/static/{asset}")])
    assert s.counts("path") == {"/t/{tenant}/users/{id}": 2, "/static/{asset}": 1}
    st_ = logcodes.Stream(by="path", path_rules=[(r"^/t/[^/]+", "/t/{tenant}")])
    st_.feed(log.read_bytes())
    assert st_.close().counts("path")["/t/{tenant}/users/{id}"] == 2


@pytest.mark.parametrize("rules, words", [
    ([("ok", "{a}"), ("(unclosed", "{b}")], ["path rule 1", "(unclosed"]),
    ([("x*", "{x}")], ["path rule 0", "empty string"]),
    ([("only-one",)], ["path rule 0", "pair"]),
    (["not-a-pair"], ["path rule 0"]),
])
def test_bad_rules_name_the_rule(tmp_path, rules, words):
    log = _log(tmp_path, [("/a", 200)])
    with pytest.raises(ValueError) as e:
        logcodes.scan(log, by="path", path_rules=rules)
    for w in words:
        assert w in str(e.value)


@given(st.lists(st.sampled_from(["users", "42", "2024-01-31", "a@b.io", "v1", "", "x.json", "%41", "{id}",
                                 "123e4567-e89b-12d3-a456-426614174000", "ffffffffffffffff0"]), max_size=8))
def test_templates_are_stable_and_keep_the_shape(segments):
    raw = "/" + "/".join(segments)
    once = paths.template(raw)
    assert paths.template(once) == once          # templating a template changes nothing
    assert once.count("/") == raw.count("/")     # segments are replaced, never merged or split


def test_cli_path_rule(tmp_path, capsys):
    from logcodes import cli

    log = _log(tmp_path, [("/t/acme/users/1", 200), ("/t/globex/users/2", 404)])
    assert cli.main(["summarize", str(log), "--by", "path", "--path-rule", "^/t/[^/]+", "/t/{tenant}", "--csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["path,count", "/t/{tenant}/users/{id},2"]
    assert cli.main(["summarize", str(log), "--by", "path", "--path-rule", "(", "{x}"]) == 2
    assert "path rule 0" in capsys.readouterr().err
