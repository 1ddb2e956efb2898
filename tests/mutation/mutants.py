"""The mutants `make mutate` applies: each is one small, plausible mistake in the core or the Python layer.

A mutant is a unique text in one file and what it is replaced by; `tests` names what runs against it
(`cpp` is the whole GoogleTest binary, the rest are files of tests/python, with pytest options if any). A mutant is *killed* when one of
them fails. A mutant kept on purpose though no test can kill it is marked `equivalent` with the reason
(docs/mutation.md lists them).
"""

from __future__ import annotations

from typing import NamedTuple, Optional, Tuple


class Mutant(NamedTuple):
    id: str
    file: str
    find: str
    replace: str
    tests: Tuple[str, ...]
    what: str                      # the mistake, in words
    equivalent: Optional[str] = None


CALLS = ("cpp", "test_sip_calls.py", "test_sip_kpi_outputs.py", "test_count_levels.py", "test_sip.py",
         "test_lab_kamailio.py")
CORRELATION = ("cpp", "test_correlation.py", "test_correlation_join.py", "test_correlation_pieces.py",
               "test_lab_causes.py", "test_causes.py", "test_rule_sources.py")
REGISTRY = ("cpp", "test_codes.py", "test_output_meanings.py", "test_cli.py")
ACCESS = ("cpp", "test_formats.py", "test_scan_real.py", "test_corpus_formats.py", "test_corpus_expected.py",
          "test_properties.py")
RENDER = ("test_output_meanings.py", "test_count_levels.py", "test_cli.py", "test_cli_console.py",
          "test_cli_flags.py", "test_report.py", "test_api.py")
CLI = ("test_cli.py", "test_cli_console.py", "test_cli_flags.py", "test_filters.py")
# The rotation stress test of test_watch.py times a writer against the watcher: on a loaded machine it can
# miss without a mutant, so it is left to `make test`.
WATCH = ("test_kpi_rows.py", "test_watch.py -k 'not rotations_kills'", "test_watch_faults.py",
         "test_sip_kpi_outputs.py", "test_output_meanings.py")

CT = "cpp/src/call_table.cpp"
CM = "cpp/src/call_metrics.cpp"
CO = "cpp/src/correlate.cpp"
AL = "cpp/src/formats/access_log.cpp"

