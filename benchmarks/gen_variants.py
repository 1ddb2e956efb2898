#!/usr/bin/env python3
"""Seeded generators for the other layouts `make bench` times, each with its exact truth:

    nginx_custom  nginx log_format with $upstream_status and $request_time (read with formats.nginx(...))
    nginx_json    nginx escape=json lines (read with the nginx_json preset and with formats.nginx(...))
    sip_trace     a SIPp-style message trace: calls answered/busy/declined/cancelled, some responses
                  retransmitted (truth counts transactions; `messages` counts every response)

    python benchmarks/gen_variants.py OUT --layout nginx_json --size 64MiB --seed 1

The truth JSON beside OUT has: format, log_format (when one), bytes, lines, records, codes, invalid,
unparsed, and for SIP: count ("transactions"), messages, retransmissions.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gen_logs  # noqa: E402  (size parsing)

CUSTOM = ("'$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" "
          "\"$http_user_agent\" rt=$request_time us=\"$upstream_status\" ua=\"$upstream_addr\"'")
JSON = ("escape=json '{\"time\":\"$time_iso8601\",\"remote_addr\":\"$remote_addr\",\"request\":\"$request\","
        "\"status\":$status,\"body_bytes_sent\":$body_bytes_sent,\"request_time\":$request_time,"
        "\"upstream_status\":\"$upstream_status\",\"http_user_agent\":\"$http_user_agent\",\"host\":\"$host\"}'")
CODES = [200] * 60 + [304] * 8 + [404] * 6 + [301, 302, 206, 500, 502, 503, 504, 499, 403, 401, 400, 429]
AGENTS = ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
          "curl/8.5.0", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) \"quoted\" AppleWebKit/605.1.15",
          "python-requests/2.31.0", "-"]
PATHS = ["/", "/index.html", "/api/v1/items/{n}", "/search?q={n}&page=2", "/static/app.{n}.js", "/a b/{n}"]


def nginx_escape(s: str) -> str:
    return s.replace("\\", "\\x5C").replace('"', "\\x22")


def http_lines(rnd: random.Random, layout: str):
    """Yields (line, code or None for invalid/unparsed, kind)."""
    t = 1700000000
    while True:
        t += rnd.randrange(3)
        r = rnd.random()
        if r < 0.0002:
            yield "GARBAGE " + str(rnd.randrange(10**6)), None, "unparsed"
            continue
        code = rnd.choice(CODES)
        path = rnd.choice(PATHS).format(n=rnd.randrange(10**6))
        req = f"{rnd.choice(['GET', 'GET', 'POST', 'HEAD'])} {path} HTTP/1.1"
        agent = rnd.choice(AGENTS)
        ip = f"10.{rnd.randrange(256)}.{rnd.randrange(256)}.{rnd.randrange(256)}"
        ups = str(code) if code not in (499,) else "-"
        if code == 200 and rnd.random() < 0.02:
            ups = "502, 200"
        rt = f"{rnd.random() * 2:.3f}"
        size = rnd.randrange(100000)
        invalid = r < 0.0007
        if layout == "nginx_custom":
            import time as _t
            tl = _t.strftime("%d/%b/%Y:%H:%M:%S +0000", _t.gmtime(t))
            status = rnd.choice(["000", "009"]) if invalid else str(code)
            line = (f'{ip} - - [{tl}] "{nginx_escape(req)}" {status} {size} "-" "{nginx_escape(agent)}" rt={rt} '
                    f'us="{ups}" ua="10.0.0.{rnd.randrange(8)}:8080"')
        else:
            import time as _t
            ts = _t.strftime("%Y-%m-%dT%H:%M:%S+00:00", _t.gmtime(t))
            status = rnd.choice(["000", "009"]) if invalid else str(code)
            line = ('{"time":"%s","remote_addr":"%s","request":%s,"status":%s,"body_bytes_sent":%d,"request_time":%s,'
                    '"upstream_status":"%s","http_user_agent":%s,"host":"shop.example.org"}'
                    % (ts, ip, json.dumps(req), status, size, rt, ups, json.dumps(agent)))
        yield line, (None if invalid else code), ("invalid" if invalid else "ok")


SDP = ("v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
       "m=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")


def sip_messages(rnd: random.Random):
    """Yields (text, response code or None for requests, is_retransmission)."""
    call = 0
    t = 1700000000.0
    while True:
        call += 1
        cid = f"{call}-{rnd.randrange(10**6)}@10.0.0.1"
        tag = f"{rnd.getrandbits(40):x}"
        branch = f"z9hG4bK{rnd.getrandbits(48):x}"
        kind = rnd.choices(["answer", "busy", "decline", "cancel"], [70, 15, 10, 5])[0]

        def frame(text):
            nonlocal t
            t += rnd.random() / 10
            return f"----------------------------------------------- 2026-11-23 23:48:{t % 60:09.6f}\nUDP message:\n\n{text}\n"

        def resp(code, reason, cseq="1 INVITE", br=branch, extra=""):
            return frame(f"SIP/2.0 {code} {reason}\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch={br}\r\n"
                         f"From: <sip:a@x>;tag={tag}\r\nTo: <sip:b@x>;tag=t{call}\r\nCall-ID: {cid}\r\nCSeq: {cseq}\r\n"
                         f"{extra}Content-Length: 0\r\n\r\n")

        def req(method, cseq, br, body=""):
            return frame(f"{method} sip:b@x SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch={br}\r\n"
                         f"From: <sip:a@x>;tag={tag}\r\nTo: <sip:b@x>\r\nCall-ID: {cid}\r\nCSeq: {cseq}\r\n"
                         f"Content-Type: application/sdp\r\nContent-Length: {len(body)}\r\n\r\n{body}")

        yield req("INVITE", "1 INVITE", branch, SDP), None, False
        yield resp(100, "Trying"), 100, False
        yield resp(180, "Ringing"), 180, False
        if rnd.random() < 0.05:
            yield resp(180, "Ringing"), 180, True
        if kind == "answer":
            yield resp(200, "OK"), 200, False
            yield req("ACK", "1 ACK", branch + "a"), None, False
            yield req("BYE", "2 BYE", branch + "b"), None, False
            yield resp(200, "OK", "2 BYE", branch + "b"), 200, False
        elif kind in ("busy", "decline"):
            code, reason, cause = (486, "Busy Here", 17) if kind == "busy" else (603, "Decline", 21)
            extra = f"Reason: Q.850;cause={cause}\r\n"
            yield resp(code, reason, extra=extra), code, False
            if rnd.random() < 0.2:  # the ACK was lost: the final response is retransmitted
                yield resp(code, reason, extra=extra), code, True
            yield req("ACK", "1 ACK", branch), None, False
        else:
            yield req("CANCEL", "1 CANCEL", branch), None, False
            yield resp(200, "OK", "1 CANCEL"), 200, False
            yield resp(487, "Request Terminated"), 487, False
            yield req("ACK", "1 ACK", branch), None, False


def generate(out: str, layout: str, size: int, seed: int) -> dict:
    rnd = random.Random(seed)
    codes: dict[str, int] = {}
    truth = {"format": layout, "seed": seed, "size_requested": size, "lines": 0, "records": 0, "invalid": 0,
             "unparsed": 0}
    written = 0
    with open(out, "w", encoding="utf-8", newline="") as f:
        if layout == "sip_trace":
            truth.update(format="sip_trace", count="transactions", messages=0, retransmissions=0)
            for text, code, retrans in sip_messages(rnd):
                if written >= size:
                    break
                f.write(text)
                written += len(text.encode())
                truth["lines"] += text.count("\n")
                if code is None:
                    continue
                truth["messages"] += 1
                truth["records"] += 1
                if retrans:
                    truth["retransmissions"] += 1
                else:
                    codes[str(code)] = codes.get(str(code), 0) + 1
        else:
            truth["log_format"] = CUSTOM if layout == "nginx_custom" else JSON
            buf = []
            for line, code, kind in http_lines(rnd, layout):
                if written >= size:
                    break
                buf.append(line)
                written += len(line.encode()) + 1
                truth["lines"] += 1
                truth["records"] += 1
                if kind == "ok":
                    codes[str(code)] = codes.get(str(code), 0) + 1
                else:
                    truth[kind] += 1
                if len(buf) >= 10000:
                    f.write("\n".join(buf) + "\n")
                    buf = []
            if buf:
                f.write("\n".join(buf) + "\n")
    truth["codes"] = dict(sorted(codes.items(), key=lambda kv: int(kv[0])))
    truth["bytes"] = Path(out).stat().st_size
    truth["generator"] = "gen_variants/1"
    Path(out + ".truth.json").write_text(json.dumps(truth, indent=1) + "\n")
    return truth


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--layout", choices=["nginx_custom", "nginx_json", "sip_trace"], required=True)
    ap.add_argument("--size", default="64MiB")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    t = generate(a.out, a.layout, gen_logs.parse_size(a.size), a.seed)
    print(json.dumps({k: v for k, v in t.items() if k != "codes"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
