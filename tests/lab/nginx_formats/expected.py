"""Counts the six logs without logcodes (regex / json), checks they agree, writes EXPECTED.json."""
import collections
import json
import re
import sys

out = sys.argv[1]
combined = collections.Counter(m.group(1) for m in re.finditer(r'" (\d{3}) \S+ "', open(f"{out}/access_combined.log").read()))
custom = collections.Counter(m.group(1) for m in re.finditer(r'" (\d{3}) \S+ "', open(f"{out}/access_custom.log").read()))
js = collections.Counter()
for line in open(f"{out}/access_json.log"):
    m = re.search(r'"status":(\d+)', line)
    js[m.group(1)] += 1
others = {name: collections.Counter(m.group(1) for m in re.finditer(r'" (\d{3}) \S+ "', open(f"{out}/{name}").read()))
          for name in ("access_ingress.log", "access_ingress_legacy.log", "access_main_times.log")}
assert combined == custom == js, (combined, custom, js)
assert all(c == combined for c in others.values()), others
conf = open(f"{out}/nginx.conf").read()


def directive(name):
    m = re.search(r"log_format\s+" + name + r"\s+(.*?;)\n", conf, re.S)
    return m.group(1)


json.dump({"counts": dict(sorted(combined.items())), "lines": sum(combined.values()),
           "log_format_custom": directive("custom"), "log_format_json": directive("jsonlog"),
           "log_format_ingress": directive("upstreaminfo"), "log_format_ingress_legacy": directive("upstreaminfo_legacy"),
           "log_format_main_times": directive("main_times")},
          open(f"{out}/EXPECTED.json", "w"), indent=1)
print("counts", dict(sorted(combined.items())))
