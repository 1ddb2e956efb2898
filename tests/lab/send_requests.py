"""Send a lab's request table to a server and write EXPECTED.json from the table and what the server answered.

    python3 send_requests.py TABLE BASE_URL OUT_DIR [--server "nginx/1.22.1"]

A table has one request per line, columns separated by ``|``; ``#`` starts a comment line. The first line that is
not a comment names the columns; the first four are always ``pause | request | status | cause``:

    pause | request | status | cause | jsp
    0.2   | GET /shop/npe.jsp;jsessionid=AB12?x=1 | 500 | null_pointer_exception | /npe.jsp

- pause: seconds to wait before sending (spreads the requests over time as real traffic is);
- request: method and target exactly as sent (no normalisation, so ``;jsessionid=`` and ``%20`` stay), then
  optional ``body=N`` (send N bytes) and ``give_up=S`` (the client closes after S seconds, as a user who gives up);
- status: what the server must answer (for ``give_up``: what it logs, e.g. 499; the client sees nothing);
- cause: the exact cause slug the lab was built to produce, ``-`` for a request that is not an error.

Any further column is kept in EXPECTED.json as is (``-`` = absent). A status other than the table's stops the lab
(after sending them all, naming each such request): the fixture would not be what the table says.
"""

import http.client
import json
import socket
import sys
import time
import urllib.parse


def read_table(path):
    rows, names = [], None
    for number, line in enumerate(open(path, encoding="utf-8"), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in line.rstrip("\n").split("|")]
        if names is None:
            names = cells
            if names[:4] != ["pause", "request", "status", "cause"]:
                sys.exit(f"{path}:{number}: the header must start with pause | request | status | cause")
            continue
        if len(cells) != len(names):
            sys.exit(f"{path}:{number}: {len(cells)} columns, the header has {len(names)}")
        rows.append((number, dict(zip(names, cells))))
    return rows


def send(base, request):
    """The status the server answered; None when the client gave up first (as planned)."""
    method, target, *options = request.split()
    opts = dict(o.split("=", 1) for o in options)
    url = urllib.parse.urlsplit(base)
    give_up = float(opts.get("give_up", 30))
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=give_up)
    body = b"x" * int(opts.get("body", 0))
    try:
        conn.putrequest(method, target, skip_accept_encoding=True)
        conn.putheader("User-Agent", "logcodes-lab/1.0")
        if body or method in ("POST", "PUT"):
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body or None)
        response = conn.getresponse()
        response.read()
        return response.status
    except (socket.timeout, TimeoutError):
        return None
    except (ConnectionError, http.client.HTTPException) as e:
        if "give_up" in opts:
            return None
        return f"no response ({e!r})"
    finally:
        conn.close()


def main(table, base, out_dir, server=""):
    expected, wrong = [], []
    for number, row in read_table(table):
        time.sleep(float(row["pause"]))
        got = send(base, row["request"])
        want = int(row["status"])
        if got != want and not (got is None and "give_up=" in row["request"]):
            wrong.append(f"{table}:{number}: {row['request']} answered {got}, the table says {want}")
        entry = {"request": row["request"].split(" give_up=")[0].split(" body=")[0], "status": want,
                 "cause": None if row["cause"] == "-" else row["cause"]}
        entry.update({k: v for k, v in row.items() if k not in ("pause", "request", "status", "cause") and v != "-"})
        expected.append(entry)
    if wrong:
        sys.exit("\n".join(wrong))
    lines = ",\n".join("  " + json.dumps(e, ensure_ascii=False) for e in expected)
    with open(f"{out_dir}/EXPECTED.json", "w", encoding="utf-8") as f:
        f.write('{\n "server": %s,\n "requests": [\n%s\n ]\n}\n' % (json.dumps(server), lines))
    print(f"{len(expected)} requests as the table says; EXPECTED.json written")


if __name__ == "__main__":
    args = sys.argv[1:]
    server = ""
    if "--server" in args:
        i = args.index("--server")
        server = args[i + 1]
        del args[i:i + 2]
    if len(args) != 3:
        sys.exit(__doc__)
    main(*args, server=server)
