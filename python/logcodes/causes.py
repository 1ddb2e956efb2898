"""Causes: why an error happened, as a stable slug with a human label.

A cause comes from the record itself (``source == "record"``: SIP Reason/Q.850 and Warning, IIS
substatus and Windows error, HTTP.sys ``s-reason``, ALB ``error_reason``, CloudFront detailed result
type, HAProxy termination state, Envoy response flags, a proxy's upstream status), from a rule matching an
error-log event, or from joining an access-log error with the error log (``correlation``). Every error
(4xx-6xx) has one: ``unknown`` when nothing says why. Group by ``cause``, ``cause_detail`` and
``cause_source``.

>>> label("q850_17_user_busy")
'Q.850 17: User busy'
>>> label("iis_500_19_invalid_configuration")
'IIS 500.19: configuration data is invalid'
>>> label("upstream_host_unreachable")
'the upstream host is unreachable (no route, host down, container stopped)'
"""

from __future__ import annotations

import functools
from typing import Dict, Optional

from . import _core

__all__ = ["label"]


@functools.lru_cache(maxsize=1)
def _rule_labels() -> Dict[str, str]:
    from . import rules  # the built-in pack labels the slugs its rules give

    return rules.labels(rules.builtin())


def label(slug: Optional[str]) -> Optional[str]:
    """A human label for a cause slug (None for None; the slug itself when the library has no label)."""
    if slug is None:
        return None
    return _core.cause_label(slug) or _rule_labels().get(slug) or slug
