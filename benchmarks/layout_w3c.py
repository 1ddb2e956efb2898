"""The W3C extended (IIS-style) layout of gen_logs.py: the same records as combined, written under #Fields.

IIS writes one value per field, separated by single spaces: a space inside a value becomes '+', an empty or
unknown value '-', text is UTF-8 as received, times are UTC. A directive block (#Software, #Version, #Date,
#Fields) opens the file and is written again at the start of every batch, as IIS does when the log is
reopened; directives are lines but not records. Requests that are not a request line (`-`, empty, TLS junk)
have `-` for method, stem, query and version.
"""

from __future__ import annotations

import random
import time

import numpy as np

import gen_logs as g

FIELDS = ("date time c-ip cs-username s-ip s-port cs-method cs-uri-stem cs-uri-query cs-version sc-status "
          "sc-substatus sc-win32-status sc-bytes time-taken cs(User-Agent) cs(Referer)")
N_FIELDS = len(FIELDS.split())
STATUS_FIELD = FIELDS.split().index("sc-status")
# Typical IIS sub-status / Win32 status pairs per code (the rest: 0 0).
SUBSTATUS = {401: ["1 2148074254", "2 5", "3 5"], 403: ["4 5", "14 0", "0 0"], 404: ["0 2", "0 64", "3 50"],
             500: ["0 0", "19 13", "0 64"], 502: ["3 12002", "3 12029"], 503: ["0 64", "2 0"]}


def w3c_stamp(sec: int, zone: int) -> bytes:
    """'date time ' in UTC: W3C logs carry no zone."""
    tm = time.gmtime(sec)
    return (f"{tm.tm_year}-{tm.tm_mon:02d}-{tm.tm_mday:02d} {tm.tm_hour:02d}:{tm.tm_min:02d}:{tm.tm_sec:02d} ").encode()


def value(raw: bytes) -> bytes:
    """One W3C field value: spaces as '+', empty as '-'."""
    return raw.replace(b" ", b"+") or b"-"


def directives(stamp: bytes) -> bytes:
    return (b"#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n#Date: " + stamp.strip()
            + b"\n#Fields: " + FIELDS.encode() + b"\n")


DIRECTIVE_LINES = 4


class W3CLayout:
    name = "w3c"
    n_parts = 7
    stamp = staticmethod(w3c_stamp)

    def __init__(self, pools, seed: int):
        r = random.Random(seed * 7919 + 3)
        t = pools.texts
        self.p = pools
        heads = []
        for h in t["heads"]:
            host, _, user, _ = h.split(" ", 3)
            heads.append(g.host_ip(r, host).encode() + b" " + value(g.unescape(user)) + b" 10.0.0.5 443 ")
        self.heads, self.heads_len = g._objs(heads)
        reqs = []
        for q in t["requests"]:
            raw = g.unescape(q)
            parts = raw.split(b" ")
            if len(parts) >= 2 and parts[0].isalpha() and parts[0].isupper():
                method = parts[0]
                proto = parts[-1] if len(parts) >= 3 and parts[-1].startswith(b"HTTP/") else b""
                target = b" ".join(parts[1:-1] if proto else parts[1:])
                stem, _, query = target.partition(b"?")
                reqs.append(b" ".join([method, value(stem), value(query), value(proto)]) + b" ")
            else:  # not a request line
                reqs.append(b"- - - - ")
        self.req, self.req_len = g._objs(reqs)
        st = [x.split(" ")[:2] for x in t["st"]]
        inv = [x.split(" ")[:2] for x in t["inv"]]
        self.inv_token = [tok for tok, _ in inv]
        size = lambda b: "0" if b == "-" else b  # sc-bytes is always a number
        piece = lambda c, b: f"{c} {r.choice(SUBSTATUS.get(int(c), ['0 0']))} {size(b)} ".encode()
        self.st, self.st_len = g._objs([piece(c, b) for c, b in st])
        self.inv, self.inv_len = g._objs([f"{tok} 0 0 {size(b)} ".encode() for tok, b in inv])
        # time-taken (ms), per code; slow for gateway timeouts.
        taken = lambda c: str(r.randint(20000, 120000) if c == 504 else int(r.lognormvariate(3.5, 1.5)))
        self.tail, self.tail_len = g._objs([f"{taken(int(c))} ".encode() for c in pools.codes
                                            for _ in range(g.TAIL_VARIANTS)])
        self.ua, self.ua_len = g._objs([value(g.unescape(a)) + b" " for a in t["uas"]])
        self.ref, self.ref_len = g._objs([value(g.unescape(f)) + b"\n" for f in t["referers"]])
        self.mal, self.mal_len = g._objs([m + b"\n" for m in self._malformed(r, heads, reqs)])

    @staticmethod
    def _malformed(r: random.Random, heads, reqs):
        out = []
        for _ in range(256):
            x = r.random()
            if x < 0.35:
                out.append(r.choice([b"GARBAGE", b"garbage line " + str(r.randrange(10**6)).encode(), b"-",
                                     b"--- log rotated ---", b"\tGARBAGE\t", b"0 0 0 0"]))
            elif x < 0.75:  # a line cut somewhere before its status
                prefix = b"2024-03-05 13:55:36 " + r.choice(heads) + r.choice(reqs)
                out.append(prefix[:r.randint(1, len(prefix))].rstrip(b" ") or b"2024-03-05")
            else:  # binary junk: no '\n', '\r', and not a directive
                junk = bytes(b for b in r.randbytes(r.randint(8, 200)) if b not in b"\n\r#")
                out.append(b"\x01" + junk + b"\xff")
        for m in out:
            assert m.strip() and b"\n" not in m and b"\r" not in m and not m.startswith(b"#")
        return out

    def render(self, ix):
        tv = ix.ci * g.TAIL_VARIANTS + (ix.v[0] * g.TAIL_VARIANTS).astype(np.int64)
        ix.tv = tv
        parts = [ix.ts, self.heads[ix.hi], self.req[ix.ri], self.st[ix.si], self.tail[tv], self.ua[ix.ai],
                 self.ref[ix.fi]]
        length = (len(w3c_stamp(0, 0)) + self.heads_len[ix.hi] + self.req_len[ix.ri] + self.st_len[ix.si]
                  + self.tail_len[tv] + self.ua_len[ix.ai] + self.ref_len[ix.fi])
        return parts, length

    def set_invalid(self, parts, length, m, ix):
        ii = ix.ii[m]
        parts[3][m] = self.inv[ii]
        length[m] += self.inv_len[ii] - self.st_len[ix.si[m]]

    def open_batch(self, parts, length, ts0: bytes) -> int:
        """Puts a directive block before the batch's first line; returns the lines it adds."""
        block = directives(ts0)
        parts[0][0] = block + parts[0][0]
        length[0] += len(block)
        return DIRECTIVE_LINES
