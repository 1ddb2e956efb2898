"""Cause rules: named RE2 patterns that say why an error happened, matched against error-log events.

The built-in pack (``builtin.toml`` beside this file, versioned) covers JSP compile and translation errors and
missing includes, Java runtime exceptions, out-of-memory, JDBC pools, every upstream failure nginx and Apache's
mod_proxy log (resolving, connecting by errno, TLS, resets, timeouts, early closes, invalid or too big
headers, no live upstreams), request limits, rewrite cycles, PHP fatal errors, CGI script headers,
permissions and missing files. ``sources.toml`` beside it lists the server messages each rule covers and the
source file each comes from (docs/causes.md). Add your own
as a TOML or YAML file, or as dicts:

>>> from logcodes import rules
>>> mine = [{"name": "payment_gateway_down", "pattern": "PaymentGateway.*timed out", "codes": ["502", "504"],
...          "label": "payment gateway timed out"}]
>>> compiled = rules.compile(mine)          # your rules first, then the built-in ones
>>> compiled.size > len(mine)
True

A bad rule raises :class:`logcodes.RuleError` naming it.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Union

from .. import _core
from ..errors import RuleError

__all__ = ["Rule", "builtin", "load", "compile", "version", "RulesArg"]

_HERE = Path(__file__).resolve().parent


@dataclasses.dataclass(frozen=True)
class Rule:
    """One cause rule: ``name`` is the cause slug, ``pattern`` an RE2 regex searched in the event text,
    ``codes`` the access-log codes it may explain (``"5xx"``, ``"502"``; empty: any error), ``kind`` which
    case of the cause it finds: the cause detail is then ``"kind: <first group>"`` (several rules may share
    a name and tell their cases apart by kind)."""

    name: str
    pattern: str
    label: str = ""
    codes: tuple = ()
    kind: str = ""


RulesArg = Union[None, str, "os.PathLike[str]", Sequence[Union[Mapping[str, Any], Rule]], Mapping[str, Any]]


def _toml(path: Path) -> Dict[str, Any]:
    try:
        import tomllib  # Python 3.11+
    except ImportError:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[no-redef,import-not-found,unused-ignore]
    with open(path, "rb") as f:
        return tomllib.load(f)


def _from_mapping(item: Mapping[str, Any], where: str) -> Rule:
    if not isinstance(item, Mapping):
        raise RuleError(f"{where}: a rule is a table/dict with name and pattern, not {type(item).__name__}")
    unknown = set(item) - {"name", "pattern", "label", "codes", "kind"}
    if unknown:
        raise RuleError(f"{where}: rule {item.get('name', '?')!r} has unknown keys: {', '.join(sorted(unknown))}")
    name, pattern = item.get("name"), item.get("pattern")
    if not isinstance(name, str) or not name:
        raise RuleError(f"{where}: a rule needs a non-empty 'name'")
    if not isinstance(pattern, str) or not pattern:
        raise RuleError(f"{where}: rule {name!r} needs a non-empty 'pattern'")
    codes = item.get("codes", ())
    if isinstance(codes, (str, int)):
        codes = [codes]
    return Rule(name=name, pattern=pattern, label=str(item.get("label", "")), codes=tuple(str(c) for c in codes),
                kind=str(item.get("kind", "")))


def load(path: Union[str, "os.PathLike[str]"]) -> List[Rule]:
    """Rules from a TOML file (``[[rule]]`` tables) or a YAML file (a list, or ``rule:`` / ``rules:``)."""
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(2, "no such rules file", str(p))
    if p.suffix.lower() in (".yaml", ".yml"):
        try:
            import yaml  # type: ignore[import-untyped]
        except ImportError as e:
            raise RuleError(f"{p}: reading YAML rules needs PyYAML (pip install pyyaml); TOML needs nothing") from e
        with open(p, encoding="utf-8") as f:
            data = yaml.safe_load(f)
        items = data if isinstance(data, list) else (data or {}).get("rules", (data or {}).get("rule", []))
    else:
        try:
            data = _toml(p)
        except Exception as e:  # tomllib.TOMLDecodeError and friends
            raise RuleError(f"{p}: not valid TOML: {e}") from e
        items = data.get("rule", data.get("rules", []))
    return [_from_mapping(item, f"{p} rule {i + 1}") for i, item in enumerate(items)]


def builtin() -> List[Rule]:
    """The built-in rule pack, in priority order."""
    return load(_HERE / "builtin.toml")


def version() -> str:
    """The built-in pack's version."""
    return str(_toml(_HERE / "builtin.toml").get("version", ""))


def _collect(rules: RulesArg) -> List[Rule]:
    if rules is None:
        return []
    if isinstance(rules, (str, os.PathLike)):
        return load(rules)
    if isinstance(rules, Mapping):
        rules = [rules]
    if isinstance(rules, (bytes, bytearray)) or not isinstance(rules, Iterable):
        raise TypeError(f"rules takes a rules file (TOML or YAML), a rule dict or a list of them, "
                        f"not {type(rules).__name__}")
    out: List[Rule] = []
    for i, r in enumerate(rules):
        out.append(r if isinstance(r, Rule) else _from_mapping(r, f"rule {i + 1}"))
    return out


def compile(rules: RulesArg = None, *, include_builtin: bool = True) -> Any:
    """Compiles user rules (tried first) and, unless ``include_builtin=False``, the built-in pack."""
    all_rules = _collect(rules) + (builtin() if include_builtin else [])
    core, error = _core.compile_rules([(r.name, r.label, r.pattern, list(r.codes), r.kind) for r in all_rules])
    if core is None:
        raise RuleError(error)
    return core


def labels(rules: Iterable[Rule]) -> Dict[str, str]:
    """Each slug's label: the first labelled rule of that name (rules of one slug share it)."""
    out: Dict[str, str] = {}
    for r in rules:
        if r.label:
            out.setdefault(r.name, r.label)
    return out
