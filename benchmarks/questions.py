"""The questions the bench asks of a combined log, their answers from the generator's truth, and the check.

    class,code      records by status code (the class follows from the code)
    code,path       by code and templated path (logcodes's ``path``: ids, dates, UUIDs, hashes, emails as
                    placeholders, by the rules documented in ``logcodes.paths``)
    code,path_raw   by code and the path as written (logcodes's ``path_raw``)
    time:1h,class   by UTC hour and class

Only records with a status code 100-599 are grouped (invalid statuses and unparsed lines are counted apart,
as logcodes does). A group key is a tuple of plain values: code int, class "2xx", path str (as written in
the log) or None (no request line: "-", "", TLS bytes), hour "YYYY-MM-DDTHH:00:00Z".

The path rules here are written from the documentation (`logcodes.paths`, `Record::path()`), not taken from
logcodes, so the truth does not lean on the code it checks. Stdlib only: the peers' child scripts load it.
"""

from __future__ import annotations

import re
from typing import Iterable, Optional

QUESTIONS = ("class,code", "code,path", "code,path_raw", "time:1h,class")
# The scan(by=...) that asks each question.
SCAN_BY = {"class,code": "class,code", "code,path": "code,path", "code,path_raw": "code,path_raw",
           "time:1h,class": "time:1h,class"}

Key = tuple
Groups = dict  # {Key: count}

# ---------------------------------------------------------------------------------------------------
# The request line and its path, as logcodes reads them (README "Record::path", access_log split_request):
# a method (a letter, then letters, '-' or '_', at most 32) and a space, then the target up to a trailing
# " HTTP/..."; the path is the target before '?', without scheme and authority for an absolute URI.

_METHOD = re.compile(r"[A-Za-z][A-Za-z_-]{0,31}")


def request_path(request: str) -> Optional[str]:
    """The path of a request field as written ("GET /a?b HTTP/1.1" -> "/a"); None when it is no request
    line ("-", "", escaped TLS bytes)."""
    sp = request.find(" ")
    if sp <= 0 or not _METHOD.fullmatch(request[:sp]):
        return None
    target = request[sp + 1:]
    last = target.rfind(" ")
    if last >= 0 and target[last + 1:].startswith("HTTP/"):
        target = target[:last]
    scheme = target.find("://")
    if 0 < scheme < 8 and not target.startswith("/"):
        slash = target.find("/", scheme + 3)
        target = target[slash:] if slash >= 0 else "/"
    q = target.find("?")
    return target if q < 0 else target[:q]


# ---------------------------------------------------------------------------------------------------
# Path templates (logcodes.paths): one segment at a time; whole-segment rules first, then the stem before a
# short ".ext" (1-5 letters or digits), which is kept.

_DATE = re.compile(r"(?:19|20)[0-9]{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
                   r"|(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])")
_ID = re.compile(r"[0-9]+")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_ALNUM16 = re.compile(r"[0-9A-Za-z]{16,}")
_HEX_WITH_DIGIT = re.compile(r"[0-9a-fA-F]*[0-9][0-9a-fA-F]*")
# The domain of local@domain.tld: a dot that is neither its first nor its last character, and the last.
_DOMAIN = re.compile(r"[A-Za-z0-9.-]+\.[A-Za-z0-9-]+")
_STEM_EXT = re.compile(r"(.+)(\.[A-Za-z0-9]{1,5})")


def _placeholder(seg: str) -> Optional[str]:
    if not seg or seg.startswith("{"):
        return None
    if _DATE.fullmatch(seg):
        return "{date}"
    if _ID.fullmatch(seg):
        return "{id}"
    if _UUID.fullmatch(seg):
        return "{uuid}"
    if _ALNUM16.fullmatch(seg):
        digits = sum(c in "0123456789" for c in seg)
        if _HEX_WITH_DIGIT.fullmatch(seg) or (len(seg) >= 20 and 5 * digits >= len(seg)
                                              and 5 * (len(seg) - digits) >= len(seg)):
            return "{hash}"
    at, at_len = seg.find("@"), 1
    if at < 0:
        at, at_len = seg.find("%40"), 3
    if at > 0 and _DOMAIN.fullmatch(seg, at + at_len):
        return "{email}"
    return None


def _segment(seg: str) -> str:
    p = _placeholder(seg)
    if p:
        return p
    m = _STEM_EXT.fullmatch(seg)
    if m:
        p = _placeholder(m.group(1))
        if p:
            return p + m.group(2)
    return seg


def template(path: Optional[str]) -> Optional[str]:
    """The templated path ("/users/42.json" -> "/users/{id}.json"); None stays None."""
    return None if path is None else "/".join(_segment(s) for s in path.split("/"))


# ---------------------------------------------------------------------------------------------------
# Answers from the truth file (gen_logs.py writes `code_path_raw` and `hour_class` next to `codes`).

def class_of(code: int) -> str:
    return f"{code // 100}xx"


def truth_groups(truth: dict, question: str) -> Groups:
    if question == "class,code":
        return {(class_of(int(c)), int(c)): n for c, n in truth["codes"].items()}
    if question in ("code,path", "code,path_raw"):
        if "code_path_raw" not in truth:
            raise KeyError("the truth has no code_path_raw (not a combined layout, or an old truth file)")
        out: Groups = {}
        for code, path, n in truth["code_path_raw"]:
            key = (int(code), template(path) if question == "code,path" else path)
            out[key] = out.get(key, 0) + n
        return out
    if question == "time:1h,class":
        return {(hour, cls): n for hour, cls, n in truth["hour_class"]}
    raise ValueError(f"unknown question {question!r} (one of {', '.join(QUESTIONS)})")


def groups_from_rows(rows: Iterable) -> Groups:
    """[k1, k2, n] rows (as the child scripts print them) -> {(k1, k2): n}, adding up repeated keys."""
    out: Groups = {}
    for *key, n in rows:
        k = tuple(key)
        out[k] = out.get(k, 0) + int(n)
    return out


def diff(got: Groups, want: Groups, limit: int = 6) -> list[str]:
    """The differences, largest first; empty when the answers are equal."""
    bad = [(k, got.get(k, 0), want.get(k, 0)) for k in set(got) | set(want) if got.get(k, 0) != want.get(k, 0)]
    if not bad:
        return []
    bad.sort(key=lambda t: -abs(t[1] - t[2]))
    out = [f"{len(bad)} of {len(want)} groups differ ({sum(got.values()) - sum(want.values()):+d} records in all)"]
    out += [f"{k!r}: {g} != {w}" for k, g, w in bad[:limit]]
    return out
