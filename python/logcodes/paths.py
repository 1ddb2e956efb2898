"""Path templates: ids, UUIDs, hashes, dates and emails in URL paths become placeholders.

The ``path`` dimension of HTTP records is templated (``/users/42`` and ``/users/43`` count as
``/users/{id}``); ``path_raw`` keeps the path as written (SIP request URIs are always kept as written). Built-in rules look at one segment (between slashes) at a time,
keeping a short ``.ext`` suffix:

* ``{date}``: ``2024-01-31``, or 8 digits forming a valid date (``20240131``, years 1900–2099);
* ``{id}``: digits only;
* ``{uuid}``: 8-4-4-4-12 hex digits;
* ``{hash}``: 16 or more hex digits including at least one digit, or a 20+ character run of letters and
  digits with at least a fifth of each (random tokens; dashed slugs like ``summer-sale-2024`` are kept);
* ``{email}``: ``local@domain.tld`` (``@`` also as ``%40``).

Your rules, ``scan(..., path_rules=[(regex, placeholder), ...])``, run first, in order, over the whole
path (RE2 syntax; the placeholder is literal text); segments that start with ``{`` are left alone after.

>>> template("/users/42/orders/7.json")
'/users/{id}/orders/{id}.json'
>>> template("/tenants/acme/files/da39a3ee5e6b4b0d3255bfef95601890afd80709",
...          rules=[(r"^/tenants/[^/]+", "/tenants/{tenant}")])
'/tenants/{tenant}/files/{hash}'
"""

from __future__ import annotations

from typing import Iterable, Optional, Sequence, Tuple

from . import _core

__all__ = ["template", "compile_rules", "PathRulesArg"]

PathRulesArg = Optional[Iterable[Tuple[str, str]]]


def compile_rules(rules: PathRulesArg) -> Optional[_core.PathRules]:
    """Compiles ``[(regex, placeholder), ...]`` once for a scan; ``None`` or empty gives ``None``.

    Raises ValueError naming the rule (its position, pattern and placeholder) when a pattern does not
    compile or matches the empty string.
    """
    if rules is None:
        return None
    if isinstance(rules, (str, bytes)) or not isinstance(rules, Iterable):
        raise TypeError(f"path_rules takes a list of (regex, placeholder) pairs, not {type(rules).__name__}")
    pairs = []
    for i, rule in enumerate(rules):
        if isinstance(rule, (str, bytes)) or not isinstance(rule, Sequence) or len(rule) != 2:
            raise ValueError(f"path_rules: path rule {i} must be a (regex, placeholder) pair, not {rule!r}")
        pattern, placeholder = rule
        if not isinstance(pattern, str) or not isinstance(placeholder, str):
            raise ValueError(f"path_rules: path rule {i} must be a pair of strings, not {rule!r}")
        pairs.append((pattern, placeholder))
    return _core.PathRules(pairs) if pairs else None


def template(path: str, *, rules: PathRulesArg = None) -> str:
    """The templated form of ``path``, as the ``path`` dimension counts it.

    >>> template("/report/2024-01-31/u/jane@example.com")
    '/report/{date}/u/{email}'
    """
    compiled = compile_rules(rules)
    return compiled.apply(path) if compiled is not None else _core.template_path(path)
