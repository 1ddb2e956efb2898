"""Check that Tomcat failed as requests.txt says, reading localhost.log with plain regexes (not logcodes).

    python3 check_log.py REQUESTS_TXT LOCALHOST_LOG

Jasper's behaviour depends on timing: a JSP that failed to compile is compiled again only after
modificationTestInterval (4 s); a request before that gets ClassNotFoundException for the page's class. The
table's `kind` column says which the lab expects, so this compares, per context path, the order of the failures
in the log with the order of the 5xx requests in the table, and stops the lab on the first difference.
"""

import re
import sys

sys.path.insert(0, __file__.rsplit("/", 2)[0])
from send_requests import read_table  # noqa: E402

HEAD = re.compile(r"^\d\d-\w{3}-\d{4} [\d:.]+ SEVERE \[[^\]]+\] "
                  r"org\.apache\.catalina\.core\.StandardWrapperValve\.invoke Servlet\.service\(\) "
                  r"for servlet \[([^\]]+)\] in context with path \[([^\]]*)\] threw exception(.*)$")


def event_kind(servlet, head):
    if servlet != "jsp":
        return "servlet"
    if "Unable to compile class for JSP" in head:
        return "compile"
    if "ClassNotFoundException: org.apache.jsp." in head:
        return "class not found after a failed compile"
    if "Unterminated [" in head:
        return "translation"
    if re.search(r"JSP file \[[^\]]+\] not found", head):
        return "include missing"
    m = re.search(r"An exception occurred processing \[([^\]]+)\]", head)
    return f"runtime {m.group(1)}" if m else f"other: {head}"


def expected_kind(row):
    if row["jsp"] == "-":
        return "servlet"
    if row["cause"] == "jsp_compile_error":
        return row["kind"]
    if row["cause"] == "jsp_include_missing":
        return "include missing"
    return f"runtime {row['jsp']}"


def main(table, log):
    want, got, pages, seconds = {}, {}, {}, {}
    for _, row in read_table(table):
        if row["status"].startswith("5"):
            target = row["request"].split()[1]
            context = "/shop" if target.startswith("/shop/") else ""
            want.setdefault(context, []).append(expected_kind(row))
            pages.setdefault(context, []).append(row["jsp"])
    lines = open(log, encoding="utf-8").read().splitlines()
    for i, line in enumerate(lines):
        m = HEAD.match(line)
        if m:
            # a runtime exception's head ends the line; the dynamic include's root cause follows it
            text = "\n".join([m.group(3)] + lines[i + 1:i + 12]) if "processing [" in m.group(3) else m.group(3)
            kind = event_kind(m.group(1), text)
            got.setdefault(m.group(2), []).append(kind)
            h, mi, sec = line.split()[1].split(":")
            seconds.setdefault(m.group(2), []).append(int(h) * 3600 + int(mi) * 60 + float(sec))
    for context in sorted(set(want) | set(got)):
        if want.get(context) != got.get(context):
            sys.exit(f"context [{context}]: the log has {got.get(context)}\n the table says {want.get(context)}")
        last = {}
        for page, kind, at in zip(pages[context], got[context], seconds[context]):
            if page in last and last[page][0] != kind and at - last[page][1] < 2:
                sys.exit(f"context [{context}]: {page} failed as {last[page][0]} then as {kind} only "
                         f"{at - last[page][1]:.1f} s later")
            last[page] = (kind, at)
    print("localhost.log: every failure as the table says")


if __name__ == "__main__":
    main(*sys.argv[1:])
