"""The call KPIs of ``Summary.kpis()`` as the outputs show them: each column's name, unit and meaning (one
table for the report, ``watch``'s JSON lines and Prometheus), and one row of them as plain values."""

from __future__ import annotations

import math
from typing import Any, Dict, NamedTuple, Optional, Tuple

from .summary import _KPI_COLUMNS, Summary

__all__ = ["Kpi", "OUTCOMES", "RATIOS", "DELAYS", "kpi_row"]


class Kpi(NamedTuple):
    column: str       # the column of Summary.kpis()
    name: str         # what it is called
    definition: str   # how it is computed, and where it is defined (docs/sip.md)


# ITU-T E.411 words, in the order of Summary.kpis()'s columns.
OUTCOMES = ("answered", "busy", "no_answer", "rejected", "cancelled", "failed")

# Fractions (0 to 1; shown as percentages).
RATIOS: Tuple[Kpi, ...] = (
    Kpi("ASR", "answer seizure ratio", "answered calls / calls (ITU-T E.411)"),
    Kpi("NER", "network effectiveness ratio",
        "calls answered, busy, not answered or rejected by the user / calls (ITU-T E.425)"),
    Kpi("SER", "session establishment ratio", "calls ending in 200 / calls not ending in 3xx (RFC 6076 §4.6)"),
    Kpi("SEER", "session establishment effectiveness ratio",
        "calls ending in 200, 480, 486, 600 or 603 / calls not ending in 3xx (RFC 6076 §4.7)"),
    Kpi("ISA", "ineffective session attempts", "calls ending in 408, 500, 503 or 504 / calls (RFC 6076 §4.8)"),
    Kpi("SCR", "session completion ratio",
        "answered calls ended by a BYE answered 2xx / calls (RFC 6076 §4.9)"),
)

# Means in seconds over the calls whose capture shows both ends.
DELAYS: Tuple[Kpi, ...] = (
    Kpi("SRD", "session request delay",
        "first INVITE to the first 18x, or the 200 when no 18x came, of answered calls (RFC 6076 §4.3.1)"),
    Kpi("SRD_failed", "session request delay of failed calls",
        "first INVITE to the 4xx, 5xx or 6xx final response, cancelled calls left out (RFC 6076 §4.3.2)"),
    Kpi("PDD", "post-dial delay", "first INVITE to the first 18x (ITU-T E.411)"),
    Kpi("setup_time", "setup time", "first INVITE to the 2xx"),
    Kpi("SDD", "session disconnect delay", "BYE to its 2xx (RFC 6076 §4.4)"),
    Kpi("SDT", "session duration (ACD)", "2xx to the BYE of answered calls, mean (RFC 6076 §4.5.1; E.411 ACD)"),
)

REGISTRATION_RATIO = Kpi("registration_ratio", "registration ratio", "registered / registrations finished")
RRD = Kpi("RRD", "registration request delay", "first REGISTER to its 2xx, challenges included (RFC 6076 §4.1)")


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):           # numpy scalars
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def kpi_row(summary: Summary) -> Optional[Dict[str, Any]]:
    """The KPIs of the whole summary as one dict of plain values (None where a ratio or a mean has nothing
    to divide), with the calls not in them (``incomplete_calls``, ``calls_without_invite``,
    ``registrations_without_request``); None when the summary does not count calls."""
    if summary.count != "calls":
        return None
    (row,) = summary.kpis().to_dict("records") or [{}]
    out = {k: _plain(v) for k, v in row.items()}
    if not out:   # a summary without call figures: nothing was counted, no ratio or mean is defined
        means = {k.column for k in (*RATIOS, *DELAYS, REGISTRATION_RATIO, RRD)}
        out = {c: None if c in means else 0 for c in _KPI_COLUMNS}
    out["incomplete_calls"] = summary.incomplete_calls
    out["calls_without_invite"] = summary.calls_without_invite
    out["registrations_without_request"] = summary.registrations_without_request
    return out


def figure_sums(summary: Summary) -> Dict[str, int]:
    """The call figures behind the KPIs (``calls``, ``answered`` ..., ``completed``, ``srd_ms`` and ``srd_n``
    ...: docs/sip.md), summed over every group: the exact sums counters are made of."""
    out: Dict[str, int] = {}
    for values in summary._figures.values():
        for name, v in values.items():
            out[name] = out.get(name, 0) + int(v)
    return out
