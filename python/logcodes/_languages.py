"""The languages code names and meanings are shown in: English from the C++ registry, the others from
translation tables kept as data (``languages/<lang>.json``), and the process-wide default."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any, Dict, Optional, Tuple

LANGUAGES: Tuple[str, ...] = ("en", "zh")
_ENGLISH_TERMS = {"unregistered": "(unregistered)"}
_default = "en"


def check(lang: Optional[str]) -> str:
    """``lang`` as a known language name; None means the default (``get_lang()``)."""
    if lang is None:
        return _default
    name = str(lang).strip().lower()
    if name not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; valid: {', '.join(LANGUAGES)}")
    return name


def get_lang() -> str:
    """The language outputs name codes in when none is given (initially ``"en"``)."""
    return _default


def set_lang(lang: str) -> None:
    """Sets the language every output names codes in when none is given: ``"en"`` or ``"zh"``.

    It applies to the whole process: ``print(summary)``, notebook views, reports, JSON and CSV.
    """
    global _default
    if lang is None:
        raise ValueError(f"a language is needed: one of {', '.join(LANGUAGES)}")
    _default = check(lang)


@lru_cache(maxsize=None)
def table(lang: str) -> Dict[str, Any]:
    """The translation table of ``lang`` (not English, whose phrases are the registry's own)."""
    text = resources.files(__package__).joinpath("languages", f"{lang}.json").read_text(encoding="utf-8")
    return json.loads(text)


def _entry(lang: str, protocol: str, code: int) -> Dict[str, str]:
    return table(lang)["codes"].get(protocol, {}).get(str(code), {})


def reason(lang: str, protocol: str, code: int) -> Optional[str]:
    """The translated reason phrase of a registered code, or None when the table lacks it."""
    return _entry(lang, protocol, code).get("reason")


def meaning(lang: str, protocol: str, code: int) -> Optional[str]:
    """The translated explanation of a code, when the table has one."""
    return _entry(lang, protocol, code).get("meaning")


def class_name(lang: str, protocol: str, klass: str) -> Optional[str]:
    return table(lang)["classes"].get(protocol, {}).get(klass)


def term(lang: str, name: str) -> str:
    """A fixed word of the outputs (``"unregistered"`` ...) in ``lang``."""
    if lang == "en":
        return _ENGLISH_TERMS[name]
    return str(table(lang)["terms"][name])


def explain(lang: str, protocol: str, code: int, klass: str, origin: Optional[str]) -> str:
    """A translated explanation of a code: the table's own, else its class and origin (the table's
    templates, so punctuation follows the language)."""
    terms = table(lang)["terms"]
    text = meaning(lang, protocol, code)
    if text:
        return text
    where = str(terms["origin"]).format(origin=origin) if origin else ""
    cls = class_name(lang, protocol, klass)
    if cls:
        return str(terms["class_response"]).format(class_name=cls, origin=where)
    return str(terms["response"]).format(origin=where)


def separator(lang: str) -> str:
    """What separates a code's name from its explanation."""
    return ": " if lang == "en" else str(table(lang)["terms"]["separator"])
