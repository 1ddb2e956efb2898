"""Error logs scanned as main inputs: their events counted by severity and cause, never as responses."""

from __future__ import annotations

from typing import Optional, Sequence, Tuple

from . import _core
from .errors import MixedInputError

__all__ = ["EVENT_FORMATS", "EVENT_DIMENSIONS", "DEFAULT_EVENT_DIMS", "event_dims", "check_inputs", "is_event_format"]

EVENT_FORMATS: Tuple[str, ...] = tuple(_core.EVENT_FORMATS)
# What an event says: its severity, the cause the rules name, when, where, and the request it names.
EVENT_DIMENSIONS = ("level", "cause", "cause_detail", "cause_source", "time", "file", "host", "path", "path_raw",
                    "method")
DEFAULT_EVENT_DIMS = ("level", "cause")


def is_event_format(name: Optional[str]) -> bool:
    return name in EVENT_FORMATS


def event_dims(dims: Sequence[str], *, explicit: bool) -> Tuple[str, ...]:
    """The dimensions events are grouped by for a scan grouped by ``dims``.

    With ``count="events"`` (``explicit``) every dimension must suit events; otherwise the ones that do are
    kept and ``level`` and ``cause`` added when neither is asked for.
    """
    if explicit:
        wrong = [d for d in dims if d not in EVENT_DIMENSIONS]
        if wrong:
            raise ValueError(f"error-log events have no {', '.join(map(repr, wrong))}: group them by "
                             f"{', '.join(EVENT_DIMENSIONS)}")
        return tuple(dims) or DEFAULT_EVENT_DIMS
    kept = tuple(d for d in dims if d in EVENT_DIMENSIONS)
    if "level" not in kept and "cause" not in kept:
        kept += DEFAULT_EVENT_DIMS
    return kept


def check_inputs(formats: Sequence[Tuple[str, Optional[str]]], *, explicit_events: bool,
                 explicit_dims: Optional[Sequence[str]]) -> bool:
    """Whether a scan's inputs are read as events: ``formats`` is ``(path, format)`` per input.

    Raises MixedInputError when error logs and access logs (or SIP) were given together as main inputs,
    and ValueError when error logs are grouped by a dimension they do not have.
    """
    events = [(p, f) for p, f in formats if is_event_format(f)]
    others = [(p, f) for p, f in formats if f is not None and not is_event_format(f)]
    if events and others:
        raise MixedInputError(_mixed_message(events, others))
    if explicit_events and others:
        raise MixedInputError(f"count='events' reads error logs, but {_names(others)} "
                              f"{'is' if len(others) == 1 else 'are'} not: scan them apart")
    as_events = explicit_events or bool(events)
    if as_events and not explicit_events and explicit_dims is not None:
        event_dims(explicit_dims, explicit=True)  # a by= that names codes is an error, not ignored
    return as_events


def _names(items: Sequence[Tuple[str, Optional[str]]]) -> str:
    shown = ", ".join(f"{p} ({f})" for p, f in items[:3])
    return shown + (f" and {len(items) - 3} more" if len(items) > 3 else "")


def _mixed_message(events: Sequence[Tuple[str, Optional[str]]], others: Sequence[Tuple[str, Optional[str]]]) -> str:
    return (f"error logs were given as main inputs with access logs: {_names(events)} besides {_names(others)}. "
            "Their events are no responses: pass the error logs with errors=[...] (on the command line: "
            "--errors FILE) to explain the access logs' errors with them, or scan them alone to count their "
            "events by level and cause")
