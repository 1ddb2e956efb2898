"""Counts Caddy's JSON access log without logcodes (json module) and writes EXPECTED.json."""
import collections
import json
import sys

out = sys.argv[1]
codes = collections.Counter()
durations = []
for line in open(f"{out}/access.log"):
    rec = json.loads(line)
    if not rec.get("logger", "").startswith("http.log.access"):
        continue
    codes[str(rec["status"])] += 1
    durations.append(rec["duration"])
json.dump({"counts": dict(sorted(codes.items())), "lines": sum(codes.values()),
           "max_duration": max(durations)}, open(f"{out}/EXPECTED.json", "w"), indent=1)
print("counts", dict(sorted(codes.items())))
