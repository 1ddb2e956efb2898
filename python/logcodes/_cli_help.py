"""The command line's help texts: what each subcommand does and its own examples; dimension lists made from
the core's own (``logcodes.DIMENSIONS``), so a new dimension shows up in ``--by``'s help by itself."""

from __future__ import annotations

from typing import Dict

from ._dims import DIMENSIONS

DESCRIPTION = ("Count response codes in HTTP access logs (nginx, Apache, Tomcat, IIS, HAProxy, Envoy, cloud load "
               "balancers, JSON), SIP logs and SIP captures (pcap/pcapng), by class, code and cause; error logs "
               "explain the errors.")

# Dimensions that only make sense for SIP calls (count=calls) and for error logs (count=events).
_SIP_CALL_DIMS = ("outcome", "attempts", "auth_rounds", "hangup")
_EVENT_DIMS = ("level",)


def by_help() -> str:
    general = [d for d in DIMENSIONS if d not in _SIP_CALL_DIMS and d not in _EVENT_DIMS]
    general = [d + "[:1h]" if d == "time" else d for d in general]
    return (f"dimensions, comma-separated: {','.join(general)}; SIP calls (--count calls): "
            f"{','.join(_SIP_CALL_DIMS)}; error logs: {','.join(_EVENT_DIMS)},cause; or any field a format "
            "yields (logcodes.formats.fields()). Default: class,code (error logs: level,cause)")


EXAMPLES: Dict[str, str] = {
    "logcodes": """examples:
  logcodes summarize access.log
  logcodes summarize access.log --codes 5xx --since -1h --by path
  logcodes summarize calls.pcap --count calls --by outcome,code
  logcodes report access.log --errors error.log -o report.html
  logcodes watch /var/log/nginx/access.log --prometheus 127.0.0.1:9464
  logcodes codes sip 486
  logcodes demo

exit status: 0 ok; 1 an input failed part-way (what was read is still printed); 2 bad arguments;
3 nothing at all was recognised (--allow-empty: 0); 141 the output was closed (| head).
""",
    "summarize": """examples:
  logcodes summarize access.log
  logcodes summarize 'logs/*.gz' --by time:1h,class --csv
  logcodes summarize access.log --codes 5xx --since -1h --paths '/api/*' --by path,code
  logcodes summarize access.log --errors error.log --by code,cause
  logcodes summarize proxy.pcap --by class,code                 # SIP responses, each transaction once
  logcodes summarize proxy.pcap --count calls --by outcome,hangup
  tail -n 100000 access.log | logcodes summarize - --format combined
  grep ' 5[0-9][0-9] ' access.log | logcodes summarize - --allow-empty --json
""",
    "report": """examples:
  logcodes report access.log -o report.html
  logcodes report 'logs/access.log*' --errors 'logs/error.log*' -o report.html --title "shop, last week"
  logcodes report proxy.pcap --count calls -o calls.html
""",
    "demo": """examples:
  logcodes demo
  logcodes demo --json
""",
    "formats": """examples:
  logcodes formats
  logcodes formats --json
""",
    "detect": """examples:
  logcodes detect access.log error.log capture.pcap
""",
    "watch": """examples:
  logcodes watch /var/log/nginx/access.log --jsonl --checkpoint /var/lib/logcodes/nginx.json
  logcodes watch '/var/log/*/access.log' --prometheus 127.0.0.1:9464 --interval 15s
  logcodes watch /var/log/kamailio.log --count calls --jsonl
  logcodes watch --hep udp://127.0.0.1:9060 --count calls --prometheus 127.0.0.1:9464
  sudo logcodes watch --interface lo --filter "port 5060" --jsonl --interval 1min
  tail -F access.log | logcodes watch - --jsonl --format combined

SIGTERM or SIGINT ends the current window, reports it, saves the checkpoint and exits 0.
""",
    "codes": """examples:
  logcodes codes                 # every registered code
  logcodes codes sip             # SIP's codes
  logcodes codes http 499        # what one code means, and who sends it
  logcodes codes sip 486 --lang zh --json
""",
}