MUTANTS: Tuple[Mutant, ...] = (
    # --- SIP calls: outcome, challenges, forking, re-INVITEs, hang-up side, registrations -----------------
    Mutant("calls-407-not-challenge", CT, "return code == 401 || code == 407; }", "return code == 401; }", CALLS,
           "a 407 Proxy Authentication Required is not taken for a challenge"),
    Mutant("calls-failure-beats-2xx", CT, "if (!ok) return;", "if (ok) return;", CALLS,
           "a forked failure replaces the 2xx of another branch"),
    Mutant("calls-latest-final-wins", CT, "if (!(mine < kept)) return;", "if (mine < kept) return;", CALLS,
           "among several failures the latest, not the earliest, is kept"),
    Mutant("calls-100-is-ringing", CT, "if (code >= 180 && code <= 189) keep_min", "if (code >= 100 && code <= 189) keep_min",
           CALLS, "100 Trying counts as ringing (post-dial delay)"),
    Mutant("calls-reinvite-starts-call", CT, "if (!s.to_tag.empty()) t.in_dialog = true;", "", CALLS,
           "a re-INVITE (its request has a To-tag) is taken for a new call attempt"),
    Mutant("calls-after-2xx-counted", CT, "if (t.in_dialog || answered) continue;", "if (t.in_dialog) continue;", CALLS,
           "INVITEs after the 2xx whose request the capture missed change the call"),
    Mutant("calls-hangup-swapped", CT, "res.hangup = end->from == from ? Hangup::caller : Hangup::callee;",
           "res.hangup = end->from == from ? Hangup::callee : Hangup::caller;", CALLS,
           "the side that hung up is swapped"),
    Mutant("calls-stale-nonce-fails", CT, "if (!t->credentials || t->stale) continue;",
           "if (!t->credentials) continue;", CALLS, "a challenge to a stale nonce ends the registration as failed"),
    Mutant("calls-cancel-ignored", CT, "        t.cancelled = true;\n        return;", "        return;", CALLS,
           "a CANCEL does not mark its INVITE cancelled"),
    Mutant("calls-register-merge-order", CT, "ot.final_code < t.final_code", "ot.final_code > t.final_code", CALLS,
           "merging two tables keeps the higher of two first answers to a REGISTER"),
    Mutant("calls-outcome-487", "cpp/src/calls.cpp", 'if (code == 487 || (cancelled && code >= 400)) return "cancelled";',
           'if (cancelled && code >= 400) return "cancelled";', CALLS,
           "487 Request Terminated is not a cancelled call"),
    Mutant("calls-q850-17", "cpp/src/calls.cpp", 'case 17: return "busy";', 'case 17: return "rejected";', CALLS,
           "Q.850 cause 17 (user busy) is read as rejected"),
    Mutant("calls-600-not-busy", "cpp/src/calls.cpp", 'case 486: case 600: return "busy";', 'case 486: return "busy";',
           CALLS, "600 Busy Everywhere is not busy"),
    Mutant("metrics-486-ineffective", CM, "code == 480 || code == 486 || code == 600",
           "code == 480 || code == 600", CALLS, "486 is left out of RFC 6076 SEER"),
    Mutant("metrics-503-effective", CM, "code == 500 || code == 503 || code == 504", "code == 500 || code == 504",
           CALLS, "503 is left out of RFC 6076 ISA"),
    Mutant("metrics-negative-delay", CM, "if (from == kNoMs || to == kNoMs || to < from) return;",
           "if (from == kNoMs || to == kNoMs) return;", CALLS, "a negative delay (clocks of two capture points) is summed"),
    Mutant("metrics-cancelled-srd", CM, '} else if (code >= 400 && outcome != "cancelled") {',
           "} else if (code >= 400) {", CALLS, "cancelled calls enter the failed session request delay"),
    Mutant("metrics-completed-unanswered-bye", CM, "at(f, CallFigure::completed) = answered && c.bye_answered;",
           "at(f, CallFigure::completed) = answered;", CALLS, "a call counts as completed without its BYE answered"),
    # --- correlation of errors with error-log events --------------------------------------------------------
    Mutant("corr-crit-not-severe", CO, '{"error", "crit", "critical",', '{"error", "critical",', CORRELATION,
           "nginx [crit] events are not kept"),
    Mutant("corr-unnamed-preferred", CO,
           "const std::int64_t score = distance(it->first, at) * 2 + (e.rule >= 0 ? 0 : 1);",
           "const std::int64_t score = distance(it->first, at) * 2 + (e.rule >= 0 ? 1 : 0);", CORRELATION,
           "at equal distance an event no rule names wins over a named one"),
    Mutant("corr-context-ignored", CO, "if (!e.context.empty()) return path_under(path, e.context);",
           "if (!e.context.empty()) return true;", CORRELATION,
           "an event of one web application explains a request of another"),
    Mutant("corr-request-id-other-path", CO, "if (!e.path.empty() && !path.empty() && e.path != path) continue;", "",
           CORRELATION, "a request id joins an event naming another path"),
    Mutant("corr-window-wider", CO, "const std::int64_t window = (window_ms_ + 999) / 1000;",
           "const std::int64_t window = (window_ms_ + 999) / 1000 + 5;", CORRELATION,
           "events up to 5 s beyond the window are joined"),
    Mutant("corr-absorb-least-specific", CO, "(lead.rule < 0 || e.rule < lead.rule)", "(lead.rule < 0 || e.rule > lead.rule)",
           CORRELATION, "one request's lines keep the least specific rule's cause"),
    Mutant("corr-request-id-first-unnamed", CO, "if (!pick || (pick->rule < 0 && e.rule >= 0)) pick = &e;",
           "if (!pick) pick = &e;", CORRELATION, "a request id's first event wins even when a later one is named"),
    # --- code registry and upstream / Reason codes ----------------------------------------------------------
    Mutant("registry-sip-100-continue", "cpp/src/registry.cpp", 'sip(100, "Trying", "RFC 3261"),',
           'sip(100, "Continue", "RFC 3261"),', REGISTRY, "SIP 100 is named as HTTP's 100"),
    Mutant("registry-486-phrase", "cpp/src/registry.cpp", 'sip(486, "Busy Here", "RFC 3261"),',
           'sip(486, "Busy", "RFC 3261"),', REGISTRY, "486's reason phrase is not RFC 3261's"),
    Mutant("registry-499-missing", "cpp/src/registry.cpp",
           '    http_defacto(499, "Client Closed Request", "nginx", "client closed the connection; logged, never sent"),\n',
           "", REGISTRY, "nginx's 499 is unknown"),
    Mutant("registry-6xx-class", "cpp/src/registry.cpp", '"Server Failure", "Global Failure"}',
           '"Server Failure", "Server Failure"}', REGISTRY, "SIP 6xx is called Server Failure"),
    Mutant("upstream-colon-list", "cpp/src/upstream.cpp", "if (c != ' ' && c != ',' && c != ':' && c != '-') return 0;",
           "if (c != ' ' && c != ',' && c != '-') return 0;", ACCESS + ("test_lab_servers.py",),
           "a ':' after the last code of an upstream list ends the list",
           equivalent="the loop looks at separators only after the last code, and nginx writes ' : ' only "
                      "between codes (ngx_http_upstream_status_variable): every list nginx writes reads the same"),
    Mutant("reason-any-protocol", "cpp/src/sip_reason.cpp", "if (iequals(proto, protocol)) {", "if (true) {", CALLS,
           "a Reason header's SIP cause is read as its Q.850 cause"),
    # --- access-log parsing ---------------------------------------------------------------------------------
    Mutant("access-dash-status", AL, 'if (t == "-") return true;\n    if (t.empty() ||', 'if (t == "-") return false;\n    if (t.empty() ||',
           ACCESS, "a '-' status is not a status-like token"),
    Mutant("access-escaped-quote", AL, "return (n & 1u) != 0;", "return n != 0;", ACCESS,
           "a quote after an escaped backslash is taken for escaped"),
    Mutant("access-long-methods", AL, "s1 == 0 || s1 > 32) return;", "s1 == 0 || s1 > 6) return;", ACCESS,
           "methods longer than six letters (OPTIONS, PROPFIND) are not methods"),
    Mutant("access-vhost-keeps-port", AL, "out.host = vhost.substr(0, colon);", "out.host = vhost;", ACCESS,
           "the vhost field keeps its port"),
    Mutant("access-extra-quoted", AL, "return quoted == layout_.trailing_quoted;",
           "return quoted >= layout_.trailing_quoted;", ACCESS,
           "a line with more quoted fields matches a layout with fewer (nginx main read as combined)"),
    Mutant("time-clf-zone-ignored", "cpp/src/time.cpp", "mm * 60 + ss - offset;\n}\n\nstd::int64_t parse_iso8601_time",
           "mm * 60 + ss;\n}\n\nstd::int64_t parse_iso8601_time", ACCESS + ("test_filters.py", "test_correlation.py"),
           "the CLF time's zone is ignored"),
    # --- Python: what users read ---------------------------------------------------------------------------
    Mutant("show-share-of-total", "python/logcodes/_show.py", "of = s.counted if at is None",
           "of = s.total if at is None", RENDER, "the share is of all records, not of those counted"),
    Mutant("show-no-retransmissions", "python/logcodes/_show.py",
           '            parts.append(("retransmissions", s.retransmissions))\n', "", RENDER + ("test_sip.py",),
           "the headline leaves retransmissions out, so it no longer adds up"),
    Mutant("show-no-incomplete", "python/logcodes/_show.py",
           'calls += f" (+{s.incomplete_calls:,} without a final response)"', "pass", RENDER + CALLS[1:],
           "calls without a final response are not said"),
    Mutant("show-filtered-hidden", "python/logcodes/_show.py",
           '    if s.filtered:\n        parts.append(("filtered out", s.filtered))\n    return parts + [("invalid',
           '    return parts + [("invalid', RENDER + ("test_filters.py",), "records left out by filters vanish from the headline"),
    Mutant("kpis-incomplete-zero", "python/logcodes/_kpis.py", 'out["incomplete_calls"] = summary.incomplete_calls',
           'out["incomplete_calls"] = 0', WATCH, "the KPI row says no call is incomplete"),
    Mutant("filters-class-range", "python/logcodes/filters.py", "out.append((d * 100, d * 100 + 99))",
           "out.append((d * 100, d * 100 + 98))", CLI, "'5xx' leaves out 599"),
    Mutant("filters-range-order", "python/logcodes/filters.py", "100 <= int(r.group(1)) <= int(r.group(2)) <= 699",
           "100 <= int(r.group(1)) and int(r.group(2)) <= 699", CLI, "a reversed range '504-500' is accepted"),
    Mutant("sizes-minute", "python/logcodes/_sizes.py", '"m": 60, "min": 60,', '"m": 60, "min": 1,',
           CLI + ("test_watch.py -k 'not rotations_kills'", "test_scan_shape.py"), "'5min' is read as 5 seconds"),
    Mutant("codes-class-of", "python/logcodes/codes.py", 'return f"{int(code) // 100}xx"', 'return f"{int(code) // 10}xx"',
           REGISTRY, "class_of gives '40xx' for 404"),
    Mutant("cli-empty-exit", "python/logcodes/_cli_run.py", "if summary.total - summary.unparsed > 0:",
           "if summary.total > 0:", CLI, "a file of only unparsed lines is taken as recognised (exit 0)"),
    Mutant("prom-other-slot", "python/logcodes/prometheus.py", "if len(self._sources) < self.max_series - 1:",
           "if len(self._sources) < self.max_series:", WATCH + ("test_prometheus_bounds.py",), "the slot kept for source='other' is given away"),
    # Who a SIP message is from and to, and failed calls step by step.
    Mutant("sip-uri-password-kept", "cpp/src/formats/sip_text.hpp",
           "out.user = rest.substr(0, std::min(at, rest.substr(0, at).find(':')));", "out.user = rest.substr(0, at);",
           ("cpp", "test_sip_addresses.py"), "a SIP URI's password is kept in its user ('alice:secretword')"),
    Mutant("sip-to-from-swapped", "cpp/src/formats/sip_trace.cpp", "{f.to_user, &k.to.user}, {f.to_host, &k.to.host}",
           "{f.to_user, &k.from.user}, {f.to_host, &k.from.host}", ("cpp", "test_sip_addresses.py"),
           "To's user and host are taken from From"),
    Mutant("sip-ruri-on-responses", "cpp/src/formats/sip_trace.cpp",
           "        for (Address* a : {&m().from, &m().to, &m().ruri}) a->user.clear(), a->host.clear();",
           "        for (Address* a : {&m().from, &m().to}) a->user.clear(), a->host.clear();",
           ("cpp", "test_sip_addresses.py"), "a response keeps the request-URI of the request before it"),
    Mutant("calls-party-from-reinvite", CT,
           "((request && s.to_tag.empty()) || s.whole_transaction)", "(request || s.whole_transaction)",
           CALLS + ("test_sip_addresses.py",), "a callee's re-INVITE can name the caller and callee swapped"),
    Mutant("calls-ladder-cancelled-is-failed", "cpp/src/processor.cpp",
           'if (r.outcome != "answered" && r.outcome != "cancelled")', 'if (r.outcome != "answered")',
           CALLS + ("test_sip_addresses.py",), "cancelled calls are shown among the failed calls"),
    Mutant("report-parties-challenges", "python/logcodes/_report_sip.py",
           "c >= 400 and c not in (401, 407)", "c >= 400", ("test_sip_addresses.py",),
           "401/407 challenges are counted as failures of a destination"),
)
